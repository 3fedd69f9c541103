"""The ``Query`` every grammar parses into: the IR's nodes joined, and the way to run them.

It stands above the evaluator so that ``Query.run`` and ``Query.evaluate``
call it directly; the evaluator itself reads any value of the ``Question``
shape and imports nothing from here.

>>> q = Query(where=(Predicate("Num", "gt", 2),), order=(SortKey("Num", descending=True),))
>>> q.limit is None, q.where[0].op
(True, 'gt')
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from periodkit.errors import ArgumentError, quote
from periodkit.query.evaluate import Result, Table, evaluate, run
from periodkit.query.frames import Frame
from periodkit.query.ir import INT64_MAX, Predicate, SortKey, require_int
from periodkit.query.schema import Schema


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

    def __post_init__(self) -> None:
        for name, kind in (("where", Predicate), ("order", SortKey)):
            items = getattr(self, name)
            if not isinstance(items, tuple) or not all(isinstance(i, kind) for i in items):
                raise ArgumentError(
                    f"{name} {quote(items)} is not a tuple of {kind.__name__}s", name
                )
        if self.fields is not None and (
            not isinstance(self.fields, tuple) or not all(isinstance(f, str) for f in self.fields)
        ):
            raise ArgumentError(f"fields {quote(self.fields)} is not a tuple of names", "fields")
        require_int("offset", self.offset, 0, INT64_MAX)
        if self.limit is not None:
            require_int("limit", self.limit, 0, INT64_MAX)
        if not isinstance(self.fold_case, bool):
            raise ArgumentError(f"fold_case={quote(self.fold_case)} is not a bool", "fold_case")
        if self.schema is not None and not isinstance(self.schema, Schema):
            raise ArgumentError(f"schema {quote(self.schema)} is not a Schema", "schema")

    def run(self, table: Table | Frame) -> Result:
        """The matching positions (in order, sliced) and the number of matches before slicing.

        >>> q = Query(order=(SortKey("n"),), limit=1, schema=Schema.of({"n": "int"}))
        >>> q.run(pd.DataFrame({"n": [3, 1, 2]}))
        Result(positions=[1], total=3)
        """
        return run(self, table)

    def evaluate(self, frame: Frame | Table) -> pd.DataFrame:
        """The selected rows of ``frame`` in order, holding the projected columns.

        The result keeps ``frame``'s index labels; only the selected rows of
        the projected columns are copied. ``frame`` may also be a pyarrow
        Table or a polars DataFrame: the result is a pandas DataFrame all the
        same, its columns Arrow-backed.

        >>> q = Query(order=(SortKey("n", descending=True),), fields=("n",),
        ...           schema=Schema.of({"n": "int", "s": "string"}))
        >>> q.evaluate(pd.DataFrame({"n": [1, 3, 2], "s": list("abc")}))["n"].tolist()
        [3, 2, 1]
        """
        return evaluate(self, frame)
