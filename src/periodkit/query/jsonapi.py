"""The JSON:API grammar (the actions API): attribute filters, ``page[number]``, ``page[size]``.

A ``Collection`` says which parameters filter (by exact equality) onto which
column, the collection's order and its page sizes.
Every error's ``location`` is the JSON pointer of the offending parameter.

>>> kinds = Collection(columns={"category": "string"}, filters={"category": "category"})
>>> r = parse_jsonapi({"category": "SMS", "page[number]": "2", "page[size]": "10.0"}, kinds)
>>> r.query.where, r.query.offset, r.query.limit
((Predicate(field='category', op='eq', value='SMS'),), 10, 10)
>>> r.page.total_pages(13)
2
"""

from __future__ import annotations

from dataclasses import dataclass

from periodkit.errors import UnknownFieldError, quote
from periodkit.query.collection import Collection, described
from periodkit.query.ir import Page, Predicate
from periodkit.query.schema import parse_count, parse_value
from periodkit.query.select import Query
from periodkit.query.wire import Params, pairs


@dataclass(frozen=True)
class JsonApiRequest:
    """A parsed request: the query and the page it asks for."""

    query: Query
    page: Page


def _page_part(name: str, raw: str | None, default: int, most: int | None) -> int:
    allowed = f"from 1 to {most}" if most is not None else "of at least 1"
    return parse_count(
        raw,
        f"/{name}",
        f"{name} must be a whole number {allowed}, not {quote(raw)}.",
        default=default,
        least=1,
        most=most,
        saturate=True,
    )


def parse_jsonapi(params: Params, collection: Collection) -> JsonApiRequest:
    """Parse a JSON:API collection request (decoded pairs or a mapping).

    A filter given several times matches any of its values. Rows come in the
    collection's default order; the client cannot sort.

    >>> kinds = Collection(columns={"category": "string"}, filters={"category": "category"})
    >>> parse_jsonapi({"page[size]": "0"}, kinds)
    Traceback (most recent call last):
    ...
    periodkit.errors.PagingError: page[size] must be a whole number from 1 to 100, not '0'.
    >>> parse_jsonapi({"colour": "red"}, kinds)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    periodkit.errors.UnknownFieldError: Parameter 'colour' is not supported ...
    """
    collection = described(collection)
    expected = [*collection.filters, "page[number]", "page[size]"]
    values: dict[str, list[str]] = {}
    for name, value in pairs(params):
        if name not in expected:
            raise UnknownFieldError(
                f"Parameter {quote(name)} is not supported (expected {', '.join(expected)}).",
                f"/{name}",
                names=[name],
            )
        values.setdefault(name, []).append(value)
    number = _page_part("page[number]", values.pop("page[number]", [None])[-1], 1, None)
    size = _page_part(
        "page[size]",
        values.pop("page[size]", [None])[-1],
        collection.default_page_size,
        collection.max_page_size,
    )
    where = []
    for name, given in values.items():
        column = collection.filters[name]
        typed = collection.schema.column(column)
        parsed = tuple(parse_value(typed, v, f"/{name}") for v in given)
        pred = Predicate(column, "eq", parsed[0]) if len(parsed) == 1 else None
        where.append(pred or Predicate(column, "in", parsed))
    page = Page(number, size)
    order = collection.default_sort
    query = Query(tuple(where), order, None, page.offset, page.size, schema=collection.schema)
    return JsonApiRequest(query, page)
