"""The seeded action generator behind the kernel benchmarks.

Ten years of actions from 2015-01-01, start instants uniform at one
microsecond, durations uniform from 0 to 4 hours (0 is an instant), 20
categories, 4 statuses, and 10 custom form fields each filled on 30% of the
actions. Rows come in start order, as actions are logged, with ids 0..n-1
equal to their positions; ``shuffled`` gives the same rows in a seeded random
order.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from periodkit.time import span_micros

SEED = 20240812
FIRST = span_micros("2015")[0]
YEARS = 10
SPAN_US = span_micros("2024")[1] + 1 - FIRST
MAX_DURATION_US = 4 * 3600 * 1_000_000
CATEGORIES = [f"category-{k:02d}" for k in range(20)]
STATUSES = ["open", "in progress", "done", "cancelled"]
FORM_FIELDS = [f"field_{k}" for k in range(10)]
FILL = 0.3


def generate(n: int, seed: int = SEED, *, form: bool = True) -> dict[str, Any]:
    """``n`` actions as columns: ``id`` (int64), ``start``/``end`` (int64 micros),
    ``category``/``status`` (categoricals) and, with ``form``, ``form``: for each
    custom field the ascending rows that have it and their values (a categorical).
    """
    rng = np.random.default_rng(seed)
    starts = np.sort(rng.integers(FIRST, FIRST + SPAN_US, n))
    ends = starts + rng.integers(0, MAX_DURATION_US + 1, n)
    columns: dict[str, Any] = {
        "id": np.arange(n, dtype=np.int64),
        "start": starts,
        "end": ends,
        "category": pd.Categorical.from_codes(rng.integers(0, len(CATEGORIES), n), CATEGORIES),
        "status": pd.Categorical.from_codes(rng.integers(0, len(STATUSES), n), STATUSES),
    }
    if form:
        columns["form"] = {}
        for name in FORM_FIELDS:
            rows = np.flatnonzero(rng.random(n) < FILL)
            choices = [f"{name}-value-{k}" for k in range(8)]
            values = pd.Categorical.from_codes(rng.integers(0, len(choices), len(rows)), choices)
            columns["form"][name] = (rows, values)
    return columns


def shuffled(columns: dict[str, Any], seed: int = SEED) -> dict[str, Any]:
    """The id, start and end columns in a seeded random order."""
    order = np.random.default_rng(seed).permutation(len(columns["id"]))
    return {name: columns[name][order] for name in ("id", "start", "end")}
