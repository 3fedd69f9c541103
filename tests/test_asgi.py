"""The ASGI adapter in process: what it passes to ``Service.handle`` and how it writes answers."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any

import httpx
import pytest
from tests.seeds import SEED_001_VIEW

from periodkit.asgi import App, create_app, docs_page, openapi_document
from periodkit.demo import load_sample
from periodkit.service import Response, Service


def _client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


def _request(app: Any, method: str, url: str, **kwargs: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        async with _client(app) as client:
            return await client.request(method, url, **kwargs)

    return asyncio.run(go())


SAMPLE = App(Service.from_dataset(load_sample()))


def test_the_example_view_is_json_with_its_length() -> None:
    response = _request(SAMPLE, "GET", "/period/view/example-action-id")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert int(response.headers["content-length"]) == len(response.content)
    assert response.json() == SEED_001_VIEW


def test_an_escaped_slash_stays_inside_its_segment() -> None:
    app = App(Service.from_dataset({"entities": [{"id": "a/b", "type": "OFFICE"}]}))
    assert _request(app, "GET", "/period/view/a%2Fb").json()["entity_type"] == "OFFICE"
    assert _request(app, "GET", "/period/view/a/b").status_code == 404


def test_a_path_without_its_raw_form_is_escaped_again() -> None:
    seen: list[str] = []

    class Recorder:
        def handle(self, method: str, path: str, *args: Any) -> Response:
            seen.append(path)
            return Response(200, {})

    async def call() -> None:
        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b""}

        async def send(message: dict[str, Any]) -> None:
            pass

        scope = {"type": "http", "method": "GET", "path": "/period/view/a?b%c é", "headers": []}
        await App(Recorder())(scope, receive, send)  # type: ignore[arg-type]

    asyncio.run(call())
    assert seen == ["/period/view/a%3Fb%25c%20%C3%A9"]


def test_query_headers_and_body_reach_the_service() -> None:
    dataset = {
        "activity_classes": [{"name": "Ticket", "prefix": "T", "fields": {"Num": "int"}}],
        "activities": [{"oid": "T1", "Num": 1}, {"oid": "T1", "Num": 2}],
        "tokens": [{"token": "k", "scopes": ["*"]}],
    }
    app = App(Service.from_dataset(dataset))
    url = "/api/v2/Activities/T1"
    assert _request(app, "GET", url).status_code == 401
    auth = {"Authorization": "Bearer k"}
    form = _request(app, "GET", url, params={"par_sort_desc": "Num"}, headers=auth)
    assert form.json()["responseObject"]["Data"] == [[2], [1]]
    body = _request(app, "POST", url, json={"limit": 1}, headers=auth)
    assert body.json()["responseObject"]["Data"] == [[1]]


def test_a_wrong_method_names_the_allowed_ones() -> None:
    response = _request(SAMPLE, "DELETE", "/period/view/example-action-id")
    assert (response.status_code, response.headers["allow"]) == (405, "GET")


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (
            "/period/update/example-action-id",
            {"error": "Payload Too Large", "detail": "the request body is longer than 8 bytes"},
        ),
        (
            "/api/v2/Activities/T000027",
            {
                "success": False,
                "errorCode": 413,
                "errorText": "the request body is longer than 8 bytes",
                "responseObject": None,
            },
        ),
        ("/out_of_office_periods", {"message": "Payload Too Large"}),
    ],
)
def test_a_body_over_the_limit_is_a_413_in_the_routes_shape(path: str, body: Any) -> None:
    app = App(Service.from_dataset(load_sample()), max_body=8)
    response = _request(app, "POST" if "Activities" in path else "PUT", path, content=b"{} " * 3)
    assert (response.status_code, response.json()) == (413, body)


def test_a_body_at_the_limit_is_read() -> None:
    app = App(Service.from_dataset(load_sample()), max_body=9)
    response = _request(app, "POST", "/api/v2/Activities/T000027", content=b"{}       ")
    assert response.status_code == 200


def test_a_body_sent_in_chunks_over_the_limit_is_a_413_without_a_length() -> None:
    app = App(Service.from_dataset(load_sample()), max_body=8)

    async def chunks() -> Any:
        for _ in range(3):
            yield b"{}   "

    response = _request(app, "POST", "/api/v2/Activities/T000027", content=chunks())
    assert response.status_code == 413


class Fixed:
    """A stand-in service answering every request with one response."""

    def __init__(self, response: Response) -> None:
        self.response = response

    def handle(self, *args: Any) -> Response:
        return self.response


def test_no_content_has_no_body_and_no_type() -> None:
    app = App(Fixed(Response(204, None, {"X-Thing": "1"})))  # type: ignore[arg-type]
    response = _request(app, "DELETE", "/out_of_office_periods/3")
    assert (response.status_code, response.content) == (204, b"")
    assert "content-type" not in response.headers and response.headers["x-thing"] == "1"


@pytest.mark.parametrize("body", [{"x": float("nan")}, {"x": object()}])
def test_an_answer_json_cannot_carry_is_a_500_in_the_apis_shape(
    body: Any, caplog: pytest.LogCaptureFixture
) -> None:
    app = App(Fixed(Response(200, body)))  # type: ignore[arg-type]
    response = _request(app, "GET", "/period/view/x")
    assert response.status_code == 500
    assert response.json() == {
        "error": "Internal Server Error",
        "detail": "the service failed to answer this request",
    }
    assert "periodkit failed to write an answer to /period/view/x" in caplog.text


def test_the_document_and_its_page_are_served() -> None:
    assert _request(SAMPLE, "GET", "/openapi.json").json() == openapi_document()
    page = _request(SAMPLE, "GET", "/docs")
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.text == docs_page(openapi_document())
    for path, operations in openapi_document()["paths"].items():
        for method in operations:
            assert f"<code>{method.upper()} {path}</code>" in page.text
    refused = _request(SAMPLE, "POST", "/docs")
    assert (refused.status_code, refused.headers["allow"]) == (405, "GET")


def test_each_request_is_logged_with_its_status_and_milliseconds(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="periodkit.asgi"):
        _request(SAMPLE, "GET", "/periods?start_date=2024")
    assert re.fullmatch(r"GET /periods\?start_date=2024 200 \d+\.\dms", caplog.messages[-1])


def test_lifespan_events_are_acknowledged() -> None:
    incoming = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return incoming.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(SAMPLE({"type": "lifespan"}, receive, send))  # type: ignore[arg-type]
    assert sent == [{"type": "lifespan.startup.complete"}, {"type": "lifespan.shutdown.complete"}]


def test_the_factory_serves_the_file_the_environment_names(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "data.json"
    path.write_text(json.dumps({"entities": [{"id": "only", "type": "OFFICE"}]}))
    monkeypatch.setenv("PERIODKIT_DATA", str(path))
    assert create_app().service.handle("GET", "/period/view/only").status == 200
    monkeypatch.delenv("PERIODKIT_DATA")
    assert create_app().service.handle("GET", "/period/view/example-action-id").status == 200
