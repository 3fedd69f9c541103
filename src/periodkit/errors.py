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
the service facade can pass it to a caller unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypedDict


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
        summary = "; ".join(f"{p['pointer']}: {p['detail']}" for p in self.problems)
        super().__init__(summary or "validation failed")


class NotFoundError(PeriodkitError, LookupError):
    """An identifier that names nothing of the expected kind."""

    def __init__(self, kind: str, identifier: Any) -> None:
        self.kind = kind
        self.identifier = identifier
        super().__init__(f"{kind} {identifier!r} not found")


class CycleError(PeriodkitError, ValueError):
    """A dependency that would close a cycle; ``cycle`` lists the ids around it."""

    def __init__(self, cycle: Sequence[str]) -> None:
        self.cycle = list(cycle)
        super().__init__("dependency would close a cycle: " + " -> ".join(self.cycle))


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
