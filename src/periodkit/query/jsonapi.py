"""The JSON:API grammar (seed 003): attribute filters, ``page[number]``, ``page[size]``.

A ``Resource`` says which parameters filter (by exact equality) onto which
column, and the page size rules; ``ACTIONS`` describes seed 003's actions.
Every error's ``location`` is the JSON pointer of the offending parameter.

>>> r = parse_jsonapi("category=SMS&page[number]=2&page[size]=10.0")
>>> r.query.where, r.query.offset, r.query.limit
((Predicate(field='category', op='eq', value='SMS'),), 10, 10)
>>> r.meta(total=13)
{'total_pages': 2, 'total_results': 13, 'page_number': 2, 'page_size': 10}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from periodkit.errors import PagingError, UnknownFieldError
from periodkit.query.ir import Page, Predicate, SortKey
from periodkit.query.schema import Schema, parse_value, parse_whole
from periodkit.query.select import Query
from periodkit.query.wire import Params, pairs


@dataclass(frozen=True)
class Resource:
    """What a JSON:API collection allows: equality filters onto typed columns, page sizes.

    ``order`` is the collection's fixed order (empty: the table's own order).
    """

    columns: Mapping[str, str]
    filters: Mapping[str, str]
    default_size: int = 20
    max_size: int = 250
    order: tuple[SortKey, ...] = ()
    schema: Schema = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "schema", Schema.of(self.columns))
        keys = [key.field for key in self.order]
        self.schema.require([*self.filters.values(), *keys], "filters and sort keys")


ACTIONS = Resource(columns={"category": "string"}, filters={"category": "category"})


@dataclass(frozen=True)
class JsonApiRequest:
    """A parsed request: the query and the page it asks for."""

    query: Query
    page: Page

    def meta(self, total: int) -> dict[str, int]:
        """The ``meta`` object for ``total`` matching rows (``page_number`` echoes the request).

        >>> parse_jsonapi("page[number]=2&page[size]=10").meta(total=13)["total_pages"]
        2
        """
        return {
            "total_pages": self.page.total_pages(total),
            "total_results": total,
            "page_number": self.page.number,
            "page_size": self.page.size,
        }


def _page_part(name: str, raw: str | None, default: int, most: int | None) -> int:
    if raw is None:
        return default
    whole = parse_whole(raw, saturate=True)
    if whole is None or whole < 1 or (most is not None and whole > most):
        allowed = f"from 1 to {most}" if most is not None else "of at least 1"
        raise PagingError(
            f"{name} must be a whole number {allowed}, not {raw!r}.", f"/{name}", value=raw
        )
    return whole


def parse_jsonapi(params: Params, resource: Resource = ACTIONS) -> JsonApiRequest:
    """Parse a JSON:API collection request (query string, mapping or pairs).

    A filter given several times matches any of its values.

    >>> parse_jsonapi({"page[size]": "0"})
    Traceback (most recent call last):
    ...
    periodkit.errors.PagingError: page[size] must be a whole number from 1 to 250, not '0'.
    >>> parse_jsonapi("colour=red")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    periodkit.errors.UnknownFieldError: Parameter 'colour' is not supported ...
    """
    expected = [*resource.filters, "page[number]", "page[size]"]
    values: dict[str, list[str]] = {}
    for name, value in pairs(params):
        if name not in expected:
            raise UnknownFieldError(
                f"Parameter {name!r} is not supported (expected {', '.join(expected)}).",
                f"/{name}",
                names=[name],
            )
        values.setdefault(name, []).append(value)
    number = _page_part("page[number]", values.pop("page[number]", [None])[-1], 1, None)
    size = _page_part(
        "page[size]", values.pop("page[size]", [None])[-1], resource.default_size, resource.max_size
    )
    where = []
    for name, given in values.items():
        column = resource.filters[name]
        typed = resource.schema.column(column)
        parsed = tuple(parse_value(typed, v, f"/{name}") for v in given)
        pred = Predicate(column, "eq", parsed[0]) if len(parsed) == 1 else None
        where.append(pred or Predicate(column, "in", parsed))
    page = Page(number, size)
    query = Query(
        tuple(where),
        resource.order,
        None,
        page.offset,
        page.size,
        fold_case=False,
        schema=resource.schema,
    )
    return JsonApiRequest(query, page)
