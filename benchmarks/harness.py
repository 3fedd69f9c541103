"""Cases, timing and the results table shared by every benchmark module.

A benchmark module ``benchmarks/bench_<area>.py`` defines
``cases(quick: bool) -> list[Case]``. Each case runs several implementations
of one task on the same data in this process; the first implementation is
periodkit's and the others are its peers. A peer too slow for the full size
runs on a subsample and its time is scaled up to the full size (the table
says so).
"""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Impl:
    """One way to do the task: a name and a zero-argument callable.

    ``rows`` is the number of rows this implementation really processes when
    it runs on a subsample; its time is scaled by ``case.n / rows``.
    """

    name: str
    run: Callable[[], Any]
    rows: int | None = None


@dataclass(frozen=True)
class Case:
    """One task at one size, with periodkit first among its implementations.

    ``check`` receives ``{impl name: result}`` for the implementations that
    ran at full size and raises if they disagree, so that a fast wrong answer
    never reaches the table. ``memory`` asks for periodkit's peak traced
    allocation.
    """

    name: str
    n: int
    impls: list[Impl]
    check: Callable[[dict[str, Any]], None] | None = None
    memory: bool = False
    notes: str = ""


@dataclass
class Row:
    """One line of the results table."""

    case: str
    n: int
    impl: str
    median_ms: float
    rows_per_s: float
    ratio: float
    scaled_from: int | None = None
    peak_mb: float | None = None
    runs: list[float] = field(default_factory=list)


# A timed sample shorter than this is mostly timer and scheduler noise on a
# shared machine, so fast implementations run several calls per sample.
_MIN_SAMPLE_S = 0.02


def _timed(run: Callable[[], Any], repeats: int) -> tuple[list[float], Any]:
    start = time.perf_counter()
    result = run()  # warm-up, and the result for the check
    calls = max(1, min(1000, int(_MIN_SAMPLE_S / max(time.perf_counter() - start, 1e-9))))
    times = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        for _ in range(calls):
            run()
        times.append((time.perf_counter() - start) / calls)
    return times, result


def _peak_mb(run: Callable[[], Any]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def run_case(case: Case, repeats: int) -> list[Row]:
    """Time every implementation of a case; ratios are to the first (periodkit)."""
    rows: list[Row] = []
    results: dict[str, Any] = {}
    for impl in case.impls:
        times, result = _timed(impl.run, repeats)
        scale = case.n / impl.rows if impl.rows else 1.0
        median = statistics.median(times) * scale
        if impl.rows is None:
            results[impl.name] = result
        rows.append(
            Row(
                case=case.name,
                n=case.n,
                impl=impl.name,
                median_ms=median * 1000,
                rows_per_s=case.n / median if median else float("inf"),
                ratio=0.0,
                scaled_from=impl.rows,
                runs=[t * scale * 1000 for t in times],
            )
        )
    if case.check is not None:
        case.check(results)
    for row in rows:
        row.ratio = row.median_ms / rows[0].median_ms if rows[0].median_ms else float("inf")
    if case.memory:
        rows[0].peak_mb = _peak_mb(case.impls[0].run)
    return rows


def format_table(rows: list[Row]) -> str:
    """The results as a fixed-width text table (also valid Markdown)."""
    header = "| case | N | implementation | median ms | rows/s | ratio to periodkit | peak MB |"
    lines = [header, "|---|---:|---|---:|---:|---:|---:|"]
    for row in rows:
        impl = row.impl + (f" (scaled from {row.scaled_from:,})" if row.scaled_from else "")
        peak = f"{row.peak_mb:,.1f}" if row.peak_mb is not None else ""
        lines.append(
            f"| {row.case} | {row.n:,} | {impl} | {row.median_ms:,.3f} | "
            f"{row.rows_per_s:,.0f} | {row.ratio:,.2f} | {peak} |"
        )
    return "\n".join(lines)


def repeated(call: Callable[[], Any], calls: int) -> Callable[[], Any]:
    """``call`` made ``calls`` times per run, for calls too short to time one by one;
    the case's N then counts calls. Returns the last call's result, for the check."""

    def run() -> Any:
        for _ in range(calls - 1):
            call()
        return call()

    return run
