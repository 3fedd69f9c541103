"""GET /periods and GET /periods/{period_id}/actions through Service.handle."""

from __future__ import annotations

import json
from urllib.parse import quote

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.actions.test_action_table import RECORDS
from tests.actions.test_team_periods import PERIODS
from tests.service.service_data import (
    SEED_ACTION_ID,
    bearer,
    has_error_shape,
    seed_dataset,
    team_dataset,
)

from periodkit.actions import ActionTable, TeamPeriods
from periodkit.errors import InvalidFormFieldsError, InvalidPeriodIdError, NotFoundError
from periodkit.service import Service
from periodkit.service.routes.team_periods import form_fields, period_of, render_actions
from periodkit.time import span_micros

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


# --- the same, on small records: rendering, ranges, ids and form_fields -------------

ACTIONS = [
    {"id": "late", "team_id": "t1", "start_date": "2024-08-20T10:00:00Z",
     "form": {"department": "sales", "budget": 10}},
    {"id": "early", "team_id": "t1", "start_date": "2024-08-11T22:00:00Z",
     "end_date": "2024-08-12T01:00:00Z", "form": {"department": "ops"}},
    {"id": "other-team", "team_id": "t2", "start_date": "2024-08-20T10:00:00Z"},
    {"id": "after", "team_id": "t1", "start_date": "2024-08-26T00:00:00Z"},
    {"id": "tie", "team_id": "t1", "start_date": "2024-08-20T10:00:00Z"},
]  # fmt: skip


@pytest.fixture(scope="module")
def small() -> Service:
    return Service.from_dataset({"periods": PERIODS, "actions": ACTIONS})


def ids(response) -> list:
    assert response.status == 200, response.body
    return [p["id"] for p in response.body["periods"]]


def answer(service: Service, period_id: str, form: str | None = None) -> dict:
    query = None if form is None else {"form_fields": form}
    response = service.handle("GET", f"/periods/{quote(period_id, safe='')}/actions", query)
    assert response.status == 200, response.body
    return response.body


def test_periods_in_the_wire_shape(small):
    first = small.handle("GET", "/periods", "start_date=2024-08-13&end_date=2024-08-14")
    assert first.body["periods"][1] == {
        "id": 1,
        "name": "Sprint 32",
        "start_date": "2024-08-12T00:00:00.000Z",
        "end_date": "2024-08-25T23:59:59.999Z",
        "created_at": "2024-08-01T11:58:19.349Z",
        "updated_at": "2024-08-01T11:58:19.349Z",
        "markers": [{"name": "Review", "timestamp": "2024-08-23T15:00:00.000Z"}],
    }
    assert first.body["periods"][0]["end_date"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"end_date": "2024-08-25"}, [3, 1]),
        ({"start_date": "2024-09-08"}, [3, 2]),
        ({"start_date": "2024-08", "end_date": "2024-08"}, [3, 1, 2]),
        ({"start_date": "2024-09-09T00:00:00Z"}, [3]),
        ({"end_date": "2024-07-31T23:59:59.999999Z"}, []),
    ],
)
def test_the_range_is_read_as_spans(small, query, expected):
    assert ids(small.handle("GET", "/periods", query)) == expected


ranges = st.integers(0, 40).map(lambda d: f"2024-08-{1 + d % 31:02d}") | st.sampled_from(
    [None, "2024", "2024-09", "2024-08-25T23:59:59.999Z"]
)


@given(ranges, ranges)
def test_overlapping_matches_reference(start, end):
    service = Service.from_dataset({"periods": PERIODS})
    lo = span_micros(start)[0] if start else -(2**63)
    hi = span_micros(end)[1] if end else 2**63
    query = {k: v for k, v in (("start_date", start), ("end_date", end)) if v is not None}
    response = service.handle("GET", "/periods", query)
    if lo > hi:
        assert response.status == 400
        return
    expected = {
        p["id"]
        for p in PERIODS
        if span_micros(p["start_date"])[0] <= hi
        and (p["end_date"] is None or span_micros(p["end_date"])[1] >= lo)
    }
    assert set(ids(response)) == expected


def test_actions_of_the_team_during_the_period_by_start(small):
    body = answer(small, "1", quote('["department","budget","department"]'))
    assert [a["id"] for a in body["actions"]] == ["early", "late", "tie"]
    assert [a["form"] for a in body["actions"]] == [
        {"department": "ops"},
        {"department": "sales", "budget": 10},
        {},
    ]
    assert body["notes"] == [
        {"action_id": "early", "missing_fields": ["budget"]},
        {"action_id": "tie", "missing_fields": ["department", "budget"]},
    ]


def test_a_field_no_action_has_is_noted_for_every_action(small):
    body = answer(small, "2", '["colour"]')
    assert body["notes"] == [{"action_id": "after", "missing_fields": ["colour"]}]


def test_actions_without_a_team_belong_to_the_only_team():
    service = Service.from_dataset(
        {
            "periods": [{"id": "p", "team_id": "t1"}],
            "actions": [{"id": "x", "start_date": "2024-01-01"}],
        }
    )
    assert [a["id"] for a in answer(service, "p")["actions"]] == ["x"]


@pytest.mark.parametrize("bad", ["abc", "-1", "1.5", " 1", "2.0", "True"])
def test_invalid_period_ids_with_whole_number_ids(small, bad):
    response = small.handle("GET", f"/periods/{quote(bad)}/actions")
    assert response.body["error"]["title"] == "Invalid period_id"
    assert repr(bad) in response.body["error"]["detail"]


@pytest.mark.parametrize("bad", ["a b", "x" * 129, "é", "a/b"])
def test_invalid_period_ids_with_text_ids(bad):
    with pytest.raises(InvalidPeriodIdError):
        period_of(TeamPeriods.from_records([{"id": "sprint-32"}]), bad)


def test_digits_name_a_whole_number_id(small):
    assert [a["id"] for a in answer(small, "001")["actions"]] == ["early", "late", "tie"]
    assert period_of(TeamPeriods.from_records(PERIODS), "001").period_id == 1


def test_unknown_period_is_not_found():
    with pytest.raises(NotFoundError) as caught:
        period_of(TeamPeriods.from_records(PERIODS), "99")
    assert (caught.value.kind, caught.value.identifier) == ("period", "99")
    with pytest.raises(NotFoundError):
        period_of(TeamPeriods.from_records([{"id": "sprint-32"}]), "sprint-33")


def test_invalid_form_fields_come_before_the_lookup(small):
    response = small.handle("GET", "/periods/99/actions", {"form_fields": '[""]'})
    assert response.body["error"]["title"] == "Invalid form_fields"
    assert "item 0" in response.body["error"]["detail"]


@pytest.mark.parametrize("identifier", ["Q3 2024", "é", "x" * 129, "a/b"])
def test_every_loaded_period_is_addressable(identifier):
    periods = TeamPeriods.from_records([{"id": identifier, "name": "x"}, {"id": "sprint-1"}])
    assert period_of(periods, identifier).period_id == identifier
    service = Service.from_dataset({"periods": [{"id": identifier}, {"id": "sprint-1"}]})
    assert answer(service, identifier)["actions"] == []
    # Of the id form yet naming nothing: unknown, not invalid.
    with pytest.raises(NotFoundError):
        period_of(periods, "sprint-2")
    with pytest.raises(InvalidPeriodIdError, match="'Q3 2025'"):
        period_of(periods, "Q3 2025")


# --- form_fields -------------------------------------------------------------------


def test_form_fields_arrive_url_encoded_or_decoded():
    text = json.dumps(["department", "budget"])
    assert form_fields(quote(text)) == ["department", "budget"]
    assert form_fields(text) == ["department", "budget"]
    assert form_fields("[]") == []
    assert form_fields(None) is None


def test_a_name_with_a_percent_sign_is_not_decoded_twice():
    assert form_fields('["100%25 done"]') == ["100%25 done"]
    assert form_fields(quote('["100%25 done"]')) == ["100%25 done"]


def test_duplicates_are_asked_for_once_at_their_first_place():
    assert form_fields('["b", "a", "b", "a"]') == ["b", "a"]


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        ('["a", ""]', "''"),
        ('["a", 1]', "1"),
        ('["a", null]', "None"),
        ('[["a"]]', "['a']"),
        ('{"a": 1}', '{"a": 1}'),
        ('"department"', "'\"department\"'"),
        ("department", "'department'"),
        ("%5B%22a%22", "'%5B%22a%22'"),
    ],
)
def test_bad_form_fields_are_refused_naming_the_value(value, quoted):
    with pytest.raises(InvalidFormFieldsError) as caught:
        form_fields(value)
    assert quoted in str(caught.value)
    assert caught.value.location == "form_fields"


# --- rendering actions ---------------------------------------------------------------


def test_records_carry_every_field_in_the_iso_dialect():
    table = ActionTable.from_records(RECORDS)
    body = render_actions(table, np.array([0, 1]), ["department", "budget"])
    records = body["actions"]
    assert records[0] == {
        **{k: v for k, v in RECORDS[0].items() if k not in ("form",)},
        "start_date": "2024-08-12T11:58:19.349Z",
        "end_date": "2024-08-12T12:30:00.000Z",
        "created_at": "2024-08-01T00:00:00.000Z",
        "updated_at": "2024-08-02T00:00:00.500Z",
        "form": {"department": "sales", "budget": 1200},
    }
    assert records[1]["end_date"] == records[1]["start_date"] == "2024-08-12T09:00:00.000Z"
    assert records[1]["category"] is None
    assert records[1]["form"] == {"budget": None}
    assert body["notes"] == [{"action_id": "a1", "missing_fields": ["department"]}]
    assert render_actions(table, np.array([], dtype=np.int64), ["x"]) == {
        "actions": [],
        "notes": [],
    }


json_values = st.integers() | st.text(max_size=2) | st.none() | st.lists(st.integers(), max_size=2)
forms = st.dictionaries(st.sampled_from(["a", "b", "c"]), json_values)


@given(
    st.lists(forms, max_size=12),
    st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=4, unique=True),
    st.data(),
)
def test_projection_and_notes_match_reference(rows, asked, data):
    table = ActionTable.from_records(
        {"id": i, "start_date": "2024-01-01", "form": form} for i, form in enumerate(rows)
    )
    chosen = data.draw(
        st.lists(st.integers(0, max(len(rows) - 1, 0)), max_size=len(rows)) if rows else st.just([])
    )
    body = render_actions(table, np.array(chosen, dtype=np.int64), asked)
    assert [r["form"] for r in body["actions"]] == [
        {k: rows[i][k] for k in asked if k in rows[i]} for i in chosen
    ]
    assert body["notes"] == [
        {"action_id": i, "missing_fields": [k for k in asked if k not in rows[i]]}
        for i in chosen
        if any(k not in rows[i] for k in asked)
    ]
