"""The seed-001 documents: the view, key for key, and the reading of records and writes."""

from __future__ import annotations

import pytest
from tests.seeds import SEED_001_VIEW

from periodkit.errors import ValidationError
from periodkit.graph.entity_graph import EntityGraph
from periodkit.graph.records import read_records, read_writes

DATES = {"start_date": "2017-01-01 00:00:00", "end_date": "2019-09-26 00:00:00"}

SEED_RECORDS = [
    {
        "id": "example-office-id",
        "type": "OFFICE",
        "name": "San Jose central office",
        "periods": [{"period_id": "example-office-period-id", **DATES}],
    },
    {
        "id": "example-action-id",
        "type": "ACTION",
        "name": "Base safety (4 hours)",
        "periods": [{"period_id": "example-period-id", "data": None, **DATES}],
        "parents": [{"id": "example-office-id"}],
    },
    {
        "id": "example-action-subscription-id",
        "type": "ACTION_SUBSCRIPTION",
        "name": "Jon Snow on Base safety (4 hours)",
        "periods": [{"period_id": "example-subscription-period-id", **DATES}],
        "parents": [{"id": "example-action-id"}],
    },
]


def _key_order(document: object) -> object:
    """Dicts as lists of (key, value) pairs, so that key order is compared too."""
    if isinstance(document, dict):
        return [(key, _key_order(value)) for key, value in document.items()]
    if isinstance(document, list):
        return [_key_order(item) for item in document]
    return document


def test_seed_view_of_the_action_equals_the_seed_example():
    view = EntityGraph.from_records(SEED_RECORDS).view("example-action-id")
    assert view == SEED_001_VIEW
    assert _key_order(view) == _key_order(SEED_001_VIEW)


def test_seed_update_example_writes_and_keeps_the_view():
    graph = EntityGraph.from_records(SEED_RECORDS)
    body = {"periods": [{"period_id": "example-period-id", **DATES}]}
    assert graph.update("example-action-id", body["periods"]) == ["example-period-id"]
    assert graph.view("example-action-id") == SEED_001_VIEW


def _diamond() -> EntityGraph:
    # top -> (left, right) -> bottom -> leaf; "bare" owns no period.
    return EntityGraph.from_records(
        [
            {"id": "top", "type": "OFFICE", "name": "Top", "periods": [{"period_id": "t1"}]},
            {"id": "right", "type": "ACTION", "parents": [{"id": "top"}]},
            {"id": "left", "type": "ACTION", "parents": [{"id": "top"}]},
            {
                "id": "bottom",
                "type": "ACTION_SUBSCRIPTION",
                "parents": [{"id": "right"}, {"id": "left"}, {"id": "top"}],
                "periods": [
                    {"period_id": "b1", **DATES},
                    {"period_id": "b2", "start_date": "2020-01-01 00:00:00"},
                ],
            },
            {"id": "leaf", "type": "PERSON", "parents": [{"id": "bottom"}]},
        ]
    )


def test_an_entity_reached_by_several_paths_is_listed_once_at_its_smallest_level():
    child = _diamond().view("top")["child"]
    assert list(child) == ["bottom", "left", "right", "leaf"]
    assert [(e["level"], e["dep_id"]) for e in child["bottom"]] == [("0", "top"), ("0", "top")]
    assert [e["start_date"] for e in child["bottom"]] == [
        "2017-01-01 00:00:00",
        "2020-01-01 00:00:00",
    ]
    assert [(e["level"], e["dep_id"], e["dep_type"]) for e in child["leaf"]] == [
        ("1", "bottom", "ACTION_SUBSCRIPTION")
    ]


def test_among_shortest_paths_the_smallest_id_is_the_neighbour():
    parent = _diamond().view("leaf")["parent"]
    assert [(key, entries[0]["level"]) for key, entries in parent.items()] == [
        ("bottom", "0"),
        ("left", "1"),
        ("right", "1"),
        ("top", "1"),
    ]
    assert parent["top"][0]["entity_id"] == "bottom"
    graph = _diamond()
    graph.remove_dependency("bottom", "top")
    parent = graph.view("leaf")["parent"]
    assert (parent["top"][0]["level"], parent["top"][0]["entity_id"]) == ("2", "left")


def test_entities_without_owned_periods_are_listed_with_the_infinite_dates():
    view = _diamond().view("left")
    assert view["owned"] == []
    assert view["parent"]["top"][0]["entity_id"] == "left"
    leaf = view["child"]["leaf"]
    assert [(e["start_date"], e["end_date"]) for e in leaf] == [
        ("1970-01-01 00:00:00", "9999-12-31 23:59:59")
    ]
    assert set(leaf[0]) == {
        "dep_id",
        "dep_type",
        "start_date",
        "end_date",
        "entity_id",
        "entity_name",
        "entity_type",
        "level",
    }


def test_read_records_reports_stray_keys_types_and_non_objects():
    _, problems = read_records(
        [
            "not an object",
            {"id": "a", "colour": "red", "team_id": True, "name": ""},
            {"id": "b", "periods": [{"period_id": 3}], "parents": {"id": "a"}},
        ]
    )
    assert [p["pointer"] for p in problems] == [
        "/0",
        "/1/colour",
        "/1/name",
        "/1/team_id",
        "/2/periods/0/period_id",
        "/2/parents",
    ]
    assert "'not an object'" in problems[0]["detail"]


def test_read_records_needs_a_list():
    _, problems = read_records({"id": "a"})
    assert problems[0]["pointer"] == ""


def test_read_writes_points_at_each_field():
    _, problems = read_writes(
        [
            {"period_id": "", "start_date": "nope", "end_date": "2019-01-01 00:00:00"},
            {"start_date": "2019-01-02", "end_date": "2019-01-01"},
            {"data": 1, "extra/field": 2},
        ],
        {},
        "a",
    )
    assert [p["pointer"] for p in problems] == [
        "/periods/0/period_id",
        "/periods/0/start_date",
        "/periods/1/end_date",
        "/periods/2/extra~1field",
    ]
    assert "'nope'" in problems[1]["detail"]


def test_periods_must_be_an_array():
    graph = EntityGraph.from_records([{"id": "a"}])
    with pytest.raises(ValidationError) as caught:
        graph.update("a", {"period_id": "x"})
    assert caught.value.problems[0]["pointer"] == "/periods"


def test_deep_data_is_refused_at_its_pointer_not_by_recursion():
    data: list = []
    for _ in range(10_000):
        data = [data]
    _, problems = read_records([{"id": "a", "periods": [{"data": data}]}])
    assert [p["pointer"] for p in problems] == ["/0/periods/0/data"]
    assert "nests more than 64 levels deep" in problems[0]["detail"]


def test_read_records_lists_a_stray_key_and_the_other_problems_of_a_period():
    _, problems = read_records(
        [{"id": "a", "periods": [{"colour": "red", "end_date": "1970-01-01 00:00:00"}]}]
    )
    assert [p["pointer"] for p in problems] == ["/0/periods/0/colour", "/0/periods/0/end_date"]
