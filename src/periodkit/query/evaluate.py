"""The one evaluator: numpy masks, a stable multi-key sort, top-k, projection last.

A ``Table`` is a read-only columnar view of a pandas DataFrame: each column
is converted once, when a query first needs it, into a plain array (int64,
float64, int64 microseconds with NaT for dates, integer codes for text) and
a null mask. Building the table once and running many queries on it is the
fast path; ``Query.evaluate(frame)`` builds a throwaway table.

The evaluator reads a query through the ``Question`` protocol, so that it
needs nothing from ``periodkit.query.select``, whose ``Query`` calls it.

>>> import pandas as pd
>>> from periodkit.query.ir import Predicate, SortKey
>>> from periodkit.query.schema import Schema
>>> from periodkit.query.select import Query
>>> table = Table.from_frame(pd.DataFrame({"s": ["b", "A", None, "a"]}),
...                          Schema.of({"s": "string"}))
>>> q = Query(where=(Predicate("s", "ne", "b"),), order=(SortKey("s"),), fold_case=True)
>>> run(q, table)
Result(positions=[1, 3], total=2)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal, Protocol

import numpy as np
import pandas as pd

from periodkit.errors import BadValueError, QueryError, quote, shorten
from periodkit.query.frames import Frame, as_pandas
from periodkit.query.ir import INT64_MAX, INT64_MIN, Predicate, SortKey, Span
from periodkit.query.schema import TEXT, Column, Schema
from periodkit.time import NAT, to_micros_column

# Below this share of the matches, selecting the first rows by a partition
# beats sorting every match.
_TOP_K_SHARE = 0.25


class Question(Protocol):
    """What the evaluator reads of a query (``periodkit.query.select.Query`` is one)."""

    @property
    def where(self) -> tuple[Predicate, ...]: ...

    @property
    def order(self) -> tuple[SortKey, ...]: ...

    @property
    def fields(self) -> tuple[str, ...] | None: ...

    @property
    def offset(self) -> int: ...

    @property
    def limit(self) -> int | None: ...

    @property
    def fold_case(self) -> bool: ...

    @property
    def schema(self) -> Schema | None: ...


@dataclass(frozen=True)
class Result:
    """Positions of the selected rows in order (after offset/limit) and the match count."""

    positions: np.ndarray
    total: int

    def __repr__(self) -> str:
        return f"Result(positions={self.positions.tolist()}, total={self.total})"


# Null tests on a column whose nulls are a sentinel value: NaT is below every
# value a predicate can name, so it fails these comparisons as it stands...
_NAT_FAILS = frozenset({"eq", "gt", "ge", "in"})
# ...and NaN fails every comparison but inequality.
_NAN_FAILS = frozenset({"eq", "gt", "ge", "lt", "le", "in"})


@dataclass(frozen=True)
class _Array:
    """A column as one plain array, read only (it may be the frame's own memory).

    Nulls are marked by ``mask`` (a nullable pandas column's own mask), by a
    sentinel in ``values`` (``sentinel`` "nat": NaT, int64 min, which sorts
    first; "nan": NaN), or both; they are found only when a question needs
    them, and then only among the rows it reads.
    """

    values: np.ndarray
    mask: np.ndarray | None = None
    sentinel: Literal["nat", "nan"] | None = None

    def null_at(self, rows: np.ndarray | slice) -> np.ndarray | None:
        """The null mask of ``rows`` (None when none of them is null)."""
        null = None if self.mask is None else self.mask[rows]
        if self.sentinel == "nat":
            null = self.values[rows] == NAT if null is None else null | (self.values[rows] == NAT)
        elif self.sentinel == "nan":
            nan = np.isnan(self.values[rows])
            null = nan if null is None else null | nan
        return null if null is not None and null.any() else None

    @cached_property
    def null(self) -> np.ndarray | None:
        """The null mask of every row (None when nothing is null)."""
        return self.null_at(slice(None))

    def fails(self, op: str) -> bool:
        """Whether a null already fails ``op`` as it is stored, with no mask applied."""
        if self.mask is not None:
            return False
        if self.sentinel == "nat":
            return op in _NAT_FAILS
        return self.sentinel == "nan" and op in _NAN_FAILS


@dataclass(frozen=True)
class _Codes:
    """Text as integer codes (-1 for null) into ``texts``, and each code's sort rank.

    Two codes may stand for one text (a categorical's categories once
    casefolded, say); they then share a rank, and a predicate names both.
    """

    codes: np.ndarray
    texts: np.ndarray
    ranks: np.ndarray

    @classmethod
    def of(cls, codes: np.ndarray, texts: np.ndarray) -> _Codes:
        """Codes over ``texts``, ranked by text (only the distinct texts are sorted)."""
        ranks = np.unique(texts, return_inverse=True)[1] if len(texts) else np.empty(0, int)
        return cls(codes, texts, ranks.astype(np.int64).reshape(-1))

    def codes_of(self, texts: Iterable[str]) -> np.ndarray:
        """The codes of ``texts`` (none for a text no row holds)."""
        return np.flatnonzero(np.isin(self.texts, np.array(list(texts), dtype=object)))

    def holds(self, texts: Iterable[str]) -> np.ndarray:
        """The rows whose text is one of ``texts`` (never a null row)."""
        wanted = self.codes_of(texts)
        if len(wanted) == 1:
            # A Python int keeps the comparison in the codes' own (often int8) type.
            rows: np.ndarray = self.codes == int(wanted[0])
            return rows
        return np.isin(self.codes, wanted)


class Table:
    """A typed, columnar, read-only view of a DataFrame; columns convert on first use.

    Each column is read the cheapest exact way its dtype allows: int64,
    float64 and ``datetime64[us]`` (naive or aware) in place, nullable
    columns through their masks, Arrow-backed ints through Arrow's own
    buffers, other date units by one division or cast,
    a Categorical through its codes and categories, Arrow or object text by
    one factorisation. A column the questions never name is never read.
    Conversions are cached on the table (its only mutable state), so a
    table built once answers many queries at the cost of the masks and sort.
    """

    def __init__(self, frame: pd.DataFrame, schema: Schema) -> None:
        if not isinstance(frame, pd.DataFrame):
            raise QueryError(f"{quote(frame)} is not a pandas DataFrame")
        missing = [c.name for c in schema.columns if c.name not in frame.columns]
        if missing:
            raise QueryError(f"frame has no column(s) {quote(missing)} that the schema names")
        self._frame = frame
        self.schema = schema
        self._arrays: dict[str, _Array] = {}
        self._codes: dict[tuple[str, bool], _Codes] = {}

    @classmethod
    def from_frame(
        cls, frame: Frame, schema: Schema | Mapping[str, str], *, prepare: bool = False
    ) -> Table:
        """A table over ``frame``; ``prepare`` converts every column now instead of lazily.

        A pyarrow Table or a polars DataFrame is viewed as pandas with
        Arrow-backed columns (``periodkit.query.frames``).

        >>> t = Table.from_frame(pd.DataFrame({"n": [1, None]}), {"n": "int"}, prepare=True)
        >>> len(t)
        2
        """
        table = cls(_pandas_frame(frame), Schema.of(schema))
        if prepare:
            for column in table.schema.columns:
                if column.type in TEXT:
                    table.codes(column.name, fold=False)
                    table.codes(column.name, fold=True)
                else:
                    _ = table.array(column.name).null  # computed now, and cached
        return table

    @property
    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame (for a table over a frame, that frame)."""
        return self._frame

    def __len__(self) -> int:
        return len(self._frame)

    def column(self, name: str) -> Column:
        """The schema column ``name``; a name outside the schema is a ``QueryError``."""
        return self.schema.column(name)

    def array(self, name: str) -> _Array:
        """A non-text column as a plain array and its nulls."""
        column = self.column(name)
        if name not in self._arrays:
            self._arrays[name] = _convert(column, self._frame[name])
        return self._arrays[name]

    def codes(self, name: str, *, fold: bool) -> _Codes:
        """A text column as codes; with ``fold`` the codes are of the casefolded texts."""
        self.column(name)
        if not isinstance(fold, bool):
            raise QueryError(f"fold={quote(fold)} is not a bool")
        key = (name, fold)
        if key not in self._codes:
            if fold:
                base = self.codes(name, fold=False)
                folded = np.array([text.casefold() for text in base.texts], dtype=object)
                self._codes[key] = _Codes.of(base.codes, folded)
            else:
                self._codes[key] = _factorised(self._frame[name])
        return self._codes[key]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _factorised(series: pd.Series) -> _Codes:
    """A text column as codes: a Categorical's own, or one factorisation of the values."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes, uniques = series.cat.codes.to_numpy(), series.cat.categories
    else:
        codes, uniques = pd.factorize(series)
    return _Codes.of(codes, np.array([_text(u) for u in uniques.tolist()], dtype=object))


# Typed loosely: the type stubs do not show the masked arrays' buffers.
_MASKED_ARRAYS: Any = (pd.arrays.IntegerArray, pd.arrays.FloatingArray, pd.arrays.BooleanArray)


def _masked(series: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    """A nullable pandas column's values and mask, as it holds them (None for other columns)."""
    array = series.array
    if isinstance(array, _MASKED_ARRAYS):
        # pandas' masked arrays keep their values and mask as two numpy arrays
        # (``_data``, ``_mask``, stable since pandas 1.0 though not public):
        # reading them copies nothing, where every public path copies and fills.
        return array._data, array._mask
    return None


def _convert(column: Column, series: pd.Series) -> _Array:
    """One column in its plain-array form, typed by the schema."""
    try:
        if column.type == "datetime":
            return _Array(to_micros_column(series), sentinel="nat")
        masked = _masked(series)
        if column.type == "float":
            if masked is not None:
                return _Array(masked[0].astype(np.float64, copy=False), masked[1], "nan")
            if isinstance(series.dtype, np.dtype) and series.dtype.kind == "f":
                return _Array(series.to_numpy().astype(np.float64, copy=False), sentinel="nan")
            return _Array(series.to_numpy(dtype=np.float64, na_value=np.nan), sentinel="nan")
        if column.type == "bool":
            if masked is not None and masked[0].dtype == np.bool_:
                return _Array(masked[0].view(np.int8), masked[1])
            if series.dtype == np.bool_:
                return _Array(series.to_numpy().view(np.int8))
            flags = series.astype("boolean")
            return _Array(flags.to_numpy(dtype=np.int8, na_value=0), _null_mask(flags))
        if masked is not None and masked[0].dtype.kind == "i":
            return _Array(masked[0].astype(np.int64, copy=False), masked[1])
        if isinstance(series.dtype, np.dtype) and series.dtype.kind == "i":
            return _Array(series.to_numpy().astype(np.int64, copy=False))
        if isinstance(series.dtype, pd.ArrowDtype) and series.dtype.kind == "i":
            # Arrow fills the nulls and hands over the buffer (in place when
            # nothing is null); pandas' cast to Int64 would go through float64
            # and round values beyond 2**53 whenever the column has a null.
            return _Array(series.to_numpy(dtype=np.int64, na_value=0), _null_mask(series))
        ints = series.astype("Int64")
        return _Array(ints.to_numpy(dtype=np.int64, na_value=0), _null_mask(ints))
    except (TypeError, ValueError, ArithmeticError) as exc:  # decimals raise their own
        held = f"{column.data_type} values ({shorten(str(exc))})"
        raise QueryError(f"column {quote(column.name)} does not hold {held}") from None


def _null_mask(series: pd.Series) -> np.ndarray | None:
    null = series.isna().to_numpy()
    return null if null.any() else None


# --- predicates ----------------------------------------------------------------


def _text_mask(table: Table, pred: Predicate, fold: bool) -> np.ndarray:
    codes = table.codes(pred.field, fold=fold)
    values = pred.value if pred.op in ("in", "not_in") else (pred.value,)
    inside = codes.holds(v.casefold() if fold else v for v in values)
    if pred.op in ("in", "eq"):
        return inside
    inside |= codes.codes < 0
    return ~inside


def _value_mask(table: Table, pred: Predicate) -> np.ndarray:
    data = table.array(pred.field)
    values = data.values
    value = pred.value
    lo, hi = (value.first, value.last) if isinstance(value, Span) else (value, value)
    if pred.op in ("in", "not_in"):
        mask = np.isin(values, np.array(value, dtype=values.dtype), invert=pred.op == "not_in")
    elif pred.op in ("eq", "ne") and lo != hi:
        # Masks combine in place: on millions of rows, temporaries cost as much as compares.
        mask = values >= lo if pred.op == "eq" else values < lo
        if pred.op == "eq":
            mask &= values <= hi
        else:
            mask |= values > hi
    else:
        compare = {"eq": np.equal, "ne": np.not_equal, "gt": np.greater, "ge": np.greater_equal}
        compare |= {"lt": np.less, "le": np.less_equal}
        mask = compare[pred.op](values, hi if pred.op in ("gt", "le") else lo)
    if not data.fails(pred.op) and data.null is not None:
        mask &= ~data.null
    return mask


# The IR's values of each type (a date may be a number, a span of one microsecond).
_FITS: dict[str, tuple[type, ...]] = {
    "int": (int, float),
    "float": (int, float),
    "datetime": (Span, int),
    "bool": (bool,),
}


def _check_value(column: Column, pred: Predicate) -> None:
    """Refuse a value a grammar could not have produced for the column's type."""
    listed = pred.op in ("in", "not_in")
    if listed and not isinstance(pred.value, tuple | list):
        raise BadValueError(
            f"{pred.op} takes a tuple of values, not {quote(pred.value)}",
            pred.field,
            value=pred.value,
        )
    kinds = _FITS.get(column.type, (str,))
    for value in pred.value if listed else (pred.value,):
        fits = isinstance(value, kinds) and (column.type == "bool" or not isinstance(value, bool))
        # Whole numbers are int64, as the columns they are compared with.
        fits = fits and (not isinstance(value, int) or INT64_MIN <= value <= INT64_MAX)
        if (value is not None or listed) and not fits:
            raise BadValueError(
                f"Value {quote(value)} is not a {column.data_type} value for field {column.name}",
                pred.field,
                value=value,
            )


def _null_of(table: Table, field: str) -> np.ndarray:
    if table.column(field).type in TEXT:
        return table.codes(field, fold=False).codes < 0
    null = table.array(field).null
    return null if null is not None else np.zeros(len(table), dtype=bool)


def predicate_mask(table: Table, pred: Predicate, *, fold_case: bool = False) -> np.ndarray:
    """The rows of ``table`` that satisfy ``pred`` (a null satisfies only ``is_null``).

    The mask is a new array, which the caller may change in place.

    >>> t = Table.from_frame(pd.DataFrame({"n": [1, None, 3]}), {"n": "int"})
    >>> predicate_mask(t, Predicate("n", "ne", 1)).tolist()
    [False, False, True]
    """
    if pred.op in ("is_null", "not_null"):
        null = _null_of(table, pred.field)
        return null.copy() if pred.op == "is_null" else ~null
    if pred.value is None:
        return np.zeros(len(table), dtype=bool)
    column = table.column(pred.field)
    _check_value(column, pred)
    if column.type in TEXT:
        return _text_mask(table, pred, fold_case)
    return _value_mask(table, pred)


# --- sorting -------------------------------------------------------------------


def _with_nulls(values: np.ndarray, null: np.ndarray | None, lowest: Any) -> list[np.ndarray]:
    """Sort keys (most significant first) that put nulls before every value.

    One key when the type's lowest value is free to stand for null, else a
    null flag and the values.
    """
    if null is None:
        return [values]
    if not (values[~null] == lowest).any():
        return [np.where(null, lowest, values)]
    return [(~null).astype(np.int8), np.where(null, 0, values)]


def _reverse(key: np.ndarray) -> np.ndarray:
    # Bitwise not reverses int64 order without the overflow of negation.
    return ~key if key.dtype.kind == "i" else -key


def sort_keys(
    table: Table, key: SortKey, rows: np.ndarray | None = None, *, fold_case: bool = False
) -> list[np.ndarray]:
    """Arrays whose ascending lexicographic order is ``key``'s order, most significant first.

    Only ``rows`` (every row when None) are read, so a selective filter
    leaves less to transform.

    >>> t = Table.from_frame(pd.DataFrame({"n": [2, None, 1]}), {"n": "int"})
    >>> np.lexsort(sort_keys(t, SortKey("n", descending=True))[::-1]).tolist()
    [0, 2, 1]
    """
    pick = slice(None) if rows is None else rows
    column = table.column(key.field)
    if column.type in TEXT:
        codes = table.codes(key.field, fold=fold_case)
        keys = [np.append(codes.ranks, -1)[codes.codes[pick]]]
    else:
        data = table.array(key.field)
        values = data.values[pick]
        if column.type == "float":
            keys = _with_nulls(values, data.null_at(pick), -np.inf)
        elif data.sentinel == "nat" and data.mask is None:
            keys = [values]  # NaT is int64 min: nulls sort first already
        else:
            keys = _with_nulls(values.astype(np.int64, copy=False), data.null_at(pick), INT64_MIN)
    return [_reverse(k) for k in keys] if key.descending else keys


def _fuse(keys: list[np.ndarray]) -> list[np.ndarray]:
    """Integer keys packed into one int64 key when their value ranges fit together.

    One stable argsort on a packed key is several times faster than
    ``np.lexsort`` over its parts, and lets top-k partition on every key.
    """
    if len(keys) < 2 or any(k.dtype.kind != "i" for k in keys) or len(keys[0]) == 0:
        return keys
    lows = [int(k.min()) for k in keys]
    spans = [int(k.max()) - low + 1 for k, low in zip(keys, lows, strict=True)]
    if np.prod([float(s) for s in spans]) >= 2.0**62:
        return keys
    fused = np.zeros(len(keys[0]), dtype=np.int64)
    for key, low, span in zip(keys, lows, spans, strict=True):
        # key - low fits in int64 because the span does; wrap-around never shows.
        fused *= span
        fused += np.subtract(key, np.int64(low), dtype=np.int64)
    return [fused]


def _order(query: Question, table: Table, rows: np.ndarray, wanted: int | None) -> np.ndarray:
    """``rows`` stably ordered by the query's keys; with ``wanted``, only the first ones.

    For a small ``wanted`` the rows that can reach the front are found by a
    partition on the first key (every row tied with the cut-off is kept, so
    the result equals the full sort's first rows); the other keys are then
    read, and the sort done, for those rows only.
    """
    if not query.order or len(rows) == 0:
        return rows if wanted is None else rows[:wanted]
    fold = query.fold_case
    keys = sort_keys(table, query.order[0], rows, fold_case=fold)
    if wanted is not None and wanted < len(rows) * _TOP_K_SHARE:
        if wanted == 0:
            return rows[:0]
        lead = keys[0]
        near = np.flatnonzero(lead <= np.partition(lead, wanted - 1)[wanted - 1])
        rows, keys = rows[near], [k[near] for k in keys]
    keys += [k for key in query.order[1:] for k in sort_keys(table, key, rows, fold_case=fold)]
    keys = _fuse(keys)
    if len(keys) == 1:
        order = np.argsort(keys[0], kind="stable")
    else:
        order = np.lexsort(keys[::-1])
    ordered = rows[order]
    return ordered if wanted is None else ordered[:wanted]


def run(query: Question, source: Table | Frame, *, top_k: bool = True) -> Result:
    """Match, sort and slice: the selected positions in order and the match count.

    ``top_k=False`` always sorts every match (the reference the top-k path is
    tested and benchmarked against).

    >>> from periodkit.query.schema import Schema
    >>> from periodkit.query.select import Query
    >>> q = Query(where=(Predicate("n", "ge", 2),), offset=1, schema=Schema.of({"n": "int"}))
    >>> run(q, pd.DataFrame({"n": [3, 1, 2]}))
    Result(positions=[2], total=2)
    """
    table = source if isinstance(source, Table) else _table_for(query, source)
    mask = None
    for pred in query.where:
        part = predicate_mask(table, pred, fold_case=query.fold_case)
        if mask is None:
            mask = part
        else:
            mask &= part
    rows = np.arange(len(table)) if mask is None else np.flatnonzero(mask)
    end = None if query.limit is None else query.offset + query.limit
    ordered = _order(query, table, rows, end if top_k else None)
    return Result(ordered[query.offset : end], len(rows))


def _table_for(query: Question, frame: Frame) -> Table:
    if query.schema is None:
        raise QueryError("a query without a schema can only run on a Table")
    return Table(_pandas_frame(frame), query.schema)


def _pandas_frame(frame: Frame) -> pd.DataFrame:
    given = as_pandas(frame)
    if given is None:
        raise BadValueError(f"{type(frame).__name__} is not a DataFrame", value=frame)
    return given


def evaluate(query: Question, source: Table | Frame, *, top_k: bool = True) -> pd.DataFrame:
    """The selected rows, in order, of the projected columns only (the frame's index kept).

    ``top_k`` as for ``run``. A pyarrow Table or a polars DataFrame is read
    as pandas with Arrow-backed columns (``periodkit.query.frames``), and the
    answer is always a pandas DataFrame.

    >>> from periodkit.query.schema import Schema
    >>> from periodkit.query.select import Query
    >>> q = Query(fields=("n",), limit=1, schema=Schema.of({"n": "int", "s": "string"}))
    >>> evaluate(q, pd.DataFrame({"n": [3, 1], "s": ["x", "y"]}))
       n
    0  3
    """
    table = source if isinstance(source, Table) else _table_for(query, source)
    positions = run(query, table, top_k=top_k).positions
    names = query.fields if query.fields else table.schema.names
    for name in names:
        table.column(name)  # a name outside the schema is refused, not a KeyError
    frame = table.frame
    # Projection last: only the selected rows of the requested columns are copied.
    return pd.DataFrame(
        {name: frame[name].array.take(positions) for name in names},
        index=frame.index.take(positions),
        columns=list(names),
    )
