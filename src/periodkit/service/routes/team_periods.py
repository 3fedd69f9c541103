"""Team periods: ``GET /periods`` and ``GET /periods/{period_id}/actions``.

The periods overlapping a date range, and the actions of a period's team
occurring during it, ordered by start, with the requested custom fields
(``form_fields``, a URL-encoded JSON array of names). Dates are written
``YYYY-MM-DDTHH:MM:SS.mmmZ``; an infinite bound is ``null``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote

import numpy as np

from periodkit.actions import ActionTable, TeamPeriods
from periodkit.actions.table import FIELDS, TIMESTAMP_FIELDS
from periodkit.errors import (
    InvalidFormFieldsError,
    InvalidPeriodIdError,
    NotFoundError,
    ParseError,
    QueryError,
    quote,
)
from periodkit.periods import Period, PeriodRecord
from periodkit.service.dataset import period_record
from periodkit.service.routing import Request, Response, Route
from periodkit.time import NEG_INF, POS_INF, format_instants, span_micros

_DIGITS = re.compile(r"[0-9]{1,18}", re.ASCII)
# Characters a path segment carries without escaping (RFC 3986 "unreserved").
_TOKEN = re.compile(r"[A-Za-z0-9._~-]{1,128}", re.ASCII)
_DATES = ("start_date", "end_date", *TIMESTAMP_FIELDS)
_EXAMPLE = '["department", "budget"]'


def period_of(periods: TeamPeriods, period_id: str) -> PeriodRecord:
    """The period a path's ``period_id`` names: 400 if it is not of the id form, else 404.

    Every loaded period is found by its id as text, whatever its spelling;
    when all ids are whole numbers, digits name one too (``"007"`` is 7).

    >>> periods = TeamPeriods.from_records([{"id": 1}])
    >>> period_of(periods, "001").period_id
    1
    >>> period_of(periods, "one")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    periodkit.errors.InvalidPeriodIdError: period_id 'one' is not a period id (expected ...)
    """
    found = periods.find(period_id)
    if found is not None:
        return found
    if periods.whole_ids:
        if not _DIGITS.fullmatch(period_id):
            raise InvalidPeriodIdError(
                f"period_id {quote(period_id)} is not a period id "
                "(expected a whole number such as 42)"
            )
        found = periods.find(str(int(period_id)))
    elif not _TOKEN.fullmatch(period_id):
        raise InvalidPeriodIdError(
            f"period_id {quote(period_id)} is not a period id "
            "(expected 1 to 128 letters, digits or '.', '_', '~', '-')"
        )
    if found is None:
        raise NotFoundError("period", period_id)
    return found


def form_fields(value: str | None) -> list[str] | None:
    """The field names a ``form_fields`` parameter asks for, in order, each once.

    Takes the parameter's JSON text, also when it arrives URL-encoded once
    more; None means the parameter is absent.

    >>> form_fields("%5B%22department%22%2C%22budget%22%2C%22department%22%5D")
    ['department', 'budget']
    >>> form_fields('["department", ""]')
    Traceback (most recent call last):
    ...
    periodkit.errors.InvalidFormFieldsError: form_fields item 1 is '', expected a non-empty string
    """
    if value is None:
        return None
    items = _decode_json(value)
    if not isinstance(items, list):
        raise InvalidFormFieldsError(
            f"form_fields {quote(value)} is not a JSON array of strings such as {_EXAMPLE}"
        )
    names: dict[str, None] = {}
    for index, item in enumerate(items):
        if not isinstance(item, str) or not item:
            raise InvalidFormFieldsError(
                f"form_fields item {index} is {quote(item)}, expected a non-empty string"
            )
        names.setdefault(item)
    return list(names)


def _decode_json(text: str) -> Any:
    # The text as given is tried first, so that a field name holding a "%"
    # is not decoded twice.
    for candidate in (text, unquote(text)):
        try:
            return json.loads(candidate)
        except (ValueError, RecursionError):
            continue
    raise InvalidFormFieldsError(
        f"form_fields {quote(text)} is not a JSON array of strings such as {_EXAMPLE} (URL-encoded)"
    )


def render_actions(
    table: ActionTable, rows: np.ndarray, names: Sequence[str]
) -> dict[str, list[dict[str, Any]]]:
    """``{"actions", "notes"}``: the actions at ``rows`` with the custom fields ``names``.

    Each action holds every field (``None`` where it has no value) and under
    ``form`` the requested fields it has; ``notes`` lists, per action, those
    it lacks.

    >>> table = ActionTable.from_records([{"id": "a", "start_date": "2024-08-12",
    ...                                     "form": {"x": 1}}])
    >>> answer = render_actions(table, np.array([0]), ["x", "y"])
    >>> answer["actions"][0]["start_date"], answer["actions"][0]["form"], answer["notes"]
    ('2024-08-12T00:00:00.000Z', {'x': 1}, [{'action_id': 'a', 'missing_fields': ['y']}])
    """
    columns: dict[str, list[Any]] = {}
    for name in FIELDS[:-1]:
        cells = table.column(name, rows)
        columns[name] = (format_instants(cells) if name in _DATES else cells).tolist()
    forms: list[dict[str, Any]] = [{} for _ in range(len(rows))]
    missing: list[list[str]] = [[] for _ in range(len(rows))]
    for name in names:
        present, values = table.form_values(name, rows)
        found = iter(values)
        for index, has in enumerate(present.tolist()):
            if has:
                forms[index][name] = next(found)
            else:
                missing[index].append(name)
    actions = [
        {**{name: columns[name][index] for name in FIELDS[:-1]}, "form": forms[index]}
        for index in range(len(rows))
    ]
    notes = [
        {"action_id": columns["id"][index], "missing_fields": lacking}
        for index, lacking in enumerate(missing)
        if lacking
    ]
    return {"actions": actions, "notes": notes}


def render_period(period: PeriodRecord) -> dict[str, Any]:
    """One team period as it is written: the dataset's record to the millisecond, no team.

    >>> [p] = TeamPeriods.from_records([{"id": 1, "name": "Q3", "start_date": "2024-07-01"}])
    >>> render_period(p)["start_date"], render_period(p)["end_date"]
    ('2024-07-01T00:00:00.000Z', None)
    """
    return {key: value for key, value in period_record(period, "ms").items() if key != "team_id"}


def _range_side(value: str | None, name: str, side: int) -> int:
    """One end of a date range: the first (0) or last (1) instant of the span it names."""
    if value is None or value == "":
        return NEG_INF if side == 0 else POS_INF
    try:
        return span_micros(value)[side]
    except ParseError as exc:
        raise QueryError(f"{name} {quote(value)} is not a date: {exc}", name) from None


def list_periods(request: Request) -> Response:
    """``{"periods": [...]}``: the visible periods overlapping ``start_date``..``end_date``.

    Each date is read as the span it names, from the start of the first to
    the end of the second; a missing one leaves its side open.
    """
    request.only("start_date", "end_date")
    start, end = request.param("start_date"), request.param("end_date")
    lo, hi = _range_side(start, "start_date", 0), _range_side(end, "end_date", 1)
    if lo > hi:
        raise QueryError(f"start_date {quote(start)} is after end_date {quote(end)}", "start_date")
    periods = request.data.periods.overlapping(
        Period.from_micros(lo, hi), team_id=request.grant.team_id
    )
    return Response(200, {"periods": [render_period(p) for p in periods]})


def period_actions(request: Request) -> Response:
    """``{"actions": [...], "notes": [...]}`` of one period; another team's period is not found.

    The actions are those of the period's team (an action without a team
    belongs to every team) that occur during it, ordered by start, ties in
    input order.
    """
    request.only("form_fields")
    names = form_fields(request.param("form_fields"))
    period_id = request.args["period_id"]
    period = period_of(request.data.periods, period_id)
    if not request.grant.sees(period.entity_id):
        raise NotFoundError("period", period_id)
    table = request.data.actions
    rows = table.during(period.period, order="start")
    if period.entity_id is not None:
        rows = rows[table.equals("team_id", period.entity_id, rows, missing=True)]
    return Response(200, render_actions(table, rows, names or []))


ROUTES = (
    Route("GET", "/periods", "periods", "periods", list_periods),
    Route("GET", "/periods/{period_id}/actions", "periods", "periods", period_actions),
)
