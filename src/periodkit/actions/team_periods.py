"""Team periods (seed 000): a team's named timeframes, and the actions during one.

Two operations serve ``GET /periods`` and ``GET /periods/{period_id}/actions``:
``TeamPeriods.overlapping`` lists the periods that overlap a date range, and
``TeamPeriods.actions`` lists the actions of the period's team that occur
during the period, ordered by start, with their requested custom fields.
Both answer in the wire shapes of CONVENTIONS.md, seed 000 (ISO dates with
milliseconds and ``Z``; ``null`` for an infinite bound), and raise errors
the service facade maps to its statuses: ``InvalidPeriodIdError`` (400
"Invalid period_id"), ``NotFoundError`` of kind ``"period"`` (404 "Period
Not Found"), ``InvalidFormFieldsError`` (400 "Invalid form_fields") and a
``QueryError`` located at ``start_date`` or ``end_date`` for a bad range.

>>> periods = TeamPeriods.from_records([
...     {"id": 1, "team_id": "t1", "name": "Q3", "start_date": "2024-07-01T00:00:00Z",
...      "end_date": "2024-09-30T23:59:59.999Z", "markers": []},
... ])
>>> [p["name"] for p in periods.overlapping("2024-09", "2024-12")]
['Q3']
>>> periods.overlapping("2024-10-01", None)
[]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from periodkit import kernels
from periodkit.actions.forms import parse_form_fields
from periodkit.actions.table import ActionTable
from periodkit.documents import Document, keys, short, values_at
from periodkit.errors import (
    ArgumentError,
    InvalidPeriodIdError,
    NotFoundError,
    ParseError,
    QueryError,
)
from periodkit.periods import Period, PeriodRecord
from periodkit.time import NEG_INF, POS_INF, format_instant, span_micros

FIELDS = ("id", "team_id", "name", "start_date", "end_date", "created_at", "updated_at", "markers")
_RECORD_KEYS = keys(*FIELDS)
_MARKER_KEYS = keys("name", "timestamp")
_DATES = ("*/start_date", "*/end_date", "*/created_at", "*/updated_at", "*/markers/*/timestamp")
_DIGITS = re.compile(r"[0-9]{1,18}", re.ASCII)
# Characters a path segment carries without escaping (RFC 3986 "unreserved").
_TOKEN = re.compile(r"[A-Za-z0-9._~-]{1,128}", re.ASCII)


class TeamPeriods:
    """The team periods of a dataset, sorted by start, looked up by id.

    Each is a ``PeriodRecord`` whose ``period_id`` is the record's id, whose
    ``entity_id`` is its team and whose ``data`` holds the other fields.
    """

    __slots__ = ("_by_id", "_ends", "_longest", "_periods", "_starts", "_whole_ids")

    def __init__(self, periods: Sequence[PeriodRecord]) -> None:
        self._periods = sorted(periods, key=lambda p: (p.period.lo, p.period.hi, str(p.period_id)))
        self._starts = np.array([p.period.lo for p in self._periods], dtype=np.int64)
        self._ends = np.array([p.period.hi for p in self._periods], dtype=np.int64)
        self._longest = kernels.max_duration(self._starts, self._ends)
        self._by_id = {str(p.period_id): p for p in self._periods}
        self._whole_ids = bool(self._periods) and all(
            isinstance(p.period_id, int) for p in self._periods
        )

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> TeamPeriods:
        """Team periods from the dataset's ``periods`` records; every problem is reported.

        A missing or null date is the infinity on its side.

        >>> TeamPeriods.from_records([{"id": 7, "end_date": "2024-01"}])  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        periodkit.errors.ValidationError: /0/end_date: period 7: '2024-01' is a partial date, ...
        """
        doc = Document()
        rows = doc.array(records, required=True, what="the period records")
        doc.check()
        doc.dates(values_at(rows, *_DATES))
        periods: list[PeriodRecord] = []
        seen: set[str] = set()
        for _, record in doc.each(rows):
            found = _period(doc, record)
            if found is not None:
                periods.append(found)
            identifier = record.get("id") if isinstance(record, Mapping) else None
            # Only an id of the right type is compared: its text is what a path names.
            if type(identifier) is int or type(identifier) is str:
                if str(identifier) in seen:
                    doc.problem(f"period id {identifier!r} is repeated", "id")
                seen.add(str(identifier))
        doc.check()
        return cls(periods)

    def __len__(self) -> int:
        return len(self._periods)

    def get(self, period_id: object) -> PeriodRecord:
        """The period a path's ``period_id`` names.

        Every loaded period is found by its id as text, whatever its spelling;
        when all ids are whole numbers, digits name one too (``"007"`` is 7).
        An id that names no period is ``InvalidPeriodIdError`` (400) if it is
        not of the id form either, else ``NotFoundError`` (404).

        >>> periods = TeamPeriods.from_records([{"id": 1}, {"id": "Q3 2024"}])
        >>> periods.get("1").period_id, periods.get("Q3 2024").period_id
        (1, 'Q3 2024')
        >>> TeamPeriods.from_records([{"id": 1}]).get("007")
        Traceback (most recent call last):
        ...
        periodkit.errors.NotFoundError: period '007' not found
        >>> TeamPeriods.from_records([{"id": 1}]).get("one")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        periodkit.errors.InvalidPeriodIdError: period_id 'one' is not a period id (expected ...)
        """
        # bool is an int, but True is no one's id.
        text = (
            str(period_id)
            if isinstance(period_id, int | str) and not isinstance(period_id, bool)
            else None
        )
        if text is not None and text in self._by_id:
            return self._by_id[text]
        if self._whole_ids:
            if text is None or not _DIGITS.fullmatch(text):
                raise InvalidPeriodIdError(
                    f"period_id {period_id!r} is not a period id "
                    "(expected a whole number such as 42)"
                )
            found = self._by_id.get(str(int(text)))
        elif text is None or not _TOKEN.fullmatch(text):
            raise InvalidPeriodIdError(
                f"period_id {period_id!r} is not a period id "
                "(expected 1 to 128 letters, digits or '.', '_', '~', '-')"
            )
        else:
            found = None
        if found is None:
            raise NotFoundError("period", period_id)
        return found

    def overlapping(
        self, start_date: object = None, end_date: object = None, *, team_id: object = None
    ) -> list[dict[str, Any]]:
        """The periods overlapping the range from the start of ``start_date`` to the end of
        ``end_date`` (each any form of SPEC section 1, read as the span it names; a
        missing one leaves that side open), as wire records, sorted by start.

        ``team_id`` keeps one team's periods; ``None`` keeps every team's.

        >>> sprint = {"id": 1, "name": "Sprint", "start_date": "2024-08-12T00:00:00Z",
        ...           "end_date": "2024-08-25T23:59:59.999Z"}
        >>> periods = TeamPeriods.from_records([sprint])
        >>> [p["name"] for p in periods.overlapping("2024-08-25")]
        ['Sprint']
        """
        lo = _range_side(start_date, "start_date", 0)
        hi = _range_side(end_date, "end_date", 1)
        if lo > hi:
            raise QueryError(
                f"start_date {start_date!r} is after end_date {end_date!r}", "start_date"
            )
        rows = kernels.overlaps(
            self._starts, self._ends, np.array([lo]), np.array([hi]), self._longest
        )
        chosen = [self._periods[row] for row in rows.tolist()]
        return [_wire(p) for p in chosen if team_id is None or p.entity_id in (None, team_id)]

    def actions(
        self, period_id: object, table: ActionTable, form_fields: object = None
    ) -> dict[str, list[dict[str, Any]]]:
        """The actions of the period's team occurring during it, ordered by start (ties in
        input order), each with the requested custom fields it has under ``form``;
        ``notes`` names, per action, the requested fields it lacks.

        ``form_fields`` is the query's URL-encoded JSON array, its decoded text
        or a list; absent (``None``), no custom field is returned. An action with
        no team belongs to every team (a dataset with one team may leave it out).

        >>> periods = TeamPeriods.from_records([{"id": 1, "team_id": "t1"}])
        >>> table = ActionTable.from_records([
        ...     {"id": "a", "team_id": "t1", "start_date": "2024-01-01", "form": {"x": 1}},
        ...     {"id": "b", "team_id": "t2", "start_date": "2024-01-01"}])
        >>> answer = periods.actions("1", table, '["x", "y"]')
        >>> [a["id"] for a in answer["actions"]], answer["actions"][0]["form"], answer["notes"]
        (['a'], {'x': 1}, [{'action_id': 'a', 'missing_fields': ['y']}])
        """
        if not isinstance(table, ActionTable):
            raise ArgumentError(f"table {table!r:.80} is not an ActionTable", "table")
        fields = parse_form_fields(form_fields)
        period = self.get(period_id)
        rows = table.during(period.period, order="start")
        if period.entity_id is not None:
            rows = rows[table.equals("team_id", period.entity_id, rows, missing=True)]
        records, notes = table.records(rows, fields)
        return {"actions": records, "notes": notes}


def _period(doc: Document, record: object) -> PeriodRecord | None:
    """One record as a PeriodRecord, or None after recording its problems."""
    before = len(doc.problems)
    if not doc.mapping(record, _RECORD_KEYS):
        return None
    identifier = record.get("id")
    named = doc.kind(identifier, ("integer", "string"), "id", missing="a team period needs an id")
    if named and identifier == "":
        doc.problem("'' is not a valid id (expected a non-empty string)", "id")
    stamps = {
        field: _stamp(doc, record.get(field), field) for field in ("created_at", "updated_at")
    }
    markers = []
    for _, marker in doc.each(record.get("markers", []), "markers", required=True):
        # A marker is reported whole: its own keys are few and fixed.
        if not isinstance(marker, Mapping) or not marker.keys() <= _MARKER_KEYS:
            doc.problem(f"marker {short(marker)} is not an object of name and timestamp")
            continue
        stamp = _stamp(doc, marker.get("timestamp"), "timestamp")
        markers.append({"name": marker.get("name"), "timestamp": stamp})
    prefix = f"period {short(identifier)}: "
    lo = doc.bound(record.get("start_date"), "start", "start_date", prefix=prefix)
    hi = doc.bound(record.get("end_date"), "end", "end_date", prefix=prefix)
    if lo is not None and hi is not None and lo > hi:
        doc.problem(
            f"{prefix}start {short(record.get('start_date'))} "
            f"is after end {short(record.get('end_date'))}",
            "end_date",
        )
    if len(doc.problems) > before or lo is None or hi is None:
        return None
    return PeriodRecord(
        Period.from_micros(lo, hi),
        period_id=identifier,
        entity_id=record.get("team_id"),
        data={"name": record.get("name"), **stamps, "markers": markers},
    )


def _stamp(doc: Document, value: object, key: str) -> str | None:
    """A record timestamp in the wire form, or None when absent (or a problem, recorded)."""
    micros = doc.instant(value, key)
    return None if micros is None else format_instant(micros)


def _range_side(value: object, name: str, side: int) -> int:
    """One end of a date range: the first (0) or last (1) instant of the span it names."""
    if value is None or value == "":
        return NEG_INF if side == 0 else POS_INF
    try:
        return span_micros(value)[side]
    except ParseError as exc:
        raise QueryError(f"{name} {value!r} is not a date: {exc}", name) from None


def _wire(period: PeriodRecord) -> dict[str, Any]:
    data = period.data
    return {
        "id": period.period_id,
        "name": data["name"],
        "start_date": format_instant(period.period.lo),
        "end_date": format_instant(period.period.hi),
        "created_at": data["created_at"],
        "updated_at": data["updated_at"],
        "markers": data["markers"],
    }
