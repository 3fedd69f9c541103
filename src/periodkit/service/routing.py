"""Requests, responses and the route table: which handler answers a method and path.

A path is split on ``/`` first and each segment percent-decoded after, so an
encoded ``%2F`` stays inside its segment. A path that no route has is
``RouteNotFoundError``; a route's path with another method is
``MethodNotAllowedError`` naming the methods it takes. Either is answered in the
shape of the API the path's first segment belongs to (``api_of``).

>>> answer = lambda request: Response(200, {"args": request.args})
>>> router = Router([Route("GET", "/periods/{period_id}/actions", "periods", "periods", answer)])
>>> router.resolve("GET", "/periods/Q3%2F24/actions")[1]
{'period_id': 'Q3/24'}
>>> router.resolve("PUT", "/periods/1/actions")
Traceback (most recent call last):
...
periodkit.service.errors.MethodNotAllowedError: method 'PUT' is not allowed on \
'/periods/1/actions' (allowed: GET)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote

from periodkit.documents import loads
from periodkit.errors import BodyShapeError, UnknownFieldError, ValidationError, quote
from periodkit.service.auth import Grant
from periodkit.service.dataset import Dataset
from periodkit.service.errors import Api, MethodNotAllowedError, RouteNotFoundError

#: The API each first path segment belongs to; any other path answers as ``DEFAULT_API``.
API_OF_SEGMENT: dict[str, Api] = {
    "periods": "periods",
    "period": "entities",
    "out_of_office_periods": "out_of_office",
    "auth": "actions",
    "api": "activities",
}
DEFAULT_API: Api = "periods"


@dataclass(frozen=True)
class Response:
    """A status, a JSON-ready body (None for no content) and headers as text."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Request:
    """What a route handler reads: the dataset, path arguments, parameters, body, grant."""

    data: Dataset
    args: dict[str, str]
    params: list[tuple[str, str]]
    body: object
    grant: Grant
    clock: Callable[[], dt.datetime]
    #: The records a write changed, as (dataset key, id): what the store persists.
    changes: list[tuple[str, Any]] = field(default_factory=list)

    def changed(self, key: str, identifier: Any) -> None:
        """Note that a write changed the record ``identifier`` of dataset key ``key``.

        >>> request = _request()
        >>> request.changed("entities", "a"); request.changes
        [('entities', 'a')]
        """
        self.changes.append((key, identifier))

    def only(self, *names: str) -> None:
        """Refuse any parameter but ``names``, naming the first stranger.

        >>> _request(params=[("colour", "red")]).only("start_date")
        Traceback (most recent call last):
        ...
        periodkit.errors.UnknownFieldError: Parameter 'colour' is not supported \
(expected start_date).
        """
        for name, _ in self.params:
            if name not in names:
                expected = ", ".join(names) or "no parameters"
                raise UnknownFieldError(
                    f"Parameter {quote(name)} is not supported (expected {expected}).",
                    name,
                    names=[name],
                )

    def param(self, name: str) -> str | None:
        """The one value of parameter ``name``, or None when absent; twice is an error.

        >>> _request(params=[("a", "1"), ("a", "2")]).param("a")
        Traceback (most recent call last):
        ...
        periodkit.errors.BodyShapeError: Parameter 'a' is given twice.
        """
        values = [value for key, value in self.params if key == name]
        if len(values) > 1:
            raise BodyShapeError(f"Parameter {quote(name)} is given twice.", name)
        return values[0] if values else None

    def json(self) -> Any:
        """The body as JSON data: parsed from text or bytes, None when empty.

        Text is read by the one document reader, which refuses ``NaN`` and
        nesting too deep to walk.

        >>> _request(body=b'{"a": 1}').json(), _request(body=b"").json()
        ({'a': 1}, None)
        >>> _request(body=b"\\xff").json()  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        periodkit.errors.BodyShapeError: The body is not UTF-8 text: ...
        >>> _request(body="[NaN]").json()
        Traceback (most recent call last):
        ...
        periodkit.errors.BodyShapeError: The body is refused: not a JSON document: NaN is not a \
JSON value.
        """
        body = self.body
        if isinstance(body, bytes | bytearray):
            try:
                body = bytes(body).decode("utf-8")
            except UnicodeDecodeError as exc:
                raise BodyShapeError(f"The body is not UTF-8 text: {exc}.", "") from None
        if not isinstance(body, str):
            return body
        if not body.strip():
            return None
        try:
            return loads(body)
        except ValidationError as exc:
            # A body is not a document of the dataset: it is answered as a bad request.
            detail = exc.problems[0]["detail"][:200]
            raise BodyShapeError(f"The body is refused: {detail}.", "") from None


def _request(params: Sequence[tuple[str, str]] = (), body: object = None) -> Request:
    """A request with no dataset, for the examples of this module."""
    return Request(None, {}, list(params), body, Grant(None, None), dt.datetime.now)  # type: ignore[arg-type]


Handler = Callable[[Request], Response]


@dataclass(frozen=True)
class Route:
    """One method and path pattern (``{name}`` segments are arguments) and its handler.

    ``scope`` is the scope a token needs (None: the handler checks its own);
    ``write`` whether the route changes data; ``basic`` whether the
    ``Basic`` scheme is accepted besides ``Bearer``.
    """

    method: str
    pattern: str
    api: Api
    scope: str | None
    handler: Handler
    write: bool = False
    basic: bool = False

    @property
    def segments(self) -> tuple[str, ...]:
        """The pattern's segments."""
        return tuple(self.pattern.split("/")[1:])


def api_of(path: object) -> Api:
    """The API whose error shape answers ``path``, by its first segment.

    >>> api_of("/auth/actions/x"), api_of("/nowhere"), api_of(None)
    ('actions', 'periods', 'periods')
    """
    if not isinstance(path, str):
        return DEFAULT_API
    first = path.partition("?")[0].lstrip("/").split("/", 1)[0]
    return API_OF_SEGMENT.get(first, DEFAULT_API)


class Router:
    """The route table."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self.routes = tuple(routes)

    def resolve(self, method: object, path: object) -> tuple[Route, dict[str, str]]:
        """The route for ``method`` and ``path`` with the path's arguments, decoded."""
        if not isinstance(path, str) or not path.startswith("/"):
            raise RouteNotFoundError(str(path)[:200])
        segments = [unquote(s, errors="replace") for s in path.split("/")[1:]]
        matches = []
        for route in self.routes:
            args = _match(route.segments, segments)
            if args is not None:
                matches.append((route, args))
        if not matches:
            raise RouteNotFoundError(path[:200])
        # A path a route names word for word (``/out_of_office_periods/open``) is
        # that route's alone, not also an argument of a pattern beside it.
        fixed = max(_literals(route) for route, _ in matches)
        matches = [(route, args) for route, args in matches if _literals(route) == fixed]
        for route, args in matches:
            if route.method == method:
                return route, args
        allow = sorted({route.method for route, _ in matches})
        raise MethodNotAllowedError(str(method)[:40], path[:200], allow)


def _literals(route: Route) -> int:
    return sum(not segment.startswith("{") for segment in route.segments)


def _match(pattern: Sequence[str], segments: Sequence[str]) -> dict[str, str] | None:
    if len(pattern) != len(segments):
        return None
    args = {}
    for want, got in zip(pattern, segments, strict=True):
        if want.startswith("{"):
            if not got:
                return None
            args[want[1:-1]] = got
        elif want != got:
            return None
    return args


def headers_of(headers: object) -> Mapping[str, str]:
    """Request headers as a mapping; anything else counts as no headers.

    >>> headers_of([("Authorization", "Bearer x")]), headers_of(5)
    ({'Authorization': 'Bearer x'}, {})
    """
    if isinstance(headers, Mapping):
        return headers
    if isinstance(headers, list | tuple):
        return dict(h for h in headers if isinstance(h, tuple) and len(h) == 2)
    return {}


def params_of(query: object) -> list[tuple[str, str]]:
    """Query parameters as ``(name, value)`` text pairs in request order, percent-decoded.

    Takes a raw query string (blank values kept) or a mapping whose values
    are text or lists of text.

    >>> params_of("a=1&b=&a=%3E2"), params_of({"a": ["1", "2"]})
    ([('a', '1'), ('b', ''), ('a', '>2')], [('a', '1'), ('a', '2')])
    >>> params_of(5)
    Traceback (most recent call last):
    ...
    periodkit.errors.BodyShapeError: The query must be a query string or a mapping, not 5.
    """
    if query is None:
        return []
    if isinstance(query, bytes):
        query = query.decode("utf-8", errors="replace")
    if isinstance(query, str):
        return parse_qsl(query.lstrip("?"), keep_blank_values=True, errors="replace")
    if not isinstance(query, Mapping):
        raise BodyShapeError(
            f"The query must be a query string or a mapping, not {quote(query)}.", None
        )
    found = []
    for name, value in query.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            if not isinstance(name, str) or not isinstance(item, str):
                raise BodyShapeError(
                    f"Parameter {quote(name)} has value {quote(item)}, expected text.", str(name)
                )
            found.append((name, item))
    return found
