"""PeriodSet operators as a user calls them, against portion in the same run.

Small sets (1 and 8 atoms) are where a new user starts: each call there costs
about a microsecond, so every implementation makes ``CALLS`` calls per run and
the table's N counts calls. The operands are aware UTC datetimes, as users
hold them, and periodkit's time includes reading them. Large sets (1,000 and
100,000 atoms) are built from int64 bounds and measure the numpy form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import portion as P

from benchmarks.harness import Case, Impl, repeated
from periodkit import Period, PeriodSet

SEED = 20191212
CALLS = 100
UTC = dt.UTC
DAY = dt.timedelta(days=1)
ORIGIN = dt.datetime(2024, 8, 12, 11, 58, 19, 349000, tzinfo=UTC)


def _atoms(count: int, shift: float) -> list[tuple[dt.datetime, dt.datetime]]:
    """``count`` closed atoms of two days, three days apart, from ``shift`` days on."""
    first = ORIGIN + shift * DAY
    return [(first + 3 * k * DAY, first + (3 * k + 2) * DAY) for k in range(count)]


def _same_answer(results: dict[str, Any]) -> None:
    ours, theirs = results.values()
    if isinstance(ours, PeriodSet):
        # portion's open bounds become the neighbouring microsecond.
        theirs = PeriodSet.from_portion(theirs)
    if ours != theirs:
        raise AssertionError(f"periodkit gave {ours!r}, portion {theirs!r}")


def _small_cases(count: int) -> list[Case]:
    a_atoms, b_atoms = _atoms(count, 0), _atoms(count, 1)
    a = PeriodSet([Period(lo, hi) for lo, hi in a_atoms])
    b = PeriodSet([Period(lo, hi) for lo, hi in b_atoms])
    i = P.Interval(*(P.closed(lo, hi) for lo, hi in a_atoms))
    j = P.Interval(*(P.closed(lo, hi) for lo, hi in b_atoms))
    lo, hi = b_atoms[0]
    period, interval = Period(lo, hi), P.closed(lo, hi)
    instant = ORIGIN + 0.5 * DAY

    def build_ours() -> PeriodSet:
        return PeriodSet([Period(lo, hi) for lo, hi in a_atoms])

    def build_portion() -> P.Interval:
        return P.Interval(*(P.closed(lo, hi) for lo, hi in a_atoms))

    pairs: list[tuple[str, Callable[[], Any], Callable[[], Any]]] = [
        ("PeriodSet([Period(a, b), ...])", build_ours, build_portion),
        ("union (or)", lambda: a | b, lambda: i | j),
        ("intersection (&)", lambda: a & b, lambda: i & j),
        ("difference (-)", lambda: a - b, lambda: i - j),
        ("complement (~)", lambda: ~a, lambda: ~i),
        ("equality (==)", lambda: a == b, lambda: i == j),
        ("s.contains(instant)", lambda: a.contains(instant), lambda: instant in i),
        ("s.contains(period)", lambda: a.contains(period), lambda: interval in i),
        ("s.overlaps(period)", lambda: a.overlaps(period), lambda: i.overlaps(interval)),
    ]
    if count == 1:
        pairs[0] = (
            "PeriodSet([Period(a, b)])",
            lambda: PeriodSet([Period(*a_atoms[0])]),
            lambda: P.closed(*a_atoms[0]),
        )
    return [
        Case(
            name=f"small set ({count} atom{'s' * (count > 1)}): {label}",
            n=CALLS,
            impls=[
                Impl("periodkit", repeated(ours, CALLS)),
                Impl("portion", repeated(theirs, CALLS)),
            ],
            check=_same_answer,
        )
        for label, ours, theirs in pairs
    ]


def _bounds(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    starts = np.sort(rng.integers(0, 2_000_000_000_000_000, count))
    return starts, starts + rng.integers(0, 1_000_000_000_000_000 // count, count)


def _large_cases(count: int) -> list[Case]:
    (a_lo, a_hi), (b_lo, b_hi) = _bounds(count, SEED), _bounds(count, SEED + 1)
    a, b = PeriodSet.from_bounds(a_lo, a_hi), PeriodSet.from_bounds(b_lo, b_hi)
    instant = ORIGIN
    calls: list[tuple[str, Callable[[], Any]]] = [
        ("PeriodSet.from_bounds", lambda: PeriodSet.from_bounds(a_lo, a_hi)),
        ("union (or)", lambda: a | b),
        ("intersection (&)", lambda: a & b),
        ("difference (-)", lambda: a - b),
        ("complement (~)", lambda: ~a),
        ("s.contains(instant)", lambda: a.contains(instant)),
    ]
    return [
        Case(name=f"large set ({count:,} atoms): {label}", n=count, impls=[Impl("periodkit", run)])
        for label, run in calls
    ]


def cases(quick: bool) -> list[Case]:
    return [
        *_small_cases(1),
        *_small_cases(8),
        *_large_cases(1_000),
        *_large_cases(1_000 if quick else 100_000),
    ]
