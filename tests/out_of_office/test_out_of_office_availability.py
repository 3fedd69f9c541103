"""Who is out of office when, against a plain Python loop over the periods."""

from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from periodkit.errors import ArgumentError
from periodkit.out_of_office import AbsenceIndex, OutOfOfficeStore, availability
from periodkit.periods import Period, PeriodSet
from periodkit.time import format_instant, to_micros

BASE = to_micros("2020-01-01T00:00:00Z")
PEOPLE = range(1, 7)

# Microsecond offsets keep periods close, so they touch, abut and nest.
absences = st.lists(
    st.tuples(st.sampled_from(PEOPLE), st.integers(0, 400), st.integers(1, 120)), max_size=30
)
spans = st.tuples(st.integers(-50, 550), st.integers(0, 200))


def store_of(periods):
    records = [
        {
            "id": i,
            "person": {"id": person, "name": f"P{person}"},
            "start_at": format_instant(BASE + start, precision="us"),
            "end_at": format_instant(BASE + start + length, precision="us"),
            "created_at": "2019-01-01",
        }
        for i, (person, start, length) in enumerate(periods, start=1)
    ]
    # Everyone is known, whether or not they were ever away.
    records.append(
        {
            "id": len(records) + 1,
            "person": {"id": 99, "name": "Known"},
            "approval_delegate": None,
            "start_at": "2000-01-01",
            "end_at": "2000-01-02",
            "created_at": "2000-01-01",
        }
    )
    return OutOfOfficeStore.from_records(records)


def away(periods, person, t):
    return any(p == person and BASE + s <= t <= BASE + s + n for p, s, n in periods)


def covered(period_set, t):
    return any(lo <= t <= hi for lo, hi in zip(*period_set.bounds(), strict=True))


def points(periods, extra=()):
    found = {BASE - 1, *extra}
    for _, s, n in periods:
        found |= {BASE + s - 1, BASE + s, BASE + s + n, BASE + s + n + 1}
    return sorted(found)


@settings(max_examples=100)
@given(absences)
def test_out_of_office_is_the_union_of_the_persons_periods(periods):
    store = store_of(periods)
    for person in PEOPLE:
        when = store.out_of_office(person)
        for t in points(periods):
            assert covered(when, t) == away(periods, person, t)


@settings(max_examples=100)
@given(absences, spans)
def test_available_is_the_complement_within_the_period(periods, span):
    store = store_of(periods)
    lo, hi = BASE + span[0], BASE + span[0] + span[1]
    within = Period.from_micros(lo, hi)
    for person in PEOPLE:
        free = store.available(person, within)
        for t in points(periods, (lo - 1, lo, hi, hi + 1)):
            assert covered(free, t) == (lo <= t <= hi and not away(periods, person, t))


@settings(max_examples=100)
@given(absences, spans, spans)
def test_who_is_free_during_a_period_or_a_set(periods, first, second):
    store = store_of(periods)
    atoms = [(BASE + s, BASE + s + n) for s, n in (first, second)]
    during = PeriodSet([Period.from_micros(*atom) for atom in atoms])
    busy = sorted(
        {p for p, s, n in periods if any(BASE + s <= hi and BASE + s + n >= lo for lo, hi in atoms)}
    )
    assert store.busy_during(during).tolist() == busy
    known = sorted({p for p, _, _ in periods} | {99})
    assert store.free_during(during).tolist() == [p for p in known if p not in busy]
    assert store.free_during(during, [6, 5, 4, 3, 2, 1]).tolist() == [
        p for p in [6, 5, 4, 3, 2, 1] if p not in busy
    ]


def test_the_index_follows_writes():
    store = store_of([(1, 0, 100)])
    week = Period("2020-01-01", "2020-01-07T23:59:59.999999Z")
    assert store.free_during(week, [1, 2]).tolist() == [2]
    store.update(1, {"start_at": "2020-02-01", "end_at": "2020-02-02"}, "2020-01-01")
    assert store.free_during(week, [1, 2]).tolist() == [1, 2]
    created = store.create(
        {"person": 1, "start_at": "2020-01-03", "end_at": "2020-01-04"}, None, "2020-01-01"
    )
    assert store.free_during(week, [1, 2]).tolist() == [2]
    store.delete(created["id"])
    assert store.busy_during(week).tolist() == []
    assert store.out_of_office(1) == PeriodSet([Period("2020-02-01", "2020-02-02")])


def test_an_empty_store_has_everyone_free():
    store = OutOfOfficeStore()
    assert store.free_during(Period(), np.array([3, 1])).tolist() == [3, 1]
    assert store.out_of_office(3).is_empty
    assert store.available(3, Period()) == PeriodSet([Period()])


def bounds(absence):
    """An absence (person, start offset, length) as ``add`` and ``remove`` take it."""
    person, start, length = absence
    return BASE + start, BASE + start + length, person


def columns_of(periods):
    return [np.array([bounds(p)[k] for p in periods], dtype=np.int64) for k in range(3)]


changes = st.lists(
    st.one_of(
        st.tuples(st.just("add"), absences.map(lambda a: a[0] if a else (1, 0, 1))),
        st.tuples(st.just("remove"), st.integers(0, 100)),
        st.tuples(
            st.just("remove"), st.tuples(st.sampled_from(PEOPLE), st.integers(0, 9), st.just(1))
        ),
    ),
    max_size=40,
)


@settings(max_examples=100)
@given(absences, changes, spans, spans, st.sampled_from([(1000, 0), (2, 3), (8, 64)]))
def test_an_index_changed_period_by_period_answers_as_one_built_afresh(
    periods, script, first, second, policy
):
    """Through rebuilds of the base, too: with share 1000 and floor 0, every change sorts."""

    with mock.patch.multiple(availability, REBUILD_SHARE=policy[0], REBUILD_FLOOR=policy[1]):
        current = list(periods)
        index = AbsenceIndex.of(*columns_of(current))
        for kind, what in script:
            if kind == "add":
                index.add(*bounds(what))
                current.append(what)
            elif isinstance(what, int):
                if current:
                    index.remove(*bounds(current.pop(what % len(current))))
            elif what in current:
                index.remove(*bounds(what))
                current.remove(what)
            else:
                with pytest.raises(ArgumentError, match=f"person {what[0]} has no out-of-office"):
                    index.remove(*bounds(what))
        assert len(index) == len(current)
        fresh = AbsenceIndex.of(*columns_of(current))
        atoms = [(BASE + s, BASE + s + n) for s, n in (first, second)]
        during = PeriodSet([Period.from_micros(*atom) for atom in atoms])
        busy = sorted(
            {
                p
                for p, s, n in current
                if any(BASE + s <= hi and BASE + s + n >= lo for lo, hi in atoms)
            }
        )
        assert index.busy(during).tolist() == fresh.busy(during).tolist() == busy
        everyone = np.array([6, 5, 4, 3, 2, 1])
        assert index.free(during, everyone).tolist() == [p for p in everyone if p not in busy]
        for person in PEOPLE:
            assert index.out_of_office(person) == fresh.out_of_office(person)
            for t in points(current):
                assert covered(index.out_of_office(person), t) == away(current, person, t)
            assert index.available(person, during) == fresh.available(person, during)
