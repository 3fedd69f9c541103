"""periodkit.dask on a Parquet dataset partitioned by start, on 1 and 2 workers, against DuckDB.

The dataset is ``periodkit.actions.sample``'s, written chunk by chunk (a
million actions a row group, never all in memory) into a temporary folder
that is removed at exit. Three tasks, each as a user calls it:

* ``during`` of one period (a day): pruned to the row groups it can reach;
* ``during`` of a set of 1,000 one-hour atoms spread over the ten years:
  nearly every row group is read;
* an Activities query, ``status = done`` sorted by ``end_date`` descending,
  limit 10: a per-partition top-k and one merge.

periodkit runs on a ``LocalCluster`` of 1 and of 2 single-threaded worker
processes; DuckDB reads the same files with 1 and with 2 threads. Peak
memory per worker is the largest resident set of the worker processes,
sampled every 20 ms while the task runs.

``python -m benchmarks`` runs it at 20,000 actions with ``--quick`` and at
1,000,000 otherwise; ``python -m benchmarks.bench_dask --actions N`` runs
any size (100,000,000 by default) and prints the scaling table.
"""

from __future__ import annotations

import argparse
import atexit
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.harness import Case, Impl, Row, format_table, run_case
from periodkit import Period, PeriodSet
from periodkit.actions.parquet import write_actions
from periodkit.actions.sample import FIRST_US, SPAN_US, actions
from periodkit.query import parse_activities

HOUR_US = 3600 * 1_000_000
SCHEMA = {"id": "int", "start_date": "datetime", "end_date": "datetime", "status": "string"}
QUERY_BODY = {
    "filters": [{"name": "status", "operation": "=", "value": "done"}],
    "sort": [{"property": "end_date", "direction": "desc"}],
    "fields": ["id", "start_date", "end_date", "status"],
    "limit": 10,
}


def _stamp(us: int) -> str:
    return pd.Timestamp(us, unit="us", tz="UTC").isoformat()


def targets() -> tuple[Period, PeriodSet]:
    """One day in the middle of the ten years, and 1,000 one-hour atoms spread over them."""
    day = FIRST_US + SPAN_US // 2
    one = Period(_stamp(day), _stamp(day + 24 * HOUR_US - 1))
    starts = FIRST_US + np.arange(1000, dtype=np.int64) * (SPAN_US // 1000)
    atoms = [Period.from_micros(int(s), int(s) + HOUR_US - 1) for s in starts]
    return one, PeriodSet(atoms)


class PeakRss(AbstractContextManager["PeakRss"]):
    """The largest resident set of some processes while the block runs, in MB."""

    def __init__(self, pids: list[int]) -> None:
        import psutil

        self._processes = [psutil.Process(pid) for pid in pids]
        self.mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.is_set():
            for process in self._processes:
                self.mb = max(self.mb, process.memory_info().rss / 2**20)
            self._stop.wait(0.02)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


class Setup:
    """A dataset on disk, a cluster per worker count, and DuckDB over the same files."""

    def __init__(self, n: int, workers: tuple[int, ...] = (1, 2)) -> None:
        from distributed import Client, LocalCluster

        self.n = n
        self.folder = Path(tempfile.mkdtemp(prefix="periodkit-bench-dask-"))
        atexit.register(shutil.rmtree, self.folder, ignore_errors=True)
        start = time.perf_counter()
        write_actions(self.folder, actions(n, chunk=min(n, 1_000_000)))
        size = sum(p.stat().st_size for p in self.folder.glob("*.parquet")) / 2**20
        print(
            f"  wrote {n:,} actions ({size:,.0f} MB of Parquet) in "
            f"{time.perf_counter() - start:,.1f} s",
            file=sys.stderr,
            flush=True,
        )
        self.clients: dict[int, Any] = {}
        for count in workers:
            cluster = LocalCluster(
                n_workers=count,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=":0",
                memory_limit=0,
            )
            client = Client(cluster, set_as_default=False)
            atexit.register(cluster.close)
            atexit.register(client.close)
            self.clients[count] = client
        self.peaks: dict[tuple[str, int], float] = {}

    def on(self, count: int, name: str, task: Callable[[], Any]) -> Callable[[], Any]:
        """``task`` on the cluster of ``count`` workers, keeping its peak RSS per worker."""
        client = self.clients[count]
        pids = list(client.run(_pid).values())

        def run() -> Any:
            with client.as_current(), PeakRss(pids) as peak:
                result = task()
            key = (name, count)
            self.peaks[key] = max(self.peaks.get(key, 0.0), peak.mb)
            return result

        return run

    def duckdb(self, threads: int, sql: str, params: dict[str, Any] | None = None) -> Any:
        import duckdb

        connection = duckdb.connect()
        connection.execute(f"SET threads = {threads}")
        # Bounded like a worker's share of the machine; a join spills past it.
        connection.execute("SET memory_limit = '4GB'")
        connection.execute(f"SET temp_directory = '{self.folder / 'duckdb-spill'}'")
        files = str(self.folder / "*.parquet")

        def run() -> Any:
            connection.execute("DROP VIEW IF EXISTS actions")
            connection.execute(f"CREATE VIEW actions AS SELECT * FROM read_parquet('{files}')")
            for name, frame in (params or {}).items():
                connection.register(name, frame)
            return connection.execute(sql).df()

        return run


def _pid() -> int:
    import os

    return os.getpid()


def build(n: int) -> tuple[Setup, list[Case]]:
    """The dataset, the clusters, and the three cases at ``n`` actions."""
    from periodkit.dask import during, read_actions, select

    setup = Setup(n)
    ddf = read_actions(setup.folder)
    one, many = targets()
    query = parse_activities(QUERY_BODY, SCHEMA)
    atoms = pd.DataFrame(
        {
            "lo": pd.to_datetime([a.lo for a in many.atoms], unit="us", utc=True),
            "hi": pd.to_datetime([a.hi for a in many.atoms], unit="us", utc=True),
        }
    )
    lo, hi = one.lo, one.hi
    period_sql = (
        f"SELECT * FROM actions WHERE start_date <= TIMESTAMPTZ '{_stamp(hi)}' "
        f"AND end_date >= TIMESTAMPTZ '{_stamp(lo)}' ORDER BY start_date"
    )
    set_sql = (
        "SELECT a.* FROM actions a ASOF JOIN atoms b ON a.start_date <= b.hi "
        "WHERE a.end_date >= b.lo ORDER BY a.start_date"
    )
    query_sql = (
        "SELECT id, start_date, end_date, status FROM actions WHERE status = 'done' "
        "ORDER BY end_date DESC LIMIT 10"
    )

    def ids(found: pd.DataFrame) -> list[int]:
        return sorted(found["id"].tolist())

    def same_ids(results: dict[str, Any]) -> None:
        answers = {name: ids(found) for name, found in results.items()}
        first = next(iter(answers.values()))
        assert all(a == first for a in answers.values()), {k: len(v) for k, v in answers.items()}

    def same_ends(results: dict[str, Any]) -> None:
        answers = {name: found["end_date"].tolist() for name, found in results.items()}
        first = next(iter(answers.values()))
        assert all(a == first for a in answers.values()), answers

    tasks: list[tuple[str, Callable[[], Any], str, dict[str, Any], Callable[..., None]]] = [
        (
            "one day",
            lambda: during(ddf, one).compute(),
            period_sql,
            {},
            same_ids,
        ),
        (
            "1,000-atom set",
            lambda: during(ddf, many).compute(),
            set_sql,
            {"atoms": atoms},
            same_ids,
        ),
        (
            "query: filter, sort, limit 10",
            lambda: select(query, ddf).rows,
            query_sql,
            {},
            same_ends,
        ),
    ]
    cases = []
    for label, task, sql, params, check in tasks:
        impls = [
            Impl(f"periodkit.dask, {count} worker{'s' * (count > 1)}", setup.on(count, label, task))
            for count in setup.clients
        ]
        impls += [
            Impl(f"DuckDB on the Parquet, {t} thread{'s' * (t > 1)}", setup.duckdb(t, sql, params))
            for t in (1, 2)
        ]
        cases.append(Case(f"dask: {label}", n, impls, check=check))
    return setup, cases


def cases(quick: bool) -> list[Case]:
    """The three cases for ``python -m benchmarks`` (a small dataset; clusters start here)."""
    try:
        import distributed  # noqa: F401  (the dask extra)
        import duckdb  # noqa: F401
        import psutil  # noqa: F401
    except ImportError as exc:
        print(f"  bench_dask skipped: {exc}", file=sys.stderr)
        return []
    return build(20_000 if quick else 1_000_000)[1]


def scaling(rows: list[Row], setup: Setup) -> str:
    """Per task: rows/s per worker, the scaling from 1 to 2 workers, peak RSS per worker."""
    lines = [
        "| task | N | 1 worker: s | rows/s per worker | 2 workers: s | rows/s per worker "
        "| scaling 1->2 | peak RSS per worker MB (1 / 2 workers) | DuckDB 1 / 2 threads: s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    by_case: dict[str, dict[str, float]] = {}
    for row in rows:
        by_case.setdefault(row.case, {})[row.impl] = row.median_ms / 1000
    for case, times in by_case.items():
        label = case.removeprefix("dask: ")
        one, two = times["periodkit.dask, 1 worker"], times["periodkit.dask, 2 workers"]
        duck1, duck2 = (
            times["DuckDB on the Parquet, 1 thread"],
            times["DuckDB on the Parquet, 2 threads"],
        )
        peak = f"{setup.peaks[(label, 1)]:,.0f} / {setup.peaks[(label, 2)]:,.0f}"
        lines.append(
            f"| {label} | {setup.n:,} | {one:,.3f} | {setup.n / one:,.0f} | {two:,.3f} | "
            f"{setup.n / two / 2:,.0f} | {one / two:,.2f} | {peak} | {duck1:,.3f} / {duck2:,.3f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_dask", description=__doc__)
    parser.add_argument("--actions", type=int, default=100_000_000, help="dataset size")
    parser.add_argument("--quick", action="store_true", help="20,000 actions, 3 repeats")
    parser.add_argument("--repeats", type=int, default=None, help="timed runs per implementation")
    args = parser.parse_args(argv)
    # Stopped from outside, the run still removes its dataset (atexit).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    n = 20_000 if args.quick else args.actions
    repeats = args.repeats or 3
    setup, found = build(n)
    rows: list[Row] = []
    for case in found:
        print(f"running {case.name} (N={case.n:,})", file=sys.stderr, flush=True)
        rows.extend(run_case(case, repeats))
    print(format_table(rows))
    print()
    print(scaling(rows, setup))
    print(f"\nmedians of {repeats} runs each, after one warm-up run")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
