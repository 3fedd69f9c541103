"""The Activities grammar (seed 004) against SQLite, the seed's example, and its errors."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from oracle import assert_agrees, compare
from tests.query.params import decoded
from tests.seeds import SEED_004_BODY

from periodkit.errors import (
    BodyShapeError,
    OperatorError,
    PagingError,
    QueryError,
    SortError,
    UnknownFieldError,
)
from periodkit.query import parse_activities, parse_activities_form
from periodkit.query.ir import Predicate, SortKey
from periodkit.strategies import activity_bodies, query_frames

SCHEMA = {
    "id": "int",
    "Num": "int",
    "Amount": "float",
    "Activity": "string",
    "Details": "memo",
    "Created_Date": "datetime",
    "Done": "bool",
}
_NAMES = {name.casefold(): name for name in SCHEMA}
_TEXT = ("string", "memo", "guid")


def _sql(body: dict) -> tuple[list, list[str], int, int | None]:
    """The body's question as SQL (conditions, order, offset, limit), read straight from it."""
    where = []
    for cond in body.get("filters", []):
        name = _NAMES[cond["name"].casefold()]
        column, op, value = f'"{name}"', cond["operation"], cond["value"]
        if value is None:
            nulls = {"=": f"{column} IS NULL", "<>": f"{column} IS NOT NULL"}
            where.append((nulls.get(op, "0"), []))
        else:
            where.append(compare(column, SCHEMA[name], op, value, fold=True))
    order = []
    for key in body.get("sort", []):
        name = _NAMES[key["property"].casefold()]
        column = f'casefold("{name}")' if SCHEMA[name] in _TEXT else f'"{name}"'
        descending = (key.get("direction") or "asc").lower() == "desc"
        order.append(column + (" DESC" if descending else " ASC"))
    return where, order, int(body.get("offset") or 0), int(body.get("limit") or 0) or None


def _expected_columns(body: dict) -> list[str]:
    named = [_NAMES[f.casefold()] for f in body.get("fields", [])]
    return list(dict.fromkeys(named)) or list(SCHEMA)


@given(frame=query_frames(SCHEMA), body=activity_bodies(SCHEMA))
def test_activities_queries_agree_with_sqlite(frame, body):
    query = parse_activities(body, SCHEMA)
    assert_agrees(query, frame, *_sql(body))
    assert query.evaluate(frame).columns.tolist() == _expected_columns(body)


def _as_form(body: dict) -> list[tuple[str, str]]:
    """The GET form of a body whose filters are all equalities with a value."""
    params = [(f["name"], str(f["value"])) for f in body.get("filters", [])]
    for key in body.get("sort", []):
        direction = (key.get("direction") or "asc").lower()
        params.append((f"par_sort_{direction}", key["property"]))
    if body.get("fields"):
        params.append(("par_fields", ",".join(body["fields"])))
    params += [(f"par_{k}", str(body[k])) for k in ("offset", "limit") if k in body]
    return params


@given(body=activity_bodies(SCHEMA))
def test_get_form_parses_as_the_body_it_stands_for(body):
    equalities = [
        f for f in body.get("filters", []) if f["operation"] == "=" and f["value"] is not None
    ]
    body = {**body, "filters": equalities}
    assert parse_activities_form(_as_form(body), SCHEMA) == parse_activities(body, SCHEMA)


# --- the seed's example ------------------------------------------------------------

SEED_SCHEMA = {"Num": "int", "Details": "Memo", "Activity": "memo", "Created_Date": "datetime"}
SEED_ROWS = pd.DataFrame(
    {
        "Num": [1, 2, 3, 4],
        "Details": ["", "", "", "later"],
        "Activity": [
            "New Technical Issue was created",
            "Response Date Violation",
            "Due Date Violation",
            "Closed",
        ],
        "Created_Date": [
            "2019-12-07T17:23:51-08:00",
            "2019-12-12T09:30:06-08:00",
            "2019-12-12T09:30:25-08:00",
            "2020-01-02T10:00:00-08:00",
        ],
    }
)


def test_seed_example_gives_the_seed_rows_in_order():
    got = parse_activities(SEED_004_BODY, SEED_SCHEMA).evaluate(SEED_ROWS)
    assert got.columns.tolist() == ["Num", "Details", "Activity", "Created_Date"]
    assert got["Num"].tolist() == [3, 2, 1]
    assert got["Activity"].tolist() == [
        "Due Date Violation",
        "Response Date Violation",
        "New Technical Issue was created",
    ]


def test_get_form_means_the_same_query_as_the_body():
    form = (
        "par_fields=Num,Activity&par_sort_desc=Num&par_offset=0&par_limit=10"
        "&Activity=due%20date%20violation"
    )
    body = {
        "fields": ["Num", "Activity"],
        "sort": [{"property": "Num", "direction": "desc"}],
        "offset": 0,
        "limit": 10,
        "filters": [{"name": "Activity", "operation": "=", "value": "due date violation"}],
    }
    assert parse_activities_form(decoded(form), SEED_SCHEMA) == parse_activities(body, SEED_SCHEMA)
    got = parse_activities_form(decoded(form), SEED_SCHEMA).evaluate(SEED_ROWS)
    assert got.values.tolist() == [[3, "Due Date Violation"]]


# --- semantics -----------------------------------------------------------------------


def test_names_match_in_any_case_and_come_out_in_the_schema_spelling():
    q = parse_activities(
        {"fields": ["NUM", "activity"], "sort": [{"property": "created_date"}]}, SEED_SCHEMA
    )
    assert q.fields == ("Num", "Activity")
    assert q.order == (SortKey("Created_Date"),)


def test_fields_empty_or_absent_mean_every_column_in_schema_order():
    for body in ({}, {"fields": []}, None):
        got = parse_activities(body, SEED_SCHEMA).evaluate(SEED_ROWS)
        assert got.columns.tolist() == list(SEED_SCHEMA)


def test_empty_text_is_an_ordinary_string_not_null():
    frame = pd.DataFrame({"Details": ["", None, "x"]})
    body = {"filters": [{"name": "Details", "operation": "=", "value": ""}]}
    assert parse_activities(body, {"Details": "memo"}).evaluate(frame).index.tolist() == [0]


def test_numbers_given_as_text_parse_exactly():
    q = parse_activities(
        {"filters": [{"name": "Num", "operation": ">=", "value": "2.0"}], "limit": "2"},
        SEED_SCHEMA,
    )
    assert q.where == (Predicate("Num", "ge", 2),)
    assert q.limit == 2


def test_null_value_tests_for_null_and_other_comparisons_match_nothing():
    frame = pd.DataFrame({"Num": pd.array([1, None, 3], dtype="Int64")})
    schema = {"Num": "int"}

    def rows(operation):
        body = {"filters": [{"name": "Num", "operation": operation, "value": None}]}
        return parse_activities(body, schema).evaluate(frame).index.tolist()

    assert (rows("="), rows("<>"), rows(">")) == ([1], [0, 2], [])


def test_missing_operation_means_equality():
    body = {"filters": [{"name": "Num", "value": 3}]}
    assert parse_activities(body, SEED_SCHEMA).where == (Predicate("Num", "eq", 3),)


# --- errors: each names what is wrong and where ------------------------------------------


@pytest.mark.parametrize(
    ("body", "error", "message", "location"),
    [
        (
            {"fields": ["Num", "Nmu"]},
            UnknownFieldError,
            "Field Nmu is unknown.",
            "/fields/1",
        ),
        (
            {"filters": [{"name": "Colour", "operation": "=", "value": "red"}]},
            UnknownFieldError,
            "Field Colour is unknown.",
            "/filters/0/name",
        ),
        (
            {"sort": [{"property": "Colour"}]},
            UnknownFieldError,
            "Field Colour is unknown.",
            "/sort/0/property",
        ),
        (
            {"filters": [{"name": "Activity", "operation": ">", "value": "a"}]},
            OperatorError,
            "Operation '>' is not allowed on field Activity of type memo (only = and <> are).",
            "/filters/0/operation",
        ),
        (
            {"filters": [{"name": "Num", "operation": "like", "value": "1"}]},
            OperatorError,
            "Operation 'like' is unknown (expected one of =, <>, >, >=, <, <=).",
            "/filters/0/operation",
        ),
        (
            {"filters": [{"name": "Num", "operation": "=", "value": "three"}]},
            QueryError,
            "Value 'three' is not valid for field Num of type int "
            "(expected a whole number within int64).",
            "/filters/0/value",
        ),
        (
            {"filters": [{"name": "Created_Date", "operation": "=", "value": "2019-13"}]},
            QueryError,
            "Value '2019-13' is not valid for field Created_Date of type datetime (expected "
            "a date or date-time: '2019-13' is not a valid calendar date-time "
            "(month must be in 1..12)).",
            "/filters/0/value",
        ),
        (
            {"sort": [{"property": "Num", "direction": "up"}]},
            SortError,
            "Sort direction 'up' of field Num is not asc or desc.",
            "/sort/0/direction",
        ),
        ({"offset": -1}, PagingError, "offset -1 is not a whole number >= 0.", "/offset"),
        ({"limit": "1.5"}, PagingError, "limit '1.5' is not a whole number >= 0.", "/limit"),
        (
            {"fields": {"Num": 1}},
            BodyShapeError,
            "/fields must be a JSON array, not {'Num': 1}.",
            "/fields",
        ),
        (["Num"], BodyShapeError, "The body must be a JSON object, not ['Num'].", ""),
        (
            {"page": 1},
            BodyShapeError,
            "Parameter 'page' at / is unknown (expected filters, sort, fields, offset, limit).",
            "/page",
        ),
        (
            {"filters": [{"name": "Num", "operation": "="}]},
            BodyShapeError,
            "/filters/0 has no 'value'.",
            "/filters/0",
        ),
    ],
)
def test_errors_name_what_is_wrong_and_where(body, error, message, location):
    with pytest.raises(error) as caught:
        parse_activities(body, SEED_SCHEMA)
    assert caught.value.message == message
    assert caught.value.location == location


def test_unknown_field_error_lists_the_name_as_written():
    with pytest.raises(UnknownFieldError) as caught:
        parse_activities({"fields": ["nMu"]}, SEED_SCHEMA)
    assert caught.value.names == ["nMu"]


def test_get_form_errors_name_the_parameter():
    with pytest.raises(UnknownFieldError) as caught:
        parse_activities_form(decoded("Num=1&Colour=red"), SEED_SCHEMA)
    assert (caught.value.message, caught.value.location) == ("Field Colour is unknown.", "Colour")
    with pytest.raises(UnknownFieldError) as caught:
        parse_activities_form(decoded("par_sort_asc=Nope"), SEED_SCHEMA)
    assert caught.value.location == "par_sort_asc"
    with pytest.raises(PagingError) as caught:
        parse_activities_form(decoded("par_offset=x"), SEED_SCHEMA)
    assert caught.value.location == "par_offset"
    with pytest.raises(BodyShapeError) as caught:
        parse_activities_form(decoded("par_limit=1&par_limit=2"), SEED_SCHEMA)
    assert caught.value.message == "Parameter par_limit is given twice."
