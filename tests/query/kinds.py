"""One table held in every way pandas holds each column type, for the evaluator to read alike.

``query_frames`` draws ints as ``Int64``, floats as numpy ``float64`` with
NaN, texts as objects, dates as ``datetime64[us]`` and booleans as
``boolean``. Each helper here gives the other forms of such a column: numpy,
nullable (masked) and Arrow-backed arrays, Categoricals with unused
categories and null codes, dates in other units and in other zones.
Dates in seconds or milliseconds hold only whole values of their unit, so
they are made from a frame whose dates are whole seconds (``whole_seconds``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa

Kind = Callable[[pd.Series], pd.Series]


def _arrow(series: pd.Series, kind: pa.DataType) -> pd.Series:
    array = pa.array(series.to_numpy(dtype=object), type=kind, from_pandas=True)
    return pd.Series(pd.arrays.ArrowExtensionArray(array), index=series.index)


def _arrow_dates(unit: str, tz: str | None) -> Kind:
    def held(series: pd.Series) -> pd.Series:
        naive = pa.array(series.to_numpy().astype(f"datetime64[{unit}]"), type=pa.timestamp(unit))
        # A cast to a zone keeps the stored (UTC) values: the same instants.
        array = naive.cast(pa.timestamp(unit, tz=tz))
        return pd.Series(pd.arrays.ArrowExtensionArray(array), index=series.index)

    return held


def _numpy_if_whole(dtype: str) -> Kind:
    """The plain numpy column when nothing is null (numpy cannot hold a null int or bool)."""

    def held(series: pd.Series) -> pd.Series:
        return series if series.isna().any() else series.astype(dtype)

    return held


def _categorical(series: pd.Series) -> pd.Series:
    present = sorted({value for value in series if isinstance(value, str)})
    # Unused categories (one of them differing only in case from a used one) and
    # reversed order: codes must not be read as ranks, nor categories as values.
    unused = ["never used", *(text.swapcase() for text in present[:1])]
    categories = list(dict.fromkeys([*present, *unused]))[::-1]
    return pd.Series(pd.Categorical(series, categories=categories), index=series.index)


_INTS: list[Kind] = [
    lambda s: s,
    lambda s: s.astype("int64[pyarrow]"),
    _numpy_if_whole("int64"),
]
_FLOATS: list[Kind] = [
    lambda s: s,
    lambda s: s.astype("Float64"),
    lambda s: s.astype("double[pyarrow]"),
]
_TEXTS: list[Kind] = [
    lambda s: s,
    _categorical,
    lambda s: s.astype("string[python]"),
    lambda s: s.astype("string[pyarrow]"),
    lambda s: _arrow(s, pa.large_string()),
    lambda s: s.astype("str"),
]
_BOOLS: list[Kind] = [
    lambda s: s,
    lambda s: s.astype("bool[pyarrow]"),
    lambda s: s.astype(object),
    _numpy_if_whole("bool"),
]
_DATES: list[Kind] = [
    lambda s: s,
    lambda s: s.astype("datetime64[ns]"),
    lambda s: s.dt.tz_localize("UTC").dt.tz_convert("Asia/Kolkata"),
    _arrow_dates("us", "America/New_York"),
    _arrow_dates("ns", None),
]
_COARSE_DATES: list[Kind] = [
    lambda s: s.astype("datetime64[s]"),
    lambda s: s.astype("datetime64[ms]").dt.tz_localize("UTC").dt.tz_convert("Pacific/Chatham"),
    _arrow_dates("ms", "UTC"),
    _arrow_dates("s", None),
]


def _kinds_of(series: pd.Series, *, coarse: bool) -> list[Kind]:
    dtype = series.dtype
    if dtype.kind == "M":
        return _COARSE_DATES if coarse else _DATES
    if isinstance(dtype, pd.BooleanDtype):
        return _BOOLS
    if isinstance(dtype, pd.Int64Dtype):
        return _INTS
    if dtype.kind == "f":
        return _FLOATS
    return _TEXTS


def held_otherwise(frame: pd.DataFrame, *, coarse: bool = False) -> list[pd.DataFrame]:
    """Frames equal to ``frame`` but for how their columns are held.

    The k-th frame holds each column in that column type's k-th other form
    (cycling), so every form of every type appears in some frame. With
    ``coarse`` the dates come in seconds and milliseconds (``frame``'s dates
    must then be whole seconds).
    """
    kinds = {name: _kinds_of(frame[name], coarse=coarse) for name in frame.columns}
    count = max((len(k) for k in kinds.values()), default=0)
    return [
        pd.DataFrame(
            {name: kinds[name][k % len(kinds[name])](frame[name]) for name in frame.columns},
            index=frame.index,
        )
        for k in range(count)
    ]


def whole_seconds(frame: pd.DataFrame) -> pd.DataFrame | None:
    """``frame`` with its dates floored to whole seconds, or None when it has no dates."""
    dates = [name for name in frame.columns if frame[name].dtype.kind == "M"]
    if not dates:
        return None
    floored = frame.copy()
    for name in dates:
        micros = floored[name].to_numpy().view(np.int64)
        missing = np.isnat(floored[name].to_numpy())
        whole = np.where(missing, micros, micros // 1_000_000 * 1_000_000)
        floored[name] = whole.view("datetime64[us]")
    return floored
