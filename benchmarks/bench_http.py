"""HTTP: the service on a real uvicorn server under load, against the stack's own ceiling.

``python -m benchmarks.bench_http [--quick] [--requests N] [--connections C]``
starts one uvicorn server on a free loopback port whose application answers
``/__ceiling`` with a fixed small JSON (the most any route can reach on this
stack) and every other path through ``periodkit.asgi``. An asyncio client
sends a fixed number of requests per route over C keep-alive connections and
prints requests/s, p50 and p99 latency, error answers and the ratio to the
ceiling's requests/s (medians over the repeats, routes interleaved so that
noise on the shared machine hits them alike). The client writes raw HTTP/1.1
so that it costs less than the server it measures; both share the machine.

In the suite (``python -m benchmarks``) this module's case is the adapter
alone, in process: a request through ``App`` against ``Service.handle``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from benchmarks.harness import Case, Impl
from periodkit.asgi import DATA_ENV, App, create_app
from periodkit.demo import load_sample
from periodkit.service import Service

VIEW = "/period/view/example-action-id"
ACTIVITIES = "/api/v2/Activities/T000027"
ACTIVITIES_BODY = json.dumps(
    {
        "sort": [{"property": "Num", "direction": "desc"}],
        "fields": ["Num", "Activity", "Created_Date"],
        "filters": [{"name": "Created_Date", "operation": "=", "value": "2019-12"}],
    }
).encode()
ABSENCES = "/out_of_office_periods?person=1007&start_at=%3E%3D2019-06-01&sort=-start_at&per_page=20"
CEILING = "/__ceiling"
_CEILING_BODY = b'{"ok":true}'

#: Each route measured: a name, the method and the path, and the body.
ROUTES: list[tuple[str, str, str, bytes]] = [
    ("ceiling: fixed JSON", "GET", CEILING, b""),
    ("GET /period/view/{id}", "GET", VIEW, b""),
    ("POST /api/v2/Activities/{oid}", "POST", ACTIVITIES, ACTIVITIES_BODY),
    ("GET /out_of_office_periods?...", "GET", ABSENCES, b""),
]


def bench_app() -> Callable[..., Awaitable[None]]:
    """The served application: the ceiling endpoint beside ``create_app()``'s."""
    app = create_app()

    async def serve(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == CEILING:
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(_CEILING_BODY)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": _CEILING_BODY})
            return
        await app(scope, receive, send)

    return serve


def dataset(absences: int = 500) -> dict[str, Any]:
    """The bundled sample with ``absences`` more out-of-office periods over 2019, seeded."""
    document = load_sample()
    first = document["out_of_office_periods"][0]
    for i in range(absences):
        day = 1 + (i * 7919) % 360
        start = time.strftime("%Y-%m-%d", time.gmtime(1546300800 + day * 86400))
        document["out_of_office_periods"].append(
            {
                "id": 1000 + i,
                "person": {"id": 1000 + i % 40, "name": f"Person {i % 40}"},
                "start_at": f"{start}T08:00:00Z",
                "end_at": f"{start}T17:00:00Z",
                "created_at": "2018-12-01T00:00:00Z",
                "team_id": first["team_id"],
            }
        )
    return document


def _request_bytes(method: str, path: str, body: bytes) -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


async def _connection(
    port: int, request: bytes, count: int, latencies: list[float], errors: list[int]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for _ in range(count):
            start = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            if status >= 300:
                errors.append(status)
    finally:
        writer.close()
        await writer.wait_closed()


async def load(
    port: int, method: str, path: str, body: bytes, requests: int, connections: int
) -> dict[str, float]:
    """Send ``requests`` requests over ``connections`` connections; rate, latencies, errors."""
    request = _request_bytes(method, path, body)
    latencies: list[float] = []
    errors: list[int] = []
    shares = [requests // connections + (i < requests % connections) for i in range(connections)]
    start = time.perf_counter()
    await asyncio.gather(*(_connection(port, request, n, latencies, errors) for n in shares))
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "rps": requests / elapsed,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "errors": len(errors),
    }


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_server(data: Path, port: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "benchmarks.bench_http:bench_app",
        "--factory",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    env = {**os.environ, DATA_ENV: str(data)}
    return subprocess.Popen(command, env=env, cwd=Path(__file__).resolve().parents[1])


async def _wait_until_ready(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the benchmark server exited")
        try:
            await load(port, "GET", CEILING, b"", 1, 1)
            return
        except OSError:
            await asyncio.sleep(0.1)
    raise RuntimeError("the benchmark server did not start in 60 s")


async def run(requests: int, connections: int, repeats: int) -> list[dict[str, Any]]:
    """The load table: one row per route, medians over ``repeats`` interleaved rounds."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "dataset.json"
        data.write_text(json.dumps(dataset()))
        port = _free_port()
        process = _start_server(data, port)
        try:
            await _wait_until_ready(port, process)
            for _, method, path, body in ROUTES:  # warm-up: first-use loading and caches
                await load(port, method, path, body, 50, connections)
            rounds: dict[str, list[dict[str, float]]] = {name: [] for name, *_ in ROUTES}
            for _ in range(repeats):
                for name, method, path, body in ROUTES:
                    rounds[name].append(await load(port, method, path, body, requests, connections))
        finally:
            process.terminate()
            process.wait(30)
    ceiling = statistics.median(r["rps"] for r in rounds[ROUTES[0][0]])
    rows = []
    for name, measured in rounds.items():
        rps = statistics.median(r["rps"] for r in measured)
        rows.append(
            {
                "route": name,
                "rps": rps,
                "p50_ms": statistics.median(r["p50_ms"] for r in measured),
                "p99_ms": statistics.median(r["p99_ms"] for r in measured),
                "errors": sum(int(r["errors"]) for r in measured),
                "ratio_to_ceiling": rps / ceiling,
            }
        )
    return rows


def format_load_table(rows: list[dict[str, Any]], requests: int, connections: int) -> str:
    """The load table in Markdown."""
    lines = [
        f"{requests:,} requests per round over {connections} connections",
        "",
        "| route | requests/s | p50 ms | p99 ms | error answers | ratio to ceiling |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r['route']} | {r['rps']:,.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | "
        f"{r['errors']} | {r['ratio_to_ceiling']:.2f} |"
        for r in rows
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_http", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short run (CI)")
    parser.add_argument("--requests", type=int, help="requests per route and round")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--repeats", type=int, help="interleaved rounds")
    args = parser.parse_args(argv)
    requests = args.requests or (300 if args.quick else 5000)
    repeats = args.repeats or (1 if args.quick else 3)
    connections = min(args.connections, requests)
    rows = asyncio.run(run(requests, connections, repeats))
    print(format_load_table(rows, requests, connections))
    return 1 if any(r["errors"] for r in rows) else 0


def _through_app(app: App, requests: int) -> int:
    """``requests`` view requests through the ASGI adapter in process; the last status."""
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    scope = {
        "type": "http",
        "method": "GET",
        "path": VIEW,
        "raw_path": VIEW.encode(),
        "query_string": b"",
        "headers": [],
    }

    async def go() -> None:
        for _ in range(requests):
            await app(scope, receive, send)

    asyncio.run(go())
    return statuses[-1]


def cases(quick: bool) -> list[Case]:
    """The adapter's own cost: view requests through ``App`` against ``Service.handle``."""
    n = 200 if quick else 5_000
    service = Service.from_dataset(load_sample())
    app = App(service)

    def direct() -> int:
        status = 0
        for _ in range(n):
            status = service.handle("GET", VIEW, "", b"", {}).status
        return status

    def check(results: dict[str, Any]) -> None:
        assert set(results.values()) == {200}, results

    return [
        Case(
            "http: GET /period/view/{id} through the ASGI adapter (in process)",
            n,
            [
                Impl("periodkit.asgi App", lambda: _through_app(app, n)),
                Impl("Service.handle", direct),
            ],
            check=check,
        )
    ]


if __name__ == "__main__":
    raise SystemExit(main())
