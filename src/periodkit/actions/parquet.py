"""Actions in Parquet: a dataset partitioned by start, written chunk by chunk, read back.

A dataset is a directory of files ``part-00000.parquet``, ``part-00001.parquet``
... in start order: each file holds a run of actions sorted by start, in row
groups, and starts no earlier than the file before it ends. Each row group's
statistics (the first and last start, the latest end) say which periods it
can answer without reading it; ``pieces`` lists them from the files' footers.
Dates are stored as ``timestamp[us, UTC]``, so the infinities of the vector
form keep their values.

pyarrow is an optional dependency (the ``dask`` extra brings it): it is
loaded when a dataset is written or read.

>>> import tempfile
>>> from periodkit.actions.sample import actions
>>> folder = tempfile.mkdtemp()
>>> [p.name for p in write_actions(folder, actions(10, chunk=4), groups_per_file=2)]
['part-00000.parquet', 'part-00001.parquet']
>>> [(p.rows, p.row_group) for p in pieces(folder)]
[(4, 0), (4, 1), (2, 0)]
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from periodkit.errors import ArgumentError, quote
from periodkit.time import format_instant, to_micros_column

_EXTRA = "pip install 'periodkit[dask]' (or pyarrow alone)"
#: The columns every read brings, whatever else is asked for.
BOUNDS = ("id", "start_date", "end_date")


def pyarrow() -> Any:
    """The ``pyarrow`` module, or an ImportError that names the extra to install."""
    try:
        import pyarrow.parquet  # the dask extra
    except ImportError as exc:
        raise ImportError(f"reading or writing Parquet needs pyarrow: {_EXTRA}") from exc
    return pyarrow


@dataclass(frozen=True)
class Piece:
    """One row group of a dataset: where it is, its size and its bounds (int64 micros).

    ``first`` and ``last`` are its earliest and latest start, ``reach`` its
    latest end; each is None when the file keeps no statistics for it.
    """

    path: Path
    row_group: int
    rows: int
    first: int | None
    last: int | None
    reach: int | None


def files(path: str | Path) -> list[Path]:
    """The Parquet files of a dataset (a directory, in name order) or the one file ``path``.

    >>> files("no/such/place")
    Traceback (most recent call last):
    ...
    periodkit.errors.ArgumentError: 'no/such/place' is not a Parquet file or a directory of them
    """
    found: list[Path] = []
    if isinstance(path, str | os.PathLike):
        try:
            where = Path(path)
            found = sorted(where.glob("*.parquet")) if where.is_dir() else [where]
            readable = bool(found) and found[0].is_file()
        except (OSError, ValueError):  # a name too long, or holding a NUL
            readable = False
    if not found or not readable:
        raise ArgumentError(f"{quote(path)} is not a Parquet file or a directory of them", "path")
    return found


def pieces(path: str | Path) -> list[Piece]:
    """Every row group of a dataset in file order, with its bounds, read from the footers only."""
    parquet = pyarrow().parquet
    found = []
    for file in files(path):
        metadata = parquet.ParquetFile(file).metadata
        names = [metadata.schema.column(i).name for i in range(metadata.num_columns)]
        for group in range(metadata.num_row_groups):
            row_group = metadata.row_group(group)
            stats = {
                name: row_group.column(i).statistics
                for i, name in enumerate(names)
                if name in ("start_date", "end_date")
            }
            first, last = _raw(stats.get("start_date"))
            # A missing end is the action's start, which the last start bounds.
            reach = _raw(stats.get("end_date"))[1] if "end_date" in stats else last
            if reach is not None and last is not None:
                reach = max(reach, last)
            found.append(Piece(file, group, row_group.num_rows, first, last, reach))
    return found


def _raw(stats: Any) -> tuple[int | None, int | None]:
    """The int64 minimum and maximum of a timestamp column's statistics, if it keeps them."""
    if stats is None or not stats.has_min_max or stats.physical_type != "INT64":
        return None, None
    return int(stats.min_raw), int(stats.max_raw)


def read_frame(path: str | Path, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """A dataset (or one file of it) as one pandas frame, in start order.

    ``columns`` names the fields to read besides id, start and end (all by default).
    """
    if columns is not None and (
        isinstance(columns, str)
        or not isinstance(columns, Sequence)
        or not all(isinstance(c, str) for c in columns)
    ):
        raise ArgumentError(f"columns {quote(columns)} is not a list of field names", "columns")
    wanted = None if columns is None else [*BOUNDS, *(c for c in columns if c not in BOUNDS)]
    parquet = pyarrow().parquet
    tables = [parquet.read_table(file, columns=_present(file, wanted)) for file in files(path)]
    table = pyarrow().concat_tables(tables) if len(tables) > 1 else tables[0]
    frame: pd.DataFrame = table.to_pandas()
    return frame


def read_piece(piece: Piece, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The actions of one row group as a pandas frame."""
    file = pyarrow().parquet.ParquetFile(piece.path)
    frame: pd.DataFrame = file.read_row_group(piece.row_group, columns=columns).to_pandas()
    return frame


def _present(file: Path, wanted: list[str] | None) -> list[str] | None:
    """The wanted columns the file has: a dataset without end dates is read without them."""
    if wanted is None:
        return None
    names = set(pyarrow().parquet.ParquetFile(file).schema_arrow.names)
    return [name for name in wanted if name in names or name in ("id", "start_date")]


def write_actions(
    directory: str | Path, chunks: Iterable[pd.DataFrame], *, groups_per_file: int = 8
) -> list[Path]:
    """Write frames of actions in start order as a dataset: one row group per frame.

    Only one frame is held at a time. Each frame must be sorted by
    ``start_date`` and start no earlier than the one before it ended, so that
    the files partition the actions by start. Returns the files written.

    >>> import tempfile
    >>> late = pd.DataFrame({"id": [1], "start_date": pd.to_datetime(["2024-01-02"], utc=True)})
    >>> early = late.assign(start_date=pd.to_datetime(["2024-01-01"], utc=True))
    >>> write_actions(tempfile.mkdtemp(), [late, early])
    Traceback (most recent call last):
    ...
    periodkit.errors.ArgumentError: chunk 1 starts at '2024-01-01T00:00:00.000Z', before \
the previous chunk's last start '2024-01-02T00:00:00.000Z': the chunks must come in start order
    """
    if not isinstance(groups_per_file, int) or groups_per_file < 1:
        raise ArgumentError(
            f"groups_per_file={quote(groups_per_file)} is not a whole number of at least 1",
            "groups_per_file",
        )
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.glob("*.parquet")):
        raise ArgumentError(f"{quote(str(folder))} already holds Parquet files", "directory")
    arrow = pyarrow()
    written: list[Path] = []
    writer = None
    previous: int | None = None
    try:
        for index, frame in enumerate(chunks):
            starts = _checked_starts(frame, index, previous)
            if not len(starts):
                continue
            previous = int(starts[-1])
            table = arrow.Table.from_pandas(frame, preserve_index=False)
            if writer is not None and not table.schema.equals(writer.schema, check_metadata=False):
                raise ArgumentError(
                    f"chunk {index} has the columns {table.schema.names} of types "
                    f"{[str(t) for t in table.schema.types]}, unlike the chunks before it "
                    f"({[str(t) for t in writer.schema.types]})",
                    "chunks",
                )
            if writer is None or writer.groups >= groups_per_file:
                if writer is not None:
                    writer.close()
                written.append(folder / f"part-{len(written):05d}.parquet")
                writer = _Writer(arrow.parquet.ParquetWriter(written[-1], table.schema))
            writer.write(table)
    finally:
        if writer is not None:
            writer.close()
    return written


class _Writer:
    """A ParquetWriter that counts the row groups it wrote."""

    def __init__(self, writer: Any) -> None:
        self._writer, self.groups, self.schema = writer, 0, writer.schema

    def write(self, table: Any) -> None:
        self._writer.write_table(table, row_group_size=max(len(table), 1))
        self.groups += 1

    def close(self) -> None:
        self._writer.close()


def _checked_starts(frame: pd.DataFrame, index: int, previous: int | None) -> np.ndarray:
    """A chunk's starts in the vector form, refused unless they carry on the start order."""
    if not isinstance(frame, pd.DataFrame) or "start_date" not in frame.columns:
        raise ArgumentError(f"chunk {index} is not a DataFrame with a start_date column", "chunks")
    starts = to_micros_column(frame["start_date"])
    back = np.flatnonzero(starts[1:] < starts[:-1])
    if len(back):
        at = int(back[0]) + 1
        raise ArgumentError(
            f"chunk {index} is not sorted by start: row {at} starts at "
            f"{format_instant(int(starts[at]))!r}, before the row above it",
            "chunks",
        )
    if len(starts) and previous is not None and starts[0] < previous:
        raise ArgumentError(
            f"chunk {index} starts at {format_instant(int(starts[0]))!r}, before the previous "
            f"chunk's last start {format_instant(previous)!r}: the chunks must come in start order",
            "chunks",
        )
    return starts
