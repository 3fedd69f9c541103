"""GET /period/view/{id} and PUT /period/update/{id} through Service.handle."""

from __future__ import annotations

import json

import pytest
from tests.seeds import SEED_001_VIEW
from tests.service.service_data import bearer, has_error_shape, seed_dataset, team_dataset

from periodkit.service import Service

SEED_001_UPDATE = {
    "periods": [
        {
            "period_id": "example-period-id",
            "start_date": "2017-01-01 00:00:00",
            "end_date": "2019-09-26 00:00:00",
        }
    ]
}


def same_in_order(left, right) -> bool:
    """Equal, with every object's keys in the same order."""
    return json.dumps(left) == json.dumps(right)


def test_the_view_is_the_seed_document_key_for_key():
    response = Service.from_dataset(seed_dataset()).handle("GET", "/period/view/example-action-id")
    assert response.status == 200
    assert same_in_order(response.body, SEED_001_VIEW)


def test_a_teams_view_leaves_out_other_teams_relatives():
    service = Service.from_dataset(team_dataset())
    mine = service.handle("GET", "/period/view/example-action-id", headers=bearer("all"))
    assert same_in_order(mine.body, SEED_001_VIEW)
    data = team_dataset()
    del data["tokens"]
    everyone = Service.from_dataset(data).handle("GET", "/period/view/example-action-id").body
    assert set(everyone["parent"]) == {"example-office-id", "other-office"}
    assert set(everyone["child"]) == {"example-action-subscription-id", "other-subscription"}


def test_the_seed_update_is_done_and_written():
    service = Service.from_dataset(seed_dataset())
    body = {"periods": [{**SEED_001_UPDATE["periods"][0], "end_date": "2020-01-01 00:00:00"}]}
    response = service.handle("PUT", "/period/update/example-action-id", body=body)
    assert (response.status, response.body) == (200, {"done": "true"})
    view = service.handle("GET", "/period/view/example-action-id").body
    assert view["owned"][0]["end_date"] == "2020-01-01 00:00:00"
    again = service.handle(
        "PUT", "/period/update/example-action-id", body=json.dumps(SEED_001_UPDATE)
    )
    assert again.body == {"done": "true"}


def test_a_rejected_update_lists_every_problem_and_writes_nothing():
    service = Service.from_dataset(seed_dataset())
    before = service.dump()
    body = {
        "periods": [
            {"period_id": "example-office-period-id"},
            {"start_date": "2019-01-02 00:00:00", "end_date": "2019-01-01 00:00:00"},
            {"start_date": "not a date"},
        ]
    }
    response = service.handle("PUT", "/period/update/example-action-id", body=body)
    assert response.status == 400
    assert response.body["done"] == "false"
    assert [p["pointer"] for p in response.body["errors"]] == [
        "/periods/0/period_id",
        "/periods/1/end_date",
        "/periods/2/start_date",
    ]
    assert "example-office-period-id" in response.body["errors"][0]["detail"]
    assert service.dump() == before


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        (b"\xff\xfe", ""),
        ('{"periods": [', ""),
        ("[1, 2]", ""),
        ({"periods": [], "extra": 1}, "/extra"),
        ({"periods": {"period_id": "p"}}, "/periods"),
        (None, ""),
        ({}, "/periods"),
        ({"periods": [{"start_date": 20170101}]}, "/periods/0/start_date"),
    ],
)
def test_a_body_of_the_wrong_shape_is_a_rejected_update(body, pointer):
    service = Service.from_dataset(seed_dataset())
    before = service.dump()
    response = service.handle("PUT", "/period/update/example-action-id", body=body)
    assert response.status == 400
    assert has_error_shape("entities", response.body)
    assert response.body["errors"][0]["pointer"] == pointer
    assert service.dump() == before


def test_a_view_takes_no_parameters():
    response = Service.from_dataset(seed_dataset()).handle(
        "GET", "/period/view/example-action-id", "colour=red"
    )
    assert response.status == 400
    assert response.body == {
        "error": "Bad Request",
        "detail": "Parameter 'colour' is not supported (expected no parameters).",
    }


def test_an_unknown_entity_is_the_seeds_not_found():
    service = Service.from_dataset(seed_dataset())
    for method, path in (("GET", "/period/view/nobody"), ("PUT", "/period/update/nobody")):
        response = service.handle(method, path, body=SEED_001_UPDATE)
        assert (response.status, response.body) == (
            404,
            {"error": "Entity not found", "id": "nobody"},
        )


def test_another_teams_entity_is_not_found_and_not_written():
    service = Service.from_dataset(team_dataset())
    before = service.dump()
    for method, path in (
        ("GET", "/period/view/other-office"),
        ("PUT", "/period/update/other-office"),
    ):
        response = service.handle(method, path, body={"periods": [{}]}, headers=bearer("all"))
        assert response.body == {"error": "Entity not found", "id": "other-office"}
    assert service.dump() == before


def test_a_read_scope_cannot_write():
    service = Service.from_dataset(team_dataset())
    response = service.handle(
        "PUT", "/period/update/example-action-id", body=SEED_001_UPDATE, headers=bearer("read")
    )
    assert response.status == 403
    assert response.body["error"] == "Forbidden"
    assert (
        service.handle("GET", "/period/view/example-action-id", headers=bearer("read")).status
        == 200
    )
