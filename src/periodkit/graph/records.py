"""The entity graph's record schema: dataset records and period writes in, view dates out.

Reading goes through ``periodkit.documents``: every problem of a list is
reported at its JSON pointer, and what could be read is returned with them,
so that a caller refuses the whole list and writes nothing. Dates are read in
the entity dialect (``periodkit.time``): a missing or null start is -inf, a
missing or null end is +inf, and the sentinels ``1970-01-01 00:00:00`` /
``9999-12-31 23:59:59`` are the infinities (on the wrong side, a problem at
that field: it is then a start after its end).

>>> records, problems = read_records([{"id": "a", "periods": [{"end_date": "yesterday"}]}])
>>> problems[0]["pointer"]
'/0/periods/0/end_date'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np

from periodkit.documents import Document, containers, keys, short, values_at
from periodkit.errors import ParseError, Problem
from periodkit.time import NEG_INF, POS_INF, Side, format_instant, parse_bounds

_TYPE = re.compile(r"[A-Z][A-Z0-9_]*", re.ASCII)
_PERIOD_KEYS = keys("period_id", "start_date", "end_date", "data")
_PARENT_KEYS = keys("id", "start_date", "end_date")
_RECORD_KEYS = keys("id", "type", "name", "team_id", "periods", "parents")
_DATES = ("start_date", "end_date")


class WrittenPeriod(NamedTuple):
    """One owned period as written, bounds in the vector form; ``has_data``: ``data`` was given."""

    period_id: str | None
    lo: int
    hi: int
    data: Any
    has_data: bool


class Dependency(NamedTuple):
    """One dependency as written: the parent's id and the span (vector form) where it holds."""

    parent_id: str
    lo: int
    hi: int
    pointer: str


class EntityRecord(NamedTuple):
    """One validated entity record of the dataset's ``entities`` list."""

    id: str
    type: str | None
    name: str | None
    team_id: str | int | None
    periods: list[WrittenPeriod]
    parents: list[Dependency]


def _text(doc: Document, value: object, key: str, what: str) -> bool:
    """Whether ``value`` is absent or a non-empty string (else a problem at ``key``)."""
    if value is None or (type(value) is str and value):
        return True
    doc.problem(f"{short(value)} is not a valid {what} (expected a non-empty string)", key)
    return False


#: Each side's key, its side, the infinity that cannot be a bound on that side (its name),
#: and the key where that infinity belongs.
_SIDES: tuple[tuple[str, Side, int, str, str], ...] = (
    ("start_date", "start", POS_INF, "+infinity", "end_date"),
    ("end_date", "end", NEG_INF, "-infinity", "start_date"),
)


def _span(doc: Document, item: Mapping[str, Any]) -> tuple[int, int] | None:
    """The ``start_date``/``end_date`` of an object as vector-form bounds, or None on a problem."""
    bounds = []
    for key, side, wrong, name, other in _SIDES:
        bound = doc.bound(item.get(key), side, key)
        # A sentinel is read as an infinity on either side, so a start at +inf or an end at
        # -inf would be accepted as a one-instant period at an infinity; the entity dialect makes
        # it a start > end error instead, reported where the sentinel was written.
        if bound == wrong:
            doc.problem(
                f"{key} {short(item.get(key))} reads as {name}, a sentinel that belongs on {other}",
                key,
            )
        elif bound is not None:
            bounds.append(bound)
    if len(bounds) < 2:
        return None
    lo, hi = bounds
    if lo > hi:
        doc.problem(
            f"end_date {short(item.get('end_date'))} is before start_date "
            f"{short(item.get('start_date'))}",
            "end_date",
        )
        return None
    return lo, hi


def read_span(
    item: Mapping[str, Any], pointer: str, problems: list[Problem]
) -> tuple[int, int] | None:
    """The ``start_date``/``end_date`` of an object as vector-form bounds, or None on a problem.

    A start at +infinity or an end at -infinity (a sentinel on the wrong
    side) is a problem at that field, added to ``problems``.

    >>> read_span({"end_date": "2019-09-26 00:00:00"}, "", []) [0] < 0
    True
    >>> problems = []
    >>> read_span({"start_date": "9999-12-31 23:59:59"}, "/periods/0", problems)
    >>> problems[0]["pointer"]
    '/periods/0/start_date'
    >>> problems[0]["detail"]
    "start_date '9999-12-31 23:59:59' reads as +infinity, a sentinel that belongs on end_date"
    """
    doc = Document(pointer)
    doc.dates((), "entity")
    span = _span(doc, item)
    problems.extend(doc.problems)
    return span


def _period(doc: Document, item: object) -> WrittenPeriod | None:
    """One period object (``period_id``, ``start_date``, ``end_date``, ``data``), or None."""
    before = len(doc.problems)
    if not doc.mapping(item, _PERIOD_KEYS):
        return None
    period_id = item.get("period_id")
    _text(doc, period_id, "period_id", "period_id")
    span = _span(doc, item)
    data = item.get("data")
    doc.nested(data, "data")
    if span is None or len(doc.problems) > before:
        return None
    return WrittenPeriod(period_id, span[0], span[1], data, "data" in item)


def _parent(doc: Document, item: object) -> tuple[int, int] | None:
    """The span of one dependency object (``id``, ``start_date``, ``end_date``), or None."""
    before = len(doc.problems)
    if not doc.mapping(item, _PARENT_KEYS):
        return None
    parent_id = item.get("id")
    if parent_id is None:
        doc.problem("a dependency needs the parent's id", "id")
    else:
        _text(doc, parent_id, "id", "id")
    span = _span(doc, item)
    return None if len(doc.problems) > before else span


def _fields(doc: Document, record: Mapping[str, Any]) -> bool:
    """Check the scalar fields of a record; whether its id is usable."""
    entity_id = record.get("id")
    if entity_id is None:
        doc.problem("an entity needs an id", "id")
    else:
        _text(doc, entity_id, "id", "entity id")
    kind = record.get("type")
    if kind is not None and not (type(kind) is str and _TYPE.fullmatch(kind)):
        doc.problem(f"{short(kind)} is not an upper-case word such as ACTION", "type")
    _text(doc, record.get("name"), "name", "name")
    doc.kind(record.get("team_id"), ("string", "integer"), "team_id")
    return type(entity_id) is str and entity_id != ""


def read_entity_fields(record: Mapping[str, Any]) -> list[Problem]:
    """The problems of one entity's scalar fields (``id``, ``type``, ``name``, ``team_id``).

    >>> read_entity_fields({"id": "", "type": "ACTION"})[0]["pointer"]
    '/id'
    """
    doc = Document()
    _fields(doc, record)
    return doc.problems


def read_records(records: object, at: str = "") -> tuple[list[EntityRecord], list[Problem]]:
    """Validate the dataset's ``entities`` list: the records read and every problem found.

    Checks shapes, dates, unique entity and period ids, and that every parent
    exists; cycles are the graph's business. ``at`` is the list's pointer in
    its document.

    >>> records, problems = read_records([{"id": "a"}, {"id": "a", "parents": [{"id": "b"}]}])
    >>> [p["pointer"] for p in problems]
    ['/1/id', '/1/parents/0/id']
    """
    doc = Document(at)
    rows = doc.array(records)
    doc.dates(
        values_at(rows, *(f"*/{k}/*/{d}" for k in ("periods", "parents") for d in _DATES)),
        "entity",
    )
    entities: list[EntityRecord] = []
    # Where each id was first seen, as indices: a pointer is only spelled out for a problem.
    seen: dict[str, int] = {}
    period_seen: dict[str, tuple[int, int]] = {}
    for index, record in doc.each(rows):
        # A record with a stray key is still read, so its id counts as a parent.
        if not doc.mapping(record, _RECORD_KEYS) or not _fields(doc, record):
            continue
        entity_id = record["id"]
        if entity_id in seen:
            first = seen[entity_id]
            doc.problem(f"entity id {short(entity_id)} is already at {at}/{first}", "id")
        else:
            seen[entity_id] = index
        periods = []
        for number, item in doc.each(record.get("periods"), "periods"):
            period = _period(doc, item)
            if period is None:
                continue
            if period.period_id in period_seen:
                where = "{}/{}/periods/{}".format(at, *period_seen[period.period_id])
                doc.problem(
                    f"period_id {short(period.period_id)} is already at {where}", "period_id"
                )
            elif period.period_id is not None:
                period_seen[period.period_id] = (index, number)
            periods.append(period)
        parents = []
        for number, item in doc.each(record.get("parents"), "parents"):
            span = _parent(doc, item)
            if span is not None:
                # Spelled out for each dependency: the graph locates cycles with it.
                pointer = f"{at}/{index}/parents/{number}/id"
                parents.append(Dependency(item["id"], span[0], span[1], pointer))
        entities.append(
            EntityRecord(
                entity_id,
                record.get("type"),
                record.get("name"),
                record.get("team_id"),
                periods,
                parents,
            )
        )
    for entity in entities:
        for dependency in entity.parents:
            if dependency.parent_id not in seen:
                doc.problem(
                    f"parent {short(dependency.parent_id)} is not an entity of the list",
                    pointer=dependency.pointer,
                )
    return entities, doc.problems


class EntityColumns(NamedTuple):
    """The ``entities`` list column by column: one row per entity, per period, per dependency.

    Periods and dependencies follow the records' order, so that an entity's
    are one run; ``periods`` and ``parents`` count them per entity. Period
    bounds are in the vector form, dependency spans too.
    """

    ids: list[str]
    types: list[str | None]
    names: list[str | None]
    teams: list[str | int | None]
    periods: np.ndarray
    period_ids: list[str | None]
    period_lo: np.ndarray
    period_hi: np.ndarray
    period_data: list[Any]
    parents: np.ndarray
    parent_ids: list[str]
    parent_lo: np.ndarray
    parent_hi: np.ndarray


def read_columns(records: object) -> tuple[EntityColumns | None, list[Problem]]:
    """``read_records`` column by column: the columns (None on a problem) and every problem.

    A list of plain dicts and lists, as JSON gives, is read in one pass into
    flat lists whose checks and dates run once per column; anything else, and
    any list that fails a check, is read by ``read_records``, which words
    every problem at its pointer.

    >>> columns, _ = read_columns([{"id": "a", "periods": [{"end_date": "2019-01-01"}]}])
    >>> columns.ids, columns.periods.tolist(), columns.period_hi.tolist()
    (['a'], [1], [1546300800000000])
    >>> read_columns([{"id": "a", "parents": [{"id": "b"}]}])[1][0]["pointer"]
    '/0/parents/0/id'
    """
    columns = _plain_columns(records)
    if columns is not None:
        return columns, []
    read, problems = read_records(records)
    return (None if problems else _columns_of(read)), problems


def _plain_columns(records: object) -> EntityColumns | None:
    """The columns of a valid list of plain dicts and lists; None at the first doubt."""
    if type(records) is not list:
        return None
    ids: list[Any] = []
    types: list[Any] = []
    names: list[Any] = []
    teams: list[Any] = []
    periods: list[int] = []
    parents: list[int] = []
    period_ids: list[Any] = []
    period_lo: list[Any] = []
    period_hi: list[Any] = []
    period_data: list[Any] = []
    parent_ids: list[Any] = []
    parent_lo: list[Any] = []
    parent_hi: list[Any] = []
    for record in records:
        if type(record) is not dict or not record.keys() <= _RECORD_KEYS:
            return None
        get = record.get
        ids.append(get("id"))
        types.append(get("type"))
        names.append(get("name"))
        teams.append(get("team_id"))
        owned, needs = get("periods"), get("parents")
        if (owned is not None and type(owned) is not list) or (
            needs is not None and type(needs) is not list
        ):
            return None
        periods.append(len(owned) if owned else 0)
        parents.append(len(needs) if needs else 0)
        for item in owned or ():
            if type(item) is not dict or not item.keys() <= _PERIOD_KEYS:
                return None
            period_ids.append(item.get("period_id"))
            period_lo.append(item.get("start_date"))
            period_hi.append(item.get("end_date"))
            period_data.append(item.get("data"))
        for item in needs or ():
            if type(item) is not dict or not item.keys() <= _PARENT_KEYS:
                return None
            parent_ids.append(item.get("id"))
            parent_lo.append(item.get("start_date"))
            parent_hi.append(item.get("end_date"))
    unique = set(ids)
    named = [period_id for period_id in period_ids if period_id is not None]
    if not (
        _texts(ids, optional=False)
        and len(unique) == len(ids)
        and all(
            kind is None or (type(kind) is str and _TYPE.fullmatch(kind)) for kind in set(types)
        )
        and _texts(names, optional=True)
        and {type(team) for team in teams} <= _TEAM_TYPES
        and _texts(period_ids, optional=True)
        and len(set(named)) == len(named)
        and _texts(parent_ids, optional=False)
        and unique.issuperset(parent_ids)
        and _shallow(period_data)
    ):
        return None
    spans = [_bounds(period_lo, period_hi), _bounds(parent_lo, parent_hi)]
    if spans[0] is None or spans[1] is None:
        return None
    return EntityColumns(
        ids,
        types,
        names,
        teams,
        np.array(periods, dtype=np.int64),
        period_ids,
        *spans[0],
        period_data,
        np.array(parents, dtype=np.int64),
        parent_ids,
        *spans[1],
    )


_TEAM_TYPES = {str, int, type(None)}
_OPTIONAL_TEXT = {str, type(None)}


def _texts(values: list[Any], *, optional: bool) -> bool:
    """Whether every value is a non-empty string (or, when ``optional``, None)."""
    kinds = set(map(type, values))
    return kinds <= (_OPTIONAL_TEXT if optional else {str}) and "" not in values


def _shallow(data: list[Any]) -> bool:
    """Whether every period's ``data`` nests no deeper than a record's reader allows."""
    deep = containers(data)
    if not deep:
        return True
    doc = Document()
    # Where a period's data sits: /<record>/periods/<period>.
    for key in (0, "periods", 0):
        doc.enter(key)
    return all(doc.nested(data[index]) for index in deep)


def _bounds(starts: list[Any], ends: list[Any]) -> tuple[np.ndarray, np.ndarray] | None:
    """Valid spans from texts in the entity dialect, or None when any is not."""
    if not (set(map(type, starts)) | set(map(type, ends))) <= _OPTIONAL_TEXT:
        return None
    try:
        lo = parse_bounds(starts, "start", "entity")
        hi = parse_bounds(ends, "end", "entity")
    except ParseError:
        return None
    if ((lo == POS_INF) | (hi == NEG_INF) | (lo > hi)).any():
        return None
    return lo, hi


def _columns_of(read: list[EntityRecord]) -> EntityColumns:
    """The columns of records ``read_records`` read (and found valid)."""
    periods = [period for record in read for period in record.periods]
    parents = [dependency for record in read for dependency in record.parents]
    return EntityColumns(
        [record.id for record in read],
        [record.type for record in read],
        [record.name for record in read],
        [record.team_id for record in read],
        np.array([len(record.periods) for record in read], dtype=np.int64),
        [period.period_id for period in periods],
        np.array([period.lo for period in periods], dtype=np.int64),
        np.array([period.hi for period in periods], dtype=np.int64),
        [period.data for period in periods],
        np.array([len(record.parents) for record in read], dtype=np.int64),
        [dependency.parent_id for dependency in parents],
        np.array([dependency.lo for dependency in parents], dtype=np.int64),
        np.array([dependency.hi for dependency in parents], dtype=np.int64),
    )


def read_writes(
    periods: object, owner_of: Mapping[str, str], entity_id: str
) -> tuple[list[WrittenPeriod], list[Problem]]:
    """Validate the ``periods`` of an update of ``entity_id`` (``PUT /period/update/{id}``).

    ``owner_of`` maps every period id of the graph to its entity. ``periods``
    that is not an array (null included), a period id of another entity, or
    one given twice, is a problem.

    >>> _, problems = read_writes([{"period_id": "p"}, {"period_id": "p"}], {"p": "b"}, "a")
    >>> [p["detail"] for p in problems]  # doctest: +NORMALIZE_WHITESPACE
    ["period_id 'p' belongs to entity 'b', not 'a'",
     "period_id 'p' belongs to entity 'b', not 'a'",
     "period_id 'p' is already at /periods/0"]
    """
    doc = Document()
    doc.dates(values_at(periods, "*/start_date", "*/end_date"), "entity")
    written: list[WrittenPeriod] = []
    seen: dict[str, int] = {}
    # The update's body carries a periods array: null is a malformed request, not an
    # empty update (while every key of a dataset record, and the dataset itself, is optional).
    for index, item in doc.each(periods, "periods", required=True):
        period = _period(doc, item)
        period_id = item.get("period_id") if isinstance(item, Mapping) else None
        if type(period_id) is str:
            owner = owner_of.get(period_id, entity_id)
            if owner != entity_id:
                doc.problem(
                    f"period_id {short(period_id)} belongs to entity {short(owner)}, "
                    f"not {short(entity_id)}",
                    "period_id",
                )
            if period_id in seen:
                where = f"/periods/{seen[period_id]}"
                doc.problem(f"period_id {short(period_id)} is already at {where}", "period_id")
            else:
                seen[period_id] = index
        if period is not None:
            written.append(period)
    return written, doc.problems


# --- the view ----------------------------------------------------------------


def entity_dates(lo: int, hi: int) -> dict[str, str | None]:
    """``start_date``/``end_date`` in the entity dialect from vector-form bounds.

    >>> entity_dates(0, 1_000_000)
    {'start_date': '1970-01-01 00:00:00', 'end_date': '1970-01-01 00:00:01'}
    """
    return {
        "start_date": format_instant(lo, dialect="entity"),
        "end_date": format_instant(hi, dialect="entity"),
    }
