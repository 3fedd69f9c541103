"""The service: one ``handle`` that answers every request of the APIs in memory.

>>> service = Service.from_dataset({"entities": [{"id": "a", "type": "OFFICE"}]})
>>> service.handle("GET", "/period/view/a").body["entity_type"]
'OFFICE'
>>> response = service.handle("DELETE", "/period/view/a")
>>> response.status, response.headers["Allow"]
(405, 'GET')
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from periodkit.service.auth import Tokens
from periodkit.service.dataset import Dataset
from periodkit.service.errors import Api, ForbiddenError, MethodNotAllowedError, error_body, failure
from periodkit.service.routes import ROUTES
from periodkit.service.routing import (
    Request,
    Response,
    Router,
    api_of,
    headers_of,
    params_of,
)
from periodkit.service.store import MemoryStore, SQLiteStore, Store

Clock = Callable[[], dt.datetime]
_log = logging.getLogger(__name__)


def system_clock() -> dt.datetime:
    """Now, as an aware UTC datetime.

    >>> system_clock().tzinfo
    datetime.timezone.utc
    """
    return dt.datetime.now(dt.UTC)


class Service:
    """The APIs of a dataset, answered in memory.

    ``clock`` (a zero-argument callable returning an aware UTC datetime) is
    the only source of "now".
    """

    def __init__(
        self, data: Dataset, clock: Clock | None = None, store: Store | None = None
    ) -> None:
        self.data = data
        self.store: Store = store or MemoryStore()
        self.clock: Clock = clock or system_clock
        self.tokens = Tokens.from_records(data.document.get("tokens") or ())
        self.router = Router(ROUTES)

    @classmethod
    def from_dataset(
        cls,
        source: Mapping[str, Any] | str | os.PathLike[str] | None,
        clock: Clock | None = None,
        store: Store | str | os.PathLike[str] | None = None,
    ) -> Service:
        """A service over a dataset document or a path to one; ``ValidationError`` if invalid.

        ``store`` is where writes are kept: in memory (None, the default), a
        ``Store``, or the path of a SQLite file. An empty file is filled from
        ``source``; a filled one is served as it is, ``source`` unread (it may
        then be None).

        >>> Service.from_dataset({"teams": 1})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        periodkit.errors.ValidationError: /teams: teams must be a list, not 1
        """
        if isinstance(store, str | os.PathLike):
            store = SQLiteStore(store)
        store = store or MemoryStore()
        return cls(store.open(source), clock, store)

    def handle(
        self,
        method: str,
        path: str,
        query: str | Mapping[str, str | list[str]] | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """Answer one request; every failure is an answer in the API's error shape.

        ``query`` is a raw query string or a mapping (values text or lists of
        text); ``body`` parsed JSON, or text or bytes to parse. Checks run in
        order: route (404), method (405), token (401), scope (403), then the
        route's own.

        >>> Service.from_dataset({}).handle("GET", "/nowhere").body["error"]["status"]
        404
        """
        api: Api = api_of(path)
        try:
            bare, _, inline = path.partition("?") if isinstance(path, str) else (path, "", "")
            route, args = self.router.resolve(method, bare)
            api = route.api
            grant = self.tokens.authenticate(headers_of(headers), basic=route.basic)
            if route.scope is not None and not grant.allows(route.scope, write=route.write):
                raise ForbiddenError(f"the token's scopes do not allow {method} {path[:200]}")
            self.store.refresh(self.data)
            request = Request(
                self.data, args, [*params_of(inline), *params_of(query)], body, grant, self.clock
            )
            if not route.write:
                return route.handler(request)
            with self.store.write(self.data) as changes:
                # The route notes each record it changes straight into the store's list,
                # so a failure after a change still undoes it.
                return route.handler(replace(request, changes=changes))
        except Exception as exc:  # every failure is answered, bugs included
            return self._error(api, exc)

    def _error(self, api: Api, exc: Exception) -> Response:
        fail = failure(exc, api)
        if fail.status >= 500:
            _log.exception("periodkit service failed on a request")
        headers = {"Allow": ", ".join(exc.allow)} if isinstance(exc, MethodNotAllowedError) else {}
        return Response(fail.status, error_body(api, fail), headers)

    def dump(self) -> dict[str, Any]:
        """The dataset document of the current state; loading it answers every request the same.

        >>> Service.from_dataset({"teams": [{"id": "t", "name": "T"}]}).dump()["teams"]
        [{'id': 't', 'name': 'T'}]
        """
        return self.store.dump(self.data)
