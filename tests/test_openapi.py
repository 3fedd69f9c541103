"""The OpenAPI document: valid, in step with the routes, and kept by the live server.

schemathesis generates requests from the document and sends them to a real
server; every answer must be no server error and match the document (status,
content type, headers, body schema), with schemathesis' default checks but
one: ``positive_data_acceptance`` expects every schema-valid request to
succeed, and a JSON Schema cannot say which strings are dates or filters of
the 4me grammar, so such a string may rightly be a documented 400.
"""

from __future__ import annotations

from collections.abc import Iterator

import hypothesis
import pytest
import schemathesis
from openapi_spec_validator import validate
from tests.live import Server, sample_with_absences, serving

from periodkit.asgi import openapi_document
from periodkit.demo import load_sample
from periodkit.service import Service

DOCUMENT = openapi_document()


def test_the_document_is_valid_openapi_3_1() -> None:
    validate(DOCUMENT)
    assert DOCUMENT["openapi"] == "3.1.0"


def test_the_document_describes_every_route_and_nothing_else() -> None:
    routes = {(r.method, r.pattern) for r in Service.from_dataset({}).router.routes}
    documented = {
        (method.upper(), path)
        for path, operations in DOCUMENT["paths"].items()
        for method in operations
    }
    assert documented == routes


def test_every_operation_lists_its_errors_and_a_success() -> None:
    for path, operations in DOCUMENT["paths"].items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            assert {"401"} <= statuses, (method, path)
            assert any(s.startswith("2") for s in statuses), (method, path)
            if "requestBody" in operation:
                assert "413" in statuses, (method, path)


def test_the_examples_of_the_document_are_the_services_answers() -> None:
    service = Service.from_dataset(load_sample())
    view = service.handle("GET", "/period/view/example-missing-id")
    documented = DOCUMENT["components"]["responses"]["EntityNotFound"]
    assert view.body == documented["content"]["application/json"]["example"]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving(tmp_path_factory.mktemp("fuzzed"), sample_with_absences()) as running:
        yield running


# The document the server serves is the packaged one (tests/test_http.py checks it).
schema = schemathesis.openapi.from_dict(DOCUMENT)


@schema.parametrize()
@hypothesis.settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    derandomize=True,
    database=None,
)
def test_the_server_keeps_its_document(case: schemathesis.Case, live: Server) -> None:
    case.call_and_validate(
        base_url=live.url, excluded_checks=[schemathesis.checks.positive_data_acceptance]
    )


def test_no_traceback_reached_the_fuzzed_servers_log(live: Server) -> None:
    assert "Traceback" not in live.err()
