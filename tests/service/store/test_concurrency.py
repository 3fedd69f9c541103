"""Two processes, each with client threads, PATCH the same records: no update is lost.

Each client owns one field and writes 1, 2, 3, ... into it; every answer
shows the whole record as that PATCH left it. If the writes ran one after
another, each on the record as the previous one left it, the answers of one
record form a chain: sorted, each differs from the one before in exactly
one client's field, by one step. A PATCH applied over a stale record would
put a field back, and break the chain. The record's final state is the
chain's end.
"""

from __future__ import annotations

import json
import os
import threading
from itertools import pairwise
from pathlib import Path
from typing import Any

from tests.service.service_data import seed_dataset

from periodkit.service import Service

OOO = "/out_of_office_periods"
#: Each client's field, and how its n-th value is written.
CLIENTS = {
    "source": lambda n: f"s{n:03d}",
    "sourceID": lambda n: f"i{n:03d}",
    "reason": lambda n: f"r{n:03d}",
    "end_at": lambda n: f"2030-01-01T00:{n // 60:02d}:{n % 60:02d}.000Z",
}
WRITES = 24
FIRST_TWO, LAST_TWO = tuple(CLIENTS)[:2], tuple(CLIENTS)[2:]


def _step(field: str, value: Any) -> int:
    """Which of its client's writes a field's value is (0: none yet)."""
    for n in range(1, WRITES + 1):
        if CLIENTS[field](n) == value:
            return n
    return 0


def _worker(path: Path, fields: tuple[str, ...], ids: list[int], out: int, go: int) -> None:
    """One process: a service on the file, one thread per client field, started together
    with the other process's."""
    service = Service.from_dataset(None, store=path)
    os.write(out, b"R")
    os.read(go, 1)
    answers: list[tuple[int, dict[str, Any]]] = []

    def client(field: str) -> None:
        for n in range(1, WRITES + 1):
            record_id = ids[n % len(ids)]
            response = service.handle(
                "PATCH", f"{OOO}/{record_id}", body={field: CLIENTS[field](n)}
            )
            assert response.status == 200, response.body
            answers.append((record_id, response.body))

    threads = [threading.Thread(target=client, args=(field,)) for field in fields]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    os.write(out, json.dumps(answers).encode())


def _fork(path: Path, fields: tuple[str, ...], ids: list[int], go: int) -> tuple[int, int]:
    """A worker process, once it is ready: its pid and the pipe it answers on."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child never returns
        os.close(read)
        try:
            _worker(path, fields, ids, write, go)
            os._exit(0)
        finally:
            os._exit(1)
    os.close(write)
    assert os.read(read, 1) == b"R"
    return pid, read


def _collect(pid: int, read: int) -> list[Any]:
    received = b""
    while chunk := os.read(read, 1 << 16):
        received += chunk
    os.close(read)
    assert os.waitpid(pid, 0)[1] == 0, "a worker failed"
    return list(json.loads(received))


def test_racing_patches_are_applied_one_after_another(tmp_path: Path) -> None:
    path = tmp_path / "race.sqlite"
    dataset = seed_dataset()
    second = {**dataset["out_of_office_periods"][0], "id": 4}
    dataset["out_of_office_periods"].append(second)
    Service.from_dataset(dataset, store=path).store.close()
    ids = [3, 4]
    go, start = os.pipe()
    workers = [_fork(path, FIRST_TWO, ids, go), _fork(path, LAST_TWO, ids, go)]
    os.write(start, b"GO")
    answers = [answer for pid, read in workers for answer in _collect(pid, read)]
    assert len(answers) == WRITES * len(CLIENTS)
    final = Service.from_dataset(None, store=path)
    for record_id in ids:
        chain = sorted(
            tuple(_step(field, body[field]) for field in CLIENTS)
            for found, body in answers
            if found == record_id
        )
        # A client writes this record every other time: its steps here are every other one.
        first = 2 if record_id == ids[0] else 1
        for before, after in pairwise(chain):
            moved = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
            assert len(moved) == 1, (before, after)
            [(a, b)] = moved
            assert b == (a + 2 if a else first), (before, after)
        body = final.handle("GET", f"{OOO}/{record_id}").body
        assert tuple(_step(field, body[field]) for field in CLIENTS) == chain[-1]
        assert chain[-1] == tuple(WRITES - (record_id == ids[1]) for _ in CLIENTS)
