"""A table written in place, a row at a time, that answers as a table built afresh would.

A store that changes one record at a time should not convert every column
again for the next query. A ``LiveTable`` is built from a frame as a
``Table`` is, with the same conversions, done once; it then holds each
column itself, in the form the evaluator reads (int64, float64, int8 flags,
int64 microseconds, text as integer codes), in buffers with spare capacity.
A write changes its own row and nothing else:

* a number, flag or date is stored in its row, a null in the column's own
  way (NaT, NaN, or the null mask);
* a text is stored as its code; a text the column never held gets the next
  code (one dict lookup), so codes follow arrival, not the order of texts;
* the codes' sort ranks (texts compare by code point, casefolded with
  ``fold_case``) are brought up to date at the next read that names the
  column: the k new texts are sorted among themselves and merged into the
  U distinct texts by binary search, O(k log U) comparisons and one vector
  pass over the U ranks. The rows are never read again.

A write thus costs O(1) (amortised: buffers double when full), and the
next read what any read costs: the vector passes over the columns it names.
Every answer equals that of a ``Table`` over a frame of the current rows;
``keep`` drops rows (a store's compaction) and the texts they alone held.

>>> table = LiveTable(pd.DataFrame({"n": [3, 1], "s": ["b", None]}),
...                   Schema.of({"n": "int", "s": "string"}))
>>> table.append({"n": 2, "s": "a"}), table.write(0, {"s": "c"})
(2, None)
>>> from periodkit.query.ir import SortKey
>>> from periodkit.query.select import Query
>>> Query(order=(SortKey("s"),)).run(table).positions.tolist()
[1, 2, 0]
>>> table.frame["s"].tolist()
['c', None, 'a']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from periodkit.errors import QueryError, quote
from periodkit.query.evaluate import Table, _Array, _Codes
from periodkit.query.schema import TEXT, Column, Schema
from periodkit.time import FIRST_US, LAST_US, NAT, to_micros_column

_MIN_CAPACITY = 16
# The Python values each non-text type stores (bools are not numbers here).
_HOLDS: dict[str, tuple[type, ...]] = {
    "int": (int, np.integer),
    "float": (int, float, np.integer, np.floating),
    "datetime": (int, np.integer),
    "bool": (bool, np.bool_),
}


def _grown(array: np.ndarray, capacity: int, fill: Any) -> np.ndarray:
    """A copy of ``array`` with room for ``capacity`` entries, the rest ``fill``."""
    grown = np.full(capacity, fill, dtype=array.dtype)
    grown[: len(array)] = array
    return grown


def _holds(kind: str, value: object) -> bool:
    """Whether a column of type ``kind`` (not text) stores ``value``."""
    flag = isinstance(value, bool | np.bool_)
    return isinstance(value, _HOLDS[kind]) and (kind == "bool" or not flag)


def _mapping(values: object) -> Mapping[Any, Any]:
    if not isinstance(values, Mapping):
        raise QueryError(f"a row's values {quote(values)} are not a mapping of column names")
    return values


def _refused(column: Column, value: object) -> QueryError:
    return QueryError(
        f"column {quote(column.name)} does not hold {column.data_type} values"
        f" such as {quote(value)}"
    )


class _Values:
    """A column of numbers, flags or dates: values, and a null mask once one is needed."""

    def __init__(self, column: Column, array: _Array, capacity: int) -> None:
        self.column = column
        self.values = _grown(array.values, capacity, 0)
        self.mask = None if array.mask is None else _grown(array.mask, capacity, False)
        self.sentinel = array.sentinel
        self.null = {"nat": NAT, "nan": np.nan}.get(self.sentinel or "", 0)

    def checked(self, value: Any) -> Any:
        """``value`` as the column stores it (None for null), or a ``QueryError``."""
        if value is None:
            return None
        kind = self.column.type
        if not _holds(kind, value):
            raise _refused(self.column, value)
        try:
            # Through Python's own int or float, so that no numpy cast wraps a value around.
            exact = float(value) if kind == "float" else int(value)
            if kind == "datetime" and not FIRST_US < exact < LAST_US:
                # The conversion a frame's column gets: the timeline's ends fold onto
                # the infinities, and an instant past them is refused (inside, it is
                # the instant itself).
                return int(to_micros_column(np.array([exact], dtype="datetime64[us]"))[0])
            return self.values.dtype.type(exact)
        except OverflowError:
            raise _refused(self.column, value) from None

    def put(self, row: int, value: Any) -> None:
        if value is None and self.sentinel is None and self.mask is None:
            self.mask = np.zeros(len(self.values), dtype=bool)
        self.values[row] = self.null if value is None else value
        if self.mask is not None:
            self.mask[row] = value is None

    def grow(self, capacity: int) -> None:
        self.values = _grown(self.values, capacity, 0)
        if self.mask is not None:
            self.mask = _grown(self.mask, capacity, False)

    def keep(self, rows: np.ndarray) -> None:
        self.values[: len(rows)] = self.values[rows]
        if self.mask is not None:
            self.mask[: len(rows)] = self.mask[rows]

    def view(self, n: int) -> _Array:
        mask = None if self.mask is None else self.mask[:n]
        return _Array(self.values[:n], mask, self.sentinel)

    def decoded(self, n: int) -> Any:
        """The first ``n`` values as a frame would hold them."""
        values = self.values[:n].copy()
        if self.column.type == "datetime":
            return values.view("datetime64[us]")
        if self.column.type == "bool":
            values = values.astype(bool)
        if self.mask is None:
            return values
        mask = self.mask[:n].copy()
        if self.column.type == "bool":
            return pd.arrays.BooleanArray(values, mask)
        if self.column.type == "float":
            return pd.arrays.FloatingArray(values, mask)
        return pd.arrays.IntegerArray(values, mask)


class _Ranking:
    """Dense sort ranks of texts that only grow in number: ``ranks[code]`` is the place of
    text ``code`` among the distinct texts in ascending order (equal texts share one)."""

    def __init__(self, distinct: np.ndarray, ranks: np.ndarray) -> None:
        self.distinct = distinct
        self.ranks = ranks

    def update(self, texts: np.ndarray) -> np.ndarray:
        """The ranks of ``texts``: the texts ranked so far, then any new ones."""
        new = texts[len(self.ranks) :]
        if len(new) == 0:
            return self.ranks
        fresh = np.unique(new)
        at = np.searchsorted(self.distinct, fresh)
        known = at < len(self.distinct)
        known[known] = self.distinct[at[known]] == fresh[known]
        at, fresh = at[~known], fresh[~known]
        # Each old place moves up by the number of fresh texts sorted before it.
        moved = self.ranks + np.searchsorted(at, self.ranks, side="right")
        self.distinct = np.insert(self.distinct, at, fresh)
        self.ranks = np.concatenate([moved, np.searchsorted(self.distinct, new)])
        return self.ranks

    def keep(self, used: np.ndarray) -> None:
        """Rank only the texts ``used`` (ascending codes), renumbered from 0 in their order."""
        places, ranks = np.unique(self.ranks[used[used < len(self.ranks)]], return_inverse=True)
        self.distinct = self.distinct[places]
        self.ranks = ranks.reshape(-1).astype(np.int64)


class _Texts:
    """A text column: per row a code (-1 for null) into the texts in order of arrival."""

    def __init__(self, column: Column, codes: _Codes, capacity: int) -> None:
        self.column = column
        self.codes = _grown(codes.codes.astype(np.int64), capacity, -1)
        self.texts = _grown(codes.texts, max(len(codes.texts), _MIN_CAPACITY), None)
        self.count = len(codes.texts)
        self.code_of = {text: code for code, text in enumerate(codes.texts.tolist())}
        distinct = np.empty(int(codes.ranks.max(initial=-1)) + 1, dtype=object)
        distinct[codes.ranks] = codes.texts
        self.ranking = {False: _Ranking(distinct, codes.ranks), True: None}
        self.folded = np.empty(0, dtype=object)

    def checked(self, value: object) -> int:
        """The code of ``value`` (a new one for a new text; -1 for None), or a ``QueryError``."""
        if value is None:
            return -1
        if not isinstance(value, str):
            raise _refused(self.column, value)
        code = self.code_of.get(value)
        if code is None:
            code = self.code_of[value] = self.count
            if code == len(self.texts):
                self.texts = _grown(self.texts, 2 * code, None)
            self.texts[code] = value
            self.count += 1
        return code

    def put(self, row: int, code: int) -> None:
        self.codes[row] = code

    def grow(self, capacity: int) -> None:
        self.codes = _grown(self.codes, capacity, -1)

    def keep(self, rows: np.ndarray) -> None:
        codes = self.codes[rows]
        used = np.unique(codes[codes >= 0])
        if len(used) < self.count:
            renumbered = np.full(self.count, -1, dtype=np.int64)
            renumbered[used] = np.arange(len(used))
            codes = np.where(codes >= 0, renumbered[codes], -1)
            texts = self.texts[used]
            self.texts = _grown(texts, max(len(texts), _MIN_CAPACITY), None)
            self.count = len(texts)
            self.code_of = {text: code for code, text in enumerate(texts.tolist())}
            self.folded = self.folded[used[used < len(self.folded)]]
            for ranking in self.ranking.values():
                if ranking is not None:
                    ranking.keep(used)
        self.codes[: len(rows)] = codes

    def view(self, n: int, fold: bool) -> _Codes:
        texts = self.texts[: self.count]
        if fold:
            # Folded once per text, when a question first folds the column.
            new = texts[len(self.folded) :].tolist()
            if new:
                folded = np.array([text.casefold() for text in new], dtype=object)
                self.folded = np.concatenate([self.folded, folded])
            texts = self.folded
        ranking = self.ranking[fold]
        if ranking is None:
            ranking = self.ranking[fold] = _Ranking(np.empty(0, dtype=object), np.empty(0, int))
        return _Codes(self.codes[:n], texts, ranking.update(texts))

    def decoded(self, n: int) -> Any:
        texts = np.empty(self.count + 1, dtype=object)
        texts[: self.count] = self.texts[: self.count]  # and code -1 finds the None after them
        # An object array keeps None as None, where pandas would read a missing str.
        return pd.Series(texts[self.codes[:n]], dtype="object")


class LiveTable(Table):
    """A ``Table`` whose rows change in place: ``append``, ``write``, ``keep``.

    Built from a frame (every column converted now, as ``Table`` converts
    it), it then holds its columns itself; the frame is let go. Values are
    written in the evaluator's form: ``int``, ``float``, ``bool``, ``str``,
    dates as int microseconds (the vector form), None for null.

    >>> table = LiveTable(pd.DataFrame({"d": np.array([0], dtype="datetime64[us]")}),
    ...                   {"d": "datetime"})
    >>> table.append({"d": "2019"})
    Traceback (most recent call last):
    ...
    periodkit.errors.QueryError: column 'd' does not hold datetime values such as '2019'
    """

    def __init__(self, frame: pd.DataFrame, schema: Schema | Mapping[str, str]) -> None:
        super().__init__(frame, Schema.of(schema))
        self._n = len(frame)
        self._capacity = max(self._n, _MIN_CAPACITY)
        self._columns: dict[str, _Values | _Texts] = {}
        for column in self.schema.columns:
            name = column.name
            self._columns[name] = (
                _Texts(column, super().codes(name, fold=False), self._capacity)
                if column.type in TEXT
                else _Values(column, super().array(name), self._capacity)
            )
        # The rows live in the columns now: an empty copy keeps no part of the frame.
        self._frame = frame.iloc[:0].copy()
        self._changed()

    def __len__(self) -> int:
        return self._n

    @property
    def frame(self) -> pd.DataFrame:
        """The current rows as a new DataFrame: the schema's columns, texts as objects,
        dates as ``datetime64[us]``, nullable numbers and flags as pandas' masked arrays."""
        return pd.DataFrame(
            {name: held.decoded(self._n) for name, held in self._columns.items()},
            columns=list(self._columns),
        )

    def array(self, name: str) -> _Array:
        """A non-text column's current values and nulls (valid until the next change)."""
        column = self.column(name)
        if name not in self._arrays:
            held = self._columns[name]
            if isinstance(held, _Texts):
                raise QueryError(f"column {quote(name)} holds {column.data_type} values")
            self._arrays[name] = held.view(self._n)
        return self._arrays[name]

    def codes(self, name: str, *, fold: bool) -> _Codes:
        """A text column's current codes and their ranks (valid until the next change)."""
        column = self.column(name)
        if not isinstance(fold, bool):
            raise QueryError(f"fold={quote(fold)} is not a bool")
        key = (name, fold)
        if key not in self._codes:
            held = self._columns[name]
            if not isinstance(held, _Texts):
                raise QueryError(f"column {quote(name)} holds {column.data_type} values")
            self._codes[key] = held.view(self._n, fold)
        return self._codes[key]

    def append(self, values: Mapping[str, Any]) -> int:
        """Add a row of ``values`` (a column not named is null); its position.

        >>> LiveTable(pd.DataFrame({"n": [1]}), {"n": "int"}).append({"n": 2.5})
        Traceback (most recent call last):
        ...
        periodkit.errors.QueryError: column 'n' does not hold int values such as 2.5
        """
        row = self._n
        if row == self._capacity:
            self._capacity *= 2
            for held in self._columns.values():
                held.grow(self._capacity)
        self._put(row, {**dict.fromkeys(self.schema.names), **_mapping(values)})
        self._n += 1
        return row

    def write(self, row: int, values: Mapping[str, Any]) -> None:
        """Change the columns ``values`` names in row ``row``; nothing when one is refused.

        >>> LiveTable(pd.DataFrame({"n": [1]}), {"n": "int"}).write(1, {"n": 2})
        Traceback (most recent call last):
        ...
        periodkit.errors.QueryError: row 1 is not a row of this table of 1 rows
        """
        if not (isinstance(row, int | np.integer) and not isinstance(row, bool)) or not (
            0 <= row < self._n
        ):
            raise QueryError(f"row {quote(row)} is not a row of this table of {self._n} rows")
        self._put(int(row), values)

    def keep(self, rows: np.ndarray) -> None:
        """Keep only the rows at positions ``rows``, in that order, and the texts they hold.

        >>> table = LiveTable(pd.DataFrame({"s": ["a", "b", "c"]}), {"s": "string"})
        >>> table.keep(np.array([2, 0])); table.frame["s"].tolist()
        ['c', 'a']
        """
        try:
            rows = np.asarray(rows)
        except (TypeError, ValueError):
            rows = np.array(None)  # refused below
        if not (
            rows.ndim == 1
            and rows.dtype.kind in "iu"
            and np.all((rows >= 0) & (rows < self._n))
            and len(np.unique(rows)) == len(rows)
        ):
            raise QueryError(
                f"rows {quote(rows.tolist())} are not distinct positions"
                f" of this table's {self._n} rows"
            )
        for held in self._columns.values():
            held.keep(rows)
        self._n = len(rows)
        self._changed()

    def _put(self, row: int, values: Mapping[str, Any]) -> None:
        # Every value is checked before any is stored, so a refused write changes nothing.
        stored = [(self._held(name), value) for name, value in _mapping(values).items()]
        stored = [(held, held.checked(value)) for held, value in stored]
        for held, value in stored:
            held.put(row, value)
        self._changed()

    def _held(self, name: str) -> _Values | _Texts:
        if name not in self._columns:
            self.column(name)  # a name outside the schema: a QueryError naming it
        return self._columns[name]

    def _changed(self) -> None:
        # The views handed out cover the old rows, and their null masks are cached.
        self._arrays.clear()
        self._codes.clear()
