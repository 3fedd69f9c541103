"""One question, three grammars, one IR: the shared table of the query engine."""

from __future__ import annotations

from dataclasses import replace

import pytest

from periodkit.query import (
    Collection,
    Page,
    Predicate,
    Query,
    SortKey,
    Span,
    parse_activities,
    parse_activities_form,
    parse_fourme,
    parse_jsonapi,
)
from periodkit.query.jsonapi import Resource
from periodkit.time import span_micros

TYPES = {"id": "int", "Num": "int", "category": "string", "Created_Date": "datetime"}
COLLECTION = Collection(
    fields=tuple(TYPES),
    default_fields=tuple(TYPES),
    columns=TYPES,
    filters={name: name for name in TYPES},
    sortable={name: name for name in TYPES},
    default_sort=(SortKey("id"),),
    lists=frozenset({"id"}),
)
RESOURCE = Resource(columns=TYPES, filters={"category": "category"}, order=(SortKey("id"),))


def _span(text: str) -> Span:
    return Span(*span_micros(text))


# Each row: a question, the IR it means, and how each grammar asks it (None:
# the grammar cannot). Grammars differ only in their text collation.
QUESTIONS = [
    (
        "Num above 2, newest first, rows 11 to 20",
        Query(
            where=(Predicate("Num", "gt", 2),),
            order=(SortKey("Created_Date", descending=True), SortKey("id")),
            offset=10,
            limit=10,
        ),
        {
            "filters": [{"name": "num", "operation": ">", "value": "2"}],
            "sort": [{"property": "Created_Date", "direction": "DESC"}, {"property": "ID"}],
            "offset": 10,
            "limit": 10,
        },
        None,
        "Num=>2&sort=-Created_Date,id&page=2&per_page=10",
        None,
    ),
    (
        "created in December 2019, first 20 by id",
        Query(
            where=(Predicate("Created_Date", "eq", _span("2019-12")),),
            order=(SortKey("id"),),
            limit=20,
        ),
        {
            "filters": [{"name": "Created_Date", "operation": "=", "value": "2019-12"}],
            "sort": [{"property": "id"}],
            "limit": "20",
        },
        "Created_Date=2019-12&par_sort_asc=id&par_limit=20",
        "Created_Date=2019-12",
        None,
    ),
    (
        "category SMS, the third page of one row, by id",
        Query(
            where=(Predicate("category", "eq", "SMS"),),
            order=(SortKey("id"),),
            offset=2,
            limit=1,
        ),
        {
            "filters": [{"name": "category", "value": "SMS"}],
            "sort": [{"property": "id", "direction": "asc"}],
            "offset": 2,
            "limit": 1,
        },
        "category=SMS&par_sort_asc=id&par_offset=2&par_limit=1",
        "category=SMS&page=3&per_page=1",
        "category=SMS&page[number]=3&page[size]=1",
    ),
    (
        "created from 18 Nov 2019 06:00 UTC to before December, no category, by id",
        Query(
            where=(
                Predicate("Created_Date", "ge", _span("2019-11-18T06:00:00Z")),
                Predicate("Created_Date", "lt", _span("2019-12-01")),
                Predicate("category", "is_null"),
            ),
            order=(SortKey("id"),),
            limit=20,
        ),
        {
            "filters": [
                {"name": "Created_Date", "operation": ">=", "value": "2019-11-18T06:00:00Z"},
                {"name": "Created_Date", "operation": "<", "value": "2019-12-01"},
                {"name": "category", "operation": "=", "value": None},
            ],
            "sort": [{"property": "id"}],
            "limit": 20,
        },
        None,
        "Created_Date=>=2019-11-18T06:00:00Z<2019-12-01&category=",
        None,
    ),
    (
        "category present, Num not 3, by id",
        Query(
            where=(Predicate("category", "not_null"), Predicate("Num", "ne", 3)),
            order=(SortKey("id"),),
            limit=20,
        ),
        {
            "filters": [
                {"name": "category", "operation": "<>", "value": None},
                {"name": "Num", "operation": "<>", "value": 3},
            ],
            "sort": [{"property": "id"}],
            "limit": 20,
        },
        None,
        "category=!&Num=!3",
        None,
    ),
]


def _parsed(body, form, fourme, jsonapi) -> dict[str, Query]:
    found = {"activities": parse_activities(body, TYPES)}
    if form is not None:
        found["activities GET"] = parse_activities_form(form, TYPES)
    if fourme is not None:
        found["4me"] = parse_fourme(fourme, COLLECTION).query
    if jsonapi is not None:
        found["JSON:API"] = parse_jsonapi(jsonapi, RESOURCE).query
    return found


@pytest.mark.parametrize(
    ("question", "expected", "body", "form", "fourme", "jsonapi"),
    QUESTIONS,
    ids=[q[0] for q in QUESTIONS],
)
def test_grammars_give_the_same_ir_for_the_same_question(
    question, expected, body, form, fourme, jsonapi
):
    for grammar, query in _parsed(body, form, fourme, jsonapi).items():
        assert replace(query, fold_case=False) == expected, grammar


def test_only_activities_folds_case():
    body, form, fourme, jsonapi = QUESTIONS[2][2:]
    folds = {g: q.fold_case for g, q in _parsed(body, form, fourme, jsonapi).items()}
    assert folds == {"activities": True, "activities GET": True, "4me": False, "JSON:API": False}


def test_page_is_an_offset_and_limit():
    assert (Page(3, 7).offset, Page(1, 7).offset) == (14, 0)
    assert [Page(1, 7).total_pages(n) for n in (0, 1, 7, 8)] == [0, 1, 1, 2]
