"""Kill a writing process at random points: every acknowledged write survives, whole.

A forked child (periodkit is already imported, so a round costs milliseconds,
not an interpreter start) serves writes through ``Service.handle`` on the
SQLite store, writing each acknowledged write's number to a pipe, and is
killed with SIGKILL. Each write is one request changing two things at once
(two periods of one entity, or a new record carrying the number), so a
half-applied write would show.
"""

from __future__ import annotations

import os
import random
import select
import signal
import sqlite3
import time
from pathlib import Path

from tests.service.service_data import seed_dataset

from periodkit.service import Service

ROUNDS = 20
ENTITY = "example-action-id"
OOO = "/out_of_office_periods"


def _serve_writes(path: Path, start: int, out: int) -> None:
    """The child: write forever from ``start``, reporting each acknowledged number."""
    service = Service.from_dataset(None, store=path)
    number = start
    while True:
        pair = [
            {"period_id": f"k{number}{side}", "start_date": "2024-01-01 00:00:00"} for side in "ab"
        ]
        if number % 2:
            response = service.handle("PUT", f"/period/update/{ENTITY}", body={"periods": pair})
        else:
            body = {
                "person": 196,
                "start_at": "2024-09-02T08:00:00Z",
                "end_at": "2024-09-03T08:00:00Z",
                "reason": f"w{number}",
            }
            response = service.handle("POST", OOO, body=body)
        assert response.status < 300, response.body
        os.write(out, f"{number}\n".encode())
        number += 1


def _run_and_kill(path: Path, start: int, rng: random.Random) -> list[int]:
    """Fork a writer, kill it at a random moment; the numbers it acknowledged."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child never returns
        os.close(read)
        try:
            _serve_writes(path, start, write)
        finally:
            os._exit(1)
    os.close(write)
    received = b""
    deadline = time.monotonic() + rng.uniform(0.01, 0.15)
    # The clock starts once the child has acknowledged its first write.
    started = False
    while time.monotonic() < deadline or not started:
        ready, _, _ = select.select([read], [], [], 0.005)
        if ready:
            chunk = os.read(read, 65536)
            assert chunk, "the writer died on its own"
            received += chunk
            if not started:
                started = True
                deadline = time.monotonic() + rng.uniform(0.0, 0.15)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    while chunk := os.read(read, 65536):
        received += chunk
    os.close(read)
    # A line cut short was never acknowledged in full: only whole lines count.
    return [int(line) for line in received.split(b"\n")[:-1]]


def _check(path: Path, acknowledged: set[int], attempted: int) -> None:
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    service = Service.from_dataset(None, store=path)
    try:
        periods = {p["period_id"] for p in service.data.graph.record(ENTITY)["periods"]}
        reasons = [r["reason"] for r in service.dump()["out_of_office_periods"]]
    finally:
        service.store.close()
    for number in range(attempted):
        if number % 2:
            a, b = f"k{number}a" in periods, f"k{number}b" in periods
            assert a == b, f"write {number} is half applied"
            present = a
        else:
            assert reasons.count(f"w{number}") <= 1
            present = f"w{number}" in reasons
        if number in acknowledged:
            assert present, f"acknowledged write {number} is lost"


def test_acknowledged_writes_survive_sigkill(tmp_path: Path) -> None:
    path = tmp_path / "crash.sqlite"
    Service.from_dataset(seed_dataset(), store=path).store.close()
    rng = random.Random(12)
    acknowledged: set[int] = set()
    start = 0
    for _ in range(ROUNDS):
        numbers = _run_and_kill(path, start, rng)
        assert numbers, "the writer acknowledged nothing"
        acknowledged.update(numbers)
        # The write after the last acknowledged one may or may not have committed.
        start = max(numbers) + 2
        _check(path, acknowledged, start)
    assert len(acknowledged) >= ROUNDS
