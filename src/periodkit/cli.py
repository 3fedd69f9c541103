"""The ``periodkit`` command: the demo, one request, checking and writing datasets, a server.

Every command has ``--help``. Without a command, the help is printed and the
exit status is 0. A failure is one line on stderr, ``periodkit: error: ...``,
with exit status 1 (2 for a command line that does not parse), never a
traceback.

>>> main(["request", "GET", "/auth/actions", "--query", "page[size]=1"])  # doctest: +ELLIPSIS
{
  "data": [
    {
      "id": "7e610e23-d1f2-4f90-b5b7-3ddd7b32ad7c",
...
0
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from periodkit import __version__
from periodkit.actions.parquet import write_actions
from periodkit.actions.sample import actions
from periodkit.asgi import serve
from periodkit.demo import generate, load_sample, report
from periodkit.errors import PeriodkitError, ValidationError
from periodkit.service import Service


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error on one line like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def parser() -> argparse.ArgumentParser:
    """The command line's parser, with one sub-command per job.

    >>> parser().parse_args(["sample", "--actions", "10", "out.json"]).entities
    0
    """
    top = _Parser(
        prog="periodkit",
        description="Time periods done right: the demo, requests to the five APIs, datasets.",
    )
    top.add_argument("--version", action="version", version=f"periodkit {__version__}")
    commands = top.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser(
        "demo",
        help="answer one request of each API on the bundled sample, then show the domain",
        description="Answer one request of each of the five APIs on the bundled sample "
        "dataset, then show effective validity and the actions during each team period.",
    )

    request = commands.add_parser(
        "request",
        help="answer one request and print its JSON body",
        description="Answer one request against a dataset and print the JSON body of the "
        "answer; the exit status is 1 when the answer is a 4xx or 5xx.",
    )
    request.add_argument("method", metavar="METHOD", help="GET, POST, PUT, PATCH or DELETE")
    request.add_argument("path", metavar="PATH", help="the route, with or without ?query")
    request.add_argument("--data", metavar="FILE", help="dataset file (default: the sample)")
    request.add_argument("--query", metavar="Q", help="the query string, as in a URL")
    request.add_argument("--body", metavar="JSON|@FILE", help="the JSON body, or @ and a file")
    request.add_argument("--token", metavar="T", help="sent as 'Authorization: Bearer T'")

    validate = commands.add_parser(
        "validate",
        help="check a dataset file and print every problem",
        description="Check a dataset file; print every problem with its JSON pointer "
        "(exit status 1 if there is any).",
    )
    validate.add_argument("file", metavar="FILE")

    sample = commands.add_parser(
        "sample",
        help="write a generated dataset",
        description="Write a generated dataset (one team, a team period per quarter, "
        "entities and actions); progress goes to stderr.",
    )
    sample.add_argument("--actions", type=_count, required=True, metavar="N")
    sample.add_argument("--entities", type=_count, default=0, metavar="M")
    sample.add_argument("--seed", type=_count, default=0, help="random seed (default: 0)")
    sample.add_argument(
        "--parquet",
        metavar="DIR",
        help="write the actions alone as a Parquet dataset partitioned by start, in row "
        "groups, without holding them all in memory (the dask extra), instead of FILE",
    )
    sample.add_argument("file", metavar="FILE", nargs="?")

    served = commands.add_parser(
        "serve",
        help="serve the APIs on HTTP (the server extra)",
        description="Serve the five APIs on HTTP with uvicorn (install the server extra).",
    )
    served.add_argument("--data", metavar="FILE", help="dataset file (default: the sample)")
    served.add_argument("--host", default="127.0.0.1")
    served.add_argument("--port", type=int, default=8000)
    served.add_argument("--workers", type=int, default=1, help="server processes")
    served.add_argument(
        "--db", metavar="FILE", help="SQLite file keeping every write (filled from --data)"
    )

    dumped = commands.add_parser(
        "dump",
        help="write the dataset a SQLite store holds",
        description="Write the dataset document a SQLite store (made by 'serve --db') holds.",
    )
    dumped.add_argument("--db", metavar="FILE", required=True, help="the SQLite file")
    dumped.add_argument("out", metavar="OUT", nargs="?", help="JSON file (default: stdout)")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    >>> main(["validate", "/no/such/dataset.json"])  # doctest: +ELLIPSIS
    (the document): cannot read the dataset '/no/such/dataset.json': ...
    1
    """
    top = parser()
    args = top.parse_args(argv)
    try:
        return _run(top, args)
    except KeyboardInterrupt:
        return 130
    except (PeriodkitError, OSError, ValueError, ImportError) as exc:
        return _fail(str(exc))
    except Exception as exc:  # a bug: still one line, with what a report needs
        return _fail(f"unexpected {type(exc).__name__}: {exc}")


def _run(top: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.command == "demo":
        print("\n".join(report(load_sample())))
        return 0
    if args.command == "request":
        return _request(args)
    if args.command == "validate":
        return _validate(args.file)
    if args.command == "sample":
        return _sample(args)
    if args.command == "serve":
        return serve(args.data, args.host, args.port, args.workers, args.db)
    if args.command == "dump":
        return _dump(args.db, args.out)
    top.print_help()
    return 0


def _dump(db: str, out: str | None) -> int:
    if not Path(db).is_file():
        # Opening would create an empty database: the name is more likely a mistake.
        return _fail(f"no database {db!r}")
    service = Service.from_dataset(None, store=db)
    text = json.dumps(service.dump(), ensure_ascii=False, indent=1)
    service.store.close()
    if out is None:
        print(text)
    else:
        Path(out).write_text(text + "\n", encoding="utf-8")
    return 0


def _fail(message: str) -> int:
    print(f"periodkit: error: {' '.join(message.split())}", file=sys.stderr)
    return 1


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative")
    return value


def _request(args: argparse.Namespace) -> int:
    body: str | None = args.body
    if body is not None and body.startswith("@"):
        body = Path(body[1:]).read_text()
    path, _, in_path = args.path.partition("?")
    query = "&".join(part for part in (in_path, args.query) if part) or None
    headers = {"Authorization": f"Bearer {args.token}"} if args.token is not None else None
    service = Service.from_dataset(args.data if args.data else load_sample())
    response = service.handle(args.method.upper(), path, query, body, headers)
    if response.body is not None:
        print(json.dumps(response.body, indent=2, ensure_ascii=False))
    return 1 if response.status >= 400 else 0


def _validate(file: str) -> int:
    try:
        service = Service.from_dataset(file)
    except ValidationError as error:
        for problem in error.problems:
            print(f"{problem['pointer'] or '(the document)'}: {problem['detail']}")
        print(f"{file}: {len(error.problems)} problem(s)", file=sys.stderr)
        return 1
    data = service.data
    print(f"{file}: valid ({len(data.actions)} actions, {len(data.graph)} entities)")
    return 0


def _sample(args: argparse.Namespace) -> int:
    def progress(done: int, total: int, out: TextIO = sys.stderr) -> None:
        width = 30
        filled = width * done // total
        bar = "#" * filled + "." * (width - filled)
        out.write(f"\rsample: [{bar}] {done}/{total} records")
        out.flush()

    if (args.parquet is None) == (args.file is None):
        return _fail("sample writes either a dataset FILE or --parquet DIR")
    if args.parquet is not None:
        written = write_actions(args.parquet, actions(args.actions))
        print(f"wrote {args.actions} actions in {len(written)} files to {args.parquet}")
        return 0
    with Path(args.file).open("w") as out:
        for piece in generate(args.actions, args.entities, seed=args.seed, progress=progress):
            out.write(piece)
    print(file=sys.stderr)
    print(f"wrote {args.actions} actions and {args.entities} entities to {args.file}")
    return 0
