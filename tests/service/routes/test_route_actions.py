"""GET /auth/actions and GET /auth/actions/{id} through Service.handle."""

from __future__ import annotations

import base64

import pytest
from tests.service.service_data import (
    SEED_003_ACTION,
    SEED_ACTION_ID,
    TOKENS,
    bearer,
    has_error_shape,
    seed_dataset,
    team_dataset,
)

from periodkit.query import Page
from periodkit.service import Service
from periodkit.service.routes.actions import ACTIONS, meta


@pytest.fixture(scope="module")
def service() -> Service:
    return Service.from_dataset(seed_dataset())


def test_the_seed_example_page(service):
    response = service.handle("GET", "/auth/actions", "category=SMS&page[number]=3&page[size]=1")
    assert response.status == 200
    assert response.body == {
        "data": [SEED_003_ACTION],
        "meta": {"total_pages": 13, "total_results": 13, "page_number": 3, "page_size": 1},
    }
    assert list(response.body["data"][0]) == list(SEED_003_ACTION)


def test_one_action(service):
    response = service.handle("GET", f"/auth/actions/{SEED_ACTION_ID}")
    assert (response.status, response.body) == (200, {"data": SEED_003_ACTION})


def test_defaults_and_a_page_past_the_end(service):
    meta = service.handle("GET", "/auth/actions").body["meta"]
    assert meta == {"total_pages": 1, "total_results": 14, "page_number": 1, "page_size": 20}
    past = service.handle("GET", "/auth/actions", {"page[number]": "9", "page[size]": "2.0"}).body
    assert past["data"] == [] and past["meta"]["page_number"] == 9
    nothing = service.handle("GET", "/auth/actions", {"category": "Fax"}).body["meta"]
    assert nothing["total_pages"] == 0


@pytest.mark.parametrize("value", ["2.5", "0", "-1", "abc", "251", ""])
def test_a_bad_page_size_is_a_422_pointing_at_it(service, value):
    response = service.handle("GET", "/auth/actions", {"page[size]": value})
    assert response.status == 422
    assert has_error_shape("actions", response.body)
    (error,) = response.body["errors"]
    assert (error["code"], error["pointer"]) == ("10015", "/page[size]")


def test_an_unknown_action_is_a_404(service):
    response = service.handle("GET", "/auth/actions/nope")
    assert response.status == 404
    assert response.body["errors"][0]["code"] == "10005"


def test_tokens_bearer_basic_and_teams():
    service = Service.from_dataset(team_dataset())
    basic = base64.b64encode(f"user:{TOKENS['all']['token']}".encode()).decode()
    by_basic = service.handle("GET", "/auth/actions", headers={"Authorization": f"Basic {basic}"})
    by_bearer = service.handle("GET", "/auth/actions", headers=bearer("all"))
    assert by_basic.body == by_bearer.body
    assert by_bearer.body["meta"]["total_results"] == 14
    theirs = service.handle("GET", "/auth/actions", headers=bearer("other")).body
    assert [a["id"] for a in theirs["data"]] == ["other-1"]
    hidden = service.handle("GET", "/auth/actions/other-1", headers=bearer("all"))
    missing = service.handle("GET", "/auth/actions/none-such", headers=bearer("all"))
    assert hidden.status == missing.status == 404
    assert hidden.body["errors"][0]["title"] == missing.body["errors"][0]["title"]


def test_auth_failures_in_the_seed_shape():
    service = Service.from_dataset(team_dataset())
    unknown = service.handle("GET", "/auth/actions", headers={"Authorization": "Bearer nope"})
    assert unknown.status == 401
    assert unknown.body["errors"][0]["code"] == "10009"
    forbidden = service.handle("GET", "/auth/actions", headers=bearer("none"))
    assert forbidden.status == 403
    assert forbidden.body["errors"][0]["code"] == "10010"
    assert has_error_shape("actions", unknown.body) and has_error_shape("actions", forbidden.body)


def test_the_collection_filters_by_category_in_pages_of_up_to_250():
    assert (ACTIONS.default_page_size, ACTIONS.max_page_size) == (20, 250)
    assert ACTIONS.schema.names == ("category",)
    assert meta(Page(9, 20), 2) == {
        "total_pages": 1,
        "total_results": 2,
        "page_number": 9,
        "page_size": 20,
    }
    assert meta(Page(1, 20), 0)["total_pages"] == 0
