"""The kernels against a plain Python reference, on small domains where rows and atoms collide."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from periodkit import kernels, time
from periodkit.kernels import (
    Decomposition,
    coverage_at_least,
    decompose,
    max_duration,
    merge,
    merge_atoms,
    overlaps,
    start_order,
    to_domain,
    to_input_order,
    within,
)
from periodkit.periods import PeriodSet
from periodkit.strategies import period_sets

# Bounds on a tiny timeline plus the infinities, so that rows share starts,
# touch atoms at their closed ends and run past both sides of an atom.
bounds = st.integers(-40, 40) | st.sampled_from([time.NEG_INF, time.POS_INF])


@st.composite
def tables(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    pairs = draw(st.lists(st.tuples(bounds, bounds), max_size=30))
    rows = sorted((min(a, b), max(a, b)) for a, b in pairs)
    starts = np.array([r[0] for r in rows], dtype=np.int64)
    ends = np.array([r[1] for r in rows], dtype=np.int64)
    return starts, ends


# Durations from instants to the whole timeline: most rows short, a few
# lasting "years" or running to an infinity, as real actions do.
durations = st.integers(0, 3) | st.integers(0, 10**6) | st.just(time.POS_INF)


@st.composite
def heavy_tailed_tables(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    rows = []
    for start, length in draw(st.lists(st.tuples(bounds, durations), max_size=40)):
        end = time.POS_INF if length == time.POS_INF else min(start + length, time.POS_INF)
        rows.append((start, time.POS_INF if start == time.POS_INF else end))
    rows.sort()
    starts = np.array([r[0] for r in rows], dtype=np.int64)
    ends = np.array([r[1] for r in rows], dtype=np.int64)
    return starts, ends


@st.composite
def atom_sets(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    pairs = draw(st.lists(st.tuples(bounds, bounds), max_size=5))
    atoms = PeriodSet.from_bounds([min(p) for p in pairs], [max(p) for p in pairs])
    return atoms.bounds()


def reference(starts, ends, atom_starts, atom_ends, how):
    def hit(s, e, lo, hi):
        return s <= hi and e >= lo if how == "overlaps" else lo <= s and e <= hi

    return [
        i
        for i, (s, e) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True))
        if any(hit(s, e, lo, hi) for lo, hi in zip(atom_starts, atom_ends, strict=True))
    ]


@given(tables(), atom_sets())
def test_overlaps_matches_reference(table, atoms):
    found = overlaps(*table, *atoms)
    assert found.dtype == np.int64
    assert found.tolist() == reference(*table, *atoms, "overlaps")


@given(tables(), atom_sets())
def test_within_matches_reference(table, atoms):
    assert within(*table, *atoms).tolist() == reference(*table, *atoms, "within")


@given(tables(), bounds, bounds)
def test_one_period_matches_reference(table, a, b):
    period = (np.array([min(a, b)]), np.array([max(a, b)]))
    assert overlaps(*table, *period).tolist() == reference(*table, *period, "overlaps")
    assert within(*table, *period).tolist() == reference(*table, *period, "within")


@given(tables(), atom_sets(), st.integers(0, 100))
def test_a_longer_bound_on_durations_changes_nothing(table, atoms, extra):
    longest = max_duration(*table) + extra
    assert_array_equal(overlaps(*table, *atoms, longest), overlaps(*table, *atoms))


# A part costing nothing splits the table at every duration class; costing a
# few rows, at some; the default, on tables this small, never.
part_costs = st.sampled_from([0, 0.5, 3, 4096])


@given(heavy_tailed_tables() | tables(), atom_sets(), part_costs)
def test_overlaps_of_a_decomposed_table_matches_reference(table, atoms, cost):
    split = decompose(*table, part_cost=cost)
    found = overlaps(*table, *atoms, split)
    assert found.dtype == np.int64
    assert found.tolist() == reference(*table, *atoms, "overlaps")


@given(heavy_tailed_tables(), bounds, bounds, part_costs)
def test_one_period_on_a_decomposed_table_matches_reference(table, a, b, cost):
    period = (np.array([min(a, b)]), np.array([max(a, b)]))
    found = overlaps(*table, *period, decompose(*table, part_cost=cost))
    assert found.tolist() == reference(*table, *period, "overlaps")
    assert within(*table, *period).tolist() == reference(*table, *period, "within")


@given(heavy_tailed_tables() | tables(), part_costs)
def test_parts_hold_every_row_the_bound_does_not(table, cost):
    split = decompose(*table, part_cost=cost)
    lengths = (to_domain(table[1]) - to_domain(table[0])).tolist()
    kept = [row for part in split.parts for row in part.rows.tolist()]
    assert len(kept) == len(set(kept))
    for part in split.parts:
        assert part.rows.tolist() == sorted(part.rows.tolist())
        assert_array_equal(part.starts, table[0][part.rows])
        assert_array_equal(part.ends, table[1][part.rows])
        assert part.longest == max(lengths[row] for row in part.rows.tolist())
    assert all(length <= split.bound for row, length in enumerate(lengths) if row not in kept)


def test_a_few_long_rows_are_kept_apart():
    starts = np.arange(0, 400_000, 4, dtype=np.int64)
    ends = starts + 3
    ends[[5, 50_000]] = [10**9, time.POS_INF]
    split = decompose(starts, ends)
    assert split.bound == 3
    assert [part.rows.tolist() for part in split.parts] == [[5, 50_000]]
    found = overlaps(starts, ends, np.array([300_001]), np.array([300_002]))
    assert found.tolist() == [5, 50_000, 75_000]
    # Durations alike: the table stays whole.
    assert decompose(starts, starts + 3).parts == ()
    assert isinstance(decompose(starts[:0], ends[:0]), Decomposition)


@given(st.lists(st.integers(-3, 3) | st.sampled_from([time.NEG_INF, time.POS_INF]), max_size=40))
def test_start_order_is_stable(values):
    starts = np.array(values, dtype=np.int64)
    order, ordered = start_order(starts)
    expected = sorted(range(len(values)), key=lambda i: (values[i], i))
    assert (list(range(len(values))) if order is None else order.tolist()) == expected
    assert ordered.tolist() == sorted(values)


def test_start_order_with_few_ties_sorts_only_them():
    starts = np.arange(1_000, 0, -1, dtype=np.int64)
    starts[[10, 500]] = starts[900]
    order, ordered = start_order(starts)
    assert order.dtype == np.int32
    expected = sorted(range(1_000), key=lambda i: (starts[i], i))
    assert order.tolist() == expected
    assert_array_equal(ordered, np.sort(starts))


@given(st.permutations(range(20)), st.sets(st.integers(0, 19)))
def test_to_input_order_by_sort_or_bitmap(order, picked):
    order = np.array(order, dtype=np.int32)
    positions = np.array(sorted(picked), dtype=np.int64)
    found = to_input_order(positions, order)
    assert found.dtype == np.int64
    assert found.tolist() == sorted(order[positions].tolist())


def test_actions_longer_than_the_period_and_instants():
    starts = np.array([0, 5, 5, 9, 10], dtype=np.int64)
    ends = np.array([100, 5, 6, 9, 10], dtype=np.int64)
    atom = (np.array([5]), np.array([9]))
    assert overlaps(starts, ends, *atom).tolist() == [0, 1, 2, 3]
    assert within(starts, ends, *atom).tolist() == [1, 2, 3]


def test_infinite_rows_and_atoms_do_not_overflow():
    starts = np.array([time.NEG_INF, 0, time.POS_INF], dtype=np.int64)
    ends = np.array([time.POS_INF, 0, time.POS_INF], dtype=np.int64)
    everything = (np.array([time.NEG_INF]), np.array([time.POS_INF]))
    assert overlaps(starts, ends, *everything).tolist() == [0, 1, 2]
    assert within(starts, ends, *everything).tolist() == [0, 1, 2]
    assert overlaps(starts, ends, np.array([time.POS_INF]), np.array([time.POS_INF])).tolist() == [
        0,
        2,
    ]


def test_empty_table_and_empty_set():
    nothing = np.array([], dtype=np.int64)
    assert overlaps(nothing, nothing, np.array([0]), np.array([1])).tolist() == []
    assert within(np.array([0]), np.array([1]), nothing, nothing).tolist() == []
    assert overlaps(np.array([0]), np.array([1]), nothing, nothing).tolist() == []
    assert max_duration(nothing, nothing) == 0


def test_to_input_order_maps_and_sorts():
    order = np.array([3, 1, 0, 2])
    assert to_input_order(np.array([0, 1, 2]), order).tolist() == [0, 1, 3]
    assert to_input_order(np.array([2, 0]), None).tolist() == [2, 0]


def test_constants_agree_with_the_time_module():
    assert (kernels.NEG_INF, kernels.POS_INF) == (time.NEG_INF, time.POS_INF)
    assert (kernels.FIRST_US, kernels.LAST_US) == (time.FIRST_US, time.LAST_US)


def test_only_numpy_is_imported():
    source = kernels.__file__
    with open(source, encoding="utf-8") as handle:
        imports = [line for line in handle if line.startswith(("import ", "from "))]
    assert imports == ["from __future__ import annotations\n", "import numpy as np\n"]


def _domain_atoms(periods: PeriodSet) -> list[tuple[int, int]]:
    starts, ends = (to_domain(a) for a in periods.bounds())
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


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


@given(st.lists(period_sets(), max_size=4))
def test_merging_agrees_with_period_sets(sets):
    atoms = [atom for periods in sets for atom in _domain_atoms(periods)]
    expected = _domain_atoms(PeriodSet(sets))
    assert merge_atoms(atoms) == expected
    lo, hi = merge(
        np.array([a for a, _ in atoms], dtype=np.int64),
        np.array([b for _, b in atoms], dtype=np.int64),
    )
    assert list(zip(lo.tolist(), hi.tolist(), strict=True)) == expected


# Ids close together take the lookup table; ids far apart take np.isin.
ids = st.lists(st.integers(-60, 60), max_size=30) | st.lists(
    st.integers(-(2**62), 2**62), max_size=5
)


@given(ids, ids)
def test_absent_matches_a_loop(values, excluded):
    got = kernels.absent(np.array(values, dtype=np.int64), np.array(excluded, dtype=np.int64))
    assert got.tolist() == [v not in excluded for v in values]
