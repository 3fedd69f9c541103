"""Parquet datasets of actions: written chunk by chunk in start order, read back whole."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from periodkit.actions import ActionTable
from periodkit.actions.parquet import pieces, read_piece, write_actions
from periodkit.actions.sample import actions
from periodkit.errors import ArgumentError
from periodkit.strategies import action_tables
from periodkit.time import NEG_INF, POS_INF


def _stamps(micros: list[int]) -> pd.Series:
    return pd.Series(np.array(micros, dtype=np.int64).view("datetime64[us]")).dt.tz_localize("UTC")


def _chunks(table: ActionTable, sizes: list[int]) -> list[pd.DataFrame]:
    """The table's actions sorted by start, cut into chunks of the given sizes (and the rest)."""
    frame = table.to_frame().drop(columns="form", errors="ignore")
    frame = frame.iloc[np.argsort(table.bounds()[0], kind="stable")].reset_index(drop=True)
    cuts = np.cumsum([0, *sizes])
    return [frame.iloc[a:b] for a, b in zip(cuts, [*cuts[1:], len(frame)], strict=True)]


@settings(max_examples=40, deadline=None)
@given(action_tables(max_size=12), st.lists(st.integers(0, 4), max_size=4), st.integers(1, 3))
def test_a_dataset_reads_back_as_the_actions_in_start_order(tmp_path_factory, table, sizes, groups):
    folder = tmp_path_factory.mktemp("set")
    chunks = _chunks(table, sizes)
    write_actions(folder, chunks, groups_per_file=groups)
    if not len(table):
        assert list(folder.glob("*.parquet")) == []
        return
    back = ActionTable.from_parquet(folder)
    frame = pd.concat(chunks)
    want = ActionTable.from_frame(frame)
    assert back.ids.tolist() == want.ids.tolist()
    for got, expected in zip(back.bounds(), want.bounds(), strict=True):
        assert got.tolist() == expected.tolist()
    # Each row group's statistics bound its rows, the infinities included.
    for piece in pieces(folder):
        rows = ActionTable.from_frame(read_piece(piece))
        starts, ends = rows.bounds()
        assert (piece.first, piece.last) == (starts.min(), starts.max())
        assert piece.reach == ends.max()


def test_files_hold_row_groups_of_one_chunk_each(tmp_path):
    written = write_actions(tmp_path, actions(10, chunk=3), groups_per_file=2)
    assert [p.name for p in written] == ["part-00000.parquet", "part-00001.parquet"]
    assert [pq.ParquetFile(p).metadata.num_row_groups for p in written] == [2, 2]
    assert [p.rows for p in pieces(tmp_path)] == [3, 3, 3, 1]


def test_infinite_bounds_keep_their_values(tmp_path):
    frame = pd.DataFrame(
        {"id": ["a", "b"], "start_date": _stamps([NEG_INF, 5]), "end_date": _stamps([0, POS_INF])}
    )
    write_actions(tmp_path, [frame])
    starts, ends = ActionTable.from_parquet(tmp_path / "part-00000.parquet").bounds()
    assert starts.tolist() == [NEG_INF, 5] and ends.tolist() == [0, POS_INF]
    assert (pieces(tmp_path)[0].first, pieces(tmp_path)[0].reach) == (NEG_INF, POS_INF)


def test_columns_choose_what_is_read_besides_id_and_bounds(tmp_path):
    write_actions(tmp_path, actions(4, chunk=4))
    frame = ActionTable.from_parquet(tmp_path, columns=["category"]).to_frame()
    assert list(frame.columns) == ["id", "category", "start_date", "end_date"]


def test_a_chunk_out_of_start_order_is_refused(tmp_path):
    frame = pd.DataFrame({"id": [1, 2], "start_date": _stamps([5, 3])})
    with pytest.raises(ArgumentError, match="chunk 0 is not sorted by start: row 1 starts at"):
        write_actions(tmp_path, [frame])


def test_chunks_of_other_column_types_are_refused(tmp_path):
    first = pd.DataFrame({"id": [1], "start_date": _stamps([3])})
    with pytest.raises(ArgumentError, match="chunk 1 has the columns"):
        write_actions(tmp_path, [first, first.assign(id=["x"])])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda path: write_actions(path, [pd.DataFrame({"id": [1]})]), "chunk 0 is not a"),
        (lambda path: write_actions(path, [], groups_per_file=0), "groups_per_file=0"),
        (lambda path: ActionTable.from_parquet(path / "none"), "is not a Parquet file"),
    ],
)
def test_bad_arguments_are_refused_by_name(tmp_path, call, message):
    with pytest.raises(ArgumentError, match=message):
        call(tmp_path)
