"""The dataset document: everything a service holds, read and validated as a whole.

A dataset is one JSON object (a file, or the same as Python data) whose keys
are all optional: ``teams``, ``periods``, ``entities``, ``actions``,
``out_of_office_periods``, ``activity_classes``, ``activities`` and
``tokens``. ``load`` checks all of it and raises one ``ValidationError``
listing every problem with its JSON pointer into the document; a dataset
with any problem loads nothing. The shape of the document is known here and
only here.

>>> data = load({"teams": [{"id": "t1", "name": "Safety"}],
...              "entities": [{"id": "a", "type": "OFFICE", "team_id": "t1"}]})
>>> data.graph.view("a")["entity_type"], data.entity_team["a"]
('OFFICE', 't1')
>>> load({"teams": [], "tokens": [{"token": "", "scopes": ["x"]}]})  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
periodkit.errors.ValidationError: /tokens/0/token: ...
"""

from __future__ import annotations

import copy
import gc
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, repeat
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from periodkit.actions import ActionTable, TeamPeriods
from periodkit.actions.table import FIELDS as ACTION_FIELDS
from periodkit.actions.table import TIMESTAMP_FIELDS
from periodkit.documents import Document, keys, loads, short
from periodkit.errors import ParseError, PeriodkitError, QueryError, ValidationError, shorten
from periodkit.graph import EntityGraph
from periodkit.out_of_office import OutOfOfficeStore
from periodkit.periods import PeriodRecord
from periodkit.query import Schema, Table
from periodkit.query.schema import Column
from periodkit.time import Precision, format_instant, format_instants, parse_instants, to_micros

#: The keys of a dataset, in the order ``dump`` writes them.
KEYS = (
    "teams",
    "periods",
    "entities",
    "actions",
    "out_of_office_periods",
    "activity_classes",
    "activities",
    "tokens",
)
#: The keys kept as read (small, or not yet held by a domain object); the rest are
#: written back from the domain objects, so a large dataset is not held twice.
KEPT = ("teams", "activity_classes", "tokens")
_PREFIX = re.compile(r"[A-Za-z]+")
_ACTION_DATES = ("start_date", "end_date", *TIMESTAMP_FIELDS)
_SCOPE_AREAS = ("periods", "entities", "out_of_office", "actions", "activities")
_DATASET_KEYS = keys(*KEYS)
_TEAM_KEYS = keys("id", "name")
_CLASS_KEYS = keys("name", "prefix", "fields")
_TOKEN_KEYS = keys("token", "team_id", "scopes")
_INT64 = (-(2**63), 2**63)
#: The Python types of the stored values of each field type, besides None.
_TYPES: dict[str, set[type]] = {"int": {int}, "float": {int, float}, "bool": {bool}}


@dataclass(frozen=True)
class ActivityClass:
    """One class of activities: its name, OID prefix and typed fields."""

    name: str
    prefix: str
    schema: Schema


@dataclass(frozen=True)
class Activities:
    """The activities of one OID: a query table over its class's columns, and the records."""

    table: Table
    records: Sequence[Mapping[str, Any]]


@dataclass
class Dataset:
    """A validated dataset, as the domain objects that answer requests.

    ``document`` holds only the keys of ``KEPT`` that the dataset has;
    ``cache`` what routes derive from the (read-only) actions, per team.
    """

    document: dict[str, Any]
    periods: TeamPeriods
    graph: EntityGraph
    actions: ActionTable
    #: Action positions by id as text, as a path names them.
    action_rows: dict[str, int]
    entity_team: dict[str, Any]
    classes: dict[str, ActivityClass]
    activities: dict[str, Activities]
    out_of_office: OutOfOfficeStore
    cache: dict[Any, Any] = field(default_factory=dict)

    def dump(self) -> dict[str, Any]:
        """The document of the current state: loading it answers every request the same.

        Dates are written with microseconds, so nothing is lost.

        >>> load({"entities": [{"id": "a"}]}).dump()["entities"][0]["periods"]
        []
        """
        written: dict[str, Callable[[], Any]] = {
            "periods": lambda: [period_record(p) for p in self.periods],
            "entities": lambda: [self.graph.record(entity_id) for entity_id in self.graph.ids],
            "actions": lambda: _action_records(self.actions),
            "out_of_office_periods": self.out_of_office.dump,
            "activities": lambda: [
                dict(record) for found in self.activities.values() for record in found.records
            ],
        }
        document = {}
        for key in KEYS:
            if key in written:
                document[key] = written[key]()
            elif key in self.document:
                document[key] = copy.deepcopy(self.document[key])
        return document


def period_record(period: PeriodRecord, precision: Precision = "us") -> dict[str, Any]:
    """A team period as a record of the dataset's ``periods`` list, dates in the ISO
    dialect to ``precision`` (``None`` for an infinity or a missing timestamp).

    >>> [p] = TeamPeriods.from_records([{"id": 1, "start_date": "2024-07-01"}])
    >>> period_record(p, "ms")["start_date"], period_record(p)["end_date"]
    ('2024-07-01T00:00:00.000Z', None)
    """

    def text(micros: int | None) -> str | None:
        return None if micros is None else format_instant(micros, precision=precision)

    data = period.data
    return {
        "id": period.period_id,
        "team_id": period.entity_id,
        "name": data["name"],
        "start_date": text(period.period.lo),
        "end_date": text(period.period.hi),
        "created_at": text(data["created_at"]),
        "updated_at": text(data["updated_at"]),
        "markers": [
            {"name": m["name"], "timestamp": text(m["timestamp"])} for m in data["markers"]
        ],
    }


def _action_records(table: ActionTable) -> list[dict[str, Any]]:
    """The actions as records of the dataset's ``actions`` list, in input order.

    A field no action has is left out; so is a value an action lacks.
    """
    rows = np.arange(len(table))
    columns: dict[str, list[Any]] = {}
    for name in ACTION_FIELDS[:-1]:
        cells = table.column(name, rows)
        if name in _ACTION_DATES:
            cells = format_instants(cells, precision="us")
        columns[name] = cells.tolist()
    forms: list[dict[str, Any]] = [{} for _ in range(len(table))]
    for name in table.form_fields:
        present, values = table.form_values(name, rows)
        for row, value in zip(np.flatnonzero(present).tolist(), values, strict=True):
            forms[row][name] = value
    return [
        {
            **{name: cells[row] for name, cells in columns.items() if cells[row] is not None},
            **({"form": forms[row]} if forms[row] else {}),
        }
        for row in range(len(table))
    ]


def read_document(source: Mapping[str, Any] | str | os.PathLike[str]) -> Any:
    """The dataset document from a mapping, or from a JSON file at a path.

    >>> read_document("/no/such/file.json")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    periodkit.errors.ValidationError: : cannot read the dataset '/no/such/file.json': ...
    """
    if isinstance(source, Mapping):
        return source
    if not isinstance(source, str | os.PathLike):
        raise ValidationError(
            [{"pointer": "", "detail": f"{short(source)} is not a dataset or a path to one"}]
        )
    try:
        return loads(Path(source).read_bytes())
    except OSError as exc:
        detail = str(exc)
    except ValidationError as exc:
        detail = exc.problems[0]["detail"]
    raise ValidationError(
        [
            {
                "pointer": "",
                "detail": f"cannot read the dataset {short(str(source))}: {shorten(detail)}",
            }
        ]
    )


def load(source: Mapping[str, Any] | str | os.PathLike[str]) -> Dataset:
    """Read and validate a dataset; ``ValidationError`` lists every problem found.

    Each part is read by its domain reader, and the parts are then checked
    against each other (teams, repeated ids, activity classes, token scopes).

    >>> load({"periods": [{"id": 1, "end_date": "x"}], "colour": 1})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    periodkit.errors.ValidationError: /colour: unknown field 'colour' ...; /periods/0/end_date: ...
    """
    # A load allocates millions of containers that all survive it, so each pass of
    # the cyclic collector (one per few hundred allocations) would rescan them in
    # vain: a third of the load's time. The collector is paused for the load and
    # resumed after, however the load ends; any cycle it made is collected then.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _load(source)
    finally:
        if was_enabled:
            gc.enable()


def _load(source: Mapping[str, Any] | str | os.PathLike[str]) -> Dataset:
    document = read_document(source)
    doc = Document()
    if not doc.mapping(document, _DATASET_KEYS):
        doc.check()
    teams = _teams(doc, document.get("teams"))
    periods = _domain(doc, document, "periods", TeamPeriods.from_records)
    graph = _domain(doc, document, "entities", EntityGraph.from_records)
    actions = _domain(doc, document, "actions", ActionTable.from_records)
    out_of_office = _domain(doc, document, "out_of_office_periods", OutOfOfficeStore.from_records)
    if teams is not None:
        for key in ("periods", "entities", "actions", "out_of_office_periods", "tokens"):
            _check_teams(doc, document.get(key), key, teams)
    action_rows = _action_rows(doc, document.get("actions"))
    classes = _classes(doc, document.get("activity_classes"))
    activities = _activities(doc, document.get("activities"), classes)
    _tokens(doc, document.get("tokens"), classes)
    doc.check()
    assert periods is not None
    assert graph is not None
    assert actions is not None
    assert out_of_office is not None
    entity_team = {record["id"]: record.get("team_id") for record in document.get("entities") or ()}
    # The service keeps its own copy of what it keeps as read: the caller's later
    # changes must not reach it.
    kept = {key: copy.deepcopy(document[key]) for key in KEPT if key in document}
    return Dataset(
        kept, periods, graph, actions, action_rows, entity_team, classes, activities, out_of_office
    )


def _domain(
    doc: Document, document: Mapping[str, Any], key: str, reader: Callable[[Any], Any]
) -> Any:
    """The domain reader's object for one key, its problems moved under ``/key``."""
    try:
        return reader(document.get(key, []))
    except ValidationError as exc:
        for found in exc.problems:
            doc.problem(found["detail"], pointer=f"/{key}{found['pointer']}")
    except PeriodkitError as exc:
        doc.problem(str(exc), key)
    return None


def _column(rows: list[Any], name: str) -> list[Any]:
    """The values of field ``name`` in each record (None where absent, or not an object)."""
    if set(map(type, rows)) <= {dict}:
        return list(map(dict.get, rows, repeat(name)))
    return [row.get(name) if isinstance(row, Mapping) else None for row in rows]


def _is_id(value: object) -> bool:
    return (isinstance(value, str) and value != "") or (
        isinstance(value, int) and not isinstance(value, bool)
    )


def _teams(doc: Document, value: object) -> list[Any] | None:
    """The team ids, or None when the dataset lists no teams."""
    if value is None:
        return None
    ids: list[Any] = []
    for _, record in doc.each(value, "teams", what="teams"):
        if not doc.mapping(record, _TEAM_KEYS):
            continue
        team = record.get("id")
        if not _is_id(team):
            doc.problem(f"team id {short(team)} is not an id", "id")
        elif team in ids:
            doc.problem(f"team id {short(team)} is repeated", "id")
        else:
            ids.append(team)
    return ids


def _check_teams(doc: Document, value: object, key: str, teams: list[Any]) -> None:
    """Every record names a listed team; only a dataset of at most one team may leave it out.

    The common answer, all fine, is one set comparison over the column.
    """
    if type(value) is not list or not value:
        return
    column = _column(value, "team_id")
    allowed = [*teams, None] if len(teams) <= 1 else teams
    try:
        if set(column) <= set(allowed):
            return
    except TypeError:
        pass  # an unhashable team_id: the loop below names it
    for index, (record, team) in enumerate(zip(value, column, strict=True)):
        if not isinstance(record, Mapping):
            continue  # the domain reader reported it
        if team is None:
            if len(teams) > 1:
                detail = f"a {key} record needs a team_id: there are {len(teams)} teams"
                doc.problem(detail, key, index, "team_id")
        elif team not in teams:
            doc.problem(
                f"team_id {short(team)} is not a team of the dataset", key, index, "team_id"
            )


def _action_rows(doc: Document, value: object) -> dict[str, int]:
    """Action positions by id as text (as a path names them); an id repeated as text is a
    problem. Read after the actions' domain reader, which reports what is not a record."""
    if type(value) is not list:
        return {}
    ids = _column(value, "id")
    texts = [None if i is None else str(i) for i in ids]
    rows: dict[str | None, int] = dict(zip(texts, range(len(texts)), strict=True))
    if len(rows) == len(texts):
        # A missing id is the domain reader's problem: the dataset is refused then.
        rows.pop(None, None)
        return cast("dict[str, int]", rows)
    seen: set[str | None] = set()
    for index, text in enumerate(texts):
        if text is not None and text in seen:
            doc.problem(f"action id {short(ids[index])} is repeated", "actions", index, "id")
        seen.add(text)
    return {}


def _classes(doc: Document, value: object) -> dict[str, ActivityClass]:
    """Activity classes by prefix."""
    classes: dict[str, ActivityClass] = {}
    names: set[str] = set()
    for _, record in doc.each(value, "activity_classes", what="activity_classes"):
        if not doc.mapping(record, _CLASS_KEYS):
            continue
        name, prefix, fields = record.get("name"), record.get("prefix"), record.get("fields")
        if not isinstance(name, str) or not name or ":" in name:
            doc.problem(f"class name {short(name)} is not a word", "name")
        elif name in names:
            doc.problem(f"class name {short(name)} is repeated", "name")
        if not isinstance(prefix, str) or not _PREFIX.fullmatch(prefix):
            doc.problem(f"prefix {short(prefix)} is not letters", "prefix")
        elif prefix in classes:
            doc.problem(f"prefix {short(prefix)} is repeated", "prefix")
        if not isinstance(fields, Mapping) or "oid" in fields:
            detail = f"fields {short(fields)} is not an object of field types (without oid)"
            doc.problem(detail, "fields")
            continue
        try:
            schema = Schema.of(fields)
        except QueryError as exc:
            doc.problem(str(exc), "fields")
            continue
        if isinstance(name, str) and isinstance(prefix, str) and prefix not in classes:
            names.add(name)
            classes[prefix] = ActivityClass(name, prefix, schema)
    return classes


def class_of(oid: str, classes: Mapping[str, ActivityClass]) -> ActivityClass | None:
    """The class an OID's leading letters name, or None.

    >>> class_of("T000027", {"T": "tickets"})
    'tickets'
    """
    found = _PREFIX.match(oid)
    return classes.get(found.group()) if found else None


def _value_problem(kind: str, value: object) -> str | None:
    """Why ``value`` is not a stored value of type ``kind``, or None when it is."""
    if value is None:
        return None
    if kind == "int":
        ok = (
            isinstance(value, int)
            and not isinstance(value, bool)
            and _INT64[0] <= value < _INT64[1]
        )
    elif kind == "float":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif kind == "bool":
        ok = isinstance(value, bool)
    elif kind == "datetime":
        ok = isinstance(value, str) and _instant(value)
    else:
        ok = isinstance(value, str)
    return None if ok else f"{short(value)} is not a value of type {kind}"


def _instant(text: str) -> bool:
    try:
        to_micros(text)
    except ParseError:
        return False
    return True


def _activities(
    doc: Document, value: object, classes: Mapping[str, ActivityClass]
) -> dict[str, Activities]:
    """The activities of each OID, as a table over its class's columns (dates as datetime64).

    Read column by column: each column's types are checked as one set, its
    dates parsed in one vector pass; a record is looked at alone only to name
    a problem. Problems come in record order.
    """
    found = Document("/activities")
    records: list[dict[str, Any]] = []
    positions: list[int] = []
    for index, record in found.each(value, what="activities"):
        if found.mapping(record, None):
            # Values are checked scalars: a shallow copy is the service's own.
            records.append(dict(record))
            positions.append(index)
    groups: dict[str, list[int]] = {}
    for at, oid in enumerate(_column(records, "oid")):
        kind = class_of(oid, classes) if isinstance(oid, str) else None
        if kind is None:
            detail = f"oid {short(oid)} does not start with the prefix of an activity class"
            found.problem(detail, positions[at], "oid")
        else:
            groups.setdefault(oid, []).append(at)
    tables = {}
    for oid, members in groups.items():
        kind = class_of(oid, classes)
        assert kind is not None
        rows = [records[at] for at in members]
        where = [positions[at] for at in members]
        _fields_known(found, rows, where, kind)
        columns = {
            column.name: _typed(found, _column(rows, column.name), column, where)
            for column in kind.schema.columns
        }
        if not found.problems:
            frame = pd.DataFrame(columns, index=range(len(rows)))
            tables[oid] = Activities(Table.from_frame(frame, kind.schema), rows)
    found.problems.sort(key=lambda p: int(p["pointer"].split("/")[2]))
    doc.problems.extend(found.problems)
    return tables


def _fields_known(
    doc: Document, rows: list[dict[str, Any]], where: list[int], kind: ActivityClass
) -> None:
    """Each field of the records of one OID is a field of its class (or ``oid``)."""
    allowed = {"oid", *kind.schema.names}
    if set(chain.from_iterable(rows)) <= allowed:
        return
    for index, row in zip(where, rows, strict=True):
        for name in row.keys() - allowed:
            doc.problem(f"{short(name)} is not a field of class {kind.name}", index, name)


def _typed(doc: Document, values: list[Any], column: Column, where: list[int]) -> Any:
    """One column of activity values, checked as a whole: datetime64 for dates, else objects.

    A column whose types (and, for whole numbers, range) fit is taken as it
    is; otherwise each value is checked alone to name the bad ones.
    """
    kind = column.type
    types = set(map(type, values)) - {type(None)}
    if types <= _TYPES.get(kind, {str}):
        if kind == "datetime":
            try:
                return parse_instants(values)
            except ParseError:
                pass  # some text is not an instant: named below
        elif kind != "int" or not types:
            return pd.Series(values, dtype=object)
        else:
            numbers = [v for v in values if v is not None]
            if _INT64[0] <= min(numbers) and max(numbers) < _INT64[1]:
                return pd.Series(values, dtype=object)
    for index, item in zip(where, values, strict=True):
        if (why := _value_problem(kind, item)) is not None:
            doc.problem(why, index, column.name)
    return None


def _tokens(doc: Document, value: object, classes: Mapping[str, ActivityClass]) -> None:
    seen: set[str] = set()
    names = {c.name for c in classes.values()}
    for index, record in doc.each(value, "tokens", what="tokens"):
        if not doc.mapping(record, _TOKEN_KEYS):
            continue
        token = record.get("token")
        if not isinstance(token, str) or not token.strip() or token != token.strip():
            doc.problem("a token must be non-empty text without surrounding blanks", "token")
        elif token in seen:
            doc.problem(f"token {index} repeats an earlier one", "token")
        else:
            seen.add(token)
        scopes = record.get("scopes", [])
        for _, scope in doc.each(scopes, "scopes", what="scopes"):
            if not _scope_ok(scope, names):
                doc.problem(
                    f"scope {short(scope)} is not one of {', '.join(_SCOPE_AREAS)}, "
                    "activities:<Class> or *, optionally ending in :read"
                )


def _scope_ok(scope: object, classes: set[str]) -> bool:
    if not isinstance(scope, str):
        return False
    base = scope.removesuffix(":read")
    if base in ("*", *_SCOPE_AREAS):
        return True
    area, _, name = base.partition(":")
    return area == "activities" and name in classes
