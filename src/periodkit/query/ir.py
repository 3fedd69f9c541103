"""The query IR: frozen nodes that know nothing of any grammar, nor of the evaluator.

A question is a conjunction of ``Predicate``s, ``SortKey``s, a projection and
an offset/limit (a paged grammar's ``Page`` is one). Values are already typed:
exact numbers, text, booleans, or a ``Span`` of microseconds for a date (a
number compares as a span of one value). The ``Query`` that holds a question
lives in ``periodkit.query.select``, above the evaluator it runs on, so that
these nodes import nothing.

>>> Predicate("Num", "gt", 2).op, SortKey("Num", descending=True).descending
('gt', True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args

from periodkit.errors import ArgumentError, quote

#: The range of the IR's whole numbers: an ``int`` field's values, offsets, limits.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

Op = Literal["eq", "ne", "gt", "ge", "lt", "le", "in", "not_in", "is_null", "not_null"]
OPS = frozenset(get_args(Op))
#: The operators that order values; a null never satisfies them.
ORDERING_OPS = frozenset({"gt", "ge", "lt", "le"})


@dataclass(frozen=True)
class Span:
    """The closed span ``[first, last]`` of microseconds that a (partial) date names."""

    first: int
    last: int

    def __post_init__(self) -> None:
        for name in ("first", "last"):
            require_int(name, getattr(self, name), INT64_MIN, INT64_MAX)


@dataclass(frozen=True)
class Predicate:
    """``field op value``. ``value`` is None for ``is_null``/``not_null``; a tuple for IN lists.

    A comparison with a None value (other than the null tests) matches nothing.
    """

    field: str
    op: Op
    value: Any = None

    def __post_init__(self) -> None:
        _require_name(self.field)
        if not isinstance(self.op, str) or self.op not in OPS:
            raise ArgumentError(
                f"op {quote(self.op)} is unknown (expected one of {', '.join(sorted(OPS))})", "op"
            )


@dataclass(frozen=True)
class SortKey:
    """One sort key; nulls come first ascending and last descending."""

    field: str
    descending: bool = False

    def __post_init__(self) -> None:
        _require_name(self.field)
        if not isinstance(self.descending, bool):
            raise ArgumentError(f"descending={quote(self.descending)} is not a bool", "descending")


@dataclass(frozen=True)
class Page:
    """A page of a paged grammar (``number`` from 1), as an offset/limit.

    >>> page = Page(number=3, size=10)
    >>> page.offset, page.total_pages(21), page.total_pages(0)
    (20, 3, 0)
    """

    number: int
    size: int

    def __post_init__(self) -> None:
        require_int("number", self.number, 1, INT64_MAX)
        require_int("size", self.size, 1, INT64_MAX)

    @property
    def offset(self) -> int:
        """Rows before this page; past int64, int64's maximum (still past any table's end).

        >>> Page(number=INT64_MAX, size=5).offset == INT64_MAX
        True
        """
        return min((self.number - 1) * self.size, INT64_MAX)

    def total_pages(self, total: int) -> int:
        """How many pages ``total`` rows fill (0 when nothing matched).

        >>> Page(number=2, size=10).total_pages(13)
        2
        """
        require_int("total", total, 0, INT64_MAX)
        return -(-total // self.size)


def _require_name(field: object) -> None:
    if not isinstance(field, str):
        raise ArgumentError(f"field {quote(field)} is not a field name (a string)", "field")


def require_int(name: str, value: object, least: int, most: int) -> None:
    """Refuse ``value`` unless it is an ``int`` (not a bool) from ``least`` to ``most``.

    >>> require_int("offset", -1, 0, INT64_MAX)
    Traceback (most recent call last):
    ...
    periodkit.errors.ArgumentError: offset=-1 is not a whole number from 0 to 9223372036854775807
    """
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= most:
        raise ArgumentError(
            f"{name}={quote(value)} is not a whole number from {least} to {most}", name
        )
