"""Actions: ``GET /auth/actions`` (filtered by category, paged) and ``GET /auth/actions/{id}``.

Each action is written with ``record_type`` "action" and its timestamps to
the microsecond.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from periodkit.errors import NotFoundError
from periodkit.query import Collection, Page, Table, parse_jsonapi
from periodkit.service.routing import Request, Response, Route
from periodkit.time import format_instants

#: What the actions collection allows: a filter by category, pages of up to 250.
ACTIONS = Collection(
    columns={"category": "string"}, filters={"category": "category"}, max_page_size=250
)
_TEXT = ("id", "category", "description")
_STAMPS = ("created_at", "updated_at")


def _records(request: Request, rows: np.ndarray) -> list[dict[str, Any]]:
    table = request.data.actions
    columns = {name: table.column(name, rows).tolist() for name in _TEXT}
    for name in _STAMPS:
        columns[name] = format_instants(table.column(name, rows), precision="us").tolist()
    return [
        {
            "id": columns["id"][i],
            "category": columns["category"][i],
            "description": columns["description"][i],
            "record_type": "action",
            "created_at": columns["created_at"][i],
            "updated_at": columns["updated_at"][i],
        }
        for i in range(len(rows))
    ]


def meta(page: Page, total: int) -> dict[str, int]:
    """The ``meta`` object of a page for ``total`` matching rows (``page_number`` echoes it).

    >>> meta(Page(3, 1), 13)
    {'total_pages': 13, 'total_results': 13, 'page_number': 3, 'page_size': 1}
    """
    return {
        "total_pages": page.total_pages(total),
        "total_results": total,
        "page_number": page.number,
        "page_size": page.size,
    }


def _visible(request: Request, rows: np.ndarray | None = None) -> np.ndarray:
    """The rows (all by default) of actions the requester's team may see."""
    table = request.data.actions
    rows = np.arange(len(table)) if rows is None else rows
    if request.grant.team_id is None:
        return rows
    visible: np.ndarray = rows[table.equals("team_id", request.grant.team_id, rows, missing=True)]
    return visible


def _collection(request: Request) -> tuple[np.ndarray, Table]:
    """The visible actions' rows and their query table, built once per team.

    The actions never change while a service runs, so neither do these.
    """
    key = ("actions", request.grant.team_id)
    found = request.data.cache.get(key)
    if found is None:
        rows = _visible(request)
        frame = pd.DataFrame({"category": request.data.actions.column("category", rows)})
        found = rows, Table.from_frame(frame, ACTIONS.columns, prepare=True)
        request.data.cache[key] = found
    return found


def list_actions(request: Request) -> Response:
    """``{"data": [...], "meta": {...}}``: one page of the visible actions."""
    parsed = parse_jsonapi(request.params, ACTIONS)
    rows, table = _collection(request)
    result = parsed.query.run(table)
    return Response(
        200,
        {
            "data": _records(request, rows[result.positions]),
            "meta": meta(parsed.page, result.total),
        },
    )


def one_action(request: Request) -> Response:
    """``{"data": {...}}``: one visible action; any other id is not found."""
    request.only()
    action_id = request.args["id"]
    row = request.data.action_rows.get(action_id)
    rows = _visible(request, np.array([] if row is None else [row], dtype=np.int64))
    if not len(rows):
        raise NotFoundError("action", action_id)
    return Response(200, {"data": _records(request, rows)[0]})


ROUTES = (
    Route("GET", "/auth/actions", "actions", "actions", list_actions, basic=True),
    Route("GET", "/auth/actions/{id}", "actions", "actions", one_action, basic=True),
)
