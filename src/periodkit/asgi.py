"""The service on HTTP: an ASGI application over ``Service.handle``, and nothing more.

``App(service)`` passes each request's method, path (percent-encoded as
received), query string, headers and body bytes to ``service.handle`` and
writes the answer as JSON. It adds only what HTTP itself needs: a limit on
the body (a longer one is refused with 413 in the error shape of the API the
path belongs to, before the service sees it), ``GET /openapi.json`` (the
OpenAPI document shipped with the package) and ``GET /docs`` (a page listing
its operations), lifespan events, and one log line per request on the
``periodkit.asgi`` logger: method, path, status and milliseconds.

``create_app()`` is the factory a server's workers call: it serves the
dataset file named by the environment variable ``PERIODKIT_DATA``, or the
bundled sample when it is unset; with ``PERIODKIT_DB`` set, the SQLite store
of that file (which the dataset fills when it is empty).

>>> import asyncio, json
>>> from periodkit.service import Service
>>> app = App(Service.from_dataset({"entities": [{"id": "a", "type": "OFFICE"}]}))
>>> async def get(path):
...     sent = []
...     async def receive():
...         return {"type": "http.request", "body": b"", "more_body": False}
...     async def send(message):
...         sent.append(message)
...     scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(),
...              "query_string": b"", "headers": []}
...     await app(scope, receive, send)
...     return sent[0]["status"], json.loads(sent[1]["body"])
>>> asyncio.run(get("/period/view/a"))[1]["entity_type"]
'OFFICE'
>>> asyncio.run(get("/period/view/b"))
(404, {'error': 'Entity not found', 'id': 'b'})
"""

from __future__ import annotations

import copy
import html
import json
import logging
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import quote

from periodkit.demo import load_sample
from periodkit.errors import PeriodkitError
from periodkit.service import Response, Service
from periodkit.service.errors import (
    MethodNotAllowedError,
    RequestTooLargeError,
    error_body,
    failure,
)
from periodkit.service.routing import api_of
from periodkit.service.store import SQLiteStore

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

#: The longest request body accepted, in bytes, unless the application is told otherwise.
DEFAULT_MAX_BODY = 1 << 20
#: The environment variable naming the dataset file ``create_app`` serves.
DATA_ENV = "PERIODKIT_DATA"
DB_ENV = "PERIODKIT_DB"

_log = logging.getLogger(__name__)
_JSON = b"application/json"
# Every visible ASCII character stays as received, ``%XX`` escapes included:
# only bytes a path may not hold as they are get escaped.
_VISIBLE = "".join(map(chr, range(0x21, 0x7F)))

_Reply = tuple[int, list[tuple[bytes, bytes]], bytes]


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document of the service's routes, as shipped with the package.

    >>> openapi_document()["openapi"]
    '3.1.0'
    """
    document: dict[str, Any] = json.loads(files("periodkit").joinpath("openapi.json").read_text())
    return document


def docs_page(document: Mapping[str, Any]) -> str:
    """A self-contained HTML page listing the document's operations.

    >>> page = docs_page({"info": {"title": "T", "version": "1"},
    ...                   "paths": {"/a": {"get": {"summary": "An <a>", "responses": {}}}}})
    >>> "<code>GET /a</code>" in page, "An &lt;a&gt;" in page
    (True, True)
    """
    info = document.get("info", {})
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(str(info.get('title', '')))}</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:auto}"
        "td,th{border-bottom:1px solid #ddd;padding:2px 8px;text-align:left}</style>",
        f"</head><body><h1>{html.escape(str(info.get('title', '')))}"
        f" {html.escape(str(info.get('version', '')))}</h1>",
        f"<p>{html.escape(str(info.get('description', '')))}</p>",
        "<p>The whole description: <a href='openapi.json'>openapi.json</a>.</p>",
    ]
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            parts.append(
                f"<h2><code>{html.escape(method.upper())} {html.escape(path)}</code></h2>"
                f"<p>{html.escape(str(operation.get('summary', '')))}</p>"
            )
            rows = [
                f"<tr><td><code>{html.escape(str(p.get('name')))}</code></td>"
                f"<td>{html.escape(str(p.get('in')))}</td>"
                f"<td>{html.escape(str(p.get('description', '')))}</td></tr>"
                for p in [*operations.get("parameters", ()), *operation.get("parameters", ())]
                if "name" in p
            ]
            if rows:
                parts.append("<table><tr><th>parameter</th><th>in</th><th></th></tr>")
                parts.extend(rows)
                parts.append("</table>")
            answers = ", ".join(
                f"{html.escape(status)} {html.escape(str(r.get('description', '')))}"
                for status, r in operation.get("responses", {}).items()
            )
            parts.append(f"<p>Answers: {answers}</p>")
    parts.append("</body></html>")
    return "".join(parts)


class App:
    """An ASGI application answering every request through ``service.handle``.

    ``max_body`` is the longest request body accepted, in bytes. Requests are
    answered one at a time on the event loop: ``handle`` is quick, in memory
    and not meant to run in two threads at once.
    """

    def __init__(self, service: Service, *, max_body: int = DEFAULT_MAX_BODY) -> None:
        self.service = service
        self.max_body = max_body
        document = openapi_document()
        self.pages: dict[str, tuple[bytes, bytes]] = {
            "/openapi.json": (_JSON, json.dumps(document).encode()),
            "/docs": (b"text/html; charset=utf-8", docs_page(document).encode()),
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one ASGI connection: lifespan events or one HTTP request."""
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            await send({"type": "websocket.close"})
            return
        started = time.perf_counter()
        path = _path(scope)
        query = bytes(scope.get("query_string", b"")).decode("utf-8", errors="replace")
        status, headers, body = await self._answer(scope, path, query, receive)
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        _log.info(
            "%s %s%s %d %.1fms",
            scope["method"],
            path,
            f"?{query}" if query else "",
            status,
            (time.perf_counter() - started) * 1000,
        )

    async def _answer(self, scope: Scope, path: str, query: str, receive: Receive) -> _Reply:
        method = scope["method"]
        headers = {
            bytes(name).decode("latin-1"): bytes(value).decode("latin-1")
            for name, value in scope.get("headers", ())
        }
        if path in self.pages:
            if method != "GET":
                return self._refuse(path, MethodNotAllowedError(method, path, ["GET"]))
            content_type, page = self.pages[path]
            return 200, [(b"content-type", content_type)], page
        body = await _read_body(receive, headers.get("content-length"), self.max_body)
        if body is None:
            return self._refuse(path, RequestTooLargeError(self.max_body))
        return self._encode(path, self.service.handle(method, path, query, body, headers))

    def _refuse(self, path: str, error: Exception) -> _Reply:
        """``error`` answered as the service answers it, in the shape of the path's API."""
        api = api_of(path)
        fail = failure(error, api)
        extra = (
            {"Allow": ", ".join(error.allow)} if isinstance(error, MethodNotAllowedError) else {}
        )
        if fail.status >= 500:
            _log.error("periodkit failed to write an answer to %s", path, exc_info=error)
        return self._encode(path, Response(fail.status, error_body(api, fail), extra))

    def _encode(self, path: str, response: Response) -> _Reply:
        try:
            headers = [
                (name.lower().encode("latin-1"), value.encode("latin-1"))
                for name, value in response.headers.items()
            ]
            if response.body is None or response.status == 204:
                return response.status, headers, b""
            body = json.dumps(response.body, allow_nan=False).encode()
        except (TypeError, ValueError) as exc:  # an answer HTTP cannot carry is a bug
            return self._refuse(path, exc)
        return response.status, [*headers, (b"content-type", _JSON)], body


def _path(scope: Scope) -> str:
    """The request's path as sent: percent escapes kept, so ``%2F`` stays in its segment."""
    raw = scope.get("raw_path")
    if raw:
        return quote(bytes(raw), safe=_VISIBLE)
    # Without the raw path the server's decoded one is escaped again.
    return quote(scope["path"], safe=_VISIBLE.replace("%", "").replace("?", ""))


async def _read_body(receive: Receive, declared: str | None, limit: int) -> bytes | None:
    """The request body, or None when it is longer than ``limit`` bytes."""
    if declared is not None and declared.strip().isdigit() and int(declared) > limit:
        return None
    chunks = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client left; nobody reads the answer
            return b""
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _lifespan(receive: Receive, send: Send) -> None:
    """Acknowledge startup and shutdown: the service is ready as soon as it is built."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def create_app() -> App:
    """The application a server's worker builds: the dataset at ``$PERIODKIT_DATA``, else
    the bundled sample; kept in the SQLite file at ``$PERIODKIT_DB`` when that is set.

    >>> create_app().service.handle("GET", "/period/view/example-action-id").status
    200
    """
    return App(_service(os.environ.get(DATA_ENV), os.environ.get(DB_ENV)))


def _service(data: str | None, db: str | None) -> Service:
    """The service of the dataset file ``data`` (the sample when None), kept in ``db``
    when given: a filled database is served as it is, the dataset unread."""
    if not db:
        return Service.from_dataset(data if data else load_sample())
    store = SQLiteStore(db)
    sample = None if data or store.filled() else load_sample()
    return Service.from_dataset(data or sample, store=store)


def serve(
    data: str | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    db: str | None = None,
) -> int:
    """Serve the dataset file ``data`` (None: the bundled sample) with uvicorn until
    SIGINT or SIGTERM; returns the exit status.

    The dataset is loaded, and so checked, before the server starts. Without
    ``db`` the data lives in memory: with several workers each process holds
    its own copy, so a write is seen only by the worker that answered it.
    With ``db``, the SQLite file it names keeps every write: the first start
    fills it from the dataset, later ones serve it as it is, and every worker
    sees every write.

    >>> serve("no-such-file.json")  # the reason is printed on stderr
    1
    """
    try:
        app = App(_service(data, db))
    except PeriodkitError as exc:
        print(f"periodkit serve: {exc}", file=sys.stderr)
        return 1
    import uvicorn  # the server extra

    log_config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    log_config["loggers"][__name__] = {"handlers": ["default"], "level": "INFO"}
    shown = f"[{host}]" if ":" in host else host
    print(f"periodkit serving {data or 'the bundled sample'} on http://{shown}:{port}", flush=True)
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_config": log_config,
        "access_log": False,  # the application logs each request with its duration
        "timeout_graceful_shutdown": 5,
    }
    if workers > 1:
        # Workers are new processes: each builds its own application from the path.
        os.environ[DATA_ENV] = str(Path(data).resolve()) if data else ""
        os.environ[DB_ENV] = str(Path(db).resolve()) if db else ""
        app.service.store.close()
        uvicorn.run(f"{__name__}:create_app", factory=True, workers=workers, **options)
        return 0
    # uvicorn stops on SIGINT or SIGTERM, then raises the signal again for the
    # handler it found: a handler that does nothing makes that stop a clean exit.
    for stop in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop, lambda *_: None)
    uvicorn.run(app, **options)
    return 0
