"""The array store, levels and list kernels of propagation, against PeriodSet algebra."""

from __future__ import annotations

import numpy as np
from hypothesis import given

from periodkit.graph.propagation import AtomStore, Edges, intersect_atoms, layers
from periodkit.kernels import to_domain
from periodkit.periods import PeriodSet
from periodkit.strategies import period_sets


def _domain_atoms(periods: PeriodSet) -> list[tuple[int, int]]:
    starts, ends = (to_domain(a) for a in periods.bounds())
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def _as_set(atoms: list[tuple[int, int]]) -> PeriodSet:
    return PeriodSet.from_bounds([a for a, _ in atoms], [b for _, b in atoms])


@given(period_sets(), period_sets())
def test_list_intersection_agrees_with_period_sets(left, right):
    a, b = _domain_atoms(left), _domain_atoms(right)
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
