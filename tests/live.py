"""A real ``periodkit serve`` in a subprocess on a free loopback port, for the live tests."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from periodkit.demo import load_sample

#: How long a server may take to start or to stop, in seconds.
TIMEOUT = 30.0


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def sample_with_absences(extra: int = 4) -> dict[str, Any]:
    """The bundled sample with ``extra`` more out-of-office periods of its person, by day."""
    dataset = load_sample()
    first = dataset["out_of_office_periods"][0]
    for day in range(1, extra + 1):
        dataset["out_of_office_periods"].append(
            {
                "id": 100 + day,
                "person": first["person"],
                "start_at": f"2019-12-{day:02d}T08:00:00Z",
                "end_at": f"2019-12-{day:02d}T17:00:00Z",
                "created_at": "2019-11-30T12:00:00Z",
                "team_id": first["team_id"],
            }
        )
    return dataset


@dataclass
class Server:
    """A running server: its URL, its process and where its output goes."""

    url: str
    process: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Send ``sig`` and wait for the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise

    def err(self) -> str:
        """What the server wrote on stderr so far."""
        return self.stderr.read_text(errors="replace")


@contextlib.contextmanager
def serving(tmp: Path, dataset: dict[str, Any] | None = None, *args: str) -> Iterator[Server]:
    """``periodkit serve`` on ``dataset`` (None: no ``--data``), stopped on leaving."""
    port = free_port()
    command = [sys.executable, "-m", "periodkit", "serve", "--port", str(port), *args]
    if dataset is not None:
        path = tmp / "dataset.json"
        path.write_text(json.dumps(dataset))
        command += ["--data", str(path)]
    stdout, stderr = tmp / "server.out", tmp / "server.err"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, env=os.environ.copy())
    server = Server(f"http://127.0.0.1:{port}", process, stdout, stderr)
    try:
        _wait_until_ready(server)
        yield server
    finally:
        if process.poll() is None:
            server.stop()


def _wait_until_ready(server: Server) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited: {server.err()}")
        try:
            httpx.get(f"{server.url}/openapi.json", timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"the server did not start in {TIMEOUT}s: {server.err()}")
