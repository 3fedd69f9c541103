"""The error table: every error class answered in every API's shape."""

from __future__ import annotations

import pytest
from tests.service.service_data import has_error_shape

from periodkit.errors import (
    BodyShapeError,
    CycleError,
    InvalidFormFieldsError,
    InvalidPeriodIdError,
    NotFoundError,
    PagingError,
    ParseError,
    PeriodError,
    UnknownFieldError,
    ValidationError,
)
from periodkit.service.errors import (
    RULES,
    ForbiddenError,
    MethodNotAllowedError,
    RequestTooLargeError,
    RouteNotFoundError,
    UnauthorizedError,
    UnknownClassError,
    UnknownObjectError,
    error_body,
    failure,
)

APIS = ["periods", "entities", "out_of_office", "actions", "activities"]
ERRORS = [
    RouteNotFoundError("/x"),
    MethodNotAllowedError("PUT", "/x", ["GET"]),
    UnauthorizedError("no token"),
    ForbiddenError("no scope"),
    RequestTooLargeError(1024),
    InvalidPeriodIdError("period_id 'a b' is not an id"),
    InvalidFormFieldsError("form_fields 1 is not an array"),
    NotFoundError("entity", "e1"),
    UnknownClassError("X1"),
    UnknownObjectError("T9"),
    ValidationError([{"pointer": "/periods/0/end_date", "detail": "bad"}]),
    BodyShapeError("The body is not JSON.", ""),
    UnknownFieldError("Field Nmu is unknown.", "/fields/0", names=["Nmu"]),
    PagingError("page[size] must be ...", "/page[size]", value="0"),
    ParseError("'x' is not an instant"),
    PeriodError("start after end"),
    CycleError(["a", "b", "a"]),
    ZeroDivisionError("bug"),
]


@pytest.mark.parametrize("api", APIS)
@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
def test_every_error_in_every_apis_shape(api, error):
    fail = failure(error, api)
    assert fail.status in (400, 401, 403, 404, 405, 413, 422, 500)
    assert has_error_shape(api, error_body(api, fail))


def test_every_rule_is_exercised():
    assert set(RULES) <= {cls for e in ERRORS for cls in type(e).__mro__} | {Exception}


@pytest.mark.parametrize(
    ("error", "api", "status", "title"),
    [
        (InvalidPeriodIdError("x"), "periods", 400, "Invalid period_id"),
        (NotFoundError("period", "1"), "periods", 404, "Period Not Found"),
        (InvalidFormFieldsError("x"), "periods", 400, "Invalid form_fields"),
        (UnauthorizedError("x"), "periods", 401, "Unauthorized"),
        (ForbiddenError("x"), "periods", 403, "Forbidden"),
        (PagingError("x", "/page[size]", value="0"), "actions", 422, "Invalid parameter"),
        (ValidationError([]), "out_of_office", 422, "Validation Failed"),
    ],
)
def test_statuses_and_titles(error, api, status, title):
    fail = failure(error, api)
    assert (fail.status, fail.title) == (status, title)


def test_the_seeds_own_bodies():
    assert error_body("entities", failure(NotFoundError("entity", "e1"), "entities")) == {
        "error": "Entity not found",
        "id": "e1",
    }
    problems = [{"pointer": "/periods/0/end_date", "detail": "bad"}]
    assert error_body("entities", failure(ValidationError(problems), "entities")) == {
        "done": "false",
        "errors": problems,
    }
    assert error_body(
        "actions", failure(PagingError("bad", "/page[size]", value="0"), "actions")
    ) == {
        "errors": [
            {
                "code": "10015",
                "title": "Invalid parameter",
                "detail": "bad",
                "pointer": "/page[size]",
            }
        ]
    }
    assert error_body("activities", failure(UnauthorizedError("x"), "activities")) == {
        "success": False,
        "errorCode": 401,
        "errorText": "Authorization has been denied for this request.",
        "responseObject": None,
    }
    assert failure(UnknownObjectError("T9"), "activities").detail == "Object T9 not found."


def test_a_bug_tells_the_caller_nothing_of_its_internals():
    fail = failure(ZeroDivisionError("secret"), "periods")
    assert fail.status == 500 and "secret" not in fail.detail
