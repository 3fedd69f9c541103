"""The APIs on a real server: ``periodkit serve`` in a subprocess, driven with httpx."""

from __future__ import annotations

import re
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from tests.live import TIMEOUT, Server, sample_with_absences, serving
from tests.seeds import SEED_001_VIEW, SEED_004_BODY

from periodkit.demo import load_sample


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving(tmp_path_factory.mktemp("live"), sample_with_absences()) as running:
        yield running


@pytest.fixture
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=TIMEOUT) as http:
        yield http


# One request of each API's own example.


def test_the_periods_of_a_month_and_the_actions_of_one(client: httpx.Client) -> None:
    listed = client.get("/periods", params={"start_date": "2024-08", "end_date": "2024-08-25"})
    assert listed.status_code == 200
    assert listed.headers["content-type"] == "application/json"
    assert [p["id"] for p in listed.json()["periods"]] == ["period-2024-q3", "period-sprint-33"]
    fields = quote('["department","budget"]')
    actions = client.get(f"/periods/period-sprint-33/actions?form_fields={fields}").json()
    first = actions["actions"][0]
    assert first["id"] == "7e610e23-d1f2-4f90-b5b7-3ddd7b32ad7c"
    assert first["form"] == {"department": "Safety", "budget": 1200}


def test_the_view_of_the_example_entity_is_the_documented_one(client: httpx.Client) -> None:
    response = client.get("/period/view/example-action-id")
    assert response.status_code == 200
    assert response.json() == SEED_001_VIEW


def test_an_update_is_seen_by_the_next_view(client: httpx.Client) -> None:
    body = {"periods": [{"period_id": "p-new", "start_date": "2018-01-01 00:00:00"}]}
    assert client.put("/period/update/example-office-id", json=body).json() == {"done": "true"}
    owned = client.get("/period/view/example-office-id").json()["owned"]
    assert {"p-new": "2018-01-01 00:00:00"}.items() <= {
        o["period_id"]: o["start_date"] for o in owned
    }.items()


def test_the_out_of_office_list_pages_with_link_and_pagination_headers(
    client: httpx.Client,
) -> None:
    response = client.get("/out_of_office_periods", params={"per_page": "2", "page": "2"})
    assert response.status_code == 200
    assert [r["id"] for r in response.json()] == [102, 103]  # by start_at, after 3 and 101
    headers = response.headers
    assert (
        headers["X-Pagination-Per-Page"],
        headers["X-Pagination-Current-Page"],
        headers["X-Pagination-Total-Pages"],
        headers["X-Pagination-Total-Entries"],
    ) == ("2", "2", "3", "5")
    links = {rel: url for url, rel in re.findall(r'<([^>]*)>; rel="(\w+)"', headers["Link"])}
    assert links == {
        "first": "/out_of_office_periods?per_page=2&page=1",
        "prev": "/out_of_office_periods?per_page=2&page=1",
        "next": "/out_of_office_periods?per_page=2&page=3",
        "last": "/out_of_office_periods?per_page=2&page=3",
    }


def test_an_out_of_office_period_is_created_changed_and_deleted(client: httpx.Client) -> None:
    body = {"person": 196, "start_at": "2020-01-06", "end_at": "2020-01-10", "reason": "Holidays"}
    created = client.post("/out_of_office_periods", json=body)
    assert created.status_code == 201
    new = created.json()
    assert new["reason"] == "Holidays" and new["person"]["name"] == "Ellen Brown"
    path = f"/out_of_office_periods/{new['id']}"
    assert client.patch(path, json={"reason": "Skiing"}).json()["reason"] == "Skiing"
    deleted = client.delete(path)
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert "content-type" not in deleted.headers
    assert client.get(path).status_code == 404


def test_the_actions_of_a_category_page_by_page(client: httpx.Client) -> None:
    response = client.get(
        "/auth/actions", params={"category": "SMS", "page[number]": "1", "page[size]": "10"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["data"][0]["record_type"] == "action"
    assert body["meta"]["page_number"] == 1 and body["meta"]["page_size"] == 10
    assert {a["category"] for a in body["data"]} == {"SMS"}


def test_the_activities_of_the_example_query(client: httpx.Client) -> None:
    response = client.post("/api/v2/Activities/T000027", json=SEED_004_BODY)
    assert response.status_code == 200
    answer = response.json()["responseObject"]
    assert [f["Name"] for f in answer["Fields"]] == ["Num", "Details", "Activity", "Created_Date"]
    assert [row[0] for row in answer["Data"]] == [3, 2, 1]


# An error of each API, in its own shape.


_NOT_A_DATE = (
    "start_date 'tomorrow' is not a date: 'tomorrow' is not a date or date-time such as"
    " 2019, 2019-12, 2019-12-12 or 2019-12-12T09:30"
)


@pytest.mark.parametrize(
    ("method", "path", "status", "body"),
    [
        (
            "GET",
            "/periods?start_date=tomorrow",
            400,
            {"error": {"status": 400, "title": "Bad Request", "detail": _NOT_A_DATE}},
        ),
        ("GET", "/period/view/nobody", 404, {"error": "Entity not found", "id": "nobody"}),
        (
            "GET",
            "/out_of_office_periods?per_page=0",
            400,
            {"message": "Parameter 'per_page' cannot be less than 1"},
        ),
        (
            "GET",
            "/auth/actions?page[size]=0",
            422,
            {
                "errors": [
                    {
                        "code": "10015",
                        "title": "Invalid parameter",
                        "detail": "page[size] must be a whole number from 1 to 250, not '0'.",
                        "pointer": "/page[size]",
                    }
                ]
            },
        ),
        (
            "POST",
            "/api/v2/Activities/X000001",
            404,
            {
                "success": False,
                "errorCode": 404,
                "errorText": "Requested object is of unknown class.",
                "responseObject": None,
            },
        ),
    ],
)
def test_each_api_answers_an_error_in_its_own_shape(
    client: httpx.Client, method: str, path: str, status: int, body: dict[str, object]
) -> None:
    response = client.request(method, path)
    assert (response.status_code, response.json()) == (status, body)


def test_a_wrong_method_is_a_405_naming_the_allowed_ones(client: httpx.Client) -> None:
    response = client.post("/period/view/example-action-id")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET"
    assert response.json()["error"] == "Method Not Allowed"


def test_a_body_over_a_mebibyte_is_a_413_in_the_routes_shape(client: httpx.Client) -> None:
    too_long = b'{"filters": [' + b" " * (1 << 20) + b"]}"
    response = client.post("/api/v2/Activities/T000027", content=too_long)
    assert response.status_code == 413
    assert response.json() == {
        "success": False,
        "errorCode": 413,
        "errorText": "the request body is longer than 1048576 bytes",
        "responseObject": None,
    }


def test_the_document_and_its_page_are_served(client: httpx.Client) -> None:
    assert client.get("/openapi.json").json()["openapi"] == "3.1.0"
    page = client.get("/docs")
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "<code>POST /api/v2/Activities/{oid}</code>" in page.text


def test_a_malformed_request_is_a_400_from_the_server_without_a_traceback(
    server: Server,
) -> None:
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=TIMEOUT) as raw:
        raw.sendall(b"GARBAGE \x00\x01 NOT HTTP\r\nno colon here\r\n\r\n")
        answer = raw.recv(1024)
    assert answer.startswith(b"HTTP/1.1 400 ")
    assert "Traceback" not in server.err()


def test_each_request_is_logged_with_its_status_and_duration(
    client: httpx.Client, server: Server
) -> None:
    client.get("/period/view/nobody-logged")
    # The line is written after the answer is sent: give the server a moment.
    line = re.compile(r"GET /period/view/nobody-logged 404 \d+\.\dms")
    deadline = time.monotonic() + 10
    while not line.search(server.err()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert line.search(server.err())


# The process: what it prints, how it stops, what it serves by default.


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_the_server_prints_its_url_and_stops_cleanly_on_a_signal(
    tmp_path: Path, sig: signal.Signals
) -> None:
    with serving(tmp_path) as running:
        response = httpx.get(f"{running.url}/period/view/example-action-id", timeout=TIMEOUT)
        assert response.json() == SEED_001_VIEW
        assert running.stop(sig) == 0
    assert running.stdout.read_text().splitlines() == [
        f"periodkit serving the bundled sample on {running.url}"
    ]
    assert "Traceback" not in running.err()


def test_several_workers_serve_the_dataset_file(tmp_path: Path) -> None:
    dataset = {"entities": [{"id": "only-here", "type": "OFFICE"}]}
    with serving(tmp_path, dataset, "--workers", "2") as running:
        response = httpx.get(f"{running.url}/period/view/only-here", timeout=TIMEOUT)
        assert response.json()["entity_type"] == "OFFICE"
        assert running.stop() == 0


def test_two_workers_on_one_database_see_each_others_writes(tmp_path: Path) -> None:
    db = tmp_path / "served.sqlite"
    record = {"person": 196, "start_at": "2030-01-01T00:00:00Z", "end_at": "2030-01-02T00:00:00Z"}
    path = "/out_of_office_periods"
    with serving(tmp_path, load_sample(), "--workers", "2", "--db", str(db)) as running:
        made = httpx.post(f"{running.url}{path}", json=record, timeout=TIMEOUT).json()["id"]
        one = f"{running.url}{path}/{made}"
        # Each request may reach either worker: each sees every write made before it.
        for number in range(12):
            patched = httpx.patch(one, json={"reason": f"r{number}"}, timeout=TIMEOUT)
            assert patched.status_code == 200
            assert httpx.get(one, timeout=TIMEOUT).json()["reason"] == f"r{number}"
        assert running.stop() == 0
    # A later start serves the database, with no dataset given.
    with serving(tmp_path, None, "--db", str(db)) as running:
        answer = httpx.get(f"{running.url}{path}/{made}", timeout=TIMEOUT)
        assert answer.json()["reason"] == "r11"
