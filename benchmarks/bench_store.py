"""The stores under the service: writes and reads per second through ``handle()``.

The same dataset (the seeded out-of-office periods of ``bench_out_of_office``)
is served twice: with the in-memory store, and with the SQLite store on a
file in a temporary directory (WAL, ``synchronous=FULL``: each write waits
for its fsync, so the write rows mostly measure the disk). The first
implementation of each case is the memory store, so the ratio column is the
SQLite store's cost relative to memory.

* Writes: ``PATCH /out_of_office_periods/{id}`` of ``reason``, spread over the
  records, each one a committed transaction with the SQLite store.
* Reads: ``GET /out_of_office_periods/{id}`` and ``GET /out_of_office_periods``
  (a filter, a sort, page 2 of 25), alternating. Both stores answer from the
  same in-memory views; the SQLite store adds one ``PRAGMA data_version`` per
  request, its check for other processes' writes.
* The first read after a write: a PATCH of ``sourceID`` (a new text each
  time), then the list read above. The write patches the views, so the read
  costs what it costs without one. With the SQLite store the pair also runs
  across two services on one file, as two workers: the PATCH through one,
  the read through the other, which first reloads the changed record from
  the file into its own views.
"""

from __future__ import annotations

import atexit
import datetime as dt
import itertools
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.bench_out_of_office import frame_of, records_of
from benchmarks.harness import Case, Impl, repeated
from periodkit.service import Service

NOW = dt.datetime(2024, 9, 1, tzinfo=dt.UTC)
LIST = "/out_of_office_periods"
QUERY = "start_at=>2020-01-01&sort=-start_at&per_page=25&page=2"


def _services(n: int) -> dict[str, Service]:
    dataset = {"out_of_office_periods": records_of(frame_of(n, max(n // 10, 1)))}
    folder = Path(tempfile.mkdtemp(prefix="periodkit-bench-store-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    services = {
        "memory store": Service.from_dataset(dataset, clock=lambda: NOW),
        "SQLite store": Service.from_dataset(
            dataset, clock=lambda: NOW, store=folder / "bench.sqlite"
        ),
    }
    # The timed runs make different numbers of calls, so they are compared here, once.
    memory, sqlite = (_reader(s, n) for s in services.values())
    assert all(memory() == sqlite() for _ in range(10)), "the stores answer differently"
    return services


def _writer(service: Service, n: int, field: str = "reason") -> Callable[[], Any]:
    """PATCHes of ``field`` spread over the records, each to a value it never held."""
    counter = itertools.count()

    def write() -> Any:
        number = next(counter)
        path = f"{LIST}/{number * 7919 % n + 1}"
        response = service.handle("PATCH", path, body={field: f"{field[0]}{number}"})
        assert response.status == 200, response.body
        return response.status

    return write


def _reader(service: Service, n: int) -> Callable[[], Any]:
    counter = itertools.count()

    def read() -> Any:
        number = next(counter)
        if number % 2:
            response = service.handle("GET", LIST, QUERY)
        else:
            response = service.handle("GET", f"{LIST}/{number * 7919 % n + 1}")
        assert response.status == 200, response.body
        return response.body

    return read


def _write_then_read(writer: Service, reader: Service, n: int) -> Callable[[], Any]:
    write = _writer(writer, n, "sourceID")

    def run() -> Any:
        write()
        response = reader.handle("GET", LIST, QUERY)
        assert response.status == 200, response.body
        return response.status

    return run


def cases(quick: bool) -> list[Case]:
    n, writes, reads = (2_000, 20, 200) if quick else (100_000, 100, 500)
    services = _services(n)
    memory, sqlite = services.values()
    # A second worker on the same file: it sees the first one's writes by reloading them.
    other = Service.from_dataset(None, clock=lambda: NOW, store=sqlite.store.path)
    return [
        Case(
            f"store: a PATCH, then the first list read through handle() ({n:,} records)",
            writes,
            [
                Impl("memory store", repeated(_write_then_read(memory, memory, n), writes)),
                Impl("SQLite store", repeated(_write_then_read(sqlite, sqlite, n), writes)),
                Impl(
                    "SQLite store, read through a second worker",
                    repeated(_write_then_read(sqlite, other, n), writes),
                ),
            ],
        ),
        Case(
            f"store: reads through handle() ({n:,} records)",
            reads,
            [Impl(name, repeated(_reader(s, n), reads)) for name, s in services.items()],
        ),
        Case(
            f"store: PATCH writes through handle() ({n:,} records)",
            writes,
            [Impl(name, repeated(_writer(s, n), writes)) for name, s in services.items()],
        ),
    ]
