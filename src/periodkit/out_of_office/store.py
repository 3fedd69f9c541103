"""The in-memory out-of-office store: records by id, a columnar view for queries, availability.

Each record is kept whole by id. The fields a list query filters and sorts
on (id, source, sourceID, person, the four dates) are also kept as the rows
of a ``LiveTable``, the query view, in the order records arrived, with a team
code per row. A write patches its row in place: a create appends a row, an
update overwrites its row, a delete marks its row dead (a tombstone in the
team column, which every query filters on anyway). Dead rows are dropped in
one pass once they outnumber the live ones, so a delete costs O(1) amortised
and the view never holds more than twice the live rows.

The availability index is built at the first availability question and then
patched too: each write removes the record's old period and adds its new
one, and the index sorts its changes into its base only now and then
(``periodkit.out_of_office.availability``). No write rebuilds either view,
so the first read after a write costs what any read costs.

>>> store = OutOfOfficeStore.from_records([
...     {"id": 3, "person": {"id": 196, "name": "Ellen Brown"},
...      "start_at": "2019-11-18T06:00:00Z", "end_at": "2019-11-18T15:45:15Z",
...      "created_at": "2019-11-18T08:10:52-06:00"}])
>>> new = store.create({"person": 196, "start_at": "2019-12-23", "end_at": "2019-12-27"},
...                    None, "2019-12-01T09:00:00Z")
>>> new["id"], new["person"], new["created_at"]
(4, {'id': 196, 'name': 'Ellen Brown'}, '2019-12-01T09:00:00.000Z')
>>> store.update(4, {"reason": "Holidays"}, "2019-12-02")["updated_at"]
'2019-12-02T00:00:00.000Z'
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from periodkit.errors import NotFoundError, Problem, QueryError, ValidationError, quote
from periodkit.out_of_office.availability import AbsenceIndex
from periodkit.out_of_office.records import (
    COLUMNS,
    DATES,
    FIELDS,
    READ_ONLY,
    REFERENCES,
    REQUIRED,
    References,
    bulk_dates,
    check_record,
    pointer,
    positive_int,
    read_write,
)
from periodkit.periods import Period, PeriodSet
from periodkit.query import LiveTable, Predicate, Query, Span
from periodkit.query.schema import Column, Schema
from periodkit.time import NAT, Precision, format_instant, format_instants, to_micros

KIND = "out-of-office period"
#: The column of each record's team code; dead rows hold ``_DEAD``.
TEAM = "_team"
_NO_TEAM, _DEAD = 0, -1
#: Columns of the query view: the records', and the team code.
SCHEMA = Schema((*COLUMNS.columns, Column(TEAM, "int", "int")))
_INTS = ("id", "person_id", "start_at", "end_at", "created_at", "updated_at", TEAM)
_TEXTS = ("source", "sourceID")
_WRITABLE = tuple(f for f in FIELDS if f not in READ_ONLY)
#: Dead rows are dropped once they outnumber both the live ones and this floor.
COMPACT_FLOOR = 16
#: The predefined filters and how each compares ``end_at`` with now.
PREDEFINED: dict[str, Literal["gt", "le"]] = {"open": "gt", "completed": "le"}


@dataclasses.dataclass(frozen=True)
class Selection:
    """One page of a list query: its records in order and how many matched in all."""

    records: list[dict[str, Any]]
    total: int


class _Columns:
    """One row per record of the fields queries read, in a ``LiveTable``: rows appended,
    overwritten, killed."""

    def __init__(self, rows: Sequence[Mapping[str, Any]]) -> None:
        self.table = LiveTable(_frame(rows), SCHEMA)
        self.row_of = {row["id"]: position for position, row in enumerate(rows)}
        self.dead = 0

    def put(self, values: Mapping[str, Any]) -> None:
        """Write one record's row: its own row if it has one, else a new one at the end."""
        row = self.row_of.get(values["id"])
        if row is None:
            self.row_of[values["id"]] = self.table.append(values)
        else:
            self.table.write(row, values)

    def kill(self, identifier: int) -> None:
        """Mark the record's row dead; compact once the dead outnumber the living."""
        self.table.write(self.row_of.pop(identifier), {TEAM: _DEAD})
        self.dead += 1
        if self.dead > max(len(self.row_of), COMPACT_FLOOR):
            keep = np.flatnonzero(self.live())
            self.table.keep(keep)
            self.row_of = dict(zip(self.values("id").tolist(), range(len(keep)), strict=True))
            self.dead = 0

    def values(self, name: str) -> np.ndarray:
        """The values of a column that is not text, a row each (dates as int64 microseconds)."""
        return self.table.array(name).values

    def live(self) -> np.ndarray:
        """Which rows hold a record."""
        live: np.ndarray = self.values(TEAM) != _DEAD
        return live


def _frame(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """The rows' columns as a frame of the query view's types."""
    columns: dict[str, Any] = {}
    for name in (*_INTS, *_TEXTS):
        values = [row[name] for row in rows]
        if name in _TEXTS:
            # Object dtype keeps None as None (pandas would read it as a missing str).
            columns[name] = pd.Series(values, dtype="object")
        else:
            ints = np.array(values, dtype=np.int64)
            columns[name] = ints.view("datetime64[us]") if name in DATES else ints
    return pd.DataFrame(columns)


class OutOfOfficeStore:
    """Out-of-office periods in memory, by id, with list queries and availability.

    Records come out as JSON-ready dicts of every field, in the order of
    ``FIELDS``: references as the referenced records, dates in the ISO
    dialect with milliseconds (``dump`` keeps microseconds). A ``team_id``
    scopes reads and writes to one team's records (and records of no team);
    ``None`` reaches every record.
    """

    def __init__(self) -> None:
        self._records: dict[int, dict[str, Any]] = {}
        self._refs = References()
        self._columns = _Columns(())
        self._teams: dict[object, int] = {}
        self._next_id = 1
        self._absences: AbsenceIndex | None = None
        self._people: np.ndarray | None = None

    @classmethod
    def from_records(cls, records: Iterable[Any]) -> OutOfOfficeStore:
        """A store of the dataset's ``out_of_office_periods`` records, or a ``ValidationError``
        listing every problem (pointers ``/<index>/<field>``).

        Each record holds ``id``, ``person``, ``start_at``, ``end_at`` and
        ``created_at`` (``updated_at`` defaults to it) and may hold the other
        fields and ``team_id``. People, time allocations and effort classes
        embedded in the records are collected first, so any record may then
        name them by id alone.

        >>> OutOfOfficeStore.from_records([{"id": 1, "person": 5}])  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        periodkit.errors.ValidationError: /0/person: Person 5 does not exist; /0/start_at: ...
        """
        if isinstance(records, Mapping | str | bytes) or not isinstance(records, Iterable):
            raise ValidationError(
                [{"pointer": "", "detail": f"the {KIND} records {quote(records)} are not a list"}]
            )
        records = list(records)
        store = cls()
        problems: list[Problem] = []
        for index, record in enumerate(records):
            if isinstance(record, Mapping):
                for field in REFERENCES:
                    store._refs.collect(field, record.get(field), f"/{index}", problems)
        objects = [r if isinstance(r, Mapping) else {} for r in records]
        # Dates parse in bulk, a column at a time; a column with a bad text is read per value.
        columns = {field: bulk_dates([r.get(field) for r in objects]) for field in DATES}
        seen: set[int] = set()
        read = []
        for index, record in enumerate(records):
            parsed = {
                field: int(column[index])
                for field, column in columns.items()
                if column is not None and column[index] != NAT
            }
            found = store._read_stored(index, record, problems, seen, parsed)
            if found is not None:
                read.append(found)
        if problems:
            raise ValidationError(problems)
        # The columns are built at once, their texts encoded in one pass each.
        store._records = {found["id"]: found for found in read}
        store._columns = _Columns([store._row(found) for found in read])
        store._next_id = max(store._records, default=0) + 1
        return store

    def _read_stored(
        self,
        index: int,
        given: object,
        problems: list[Problem],
        seen: set[int],
        parsed: Mapping[str, int],
    ) -> dict[str, Any] | None:
        """One dataset record in the store's form, or None after adding its problems."""
        prefix = f"/{index}"
        if not isinstance(given, Mapping):
            problems.append({"pointer": prefix, "detail": f"{quote(given)} is not an object"})
            return None
        before = len(problems)
        fields = {k: v for k, v in given.items() if k != "team_id"}
        values = read_write(
            fields, self._refs, problems, prefix=prefix, read_only=(), parsed=parsed
        )
        team = given.get("team_id")
        if not _team_ok(team):
            problems.append(
                {
                    "pointer": pointer("team_id", prefix),
                    "detail": _bad_team(team),
                }
            )
        record = {field: values.get(field) for field in FIELDS}
        if record["updated_at"] is None:
            record["updated_at"] = record["created_at"]
        unread = frozenset(fields) - set(values)
        check_record(
            record, problems, prefix=prefix, unread=unread, required=("id", *REQUIRED, "created_at")
        )
        identifier = record["id"]
        if identifier in seen:
            problems.append(
                {"pointer": pointer("id", prefix), "detail": f"Id {identifier} is repeated"}
            )
        if identifier is not None:
            seen.add(identifier)
        created, updated = record["created_at"], record["updated_at"]
        if created is not None and updated is not None and updated < created:
            problems.append(
                {
                    "pointer": pointer("updated_at", prefix),
                    "detail": "Updated at must not be before created at",
                }
            )
        if len(problems) > before:
            return None
        record["team_id"] = team
        return record

    # --- reading ---------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, identifier: object) -> bool:
        return positive_int(identifier) and identifier in self._records

    def get(self, identifier: object, *, team_id: object = None) -> dict[str, Any]:
        """The record with this id, or ``NotFoundError`` (also for another team's record).

        >>> OutOfOfficeStore().get(3)
        Traceback (most recent call last):
        ...
        periodkit.errors.NotFoundError: out-of-office period 3 not found
        """
        return self._render(self._find(identifier, team_id))

    def dump(self) -> list[dict[str, Any]]:
        """Every record by ascending id, with microseconds and ``team_id`` (when it has one):
        the dataset's form, which ``from_records`` reads back to an equal store.

        >>> OutOfOfficeStore().dump()
        []
        """
        return [self.stored(identifier) for identifier in sorted(self._records)]

    def stored(self, identifier: object) -> dict[str, Any]:
        """One record in the dataset's form (as ``dump`` writes it), or ``NotFoundError``.

        >>> store = OutOfOfficeStore.from_records([
        ...     {"id": 1, "person": {"id": 7, "name": "Al"}, "start_at": "2019-12-23",
        ...      "end_at": "2019-12-27", "created_at": "2019-12-01", "team_id": "t"}])
        >>> store.stored(1)["team_id"], store.stored(1)["start_at"]
        ('t', '2019-12-23T00:00:00.000000Z')
        """
        record = self._find(identifier, None)
        written = self._render(record, "us")
        if record["team_id"] is not None:
            written["team_id"] = record["team_id"]
        return written

    def restore(self, identifier: int, stored: Mapping[str, Any] | None) -> None:
        """Make record ``identifier`` what ``stored`` (the dataset's form, as ``stored``
        writes it) says, or remove it when ``stored`` is None: how a store outside
        memory brings this one up to date with a record written elsewhere.

        >>> store = OutOfOfficeStore()
        >>> store.restore(4, {"id": 4, "person": {"id": 7, "name": "Al"},
        ...     "start_at": "2019-12-23", "end_at": "2019-12-27", "created_at": "2019-12-01"})
        >>> store.get(4)["person"], store.create({"person": 7, "start_at": "2020-01-01",
        ...     "end_at": "2020-01-02"}, None, "2020-01-01")["id"]
        ({'id': 7, 'name': 'Al'}, 5)
        >>> store.restore(4, None); 4 in store
        False
        """
        if stored is None:
            if identifier in self._records:
                self._remove(identifier)
            return
        problems: list[Problem] = []
        for field in REFERENCES:
            self._refs.collect(field, stored.get(field), "", problems)
        found = self._read_stored(0, stored, problems, set(), {})
        if found is None or found["id"] != identifier:
            # Memory keeps no record by that id rather than one the other store has replaced.
            if identifier in self._records:
                self._remove(identifier)
            raise ValidationError(problems or [{"pointer": "/id", "detail": f"not {identifier}"}])
        # Written over the record's own row, as an update is.
        self._put(found)
        self._people = None
        self._next_id = max(self._next_id, identifier + 1)

    @property
    def people(self) -> np.ndarray:
        """The ids of every person the records have referenced, ascending (read-only)."""
        # Writes never add people, so the array lasts as long as the store.
        if self._people is None:
            self._people = np.array(self._refs.ids("person"), dtype=np.int64)
            self._people.flags.writeable = False
        return self._people

    @property
    def table(self) -> LiveTable:
        """The query view: the collection's columns and the team code, live and dead rows.

        Dead rows hold the team code -1; ``select`` keeps them out. Each
        write patches the view in place, so it is always current.
        """
        return self._columns.table

    def select(
        self, query: Query, *, team_id: object = None, also: Iterable[Predicate] = ()
    ) -> Selection:
        """The records a list query selects, in its order and slice, and the number it matched.

        ``query`` names the records' ``COLUMNS`` (as ``parse_fourme`` gives
        it for a collection over them); ``team_id`` keeps one team's
        records; ``also`` adds predicates, such as a ``predefined_filter``.

        >>> from periodkit.query import SortKey
        >>> store = OutOfOfficeStore.from_records([
        ...     {"id": i, "person": {"id": 9, "name": "Al"}, "start_at": f"2019-0{i}-01",
        ...      "end_at": f"2019-0{i}-02", "created_at": "2019-01-01"} for i in (1, 2, 3)])
        >>> query = Query(where=(Predicate("id", "ge", 2),),
        ...               order=(SortKey("start_at", descending=True),), limit=1)
        >>> page = store.select(query)
        >>> [r["id"] for r in page.records], page.total
        ([3], 2)
        """
        where = (*query.where, *also, self._team_predicate(team_id))
        scoped = dataclasses.replace(query, where=where)
        result = scoped.run(self.table)
        ids = self._columns.values("id")[result.positions]
        # A page's dates are written a column at a time, straight from the query view.
        written = {
            field: format_instants(self._columns.values(field)[result.positions]).tolist()
            for field in DATES
        }
        records = [
            self._render(self._records[i], dates={f: written[f][k] for f in DATES})
            for k, i in enumerate(ids.tolist())
        ]
        return Selection(records, result.total)

    def _team_predicate(self, team_id: object) -> Predicate:
        if team_id is None:
            return Predicate(TEAM, "ge", _NO_TEAM)
        code = self._teams.get(team_id) if _team_ok(team_id) else None
        return Predicate(TEAM, "in", (_NO_TEAM,) if code is None else (_NO_TEAM, code))

    # --- availability ----------------------------------------------------------

    def _absence_index(self) -> AbsenceIndex:
        # Built at the first question, then patched by every write (``_put``, ``_remove``).
        if self._absences is None:
            live = self._columns.live()
            self._absences = AbsenceIndex.of(
                *(self._columns.values(name)[live] for name in ("start_at", "end_at", "person_id"))
            )
        return self._absences

    def out_of_office(self, person_id: int) -> PeriodSet:
        """When the person is out of office: the union of their periods, of every team.

        >>> store = OutOfOfficeStore.from_records([
        ...     {"id": 1, "person": {"id": 7, "name": "Al"}, "start_at": "2019-12-23",
        ...      "end_at": "2019-12-27T23:59:59.999999Z", "created_at": "2019-12-01"}])
        >>> store.out_of_office(7)
        PeriodSet([Period(start='2019-12-23T00:00:00Z', end='2019-12-27T23:59:59.999999Z')])
        """
        return self._absence_index().out_of_office(person_id)

    def available(self, person_id: int, within: Period | PeriodSet) -> PeriodSet:
        """The instants of ``within`` at which the person is not out of office."""
        return self._absence_index().available(person_id, within)

    def busy_during(self, during: Period | PeriodSet) -> np.ndarray:
        """The ids (ascending) of people out of office at some instant of ``during``."""
        return self._absence_index().busy(during)

    def free_during(
        self, during: Period | PeriodSet, people: np.ndarray | Iterable[int] | None = None
    ) -> np.ndarray:
        """Those of ``people`` (default: every person referenced, ascending) who are not out
        of office at any instant of ``during``."""
        if people is None:
            chosen = self.people
        else:
            given = people if isinstance(people, np.ndarray) else list(people)
            chosen = np.asarray(given, dtype=np.int64)
        return self._absence_index().free(during, chosen)

    # --- writing ---------------------------------------------------------------

    def create(self, fields: object, team_id: object, now: object) -> dict[str, Any]:
        """Add a record from a write's ``fields`` (references by id or ``{"id": ...}``) for
        ``team_id`` (None: no team) at ``now``; it gets the next unused id.

        A write with problems raises ``ValidationError`` listing all of them
        (pointers ``/<field>``) and changes nothing.

        >>> OutOfOfficeStore().create({"start_at": "2019-12-02", "end_at": "2019-12-01",
        ...                            "id": 9}, None, "2019-12-01")
        Traceback (most recent call last):
        ...
        periodkit.errors.ValidationError: /id: Id is read-only; /person: Person can't be blank; \
/end_at: End at must be after start at
        """
        at = to_micros(now)
        if not _team_ok(team_id):
            raise ValidationError([{"pointer": "/team_id", "detail": _bad_team(team_id)}])
        given = _body(fields)
        problems: list[Problem] = []
        values = read_write(given, self._refs, problems)
        record = {field: values.get(field) for field in FIELDS}
        check_record(record, problems, unread=_unread(given, values))
        if problems:
            raise ValidationError(problems)
        record.update(id=self._next_id, created_at=at, updated_at=at, team_id=team_id)
        self._next_id += 1
        self._put(record)
        return self._render(record)

    def update(
        self, identifier: object, fields: object, now: object, *, team_id: object = None
    ) -> dict[str, Any]:
        """Change the fields a write gives (others stay); ``updated_at`` becomes ``now`` only
        when a value changed. ``NotFoundError`` comes before any look at ``fields``.

        >>> store = OutOfOfficeStore.from_records([
        ...     {"id": 1, "person": {"id": 7, "name": "Al"}, "start_at": "2019-12-23",
        ...      "end_at": "2019-12-27", "created_at": "2019-12-01"}])
        >>> store.update(1, {"start_at": "2019-12-28"}, "2019-12-02")
        Traceback (most recent call last):
        ...
        periodkit.errors.ValidationError: /end_at: End at must be after start at
        >>> store.update(1, {"person": {"id": 7}}, "2019-12-02")["updated_at"]
        '2019-12-01T00:00:00.000Z'
        """
        current = self._find(identifier, team_id)
        at = to_micros(now)
        given = _body(fields)
        problems: list[Problem] = []
        values = read_write(given, self._refs, problems)
        record = {**current, **values}
        check_record(record, problems, unread=_unread(given, values))
        if problems:
            raise ValidationError(problems)
        if any(current[field] != value for field, value in values.items()):
            record["updated_at"] = at
            self._put(record)
        return self._render(record)

    def delete(self, identifier: object, *, team_id: object = None) -> None:
        """Remove the record; ``NotFoundError`` when there is none (for this team)."""
        self._remove(self._find(identifier, team_id)["id"])

    # --- inside ----------------------------------------------------------------

    def _find(self, identifier: object, team_id: object) -> dict[str, Any]:
        record = self._records.get(identifier) if positive_int(identifier) else None
        if record is None or (team_id is not None and record["team_id"] not in (None, team_id)):
            raise NotFoundError(KIND, identifier)
        return record

    def _row(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """The record's row of the query view."""
        team = record["team_id"]
        code = _NO_TEAM if team is None else self._teams.setdefault(team, len(self._teams) + 1)
        row = {name: record[name] for name in (*_TEXTS, *DATES, "id")}
        return {**row, "person_id": record["person"], TEAM: code}

    def _put(self, record: dict[str, Any]) -> None:
        """Store a new or changed record, and patch the views with it."""
        before = self._records.get(record["id"])
        self._records[record["id"]] = record
        self._columns.put(self._row(record))
        if self._absences is not None and (before is None or _absence(before) != _absence(record)):
            if before is not None:
                self._absences.remove(*_absence(before))
            self._absences.add(*_absence(record))

    def _remove(self, identifier: int) -> None:
        """Drop a record, and its row and period from the views."""
        record = self._records.pop(identifier)
        self._columns.kill(identifier)
        if self._absences is not None:
            self._absences.remove(*_absence(record))

    def _render(
        self,
        record: Mapping[str, Any],
        precision: Precision = "ms",
        dates: Mapping[str, str | None] | None = None,
    ) -> dict[str, Any]:
        """A record as it comes out; ``dates`` are its dates already written, if at hand."""
        out: dict[str, Any] = {}
        for field in FIELDS:
            value = record[field]
            if field in REFERENCES:
                out[field] = self._refs.record(field, value)
            elif field in DATES:
                out[field] = (
                    dates[field]
                    if dates is not None
                    else format_instant(value, precision=precision)
                )
            else:
                out[field] = value
        return out


def predefined_filter(name: str, now: object) -> Predicate:
    """The predicate of a predefined filter at ``now``: ``open`` periods end after it,
    ``completed`` ones at or before it.

    >>> predefined_filter("open", "1970-01-01T00:00:01Z")
    Predicate(field='end_at', op='gt', value=Span(first=1000000, last=1000000))
    >>> predefined_filter("closed", "2019-01-01")
    Traceback (most recent call last):
    ...
    periodkit.errors.QueryError: predefined filter 'closed' is unknown (expected open or completed)
    """
    if name not in PREDEFINED:
        raise QueryError(
            f"predefined filter {quote(name)} is unknown (expected {' or '.join(PREDEFINED)})"
        )
    at = to_micros(now)
    return Predicate("end_at", PREDEFINED[name], Span(at, at))


def _absence(record: Mapping[str, Any]) -> tuple[int, int, int]:
    """The record's period as the availability index holds it: start, end, person."""
    return record["start_at"], record["end_at"], record["person"]


def _team_ok(team: object) -> bool:
    """Whether ``team`` can be a team id: None, a whole number or a non-empty text."""
    return (
        team is None
        or (isinstance(team, int) and not isinstance(team, bool))
        or (isinstance(team, str) and team != "")
    )


def _bad_team(team: object) -> str:
    return f"Team {quote(team)} is not an id (expected a whole number or a non-empty text)"


def _body(fields: object) -> Mapping[Any, Any]:
    if not isinstance(fields, Mapping):
        raise ValidationError(
            [{"pointer": "", "detail": f"The {KIND} {quote(fields)} is not an object"}]
        )
    return fields


def _unread(given: Mapping[Any, Any], values: Mapping[str, Any]) -> frozenset[str]:
    """The writable fields given whose value was refused."""
    return frozenset(f for f in _WRITABLE if f in given and f not in values)
