"""GET and POST /api/v2/Activities/{oid} through Service.handle."""

from __future__ import annotations

import json

import pytest
from tests.seeds import SEED_004_BODY
from tests.service.service_data import bearer, has_error_shape, seed_dataset, team_dataset

from periodkit.service import Service

SEED_004_FIELDS = [
    {"Name": "Num", "DataType": "int"},
    {"Name": "Details", "DataType": "memo"},
    {"Name": "Activity", "DataType": "memo"},
    {"Name": "Created_Date", "DataType": "datetime"},
]
SEED_004_DATA = [
    [3, "", "Due Date Violation", "2019-12-12T09:30:25-08:00"],
    [2, "", "Response Date Violation", "2019-12-12T09:30:06-08:00"],
    [1, "", "New Technical Issue was created", "2019-12-07T17:23:51-08:00"],
]


@pytest.fixture(scope="module")
def service() -> Service:
    return Service.from_dataset(seed_dataset())


def test_the_seed_example(service):
    response = service.handle("POST", "/api/v2/Activities/T000027", body=SEED_004_BODY)
    assert response.status == 200
    assert response.body == {
        "success": True,
        "errorCode": 0,
        "errorText": "",
        "responseObject": {"Fields": SEED_004_FIELDS, "Data": SEED_004_DATA},
    }


def test_the_get_form_means_the_same_query(service):
    query = "par_fields=Num,Details,Activity,Created_Date&par_sort_desc=Num&Created_Date=2019-12"
    got = service.handle("GET", "/api/v2/Activities/T000027", query)
    posted = service.handle("POST", "/api/v2/Activities/T000027", body=json.dumps(SEED_004_BODY))
    assert got.body == posted.body


def test_no_body_is_every_activity_in_every_field(service):
    body = service.handle("POST", "/api/v2/Activities/T000027").body["responseObject"]
    assert [f["Name"] for f in body["Fields"]] == ["Num", "Details", "Activity", "Created_Date"]
    assert [row[0] for row in body["Data"]] == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("oid", "body", "status", "text"),
    [
        ("X000001", None, 404, "Requested object is of unknown class."),
        ("T000099", None, 404, "Object T000099 not found."),
        ("T000027", {"fields": ["Nmu"]}, 400, "Field Nmu is unknown."),
        ("T000027", {"colour": 1}, 400, "'colour'"),
        ("T000027", "[1]", 400, "[1]"),
        ("T000027", b"{bad", 400, "not a JSON document"),
        ("T000027", {"limit": -1}, 400, "-1"),
    ],
)
def test_errors_in_the_envelope(service, oid, body, status, text):
    response = service.handle("POST", f"/api/v2/Activities/{oid}", body=body)
    assert response.status == status
    assert has_error_shape("activities", response.body)
    assert text in response.body["errorText"]


def test_tokens_without_the_class_scope_get_no_data():
    service = Service.from_dataset(team_dataset())
    denied = service.handle("POST", "/api/v2/Activities/T000027")
    assert denied.status == 401
    assert denied.body["errorText"] == "Authorization has been denied for this request."
    for token, oid in (("none", "T000027"), ("read", "PRB001")):
        response = service.handle("POST", f"/api/v2/Activities/{oid}", headers=bearer(token))
        assert response.status == 200
        assert response.body["success"] is True
        assert response.body["responseObject"]["Data"] == []
        assert response.body["responseObject"]["Fields"]
    allowed = service.handle(
        "POST", "/api/v2/Activities/T000027", body=SEED_004_BODY, headers=bearer("read")
    )
    assert allowed.body["responseObject"]["Data"] == SEED_004_DATA
