"""Entity periods: ``GET /period/view/{id}`` and ``PUT /period/update/{id}``.

A view shows only the requester's team: ancestors and descendants of other
teams, and entries whose path runs through them, are left out.
"""

from __future__ import annotations

from typing import Any

from periodkit.errors import (
    BodyShapeError,
    NotFoundError,
    ValidationError,
    problem_at,
    quote,
)
from periodkit.service.routing import Request, Response, Route


def _visible(request: Request, entity_id: str) -> None:
    """Refuse an unknown entity, or another team's, the same way."""
    teams = request.data.entity_team
    if entity_id not in teams or not request.grant.sees(teams[entity_id]):
        raise NotFoundError("entity", entity_id)


def view(request: Request) -> Response:
    """The entity's owned periods, with every visible ancestor's and descendant's."""
    request.only()
    entity_id = request.args["id"]
    _visible(request, entity_id)
    entries = request.data.graph.view_entries(entity_id, visible=request.grant.sees)
    return Response(200, entries.document())


def update(request: Request) -> Response:
    """Upsert the entity's periods by ``period_id``: ``{"done": "true"}``, or nothing written."""
    request.only()
    entity_id = request.args["id"]
    _visible(request, entity_id)
    body = _body(request)
    request.data.graph.update(entity_id, body.get("periods"))
    request.changed("entities", entity_id)
    return Response(200, {"done": "true"})


def _body(request: Request) -> dict[str, Any]:
    """The update's body, any problem with its shape as a rejected write."""
    try:
        body = request.json()
    except BodyShapeError as exc:
        raise ValidationError([{"pointer": "", "detail": exc.message}]) from None
    if not isinstance(body, dict):
        detail = f"The body must be a JSON object, not {quote(body)}."
        raise ValidationError([{"pointer": "", "detail": detail}])
    strangers = [
        problem_at(None, str(key), f"{quote(key)} is not a field of the body (expected periods).")
        for key in body
        if key != "periods"
    ]
    if strangers:
        raise ValidationError(strangers)
    return body


ROUTES = (
    Route("GET", "/period/view/{id}", "entities", "entities", view),
    Route("PUT", "/period/update/{id}", "entities", "entities", update, write=True),
)
