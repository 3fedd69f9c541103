"""DataFrames of other libraries as pandas, for everything that reads a frame.

A pyarrow ``Table``, a polars ``DataFrame`` or any other object that exports
an Arrow stream (the Arrow PyCapsule interface, ``__arrow_c_stream__``)
becomes a pandas DataFrame whose columns are Arrow-backed
(``pd.ArrowDtype``): the Arrow buffers are wrapped, not copied, so an int64
column costs nothing however long (polars' text columns, held as string
views, are the one copy). pyarrow is loaded only when such an
object arrives; polars is never imported, its frames speak the interface.
"""

from __future__ import annotations

from typing import Protocol

import pandas as pd


class ArrowStream(Protocol):
    """What exports an Arrow stream: a pyarrow Table, a polars DataFrame, and others."""

    def __arrow_c_stream__(self, requested_schema: object = None) -> object: ...


#: What reads as a frame.
Frame = pd.DataFrame | ArrowStream


def as_pandas(frame: object) -> pd.DataFrame | None:
    """``frame`` as a pandas DataFrame, or None when it is not a frame of any kind.

    >>> as_pandas(pd.DataFrame({"n": [1]}))["n"].tolist()
    [1]
    >>> import pyarrow as pa
    >>> as_pandas(pa.table({"n": [1, 2]}))["n"].dtype
    int64[pyarrow]
    >>> as_pandas([1, 2]) is None
    True
    """
    if isinstance(frame, pd.DataFrame):
        return frame
    if not hasattr(frame, "__arrow_c_stream__"):
        return None
    import pyarrow as pa

    table = frame if isinstance(frame, pa.Table) else pa.table(frame)
    # polars hands out text as string views, which pyarrow cannot yet take
    # rows of: only those columns are copied, into plain Arrow strings.
    schema = pa.schema(
        [
            field.with_type(pa.large_string()) if pa.types.is_string_view(field.type) else field
            for field in table.schema
        ]
    )
    converted: pd.DataFrame = table.cast(schema).to_pandas(types_mapper=pd.ArrowDtype)
    return converted
