"""What a paged collection allows, as data: one description for every paged grammar.

A ``Collection`` describes a table as an API serves it: its typed columns,
the names a response may show and those it shows by default, the filters
(each onto a column, some taking IN lists), the sort keys (each onto a
column), the default order and the page sizes. The 4me and JSON:API
grammars read the same description, each allowing what its syntax can say.

>>> c = Collection(columns={"id": "int", "category": "string"}, filters={"kind": "category"},
...                default_sort=(SortKey("id"),))
>>> c.schema.names, c.default_page_size, c.max_page_size
(('id', 'category'), 20, 100)
>>> Collection(columns={"id": "int"}, filters={"kind": "category"})
Traceback (most recent call last):
...
periodkit.errors.QueryError: filters and sort keys name ['category'], which the schema ['id'] lacks
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from periodkit.errors import ArgumentError, quote
from periodkit.query.ir import INT64_MAX, SortKey, require_int
from periodkit.query.schema import Schema


@dataclass(frozen=True)
class Collection:
    """A table's description: columns, fields, filters, sort keys, defaults and page sizes.

    ``columns`` types the table's columns (type names by column, or a
    ``Schema``); ``filters`` maps a filter name to its column, and ``lists``
    names the filters that take IN / NOT IN lists;
    ``sortable`` maps a sort name to its column; ``default_sort`` is the
    order when the request gives none (empty: the table's own order).
    ``fields`` are the names a response may show and ``default_fields`` those
    it shows unasked. A page holds ``default_page_size`` rows unless the
    request says otherwise, and at most ``max_page_size``.
    """

    columns: Mapping[str, str] | Schema
    filters: Mapping[str, str]
    fields: tuple[str, ...] = ()
    default_fields: tuple[str, ...] = ()
    sortable: Mapping[str, str] = field(default_factory=dict)
    default_sort: tuple[SortKey, ...] = ()
    lists: frozenset[str] = frozenset()
    default_page_size: int = 20
    max_page_size: int = 100
    schema: Schema = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        for name in ("filters", "sortable"):
            value = getattr(self, name)
            if not isinstance(value, Mapping) or not all(
                isinstance(v, str) for v in value.values()
            ):
                raise ArgumentError(f"{name} {quote(value)} is not a mapping onto columns", name)
        for name in ("fields", "default_fields", "default_sort"):
            value = getattr(self, name)
            kind = SortKey if name == "default_sort" else str
            if not isinstance(value, tuple) or not all(isinstance(v, kind) for v in value):
                raise ArgumentError(f"{name} {quote(value)} is not a tuple", name)
        if not isinstance(self.lists, frozenset):
            raise ArgumentError(f"lists {quote(self.lists)} is not a frozenset", "lists")
        require_int("default_page_size", self.default_page_size, 1, INT64_MAX)
        require_int("max_page_size", self.max_page_size, 1, INT64_MAX)
        object.__setattr__(self, "schema", Schema.of(self.columns))
        keys = [*self.sortable.values(), *(key.field for key in self.default_sort)]
        self.schema.require([*self.filters.values(), *keys], "filters and sort keys")


def described(collection: object) -> Collection:
    """``collection`` itself, refused unless it is a ``Collection``.

    >>> described({"id": "int"})
    Traceback (most recent call last):
    ...
    periodkit.errors.ArgumentError: {'id': 'int'} is not a Collection
    """
    if not isinstance(collection, Collection):
        raise ArgumentError(f"{quote(collection)} is not a Collection", "collection")
    return collection
