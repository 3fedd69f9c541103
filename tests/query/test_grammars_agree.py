"""One question, three grammars, one IR: the shared table of the query engine.

Each row is a question, the IR it means, and how each grammar asks it (None
where the grammar cannot). The 4me and JSON:API grammars read the same
``Collection``. Grammars differ only in their text collation, so queries are
compared with ``fold_case`` set aside.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from tests.query.params import decoded

from periodkit.query import (
    Collection,
    Predicate,
    Query,
    SortKey,
    Span,
    parse_activities,
    parse_activities_form,
    parse_fourme,
    parse_jsonapi,
)
from periodkit.time import span_micros

TYPES = {"id": "int", "Num": "int", "category": "string", "Created_Date": "datetime"}
# One description serves both paged grammars; each allows what its syntax can say.
COLLECTION = Collection(
    columns=TYPES,
    filters={name: name for name in TYPES},
    fields=tuple(TYPES),
    default_fields=tuple(TYPES),
    sortable={name: name for name in TYPES},
    default_sort=(SortKey("id"),),
    lists=frozenset({"id"}),
)


def _span(text: str) -> Span:
    return Span(*span_micros(text))


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
        "Created_Date=2019-12",
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
    (
        "Num is 3 (written as text), by id",
        Query(where=(Predicate("Num", "eq", 3),), order=(SortKey("id"),), limit=20),
        {
            "filters": [{"name": "NUM", "value": "3"}],
            "sort": [{"property": "id"}],
            "limit": 20,
        },
        "Num=3&par_sort_asc=id&par_limit=20",
        "Num=3",
        "Num=3.0",
    ),
    (
        "id 1 or 2, by id",
        Query(where=(Predicate("id", "in", (1, 2)),), order=(SortKey("id"),), limit=20),
        None,
        None,
        "id=1,2",
        "id=1&id=2",
    ),
    (
        "everything, second page of 5 in the default order",
        Query(order=(SortKey("id"),), offset=5, limit=5),
        {"sort": [{"property": "id"}], "offset": 5, "limit": 5},
        "par_sort_asc=id&par_offset=5&par_limit=5",
        "page=2&per_page=5",
        "page[number]=2&page[size]=5.0",
    ),
]


def _parsed(body, form, fourme, jsonapi) -> dict[str, Query]:
    found = {}
    if body is not None:
        found["activities"] = parse_activities(body, TYPES)
    if form is not None:
        found["activities GET"] = parse_activities_form(decoded(form), TYPES)
    if fourme is not None:
        found["4me"] = parse_fourme(decoded(fourme), COLLECTION).query
    if jsonapi is not None:
        found["JSON:API"] = parse_jsonapi(decoded(jsonapi), COLLECTION).query
    return found


@pytest.mark.parametrize(
    ("question", "expected", "body", "form", "fourme", "jsonapi"),
    QUESTIONS,
    ids=[q[0] for q in QUESTIONS],
)
def test_grammars_give_the_same_ir_for_the_same_question(
    question, expected, body, form, fourme, jsonapi
):
    parsed = _parsed(body, form, fourme, jsonapi)
    assert len(parsed) >= 2, "a row shows at least two grammars agreeing"
    for grammar, query in parsed.items():
        assert replace(query, fold_case=False) == expected, grammar


def test_only_activities_folds_case():
    body, form, fourme, jsonapi = QUESTIONS[2][2:]
    folds = {g: q.fold_case for g, q in _parsed(body, form, fourme, jsonapi).items()}
    assert folds == {"activities": True, "activities GET": True, "4me": False, "JSON:API": False}
