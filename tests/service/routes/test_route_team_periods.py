"""GET /periods and GET /periods/{period_id}/actions through Service.handle."""

from __future__ import annotations

import pytest
from tests.service.service_data import (
    SEED_ACTION_ID,
    bearer,
    has_error_shape,
    seed_dataset,
    team_dataset,
)

from periodkit.service import Service

FORM_FIELDS = "%5B%22department%22%2C%22budget%22%5D"


@pytest.fixture(scope="module")
def service() -> Service:
    return Service.from_dataset(seed_dataset())


def names(response) -> list[str]:
    assert response.status == 200, response.body
    return [p["name"] for p in response.body["periods"]]


def test_periods_overlapping_a_range_read_as_spans(service):
    assert names(
        service.handle("GET", "/periods", "start_date=2024-08-20&end_date=2024-08-31")
    ) == [
        "Q3 2024",
        "Sprint 33",
    ]
    # end_date names the whole day: the sprint's last millisecond lies in it.
    assert names(service.handle("GET", "/periods", {"start_date": "2024-08-25"})) == [
        "Q3 2024",
        "Sprint 33",
    ]
    assert names(service.handle("GET", "/periods", {"start_date": "2024-08-26"})) == ["Q3 2024"]
    assert names(service.handle("GET", "/periods", {"end_date": "2024-06-30"})) == []


def test_a_period_is_written_with_its_fields_in_order(service):
    sprint = service.handle("GET", "/periods", {"start_date": "2024-08-26"}).body["periods"][0]
    assert sprint == {
        "id": "period-2024-q3",
        "name": "Q3 2024",
        "start_date": "2024-07-01T00:00:00.000Z",
        "end_date": "2024-09-30T23:59:59.999Z",
        "created_at": "2024-06-20T09:00:00.000Z",
        "updated_at": "2024-06-20T09:00:00.000Z",
        "markers": [{"name": "Mid-quarter review", "timestamp": "2024-08-15T12:00:00.000Z"}],
    }


@pytest.mark.parametrize(
    ("query", "pointer"),
    [
        ("start_date=2024-13-01", "start_date"),
        ("end_date=yesterday", "end_date"),
        ("start_date=2024-09-01&end_date=2024-08-01", "start_date"),
        ("colour=red", "colour"),
        ("start_date=2024&start_date=2025", "start_date"),
    ],
)
def test_a_bad_range_is_a_400_naming_the_parameter(service, query, pointer):
    response = service.handle("GET", "/periods", query)
    assert response.status == 400
    assert has_error_shape("periods", response.body)
    assert response.body["error"]["title"] == "Bad Request"
    assert pointer in response.body["error"]["detail"]


def test_actions_of_a_period_with_form_fields_and_notes(service):
    response = service.handle(
        "GET", "/periods/period-sprint-33/actions", f"form_fields={FORM_FIELDS}"
    )
    assert response.status == 200
    actions = response.body["actions"]
    assert [a["id"] for a in actions] == ["sms-12", SEED_ACTION_ID, "sms-13", "call-1"]
    assert actions[1]["form"] == {"department": "Safety", "budget": 1200}
    assert actions[1]["start_date"] == "2024-08-12T11:58:19.349Z"
    assert actions[3]["form"] == {"department": "Finance"}
    assert response.body["notes"] == [
        {"action_id": "sms-12", "missing_fields": ["department", "budget"]},
        {"action_id": "sms-13", "missing_fields": ["department", "budget"]},
        {"action_id": "call-1", "missing_fields": ["budget"]},
    ]


def test_without_form_fields_no_custom_field_and_no_note(service):
    body = service.handle("GET", "/periods/period-sprint-33/actions").body
    assert all(a["form"] == {} for a in body["actions"]) and body["notes"] == []


@pytest.mark.parametrize(
    ("path", "query", "status", "title"),
    [
        ("/periods/no-such-period/actions", None, 404, "Period Not Found"),
        ("/periods/bad%20id!/actions", None, 400, "Invalid period_id"),
        ("/periods/period-sprint-33/actions", "form_fields=%5B1%5D", 400, "Invalid form_fields"),
        ("/periods/period-sprint-33/actions", "form_fields=department", 400, "Invalid form_fields"),
    ],
)
def test_the_errors_of_the_seed(service, path, query, status, title):
    response = service.handle("GET", path, query)
    assert response.status == status
    assert response.body["error"]["status"] == status
    assert response.body["error"]["title"] == title
    assert has_error_shape("periods", response.body)


def test_with_tokens_each_team_sees_its_own_periods():
    service = Service.from_dataset(team_dataset())
    mine = service.handle("GET", "/periods", headers=bearer("all"))
    theirs = service.handle("GET", "/periods", headers=bearer("other"))
    assert names(mine) == ["Q3 2024", "Sprint 33"]
    assert names(theirs) == ["Other sprint"]


def test_another_teams_period_is_not_found_like_a_missing_one():
    service = Service.from_dataset(team_dataset())
    other = service.handle("GET", "/periods/period-other/actions", headers=bearer("all"))
    missing = service.handle("GET", "/periods/period-none/actions", headers=bearer("all"))
    assert other.status == missing.status == 404
    assert other.body["error"]["title"] == missing.body["error"]["title"] == "Period Not Found"
    assert "period-other" in other.body["error"]["detail"]


def test_a_period_keeps_to_its_team_even_without_tokens():
    data = team_dataset()
    del data["tokens"]
    body = Service.from_dataset(data).handle("GET", "/periods/period-sprint-33/actions").body
    assert "other-1" not in [a["id"] for a in body["actions"]]
    body = Service.from_dataset(data).handle("GET", "/periods/period-other/actions").body
    assert [a["id"] for a in body["actions"]] == ["other-1"]
