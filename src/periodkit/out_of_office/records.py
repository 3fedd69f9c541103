"""Out-of-office records: their fields, the records they reference, and the reading of writes.

A record has the fields of ``FIELDS``. ``person`` and ``approval_delegate``
name people, ``time_allocation`` a time allocation and ``effort_class`` an
effort class: each is a reference to a record kept in a ``References``
registry. The dataset embeds those records in the out-of-office records
(``"person": {"id": 196, "name": "Ellen Brown"}``); a write names them by id
(``196`` or ``{"id": 196}``).

Reading never stops at the first problem: every problem is appended to a
list as ``{"pointer": "/<field>", "detail": ...}``, the detail a full
sentence naming the field ("End at must be after start at").

>>> refs = References()
>>> problems = []
>>> refs.collect("person", {"id": 196, "name": "Ellen Brown"}, "", problems)
>>> read_write({"person": 196, "start_at": "2019-11-18T06:00:00Z", "reason": 7}, refs, problems)
{'person': 196, 'start_at': 1574056800000000}
>>> problems
[{'pointer': '/reason', 'detail': 'Reason 7 is not a string'}]
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, TypeGuard

import numpy as np

from periodkit.errors import ParseError, Problem, quote
from periodkit.query.schema import Schema
from periodkit.time import NEG_INF, POS_INF, parse_bound, parse_instants

#: Every field of a record, in the order records are written.
FIELDS = (
    "id",
    "source",
    "sourceID",
    "person",
    "start_at",
    "end_at",
    "reason",
    "time_allocation",
    "effort_class",
    "approval_delegate",
    "created_at",
    "updated_at",
)
#: The typed columns of the records as queries read them: ``person_id`` is the
#: person's id, dates are instants; the other fields are rendered, not queried.
COLUMNS = Schema.of(
    {
        "id": "int",
        "source": "string",
        "sourceID": "string",
        "person_id": "int",
        "start_at": "datetime",
        "end_at": "datetime",
        "created_at": "datetime",
        "updated_at": "datetime",
    }
)
#: Fields only the store sets.
READ_ONLY = ("id", "created_at", "updated_at")
#: Fields a write may not leave missing or null.
REQUIRED = ("person", "start_at", "end_at")
#: Text fields and their longest length in code points.
TEXT_LIMITS = {"source": 30, "sourceID": 128, "reason": 80}
DATES = ("start_at", "end_at", "created_at", "updated_at")
#: Each reference field and the kind of record it names.
REFERENCES = {
    "person": "person",
    "approval_delegate": "person",
    "time_allocation": "time allocation",
    "effort_class": "effort class",
}
END_BEFORE_START = "End at must be after start at"

_LABELS = {"sourceID": "Source ID", "team_id": "Team"}


def label(field: str) -> str:
    """The field's name as a message starts it.

    >>> label("start_at"), label("sourceID")
    ('Start at', 'Source ID')
    """
    return _LABELS.get(field) or field.replace("_", " ").capitalize()


def pointer(field: object, prefix: str = "") -> str:
    """The JSON pointer of ``field`` under ``prefix`` ("~" and "/" escaped, RFC 6901).

    >>> pointer("a/b", "/3")
    '/3/a~1b'
    """
    return f"{prefix}/{str(field).replace('~', '~0').replace('/', '~1')}"


def positive_int(value: object) -> TypeGuard[int]:
    """Whether ``value`` is a whole number above zero (``True`` is no id)."""
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


class References:
    """The people, time allocations and effort classes that records reference, by id.

    Ids are positive whole numbers; each kind has its own ids. A record is
    kept as first given (a JSON object holding at least ``id``).

    >>> refs = References()
    >>> problems = []
    >>> refs.collect("approval_delegate", {"id": 7, "name": "Ann"}, "/0", problems)
    >>> refs.record("person", 7)
    {'id': 7, 'name': 'Ann'}
    >>> refs.collect("person", {"id": 7, "name": "Bob"}, "/1", problems)
    >>> problems[0]["detail"]
    "Person 7 is {'id': 7, 'name': 'Bob'} here but {'id': 7, 'name': 'Ann'} before"
    """

    def __init__(self) -> None:
        self._by_kind: dict[str, dict[int, dict[str, Any]]] = {
            kind: {} for kind in set(REFERENCES.values())
        }

    def ids(self, kind: str) -> list[int]:
        """The ids of one kind (``"person"``, ``"time allocation"``, ``"effort class"``), sorted."""
        return sorted(self._by_kind[kind])

    def record(self, field: str, identifier: int | None) -> dict[str, Any] | None:
        """A copy of the record ``field`` references by ``identifier`` (None for None)."""
        if identifier is None:
            return None
        return copy.deepcopy(self._by_kind[REFERENCES[field]][identifier])

    def collect(self, field: str, value: object, prefix: str, problems: list[Problem]) -> None:
        """Keep an embedded record (an object with more than an ``id``) of ``field``'s kind.

        A bare id or ``{"id": ...}`` only refers, so it adds nothing here;
        the same id embedded twice with other contents is a problem at
        ``field`` under ``prefix``.
        """
        if not isinstance(value, Mapping) or set(value) <= {"id"}:
            return
        identifier = value.get("id")
        if not positive_int(identifier):
            return  # read_reference reports it
        known = self._by_kind[REFERENCES[field]]
        if identifier not in known:
            known[identifier] = copy.deepcopy(dict(value))
        elif known[identifier] != value:
            kind = REFERENCES[field].capitalize()
            problems.append(
                {
                    "pointer": pointer(field, prefix),
                    "detail": f"{kind} {identifier} is {quote(dict(value))} here "
                    f"but {quote(known[identifier])} before",
                }
            )

    def resolve(self, field: str, value: object) -> tuple[int | None, str | None]:
        """The id a reference names, or the problem's detail; null is None.

        >>> refs = References()
        >>> refs.resolve("effort_class", {"id": 3})
        (None, 'Effort class 3 does not exist')
        >>> print(refs.resolve("person", "Ellen")[1])
        Person 'Ellen' is not a reference (expected a positive id or {"id": ...})
        """
        if value is None:
            return None, None
        identifier = value.get("id") if isinstance(value, Mapping) else value
        if not positive_int(identifier):
            return None, (
                f"{label(field)} {quote(value)} is not a reference "
                '(expected a positive id or {"id": ...})'
            )
        if identifier not in self._by_kind[REFERENCES[field]]:
            return None, f"{label(field)} {identifier} does not exist"
        return identifier, None


def read_value(field: str, value: object, refs: References) -> tuple[Any, str | None]:
    """One field's value in the store's form, or the problem's detail.

    Texts stay texts, dates become int64 microseconds, references their ids;
    null is None (whether a field may be null is the caller's rule).

    >>> read_value("end_at", "2019-11-18T15:45:15-06:00", References())
    (1574113515000000, None)
    >>> read_value("source", "x" * 31, References())[1]
    "Source 'xxxxxxxxxxxx...xxxxxxxxxxxxx' is too long (31 characters, maximum is 30)"
    """
    if value is None:
        return None, None
    if field in REFERENCES:
        return refs.resolve(field, value)
    if field in TEXT_LIMITS:
        if not isinstance(value, str):
            return None, f"{label(field)} {quote(value)} is not a string"
        if len(value) > TEXT_LIMITS[field]:
            return None, (
                f"{label(field)} {quote(value)} is too long "
                f"({len(value)} characters, maximum is {TEXT_LIMITS[field]})"
            )
        return value, None
    if field in DATES:
        # Numbers are no dates here, though the vector form is a number.
        if isinstance(value, int | float):
            return None, f"{label(field)} {quote(value)} is not a date-time"
        try:
            return finite_date(field, value, parse_bound(value, "start"))
        except ParseError as exc:
            return None, f"{label(field)} {quote(value)} is not a date-time: {exc}"
    if field == "id":
        if not positive_int(value):
            return None, f"Id {quote(value)} is not a positive whole number"
        return value, None
    return None, f"Unknown field {quote(field)}"


def finite_date(field: str, value: object, micros: int) -> tuple[int | None, str | None]:
    """``micros``, read from ``value``, unless it is an end of the timeline (an infinity).

    >>> finite_date("end_at", "0001-01-01", NEG_INF)[1]
    "End at '0001-01-01' is an end of the timeline, not a date-time of a period"
    """
    if micros in (NEG_INF, POS_INF):
        return (
            None,
            f"{label(field)} {quote(value)} is an end of the timeline, not a date-time of a period",
        )
    return micros, None


def bulk_dates(values: list[object]) -> np.ndarray | None:
    """The int64 microseconds of many date texts parsed at once (NaT for anything else), or
    None when one of the texts is bad: each is then read, and reported, on its own.

    >>> bulk_dates(["2019-11-18T06:00:00Z", None, 5]).tolist()[:2]
    [1574056800000000, -9223372036854775808]
    >>> bulk_dates(["2019-13-01"]) is None
    True
    """
    texts = [value if isinstance(value, str) else None for value in values]
    try:
        return parse_instants(texts).view(np.int64)
    except ParseError:
        return None


def read_write(
    fields: Mapping[Any, Any],
    refs: References,
    problems: list[Problem],
    *,
    prefix: str = "",
    allowed: tuple[str, ...] = FIELDS,
    read_only: tuple[str, ...] = READ_ONLY,
    parsed: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """The values a write gives, in the store's form; each problem goes to ``problems``.

    A field outside ``allowed`` is unknown, one in ``read_only`` refused;
    whether required fields are present is checked on the whole record
    (``check_record``), since an update may leave them as they were.
    ``parsed`` holds dates already read in bulk, by field.

    >>> problems = []
    >>> read_write({"id": 4, "colour": "red"}, References(), problems)
    {}
    >>> [p["detail"] for p in problems]
    ['Id is read-only', "Unknown field 'colour'"]
    """
    values: dict[str, Any] = {}
    for field, value in fields.items():
        if not isinstance(field, str) or field not in allowed:
            problems.append(
                {"pointer": pointer(field, prefix), "detail": f"Unknown field {quote(field)}"}
            )
            continue
        if field in read_only:
            problems.append(
                {"pointer": pointer(field, prefix), "detail": f"{label(field)} is read-only"}
            )
            continue
        if parsed is not None and field in parsed:
            read, detail = finite_date(field, value, parsed[field])
        else:
            read, detail = read_value(field, value, refs)
        if detail is None:
            values[field] = read
        else:
            problems.append({"pointer": pointer(field, prefix), "detail": detail})
    return values


def check_record(
    record: Mapping[str, Any],
    problems: list[Problem],
    *,
    prefix: str = "",
    unread: frozenset[str] = frozenset(),
    required: tuple[str, ...] = REQUIRED,
) -> None:
    """The rules on a whole record: required fields present, end strictly after start.

    ``unread`` names the fields whose given value was refused (already a
    problem): they are neither missing nor compared.

    >>> problems = []
    >>> check_record({"person": 1, "start_at": 5, "end_at": 5}, problems)
    >>> problems
    [{'pointer': '/end_at', 'detail': 'End at must be after start at'}]
    """
    for field in required:
        if field not in unread and record.get(field) is None:
            problems.append(
                {"pointer": pointer(field, prefix), "detail": f"{label(field)} can't be blank"}
            )
    if unread & {"start_at", "end_at"}:
        return
    start, end = record.get("start_at"), record.get("end_at")
    if start is not None and end is not None and end <= start:
        problems.append({"pointer": pointer("end_at", prefix), "detail": END_BEFORE_START})
