"""Frames of pyarrow and polars read as the pandas frame of the same data does."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from periodkit.errors import BadValueError
from periodkit.query import Table, parse_activities
from periodkit.query.frames import as_pandas
from periodkit.strategies import activity_bodies, query_frames

TYPES = {"Num": "int", "Amount": "float", "Name": "string", "Created": "datetime", "Done": "bool"}


def _cells(frame: pd.DataFrame) -> list[list[object]]:
    """Every value of a frame, nulls of any kind as None, so that backings compare."""
    return [
        [None if pd.isna(value) else value for value in frame[name].astype(object)]
        for name in frame.columns
    ]


@settings(max_examples=60)
@given(
    frame=query_frames(TYPES, min_year=2019, max_year=2019),
    body=activity_bodies(TYPES, min_year=2019, max_year=2019),
    to=st.sampled_from(["pyarrow", "polars"]),
)
def test_queries_answer_on_arrow_and_polars_frames_as_on_pandas(frame, body, to):
    query = parse_activities(body, TYPES)
    other = pa.Table.from_pandas(frame) if to == "pyarrow" else pl.from_pandas(frame)
    expected = query.evaluate(frame)
    answer = query.evaluate(other)
    assert isinstance(answer, pd.DataFrame)
    assert answer.index.tolist() == expected.index.tolist()
    assert list(answer.columns) == list(expected.columns)
    assert _cells(answer) == _cells(expected)
    prepared = Table.from_frame(other, TYPES, prepare=True)
    assert query.evaluate(prepared).index.tolist() == expected.index.tolist()


def test_int64_columns_are_wrapped_not_copied():
    table = pa.table({"n": pa.array(range(1000), pa.int64())})
    frame = as_pandas(table)
    held = frame["n"].array.__arrow_array__()
    assert held.chunks[0].buffers()[1].address == table["n"].chunks[0].buffers()[1].address
    polars = pl.DataFrame({"n": list(range(1000)), "s": ["x"] * 1000})
    frame = as_pandas(polars)
    assert frame.dtypes.astype(str).tolist() == ["int64[pyarrow]", "large_string[pyarrow]"]
    exported = polars["n"].to_numpy()
    held = frame["n"].array.__arrow_array__().chunks[0]
    assert np.shares_memory(exported, np.frombuffer(held.buffers()[1], dtype=np.int64))


def test_what_is_no_frame_is_refused_by_name():
    query = parse_activities({}, TYPES)
    with pytest.raises(BadValueError, match="list is not a DataFrame"):
        query.evaluate([{"Num": 1}])
    assert as_pandas(np.arange(3)) is None
