"""The array kernels and the list kernels of propagation, against PeriodSet algebra."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from periodkit.graph.propagation import (
    AtomStore,
    Edges,
    coverage_at_least,
    intersect_atoms,
    layers,
    merge_atoms,
)
from periodkit.periods import PeriodSet
from periodkit.strategies import period_sets
from periodkit.time import FIRST_US, LAST_US


def _domain_atoms(periods: PeriodSet) -> list[tuple[int, int]]:
    starts, ends = (np.clip(a, FIRST_US, LAST_US) for a in periods.bounds())
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def _as_set(atoms: list[tuple[int, int]]) -> PeriodSet:
    return PeriodSet.from_bounds([a for a, _ in atoms], [b for _, b in atoms])


def _flatten(groups: list[list[PeriodSet]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every atom of every set as (group number, lo, hi) arrays."""
    rows = [
        (number, a, b)
        for number, sets in enumerate(groups)
        for periods in sets
        for a, b in _domain_atoms(periods)
    ]
    table = np.array(rows, dtype=np.int64).reshape(-1, 3)
    return table[:, 0], table[:, 1], table[:, 2]


groups_of_sets = st.lists(st.lists(period_sets(), min_size=1, max_size=3), min_size=1, max_size=4)


@given(groups_of_sets)
def test_coverage_at_least_one_is_the_union_of_each_group(groups):
    out_group, out_lo, out_hi = coverage_at_least(
        *_flatten(groups),
        np.ones(len(groups), dtype=np.int64),
    )
    for number, sets in enumerate(groups):
        mine = out_group == number
        expected = PeriodSet(sets)
        assert PeriodSet.from_bounds(out_lo[mine], out_hi[mine]) == expected
        assert np.all(out_lo[mine][1:] > out_hi[mine][:-1] + 1)


@given(groups_of_sets)
def test_coverage_at_least_k_of_k_canonical_sets_is_their_intersection(groups):
    out_group, out_lo, out_hi = coverage_at_least(
        *_flatten(groups),
        np.array([len(sets) for sets in groups], dtype=np.int64),
    )
    for number, sets in enumerate(groups):
        expected = ~PeriodSet()
        for periods in sets:
            expected &= periods
        mine = out_group == number
        assert PeriodSet.from_bounds(out_lo[mine], out_hi[mine]) == expected


@given(period_sets(), period_sets())
def test_list_kernels_agree_with_period_sets(left, right):
    a, b = _domain_atoms(left), _domain_atoms(right)
    assert _as_set(merge_atoms(a + b)) == left | right
    assert merge_atoms(a + b) == _domain_atoms(left | right)
    assert _as_set(intersect_atoms(a, b)) == left & right


def test_layers_put_parents_before_children_and_ignore_outside_edges():
    # 4 -> 0 lies outside the slots asked for, so 0 is a root here.
    edges = Edges(
        np.array([1, 2, 2, 3, 0]),
        np.array([0, 1, 0, 2, 4]),
        np.zeros(5, dtype=np.int64),
        np.zeros(5, dtype=np.int64),
        np.zeros(5, dtype=np.int64),
    )
    assert [level.tolist() for level in layers(np.array([3, 2, 1, 0]), edges)] == [
        [0],
        [1],
        [2],
        [3],
    ]


def test_atom_store_rewrites_and_compacts_without_losing_atoms():
    store = AtomStore(3)
    expected: dict[int, list[tuple[int, int]]] = {}
    for round_ in range(2000):
        slot, atoms = round_ % 3, [(round_ + k, round_ + k) for k in range(round_ % 4)]
        store.write_lists([slot], [atoms])
        expected[slot] = atoms
    assert store.lists([0, 1, 2]) == [expected[0], expected[1], expected[2]]
    # Garbage is dropped: far fewer atoms are kept than were ever written.
    assert store.used < 1500
