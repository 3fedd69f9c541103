"""The Activities grammar (Alloy Navigator): the POST body and its GET form.

Field names match case-insensitively and come out in the schema's spelling;
text compares and sorts by ``casefold``; dates compare as the span they name;
``limit`` 0 means no limit; numbers may be given as text.

>>> schema = {"Num": "int", "Activity": "memo", "Created_Date": "datetime"}
>>> q = parse_activities({"filters": [{"name": "created_date", "operation": "=",
...                                    "value": "2019-12"}],
...                       "sort": [{"property": "Num", "direction": "desc"}],
...                       "fields": ["num", "Activity"], "limit": "0"}, schema)
>>> q.fields, q.order, q.limit
(('Num', 'Activity'), (SortKey(field='Num', descending=True),), None)
>>> parse_activities_form({"par_fields": "Num", "par_sort_desc": "Num", "Activity": "Due"},
...                       schema).where
(Predicate(field='Activity', op='eq', value='Due'),)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from periodkit.errors import (
    BodyShapeError,
    OperatorError,
    QueryError,
    SortError,
    UnknownFieldError,
    quote,
    shorten,
)
from periodkit.query.ir import ORDERING_OPS, Op, Predicate, SortKey
from periodkit.query.schema import Column, Schema, parse_count, parse_value
from periodkit.query.select import Query
from periodkit.query.wire import Params, json_list, json_object, pairs

_OPERATIONS: dict[str, Op] = {"=": "eq", "<>": "ne", ">": "gt", ">=": "ge", "<": "lt", "<=": "le"}
_BODY_KEYS = ("filters", "sort", "fields", "offset", "limit")


def _column(schema: Schema, name: object, location: str) -> Column:
    column = schema.lookup(name, fold=True)
    if column is None:
        if not isinstance(name, str):
            raise BodyShapeError(f"{location} must be a field name, not {quote(name)}.", location)
        raise UnknownFieldError(f"Field {shorten(name)} is unknown.", location, names=[name])
    return column


def _filter(schema: Schema, item: object, location: str) -> Predicate:
    parts = json_object(item, ("name", "value", "operation"), location)
    for key in ("name", "value"):
        if key not in parts:
            raise BodyShapeError(f"{location} has no {quote(key)}.", location)
    column = _column(schema, parts["name"], f"{location}/name")
    written = parts.get("operation", "=")
    op = _OPERATIONS.get(written) if isinstance(written, str) else None
    if op is None:
        raise OperatorError(
            f"Operation {quote(written)} is unknown (expected one of {', '.join(_OPERATIONS)}).",
            f"{location}/operation",
            operator=str(written),
        )
    if op in ORDERING_OPS and not column.ordered:
        raise OperatorError(
            f"Operation {quote(written)} is not allowed on field {column.name} of type "
            f"{column.data_type} (only = and <> are).",
            f"{location}/operation",
            operator=written,
        )
    value = parts["value"]
    if value is None and op in ("eq", "ne"):
        return Predicate(column.name, "is_null" if op == "eq" else "not_null")
    if value is None:
        return Predicate(column.name, op)
    return Predicate(column.name, op, parse_value(column, value, f"{location}/value"))


def _sort_key(schema: Schema, item: object, location: str) -> SortKey:
    parts = json_object(item, ("property", "direction"), location)
    if "property" not in parts:
        raise BodyShapeError(f"{location} has no 'property'.", location)
    column = _column(schema, parts["property"], f"{location}/property")
    direction = parts.get("direction")
    if direction is None:
        return SortKey(column.name)
    if not isinstance(direction, str) or direction.lower() not in ("asc", "desc"):
        raise SortError(
            f"Sort direction {quote(direction)} of field {column.name} is not asc or desc.",
            f"{location}/direction",
            names=[column.name],
        )
    return SortKey(column.name, descending=direction.lower() == "desc")


def _fields(schema: Schema, items: list[Any]) -> tuple[str, ...] | None:
    names: list[str] = []
    for index, item in enumerate(items):
        name = _column(schema, item, f"/fields/{index}").name
        if name not in names:
            names.append(name)
    return tuple(names) or None


def _count(parts: dict[str, Any], key: str) -> int:
    raw = parts.get(key)
    refusal = f"{key} {quote(raw)} is not a whole number >= 0."
    return parse_count(raw, f"/{key}", refusal, default=0, least=0)


def parse_activities(body: Any, schema: Mapping[str, str] | Schema) -> Query:
    """The ``Query`` of an Activities POST body (None: everything) over ``schema``.

    ``schema`` maps field names to type names (``{"Num": "int", ...}``).
    Errors are ``QueryError`` subclasses whose ``location`` is a JSON pointer
    into the body.

    >>> parse_activities({"fields": {"Num": 1}}, {"Num": "int"})
    Traceback (most recent call last):
    ...
    periodkit.errors.BodyShapeError: /fields must be a JSON array, not {'Num': 1}.
    >>> parse_activities({"sort": [{"property": "Nmu"}]}, {"Num": "int"})
    Traceback (most recent call last):
    ...
    periodkit.errors.UnknownFieldError: Field Nmu is unknown.
    """
    schema = Schema.of(schema)
    parts = json_object({} if body is None else body, _BODY_KEYS, "")
    where = tuple(
        _filter(schema, item, f"/filters/{i}")
        for i, item in enumerate(json_list(parts.get("filters"), "/filters"))
    )
    order = tuple(
        _sort_key(schema, item, f"/sort/{i}")
        for i, item in enumerate(json_list(parts.get("sort"), "/sort"))
    )
    fields = _fields(schema, json_list(parts.get("fields"), "/fields"))
    offset, limit = _count(parts, "offset"), _count(parts, "limit")
    return Query(where, order, fields, offset, limit or None, fold_case=True, schema=schema)


_FORM_KEYS = {
    "par_fields": "/fields",
    "par_sort_asc": "/sort",
    "par_sort_desc": "/sort",
    "par_offset": "/offset",
    "par_limit": "/limit",
}


def parse_activities_form(params: Params, schema: Mapping[str, str] | Schema) -> Query:
    """The ``Query`` of the GET form: ``par_fields``, ``par_sort_asc``/``par_sort_desc``,
    ``par_offset``, ``par_limit`` and ``<field>=<value>`` equality filters.

    It reads as the POST body it stands for; an error's ``location`` is the
    offending parameter's name.

    >>> parse_activities_form({"par_limit": "-1"}, {"Num": "int"})
    Traceback (most recent call last):
    ...
    periodkit.errors.PagingError: limit '-1' is not a whole number >= 0.
    """
    body: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for name, value in pairs(params):
        key = name.lower()
        if key not in _FORM_KEYS:
            origin[f"/filters/{len(body.setdefault('filters', []))}"] = name
            body["filters"].append({"name": name, "value": value, "operation": "="})
            continue
        if key in ("par_sort_asc", "par_sort_desc"):
            direction = key.rsplit("_", 1)[1]
            for prop in filter(None, value.split(",")):
                origin[f"/sort/{len(body.setdefault('sort', []))}"] = name
                body["sort"].append({"property": prop, "direction": direction})
            continue
        pointer = _FORM_KEYS[key]
        if pointer[1:] in body:
            raise BodyShapeError(f"Parameter {name} is given twice.", name)
        origin[pointer] = name
        body[pointer[1:]] = [f for f in value.split(",") if f] if key == "par_fields" else value
    try:
        return parse_activities(body, schema)
    except QueryError as exc:
        where = exc.location or ""
        exc.location = next(
            (
                param
                for pointer, param in origin.items()
                if where == pointer or where.startswith(pointer + "/")
            ),
            where,
        )
        raise
