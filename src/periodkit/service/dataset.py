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
import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from periodkit.actions import ActionTable, TeamPeriods
from periodkit.actions.table import FIELDS as ACTION_FIELDS
from periodkit.actions.table import TIMESTAMP_FIELDS
from periodkit.errors import (
    ParseError,
    PeriodkitError,
    Problem,
    QueryError,
    ValidationError,
    quote,
    shorten,
)
from periodkit.graph import EntityGraph
from periodkit.out_of_office import OutOfOfficeStore
from periodkit.periods import PeriodRecord
from periodkit.query import Schema, Table
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
    records: list[Mapping[str, Any]]


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
        written = {
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
            [{"pointer": "", "detail": f"{quote(source)} is not a dataset or a path to one"}]
        )
    try:
        return json.loads(Path(source).read_bytes())
    except (OSError, ValueError) as exc:
        raise ValidationError(
            [
                {
                    "pointer": "",
                    "detail": f"cannot read the dataset {quote(str(source))}: {shorten(str(exc))}",
                }
            ]
        ) from None


def load(source: Mapping[str, Any] | str | os.PathLike[str]) -> Dataset:
    """Read and validate a dataset; ``ValidationError`` lists every problem found.

    >>> load({"periods": [{"id": 1, "end_date": "x"}], "colour": 1})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    periodkit.errors.ValidationError: /colour: ...; /periods/0/end_date: period 1: ...
    """
    document = read_document(source)
    problems: list[Problem] = []
    if not isinstance(document, Mapping):
        raise ValidationError([{"pointer": "", "detail": f"{quote(document)} is not an object"}])
    for key in document:
        if key not in KEYS:
            problems.append(
                {"pointer": f"/{key}", "detail": f"{quote(key)} is not a key of a dataset"}
            )
    teams = _teams(document.get("teams"), problems)
    periods = _domain(document, "periods", TeamPeriods.from_records, problems)
    graph = _domain(document, "entities", EntityGraph.from_records, problems)
    actions = _domain(document, "actions", ActionTable.from_records, problems)
    out_of_office = _domain(
        document, "out_of_office_periods", OutOfOfficeStore.from_records, problems
    )
    for key in ("periods", "entities", "actions", "out_of_office_periods", "tokens"):
        _check_teams(document.get(key), key, teams, problems)
    action_rows = _unique_ids(document.get("actions"), problems)
    classes = _classes(document.get("activity_classes"), problems)
    activities = _activities(document.get("activities"), classes, problems)
    _tokens(document.get("tokens"), classes, problems)
    if problems:
        raise ValidationError(problems)
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
    document: Mapping[str, Any], key: str, reader: Callable[[Any], Any], problems: list[Problem]
) -> Any:
    """The domain reader's object for one key, its problems moved under ``/key``."""
    try:
        return reader(document.get(key, []))
    except ValidationError as exc:
        problems.extend(
            {"pointer": f"/{key}{p['pointer']}", "detail": p["detail"]} for p in exc.problems
        )
    except PeriodkitError as exc:
        problems.append({"pointer": f"/{key}", "detail": str(exc)})
    return None


def _records(value: object, key: str, problems: list[Problem]) -> list[tuple[int, Mapping]]:
    """The objects of a list of records, with their indexes; the rest reported."""
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append({"pointer": f"/{key}", "detail": f"{key} {quote(value)} is not a list"})
        return []
    found = []
    for index, record in enumerate(value):
        if isinstance(record, Mapping):
            found.append((index, record))
        else:
            problems.append(
                {"pointer": f"/{key}/{index}", "detail": f"{quote(record)} is not an object"}
            )
    return found


def _allowed(record: Mapping, allowed: tuple[str, ...], at: str, problems: list[Problem]) -> None:
    for name in record:
        if name not in allowed:
            problems.append(
                {"pointer": f"{at}/{name}", "detail": f"{quote(name)} is not allowed here"}
            )


def _is_id(value: object) -> bool:
    return (isinstance(value, str) and value != "") or (
        isinstance(value, int) and not isinstance(value, bool)
    )


def _teams(value: object, problems: list[Problem]) -> list[Any] | None:
    """The team ids, or None when the dataset lists no teams."""
    if value is None:
        return None
    ids: list[Any] = []
    for index, record in _records(value, "teams", problems):
        at = f"/teams/{index}"
        _allowed(record, ("id", "name"), at, problems)
        if not _is_id(record.get("id")):
            problems.append(
                {"pointer": f"{at}/id", "detail": f"team id {quote(record.get('id'))} is not an id"}
            )
        elif record["id"] in ids:
            problems.append(
                {"pointer": f"{at}/id", "detail": f"team id {quote(record['id'])} is repeated"}
            )
        else:
            ids.append(record["id"])
    return ids


def _check_teams(value: object, key: str, teams: list[Any] | None, problems: list[Problem]) -> None:
    """Every record names a listed team; only a dataset of at most one team may leave it out."""
    if not isinstance(value, list):
        return
    for index, record in enumerate(value):
        if not isinstance(record, Mapping):
            continue
        team = record.get("team_id")
        at = f"/{key}/{index}/team_id"
        if team is None:
            if teams is not None and len(teams) > 1:
                problems.append(
                    {
                        "pointer": at,
                        "detail": f"a {key} record needs a team_id: there are {len(teams)} teams",
                    }
                )
        elif teams is not None and team not in teams:
            problems.append(
                {"pointer": at, "detail": f"team_id {quote(team)} is not a team of the dataset"}
            )


def _unique_ids(value: object, problems: list[Problem]) -> dict[str, int]:
    """Action positions by id as text; an id repeated (as text) is a problem."""
    rows: dict[str, int] = {}
    for index, record in enumerate(value if isinstance(value, list) else ()):
        if isinstance(record, Mapping) and record.get("id") is not None:
            key = str(record["id"])
            if key in rows:
                problems.append(
                    {
                        "pointer": f"/actions/{index}/id",
                        "detail": f"action id {quote(record['id'])} is repeated",
                    }
                )
            rows.setdefault(key, index)
    return rows


def _classes(value: object, problems: list[Problem]) -> dict[str, ActivityClass]:
    """Activity classes by prefix."""
    classes: dict[str, ActivityClass] = {}
    names: set[str] = set()
    for index, record in _records(value, "activity_classes", problems):
        at = f"/activity_classes/{index}"
        _allowed(record, ("name", "prefix", "fields"), at, problems)
        name, prefix, fields = record.get("name"), record.get("prefix"), record.get("fields")
        if not isinstance(name, str) or not name or ":" in name:
            problems.append(
                {"pointer": f"{at}/name", "detail": f"class name {quote(name)} is not a word"}
            )
        elif name in names:
            problems.append(
                {"pointer": f"{at}/name", "detail": f"class name {quote(name)} is repeated"}
            )
        if not isinstance(prefix, str) or not _PREFIX.fullmatch(prefix):
            problems.append(
                {"pointer": f"{at}/prefix", "detail": f"prefix {quote(prefix)} is not letters"}
            )
        elif prefix in classes:
            problems.append(
                {"pointer": f"{at}/prefix", "detail": f"prefix {quote(prefix)} is repeated"}
            )
        if not isinstance(fields, Mapping) or "oid" in fields:
            problems.append(
                {
                    "pointer": f"{at}/fields",
                    "detail": f"fields {quote(fields)} is not an object of field types "
                    "(without oid)",
                }
            )
            continue
        try:
            schema = Schema.of(fields)
        except QueryError as exc:
            problems.append({"pointer": f"{at}/fields", "detail": str(exc)})
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
        ok = isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63
    elif kind == "float":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif kind == "bool":
        ok = isinstance(value, bool)
    elif kind == "datetime":
        ok = isinstance(value, str) and _instant(value)
    else:
        ok = isinstance(value, str)
    return None if ok else f"{quote(value)} is not a value of type {kind}"


def _instant(text: str) -> bool:
    try:
        to_micros(text)
    except ParseError:
        return False
    return True


def _activities(
    value: object, classes: Mapping[str, ActivityClass], problems: list[Problem]
) -> dict[str, Activities]:
    """The activities of each OID, as a table over its class's columns (dates as datetime64)."""
    rows: dict[str, list[Mapping[str, Any]]] = {}
    for index, record in _records(value, "activities", problems):
        at = f"/activities/{index}"
        oid = record.get("oid")
        kind = class_of(oid, classes) if isinstance(oid, str) else None
        if kind is None:
            problems.append(
                {
                    "pointer": f"{at}/oid",
                    "detail": f"oid {quote(oid)} does not start with the prefix "
                    "of an activity class",
                }
            )
            continue
        types = {c.name: c.type for c in kind.schema.columns}
        for name, item in record.items():
            if name == "oid":
                continue
            if name not in types:
                problems.append(
                    {
                        "pointer": f"{at}/{name}",
                        "detail": f"{quote(name)} is not a field of class {kind.name}",
                    }
                )
            elif (why := _value_problem(types[name], item)) is not None:
                problems.append({"pointer": f"{at}/{name}", "detail": why})
        # Values are checked scalars: a shallow copy is the service's own.
        rows.setdefault(str(oid), []).append(dict(record))
    if problems:
        return {}
    found = {}
    for oid, records in rows.items():
        kind = class_of(oid, classes)
        assert kind is not None
        found[oid] = Activities(_table(records, kind.schema), records)
    return found


def _table(records: list[Mapping[str, Any]], schema: Schema) -> Table:
    columns: dict[str, Any] = {}
    for column in schema.columns:
        values = [record.get(column.name) for record in records]
        if column.type == "datetime":
            columns[column.name] = parse_instants(values)
        else:
            columns[column.name] = pd.Series(values, dtype=object)
    return Table.from_frame(pd.DataFrame(columns, index=range(len(records))), schema)


def _tokens(value: object, classes: Mapping[str, ActivityClass], problems: list[Problem]) -> None:
    seen: set[str] = set()
    names = {c.name for c in classes.values()}
    for index, record in _records(value, "tokens", problems):
        at = f"/tokens/{index}"
        _allowed(record, ("token", "team_id", "scopes"), at, problems)
        token = record.get("token")
        if not isinstance(token, str) or not token.strip() or token != token.strip():
            problems.append(
                {
                    "pointer": f"{at}/token",
                    "detail": "a token must be non-empty text without surrounding blanks",
                }
            )
        elif token in seen:
            problems.append(
                {"pointer": f"{at}/token", "detail": f"token {index} repeats an earlier one"}
            )
        else:
            seen.add(token)
        scopes = record.get("scopes", [])
        if not isinstance(scopes, list):
            problems.append(
                {"pointer": f"{at}/scopes", "detail": f"scopes {quote(scopes)} is not a list"}
            )
            continue
        for number, scope in enumerate(scopes):
            if not _scope_ok(scope, names):
                problems.append(
                    {
                        "pointer": f"{at}/scopes/{number}",
                        "detail": f"scope {quote(scope)} is not one of {', '.join(_SCOPE_AREAS)}, "
                        "activities:<Class> or *, optionally ending in :read",
                    }
                )


def _scope_ok(scope: object, classes: set[str]) -> bool:
    if not isinstance(scope, str):
        return False
    base = scope.removesuffix(":read")
    if base in ("*", *_SCOPE_AREAS):
        return True
    area, _, name = base.partition(":")
    return area == "activities" and name in classes
