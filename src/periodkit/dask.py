"""Actions and queries on Dask: the same kernels and the same evaluator, one partition at a time.

For actions or tables that outgrow one machine's memory, the calls of
``ActionTable.during`` and ``Query.evaluate`` run over a Dask DataFrame and
give the same answers:

* ``during(ddf, period_or_set, how)`` builds an ``ActionTable`` of each
  partition's id, start and end, asks it with the numpy kernels, and keeps
  the matching rows in start order. A frame indexed by ``start_date`` with
  known divisions (``read_actions`` gives one) is read only where a match
  can be: partitions that start after every atom, or end before it, are
  never read.
* ``evaluate(query, ddf)`` (and ``select``, which also gives the number of
  matches) runs the query's predicates and a top-k of its sort on each
  partition, then one merge of those few rows on the caller's side: no
  shuffle, whatever the size of the frame.
* ``read_actions(path)`` reads a Parquet dataset partitioned by start
  (``periodkit.actions.parquet``) as a frame indexed by ``start_date``, one
  partition per row group, with divisions and each partition's latest end
  taken from the files' statistics.

The entity graph's ``effective`` validity is not here: it runs on one
machine. Importing this module needs the ``dask`` extra.

>>> import pandas as pd
>>> import dask.dataframe as dd
>>> from periodkit import Period
>>> frame = pd.DataFrame({"id": ["a", "b", "c"],
...                       "start_date": pd.to_datetime(["2024-01-03", "2024-01-01", "2024-02-01"]),
...                       "end_date": pd.to_datetime(["2024-01-04", "2024-01-09", "2024-02-01"])})
>>> ddf = dd.from_pandas(frame, npartitions=2)
>>> during(ddf, Period("2024-01-02", "2024-01-31")).compute()["id"].tolist()
['b', 'a']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from periodkit.actions.parquet import Piece, pieces, pyarrow, read_piece
from periodkit.actions.table import ActionTable, How, atoms_of, check_how
from periodkit.errors import ArgumentError, QueryError, quote
from periodkit.kernels import to_domain
from periodkit.periods import Period, PeriodSet
from periodkit.query.evaluate import Question, Table, run
from periodkit.query.schema import Schema
from periodkit.query.select import Query
from periodkit.time import NAT, to_micros_column

try:
    import dask.dataframe as dd
    from dask.base import compute
    from dask.delayed import delayed
except ImportError as exc:  # pragma: no cover - the message is the point
    raise ImportError(
        "periodkit.dask needs Dask: pip install 'periodkit[dask]' "
        "(dask[dataframe], distributed and pyarrow)"
    ) from exc

START = "start_date"

# The start and end bounds (int64 micros) of each partition of the frames that
# read_actions made, by the frame's name; other frames measure their own.
_BOUNDS: dict[str, _Bounds] = {}


@dataclass(frozen=True)
class _Bounds:
    """Per partition: the earliest and latest start, and the latest end (NaT: no rows)."""

    first: np.ndarray
    last: np.ndarray
    reach: np.ndarray


@dataclass(frozen=True)
class Selection:
    """The selected rows of a query (what ``Query.evaluate`` gives) and the number of matches."""

    rows: pd.DataFrame
    total: int


def read_actions(path: str | Path, columns: Sequence[str] | None = None) -> dd.DataFrame:
    """A Parquet dataset of actions as a Dask DataFrame indexed by ``start_date``.

    Each row group is a partition; the divisions come from the row groups'
    statistics, so nothing but the footers is read here. ``columns`` names
    the fields to keep besides the index (all by default).

    >>> import tempfile
    >>> from periodkit.actions.parquet import write_actions
    >>> from periodkit.actions.sample import actions
    >>> folder = tempfile.mkdtemp()
    >>> _ = write_actions(folder, actions(6, chunk=2))
    >>> ddf = read_actions(folder, columns=["id", "end_date"])
    >>> ddf.npartitions, ddf.known_divisions, list(ddf.columns)
    (3, True, ['id', 'end_date'])
    """
    found = [piece for piece in pieces(path) if piece.rows]
    if not found:
        raise ArgumentError(f"{quote(str(path))} holds no actions", "path")
    schema = pyarrow().parquet.read_schema(found[0].path)
    meta = schema.empty_table().to_pandas()
    if START not in meta.columns:
        raise ArgumentError(f"{quote(str(found[0].path))} has no start_date column", "path")
    meta = meta.set_index(START)
    if columns is not None:
        unknown = [name for name in columns if name not in meta.columns]
        if unknown:
            raise ArgumentError(
                f"{quote(unknown)} are not columns of {quote(str(path))} (expected some of "
                f"{list(meta.columns)})",
                "columns",
            )
        meta = meta[list(columns)]
    ddf: dd.DataFrame = dd.from_map(
        _read,
        found,
        columns=list(meta.columns),
        meta=meta,
        divisions=_divisions(found),
        label="read-actions",
        enforce_metadata=False,
    )
    if all(p.first is not None and p.last is not None and p.reach is not None for p in found):
        _BOUNDS[ddf._name] = _Bounds(
            *(np.array([getattr(p, side) for p in found]) for side in ("first", "last", "reach"))
        )
    return ddf


def _read(piece: Piece, columns: Sequence[str] | None = None) -> pd.DataFrame:
    wanted = None if columns is None else [START, *columns]
    return read_piece(piece, wanted).set_index(START)


def _divisions(found: list[Piece]) -> tuple[pd.Timestamp, ...] | None:
    """The divisions of pieces in start order, or None when their starts overlap or are unknown.

    Dask needs them strictly increasing; they are clipped to the timeline's
    first and last instants, which a timestamp can show (the pieces' own
    bounds, kept apart, still hold the infinities).
    """
    firsts = [p.first for p in found if p.first is not None]
    lasts = [p.last for p in found if p.last is not None]
    if len(firsts) < len(found) or len(lasts) < len(found):
        return None
    if any(last >= first for first, last in zip(firsts[1:], lasts[:-1], strict=True)):
        return None
    clipped = to_domain(np.array([*firsts, lasts[-1]], dtype=np.int64)).tolist()
    return tuple(pd.Timestamp(us, unit="us", tz="UTC") for us in clipped)


# --- during ----------------------------------------------------------------------


def during(
    ddf: dd.DataFrame, period_or_set: Period | PeriodSet, how: How = "overlaps"
) -> dd.DataFrame:
    """The actions of ``ddf`` that overlap (or lie within) a period or a set, in start order.

    ``ddf`` has the columns ``ActionTable.from_frame`` reads (``id``,
    ``start_date``, ``end_date``...), ``start_date`` possibly as its index.
    The rows come back unchanged, in start order within each partition
    (ties in their order): across the whole frame when it is indexed by
    ``start_date`` with known divisions. Such a frame is pruned first: its
    partitions that cannot hold a match are left out of the computation.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"id": [1, 2], "start_date": pd.to_datetime(["2024-01-01"] * 2),
    ...                       "end_date": pd.to_datetime(["2024-01-01", "2024-03-01"])})
    >>> ddf = dd.from_pandas(frame.set_index("start_date"), npartitions=1)
    >>> during(ddf, Period("2024-02-01", None)).compute()["id"].tolist()
    [2]
    """
    atoms = atoms_of(period_or_set)
    check_how(how)
    _check_frame(ddf)
    if (START not in ddf.columns and ddf.index.name != START) or "id" not in ddf.columns:
        raise ArgumentError(
            f"a frame of actions needs id and start_date columns, not {list(ddf.columns)}", "ddf"
        )
    if ddf.index.name == START and ddf.known_divisions:
        keep = _partitions_to_read(_bounds(ddf), atoms, how)
        if not keep.any():
            nothing: dd.DataFrame = dd.from_pandas(ddf._meta, npartitions=1)
            return nothing
        if not keep.all():
            ddf = ddf.partitions[np.flatnonzero(keep).tolist()]
    selected: dd.DataFrame = ddf.map_partitions(
        _during_partition, period_or_set, how, meta=ddf._meta
    )
    return selected


def _check_frame(ddf: object) -> None:
    if not isinstance(ddf, dd.DataFrame):
        raise ArgumentError(f"{type(ddf).__name__} is not a Dask DataFrame", "ddf")


def _with_start(part: pd.DataFrame) -> pd.DataFrame:
    """A partition with ``start_date`` as a column, taken from its index when it is there."""
    if START in part.columns:
        return part
    return part.assign(**{START: part.index.array})


def _during_partition(part: pd.DataFrame, period_or_set: Period | PeriodSet, how: How) -> Any:
    frame = _with_start(part)
    starts = to_micros_column(frame[START])
    ends = to_micros_column(frame["end_date"]) if "end_date" in frame.columns else None
    table = ActionTable.from_arrays(frame["id"].to_numpy(), starts, ends)
    return part.iloc[table.during(period_or_set, how, order="start")]


def _bounds(ddf: dd.DataFrame) -> _Bounds:
    """Each partition's bounds: from Parquet statistics, else its divisions and one pass over
    its start and end columns for the latest end (an empty partition's is NaT)."""
    known = _BOUNDS.get(ddf._name)
    if known is not None:
        return known
    edges = to_micros_column(pd.Series(ddf.divisions))
    kept = [name for name in (START, "end_date") if name in ddf.columns]
    parts = ddf[kept].to_delayed() if kept else ddf.index.to_frame().to_delayed()
    reach = compute(*[delayed(_latest_end)(part) for part in parts])
    return _Bounds(edges[:-1], edges[1:], np.array(reach, dtype=np.int64))


def _latest_end(part: pd.DataFrame) -> int:
    if not len(part):
        return NAT
    frame = _with_start(part)
    starts = to_micros_column(frame[START])
    if "end_date" not in frame.columns:
        return int(starts.max())
    ends = to_micros_column(frame["end_date"])
    return int(np.where(ends == NAT, starts, ends).max())


def _partitions_to_read(bounds: _Bounds, atoms: tuple[np.ndarray, np.ndarray], how: How) -> Any:
    """Which partitions can hold a match: a necessary condition, on bounds in the domain form.

    A row overlaps an atom only if it starts before the atom ends and ends
    after it starts; it lies within one only if it starts inside it. The
    first atom that ends at or after a partition's first start is, atoms
    being sorted, the one that starts earliest among those it can meet.
    """
    atom_starts, atom_ends = (to_domain(a) for a in atoms)
    if not len(atom_starts):
        return np.zeros(len(bounds.first), dtype=bool)
    first = to_domain(bounds.first)
    reaching = np.searchsorted(atom_ends, first, side="left")
    some = reaching < len(atom_ends)
    earliest = atom_starts[np.minimum(reaching, len(atom_starts) - 1)]
    latest = bounds.reach if how == "overlaps" else bounds.last
    return some & (earliest <= to_domain(latest)) & (bounds.reach != NAT)


# --- queries ---------------------------------------------------------------------


def select(query: Question, ddf: dd.DataFrame) -> Selection:
    """The rows ``Query.evaluate`` gives on ``ddf`` gathered, and the number of matches.

    Each partition filters its rows and keeps its first ``offset + limit``
    in the query's order (every match when there is no limit), with its
    count; the caller's side merges those rows in one sort and slices the
    page. The sort is stable across partitions: ties keep the frame's order.

    >>> import pandas as pd
    >>> from periodkit.query import parse_activities
    >>> frame = pd.DataFrame({"n": range(10), "s": list("abcdeabcde")})
    >>> q = parse_activities({"filters": [{"name": "s", "operation": "<>", "value": "A"}],
    ...                       "sort": [{"property": "n", "direction": "desc"}], "limit": 2},
    ...                      {"n": "int", "s": "string"})
    >>> chosen = select(q, dd.from_pandas(frame, npartitions=3))
    >>> chosen.rows["n"].tolist(), chosen.total
    ([9, 8], 8)
    """
    _check_frame(ddf)
    if query.schema is None:
        raise QueryError("a query without a schema cannot run on a Dask DataFrame")
    schema = query.schema
    present = {*ddf.columns, ddf.index.name}
    missing = [name for name in schema.names if name not in present]
    if missing:
        raise QueryError(f"frame has no column(s) {quote(missing)} that the schema names")
    names = query.fields or schema.names
    used = [*names, *(key.field for key in query.order), *(pred.field for pred in query.where)]
    narrow = Schema(tuple(schema.column(name) for name in dict.fromkeys(used)))
    end = None if query.limit is None else query.offset + query.limit
    first = Query(query.where, query.order, None, 0, end, query.fold_case, narrow)
    columns = [name for name in narrow.names if name in ddf.columns]
    parts = ddf[columns].to_delayed()
    found = compute(*[delayed(_top)(part, first) for part in parts])
    frames = [rows for rows, _ in found]
    merged = pd.concat([f for f in frames if len(f)] or frames[:1])
    last = Query((), query.order, tuple(names), query.offset, query.limit, query.fold_case, narrow)
    return Selection(last.evaluate(merged), sum(count for _, count in found))


def evaluate(query: Question, ddf: dd.DataFrame) -> pd.DataFrame:
    """What ``query.evaluate(ddf.compute())`` gives, computed partition by partition.

    >>> import pandas as pd
    >>> from periodkit.query import parse_activities
    >>> q = parse_activities({"sort": [{"property": "n"}], "offset": 1, "limit": 1}, {"n": "int"})
    >>> evaluate(q, dd.from_pandas(pd.DataFrame({"n": [5, 3, 4, 1]}), npartitions=2))
       n
    1  3
    """
    return select(query, ddf).rows


def _top(part: pd.DataFrame, query: Query) -> tuple[pd.DataFrame, int]:
    """A partition's matches that can reach the page, in the partition's order, and its count."""
    assert query.schema is not None  # select gives every partition query a schema
    frame = part if all(n in part.columns for n in query.schema.names) else _with_start(part)
    result = run(query, Table(frame, query.schema))
    return frame.take(np.sort(result.positions)), result.total
