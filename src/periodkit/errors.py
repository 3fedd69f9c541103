"""The exceptions periodkit raises, all below one base class.

    PeriodkitError
    ├── ArgumentError       an argument of the wrong kind or value to a periodkit call
    ├── ParseError          a value that is not an instant, span or number of the expected form
    ├── PeriodError         a period whose start lies after its end
    ├── ValidationError     a write or document with one or more problems, each located
    ├── NotFoundError       an id that names nothing
    ├── CycleError          a dependency that would close a cycle
    └── QueryError          a query that cannot be evaluated; carries where it went wrong
        ├── UnknownFieldError       names that are not fields of the schema (``names``)
        ├── FilterNotAllowedError   known fields that may not be filtered on (``names``)
        ├── OperatorError           an operator the field's type does not allow (``operator``)
        ├── BadValueError           a value that does not parse for the field's type (``value``)
        ├── SortError               a sort key or direction that is not allowed (``names``)
        ├── PagingError             an offset, limit, page or page size out of its rules (``value``)
        ├── BodyShapeError          a request body or parameter of the wrong JSON shape
        ├── InvalidPeriodIdError    a period id that is not of the form ids take
        └── InvalidFormFieldsError  a form_fields value that is not an array of names

Every message quotes the offending value and says what was expected, so that
the service facade can pass it to a caller unchanged. Values are quoted through
``quote``: instants in ISO form, anything long cut to a readable
length, so that no message grows with its input.
"""

from __future__ import annotations

import datetime as _dt
import reprlib
from collections.abc import Sequence
from typing import Any, TypedDict

#: How many characters of a value a message quotes before cutting it.
QUOTE_LIMIT = 80
#: How many problems the message of a ``ValidationError`` spells out.
SHOWN_PROBLEMS = 5


class _Quoter(reprlib.Repr):
    """reprlib with bounded depth and width, and never a failing or unbounded repr."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 3
        self.maxlist = self.maxtuple = self.maxdict = self.maxset = self.maxfrozenset = 4
        self.maxstring = self.maxother = self.maxlong = QUOTE_LIMIT

    def repr1(self, x: Any, level: int) -> str:
        if isinstance(x, _dt.date):
            text = _iso(x)
            return text if text == "NaT" else repr(text)  # pandas' NaT is a datetime too
        if isinstance(x, int) and not isinstance(x, bool) and x.bit_length() > 128:
            # repr of a huge int is slow (quadratic) or refused outright past 4,300 digits.
            return f"<an integer of about {int(x.bit_length() * 0.30103) + 1:,} digits>"
        try:
            return super().repr1(x, level)
        except Exception:  # a foreign object whose repr fails still gets named
            return f"<{type(x).__name__} object>"


def _iso(value: _dt.date) -> str:
    if not isinstance(value, _dt.datetime):
        return value.isoformat()
    try:
        text = value.isoformat()
    except Exception:  # a tzinfo that fails or returns nonsense
        text = value.replace(tzinfo=None).isoformat() + f" ({type(value.tzinfo).__name__})"
    return text[:-6] + "Z" if text.endswith("+00:00") else text


_QUOTER = _Quoter()


def quote(value: object) -> str:
    """A value as a message quotes it: a bounded repr, instants in ISO form.

    Text longer than ``QUOTE_LIMIT`` characters is cut with an ellipsis and
    its full length; containers show their first items to a bounded depth;
    nothing here can recurse without bound or fail.

    >>> quoted = quote("2019-" + "9" * 1_048_571)
    >>> quoted[:8], quoted[-26:], len(quoted) < 120
    ("'2019-99", "9…' (1,048,576 characters)", True)
    >>> import datetime
    >>> quote(datetime.datetime(2020, 5, 17, 13, tzinfo=datetime.timezone.utc))
    "'2020-05-17T13:00:00Z'"
    >>> quote([[[[[1]]]]]), quote(10**5000)
    ('[[[[...]]]]', '<an integer of about 5,001 digits>')
    >>> print(quote("it's" * 30)[-23:])
    it's…" (120 characters)

    """
    if isinstance(value, str | bytes) and len(value) > QUOTE_LIMIT:
        head = repr(value[:QUOTE_LIMIT])
        unit = "characters" if isinstance(value, str) else "bytes"
        # The ellipsis goes inside the closing quote, whichever quote repr chose.
        return f"{head[:-1]}…{head[-1]} ({len(value):,} {unit})"
    text = _QUOTER.repr(value)
    return text if len(text) <= 2 * QUOTE_LIMIT else text[: 2 * QUOTE_LIMIT] + "…"


class Problem(TypedDict):
    """One located problem of a rejected write: a JSON pointer and a detail."""

    pointer: str
    detail: str


def problem_at(index: int | None, field: str, detail: str) -> Problem:
    """The problem of one field of the record at ``index`` in a list of records.

    >>> problem_at(2, "end_date", "bad")
    {'pointer': '/2/end_date', 'detail': 'bad'}
    >>> problem_at(None, "form", "bad")["pointer"]
    '/form'
    """
    return {"pointer": f"/{field}" if index is None else f"/{index}/{field}", "detail": detail}


class PeriodkitError(Exception):
    """Base of every error periodkit raises."""


class ArgumentError(PeriodkitError, ValueError):
    """An argument of the wrong kind or value to a periodkit call.

    A caller's mistake rather than bad data: an unknown option such as
    ``dialect="xml"``, an object where a Period was expected, a position
    outside a table. ``location`` names the argument (or the part of it) when
    that helps.

    >>> raise ArgumentError("how='inside' is unknown (expected 'overlaps' or 'within')", "how")
    Traceback (most recent call last):
    ...
    periodkit.errors.ArgumentError: how='inside' is unknown (expected 'overlaps' or 'within')
    """

    def __init__(self, message: str, location: str | None = None) -> None:
        self.message = message
        self.location = location
        super().__init__(message)


class ParseError(PeriodkitError, ValueError):
    """A value that does not parse as the expected kind (instant, span, number).

    >>> raise ParseError("'2019-13-01' is not an ISO 8601 instant")
    Traceback (most recent call last):
    ...
    periodkit.errors.ParseError: '2019-13-01' is not an ISO 8601 instant
    """


class PeriodError(PeriodkitError, ValueError):
    """A period whose start lies after its end."""


class ValidationError(PeriodkitError, ValueError):
    """A rejected write; ``problems`` lists every problem found with its pointer.

    >>> err = ValidationError([{"pointer": "/periods/0/end_date", "detail": "bad"}])
    >>> err.problems[0]["pointer"]
    '/periods/0/end_date'
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        shown = "; ".join(f"{p['pointer']}: {p['detail']}" for p in self.problems[:SHOWN_PROBLEMS])
        hidden = len(self.problems) - SHOWN_PROBLEMS
        if hidden > 0:
            shown = f"{len(self.problems):,} problems, the first {SHOWN_PROBLEMS}: {shown}; …"
        super().__init__(shown or "validation failed")


class NotFoundError(PeriodkitError, LookupError):
    """An identifier that names nothing of the expected kind."""

    def __init__(self, kind: str, identifier: Any) -> None:
        self.kind = kind
        self.identifier = identifier
        super().__init__(f"{kind} {quote(identifier)} not found")


class CycleError(PeriodkitError, ValueError):
    """A dependency that would close a cycle; ``cycle`` lists the ids around it."""

    def __init__(self, cycle: Sequence[str]) -> None:
        self.cycle = list(cycle)
        super().__init__("dependency would close a cycle: " + describe_path(self.cycle))


def shorten(text: str) -> str:
    """Text as a message writes it unquoted (a name, a nested error): cut like ``quote``.

    >>> shorten("Num"), shorten("x" * 100)[-22:]
    ('Num', 'xxxx… (100 characters)')
    """
    if len(text) <= QUOTE_LIMIT:
        return text
    return f"{text[:QUOTE_LIMIT]}… ({len(text):,} characters)"


def listing(names: Sequence[str]) -> str:
    """Names joined by commas as a message lists them: the first few, then how many more.

    >>> listing(["a", "b"]), listing([str(i) for i in range(100)])
    ('a, b', '0, 1, 2, 3, 4 and 95 more')
    """
    shown = ", ".join(shorten(name) for name in names[:SHOWN_PROBLEMS])
    hidden = len(names) - SHOWN_PROBLEMS
    return f"{shown} and {hidden:,} more" if hidden > 0 else shown


def describe_path(ids: Sequence[str]) -> str:
    """Ids joined by arrows as a message quotes them: a long path shows its ends.

    >>> describe_path(["a", "b", "a"])
    'a -> b -> a'
    >>> describe_path([str(i % 10_000) for i in range(10_001)])
    '0 -> 1 -> 2 -> 3 -> … -> 9998 -> 9999 -> 0 (10,001 ids)'
    """

    def one(name: str) -> str:
        return name if isinstance(name, str) and len(name) <= QUOTE_LIMIT else quote(name)

    if len(ids) <= 2 * SHOWN_PROBLEMS:
        return " -> ".join(map(one, ids))
    head, tail = map(one, ids[:4]), map(one, ids[-3:])
    return f"{' -> '.join(head)} -> … -> {' -> '.join(tail)} ({len(ids):,} ids)"


class QueryError(PeriodkitError, ValueError):
    """A query that cannot be evaluated.

    ``location`` names where the problem is, as the grammar spells it (a query
    parameter such as ``page[size]``, or a JSON pointer such as
    ``/filters/0/value``), so that a facade can report it in its own shape.
    """

    def __init__(self, message: str, location: str | None = None) -> None:
        self.message = message
        self.location = location
        super().__init__(message)


class UnknownFieldError(QueryError):
    """Field names the schema does not know; ``names`` lists them in request order.

    >>> UnknownFieldError("Field Nmu is unknown.", "/fields/0", names=["Nmu"]).names
    ['Nmu']
    """

    def __init__(self, message: str, location: str | None = None, *, names: Sequence[str]) -> None:
        super().__init__(message, location)
        self.names = list(names)


class FilterNotAllowedError(QueryError):
    """Known fields that the grammar does not allow filtering on; ``names`` lists them.

    >>> FilterNotAllowedError("Filtering not allowed on fields: reason", "reason",
    ...                       names=["reason"]).names
    ['reason']
    """

    def __init__(self, message: str, location: str | None = None, *, names: Sequence[str]) -> None:
        super().__init__(message, location)
        self.names = list(names)


class SortError(QueryError):
    """Sort keys that are not allowed, or a direction that is not asc/desc; ``names`` lists them.

    A known field that may not be sorted on is a ``SortError``, not an ``UnknownFieldError``.

    >>> isinstance(SortError("Sorting not allowed on fields: reason", "sort", names=["reason"]),
    ...            UnknownFieldError)
    False
    """

    def __init__(self, message: str, location: str | None = None, *, names: Sequence[str]) -> None:
        super().__init__(message, location)
        self.names = list(names)


class OperatorError(QueryError):
    """An operator that the field's type does not allow; ``operator`` is as written."""

    def __init__(self, message: str, location: str | None = None, *, operator: str) -> None:
        super().__init__(message, location)
        self.operator = operator


class BadValueError(QueryError):
    """A value that does not parse for its field's type; ``value`` is as given."""

    def __init__(self, message: str, location: str | None = None, *, value: Any) -> None:
        super().__init__(message, location)
        self.value = value


class PagingError(BadValueError):
    """An offset, limit, page or page size that breaks the grammar's paging rules."""


class BodyShapeError(QueryError):
    """A request body, or one part of it, of the wrong JSON shape."""


class InvalidPeriodIdError(QueryError):
    """A period id that cannot name a period at all, as opposed to one that names none.

    >>> raise InvalidPeriodIdError("period_id 'a b' is not an id")
    Traceback (most recent call last):
    ...
    periodkit.errors.InvalidPeriodIdError: period_id 'a b' is not an id
    """

    def __init__(self, message: str) -> None:
        super().__init__(message, "period_id")


class InvalidFormFieldsError(QueryError):
    """A ``form_fields`` value that is not a JSON array of non-empty strings."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "form_fields")
