"""Run the benchmark suite: ``python -m benchmarks [--quick] [--json F] [--only TEXT] [--area A]``.

Every ``benchmarks/bench_*.py`` module contributes cases; each case runs
periodkit and its peers in this process on the same data and prints one table
of medians, rows per second and ratios to periodkit.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import pkgutil
import platform
import resource
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.harness import Row, format_table, run_case


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    import os

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": str(os.cpu_count()),
        "numpy": np.__version__,
        "pandas": pd.__version__,
    }


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, few repeats (CI)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--only", default="", help="run only cases whose name contains this")
    parser.add_argument(
        "--area",
        action="append",
        default=[],
        help="run only the module bench_AREA.py (repeatable); its data alone is built",
    )
    parser.add_argument("--repeats", type=int, default=None, help="timed runs per implementation")
    args = parser.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 5)

    package = Path(__file__).parent
    rows: list[Row] = []
    for module in sorted(m.name for m in pkgutil.iter_modules([str(package)])):
        if not module.startswith("bench_"):
            continue
        if args.area and module.removeprefix("bench_") not in args.area:
            continue
        for case in importlib.import_module(f"benchmarks.{module}").cases(args.quick):
            if args.only in case.name:
                print(f"running {case.name} (N={case.n:,})", file=sys.stderr, flush=True)
                rows.extend(run_case(case, repeats))
                print(f"  peak RSS so far: {_peak_rss_mb():,.0f} MB", file=sys.stderr, flush=True)
    peak_rss_mb = _peak_rss_mb()
    print(format_table(rows))
    print(f"\npeak RSS of the whole run: {peak_rss_mb:,.0f} MB")
    if args.json:
        report = {
            "machine": machine(),
            "quick": args.quick,
            "peak_rss_mb": peak_rss_mb,
            "rows": [dataclasses.asdict(row) for row in rows],
        }
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
