"""Actions as a columnar table, and the projection of their custom fields.

An ``ActionTable`` keeps one array per action field. Start and end
are int64 microseconds held sorted by start (with the permutation back to
the input order, or nothing when the input was already sorted), so that the
kernels of ``periodkit.kernels`` answer ``during`` with binary searches.
``team_id``, ``category`` and ``status`` are categoricals; ``created_at`` and
``updated_at`` int64 microseconds (NaT when missing); ``description`` and
``user`` object arrays. Each custom form field is a sparse column of
``periodkit.actions.forms``: a bitmap of the actions that have it, a running count
per 64 actions, and the values of those actions only.

>>> table = ActionTable.from_records([
...     {"id": "a1", "start_date": "2024-08-12T09:00:00Z", "end_date": "2024-08-12T10:00:00Z",
...      "category": "call", "form": {"department": "sales"}},
...     {"id": "a2", "start_date": "2024-08-01T00:00:00Z"},
... ])
>>> table.during(Period("2024-08-12", "2024-08-12T23:59:59")).tolist()
[0]
>>> present, values = table.form_values("department", [1, 0])
>>> present.tolist(), values
([False, True], ['sales'])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from itertools import chain, repeat
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from periodkit import kernels
from periodkit.actions import parquet
from periodkit.actions.forms import SparseColumn, form_columns
from periodkit.documents import Document, containers, keys, short
from periodkit.errors import ArgumentError, ParseError, Problem, ValidationError, problem_at, quote
from periodkit.periods import Period, PeriodSet
from periodkit.query.frames import Frame, as_pandas
from periodkit.time import (
    FIRST_US,
    LAST_US,
    NAT,
    POS_INF,
    format_instant,
    normalise_vector,
    object_array,
    to_micros,
    to_micros_column,
)

How = Literal["overlaps", "within"]

#: Fields stored as categoricals, as timestamps and as Python objects.
CATEGORICAL_FIELDS = ("team_id", "category", "status")
TIMESTAMP_FIELDS = ("created_at", "updated_at")
OBJECT_FIELDS = ("description", "user")
#: Every field of an action, in the order records and frames list them.
FIELDS = (
    "id",
    "team_id",
    "category",
    "description",
    "status",
    "user",
    "start_date",
    "end_date",
    *TIMESTAMP_FIELDS,
    "form",
)
_COLUMN_FIELDS = (*CATEGORICAL_FIELDS, *OBJECT_FIELDS, *TIMESTAMP_FIELDS)
_FORM_TYPES = frozenset({dict, type(None)})
_RECORD_KEYS = keys(*FIELDS)
_NO_ID = "an action needs an id"
# Reporting every bad row of ten million is no help; the first few say enough.
_MAX_PROBLEMS = 20


class ActionTable:
    """Actions held column by column, start and end sorted by start for the kernels.

    Build one with ``from_records``, ``from_frame`` or ``from_arrays``. Row
    positions (what ``during`` returns and ``column`` and ``form_values``
    take) are those of the input.

    >>> table = ActionTable.from_arrays(["b", "a"], [20, 10], [30, 10])
    >>> table.during(PeriodSet([Period.from_micros(10, 20)])).tolist(), table.ids.tolist()
    ([0, 1], ['b', 'a'])
    >>> table.during(Period.from_micros(10, 20), how="within").tolist()
    [1]
    """

    __slots__ = ("_columns", "_ends", "_form", "_ids", "_inverse", "_order", "_split", "_starts")

    def __init__(
        self,
        ids: np.ndarray,
        starts: np.ndarray,
        ends: np.ndarray,
        columns: Mapping[str, Any],
        form: Mapping[str, SparseColumn],
    ) -> None:
        """Prefer the ``from_*`` constructors; this takes validated arrays in input order.

        Arrays are kept without a copy where no sorting is needed; the table
        marks its own views read-only.
        """
        ids, starts, ends = ids.view(), starts.view(), ends.view()
        # A stable order: the answer in start order is then a gather, ties in input order.
        order, self._starts = kernels.start_order(starts)
        self._order: np.ndarray | None = order
        self._ends = ends if order is None else ends[order]
        for array in (self._starts, self._ends, ids):
            array.flags.writeable = False
        self._split = kernels.decompose(self._starts, self._ends)
        self._ids, self._columns, self._form = ids, dict(columns), dict(form)
        self._inverse: np.ndarray | None = None

    # --- construction ----------------------------------------------------------

    @classmethod
    def from_arrays(
        cls,
        ids: Sequence[Any] | np.ndarray,
        starts: Sequence[Any] | np.ndarray,
        ends: Sequence[Any] | np.ndarray | None = None,
        *,
        columns: Mapping[str, Sequence[Any] | np.ndarray] | None = None,
        form: Mapping[str, SparseColumn] | None = None,
    ) -> ActionTable:
        """A table from one array per field, in input order.

        ``starts`` and ``ends`` are int64 microseconds (the vector form) or
        datetime64 arrays or ISO strings; a missing end (NaT) is its start.
        ``columns`` holds any of ``team_id``, ``category``, ``status``,
        ``description``, ``user``, ``created_at``, ``updated_at``; ``form``
        maps custom field names to ``SparseColumn``s over the same rows.

        >>> ActionTable.from_arrays([1, 2], [0, 5], [9, 1])
        Traceback (most recent call last):
        ...
        periodkit.errors.ValidationError: /1/end_date: action 2: end_date \
'1970-01-01T00:00:00.000001Z' is before start_date '1970-01-01T00:00:00.000005Z'
        """
        _check_column("ids", ids)
        _check_column("starts", starts)
        if ends is not None:
            _check_column("ends", ends)
        if columns is not None and not isinstance(columns, Mapping):
            raise ArgumentError(f"columns {quote(columns)} is not a mapping of fields", "columns")
        for name, values in (columns or {}).items():
            _check_column(f"columns[{quote(name)}]", values)
        id_array = _id_array(ids) if isinstance(ids, list | tuple) else np.asarray(ids)
        doc = Document(limit=_MAX_PROBLEMS)
        # Checked here so that frames and arrays agree with records: an action needs an id.
        for index in np.flatnonzero(_missing(id_array))[:_MAX_PROBLEMS].tolist():
            doc.problem(_NO_ID, index, "id")
        lo = _vector(starts, "start_date", id_array, doc.problems)
        hi = _vector(starts if ends is None else ends, "end_date", id_array, doc.problems)
        stored = {}
        for name, values in (columns or {}).items():
            stored[name] = _column(name, values, id_array, doc)
        sizes: dict[tuple[str, ...], int] = {
            (name,): len(values) for name, values in stored.items()
        }
        sizes.update({("start_date",): len(lo), ("end_date",): len(hi)})
        sizes.update({("form", name): len(column) for name, column in (form or {}).items()})
        for where, size in sizes.items():
            if size != len(id_array):
                doc.problem(f"has {size} values for {len(id_array)} actions", *where)
        doc.check()
        _check_bounds(id_array, lo, hi, doc)
        doc.check()
        missing_end = hi == NAT
        if missing_end.any():
            hi = np.where(missing_end, lo, hi)
        return cls(id_array, lo, hi, stored, form or {})

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> ActionTable:
        """A table from the dataset's action records, dates as ISO text.

        Every problem found is reported at once, located as ``/<index>/<field>``.

        >>> ActionTable.from_records([{"id": "a1"}])
        Traceback (most recent call last):
        ...
        periodkit.errors.ValidationError: /0/start_date: action 'a1' has no start_date
        """
        doc = Document(limit=_MAX_PROBLEMS)
        rows = doc.array(records, required=True, what="the action records")
        doc.check()
        # The common case, plain records with an id and an object or no form, is seen
        # column by column; any other is read record by record to name each problem.
        # One set of every key (chained, not a union of a million key views) also tells
        # which fields no record has: those columns are all None without a pass.
        names = set(chain.from_iterable(rows)) if set(map(type, rows)) <= {dict} else None
        plain = names is not None and names <= _RECORD_KEYS
        field: dict[str, Any] = {}
        if names is not None and plain:
            none = [None] * len(rows)
            field = {
                name: list(map(dict.get, rows, repeat(name))) if name in names else none
                for name in FIELDS
            }
        if not plain or None in field["id"] or not set(map(type, field["form"])) <= _FORM_TYPES:
            for _, record in doc.each(rows):
                if doc.mapping(record, _RECORD_KEYS):
                    # Also checked by from_arrays, but here it is reported with the others.
                    if record.get("id") is None:
                        doc.problem(_NO_ID, "id")
                    doc.kind(record.get("form"), ("object",), "form")
                if doc.full:
                    break
            doc.check()
            field = {name: _field(rows, name) for name in FIELDS}
        # In a record only ISO text and date objects are instants: as
        # object arrays, whole numbers are rejected as such rather than read the way
        # from_arrays reads a list of ints, as microseconds.
        for name in ("start_date", "end_date", *TIMESTAMP_FIELDS):
            # Refused here, where the reader names them briefly: the parser would quote an
            # object or array whole, and a deep one has no bounded repr.
            for index in containers(field[name]):
                with doc.at(index):
                    prefix = f"action {short(field['id'][index])}: "
                    doc.bound(field[name][index], "start", name, prefix=prefix)
            field[name] = object_array(field[name])
        doc.check()
        present = {
            name: field[name] for name in _COLUMN_FIELDS if any(v is not None for v in field[name])
        }
        return cls.from_arrays(
            _id_array(field["id"]),
            field["start_date"],
            field["end_date"],
            columns=present,
            form=form_columns(len(rows), field["form"]),
        )

    @classmethod
    def from_frame(cls, frame: Frame) -> ActionTable:
        """A table from a DataFrame with one column per action field.

        Datetime columns may be naive (read as UTC) or aware; ``form`` holds
        one mapping (or a missing value) per action. A pyarrow Table or a
        polars DataFrame is read as pandas with Arrow-backed columns.

        >>> frame = pd.DataFrame({"id": ["a"], "start_date": pd.to_datetime(["2024-01-01"])})
        >>> ActionTable.from_frame(frame).to_frame()["end_date"].tolist()
        [Timestamp('2024-01-01 00:00:00+0000', tz='UTC')]
        """
        given = as_pandas(frame)
        if given is None:
            raise ValidationError([{"pointer": "", "detail": f"{short(frame)} is not a DataFrame"}])
        frame = given
        repeated = frame.columns[frame.columns.duplicated()].unique().tolist()
        if repeated:
            raise ValidationError(
                [
                    problem_at(None, name, f"column {quote(name)} appears more than once")
                    for name in repeated
                ]
            )
        unknown = [name for name in frame.columns if name not in FIELDS]
        if unknown or "id" not in frame.columns or "start_date" not in frame.columns:
            raise ValidationError(
                [
                    {"pointer": f"/{name}", "detail": f"{quote(name)} is not a field of an action"}
                    for name in unknown
                ]
                or [
                    {"pointer": "/", "detail": "a frame of actions needs id and start_date columns"}
                ]
            )
        forms = frame["form"].tolist() if "form" in frame.columns else [None] * len(frame)
        return cls.from_arrays(
            frame["id"].tolist(),
            _frame_values(frame["start_date"]),
            _frame_values(frame["end_date"]) if "end_date" in frame.columns else None,
            columns={
                name: _frame_values(frame[name]) for name in _COLUMN_FIELDS if name in frame.columns
            },
            form=form_columns(len(frame), [f if isinstance(f, Mapping) else None for f in forms]),
        )

    @classmethod
    def from_parquet(cls, path: str | Path, columns: Sequence[str] | None = None) -> ActionTable:
        """A table from a Parquet file or a dataset directory of them (needs pyarrow).

        ``columns`` names the fields to read besides ``id``, ``start_date`` and
        ``end_date``, which are always read (all fields by default). A dataset
        that ``periodkit sample --parquet`` or ``write_actions`` wrote is read
        file by file in start order.

        >>> import tempfile
        >>> from periodkit.actions.parquet import write_actions
        >>> from periodkit.actions.sample import actions
        >>> folder = tempfile.mkdtemp()
        >>> _ = write_actions(folder, actions(5, chunk=2))
        >>> table = ActionTable.from_parquet(folder, columns=["status"])
        >>> len(table), table.to_frame().columns.tolist()
        (5, ['id', 'status', 'start_date', 'end_date'])
        """
        return cls.from_frame(parquet.read_frame(path, columns))

    # --- queries -----------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def ids(self) -> np.ndarray:
        """The ids in input order (read-only)."""
        return self._ids

    @property
    def form_fields(self) -> tuple[str, ...]:
        """The custom form fields some action has, in the order first seen."""
        return tuple(self._form)

    def during(
        self,
        period_or_set: Period | PeriodSet,
        how: How = "overlaps",
        *,
        order: Literal["input", "start"] = "input",
    ) -> np.ndarray:
        """Input positions of the actions that overlap (or lie within) a period or a set.

        Ascending by default; ``order="start"`` sorts them by start instead,
        ties in input order.

        >>> table = ActionTable.from_records([
        ...     {"id": "a", "start_date": "2024-08-12T09:00Z", "end_date": "2024-08-12T10:00Z"},
        ...     {"id": "b", "start_date": "2024-08-12T08:00:00Z"}])
        >>> table.during(Period("2024-08-12T08:30:00Z", None)).tolist()
        [0]
        """
        atoms = atoms_of(period_or_set)
        if not isinstance(how, str) or not isinstance(order, str):
            how, order = quote(how), quote(order)
            raise ArgumentError(f"how={how} and order={order} must be strings")
        if how == "overlaps":
            found = kernels.overlaps(self._starts, self._ends, *atoms, self._split)
        else:
            check_how(how)
            found = kernels.within(self._starts, self._ends, *atoms)
        if order == "input":
            return kernels.to_input_order(found, self._order)
        if order != "start":
            raise ArgumentError(f"order={quote(order)} is unknown (expected 'input' or 'start')")
        # The kept order is stable, so ascending sorted positions are already by (start, input).
        return found if self._order is None else self._order[found].astype(np.int64)

    def bounds(
        self, positions: Sequence[int] | np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Start and end (int64 microseconds) of the actions at input positions (all by default).

        >>> ActionTable.from_arrays(["a", "b"], [5, 0], [9, 3]).bounds()[0].tolist()
        [5, 0]
        """
        rows = self._sorted_rows(positions)
        return self._starts[rows], self._ends[rows]

    def column(self, name: str, positions: Sequence[int] | np.ndarray | None = None) -> np.ndarray:
        """One field's values at input positions (all by default).

        ``start_date``, ``end_date`` and the timestamps are int64 microseconds
        (NaT when missing); other fields an object array, ``None`` when missing.

        >>> ActionTable.from_arrays(["a", "b"], [0, 0], columns={"status": ["done", None]}).column(
        ...     "status").tolist()
        ['done', None]
        """
        _check_name(name)
        rows = np.arange(len(self)) if positions is None else self._positions(positions)
        if name == "id":
            return self._ids[rows]
        if name in ("start_date", "end_date"):
            return self.bounds(rows)[name == "end_date"]
        if name not in _COLUMN_FIELDS:
            raise ArgumentError(
                f"{quote(name)} is not a column of an action (expected one of {FIELDS})"
            )
        values = self._columns.get(name)
        if values is None:
            if name in TIMESTAMP_FIELDS:
                return np.full(len(rows), NAT, dtype=np.int64)
            return np.full(len(rows), None, dtype=object)
        if isinstance(values, pd.Categorical):
            return _categorical_objects(values, rows)
        chosen: np.ndarray = values[rows]
        return chosen

    def equals(
        self,
        name: str,
        value: object,
        positions: Sequence[int] | np.ndarray | None = None,
        *,
        missing: bool = False,
    ) -> np.ndarray:
        """Whether each action at input positions has ``value`` in a categorical field.

        Compares category codes, with no Python loop over actions; with
        ``missing=True`` an action without a value matches too.

        >>> table = ActionTable.from_arrays(["a", "b", "c"], [0, 0, 0],
        ...                                 columns={"team_id": ["t1", "t2", None]})
        >>> table.equals("team_id", "t1", missing=True).tolist()
        [True, False, True]
        """
        if _check_name(name) not in CATEGORICAL_FIELDS:
            raise ArgumentError(
                f"{quote(name)} is not a categorical field (expected one of {CATEGORICAL_FIELDS})",
                name,
            )
        rows = np.arange(len(self)) if positions is None else self._positions(positions)
        values = self._columns.get(name)
        if values is None:
            return np.full(len(rows), missing)
        codes = values.codes[rows]
        try:
            code = values.categories.get_loc(value)
        except Exception:
            # Not a category (a list or other non-scalar cannot be one): nothing equals it.
            code = -2
        found: np.ndarray = codes == code
        return (found | (codes == -1)) if missing else found

    def form_values(
        self, name: str, positions: Sequence[int] | np.ndarray
    ) -> tuple[np.ndarray, list[Any]]:
        """For the actions at input positions: whether each has custom field ``name``, and
        the values of those that do, in order, as plain Python objects.

        A field no action has is absent everywhere.

        >>> table = ActionTable.from_records([
        ...     {"id": "a", "start_date": "2024-08-12", "form": {"x": 1}},
        ...     {"id": "b", "start_date": "2024-08-12"}])
        >>> present, values = table.form_values("x", [1, 0])
        >>> present.tolist(), values
        ([False, True], [1])
        """
        rows = self._positions(positions)
        column = self._form.get(_check_name(name))
        if column is None:
            return np.zeros(len(rows), dtype=bool), []
        present, found = column.lookup(rows)
        return present, _plain(found)

    def to_frame(self) -> pd.DataFrame:
        """The table back as pandas, in input order: one column per stored field.

        Dates are ``datetime64[us, UTC]`` (the infinities stay that type's
        extreme values, so ``from_frame`` reads them back); ``form`` holds one
        dict per action when any action has a custom field.

        >>> ActionTable.from_arrays(["a"], [0], [1]).to_frame()["end_date"].dt.microsecond.tolist()
        [1]
        """
        starts, ends = self.bounds()
        data: dict[str, Any] = {"id": self._ids, "start_date": starts, "end_date": ends}
        data.update(self._columns)
        for name in ("start_date", "end_date", *TIMESTAMP_FIELDS):
            if name in data:
                stamps = pd.Series(np.asarray(data[name]).view("datetime64[us]"))
                data[name] = stamps.dt.tz_localize("UTC")
        if self._form:
            forms: list[dict[str, Any]] = [{} for _ in range(len(self))]
            for name, column in self._form.items():
                for row, value in zip(
                    column.positions().tolist(), _plain(column.values()), strict=True
                ):
                    forms[row][name] = value
            data["form"] = forms
        return pd.DataFrame({name: data[name] for name in FIELDS if name in data})

    def memory(self) -> dict[str, int]:
        """Bytes held: ``fixed`` in fixed-width arrays, ``objects`` in object arrays' pointers.

        The Python objects those pointers reach (the strings and JSON values
        of the records) are not counted.

        >>> ActionTable.from_arrays([1, 2], [0, 5]).memory()
        {'fixed': 48, 'objects': 0}
        """
        arrays = [self._starts, self._ends, self._ids, *self._columns.values()]
        if self._order is not None:
            arrays.append(self._order)
        for part in self._split.parts:
            arrays.extend((part.rows, part.starts, part.ends))
        for column in self._form.values():
            arrays.extend(column.buffers())
        held = {"fixed": 0, "objects": 0}
        for array in arrays:
            kind = (
                "objects" if isinstance(array, np.ndarray) and array.dtype.kind == "O" else "fixed"
            )
            held[kind] += array.codes.nbytes if isinstance(array, pd.Categorical) else array.nbytes
        return held

    # --- internals -----------------------------------------------------------------

    def _positions(self, positions: Sequence[int] | np.ndarray) -> np.ndarray:
        """Input positions as int64, each checked to be a row (0 to n - 1).

        A negative position is refused rather than counted from the end: a
        caller's off-by-one would otherwise fetch the last action silently.
        """
        try:
            rows = np.asarray(positions)
        except (ValueError, TypeError):  # ragged or too deep to be an array at all
            rows = np.empty((0, 0))
        if rows.ndim != 1 or (rows.dtype.kind not in "iu" and len(rows)):
            raise ArgumentError(
                f"positions {short(positions)} are not a list of row numbers", "positions"
            )
        rows = rows.astype(np.int64, copy=False)
        outside = np.flatnonzero((rows < 0) | (rows >= len(self)))
        if len(outside):
            index = int(outside[0])
            raise ArgumentError(
                f"position {int(rows[index])} (item {index}) is not a row of the table "
                f"(expected 0 to {len(self) - 1})",
                f"positions/{index}",
            )
        return rows

    def _sorted_rows(self, positions: Sequence[int] | np.ndarray | None) -> np.ndarray | slice:
        """Where input positions sit in the start-sorted arrays."""
        # All rows need no check: the inverse permutation itself places them.
        rows = slice(None) if positions is None else self._positions(positions)
        if self._order is None:
            return rows
        if self._inverse is None:
            inverse = np.empty(len(self._order), dtype=self._order.dtype)
            inverse[self._order] = np.arange(len(self._order), dtype=self._order.dtype)
            self._inverse = inverse
        return self._inverse[rows]


def atoms_of(period_or_set: Period | PeriodSet) -> tuple[np.ndarray, np.ndarray]:
    """The atoms of a period or a set as the kernels take them: two int64 arrays.

    >>> [a.tolist() for a in atoms_of(Period.from_micros(3, 7))]
    [[3], [7]]
    """
    if isinstance(period_or_set, Period):
        return np.array([period_or_set.lo]), np.array([period_or_set.hi])
    if isinstance(period_or_set, PeriodSet):
        return period_or_set.bounds()
    raise ArgumentError(f"{quote(period_or_set)} is not a Period or a PeriodSet")


def check_how(how: object) -> None:
    """Refuse a ``how`` other than ``"overlaps"`` or ``"within"``."""
    if how not in ("overlaps", "within"):
        raise ArgumentError(f"how={quote(how)} is unknown (expected 'overlaps' or 'within')")


# --- building columns ------------------------------------------------------------


def _is_int64(value: object) -> bool:
    return bool(
        isinstance(value, int | np.integer)
        and not isinstance(value, bool)
        and NAT <= value <= POS_INF
    )


def _check_name(name: object) -> str:
    """A field name, which only text can be."""
    if not isinstance(name, str):
        raise ArgumentError(f"field name {quote(name)} is not a string", "name")
    return name


def _check_column(name: str, values: object) -> None:
    """Refuse an argument that is not one flat column of values."""
    flat = (
        values.ndim == 1 if isinstance(values, np.ndarray) else not isinstance(values, str | bytes)
    )
    if not flat or not isinstance(values, Sequence | np.ndarray | pd.Series | pd.Categorical):
        raise ArgumentError(f"{name} {quote(values)} is not a flat column of values", name)


def _field(rows: list[Any], name: str) -> list[Any]:
    """The values of field ``name`` in each record, None where absent (records are mappings)."""
    if set(map(type, rows)) <= {dict}:
        return list(map(dict.get, rows, repeat(name)))
    return [record.get(name) for record in rows]


def _missing(ids: np.ndarray) -> np.ndarray:
    """A mask of the ids that are missing (None, NaN, NaT).

    ``pd.isna`` raises on a signalling-NaN ``Decimal``, which compares with
    nothing; only then is each id looked at on its own.
    """
    try:
        return np.asarray(pd.isna(ids), dtype=bool)
    except ArithmeticError:
        return np.fromiter(
            (
                i is None
                or i is pd.NaT
                or (isinstance(i, float) and i != i)
                or (isinstance(i, Decimal) and i.is_nan())
                for i in ids
            ),
            dtype=bool,
            count=len(ids),
        )


def _id_array(ids: Sequence[Any]) -> np.ndarray:
    """Whole-number ids as int64 (8 bytes each); any other ids as an object array."""
    if ids and all(_is_int64(i) for i in ids):
        return np.asarray(ids, dtype=np.int64)
    return object_array(ids)


def _vector(
    values: Sequence[Any] | np.ndarray, field: str, ids: np.ndarray, problems: list[Problem]
) -> np.ndarray:
    """Instants in the vector form; missing ones NaT; bad ones reported per action."""
    array = values if isinstance(values, np.ndarray) else None
    if array is None and all(_is_int64(value) for value in values):
        array = np.asarray(values, dtype=np.int64)
    if array is not None and array.dtype.kind in "iu":
        return _vector_form(array.astype(np.int64, copy=False))
    if array is not None and array.dtype.kind == "M":
        return to_micros_column(array)
    try:
        return to_micros_column(values)
    except ParseError:
        # Not all text, or some bad text: one value at a time, to name each culprit.
        out = np.empty(len(values), dtype=np.int64)
        for index, value in enumerate(values):
            try:
                out[index] = NAT if value is None or value is pd.NaT else to_micros(value)
            except ParseError as exc:
                problems.append(
                    problem_at(index, field, f"action {quote(_plain_id(ids, index))}: {exc}")
                )
                out[index] = NAT
        return out


def _vector_form(array: np.ndarray) -> np.ndarray:
    """int64 micros with the first and last instants folded onto the infinities.

    Arrays that hold neither are used as they are: at ten million actions a
    copy is 80 MB that buys nothing.
    """
    if len(array) and (array.min() <= FIRST_US or array.max() >= LAST_US):
        return normalise_vector(array)
    return array


def _plain_id(ids: np.ndarray, index: int) -> Any:
    if index >= len(ids):
        return None  # more values than ids: the lengths are reported apart
    return ids[index].item() if isinstance(ids[index], np.generic) else ids[index]


def _column(name: str, values: Any, ids: np.ndarray, doc: Document) -> Any:
    if name in CATEGORICAL_FIELDS:
        if isinstance(values, pd.Categorical):
            return values
        items = list(values)
        try:
            return pd.Categorical(items)
        except (TypeError, ValueError, ArithmeticError):
            # Values that cannot be hashed (lists, dicts, a signalling-NaN Decimal)
            # or sorted among the others (a tuple beside numbers) fail: name each.
            found = len(doc.problems)
            for index, value in enumerate(items):
                if not _category(value):
                    detail = f"{name} {short(value)} is not a string or a number"
                    doc.problem(f"action {quote(_plain_id(ids, index))}: {detail}", index, name)
                    if doc.full:
                        break
            if len(doc.problems) == found:
                # No value named: pandas failed on their mix. Never drop a column silently.
                doc.problem(f"the {name} values cannot be sorted together", name)
            return pd.Categorical([None] * len(items))
    if name in TIMESTAMP_FIELDS:
        return _vector(values, name, ids, doc.problems)
    if name in OBJECT_FIELDS:
        # A frame writes a missing value as NaN; records and JSON mean None.
        out = object_array(values)
        out[_missing(out)] = None
        return out
    doc.problem(f"{quote(name)} is not a column of an action", name)
    return object_array(values)


def _category(value: object) -> bool:
    """Whether ``value`` can be a category: a text, a number or a missing value."""
    if value is None or value is pd.NA or isinstance(value, str | float | np.floating):
        return True
    if isinstance(value, Decimal):
        return not value.is_snan()
    return isinstance(value, int | np.integer)


def _check_bounds(ids: np.ndarray, lo: np.ndarray, hi: np.ndarray, doc: Document) -> None:
    for index in np.flatnonzero(lo == NAT)[:_MAX_PROBLEMS].tolist():
        doc.problem(f"action {quote(_plain_id(ids, index))} has no start_date", index, "start_date")
    for index in np.flatnonzero((hi < lo) & (hi != NAT))[:_MAX_PROBLEMS].tolist():
        doc.problem(
            f"action {quote(_plain_id(ids, index))}: end_date "
            f"{quote(format_instant(int(hi[index]), precision='us'))} is before start_date "
            f"{quote(format_instant(int(lo[index]), precision='us'))}",
            index,
            "end_date",
        )


def _categorical_objects(values: pd.Categorical, rows: np.ndarray) -> np.ndarray:
    """The categorical's values at ``rows`` as an object array, None where missing."""
    codes = values.codes[rows]
    out = np.full(len(codes), None, dtype=object)
    known = codes >= 0
    out[known] = np.asarray(values.categories, dtype=object)[codes[known]]
    return out


def _plain(values: Any) -> list[Any]:
    """Values as plain Python objects (numpy scalars and categoricals unwrapped)."""
    plain: list[Any] = (
        _categorical_objects(values, np.arange(len(values))).tolist()
        if isinstance(values, pd.Categorical)
        else np.asarray(values).tolist()
    )
    return plain


def _frame_values(series: pd.Series) -> Any:
    """A frame column as numpy; date columns, naive or aware, in the vector form."""
    if series.dtype.kind == "M":
        return to_micros_column(series)
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.array
    if isinstance(series.dtype, pd.api.extensions.ExtensionDtype) and series.hasnans:
        # Through numpy, nullable ints (Int64, Arrow) would come out as floats:
        # 7 as 7.0, and every value past 2**53 rounded.
        return series.to_numpy(dtype=object)
    return series.to_numpy()
