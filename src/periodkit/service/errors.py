"""Every failure of a request, and the one table that turns it into each API's answer.

The domain raises ``PeriodkitError`` subclasses; the facade adds its own for
what only a request can get wrong (no route, wrong method, no or unknown
token, missing scope). ``failure`` looks the error's class up in ``RULES``
(most specific class first) for its status and title, and ``error_body``
renders the result in the shape of the API the path belongs to:

    periods        {"error": {"status", "title", "detail"}}
    entities       {"error": "Entity not found", "id": ...}; for a rejected write
                   {"done": "false", "errors": [{"pointer", "detail"}]}; else
                   {"error": title, "detail": ...}
    out_of_office  {"message": ...}
    actions        {"errors": [{"code", "title", "detail", "pointer"}]}
    activities     {"success": false, "errorCode", "errorText", "responseObject": null}

No route builds an error body itself.

>>> error_body("actions", failure(UnauthorizedError("no Authorization header"), "actions"))
{'errors': [{'code': '10009', 'title': 'Authentication failed', \
'detail': 'no Authorization header', 'pointer': ''}]}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from periodkit.errors import (
    BodyShapeError,
    CycleError,
    InvalidFormFieldsError,
    InvalidPeriodIdError,
    NotFoundError,
    ParseError,
    PeriodError,
    PeriodkitError,
    Problem,
    QueryError,
    ValidationError,
    quote,
)

#: The APIs the service answers, one per group of routes.
Api = Literal["periods", "entities", "out_of_office", "actions", "activities"]


class RequestError(PeriodkitError):
    """A request the facade refuses before any domain code runs."""


class RouteNotFoundError(RequestError):
    """No route has this path."""

    def __init__(self, path: str) -> None:
        super().__init__(f"no route for path {quote(path)}")


class MethodNotAllowedError(RequestError):
    """The path is a route, but not for this method; ``allow`` lists the methods it takes."""

    def __init__(self, method: str, path: str, allow: Sequence[str]) -> None:
        self.allow = list(allow)
        allowed = ", ".join(self.allow)
        super().__init__(
            f"method {quote(method)} is not allowed on {quote(path)} (allowed: {allowed})"
        )


class UnauthorizedError(RequestError):
    """No token, a malformed Authorization header, or a token the dataset does not hold."""


class ForbiddenError(RequestError):
    """A known token whose scopes do not cover the request."""


class RequestTooLargeError(RequestError):
    """A request body longer than the server accepts.

    >>> str(RequestTooLargeError(1048576))
    'the request body is longer than 1048576 bytes'
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"the request body is longer than {limit} bytes")


class UnknownClassError(NotFoundError):
    """An object identifier whose letters name no class of objects."""

    def __init__(self, oid: str) -> None:
        super().__init__("class of object", oid)

    def __str__(self) -> str:
        return "Requested object is of unknown class."


class UnknownObjectError(NotFoundError):
    """An object identifier of a known class that names no object.

    >>> str(UnknownObjectError("T000099"))
    'Object T000099 not found.'
    """

    def __init__(self, oid: str) -> None:
        super().__init__("object", oid)

    def __str__(self) -> str:
        return f"Object {self.identifier} not found."


@dataclass(frozen=True)
class Rule:
    """How one error class is answered: its status and title, and per-API exceptions."""

    status: int
    title: str
    #: The actions API's application error code.
    code: str = "10015"
    #: Status and title where an API answers differently.
    per_api: dict[str, tuple[int, str]] = field(default_factory=dict)


#: The one table. Looked up along the error's class hierarchy, most specific first.
RULES: dict[type[BaseException], Rule] = {
    RouteNotFoundError: Rule(404, "Not Found", "10005"),
    MethodNotAllowedError: Rule(405, "Method Not Allowed"),
    UnauthorizedError: Rule(
        401,
        "Unauthorized",
        "10009",
        {"actions": (401, "Authentication failed")},
    ),
    ForbiddenError: Rule(403, "Forbidden", "10010", {"actions": (403, "Authorization failed")}),
    RequestTooLargeError: Rule(413, "Payload Too Large"),
    InvalidPeriodIdError: Rule(400, "Invalid period_id"),
    InvalidFormFieldsError: Rule(400, "Invalid form_fields"),
    NotFoundError: Rule(
        404,
        "Not Found",
        "10005",
        {
            "periods": (404, "Period Not Found"),
            "entities": (404, "Entity not found"),
            "actions": (404, "Resource not found"),
        },
    ),
    ValidationError: Rule(
        400, "Bad Request", per_api={"out_of_office": (422, "Validation Failed")}
    ),
    BodyShapeError: Rule(400, "Bad Request", per_api={"actions": (422, "Invalid parameter")}),
    QueryError: Rule(400, "Bad Request", per_api={"actions": (422, "Invalid parameter")}),
    ParseError: Rule(400, "Bad Request", per_api={"actions": (422, "Invalid parameter")}),
    PeriodError: Rule(400, "Bad Request", per_api={"actions": (422, "Invalid parameter")}),
    CycleError: Rule(400, "Bad Request", per_api={"actions": (422, "Invalid parameter")}),
    PeriodkitError: Rule(400, "Bad Request", per_api={"actions": (422, "Invalid parameter")}),
    # Not a periodkit error: a bug. Answered in the API's shape, never as a traceback.
    Exception: Rule(500, "Internal Server Error", "10000"),
}

#: The activities API's own messages for these failures.
_ACTIVITIES_TEXT: dict[type[BaseException], str] = {
    UnauthorizedError: "Authorization has been denied for this request.",
    ForbiddenError: "You do not have enough permissions to access this item.",
}


@dataclass(frozen=True)
class Failure:
    """An error answer before it takes an API's shape."""

    status: int
    title: str
    detail: str
    code: str
    pointer: str
    problems: list[Problem]
    error: BaseException


def _rule(error: BaseException) -> Rule:
    for kind in type(error).__mro__:
        if kind in RULES:
            return RULES[kind]
    return RULES[Exception]


def failure(error: BaseException, api: Api) -> Failure:
    """The status, title, detail and located problems of ``error`` for ``api``.

    >>> f = failure(NotFoundError("period", "42"), "periods")
    >>> f.status, f.title, f.detail
    (404, 'Period Not Found', "period '42' not found")
    """
    rule = _rule(error)
    status, title = rule.per_api.get(api, (rule.status, rule.title))
    detail = _ACTIVITIES_TEXT.get(type(error), str(error)) if api == "activities" else str(error)
    if isinstance(error, ValidationError):
        problems = list(error.problems)
    elif isinstance(error, QueryError):
        problems = [{"pointer": _pointer(error.location), "detail": error.message}]
    else:
        problems = []
    if rule is RULES[Exception]:
        # A bug's message may hold internals; the caller learns only that it failed.
        detail = "the service failed to answer this request"
    pointer = problems[0]["pointer"] if problems else ""
    return Failure(status, title, detail, rule.code, pointer, problems, error)


def _pointer(location: str | None) -> str:
    """A grammar's location as a JSON pointer: parameters become ``/name``."""
    if not location:
        return ""
    return location if location.startswith("/") else f"/{location}"


def _field_of(pointer: str) -> str:
    """The field a problem's pointer ends at, unescaped (RFC 6901).

    >>> _field_of("/a~1b"), _field_of("/0/end_at")
    ('a/b', 'end_at')
    """
    return pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")


def error_body(api: Api, fail: Failure) -> dict[str, Any]:
    """``fail`` in the error shape of ``api`` (see the module docstring).

    >>> missing = RouteNotFoundError("/api/v2/x")
    >>> error_body("activities", failure(missing, "activities"))["errorCode"]
    404
    """
    if api == "periods":
        return {"error": {"status": fail.status, "title": fail.title, "detail": fail.detail}}
    if api == "entities":
        if isinstance(fail.error, NotFoundError) and fail.error.kind == "entity":
            return {"error": fail.title, "id": fail.error.identifier}
        if isinstance(fail.error, ValidationError):
            return {"done": "false", "errors": fail.problems}
        return {"error": fail.title, "detail": fail.detail}
    if api == "out_of_office":
        if fail.status == 422 and fail.problems:
            pairs = [[_field_of(p["pointer"]), p["detail"]] for p in fail.problems]
            return {"message": fail.title, "errors": pairs}
        return {"message": fail.detail if fail.status == 400 else fail.title}
    if api == "actions":
        problems = fail.problems or [{"pointer": fail.pointer, "detail": fail.detail}]
        return {
            "errors": [
                {
                    "code": fail.code,
                    "title": fail.title,
                    "detail": p["detail"],
                    "pointer": p["pointer"],
                }
                for p in problems
            ]
        }
    return {
        "success": False,
        "errorCode": fail.status,
        "errorText": fail.detail,
        "responseObject": None,
    }
