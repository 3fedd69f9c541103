"""The out-of-office routes (``/out_of_office_periods``) through Service.handle."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any
from urllib.parse import parse_qsl

import pytest
from tests.seeds import SEED_002_LIST_ITEM, SEED_002_RECORD
from tests.service.service_data import bearer, has_error_shape, seed_dataset, team_dataset

from periodkit import parse_instant
from periodkit.service import Service

PATH = "/out_of_office_periods"
NOW = dt.datetime(2019, 11, 20, tzinfo=dt.UTC)
SEED_RECORD = seed_dataset()["out_of_office_periods"][0]
EFFORT = {"id": 1, "name": "Normal"}


def records() -> list[dict[str, Any]]:
    """Five periods: the seed's (id 3), and four around it.

    In the default order (start_at, then id): 1, 2, 3, 4, 5; periods 2 and 3
    start at the same instant. Record 2 ends exactly at ``NOW``.
    """
    seed = {k: v for k, v in SEED_RECORD.items() if k != "team_id"}
    return [
        {
            "id": 1,
            "person": {"id": 7, "name": "Al Green"},
            "source": "4me",
            "sourceID": "a,b",
            "start_at": "2019-11-01T00:00:00Z",
            "end_at": "2019-11-02T00:00:00Z",
            "created_at": "2019-10-01T00:00:00Z",
        },
        {
            "id": 2,
            "person": {"id": 8, "name": "Bo Ek"},
            "source": "hr",
            "sourceID": "HR-1",
            "start_at": "2019-11-18T06:00:00Z",
            "end_at": "2019-11-20T00:00:00Z",
            "created_at": "2019-10-02T00:00:00Z",
        },
        seed,
        {
            "id": 4,
            "person": 7,
            "start_at": "2019-12-01T00:00:00Z",
            "end_at": "2019-12-31T23:59:59Z",
            "created_at": "2019-11-30T00:00:00Z",
        },
        {
            "id": 5,
            "person": 196,
            "source": "4me",
            "sourceID": "hr-1",
            "start_at": "2020-01-06T00:00:00Z",
            "end_at": "2020-01-10T00:00:00Z",
            "created_at": "2019-12-15T00:00:00Z",
            "effort_class": EFFORT,
        },
    ]


def make(dataset: dict[str, Any] | None = None) -> Service:
    return Service.from_dataset(
        {"out_of_office_periods": records()} if dataset is None else dataset, clock=lambda: NOW
    )


@pytest.fixture
def service() -> Service:
    return make()


def ids(service: Service, query: str, path: str = PATH) -> list[int]:
    response = service.handle("GET", path, query)
    assert response.status == 200, response.body
    return [r["id"] for r in response.body]


def message(service: Service, query: str) -> str:
    response = service.handle("GET", PATH, query)
    assert response.status == 400
    assert list(response.body) == ["message"]
    return response.body["message"]


def same_keys_and_values(answer: dict[str, Any], seed: dict[str, Any]) -> None:
    """Key for key; a date equal as an instant (the service writes UTC with milliseconds)."""
    assert sorted(answer) == sorted(seed)
    for key, value in seed.items():
        if key.endswith("_at"):
            assert parse_instant(answer[key]) == parse_instant(value), key
            assert answer[key].endswith(".000Z")
        else:
            assert answer[key] == value, key


# --- the seed's examples ------------------------------------------------------------


def test_the_seeds_list_example():
    response = Service.from_dataset(seed_dataset()).handle("GET", PATH)
    assert response.status == 200
    [item] = response.body
    same_keys_and_values(item, SEED_002_LIST_ITEM)
    assert list(item) == list(SEED_002_LIST_ITEM)


def test_the_seeds_single_record_example():
    response = Service.from_dataset(seed_dataset()).handle("GET", f"{PATH}/3")
    assert response.status == 200
    same_keys_and_values(response.body, SEED_002_RECORD)
    assert response.body["created_at"] == "2019-11-18T14:10:52.000Z"


def test_a_single_record_shows_effort_class_when_set(service):
    assert service.handle("GET", f"{PATH}/5").body["effort_class"] == EFFORT
    assert "effort_class" not in service.handle("GET", f"{PATH}/3").body


# --- filters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", [1, 2, 3, 4, 5]),
        ("id=3", [3]),
        ("id=!3", [1, 2, 4, 5]),
        ("id=1,2,3", [1, 2, 3]),
        ("id=!1,2,3", [4, 5]),
        ("id=>=4", [4, 5]),
        ("id=<2", [1]),
        ("id=<=2", [1, 2]),
        ("id=>1<4", [2, 3]),
        ("source=4me", [1, 3, 5]),
        ("source=4ME", []),
        ("source=!4me", [2]),
        ("source=", [4]),
        ("source=!", [1, 2, 3, 5]),
        ("sourceID=a,b", [1]),
        ("sourceID=hr-1", [5]),
        ("sourceID=!hr-1", [1, 2]),
        ("sourceID=", [3, 4]),
        ("sourceID=!", [1, 2, 5]),
        ("person=7", [1, 4]),
        ("person=196,8", [2, 3, 5]),
        ("person=!7", [2, 3, 5]),
        ("person=!7,8", [3, 5]),
        ("person=>100", [3, 5]),
        ("person=<=8", [1, 2, 4]),
        ("start_at=2019-11-18", [2, 3]),
        ("start_at=2019-11-18T06:00:00Z", [2, 3]),
        ("start_at=2019-11-18T00:00:00-06:00", [2, 3]),
        ("start_at=!2019-11", [4, 5]),
        ("start_at=>2019-11-18", [4, 5]),
        ("start_at=>=2019-11-18", [2, 3, 4, 5]),
        ("start_at=<2019-11-18", [1]),
        ("start_at=<=2019-11", [1, 2, 3]),
        ("start_at=>2019-11-01<2019-12-31", [2, 3, 4]),
        ("end_at=<2019-12", [1, 2, 3]),
        ("created_at=>=2019-11-30", [4, 5]),
        ("updated_at=2019-11-18T09:45:16-06:00", [3]),
        ("person=196&source=4me&start_at=>=2020", [5]),
    ],
)
def test_each_filter_operator(service, query, expected):
    assert ids(service, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("reason=x", "Filtering not allowed on fields: reason"),
        ("disabled=true&reason=x&strange=1", "Unknown fields: disabled, strange"),
        ("source=>x", "Field 'source' does not support the '>' operator"),
        ("sourceID=<=x", "Field 'sourceID' does not support the '<=' operator"),
        ("id=!>3", "Field 'id' does not support the '!>' operator"),
        ("start_at=2019,2020", "Field 'start_at' does not support the ',' operator"),
    ],
)
def test_filter_errors_are_400_with_the_exact_message(service, query, expected):
    assert message(service, query) == expected


@pytest.mark.parametrize(
    ("query", "quoted"), [("id=abc", "abc"), ("start_at=2019-13", "2019-13"), ("person=x,1", "x")]
)
def test_a_value_that_does_not_parse_is_a_400_quoting_it(service, query, quoted):
    assert quoted in message(service, query)


# --- sort, fields -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("id", [1, 2, 3, 4, 5]),
        ("-id", [5, 4, 3, 2, 1]),
        ("-start_at", [5, 4, 2, 3, 1]),
        ("start_at,-id", [1, 3, 2, 4, 5]),
        ("person_id,-start_at", [4, 1, 2, 5, 3]),
        ("-person_id,end_at", [3, 5, 2, 1, 4]),
        ("sourceID", [3, 4, 2, 1, 5]),
        ("-sourceID", [5, 1, 2, 3, 4]),
        ("-created_at,id", [5, 4, 3, 2, 1]),
        ("updated_at", [1, 2, 3, 4, 5]),
    ],
)
def test_sorts_with_several_keys_ties_by_id_and_nulls_first_ascending(service, sort, expected):
    assert ids(service, f"sort={sort}") == expected


def test_sort_errors_name_the_fields_without_their_minus(service):
    assert (
        message(service, "sort=-reason,person") == "Sorting not allowed on fields: reason, person"
    )


def test_default_fields_and_chosen_fields(service):
    default = service.handle("GET", PATH, "id=5").body[0]
    assert list(default) == [
        "id",
        "sourceID",
        "person",
        "start_at",
        "end_at",
        "created_at",
        "updated_at",
    ]
    chosen = service.handle("GET", PATH, "fields=reason,effort_class,source&id=3,5").body
    assert chosen == [
        {"id": 3, "reason": "Time Off - Vacation", "effort_class": None, "source": "4me"},
        {"id": 5, "reason": None, "effort_class": EFFORT, "source": "4me"},
    ]
    assert service.handle("GET", PATH, "fields=id&per_page=1").body == [{"id": 1}]
    assert message(service, "fields=person,colour") == "Unknown fields: colour"


# --- pagination ---------------------------------------------------------------------------


def pagination(response) -> tuple[str, ...]:
    return tuple(
        response.headers[f"X-Pagination-{name}"]
        for name in ("Per-Page", "Current-Page", "Total-Pages", "Total-Entries")
    )


def links(response, at: str = PATH) -> dict[str, list[tuple[str, str]]]:
    """The Link header's links by rel, each as its path's parameters."""
    found = {}
    for part in response.headers["Link"].split(", <"):
        target, rel = part.lstrip("<").split(">; rel=")
        path, _, query = target.partition("?")
        assert path == at
        found[rel.strip('"')] = parse_qsl(query, keep_blank_values=True)
    return found


def test_a_middle_page_has_every_header_and_link(service):
    query = "person=7,196&sort=-id&fields=source&per_page=1&page=2"
    response = service.handle("GET", PATH, query)
    assert [r["id"] for r in response.body] == [4]
    assert pagination(response) == ("1", "2", "4", "4")
    found = links(response)
    assert list(found) == ["first", "prev", "next", "last"]
    kept = [("person", "7,196"), ("sort", "-id"), ("fields", "source"), ("per_page", "1")]
    for rel, page in (("first", "1"), ("prev", "1"), ("next", "3"), ("last", "4")):
        assert found[rel] == [*kept, ("page", page)]
    # Each link asks for the page it names.
    assert [ids(service, "&".join(f"{k}={v}" for k, v in found[rel])) for rel in found] == [
        [5],
        [5],
        [3],
        [1],
    ]


def test_links_encode_the_parameters_they_keep(service):
    response = service.handle("GET", PATH, {"start_at": ">=2019-11-18", "per_page": "1"})
    first = response.headers["Link"].split(";")[0]
    assert first == "</out_of_office_periods?start_at=%3E%3D2019-11-18&per_page=1&page=1>"
    assert links(response)["first"] == [
        ("start_at", ">=2019-11-18"),
        ("per_page", "1"),
        ("page", "1"),
    ]


def test_the_first_page_has_no_prev_and_the_last_no_next(service):
    first = service.handle("GET", PATH, "per_page=2")
    assert list(links(first)) == ["first", "next", "last"]
    assert pagination(first) == ("2", "1", "3", "5")
    last = service.handle("GET", PATH, "per_page=2&page=3")
    assert [r["id"] for r in last.body] == [5]  # a partial last page
    assert list(links(last)) == ["first", "prev", "last"]
    only = service.handle("GET", PATH)
    assert list(links(only)) == ["first", "last"]
    assert pagination(only) == ("20", "1", "1", "5")


def test_a_page_past_the_end_is_empty_with_the_true_totals(service):
    response = service.handle("GET", PATH, "per_page=2&page=9")
    assert (response.status, response.body) == (200, [])
    assert pagination(response) == ("2", "9", "3", "5")
    assert {rel: dict(ps)["page"] for rel, ps in links(response).items()} == {
        "first": "1",
        "prev": "8",
        "last": "3",
    }


def test_nothing_matched_is_zero_pages_and_no_link(service):
    response = service.handle("GET", PATH, "id=99")
    assert (response.status, response.body) == (200, [])
    assert pagination(response) == ("20", "1", "0", "0")
    assert "Link" not in response.headers


def test_per_page_above_100_is_100(service):
    assert pagination(service.handle("GET", PATH, "per_page=1000"))[0] == "100"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("per_page=0", "Parameter 'per_page' cannot be less than 1"),
        ("per_page=-3", "Parameter 'per_page' cannot be less than 1"),
        ("page=0", "Parameter 'page' cannot be less than 1"),
        ("page=abc", "Parameter 'page' must be an integer, not 'abc'"),
        ("per_page=2.5", "Parameter 'per_page' must be an integer, not '2.5'"),
    ],
)
def test_paging_errors(service, query, expected):
    assert message(service, query) == expected


# --- predefined filters ---------------------------------------------------------------------


def test_open_and_completed_against_the_service_clock(service):
    # Period 2 ends exactly at the clock's now: completed, not open.
    assert ids(service, "", f"{PATH}/open") == [4, 5]
    assert ids(service, "", f"{PATH}/completed") == [1, 2, 3]
    assert ids(service, "person=7&sort=-id", f"{PATH}/open") == [4]
    later = make()
    later.clock = lambda: dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    assert ids(later, "", f"{PATH}/open") == []
    response = service.handle("GET", f"{PATH}/completed", "per_page=1&page=2")
    assert links(response, f"{PATH}/completed")["first"] == [("per_page", "1"), ("page", "1")]


# --- writes ---------------------------------------------------------------------------------


def test_create_is_a_201_with_every_field_and_a_new_id(service):
    body = {
        "person": {"id": 7},
        "start_at": "2020-02-01",
        "end_at": "2020-02-02T12:00:00+01:00",
        "reason": "Dentist",
        "approval_delegate": 196,
        "time_allocation": 2,
    }
    response = service.handle("POST", PATH, body=json.dumps(body))
    assert response.status == 201
    assert response.body == {
        "id": 6,
        "source": None,
        "sourceID": None,
        "person": {"id": 7, "name": "Al Green"},
        "start_at": "2020-02-01T00:00:00.000Z",
        "end_at": "2020-02-02T11:00:00.000Z",
        "reason": "Dentist",
        "time_allocation": SEED_002_RECORD["time_allocation"],
        "approval_delegate": {"id": 196, "name": "Ellen Brown"},
        "created_at": "2019-11-20T00:00:00.000Z",
        "updated_at": "2019-11-20T00:00:00.000Z",
    }
    assert service.handle("GET", f"{PATH}/6").body == response.body
    assert service.handle("DELETE", f"{PATH}/6").status == 204
    again = service.handle("POST", PATH, body=body)
    assert again.body["id"] == 7  # an id once used is not given again


def test_update_is_partial_and_moves_updated_at_only_on_a_change(service):
    before = service.handle("GET", f"{PATH}/3").body
    service.clock = lambda: dt.datetime(2019, 12, 1, tzinfo=dt.UTC)
    same = service.handle(
        "PATCH", f"{PATH}/3", body={"person": {"id": 196}, "start_at": "2019-11-18T00:00:00-06:00"}
    )
    assert (same.status, same.body) == (200, before)
    changed = service.handle("PATCH", f"{PATH}/3", body={"reason": "Sick", "effort_class": 1})
    assert changed.status == 200
    assert changed.body == {
        **before,
        "reason": "Sick",
        "effort_class": EFFORT,
        "updated_at": "2019-12-01T00:00:00.000Z",
    }
    cleared = service.handle("PATCH", f"{PATH}/3", body={"effort_class": None})
    assert "effort_class" not in cleared.body


def test_delete_is_a_204_with_no_body(service):
    response = service.handle("DELETE", f"{PATH}/3")
    assert (response.status, response.body) == (204, None)
    assert service.handle("GET", f"{PATH}/3").status == 404
    assert ids(service, "") == [1, 2, 4, 5]
    assert [r["id"] for r in service.dump()["out_of_office_periods"]] == [1, 2, 4, 5]


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
@pytest.mark.parametrize("identifier", ["99", "0", "-1", "abc", "3.0", "%C2%B2", "9" * 30])
def test_a_missing_id_is_a_404_before_the_body_is_read(service, method, identifier):
    response = service.handle(method, f"{PATH}/{identifier}", body="{not json")
    assert (response.status, response.body) == (404, {"message": "Not Found"})


def write_problems(service: Service, method: str, path: str, body: Any) -> list[list[str]]:
    before = service.dump()
    response = service.handle(method, path, body=body)
    assert response.status == 422, response.body
    assert list(response.body) == ["message", "errors"]
    assert response.body["message"] == "Validation Failed"
    assert service.dump() == before  # a rejected write changes nothing
    return response.body["errors"]


VALID = {"person": 7, "start_at": "2020-02-01", "end_at": "2020-02-02"}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"person": None, "start_at": None, "end_at": None},
            [
                ["person", "Person can't be blank"],
                ["start_at", "Start at can't be blank"],
                ["end_at", "End at can't be blank"],
            ],
        ),
        ({"end_at": "2020-02-01"}, [["end_at", "End at must be after start at"]]),
        ({"end_at": "2020-01-31"}, [["end_at", "End at must be after start at"]]),
        ({"reason": "r" * 81}, [["reason", None]]),
        ({"source": "s" * 31}, [["source", None]]),
        ({"sourceID": "i" * 129}, [["sourceID", None]]),
        ({"person": 999}, [["person", "Person 999 does not exist"]]),
        ({"approval_delegate": {"id": 999}}, [["approval_delegate", None]]),
        ({"time_allocation": 9}, [["time_allocation", "Time allocation 9 does not exist"]]),
        ({"effort_class": 2}, [["effort_class", "Effort class 2 does not exist"]]),
        ({"id": 9}, [["id", "Id is read-only"]]),
        ({"created_at": "2020-01-01"}, [["created_at", "Created at is read-only"]]),
        ({"updated_at": None}, [["updated_at", "Updated at is read-only"]]),
        ({"reason": 7}, [["reason", "Reason 7 is not a string"]]),
        ({"start_at": 5}, [["start_at", None]]),
        ({"start_at": "2019-13-01"}, [["start_at", None]]),
        ({"person": "Ellen"}, [["person", None]]),
        ({"person": True}, [["person", None]]),
        ({"source": ["4me"]}, [["source", None]]),
        ({"colour": "red"}, [["colour", "Unknown field 'colour'"]]),
        (
            {"id": 1, "reason": "r" * 81, "end_at": "2019-01-01", "colour": 1},
            [["id", None], ["reason", None], ["colour", None], ["end_at", None]],
        ),
    ],
)
def test_each_validation_rule_on_create(service, change, expected):
    errors = write_problems(service, "POST", PATH, {**VALID, **change})
    assert [field for field, _ in errors] == [field for field, _ in expected]
    for (_, got), (_, want) in zip(errors, expected, strict=True):
        assert want is None or got == want


def test_lengths_count_code_points(service):
    body = {**VALID, "reason": "\U0001f600" * 80, "source": "é" * 30, "sourceID": "x" * 128}
    assert service.handle("POST", PATH, body=body).status == 201


def test_update_checks_end_after_start_on_the_merged_record(service):
    errors = write_problems(service, "PATCH", f"{PATH}/3", {"start_at": "2019-11-18T16:00:00Z"})
    assert errors == [["end_at", "End at must be after start at"]]
    errors = write_problems(service, "PATCH", f"{PATH}/3", {"person": None, "end_at": None})
    assert errors == [["person", "Person can't be blank"], ["end_at", "End at can't be blank"]]


@pytest.mark.parametrize("method", ["POST", "PATCH"])
@pytest.mark.parametrize(
    ("body", "named"),
    [
        ("{", "not a JSON document"),
        (b"\xff", "not UTF-8"),
        ("[1]", "[1]"),
        ('"text"', "'text'"),
        ("", "None"),
        (5, "5"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_a_400_naming_it(service, method, body, named):
    before = service.dump()
    path = PATH if method == "POST" else f"{PATH}/3"
    response = service.handle(method, path, body=body)
    assert response.status == 400
    assert list(response.body) == ["message"] and named in response.body["message"]
    assert service.dump() == before


def test_writes_refuse_query_parameters(service):
    response = service.handle("POST", PATH, "colour=red", body=VALID)
    assert response.status == 400 and "colour" in response.body["message"]


# --- access -----------------------------------------------------------------------------


def test_teams_see_and_write_only_their_own():
    service = Service.from_dataset(team_dataset(), clock=lambda: NOW)
    assert [r["id"] for r in service.handle("GET", PATH, headers=bearer("all")).body] == [3]
    assert [r["id"] for r in service.handle("GET", PATH, headers=bearer("other")).body] == [4]
    for method in ("GET", "PATCH", "DELETE"):
        response = service.handle(method, f"{PATH}/4", body="{", headers=bearer("all"))
        assert (response.status, response.body) == (404, {"message": "Not Found"})
    created = service.handle("POST", PATH, body=VALID | {"person": 196}, headers=bearer("other"))
    assert created.status == 201
    new = created.body["id"]
    assert service.dump()["out_of_office_periods"][-1]["team_id"] == "team-2"
    assert service.handle("GET", f"{PATH}/{new}", headers=bearer("all")).status == 404
    assert service.handle("GET", f"{PATH}/{new}", headers=bearer("other")).status == 200


def test_scopes_tokens_and_their_answers():
    service = Service.from_dataset(team_dataset(), clock=lambda: NOW)
    assert service.handle("GET", PATH).body == {"message": "Unauthorized"}
    assert service.handle("GET", PATH, headers={"Authorization": "Bearer x"}).status == 401
    assert service.handle("GET", PATH, headers=bearer("none")).body == {"message": "Forbidden"}
    assert service.handle("GET", f"{PATH}/3", headers=bearer("read")).status == 200
    for method, path, body in (
        ("POST", PATH, VALID),
        ("PATCH", f"{PATH}/3", {"reason": "x"}),
        ("DELETE", f"{PATH}/3", None),
    ):
        response = service.handle(method, path, body=body, headers=bearer("read"))
        assert (response.status, response.body) == (403, {"message": "Forbidden"})


def test_other_methods_are_405_in_the_apis_shape(service):
    response = service.handle("PUT", f"{PATH}/3")
    assert response.status == 405
    assert response.headers["Allow"] == "DELETE, GET, PATCH"
    assert has_error_shape("out_of_office", response.body)
    # The predefined filter is a path of its own: it does not borrow the methods of /{id}.
    predefined = service.handle("PATCH", f"{PATH}/open", body={})
    assert (predefined.status, predefined.headers["Allow"]) == (405, "GET")


def test_dump_reloads_into_a_service_that_answers_the_same(service):
    service.handle("POST", PATH, body=VALID)
    service.handle("PATCH", f"{PATH}/2", body={"reason": "Flu"})
    service.handle("DELETE", f"{PATH}/1")
    reloaded = make(copy.deepcopy(service.dump()))
    for query in ("", "sort=-updated_at&fields=reason,approval_delegate"):
        assert reloaded.handle("GET", PATH, query).body == service.handle("GET", PATH, query).body
    assert reloaded.handle("POST", PATH, body=VALID).body["id"] == 7
