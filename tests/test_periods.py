"""PeriodSet against portion, the reference semantics.

The oracle is portion's discrete interval over whole microseconds, on the
timeline [first instant, last instant]: exactly the model periodkit claims,
computed by independent code.
"""

import contextlib
import datetime as dt
import functools

import numpy as np
import pandas as pd
import portion as P
import pytest
from hypothesis import given
from hypothesis import strategies as st

from periodkit import (
    ArgumentError,
    ParseError,
    Period,
    PeriodError,
    PeriodSet,
    parse_instant,
    parse_span,
)
from periodkit import periods as periods_module
from periodkit.periods import PeriodRecord
from periodkit.strategies import micros, period_sets, periods
from periodkit.time import FIRST_US, LAST_US, NEG_INF, POS_INF


class Micro(P.AbstractDiscreteInterval):
    _step = 1


D = P.create_api(Micro)
TIMELINE = D.closed(FIRST_US, LAST_US)
UTC = dt.UTC


def domain(us: int) -> int:
    return min(max(us, FIRST_US), LAST_US)


def oracle(value: PeriodSet) -> P.Interval:
    starts, ends = value.bounds()
    atoms = [
        D.closed(domain(s), domain(e)) for s, e in zip(starts.tolist(), ends.tolist(), strict=True)
    ]
    return functools.reduce(lambda a, b: a | b, atoms, D.empty())


def from_oracle(interval: P.Interval) -> PeriodSet:
    atoms = [(a.lower, a.upper) for a in interval if not a.empty]
    return PeriodSet.from_bounds([lo for lo, _ in atoms], [hi for _, hi in atoms])


def test_the_discrete_oracle_merges_neighbouring_microseconds():
    # portion marks AbstractDiscreteInterval experimental; these are the
    # properties the oracle relies on.
    assert D.closed(0, 1) | D.closed(2, 3) == D.closed(0, 3)
    assert D.open(0, 2) == D.singleton(1)
    assert TIMELINE - D.closed(FIRST_US, 5) == D.closed(6, LAST_US)


@given(period_sets(), period_sets())
def test_union_matches_portion(a, b):
    assert oracle(a | b) == oracle(a) | oracle(b)


@given(period_sets(), period_sets())
def test_intersection_matches_portion(a, b):
    assert oracle(a & b) == oracle(a) & oracle(b)


@given(period_sets(), period_sets())
def test_difference_matches_portion(a, b):
    assert oracle(a - b) == oracle(a) - oracle(b)


@given(period_sets())
def test_complement_matches_portion(a):
    assert oracle(~a) == TIMELINE - oracle(a)


@given(period_sets(), period_sets())
def test_equality_matches_portion(a, b):
    assert (a == b) == (oracle(a) == oracle(b))


@given(period_sets())
def test_atoms_are_the_canonical_form(a):
    assert from_oracle(oracle(a)) == a
    starts, ends = a.bounds()
    assert np.all(starts <= ends)
    assert np.all(starts[1:] > ends[:-1] + 1)


@given(period_sets(), micros())
def test_instant_containment_matches_portion(a, us):
    assert a.contains(Period.from_micros(us, us).start) == (domain(us) in oracle(a))


@given(period_sets(), periods())
def test_period_containment_and_overlap_match_portion(a, p):
    atom = D.closed(domain(p.lo), domain(p.hi))
    assert a.contains(p) == oracle(a).contains(atom)
    assert a.overlaps(p) == oracle(a).overlaps(atom)
    assert p.overlaps(a) == a.overlaps(p)


@given(periods(), periods())
def test_period_overlap_and_containment_match_portion(p, q):
    closed = [D.closed(domain(x.lo), domain(x.hi)) for x in (p, q)]
    assert p.overlaps(q) == closed[0].overlaps(closed[1])
    assert p.contains(q) == closed[0].contains(closed[1])


@given(period_sets(), period_sets(), period_sets())
def test_laws(a, b, c):
    everything = PeriodSet([Period()])
    assert a | b == b | a
    assert a & b == b & a
    assert (a | b) | c == a | (b | c)
    assert (a & b) & c == a & (b & c)
    assert ~(a | b) == ~a & ~b
    assert ~(a & b) == ~a | ~b
    assert ~~a == a
    assert a | ~a == everything
    assert (a & ~a).is_empty
    assert a - b == a & ~b


@given(period_sets())
def test_portion_round_trip(a):
    assert PeriodSet.from_portion(a.to_portion()) == a


@given(period_sets(infinities=False))
def test_to_portion_holds_closed_datetime_atoms(a):
    expected = P.Interval(*(P.closed(p.start, p.end) for p in a.atoms))
    assert a.to_portion() == expected
    assert all(atom.left == P.CLOSED and atom.right == P.CLOSED for atom in a.to_portion())


def test_to_portion_uses_portion_infinities():
    assert Period().to_portion() == P.open(-P.inf, P.inf)
    assert PeriodSet([Period(None, "2019-01-01")]).to_portion() == P.openclosed(
        -P.inf, dt.datetime(2019, 1, 1, tzinfo=UTC)
    )


def test_from_portion_turns_open_bounds_into_neighbouring_microseconds():
    t = dt.datetime(2019, 1, 1, tzinfo=UTC)
    us = dt.timedelta(microseconds=1)
    assert PeriodSet.from_portion(P.open(t, t + 3 * us)) == PeriodSet([Period(t + us, t + 2 * us)])
    assert PeriodSet.from_portion(P.open(t, t + us)).is_empty
    assert PeriodSet.from_portion(P.closedopen(-P.inf, t)) == PeriodSet([Period(None, t - us)])


def test_from_portion_reads_naive_datetimes_as_utc():
    naive = dt.datetime(2019, 1, 1)
    assert PeriodSet.from_portion(P.closed(naive, naive)).contains(naive.replace(tzinfo=UTC))


def test_a_one_instant_atom_at_an_infinity_survives_portion():
    first = PeriodSet([Period(None, "0001-01-01T00:00:00")])
    assert first.bounds() == (np.array([NEG_INF]), np.array([NEG_INF]))
    assert PeriodSet.from_portion(first.to_portion()) == first
    assert repr(first) == "PeriodSet([Period(start=None, end='0001-01-01T00:00:00Z')])"


def test_complement_of_a_closed_period_opens_one_microsecond_away():
    p = Period("2019-01-01", "2019-01-31")
    gaps = (~p).atoms
    assert gaps[0].end == parse_instant("2018-12-31T23:59:59.999999Z")
    assert gaps[1].start == parse_instant("2019-01-31T00:00:00.000001Z")
    assert gaps[0].start == -P.inf and gaps[1].end == P.inf


def test_atoms_one_microsecond_apart_merge_and_two_apart_do_not():
    a = Period.from_micros(0, 10)
    assert len(PeriodSet([a, Period.from_micros(11, 20)])) == 1
    assert len(PeriodSet([a, Period.from_micros(12, 20)])) == 2


def test_first_and_last_instants_are_the_infinities():
    assert Period("0001-01-01", "9999-12-31T23:59:59.999999") == Period()
    assert Period("0001-01-01T00:00:00Z").start == -P.inf
    assert Period(end="9999-12-31T23:59:59.999999Z").end == P.inf


def test_instant_periods_are_single_points():
    p = Period("2019-01-01T10:00:00Z", "2019-01-01T10:00:00Z")
    assert p.contains("2019-01-01T10:00:00Z")
    assert not p.contains("2019-01-01T10:00:00.000001Z")
    assert len(PeriodSet([p]).atoms) == 1


def test_empty_set():
    empty = PeriodSet()
    assert empty.is_empty and not empty and len(empty) == 0
    assert ~empty == PeriodSet([Period()])
    assert empty.bounds()[0].dtype == np.int64
    assert not empty.contains("2019-01-01")
    assert empty.contains(PeriodSet())


def test_bulk_form_is_read_only_and_sorted():
    s = PeriodSet([Period("2020-01-01", "2020-01-02"), Period("2019-01-01", "2019-01-02")])
    starts, _ends = s.bounds()
    assert starts.tolist() == sorted(starts.tolist())
    with pytest.raises(ValueError, match="read-only"):
        starts[0] = 0


@given(periods(), periods())
def test_a_period_is_a_value_equal_and_hashed_on_its_bounds(a, b):
    same = Period.from_micros(a.lo, a.hi)
    assert a == same and hash(a) == hash(same) and len({a, same}) == 1
    assert (a == b) == ((a.lo, a.hi) == (b.lo, b.hi))


def test_a_record_holds_its_period_with_id_owner_and_data():
    record = PeriodRecord(Period("2019-01-01"), period_id="p1", entity_id="e1", data={"k": 1})
    assert record.period == Period("2019-01-01")
    assert (record.period_id, record.entity_id, record.data) == ("p1", "e1", {"k": 1})
    assert not hasattr(Period(), "period_id")


@given(period_sets(), micros())
def test_in_asks_contains(s, us):
    t = Period.from_micros(us, us)
    assert (t in s) == s.contains(t) == s.contains(t.start)
    assert (t.start in s) == s.contains(t.start)
    for atom in s.atoms:
        assert atom in s and (t in atom) == atom.contains(t)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (
            "2020-01-02",
            "2020-01-01",
            "start '2020-01-02T00:00:00Z' is after end '2020-01-01T00:00:00Z'",
        ),
        ("9999-12-31T23:59:59.999999", "2019-01-01", "is after end '2019-01-01T00:00:00Z'"),
    ],
)
def test_start_after_end_names_both_values(start, end, message):
    with pytest.raises(PeriodError, match=message):
        Period(start, end)


def test_from_bounds_rejects_bad_arrays_naming_the_atom():
    with pytest.raises(PeriodError, match=r"atom 1: start '1970-01-01T00:00:00.000005Z' is after"):
        PeriodSet.from_bounds([0, 5], [1, 4])
    with pytest.raises(ArgumentError, match="atom 0 has a NaT"):
        PeriodSet.from_bounds([np.iinfo(np.int64).min], [0])
    with pytest.raises(ArgumentError, match="must be flat and of one length"):
        PeriodSet.from_bounds([0, 1], [2])


def test_only_periods_and_sets_combine():
    with pytest.raises(ArgumentError, match="'2019' is not a Period or a PeriodSet"):
        PeriodSet(["2019"])
    with pytest.raises(ArgumentError, match="5 is not a Period or a PeriodSet"):
        PeriodSet().overlaps(5)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [Period(), PeriodSet()])
@pytest.mark.parametrize("operator", ["|", "&", "-"])
def test_a_foreign_operand_is_a_type_error(value, operator):
    for expression in (f"value {operator} 5", f"5 {operator} value", f"value {operator} '2019'"):
        with pytest.raises(TypeError, match="unsupported operand"):
            eval(expression, {"value": value})


def test_from_portion_rejects_other_values():
    with pytest.raises(ArgumentError, match="is not a portion interval"):
        PeriodSet.from_portion("2019")


@given(st.lists(periods(), max_size=5))
def test_set_of_periods_contains_each_period(ps):
    s = PeriodSet(ps)
    assert all(s.contains(p) for p in ps)
    assert all(e <= POS_INF for e in s.bounds()[1])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: PeriodSet(None), r"PeriodSet takes an iterable of Periods, not None"),
        (lambda: PeriodSet("2019"), r"not '2019'"),
        (
            lambda: PeriodSet.from_bounds(["a"], ["b"]),
            r"starts must be whole microseconds \(int64\)",
        ),
        (
            lambda: PeriodSet.from_bounds([1.5], [2]),
            r"not float64 values such as np.float64\(1.5\)",
        ),
        (lambda: PeriodSet.from_bounds([0], [2**64]), r"ends must be whole microseconds"),
        (lambda: PeriodSet.from_bounds([0], [2**63]), r"ends value 9223372036854775808 is beyond"),
        (lambda: Period.from_micros(None, 1), r"start None is not whole microseconds"),
        (lambda: Period.from_micros(0, "1"), r"end '1' is not whole microseconds"),
    ],
)
def test_wrong_kinds_of_bounds_are_argument_errors(call, message):
    # Found in review: these leaked TypeError, ValueError and OverflowError.
    with pytest.raises(ArgumentError, match=message):
        call()


def test_a_lone_period_or_set_makes_a_set():
    p = Period("2019-01-01", "2019-01-02")
    assert PeriodSet(p) == PeriodSet([p]) == PeriodSet(PeriodSet([p]))


def test_a_span_is_the_period_its_date_names():
    assert parse_span("2019-12") == Period("2019-12-01", "2019-12-31T23:59:59.999999")
    assert parse_span("9999").end == P.inf
    assert parse_span("0001").start == -P.inf
    assert parse_span(dt.date(2019, 12, 12)) == parse_span("2019-12-12")
    moment = dt.datetime(2019, 12, 12, 9, 30)
    assert parse_span(moment).start == parse_span(moment).end == moment.replace(tzinfo=UTC)
    with pytest.raises(ParseError, match="'2019-1' is not a date or date-time"):
        parse_span("2019-1")


@contextlib.contextmanager
def small_atoms(limit: int):
    """Hold sets of up to ``limit`` atoms in the small form while the block runs."""
    saved = periods_module.SMALL_ATOMS
    periods_module.SMALL_ATOMS = limit
    try:
        yield
    finally:
        periods_module.SMALL_ATOMS = saved


def in_form(value: PeriodSet, limit: int) -> PeriodSet:
    with small_atoms(limit):
        return PeriodSet.from_bounds(*value.bounds())


def answers(a: PeriodSet, b: PeriodSet, p: Period, us: int) -> list[object]:
    t = Period.from_micros(us, us).start
    sets = [a | b, a & b, a - b, b - a, ~a, ~b]
    facts = [a == b, a.contains(b), a.overlaps(b), a.contains(p), a.overlaps(p), a.contains(t)]
    return [[(s.bounds()[0].tolist(), s.bounds()[1].tolist()) for s in sets], facts]


@given(
    period_sets(max_atoms=12),
    period_sets(max_atoms=12),
    periods(),
    micros(),
    st.integers(0, 8),
)
def test_small_and_bulk_forms_give_the_same_answers(a, b, p, us, limit):
    # Operands and results straddle the limit, so both forms and every move
    # between them are taken; limit 0 is the numpy path alone.
    with small_atoms(limit):
        small = answers(in_form(a, limit), in_form(b, limit), p, us)
        bulk = answers(in_form(a, 0), in_form(b, 0), p, us)
        mixed = answers(in_form(a, limit), in_form(b, 0), p, us)
    assert small == answers(a, b, p, us)
    assert bulk == answers(a, b, p, us)
    assert mixed == answers(a, b, p, us)
    with small_atoms(limit):
        union = in_form(a, limit) | in_form(b, limit)
        assert (union._small is None) == (len(union) > limit)
        assert union == in_form(union, 0) and hash(union) == hash(in_form(union, limit))


def test_sets_at_the_real_limit_hold_the_form_of_their_size():
    limit = periods_module.SMALL_ATOMS
    for size in (limit - 1, limit, limit + 1, 2 * limit + 1):
        s = PeriodSet([Period.from_micros(3 * i, 3 * i + 1) for i in range(size)])
        assert (s._small is None) == (size > limit) and len(s) == size
        gaps = ~s
        assert len(gaps) == size + 1 and (gaps._small is None) == (size + 1 > limit)
        assert ~gaps == s and (s | gaps) == PeriodSet([Period()]) and (s & gaps).is_empty
        assert oracle(s - Period.from_micros(0, 3 * size // 2)) == oracle(s) - D.closed(
            0, 3 * size // 2
        )


# --- pandas IntervalIndex ------------------------------------------------------


@given(period_sets())
def test_interval_index_round_trip_keeps_the_set(s):
    index = s.to_interval_index()
    assert index.closed == "both" and str(index.dtype) == "interval[datetime64[us, UTC], both]"
    starts, ends = s.bounds()
    # The infinities are written as the timeline's first and last instants.
    assert index.left.as_unit("us").asi8.tolist() == np.clip(starts, FIRST_US, LAST_US).tolist()
    assert index.right.as_unit("us").asi8.tolist() == np.clip(ends, FIRST_US, LAST_US).tolist()
    assert PeriodSet.from_interval_index(index) == s


_SIDES = ("both", "left", "right", "neither")


@given(
    st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), max_size=5),
    st.sampled_from(_SIDES),
)
def test_open_sides_become_the_neighbouring_microsecond(pairs, closed):
    pairs = [(min(pair), max(pair)) for pair in pairs]
    left = pd.to_datetime([lo for lo, _ in pairs], unit="us", utc=True)
    right = pd.to_datetime([hi for _, hi in pairs], unit="us", utc=True)
    s = PeriodSet.from_interval_index(pd.IntervalIndex.from_arrays(left, right, closed=closed))
    # The oracle: microsecond by microsecond, is it inside one interval as pandas reads it?
    index = pd.IntervalIndex.from_arrays(
        [lo for lo, _ in pairs], [hi for _, hi in pairs], closed=closed, dtype="interval[int64]"
    )
    for us in range(-1, 14):
        inside = bool(index.contains(us).any()) if pairs else False
        assert s.contains(Period.from_micros(us, us)) == inside, us


def test_interval_index_ends_are_infinities_open_or_closed():
    first, last = pd.Timestamp("0001-01-01", tz="UTC"), pd.Timestamp("9999-12-31 23:59:59.999999")
    everything = pd.IntervalIndex.from_arrays(
        pd.DatetimeIndex([first]).as_unit("us"),
        pd.DatetimeIndex([last]).as_unit("us").tz_localize("UTC"),
        closed="neither",
    )
    assert PeriodSet.from_interval_index(everything) == PeriodSet([Period()])
    naive = pd.IntervalIndex.from_arrays(
        pd.to_datetime(["2019-01-01"]), pd.to_datetime(["2019-01-02"]), closed="left"
    )
    assert PeriodSet.from_interval_index(naive) == PeriodSet(
        [Period("2019-01-01", "2019-01-01T23:59:59.999999")]
    )


def test_interval_index_refusals_name_the_value():
    with pytest.raises(ArgumentError, match=r"\[1, 2\] is not a pandas IntervalIndex"):
        PeriodSet.from_interval_index([1, 2])
    with pytest.raises(ArgumentError, match=r"does not hold instants: .*5 is not an instant"):
        PeriodSet.from_interval_index(pd.IntervalIndex.from_breaks([5, 6]))
    missing = pd.IntervalIndex.from_arrays(
        pd.to_datetime(["2019-01-01", None]), pd.to_datetime(["2019-01-02", None])
    )
    with pytest.raises(ArgumentError, match="atom 1 has a NaT"):
        PeriodSet.from_interval_index(missing)
