"""Activities: ``GET`` and ``POST /api/v2/Activities/{oid}``.

The OID's leading letters name its class, whose fields type the query. Both
methods read: the GET form carries the query as parameters, the POST its
body. A token without the class's scope gets a success with no ``Data``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from periodkit.query import Query, Schema, parse_activities, parse_activities_form
from periodkit.service.dataset import class_of
from periodkit.service.errors import UnknownClassError, UnknownObjectError
from periodkit.service.routing import Request, Response, Route


def _answer(request: Request, parse: Callable[[Schema], Query]) -> Response:
    oid = request.args["oid"]
    kind = class_of(oid, request.data.classes)
    if kind is None:
        raise UnknownClassError(oid)
    query = parse(kind.schema)
    names = query.fields or kind.schema.names
    fields = [{"Name": name, "DataType": kind.schema.column(name).data_type} for name in names]
    data: list[list[Any]] = []
    if request.grant.allows(f"activities:{kind.name}", write=False):
        found = request.data.activities.get(oid)
        if found is None:
            raise UnknownObjectError(oid)
        positions = query.run(found.table).positions.tolist()
        data = [[found.records[row].get(name) for name in names] for row in positions]
    return Response(
        200,
        {
            "success": True,
            "errorCode": 0,
            "errorText": "",
            "responseObject": {"Fields": fields, "Data": data},
        },
    )


def query_form(request: Request) -> Response:
    """The activities an OID's GET parameters select."""
    return _answer(request, lambda schema: parse_activities_form(request.params, schema))


def query_body(request: Request) -> Response:
    """The activities an OID's POST body selects (no body: all of them)."""
    request.only()
    body = request.json()
    return _answer(request, lambda schema: parse_activities(body, schema))


ROUTES = (
    Route("GET", "/api/v2/Activities/{oid}", "activities", None, query_form),
    Route("POST", "/api/v2/Activities/{oid}", "activities", None, query_body),
)
