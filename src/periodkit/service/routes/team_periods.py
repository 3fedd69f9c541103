"""Team periods: ``GET /periods`` and ``GET /periods/{period_id}/actions``.

The periods overlapping a date range, and the actions of a period's team
occurring during it with the requested custom fields (``form_fields``).
"""

from __future__ import annotations

from periodkit.errors import NotFoundError
from periodkit.service.routing import Request, Response, Route


def list_periods(request: Request) -> Response:
    """``{"periods": [...]}``: the visible periods overlapping ``start_date``..``end_date``."""
    request.only("start_date", "end_date")
    periods = request.data.periods.overlapping(
        request.param("start_date"), request.param("end_date"), team_id=request.grant.team_id
    )
    return Response(200, {"periods": periods})


def period_actions(request: Request) -> Response:
    """``{"actions": [...], "notes": [...]}`` of one period; another team's period is not found."""
    request.only("form_fields")
    period_id = request.args["period_id"]
    period = request.data.periods.get(period_id)
    if not request.grant.sees(period.entity_id):
        raise NotFoundError("period", period_id)
    answer = request.data.periods.actions(
        period_id, request.data.actions, request.param("form_fields")
    )
    return Response(200, answer)


ROUTES = (
    Route("GET", "/periods", "periods", "periods", list_periods),
    Route("GET", "/periods/{period_id}/actions", "periods", "periods", period_actions),
)
