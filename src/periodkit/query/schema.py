"""Typed columns and the reading of filter values, shared by every grammar.

A schema maps field names to these types: ``int``, ``float``,
``string``, ``memo``, ``datetime``, ``guid`` and ``bool`` (any case; the
spelling given is kept for the facade's ``DataType``). Values read here come
out in the IR's form: exact ``int``, finite ``float``, ``str``, ``bool``, or a
``Span`` of microseconds for dates.

>>> schema = Schema.of({"Num": "int", "Created_Date": "datetime"})
>>> schema.lookup("num", fold=True).name
'Num'
>>> parse_value(schema.lookup("Num"), "3")
3
>>> parse_value(schema.lookup("Created_Date"), "2019")
Span(first=1546300800000000, last=1577836799999999)
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from periodkit.errors import BadValueError, PagingError, ParseError, QueryError, quote
from periodkit.query.ir import INT64_MAX, INT64_MIN, Span
from periodkit.time import span_micros

TYPES = ("int", "float", "string", "memo", "datetime", "guid", "bool")
#: Types whose values are ordered for ``>``, ``>=``, ``<``, ``<=``.
ORDERED = frozenset({"int", "float", "datetime"})
TEXT = frozenset({"string", "memo", "guid"})

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,4})?", re.ASCII)
# A whole number as plainly written: digits, a sign, at most an all-zero fraction.
_PLAIN = re.compile(r"[+-]?\d+(?:\.0+)?", re.ASCII)


@dataclass(frozen=True)
class Column:
    """One typed field: its name in the schema's spelling, its type and that type as written."""

    name: str
    type: str
    data_type: str

    @property
    def ordered(self) -> bool:
        """Whether ``>``, ``>=``, ``<``, ``<=`` apply to this type."""
        return self.type in ORDERED


@dataclass(frozen=True)
class Schema:
    """Ordered typed columns; names are looked up exactly or case-insensitively.

    >>> Schema.of({"Num": "integer"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    periodkit.errors.QueryError: type 'integer' of field 'Num' is unknown (expected one of int, ...)
    """

    columns: tuple[Column, ...]

    @classmethod
    def of(cls, types: Mapping[str, str] | Schema) -> Schema:
        """A schema from ``{name: type name}`` (a Schema passes through).

        >>> Schema.of({"Num": "int"}).columns[0].type
        'int'
        """
        if isinstance(types, Schema):
            return types
        if not isinstance(types, Mapping):
            raise QueryError(f"schema {quote(types)} is not a mapping of field names to type names")
        columns = []
        for name, written in types.items():
            kind = written.lower() if isinstance(written, str) else None
            if not isinstance(name, str) or kind not in TYPES:
                raise QueryError(
                    f"type {quote(written)} of field {quote(name)} is unknown "
                    f"(expected one of {', '.join(TYPES)})"
                )
            columns.append(Column(str(name), kind, written))
        folded = [c.name.casefold() for c in columns]
        if len(set(folded)) != len(folded):
            raise QueryError(f"schema names {quote(list(types))} differ only in case")
        return cls(tuple(columns))

    @property
    def names(self) -> tuple[str, ...]:
        """The field names in schema order."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        """The column called exactly ``name``; a name outside the schema is a ``QueryError``.

        >>> Schema.of({'Num': 'int'}).column('Num').type
        'int'
        >>> Schema.of({'Num': 'int'}).column('num')
        Traceback (most recent call last):
        ...
        periodkit.errors.QueryError: field 'num' is not in the schema ['Num']
        """
        found = self.lookup(name)
        if found is None:
            raise QueryError(f"field {quote(name)} is not in the schema {quote(list(self.names))}")
        return found

    def require(self, names: Iterable[str], what: str) -> None:
        """Refuse a description whose ``names`` are not all columns of this schema.

        >>> Schema.of({"id": "int"}).require(["id", "person_id"], "sort keys")
        Traceback (most recent call last):
        ...
        periodkit.errors.QueryError: sort keys name ['person_id'], which the schema ['id'] lacks
        """
        if isinstance(names, str | bytes) or not isinstance(names, Iterable):
            raise QueryError(f"{what} {quote(names)} are not a list of names")
        missing = [name for name in names if self.lookup(name) is None]
        if missing:
            raise QueryError(
                f"{what} name {quote(missing)}, which the schema {quote(list(self.names))} lacks"
            )

    def lookup(self, name: object, *, fold: bool = False) -> Column | None:
        """The column called ``name`` (compared by ``casefold`` when ``fold``), or None.

        >>> schema = Schema.of({'Num': 'int'})
        >>> schema.lookup('num', fold=True).name, schema.lookup('num')
        ('Num', None)
        """
        if not isinstance(name, str):
            return None
        key = name.casefold() if fold else name
        for column in self.columns:
            if (column.name.casefold() if fold else column.name) == key:
                return column
        return None


def _decimal(raw: object) -> Decimal | None:
    """The exact number a JSON number or numeric text denotes, or None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw)) if math.isfinite(raw) else None
    if isinstance(raw, str) and _NUMBER.fullmatch(raw):
        return Decimal(raw)
    return None


def parse_whole(raw: object, *, saturate: bool = False, plain: bool = False) -> int | None:
    """A whole number written as a JSON number or text (``2``, ``"2"``, ``2.0``), or None.

    Beyond int64 it is None, or with ``saturate`` the nearest int64 (a page
    number past any end stays past it). With ``plain`` a text must be digits
    with at most a sign and an all-zero fraction: no exponent, no bare point.

    >>> parse_whole("2.0"), parse_whole("2.5"), parse_whole(True)
    (2, None, None)
    >>> parse_whole("1e30"), parse_whole("1e30", saturate=True)
    (None, 9223372036854775807)
    >>> parse_whole("1e1"), parse_whole("1e1", plain=True), parse_whole("+2.00", plain=True)
    (10, None, 2)
    """
    if plain and isinstance(raw, str) and not _PLAIN.fullmatch(raw):
        return None
    number = _decimal(raw)
    if number is None or number != number.to_integral_value():
        return None
    if not INT64_MIN <= number <= INT64_MAX:
        if not saturate:
            return None
        return INT64_MAX if number > 0 else INT64_MIN
    return int(number)


def parse_count(
    raw: object,
    location: str,
    refusal: str,
    *,
    default: int,
    least: int,
    most: int | None = None,
    below: str | None = None,
    saturate: bool = False,
    plain: bool = False,
) -> int:
    """An offset, limit, page number or page size: a whole number from ``least`` to ``most``.

    ``raw`` None is ``default``; ``saturate`` and ``plain`` read as for
    ``parse_whole``. Anything else is a ``PagingError`` at ``location`` with
    the grammar's own ``refusal``, or ``below`` (when given) for a whole
    number under ``least``. Every grammar reads its paging parameters here.

    >>> parse_count("2.0", "/page[size]", "refused", default=20, least=1, most=250)
    2
    >>> parse_count(None, "/offset", "refused", default=0, least=0)
    0
    >>> parse_count("0", "page", "not a number", default=1, least=1, below="below 1")
    Traceback (most recent call last):
    ...
    periodkit.errors.PagingError: below 1
    """
    if raw is None:
        return default
    whole = parse_whole(raw, saturate=saturate, plain=plain)
    if whole is not None and whole < least and below is not None:
        raise PagingError(below, location, value=raw)
    if whole is None or whole < least or (most is not None and whole > most):
        raise PagingError(refusal, location, value=raw)
    return whole


def _bad(column: Column, raw: object, expected: str, location: str | None) -> BadValueError:
    return BadValueError(
        f"Value {quote(raw)} is not valid for field {column.name} of type {column.data_type} "
        f"(expected {expected}).",
        location,
        value=raw,
    )


def parse_value(column: Column, raw: object, location: str | None = None) -> Any:
    """The IR value of ``raw`` for ``column``'s type; raises ``BadValueError`` quoting it.

    Numbers may be given as text and must parse exactly: an ``int`` field takes
    whole numbers within int64. Dates name the span of section 1.

    >>> parse_value(Column("Num", "int", "int"), "2.5")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    periodkit.errors.BadValueError: Value '2.5' is not valid for field Num ...
    """
    if column.type == "int":
        whole = parse_whole(raw)
        if whole is None:
            raise _bad(column, raw, "a whole number within int64", location)
        return whole
    if column.type == "float":
        number = _decimal(raw)
        value = float(number) if number is not None else math.inf
        if not math.isfinite(value):
            raise _bad(column, raw, "a finite number", location)
        return value
    if column.type == "datetime":
        if not isinstance(raw, str):
            raise _bad(column, raw, "a date or date-time text", location)
        try:
            return Span(*span_micros(raw))
        except ParseError as exc:
            raise _bad(column, raw, f"a date or date-time: {exc}", location) from None
    if column.type == "bool":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.lower() in ("true", "false"):
            return raw.lower() == "true"
        raise _bad(column, raw, "true or false", location)
    if not isinstance(raw, str):
        raise _bad(column, raw, "a text", location)
    return raw
