"""The ``periodkit`` command: ``periodkit demo`` shows the library at work.

>>> main(["demo"])  # doctest: +ELLIPSIS
periodkit demo
...
0
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from periodkit.periods import Period, PeriodSet
from periodkit.time import format_instant, parse_instant, parse_instants, parse_span


def demo_lines() -> list[str]:
    """The demo's report: the time model and the period algebra on a small example."""
    office = Period("2017-01-01 00:00:00", "2019-09-26 00:00:00")
    closures = PeriodSet([parse_span("2018-12-25"), parse_span("2019-01-01")])
    open_days = office - closures
    texts = ["2019-12-12T09:30:25-08:00", "2019-12-12 09:30", "2019-12-12", None]
    return [
        "periodkit demo",
        "",
        "Time: one UTC timeline, exact to the microsecond",
        f"  parse '2019-12-12T09:30:25.5-08:00' -> {parse_instant('2019-12-12T09:30:25.5-08:00')}",
        f"  ISO dialect    -> {format_instant('2019-12-12T17:30:25.5Z')}",
        f"  entity dialect -> {format_instant('2019-12-12T17:30:25.5Z', dialect='entity')}",
        f"  +inf in each   -> {format_instant(parse_instant('9999-12-31 23:59:59', 'entity'))}"
        f" / {format_instant(parse_instant('9999-12-31 23:59:59', 'entity'), dialect='entity')}",
        f"  span of '2019-12' -> {parse_span('2019-12')}",
        f"  vector parse {texts} ->",
        f"    {parse_instants(texts).astype(str).tolist()}",
        "",
        "Periods: closed, with infinite defaults",
        f"  office valid       {office}",
        f"  closures           {closures}",
        "  office - closures:",
        *(f"    {atom}" for atom in open_days.atoms),
        f"  open on 2018-12-25T10:00Z? {open_days.contains('2018-12-25T10:00:00Z')}",
        f"  complement of the office: {len((~office).atoms)} atoms",
        *(f"    {atom}" for atom in (~office).atoms),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    >>> main(["--help"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    SystemExit: 0
    """
    parser = argparse.ArgumentParser(prog="periodkit", description="Time periods done right.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="show the time model and period algebra at work")
    args = parser.parse_args(argv)
    if args.command == "demo":
        print("\n".join(demo_lines()))
    return 0
