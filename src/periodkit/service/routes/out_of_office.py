"""Out-of-office periods: the 4me collection and its records, read and written.

``GET /out_of_office_periods`` (and its predefined filters ``/open`` and
``/completed``, against the service's clock) answers one page of the
collection with the ``X-Pagination-*`` headers and a ``Link`` header whose
links keep every request parameter with ``page`` set. ``GET``, ``PATCH``
and ``DELETE /out_of_office_periods/{id}`` and ``POST
/out_of_office_periods`` read and write one record; a record comes out with
every field, ``effort_class`` left out when it is null.

>>> from periodkit.service import Service
>>> service = Service.from_dataset({"out_of_office_periods": [
...     {"id": 3, "person": {"id": 196, "name": "Ellen Brown"}, "start_at": "2019-11-18T06:00:00Z",
...      "end_at": "2019-11-18T15:45:15Z", "created_at": "2019-11-18T08:10:52-06:00"}]})
>>> response = service.handle("GET", "/out_of_office_periods", "fields=person&per_page=1")
>>> response.body, response.headers["Link"]
([{'id': 3, 'person': {'id': 196, 'name': 'Ellen Brown'}}], \
'</out_of_office_periods?fields=person&per_page=1&page=1>; rel="first", \
</out_of_office_periods?fields=person&per_page=1&page=1>; rel="last"')
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from periodkit.errors import BodyShapeError, quote
from periodkit.out_of_office import COLUMNS, OutOfOfficeStore, predefined_filter
from periodkit.query import Collection, SortKey, parse_fourme
from periodkit.service.routing import Request, Response, Route

PATH = "/out_of_office_periods"

#: What ``GET /out_of_office_periods`` allows: the fields it shows (some by default),
#: its filters (``id`` and ``person`` take lists), sort keys and pages, over the
#: records' columns.
OUT_OF_OFFICE_PERIODS = Collection(
    fields=(
        "approval_delegate",
        "created_at",
        "end_at",
        "id",
        "person",
        "reason",
        "source",
        "sourceID",
        "start_at",
        "time_allocation",
        "effort_class",
        "updated_at",
    ),
    default_fields=("id", "sourceID", "person", "start_at", "end_at", "created_at", "updated_at"),
    columns=COLUMNS,
    filters={
        "id": "id",
        "source": "source",
        "sourceID": "sourceID",
        "person": "person_id",
        "start_at": "start_at",
        "end_at": "end_at",
        "created_at": "created_at",
        "updated_at": "updated_at",
    },
    sortable={
        name: name
        for name in (
            "id",
            "sourceID",
            "person_id",
            "start_at",
            "end_at",
            "created_at",
            "updated_at",
        )
    },
    default_sort=(SortKey("start_at"),),
    lists=frozenset({"id", "person"}),
)


def _store(request: Request) -> OutOfOfficeStore:
    return request.data.out_of_office


def _list(path: str, predefined: str | None = None) -> Callable[[Request], Response]:
    """The handler of one collection path, ``predefined`` naming its predefined filter."""

    def answer(request: Request) -> Response:
        parsed = parse_fourme(request.params, OUT_OF_OFFICE_PERIODS)
        also = [] if predefined is None else [predefined_filter(predefined, request.clock())]
        selection = _store(request).select(parsed.query, team_id=request.grant.team_id, also=also)
        records = [{name: r[name] for name in parsed.fields} for r in selection.records]
        page = parsed.page
        pages = page.total_pages(selection.total)
        headers = {
            "X-Pagination-Per-Page": str(page.size),
            "X-Pagination-Current-Page": str(page.number),
            "X-Pagination-Total-Pages": str(pages),
            "X-Pagination-Total-Entries": str(selection.total),
        }
        if pages:
            headers["Link"] = _links(path, request.params, page.number, pages)
        return Response(200, records, headers)

    answer.__doc__ = f"One page of ``GET {path}``: the visible records the parameters select."
    return answer


def _links(path: str, params: list[tuple[str, str]], number: int, pages: int) -> str:
    """The ``Link`` header: first and last, prev and next where they exist.

    >>> print(_links("/p", [("page", "2"), ("sort", "-id")], 2, 3).replace(", <", ",\\n<"))
    </p?page=1&sort=-id>; rel="first",
    </p?page=1&sort=-id>; rel="prev",
    </p?page=3&sort=-id>; rel="next",
    </p?page=3&sort=-id>; rel="last"
    """
    wanted = [("first", 1)]
    if number > 1:
        wanted.append(("prev", number - 1))
    if number < pages:
        wanted.append(("next", number + 1))
    wanted.append(("last", pages))
    return ", ".join(f'<{path}?{_with_page(params, n)}>; rel="{rel}"' for rel, n in wanted)


def _with_page(params: list[tuple[str, str]], number: int) -> str:
    """The query string of ``params`` with ``page`` set to ``number`` (in its place if given)."""
    kept = [(name, str(number) if name == "page" else value) for name, value in params]
    if all(name != "page" for name, _ in params):
        kept.append(("page", str(number)))
    return urlencode(kept, safe=",!")


def _existing(request: Request) -> dict[str, Any]:
    """The visible record the path's id names; any other id is not found."""
    text = request.args["id"]
    identifier = int(text) if text.isascii() and text.isdigit() else text
    return _store(request).get(identifier, team_id=request.grant.team_id)


def _one(record: dict[str, Any]) -> dict[str, Any]:
    """A record as a single resource shows it: every field, ``effort_class`` only when set."""
    if record["effort_class"] is None:
        del record["effort_class"]
    return record


def _object(request: Request) -> dict[str, Any]:
    """The request's body, which must be a JSON object."""
    body = request.json()
    if not isinstance(body, dict):
        raise BodyShapeError(f"The body must be a JSON object, not {quote(body)}.", "")
    return body


def get_one(request: Request) -> Response:
    """One visible record; another team's is not found."""
    request.only()
    return Response(200, _one(_existing(request)))


def create(request: Request) -> Response:
    """A new record of the token's team from the body: 201 with every field."""
    request.only()
    record = _store(request).create(_object(request), request.grant.team_id, request.clock())
    request.changed("out_of_office_periods", record["id"])
    return Response(201, _one(record))


def update(request: Request) -> Response:
    """The fields the body gives, changed; an unknown id is not found before the body is read."""
    request.only()
    identifier = _existing(request)["id"]
    record = _store(request).update(identifier, _object(request), request.clock())
    request.changed("out_of_office_periods", identifier)
    return Response(200, _one(record))


def delete(request: Request) -> Response:
    """Remove a visible record: 204 with no body."""
    request.only()
    identifier = _existing(request)["id"]
    _store(request).delete(identifier)
    request.changed("out_of_office_periods", identifier)
    return Response(204)


ROUTES = (
    Route("GET", PATH, "out_of_office", "out_of_office", _list(PATH)),
    Route("POST", PATH, "out_of_office", "out_of_office", create, write=True),
    *(
        Route(
            "GET", f"{PATH}/{name}", "out_of_office", "out_of_office", _list(f"{PATH}/{name}", name)
        )
        for name in ("open", "completed")
    ),
    Route("GET", f"{PATH}/{{id}}", "out_of_office", "out_of_office", get_one),
    Route("PATCH", f"{PATH}/{{id}}", "out_of_office", "out_of_office", update, write=True),
    Route("DELETE", f"{PATH}/{{id}}", "out_of_office", "out_of_office", delete, write=True),
)
