"""The ``periodkit`` command: ``periodkit demo`` runs the main job on the bundled sample.

>>> main(["demo"])  # doctest: +ELLIPSIS
periodkit demo
...
0
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from periodkit.asgi import serve
from periodkit.demo import load_sample, report
from periodkit.errors import PeriodkitError
from periodkit.service import Service


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
    served.add_argument("--db", help="SQLite file keeping every write (filled from --data)")
    dumped = commands.add_parser("dump", help="write the dataset a SQLite store holds")
    dumped.add_argument("--db", required=True, help="the SQLite file")
    dumped.add_argument("out", nargs="?", help="the JSON file to write (default: stdout)")
    args = parser.parse_args(argv)
    if args.command == "serve":
        return serve(args.data, args.host, args.port, args.workers, args.db)
    if args.command == "dump":
        return dump(args.db, args.out)
    if args.command == "demo":
        print("\n".join(report(load_sample())))
    return 0


def dump(db: str, out: str | None = None) -> int:
    """Write the dataset document the SQLite file ``db`` holds to ``out`` (None: stdout);
    returns the exit status.

    >>> dump("/no/such/dir/x.sqlite")  # the reason is printed on stderr
    1
    """
    if not Path(db).is_file():
        # Opening would create an empty database: the name is more likely a mistake.
        print(f"periodkit dump: no database {db!r}", file=sys.stderr)
        return 1
    try:
        service = Service.from_dataset(None, store=db)
    except PeriodkitError as exc:
        print(f"periodkit dump: {exc}", file=sys.stderr)
        return 1
    text = json.dumps(service.dump(), ensure_ascii=False, indent=1)
    service.store.close()
    if out is None:
        print(text)
    else:
        with open(out, "w", encoding="utf-8") as file:
            file.write(text + "\n")
    return 0
