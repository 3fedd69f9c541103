"""The dataset document: validated whole, every problem located, dumped back."""

from __future__ import annotations

import pytest
from tests.service.service_data import seed_dataset, team_dataset

from periodkit.errors import ValidationError
from periodkit.service.dataset import load


def problems(document) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        load(document)
    return [p["pointer"] for p in caught.value.problems]


def test_the_seed_datasets_load_and_dump_as_given():
    for document in (seed_dataset(), team_dataset()):
        data = load(document)
        dumped = data.dump()
        assert list(dumped) == [k for k in dumped if k in document]
        # Entities and out-of-office periods come back in their canonical form.
        canonical = ("entities", "out_of_office_periods")
        assert {k: v for k, v in dumped.items() if k not in canonical} == {
            k: v for k, v in document.items() if k not in canonical
        }
        assert [r["id"] for r in dumped["out_of_office_periods"]] == [
            r["id"] for r in document["out_of_office_periods"]
        ]
        assert load(dumped).dump() == dumped


def test_every_key_is_optional():
    assert load({}).dump() == {"entities": []}


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
