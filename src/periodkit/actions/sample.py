"""Generated actions, chunk by chunk in start order, for trying periodkit at any size.

Ten years of actions from 2015-01-01: starts uniform at one microsecond,
durations uniform from 0 to 4 hours (0 is an instant), 10 teams, 20
categories and 4 statuses. Chunk ``k`` holds the actions whose starts fall
in the ``k``-th equal slice of the ten years, sorted, so that the chunks
follow one another in start order and only one is ever in memory. Ids are
the actions' positions in that order. Each chunk has its own seed: the same
``n`` and ``chunk`` give the same actions.

>>> first, second = actions(5, chunk=3)
>>> len(first), len(second), second["id"].tolist()
(3, 2, [3, 4])
>>> bool(first["start_date"].iloc[-1] <= second["start_date"].iloc[0])
True
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from periodkit.errors import ArgumentError, quote
from periodkit.time import span_micros

SEED = 20240812
FIRST_US = span_micros("2015")[0]
SPAN_US = span_micros("2024")[1] + 1 - FIRST_US
MAX_DURATION_US = 4 * 3600 * 1_000_000
TEAMS = [f"team-{k:02d}" for k in range(10)]
CATEGORIES = [f"category-{k:02d}" for k in range(20)]
STATUSES = ["open", "in progress", "done", "cancelled"]


def actions(n: int, *, chunk: int = 1_000_000, seed: int = SEED) -> Iterator[pd.DataFrame]:
    """``n`` actions as frames of at most ``chunk`` rows, in start order.

    Each frame has the columns ``id`` (int64), ``team_id``, ``category``,
    ``status`` (categoricals), ``start_date`` and ``end_date``
    (``datetime64[us, UTC]``), as ``ActionTable.from_frame`` reads them.

    >>> next(actions(2, chunk=2)).dtypes["end_date"]
    datetime64[us, UTC]
    >>> next(actions(2, chunk=0))
    Traceback (most recent call last):
    ...
    periodkit.errors.ArgumentError: chunk=0 is not a whole number of at least 1
    """
    for name, value, least in (("n", n, 0), ("chunk", chunk, 1)):
        if not isinstance(value, int) or isinstance(value, bool) or value < least:
            raise ArgumentError(
                f"{name}={quote(value)} is not a whole number of at least {least}", name
            )
    chunks = -(-n // chunk)
    for k in range(chunks):
        rng = np.random.default_rng([seed, k])
        first, stop = k * chunk, min(n, (k + 1) * chunk)
        lo = FIRST_US + SPAN_US * k // chunks
        hi = FIRST_US + SPAN_US * (k + 1) // chunks
        starts = np.sort(rng.integers(lo, hi, stop - first))
        ends = starts + rng.integers(0, MAX_DURATION_US + 1, len(starts))
        size = len(starts)
        yield pd.DataFrame(
            {
                "id": np.arange(first, stop, dtype=np.int64),
                "team_id": _pick(rng, TEAMS, size),
                "category": _pick(rng, CATEGORIES, size),
                "status": _pick(rng, STATUSES, size),
                "start_date": _stamps(starts),
                "end_date": _stamps(ends),
            }
        )


def _pick(rng: np.random.Generator, choices: list[str], size: int) -> pd.Categorical[str]:
    return pd.Categorical.from_codes(rng.integers(0, len(choices), size), pd.Index(choices))


def _stamps(micros: np.ndarray) -> pd.Series:
    return pd.Series(micros.view("datetime64[us]")).dt.tz_localize("UTC")
