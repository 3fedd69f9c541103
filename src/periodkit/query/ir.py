"""The query IR: frozen nodes that know nothing of any grammar.

A ``Query`` is a conjunction of ``Predicate``s, ``SortKey``s, a projection and
an offset/limit. Values are already typed: exact numbers, text, booleans, or
a ``Span`` of microseconds for a date (a number compares as a span of one
value). Every grammar parses into these nodes and one evaluator runs them.

>>> q = Query(where=(Predicate("Num", "gt", 2),), order=(SortKey("Num", descending=True),))
>>> q.limit is None, q.where[0].op
(True, 'gt')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pandas as pd

    from periodkit.query.evaluate import Result, Table
    from periodkit.query.schema import Schema

Op = Literal["eq", "ne", "gt", "ge", "lt", "le", "in", "not_in", "is_null", "not_null"]
#: The operators that order values; a null never satisfies them.
ORDERING_OPS = frozenset({"gt", "ge", "lt", "le"})


@dataclass(frozen=True)
class Span:
    """The closed span ``[first, last]`` of microseconds that a (partial) date names."""

    first: int
    last: int


@dataclass(frozen=True)
class Predicate:
    """``field op value``. ``value`` is None for ``is_null``/``not_null``; a tuple for IN lists.

    A comparison with a None value (other than the null tests) matches nothing.
    """

    field: str
    op: Op
    value: Any = None


@dataclass(frozen=True)
class SortKey:
    """One sort key; nulls come first ascending and last descending."""

    field: str
    descending: bool = False


@dataclass(frozen=True)
class Page:
    """A page of a paged grammar (``number`` from 1), as an offset/limit.

    >>> page = Page(number=3, size=10)
    >>> page.offset, page.total_pages(21), page.total_pages(0)
    (20, 3, 0)
    """

    number: int
    size: int

    @property
    def offset(self) -> int:
        """Rows before this page."""
        return (self.number - 1) * self.size

    def total_pages(self, total: int) -> int:
        """How many pages ``total`` rows fill (0 when nothing matched).

        >>> Page(number=2, size=10).total_pages(13)
        2
        """
        return -(-total // self.size)


@dataclass(frozen=True)
class Query:
    """What to select, in which order, which columns, and which slice.

    ``fields`` None means every column in schema order; ``limit`` None means
    no limit. ``fold_case`` compares and sorts text by ``casefold`` (the
    Activities rule) instead of exactly (4me, JSON:API). ``schema`` gives the
    columns' types; it is not part of the question, so equality ignores it.
    """

    where: tuple[Predicate, ...] = ()
    order: tuple[SortKey, ...] = ()
    fields: tuple[str, ...] | None = None
    offset: int = 0
    limit: int | None = None
    fold_case: bool = False
    schema: Schema | None = field(default=None, compare=False, repr=False)

    def run(self, table: Table | pd.DataFrame) -> Result:
        """The matching positions (in order, sliced) and the number of matches before slicing.

        >>> import pandas as pd
        >>> from periodkit.query.schema import Schema
        >>> q = Query(order=(SortKey("n"),), limit=1, schema=Schema.of({"n": "int"}))
        >>> q.run(pd.DataFrame({"n": [3, 1, 2]}))
        Result(positions=[1], total=3)
        """
        from periodkit.query.evaluate import run

        return run(self, table)

    def evaluate(self, frame: pd.DataFrame | Table) -> pd.DataFrame:
        """The selected rows of ``frame`` in order, holding the projected columns.

        The result keeps ``frame``'s index labels; only the selected rows of
        the projected columns are copied.

        >>> import pandas as pd
        >>> from periodkit.query.schema import Schema
        >>> q = Query(order=(SortKey("n", descending=True),), fields=("n",),
        ...           schema=Schema.of({"n": "int", "s": "string"}))
        >>> q.evaluate(pd.DataFrame({"n": [1, 3, 2], "s": list("abc")}))["n"].tolist()
        [3, 2, 1]
        """
        from periodkit.query.evaluate import evaluate

        return evaluate(self, frame)
