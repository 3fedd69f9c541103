"""The ``periodkit`` command: ``periodkit demo`` runs the main job on the bundled sample.

>>> main(["demo"])  # doctest: +ELLIPSIS
periodkit demo
...
0
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from periodkit.actions.parquet import write_actions
from periodkit.actions.sample import actions
from periodkit.asgi import serve
from periodkit.demo import load_sample, report
from periodkit.errors import PeriodkitError


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    >>> main(["--help"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    SystemExit: 0
    """
    parser = argparse.ArgumentParser(prog="periodkit", description="Time periods done right.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="answer the seeds' example questions on the bundled sample")
    served = commands.add_parser("serve", help="serve the APIs on HTTP (the server extra)")
    served.add_argument("--data", help="dataset file (default: the bundled sample)")
    served.add_argument("--host", default="127.0.0.1")
    served.add_argument("--port", type=int, default=8000)
    served.add_argument("--workers", type=int, default=1, help="server processes")
    sample = commands.add_parser("sample", help="write generated actions")
    sample.add_argument("--actions", type=int, required=True, help="how many actions")
    sample.add_argument(
        "--parquet",
        metavar="DIR",
        required=True,
        help="write a Parquet dataset partitioned by start, a row group per million actions",
    )
    args = parser.parse_args(argv)
    if args.command == "sample":
        try:
            written = write_actions(args.parquet, actions(args.actions))
        except (PeriodkitError, ImportError) as exc:
            print(f"periodkit sample: {exc}", file=sys.stderr)
            return 1
        print(f"periodkit sample: {args.actions} actions in {len(written)} files in {args.parquet}")
        return 0
    if args.command == "serve":
        return serve(args.data, args.host, args.port, args.workers)
    if args.command == "demo":
        print("\n".join(report(load_sample())))
    return 0
