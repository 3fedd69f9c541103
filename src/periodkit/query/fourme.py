"""The 4me collection grammar: filters, ``fields``, ``sort``, ``page``/``per_page``.

What a collection allows is data, a ``Collection``: which fields exist, which
may be filtered (and onto which column, with IN lists or not), which may be
sorted, the default fields, the default sort and the page sizes. The
caller (the service, for its endpoints) gives the collection a request is
read against.

>>> absences = Collection(
...     columns={"id": "int", "person_id": "int", "start_at": "datetime"},
...     filters={"person": "person_id", "start_at": "start_at"},
...     fields=("id", "person", "start_at"), default_fields=("id", "start_at"),
...     sortable={"start_at": "start_at"},
...     lists=frozenset({"person"}))
>>> r = parse_fourme({"person": "196,197", "start_at": ">2019-11-01<2019-12",
...                   "sort": "-start_at", "per_page": "5"}, absences)
>>> [(p.field, p.op) for p in r.query.where]
[('person_id', 'in'), ('start_at', 'gt'), ('start_at', 'lt')]
>>> r.query.order
(SortKey(field='start_at', descending=True), SortKey(field='id', descending=False))
>>> r.page, r.fields[0]
(Page(number=1, size=5), 'id')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from periodkit.errors import (
    BadValueError,
    FilterNotAllowedError,
    OperatorError,
    SortError,
    UnknownFieldError,
    listing,
    quote,
)
from periodkit.query.collection import Collection, described
from periodkit.query.ir import Op, Page, Predicate, SortKey
from periodkit.query.schema import TEXT, Column, parse_count, parse_value
from periodkit.query.select import Query
from periodkit.query.wire import Params, pairs

_RESERVED = ("fields", "sort", "page", "per_page")
_COMPARISON = re.compile(r"(<=|>=|<|>)([^<>]*)(?:(<=|>=|<|>)([^<>]*))?")
_OPS: dict[str, Op] = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge"}


@dataclass(frozen=True)
class FourMeRequest:
    """A parsed collection request: the query, the fields to render (``id`` first), the page."""

    query: Query
    fields: tuple[str, ...]
    page: Page


def _operator_error(name: str, operator: str) -> OperatorError:
    return OperatorError(
        f"Field '{name}' does not support the '{operator}' operator", name, operator=operator
    )


def _part(typed: Column, raw: str, written: str, where: str) -> object:
    """One bound or list item of the condition ``raw``, parsed for its field.

    An empty part (``>2019<``, ``1,,2``) has no value of its own to quote, so
    the error quotes the whole condition as the client wrote it.
    """
    if not written:
        raise BadValueError(
            f"Value {quote(raw)} of field '{typed.name}' has no value {where}",
            typed.name,
            value=raw,
        )
    return parse_value(typed, written, typed.name)


def _filter(collection: Collection, name: str, raw: str) -> list[Predicate]:
    """The predicates one ``name=raw`` condition stands for (two for a range)."""
    column = collection.filters[name]
    kind = collection.schema.column(column).type
    typed = Column(name, kind, kind)
    if raw in ("", "!"):
        return [Predicate(column, "is_null" if raw == "" else "not_null")]
    negated, text = raw.startswith("!"), raw.removeprefix("!")
    if text[:1] in ("<", ">"):
        operator = ("!" if negated else "") + text[: 2 if text[1:2] == "=" else 1]
        if kind in TEXT or kind == "bool" or negated:
            raise _operator_error(name, operator)
        comparison = _COMPARISON.fullmatch(text)
        if comparison is None:
            raise BadValueError(
                f"Value {quote(raw)} of field '{name}' is not one or two comparisons "
                "such as >=2019-11-01 or >2019-11-01<2019-12-01",
                name,
                value=raw,
            )
        bounds = [(comparison.group(1), comparison.group(2))]
        if comparison.group(3):
            bounds.append((comparison.group(3), comparison.group(4)))
        return [
            Predicate(column, _OPS[op], _part(typed, raw, v, f"after '{op}'")) for op, v in bounds
        ]
    if "," in text and kind not in TEXT:
        if name not in collection.lists:
            raise _operator_error(name, ("!" if negated else "") + ",")
        values = tuple(_part(typed, raw, v, "around a comma") for v in text.split(","))
        return [Predicate(column, "not_in" if negated else "in", values)]
    return [Predicate(column, "ne" if negated else "eq", parse_value(typed, text, name))]


def _names(raw: str) -> list[str]:
    return [n for n in (part.strip() for part in raw.split(",")) if n]


def _page_number(name: str, raw: str | None, default: int) -> int:
    """``page`` or ``per_page`` as written: whole digits, a sign, at most a zero fraction.

    ``1e1`` and ``2.5`` are refused naming the value; ``2.0`` is 2 (as the actions API
    reads it). A number past int64 is clamped to its maximum, which is still
    past the end of any collection (and still above ``max_page_size``).
    """
    return parse_count(
        raw,
        name,
        f"Parameter '{name}' must be an integer, not {quote(raw)}",
        default=default,
        least=1,
        below=f"Parameter '{name}' cannot be less than 1",
        saturate=True,
        plain=True,
    )


def _sort(collection: Collection, raw: str | None) -> tuple[SortKey, ...]:
    keys = [(n.startswith("-"), n.removeprefix("-")) for n in _names(raw or "")]
    refused = [n for _, n in keys if n not in collection.sortable]
    if refused:
        raise SortError(
            f"Sorting not allowed on fields: {', '.join(refused)}", "sort", names=refused
        )
    order = [SortKey(collection.sortable[n], desc) for desc, n in keys] or list(
        collection.default_sort
    )
    id_column = collection.sortable.get("id", "id")
    if all(key.field != id_column for key in order):
        order.append(SortKey(id_column))
    return tuple(order)


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


def parse_fourme(params: Params, collection: Collection) -> FourMeRequest:
    """Parse a 4me collection request (decoded pairs or a mapping).

    Errors come in the order a 4me server checks them: unknown names (in
    request order), names that may not be filtered, then each condition.

    >>> notes = Collection(columns={"id": "int"}, filters={"id": "id"}, fields=("id", "reason"))
    >>> parse_fourme({"disabled": "true", "reason": "x", "strange": "1"}, notes)
    Traceback (most recent call last):
    ...
    periodkit.errors.UnknownFieldError: Unknown fields: disabled, strange
    >>> parse_fourme({"reason": "x"}, notes)
    Traceback (most recent call last):
    ...
    periodkit.errors.FilterNotAllowedError: Filtering not allowed on fields: reason
    """
    collection = described(collection)
    given = pairs(params)
    options = {name: value for name, value in given if name in _RESERVED}
    conditions = [(name, value) for name, value in given if name not in _RESERVED]
    known = set(collection.fields) | set(collection.filters)
    unknown = _unique([n for n, _ in conditions if n not in known])
    if unknown:
        raise UnknownFieldError(f"Unknown fields: {listing(unknown)}", unknown[0], names=unknown)
    refused = _unique([n for n, _ in conditions if n not in collection.filters])
    if refused:
        raise FilterNotAllowedError(
            f"Filtering not allowed on fields: {', '.join(refused)}", refused[0], names=refused
        )
    where = tuple(p for name, raw in conditions for p in _filter(collection, name, raw))

    requested = _names(options.get("fields", ""))
    strange = _unique([n for n in requested if n not in collection.fields])
    if strange:
        raise UnknownFieldError(f"Unknown fields: {listing(strange)}", "fields", names=strange)
    fields = tuple(_unique(["id", *requested])) if requested else collection.default_fields

    number = _page_number("page", options.get("page"), 1)
    size = _page_number("per_page", options.get("per_page"), collection.default_page_size)
    page = Page(number, min(size, collection.max_page_size))
    order = _sort(collection, options.get("sort"))
    query = Query(where, order, None, page.offset, page.size, schema=collection.schema)
    return FourMeRequest(query, fields, page)
