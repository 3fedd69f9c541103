"""EntityGraph against a brute-force oracle of SPEC section 3, and its all-or-nothing changes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from periodkit import CycleError, NotFoundError, PeriodSet, ValidationError
from periodkit.graph.entity_graph import EntityGraph
from periodkit.strategies import entity_graphs
from periodkit.time import FIRST_US, LAST_US, parse_bound


def _span(item: dict[str, Any]) -> tuple[int, int]:
    return (
        parse_bound(item.get("start_date"), "start", "entity"),
        parse_bound(item.get("end_date"), "end", "entity"),
    )


class Oracle:
    """SPEC section 3 word for word, one instant at a time."""

    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.types = {r["id"]: r.get("type") for r in records}
        self.own = {r["id"]: [_span(p) for p in r.get("periods") or []] for r in records}
        self.deps = {
            r["id"]: [(p["id"], *_span(p)) for p in r.get("parents") or []] for r in records
        }

    def bounds(self) -> set[int]:
        spans = [s for owned in self.own.values() for s in owned]
        spans += [d[1:] for deps in self.deps.values() for d in deps]
        return {b for span in spans for b in span}

    def valid(self, entity: str, t: int) -> bool:
        own = self.own[entity]
        if own and not any(lo <= t <= hi for lo, hi in own):
            return False
        by_type: dict[Any, bool] = {}
        for parent, lo, hi in self.deps[entity]:
            through = lo <= t <= hi and self.valid(parent, t)
            kind = self.types[parent]
            by_type[kind] = by_type.get(kind, False) or through
        return all(by_type.values())


def _contains(validity: PeriodSet, t: int) -> bool:
    starts, ends = validity.bounds()
    return any(lo <= t <= hi for lo, hi in zip(starts.tolist(), ends.tolist(), strict=True))


def assert_matches_oracle(graph: EntityGraph, records: list[dict[str, Any]]) -> None:
    oracle = Oracle(records)
    everything = graph.effective_all()
    edges = oracle.bounds() | {FIRST_US, LAST_US}
    for validity in everything.values():
        edges.update(b for array in validity.bounds() for b in array.tolist())
    points = sorted({min(max(b + d, FIRST_US), LAST_US) for b in edges for d in (-1, 0, 1)})
    for entity, validity in everything.items():
        for t in points:
            assert _contains(validity, t) == oracle.valid(entity, t), (entity, t)


def views(graph: EntityGraph) -> dict[str, Any]:
    return {entity: graph.view(entity) for entity in graph.ids}


@given(entity_graphs())
def test_effective_validity_follows_the_rule_at_every_boundary(records):
    assert_matches_oracle(EntityGraph.from_records(records), records)


@given(entity_graphs())
def test_records_read_back_give_the_same_graph(records):
    graph = EntityGraph.from_records(records)
    again = EntityGraph.from_records([graph.record(entity) for entity in graph.ids])
    assert again.effective_all() == graph.effective_all()
    assert views(again) == views(graph)


@given(entity_graphs())
def test_records_in_tuples_load_the_same_graph(records):
    # Tuples are read record by record, plain lists column by column: the two must agree.
    graph = EntityGraph.from_records(records)
    tupled = tuple({k: tuple(v) if type(v) is list else v for k, v in r.items()} for r in records)
    again = EntityGraph.from_records(tupled)
    assert again.effective_all() == graph.effective_all()
    assert views(again) == views(graph)
    assert [again.record(e) for e in again.ids] == [graph.record(e) for e in graph.ids]


@given(entity_graphs(), st.data())
def test_effective_all_and_the_frame_hold_each_entitys_validity(records, data):
    graph = EntityGraph.from_records(records)
    # After a change too: the atoms read in bulk are those of the last write.
    entity = data.draw(st.sampled_from(graph.ids))
    graph.update(entity, [{"end_date": data.draw(st.sampled_from(["2010-01-01", None]))}])
    everything = graph.effective_all()
    assert list(everything) == graph.ids
    assert everything == {e: graph.effective(e) for e in graph.ids}
    frame = graph.effective_frame()
    assert list(frame.columns) == ["entity_id", "start", "end"]
    assert {str(frame[c].dtype) for c in ("start", "end")} == {"datetime64[us, UTC]"}
    bounds = [frame[c].to_numpy(dtype="datetime64[us]").astype(np.int64) for c in ("start", "end")]
    rows = list(zip(frame["entity_id"].tolist(), *(b.tolist() for b in bounds), strict=True))
    assert rows == [
        (e, max(lo, FIRST_US), min(hi, LAST_US))
        for e in graph.ids
        for lo, hi in zip(*(b.tolist() for b in graph.effective(e).bounds()), strict=True)
    ]
    for e in graph.ids:
        mine = frame["entity_id"] == e
        read_back = PeriodSet.from_bounds(*(b[mine.to_numpy()] for b in bounds))
        assert read_back == graph.effective(e)


# Both ways of recomputing a change: on Python lists, and with the level kernels.
small_or_kernels = pytest.mark.parametrize("small_change", [64, 0])


@small_or_kernels
@given(entity_graphs(), st.data())
def test_updates_recompute_like_a_full_propagation(small_change, records, data):
    graph = EntityGraph.from_records(records)
    graph.small_change = small_change
    for _ in range(data.draw(st.integers(1, 3))):
        entity = data.draw(st.sampled_from(graph.ids))
        later = data.draw(entity_graphs(max_entities=1))[0].get("periods", [])
        graph.update(entity, later)
    incremental = graph.effective_all()
    graph.propagate()
    assert graph.effective_all() == incremental


def _with_period_ids(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records with an id on every owned period (``entity_graphs`` writes none)."""
    return [
        {
            **record,
            "periods": [
                {**period, "period_id": f"{record['id']}.{at}"}
                for at, period in enumerate(record.get("periods") or [])
            ],
        }
        for record in records
    ]


def _dates(item: dict[str, Any]) -> dict[str, Any]:
    return {key: item[key] for key in ("start_date", "end_date") if key in item}


@small_or_kernels
@given(entity_graphs(), st.data())
def test_upserts_by_period_id_follow_the_rule(small_change, records, data):
    records = _with_period_ids(records)
    graph = EntityGraph.from_records(records)
    graph.small_change = small_change
    # The records as the updates leave them, for the oracle: a replaced period takes its
    # new dates (validity may shrink), an inserted one is appended under its new id.
    model = {record["id"]: record for record in records}
    # New dates come from the graph's own window (so that they overlap what they replace)
    # and from a fresh one.
    seen = [_dates(p) for r in records for key in ("periods", "parents") for p in r.get(key, [])]
    for _ in range(data.draw(st.integers(1, 4))):
        # Half the time an entity that owns periods, so that there is something to replace.
        owners = [entity for entity, record in model.items() if record["periods"]]
        entity = data.draw(st.sampled_from(owners or graph.ids) | st.sampled_from(graph.ids))
        periods = model[entity]["periods"]
        fresh = data.draw(entity_graphs(max_entities=1, max_periods=2))[0].get("periods", [])
        dates = data.draw(st.lists(st.sampled_from(seen + fresh + [{}]), min_size=1, max_size=3))
        ids = [p["period_id"] for p in periods]
        replaced = data.draw(
            st.lists(st.sampled_from(ids), min_size=1, max_size=len(dates), unique=True)
            if ids
            else st.just([])
        )
        targets = data.draw(st.permutations(replaced + [None] * (len(dates) - len(replaced))))
        body = [
            _dates(d) if target is None else {"period_id": target, **_dates(d)}
            for d, target in zip(dates, targets, strict=True)
        ]
        written = graph.update(entity, body)
        assert [t for t in targets if t is not None] == [w for w in written if w in ids]
        for period_id, period in zip(written, body, strict=True):
            new = {"period_id": period_id, **_dates(period)}
            if period_id in ids:
                periods[ids.index(period_id)] = new
            else:
                periods.append(new)
        assert [p["period_id"] for p in graph.view(entity)["owned"]] == [
            p["period_id"] for p in periods
        ]
    assert_matches_oracle(graph, list(model.values()))
    incremental = graph.effective_all()
    graph.propagate()
    assert graph.effective_all() == incremental


@small_or_kernels
@given(entity_graphs(), st.data())
def test_structure_changes_recompute_like_a_full_propagation(small_change, records, data):
    graph = EntityGraph.from_records(records)
    graph.small_change = small_change
    child, parent = data.draw(st.lists(st.sampled_from(graph.ids), min_size=2, max_size=2))
    before = views(graph)
    try:
        graph.add_dependency(child, parent, start=None, end="2015-06-01 00:00:00")
        refused = None
    except CycleError as error:
        refused = error.cycle
    if refused is not None:
        assert refused[0] == refused[-1] == child
        assert views(graph) == before
    if graph._entities[child].parents:
        graph.remove_dependency(child, min(graph._entities[child].parents))
    graph.remove_entity(data.draw(st.sampled_from(graph.ids)))
    incremental = graph.effective_all()
    graph.propagate()
    assert graph.effective_all() == incremental


def test_a_subscription_needs_its_person_and_its_action():
    graph = EntityGraph.from_records(
        [
            {"id": "person", "type": "PERSON", "periods": [{"end_date": "2019-06-30 23:59:59"}]},
            {"id": "action", "type": "ACTION", "periods": [{"start_date": "2019-01-01"}]},
            {"id": "sub", "parents": [{"id": "person"}, {"id": "action"}]},
        ]
    )
    [atom] = graph.effective("sub").atoms
    assert (atom.start.isoformat(), atom.end.isoformat()) == (
        "2019-01-01T00:00:00+00:00",
        "2019-06-30T23:59:59+00:00",
    )


def test_an_action_moved_between_offices_is_valid_under_each_in_turn():
    records = [
        {"id": "a", "type": "OFFICE"},
        {"id": "b", "type": "OFFICE"},
        {
            "id": "act",
            "parents": [
                {"id": "a", "end_date": "2019-01-31 23:59:59"},
                {"id": "b", "start_date": "2019-03-01"},
            ],
        },
    ]
    graph = EntityGraph.from_records(records)
    assert len(graph.effective("act").atoms) == 2
    assert_matches_oracle(graph, records)


def test_cycle_is_refused_naming_it_and_changes_nothing():
    graph = EntityGraph.from_records(
        [{"id": "a"}, {"id": "b", "parents": [{"id": "a"}]}, {"id": "c", "parents": [{"id": "b"}]}]
    )
    before = views(graph)
    with pytest.raises(CycleError) as caught:
        graph.add_dependency("a", "c")
    assert caught.value.cycle == ["a", "c", "b", "a"]
    assert "a -> c -> b -> a" in str(caught.value)
    assert views(graph) == before


def test_cycles_in_records_are_each_reported():
    records = [
        {"id": "a", "parents": [{"id": "b"}]},
        {"id": "b", "parents": [{"id": "a"}]},
        {"id": "c", "parents": [{"id": "c"}]},
    ]
    with pytest.raises(ValidationError) as caught:
        EntityGraph.from_records(records)
    assert sorted(p["pointer"] for p in caught.value.problems) == [
        "/0/parents/0/id",
        "/2/parents/0/id",
    ]


@given(entity_graphs(), st.data())
def test_rejected_updates_leave_every_view_unchanged(records, data):
    graph = EntityGraph.from_records(records)
    before = views(graph)
    entity = data.draw(st.sampled_from(graph.ids))
    good = {"start_date": "2020-01-01 00:00:00"}
    bad = data.draw(
        st.sampled_from(
            [
                {"start_date": "2020-02-01", "end_date": "2020-01-01"},
                {"end_date": "tomorrow"},
                {"period_id": "twice"},
                {"colour": "red"},
                "not an object",
            ]
        )
    )
    body = [good, {"period_id": "twice"}, bad]
    with pytest.raises(ValidationError):
        graph.update(entity, body)
    assert views(graph) == before


def test_update_of_a_period_of_another_entity_is_rejected():
    graph = EntityGraph.from_records([{"id": "a", "periods": [{"period_id": "p"}]}, {"id": "b"}])
    before = views(graph)
    with pytest.raises(ValidationError) as caught:
        graph.update("b", [{"period_id": "q"}, {"period_id": "p"}, {"end_date": "x"}])
    assert [p["pointer"] for p in caught.value.problems] == [
        "/periods/1/period_id",
        "/periods/2/end_date",
    ]
    assert "'p'" in caught.value.problems[0]["detail"]
    assert views(graph) == before


def test_update_upserts_keeps_data_and_never_deletes():
    graph = EntityGraph.from_records(
        [{"id": "a", "periods": [{"period_id": "p", "data": {"k": 1}}, {"period_id": "q"}]}]
    )
    written = graph.update("a", [{"period_id": "p", "start_date": "2019-01-01"}, {}])
    assert written[0] == "p"
    assert written[1] not in ("p", "q")
    owned = {p["period_id"]: p for p in graph.view("a")["owned"]}
    assert set(owned) == {"p", "q", written[1]}
    assert owned["p"]["data"] == {"k": 1}
    assert owned["p"]["start_date"] == "2019-01-01 00:00:00"
    assert owned["p"]["end_date"] == "9999-12-31 23:59:59"


@pytest.mark.parametrize("periods", [None, {"period_id": "p"}, "periods", 3])
def test_update_without_a_periods_array_is_refused(periods):
    graph = EntityGraph.from_records([{"id": "a", "periods": [{"period_id": "p"}]}])
    before = views(graph)
    with pytest.raises(ValidationError) as caught:
        graph.update("a", periods)
    [problem] = caught.value.problems
    assert problem["pointer"] == "/periods"
    assert repr(periods) in problem["detail"]
    assert "not an array" in problem["detail"]
    assert views(graph) == before


def test_records_none_is_an_empty_graph():
    # Every key of the dataset is optional, the entities list included.
    assert len(EntityGraph.from_records(None)) == 0


def test_unknown_entities_are_not_found():
    graph = EntityGraph.from_records([{"id": "a"}])
    for call in (
        lambda: graph.view("x"),
        lambda: graph.update("x", []),
        lambda: graph.effective("x"),
        lambda: graph.add_dependency("a", "x"),
        lambda: graph.remove_entity("x"),
    ):
        with pytest.raises(NotFoundError, match="'x'"):
            call()


def test_bad_records_report_every_problem_and_build_nothing():
    records = [
        {"id": "a", "type": "office", "periods": [{"end_date": "2019-13-01"}]},
        {"id": "b", "parents": [{"id": "nobody"}], "periods": [{"start_date": 5}]},
        {"name": "no id"},
        {"id": "c", "periods": [{"start_date": "2020-01-02", "end_date": "2020-01-01"}]},
    ]
    with pytest.raises(ValidationError) as caught:
        EntityGraph.from_records(records)
    assert [p["pointer"] for p in caught.value.problems] == [
        "/0/type",
        "/0/periods/0/end_date",
        "/1/periods/0/start_date",
        "/2/id",
        "/3/periods/0/end_date",
        "/1/parents/0/id",
    ]
    assert "'2019-13-01'" in caught.value.problems[1]["detail"]


_TOO_LATE = "9999-12-31 23:59:59"
_TOO_EARLY = "1970-01-01 00:00:00"
# (dates, the field at fault, the field where its sentinel belongs)
_WRONG_SIDE = [
    ({"start_date": _TOO_LATE}, "start_date", "end_date"),
    ({"start_date": _TOO_LATE, "end_date": _TOO_LATE}, "start_date", "end_date"),
    ({"end_date": _TOO_EARLY}, "end_date", "start_date"),
    ({"start_date": "2019-01-01", "end_date": _TOO_EARLY}, "end_date", "start_date"),
    # The last instant in another spelling is the same +infinity.
    ({"start_date": "9999-12-31T23:59:59.999999Z"}, "start_date", "end_date"),
]


def _assert_wrong_side(caught, pointer, value, other):
    """The one problem is at ``pointer``, quotes ``value`` and names the right side."""
    [problem] = caught.value.problems
    assert problem["pointer"] == pointer
    assert repr(value) in problem["detail"]
    assert f"belongs on {other}" in problem["detail"]


@pytest.mark.parametrize(("dates", "key", "other"), _WRONG_SIDE)
def test_a_sentinel_on_the_wrong_side_of_a_record_period_is_refused(dates, key, other):
    records = [{"id": "a", "periods": [{"period_id": "p", **dates}]}]
    with pytest.raises(ValidationError) as caught:
        EntityGraph.from_records(records)
    _assert_wrong_side(caught, f"/0/periods/0/{key}", dates[key], other)


@pytest.mark.parametrize(("dates", "key", "other"), _WRONG_SIDE)
def test_a_sentinel_on_the_wrong_side_of_a_dependency_is_refused(dates, key, other):
    records = [{"id": "a"}, {"id": "b", "parents": [{"id": "a", **dates}]}]
    with pytest.raises(ValidationError) as caught:
        EntityGraph.from_records(records)
    _assert_wrong_side(caught, f"/1/parents/0/{key}", dates[key], other)
    graph = EntityGraph.from_records([{"id": "a"}, {"id": "b"}])
    before = views(graph)
    with pytest.raises(ValidationError) as caught:
        graph.add_dependency("b", "a", dates.get("start_date"), dates.get("end_date"))
    _assert_wrong_side(caught, f"/{key}", dates[key], other)
    assert views(graph) == before


@pytest.mark.parametrize(("dates", "key", "other"), _WRONG_SIDE)
def test_a_sentinel_on_the_wrong_side_of_an_update_is_refused(dates, key, other):
    graph = EntityGraph.from_records([{"id": "a", "periods": [{"period_id": "p"}]}])
    before = views(graph)
    for period in ({**dates}, {"period_id": "p", **dates}):
        with pytest.raises(ValidationError) as caught:
            graph.update("a", [period])
        _assert_wrong_side(caught, f"/periods/0/{key}", dates[key], other)
    assert views(graph) == before


def test_add_entity_then_dependency_and_period_removal():
    graph = EntityGraph()
    graph.add_entity("office", type="OFFICE", name="HQ", team_id=7)
    graph.add_entity("action", type="ACTION")
    graph.update("office", [{"period_id": "p", "end_date": "2019-12-31 23:59:59"}])
    graph.add_dependency("action", "office")
    assert graph.effective("action") == graph.effective("office")
    graph.remove_period("office", "p")
    assert graph.effective("action") == ~PeriodSet()
    with pytest.raises(ValidationError, match="already exists"):
        graph.add_entity("office")
    assert len(graph) == 2
