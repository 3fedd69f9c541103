"""The dataset document: validated whole, every problem located, dumped back."""

from __future__ import annotations

import pytest
from tests.service.service_data import seed_dataset, team_dataset

from periodkit.errors import ValidationError
from periodkit.service.dataset import KEYS, load


def problems(document) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        load(document)
    return [p["pointer"] for p in caught.value.problems]


def test_the_seed_datasets_dump_to_a_fixed_point():
    for document in (seed_dataset(), team_dataset()):
        dumped = load(document).dump()
        assert list(dumped) == [k for k in KEYS if k in dumped]
        for key in ("teams", "activity_classes", "tokens"):
            assert dumped.get(key) == document.get(key)
        assert len(dumped["actions"]) == len(document["actions"])
        assert [r["id"] for r in dumped["out_of_office_periods"]] == [
            r["id"] for r in document["out_of_office_periods"]
        ]
        assert load(dumped).dump() == dumped


def test_a_dump_writes_actions_and_periods_exactly():
    action = {"id": 1, "start_date": "2024-01-01T00:00:00.000001Z", "form": {"x": [1]}}
    period = {"id": "p", "name": "P", "start_date": "2024-01-01", "markers": []}
    dumped = load({"actions": [action], "periods": [period]}).dump()
    assert dumped["actions"] == [
        {
            "id": 1,
            "start_date": "2024-01-01T00:00:00.000001Z",
            "end_date": "2024-01-01T00:00:00.000001Z",
            "form": {"x": [1]},
        }
    ]
    assert dumped["periods"] == [
        {
            "id": "p",
            "team_id": None,
            "name": "P",
            "start_date": "2024-01-01T00:00:00.000000Z",
            "end_date": None,
            "created_at": None,
            "updated_at": None,
            "markers": [],
        }
    ]


def test_every_key_is_optional():
    assert load({}).dump() == {
        "periods": [],
        "entities": [],
        "actions": [],
        "out_of_office_periods": [],
        "activities": [],
    }


def test_every_problem_is_reported_with_its_pointer():
    document = team_dataset()
    document["colour"] = "red"
    document["periods"][0]["end_date"] = "2024-13-01"
    document["entities"][1]["parents"].append({"id": "nobody"})
    document["actions"][0]["end_date"] = "2024-07-01T00:00:00Z"
    document["actions"][1]["id"] = "sms-01"
    document["actions"][2]["team_id"] = "team-9"
    document["periods"][1].pop("team_id")
    document["activities"][0]["Num"] = "one"
    document["activities"].append({"oid": "Z1"})
    document["activity_classes"].append({"name": "Ticket", "prefix": "T", "fields": {"a": "x"}})
    document["tokens"][1]["scopes"].append("everything")
    document["tokens"].append({"token": "team-1-all", "team_id": "team-1"})
    document["out_of_office_periods"][0]["end_at"] = "2019-11-01T00:00:00Z"
    document["out_of_office_periods"][1]["team_id"] = "team-9"
    assert problems(document) == [
        "/colour",
        "/periods/0/end_date",
        "/entities/1/parents/2/id",
        "/actions/0/end_date",
        "/out_of_office_periods/0/end_at",
        "/periods/1/team_id",
        "/actions/2/team_id",
        "/out_of_office_periods/1/team_id",
        "/actions/1/id",
        "/activity_classes/2/name",
        "/activity_classes/2/prefix",
        "/activity_classes/2/fields",
        "/activities/0/Num",
        "/activities/5/oid",
        "/tokens/1/scopes/5",
        "/tokens/4/token",
    ]


@pytest.mark.parametrize(
    ("document", "pointer"),
    [
        ([], ""),
        ({"teams": {}}, "/teams"),
        ({"teams": [{"id": None}]}, "/teams/0/id"),
        ({"actions": "a"}, "/actions"),
        ({"out_of_office_periods": {}}, "/out_of_office_periods"),
        ({"out_of_office_periods": [{"id": 1, "person": 5}]}, "/out_of_office_periods/0/person"),
        ({"tokens": [{"token": " x"}]}, "/tokens/0/token"),
        (
            {"activity_classes": [{"name": "A", "prefix": "1", "fields": {}}]},
            "/activity_classes/0/prefix",
        ),
    ],
)
def test_shapes(document, pointer):
    assert pointer in problems(document)


def test_a_path_that_is_not_a_dataset():
    assert problems(5) == [""]
