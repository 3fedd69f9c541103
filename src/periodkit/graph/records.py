"""The entity graph's documents: dataset records and period writes in, view dates out.

Reading never raises on the first problem: every reader appends
``{"pointer", "detail"}`` problems to a list and returns what it could read,
so that a caller can report every problem of a document at once and write
nothing. Dates are read in the entity dialect (``periodkit.time``): a missing
or null start is -inf, a missing or null end is +inf, and the sentinels
``1970-01-01 00:00:00`` / ``9999-12-31 23:59:59`` are the infinities (on the
wrong side, a problem at that field: SPEC section 1 makes it start > end).

>>> problems = []
>>> read_period({"start_date": "2017-01-01 00:00:00", "data": 1}, "/periods/0", problems)[1:]
(1483228800000000, 9223372036854775807, 1, True)
>>> read_period({"end_date": "yesterday"}, "/periods/1", problems)
>>> problems[0]["pointer"]
'/periods/1/end_date'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

from periodkit.errors import ParseError, Problem
from periodkit.time import NEG_INF, POS_INF, BoundReader, Side, format_instant, parse_bound

_TYPE = re.compile(r"[A-Z][A-Z0-9_]*", re.ASCII)
_PERIOD_KEYS = ("period_id", "start_date", "end_date", "data")
_PARENT_KEYS = ("id", "start_date", "end_date")
_RECORD_KEYS = ("id", "type", "name", "team_id", "periods", "parents")


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


def _problem(problems: list[Problem], pointer: str, detail: str) -> None:
    problems.append({"pointer": pointer, "detail": detail})


def _object(value: object, pointer: str, allowed: tuple[str, ...], problems: list[Problem]) -> bool:
    """Whether ``value`` is an object whose keys are all allowed (each stray key is a problem)."""
    if not isinstance(value, Mapping):
        _problem(problems, pointer, f"{value!r} is not an object (expected keys {list(allowed)})")
        return False
    clean = True
    for key in value:
        if key not in allowed:
            # A JSON pointer escapes "~" and "/" in a key (RFC 6901).
            escaped = str(key).replace("~", "~0").replace("/", "~1")
            _problem(
                problems, f"{pointer}/{escaped}", f"unknown field {key!r} (expected {allowed})"
            )
            clean = False
    return clean


def _list(
    value: object, pointer: str, problems: list[Problem], *, required: bool = False
) -> list[Any]:
    """A JSON array as a list (null: an empty one, unless ``required``); else a problem."""
    if value is None and not required:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    _problem(problems, pointer, f"{value!r} is not an array")
    return []


def _optional_text(value: object, pointer: str, what: str, problems: list[Problem]) -> bool:
    if value is None or (isinstance(value, str) and value):
        return True
    _problem(problems, pointer, f"{value!r} is not a valid {what} (expected a non-empty string)")
    return False


def _entity_bound(value: object, side: Side) -> int:
    return parse_bound(value, side, "entity")


#: Each side's key, its side, the infinity that cannot be a bound on that side (its name),
#: and the key where that infinity belongs.
_SIDES: tuple[tuple[str, Side, int, str, str], ...] = (
    ("start_date", "start", POS_INF, "+infinity", "end_date"),
    ("end_date", "end", NEG_INF, "-infinity", "start_date"),
)


def read_span(
    item: Mapping[str, Any],
    pointer: str,
    problems: list[Problem],
    read: Callable[[object, Side], int] = _entity_bound,
) -> tuple[int, int] | None:
    """The ``start_date``/``end_date`` of an object as vector-form bounds, or None on a problem.

    A start at +infinity or an end at -infinity (a sentinel on the wrong
    side) is a problem at that field.

    >>> read_span({"end_date": "2019-09-26 00:00:00"}, "", []) [0] < 0
    True
    >>> problems = []
    >>> read_span({"start_date": "9999-12-31 23:59:59"}, "/periods/0", problems)
    >>> problems[0]["pointer"]
    '/periods/0/start_date'
    >>> problems[0]["detail"]
    "start_date '9999-12-31 23:59:59' reads as +infinity, a sentinel that belongs on end_date"
    """
    bounds = []
    for key, side, wrong, name, other in _SIDES:
        try:
            bound = read(item.get(key), side)
        except ParseError as error:
            _problem(problems, f"{pointer}/{key}", str(error))
            continue
        # A sentinel is read as an infinity on either side, so a start at +inf or an end at
        # -inf would be accepted as a one-instant period at an infinity; SPEC section 1 makes
        # it a start > end error instead, reported where the sentinel was written.
        if bound == wrong:
            _problem(
                problems,
                f"{pointer}/{key}",
                f"{key} {item.get(key)!r} reads as {name}, a sentinel that belongs on {other}",
            )
            continue
        bounds.append(bound)
    if len(bounds) < 2:
        return None
    lo, hi = bounds
    if lo > hi:
        _problem(
            problems,
            f"{pointer}/end_date",
            f"end_date {item.get('end_date')!r} is before start_date {item.get('start_date')!r}",
        )
        return None
    return lo, hi


def _dated(
    item: object,
    pointer: str,
    allowed: tuple[str, ...],
    identifier: str,
    problems: list[Problem],
    read: Callable[[object, Side], int],
) -> tuple[Mapping[str, Any], int, int] | None:
    """An object with an id field and a span, or None when it has a problem.

    The id field is ``period_id`` (optional) for periods and ``id``
    (required) for dependencies.
    """
    before = len(problems)
    if not _object(item, pointer, allowed, problems):
        return None
    assert isinstance(item, Mapping)
    value = item.get(identifier)
    if value is None and identifier == "id":
        _problem(problems, f"{pointer}/id", "a dependency needs the parent's id")
    else:
        _optional_text(value, f"{pointer}/{identifier}", identifier, problems)
    span = read_span(item, pointer, problems, read)
    if span is None or len(problems) > before:
        return None
    return item, span[0], span[1]


def read_period(
    item: object,
    pointer: str,
    problems: list[Problem],
    read: Callable[[object, Side], int] = _entity_bound,
) -> WrittenPeriod | None:
    """One period object (``period_id``, ``start_date``, ``end_date``, ``data``), or None."""
    found = _dated(item, pointer, _PERIOD_KEYS, "period_id", problems, read)
    if found is None:
        return None
    fields, lo, hi = found
    return WrittenPeriod(fields.get("period_id"), lo, hi, fields.get("data"), "data" in fields)


def _read_parent(
    item: object, pointer: str, problems: list[Problem], read: Callable[[object, Side], int]
) -> Dependency | None:
    found = _dated(item, pointer, _PARENT_KEYS, "id", problems, read)
    if found is None:
        return None
    fields, lo, hi = found
    return Dependency(fields["id"], lo, hi, f"{pointer}/id")


def _read_fields(record: Mapping[str, Any], pointer: str, problems: list[Problem]) -> bool:
    """Check the scalar fields of a record; whether its id is usable."""
    entity_id = record.get("id")
    if entity_id is None:
        _problem(problems, f"{pointer}/id", "an entity needs an id")
    else:
        _optional_text(entity_id, f"{pointer}/id", "entity id", problems)
    kind = record.get("type")
    if kind is not None and not (isinstance(kind, str) and _TYPE.fullmatch(kind)):
        _problem(problems, f"{pointer}/type", f"{kind!r} is not an upper-case word such as ACTION")
    _optional_text(record.get("name"), f"{pointer}/name", "name", problems)
    team = record.get("team_id")
    if not (team is None or isinstance(team, str) or (type(team) is int)):
        _problem(problems, f"{pointer}/team_id", f"{team!r} is not a team id (string or integer)")
    return isinstance(entity_id, str) and entity_id != ""


def read_entity_fields(record: Mapping[str, Any]) -> list[Problem]:
    """The problems of one entity's scalar fields (``id``, ``type``, ``name``, ``team_id``).

    >>> read_entity_fields({"id": "", "type": "ACTION"})[0]["pointer"]
    '/id'
    """
    problems: list[Problem] = []
    _read_fields(record, "", problems)
    return problems


def _dates_of(records: object) -> Iterator[object]:
    """Every date of the entities list, so that they are parsed together; shapes are
    checked later, by the reading itself."""
    for record in records if isinstance(records, list | tuple) else ():
        if not isinstance(record, Mapping):
            continue
        for key in ("periods", "parents"):
            items = record.get(key)
            for item in items if isinstance(items, list | tuple) else ():
                if isinstance(item, Mapping):
                    yield item.get("start_date")
                    yield item.get("end_date")


def read_records(records: object) -> tuple[list[EntityRecord], list[Problem]]:
    """Validate the dataset's ``entities`` list: the records read and every problem found.

    Checks shapes, dates, unique entity and period ids, and that every parent
    exists; cycles are the graph's business.

    >>> records, problems = read_records([{"id": "a"}, {"id": "a", "parents": [{"id": "b"}]}])
    >>> [p["pointer"] for p in problems]
    ['/1/id', '/1/parents/0/id']
    """
    problems: list[Problem] = []
    read = BoundReader(_dates_of(records), "entity")
    entities: list[EntityRecord] = []
    seen: dict[str, str] = {}
    period_seen: dict[str, str] = {}
    for index, record in enumerate(_list(records, "", problems)):
        pointer = f"/{index}"
        # A record with a stray key is still read, so its id counts as a parent.
        _object(record, pointer, _RECORD_KEYS, problems)
        if not isinstance(record, Mapping) or not _read_fields(record, pointer, problems):
            continue
        entity_id = record["id"]
        if entity_id in seen:
            _problem(
                problems, f"{pointer}/id", f"entity id {entity_id!r} is already {seen[entity_id]}"
            )
        seen.setdefault(entity_id, f"at {pointer}")
        periods = []
        for at, item in enumerate(_list(record.get("periods"), f"{pointer}/periods", problems)):
            here = f"{pointer}/periods/{at}"
            period = read_period(item, here, problems, read)
            if period is None:
                continue
            if period.period_id is not None:
                if period.period_id in period_seen:
                    first = period_seen[period.period_id]
                    _problem(
                        problems,
                        f"{here}/period_id",
                        f"period_id {period.period_id!r} is already at {first}",
                    )
                period_seen.setdefault(period.period_id, here)
            periods.append(period)
        parents = [
            dependency
            for at, item in enumerate(_list(record.get("parents"), f"{pointer}/parents", problems))
            if (dependency := _read_parent(item, f"{pointer}/parents/{at}", problems, read))
            is not None
        ]
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
    for record in entities:
        for dependency in record.parents:
            if dependency.parent_id not in seen:
                _problem(
                    problems,
                    dependency.pointer,
                    f"parent {dependency.parent_id!r} is not an entity of the list",
                )
    return entities, problems


def read_writes(
    periods: object, owner_of: Mapping[str, str], entity_id: str
) -> tuple[list[WrittenPeriod], list[Problem]]:
    """Validate the ``periods`` of an update of ``entity_id`` (seed 001 PUT).

    ``owner_of`` maps every period id of the graph to its entity. ``periods``
    that is not an array (null included), a period id of another entity, or
    one given twice, is a problem.

    >>> _, problems = read_writes([{"period_id": "p"}, {"period_id": "p"}], {"p": "b"}, "a")
    >>> [p["detail"] for p in problems]  # doctest: +NORMALIZE_WHITESPACE
    ["period_id 'p' belongs to entity 'b', not 'a'",
     "period_id 'p' belongs to entity 'b', not 'a'",
     "period_id 'p' is already at /periods/0"]
    """
    problems: list[Problem] = []
    written: list[WrittenPeriod] = []
    seen: dict[str, str] = {}
    # The PUT body of seed 001 carries a periods array: null is a malformed request, not an
    # empty update (while every key of a dataset record, and the dataset itself, is optional).
    for index, item in enumerate(_list(periods, "/periods", problems, required=True)):
        pointer = f"/periods/{index}"
        period = read_period(item, pointer, problems)
        period_id = item.get("period_id") if isinstance(item, Mapping) else None
        if isinstance(period_id, str):
            owner = owner_of.get(period_id, entity_id)
            if owner != entity_id:
                _problem(
                    problems,
                    f"{pointer}/period_id",
                    f"period_id {period_id!r} belongs to entity {owner!r}, not {entity_id!r}",
                )
            if period_id in seen:
                _problem(
                    problems,
                    f"{pointer}/period_id",
                    f"period_id {period_id!r} is already at {seen[period_id]}",
                )
            seen.setdefault(period_id, pointer)
        if period is not None:
            written.append(period)
    return written, problems


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


def period_dates(periods: list[tuple[int, int]]) -> list[dict[str, str | None]]:
    """The entity-dialect dates of an entity's owned periods; the infinite default when it has none.

    >>> period_dates([])
    [{'start_date': '1970-01-01 00:00:00', 'end_date': '9999-12-31 23:59:59'}]
    """
    if not periods:
        return [entity_dates(parse_bound(None, "start"), parse_bound(None, "end"))]
    return [entity_dates(lo, hi) for lo, hi in periods]
