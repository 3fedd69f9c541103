"""Team periods: a team's named timeframes, sorted by start and looked up by id.

``TeamPeriods.overlapping`` lists the periods that overlap a period of time,
one team's or every team's. Each period is a ``PeriodRecord`` whose
``period_id`` is the record's id, whose ``entity_id`` is its team and whose
``data`` holds the name, the ``created_at`` and ``updated_at`` instants and
the markers (instants as int64 microseconds, None when absent).

>>> periods = TeamPeriods.from_records([
...     {"id": 1, "team_id": "t1", "name": "Q3", "start_date": "2024-07-01T00:00:00Z",
...      "end_date": "2024-09-30T23:59:59.999Z", "markers": []},
... ])
>>> [p.data["name"] for p in periods.overlapping(Period("2024-09-01", "2024-12-31"))]
['Q3']
>>> periods.overlapping(Period("2024-10-01"))
[]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from periodkit import kernels
from periodkit.documents import Document, keys, short, values_at
from periodkit.errors import ArgumentError, quote
from periodkit.periods import Period, PeriodRecord

FIELDS = ("id", "team_id", "name", "start_date", "end_date", "created_at", "updated_at", "markers")
_RECORD_KEYS = keys(*FIELDS)
_MARKER_KEYS = keys("name", "timestamp")
_DATES = ("*/start_date", "*/end_date", "*/created_at", "*/updated_at", "*/markers/*/timestamp")


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
                    doc.problem(f"period id {quote(identifier)} is repeated", "id")
                seen.add(str(identifier))
        doc.check()
        return cls(periods)

    def __len__(self) -> int:
        return len(self._periods)

    def __iter__(self) -> Iterator[PeriodRecord]:
        """The periods, sorted by start."""
        return iter(self._periods)

    @property
    def whole_ids(self) -> bool:
        """Whether every period's id is a whole number (and there is at least one period)."""
        return self._whole_ids

    def find(self, key: str) -> PeriodRecord | None:
        """The period whose id, written as text, is ``key``; None when none is.

        >>> periods = TeamPeriods.from_records([{"id": 1}, {"id": "Q3 2024"}])
        >>> periods.find("1").period_id, periods.find("Q3 2024").period_id, periods.find("2")
        (1, 'Q3 2024', None)
        """
        return self._by_id.get(key)

    def overlapping(self, period: Period, *, team_id: object = None) -> list[PeriodRecord]:
        """The periods overlapping ``period``, sorted by start.

        ``team_id`` keeps one team's periods (and those of no team); ``None``
        keeps every team's.

        >>> sprint = {"id": 1, "name": "Sprint", "start_date": "2024-08-12T00:00:00Z",
        ...           "end_date": "2024-08-25T23:59:59.999Z"}
        >>> periods = TeamPeriods.from_records([sprint])
        >>> [p.period_id for p in periods.overlapping(Period("2024-08-25T12:00:00Z"))]
        [1]
        """
        if not isinstance(period, Period):
            raise ArgumentError(f"period {short(period)} is not a Period", "period")
        rows = kernels.overlaps(
            self._starts, self._ends, np.array([period.lo]), np.array([period.hi]), self._longest
        )
        chosen = [self._periods[row] for row in rows.tolist()]
        return [p for p in chosen if team_id is None or p.entity_id in (None, team_id)]


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


def _stamp(doc: Document, value: object, key: str) -> int | None:
    """A record timestamp in microseconds, or None when absent (or a problem, recorded)."""
    return doc.instant(value, key)
