"""The 4me grammar (seed 002) against SQLite, the collection of seed 002, and its errors."""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracle import assert_agrees, compare, number
from tests.query.params import decoded, out_of_office

from periodkit.errors import (
    BadValueError,
    FilterNotAllowedError,
    OperatorError,
    PagingError,
    QueryError,
    SortError,
    UnknownFieldError,
)
from periodkit.query import (
    Collection,
    Page,
    Predicate,
    Query,
    SortKey,
    Span,
    parse_fourme,
)
from periodkit.query.schema import Schema
from periodkit.service.routes.out_of_office import OUT_OF_OFFICE_PERIODS
from periodkit.strategies import date_texts, query_frames
from periodkit.time import span_micros

TYPES = {
    "id": "int",
    "Num": "int",
    "Amount": "float",
    "Activity": "string",
    "Created_Date": "datetime",
    "Done": "bool",
}
COLLECTION = Collection(
    fields=(*TYPES, "notes"),
    default_fields=("id", "Num"),
    columns=TYPES,
    filters={name: name for name in TYPES},
    sortable={name: name for name in TYPES},
    default_sort=(SortKey("Created_Date"),),
    lists=frozenset({"id", "Num"}),
)
_ORDERED = {"int", "float", "datetime"}
# Texts a 4me value can hold literally: not empty, no leading "!", "<" or ">".
_PLAIN_TEXTS = ["a", "A", "b", "ss", "SS", "ß", "Due Date", "due date", "a,b"]


def _values(kind: str) -> st.SearchStrategy:
    if kind == "int":
        return st.sampled_from([-3, 0, 1, 2, 7]) | st.integers(-(2**63), 2**63 - 1)
    if kind == "float":
        return st.sampled_from([-2.5, 0.0, 2.25]) | st.floats(allow_nan=False, allow_infinity=False)
    if kind == "datetime":
        return date_texts()
    if kind == "bool":
        return st.sampled_from(["true", "false"])
    return st.sampled_from(_PLAIN_TEXTS)


def _text(kind: str, value) -> str:
    return repr(value) if kind == "float" else str(value)


@st.composite
def conditions(draw) -> tuple[tuple[str, str], list]:
    """One filter parameter and the SQL clauses it stands for."""
    name = draw(st.sampled_from(list(TYPES)))
    kind, column = TYPES[name], f'"{name}"'
    shapes = ["null", "present", "eq", "ne"]
    shapes += ["in", "not_in"] if name in COLLECTION.lists else []
    shapes += ["compare", "range"] if kind in _ORDERED else []
    shape = draw(st.sampled_from(shapes))
    if shape in ("null", "present"):
        sql = f"{column} IS NULL" if shape == "null" else f"{column} IS NOT NULL"
        return (name, "" if shape == "null" else "!"), [(sql, [])]
    if shape in ("in", "not_in"):
        values = draw(st.lists(_values(kind), min_size=2, max_size=3))
        text = ("!" if shape == "not_in" else "") + ",".join(_text(kind, v) for v in values)
        marks = ", ".join("?" * len(values))
        sql = f"{column} {'NOT IN' if shape == 'not_in' else 'IN'} ({marks})"
        return (name, text), [(sql, [number(kind, v) for v in values])]
    if shape in ("eq", "ne"):
        value = draw(_values(kind))
        text = ("!" if shape == "ne" else "") + _text(kind, value)
        return (name, text), [
            compare(column, kind, "=" if shape == "eq" else "<>", value, fold=False)
        ]
    ops = draw(
        st.lists(
            st.sampled_from(["<", "<=", ">", ">="]), min_size=1, max_size=1 + (shape == "range")
        )
    )
    values = [draw(_values(kind)) for _ in ops]
    text = "".join(op + _text(kind, v) for op, v in zip(ops, values, strict=True))
    return (name, text), [
        compare(column, kind, op, v, fold=False) for op, v in zip(ops, values, strict=True)
    ]


@st.composite
def requests(draw) -> tuple[str, list, list, int, int]:
    """A 4me query string and the SQL (conditions, order, offset, limit) it stands for."""
    params, where = [], []
    for param, clauses in draw(st.lists(conditions(), max_size=3)):
        params.append(param)
        where.extend(clauses)
    keys = draw(st.lists(st.sampled_from(list(TYPES)), unique=True, max_size=3))
    descending = [draw(st.booleans()) for _ in keys]
    if keys:
        params.append(
            (
                "sort",
                ",".join(("-" if d else "") + k for k, d in zip(keys, descending, strict=True)),
            )
        )
    order = [f'"{k}" {"DESC" if d else "ASC"}' for k, d in zip(keys, descending, strict=True)]
    order = order or ['"Created_Date" ASC']
    if "id" not in keys:
        order.append('"id" ASC')
    page, per_page = (
        draw(st.none() | st.integers(1, 4)),
        draw(st.none() | st.sampled_from([1, 2, 5, 150])),
    )
    params += [("page", page)] if page else []
    params += [("per_page", per_page)] if per_page else []
    size = min(per_page or 20, 100)
    return urlencode(params), where, order, ((page or 1) - 1) * size, size


@given(frame=query_frames(TYPES), request=requests())
def test_fourme_queries_agree_with_sqlite(frame, request):
    text, *sql = request
    assert_agrees(parse_fourme(decoded(text), COLLECTION).query, frame, *sql)


# --- the collection of seed 002 ---------------------------------------------------------


def _ooo_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [3, 1, 2, 4],
            "source": ["4me", "4me", None, "Other"],
            "sourceID": [None, "A,1", "", "x"],
            "person_id": [196, 196, 7, 8],
            # Texts, naive and aware datetimes: the table reads each as UTC.
            "start_at": [
                "2019-11-18T06:00:00Z",
                "2019-11-18T06:00:00Z",
                "2019-12-01",
                "2019-10-01",
            ],
            "end_at": pd.to_datetime(
                [
                    "2019-11-18T15:45:15",
                    "2019-11-19T00:00:00",
                    "2019-12-02T00:00:00",
                    "2019-10-02T00:00:00",
                ]
            ),
            "created_at": pd.to_datetime(["2019-11-18T08:10:52-06:00"] * 4),
            "updated_at": ["2019-11-18T09:45:16-06:00"] * 4,
        }
    )


def _ids(params: str) -> list[int]:
    return out_of_office(params).query.evaluate(_ooo_frame())["id"].tolist()


def test_default_sort_is_start_at_with_ties_by_ascending_id():
    assert _ids("") == [4, 1, 3, 2]
    assert _ids("sort=-start_at") == [2, 1, 3, 4]


def test_filters_of_the_conventions():
    assert _ids("id=3") == [3]
    assert _ids("source=!4me") == [4]  # negation never matches a null
    assert _ids("sourceID=") == [3]  # empty means null; "" is a value
    assert _ids("sourceID=!") == [4, 1, 2]
    assert _ids("sourceID=A,1") == [1]  # a comma in a text is literal
    assert _ids("id=1,2,3") == [1, 3, 2]
    assert _ids("id=!1,2,3") == [4]
    assert _ids("person=196") == [1, 3]
    assert _ids("person=>100") == [1, 3]
    assert _ids("start_at=>=2019-11-18T06:00:00Z") == [1, 3, 2]
    assert _ids("end_at=<2019-12-01") == [4, 1, 3]
    assert _ids("start_at=>2019-11-01<2019-12-01") == [1, 3]
    assert _ids("start_at=2019-11") == [1, 3]
    assert _ids("source=4ME") == []  # text matching is case-sensitive


def test_in_lists_reach_the_int64_extremes():
    # Found by the SQLite property: the lowest int64 was refused as a value.
    assert out_of_office("id=-3,-9223372036854775808").query.where == (
        Predicate("id", "in", (-3, -(2**63))),
    )


def test_parse_gives_fields_page_and_query():
    request = out_of_office("fields=reason,source&page=2&per_page=150&sort=person_id")
    assert request.fields == ("id", "reason", "source")
    assert request.page == Page(2, 100)
    assert (request.query.offset, request.query.limit) == (100, 100)
    assert request.query.order == (SortKey("person_id"), SortKey("id"))
    assert out_of_office("").fields == OUT_OF_OFFICE_PERIODS.default_fields
    assert out_of_office("start_at=>=2019-11-18T06:00:00Z").query.where == (
        Predicate("start_at", "ge", Span(*span_micros("2019-11-18T06:00:00Z"))),
    )


@pytest.mark.parametrize(
    ("params", "error", "message", "location"),
    [
        (
            "disabled=1&id=2&strange=x&disabled=2",
            UnknownFieldError,
            "Unknown fields: disabled, strange",
            "disabled",
        ),
        ("reason=x", FilterNotAllowedError, "Filtering not allowed on fields: reason", "reason"),
        ("source=>x", OperatorError, "Field 'source' does not support the '>' operator", "source"),
        (
            "sourceID=>=x",
            OperatorError,
            "Field 'sourceID' does not support the '>=' operator",
            "sourceID",
        ),
        ("id=!>3", OperatorError, "Field 'id' does not support the '!>' operator", "id"),
        (
            "start_at=2019,2020",
            OperatorError,
            "Field 'start_at' does not support the ',' operator",
            "start_at",
        ),
        (
            "id=abc",
            BadValueError,
            "Value 'abc' is not valid for field id of type int "
            "(expected a whole number within int64).",
            "id",
        ),
        (
            "sort=reason,-strange",
            SortError,
            "Sorting not allowed on fields: reason, strange",
            "sort",
        ),
        ("fields=id,colour", UnknownFieldError, "Unknown fields: colour", "fields"),
        ("per_page=0", PagingError, "Parameter 'per_page' cannot be less than 1", "per_page"),
        ("page=-1", PagingError, "Parameter 'page' cannot be less than 1", "page"),
        ("page=abc", PagingError, "Parameter 'page' must be an integer, not 'abc'", "page"),
        (
            "per_page=1.5",
            PagingError,
            "Parameter 'per_page' must be an integer, not '1.5'",
            "per_page",
        ),
        # Exponent notation is not an integer as written, even when it denotes one.
        ("page=1e1", PagingError, "Parameter 'page' must be an integer, not '1e1'", "page"),
        (
            "per_page=1E2",
            PagingError,
            "Parameter 'per_page' must be an integer, not '1E2'",
            "per_page",
        ),
        ("page=2.", PagingError, "Parameter 'page' must be an integer, not '2.'", "page"),
        (
            "page=-99999999999999999999",
            PagingError,
            "Parameter 'page' cannot be less than 1",
            "page",
        ),
        # An empty bound or list item quotes the whole condition, not ''.
        (
            "start_at=>2019<",
            BadValueError,
            "Value '>2019<' of field 'start_at' has no value after '<'",
            "start_at",
        ),
        (
            "start_at=>=",
            BadValueError,
            "Value '>=' of field 'start_at' has no value after '>='",
            "start_at",
        ),
        (
            "id=!1,,2",
            BadValueError,
            "Value '!1,,2' of field 'id' has no value around a comma",
            "id",
        ),
    ],
)
def test_errors_name_what_is_wrong(params, error, message, location):
    with pytest.raises(error) as caught:
        out_of_office(params)
    assert (caught.value.message, caught.value.location) == (message, location)


ID_ONLY = Schema.of({"id": "int"})


def test_huge_page_numbers_parse():
    # per_page above the maximum is read as the maximum, however large.
    assert out_of_office("per_page=99999999999999999999").page == Page(1, 100)
    # A page past the end is a 200 with []: the number is kept (clamped to
    # int64 for the echo) and its offset lies past every row.
    request = out_of_office("page=99999999999999999999&per_page=5")
    assert request.page == Page(2**63 - 1, 5)
    assert request.query.offset == 2**63 - 1
    assert out_of_office("page=" + "9" * 5000).page.number == 2**63 - 1
    assert out_of_office("page=9223372036854775806").page.number == 2**63 - 2
    sliced = Query(order=(SortKey("id"),), offset=request.query.offset, limit=5, schema=ID_ONLY)
    assert sliced.run(pd.DataFrame({"id": [1, 2]})).positions.tolist() == []


def test_whole_pages_may_carry_a_zero_fraction():
    assert out_of_office("page=2.0&per_page=0010").page == Page(2, 10)
    assert out_of_office("page=%2B3").page.number == 3


def test_bad_date_value_is_quoted():
    with pytest.raises(BadValueError) as caught:
        out_of_office("start_at=>2019-13-01")
    assert "'2019-13-01'" in caught.value.message
    with pytest.raises(BadValueError) as caught:
        out_of_office("start_at=>2019<2020<2021")
    assert caught.value.value == ">2019<2020<2021"


def test_refused_filters_and_sort_keys_are_not_unknown_fields():
    # A known field that may not be filtered or sorted on is its own error, so
    # that a handler of unknown fields does not catch it.
    with pytest.raises(FilterNotAllowedError) as refused:
        out_of_office("reason=x")
    with pytest.raises(SortError) as unsorted:
        out_of_office("sort=reason")
    for caught in (refused, unsorted):
        assert not isinstance(caught.value, UnknownFieldError)
        assert isinstance(caught.value, QueryError)
        assert caught.value.names == ["reason"]
