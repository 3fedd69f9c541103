"""Service.handle as a whole: routing failures, the check order, dump, clock, bugs."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from tests.service.service_data import bearer, has_error_shape, seed_dataset, team_dataset

from periodkit.errors import ValidationError
from periodkit.service import Response, Service
from periodkit.service.routes import ROUTES
from periodkit.service.routing import api_of

# One request per route: method, path with an existing id, and a body it accepts.
REQUESTS = [
    ("GET", "/periods", None),
    ("GET", "/periods/period-sprint-33/actions", None),
    ("GET", "/period/view/example-action-id", None),
    ("PUT", "/period/update/example-action-id", {"periods": []}),
    ("GET", "/auth/actions", None),
    ("GET", "/auth/actions/sms-01", None),
    ("GET", "/api/v2/Activities/T000027", None),
    ("POST", "/api/v2/Activities/T000027", {}),
    ("GET", "/out_of_office_periods", None),
    ("GET", "/out_of_office_periods/open", None),
    ("GET", "/out_of_office_periods/completed", None),
    ("GET", "/out_of_office_periods/3", None),
    (
        "POST",
        "/out_of_office_periods",
        {"person": 196, "start_at": "2020-01-01", "end_at": "2020-01-02"},
    ),
    ("PATCH", "/out_of_office_periods/3", {"reason": "Sick"}),
    ("DELETE", "/out_of_office_periods/3", None),
]


def ok(method: str, path: str) -> int:
    """The status of a route's success: a create is a 201, a delete a 204."""
    if (method, path) == ("POST", "/out_of_office_periods"):
        return 201
    return 204 if method == "DELETE" else 200


def test_every_route_is_exercised():
    assert sorted((r.method, r.pattern.split("/")[1]) for r in ROUTES) == sorted(
        (m, p.split("/")[1]) for m, p, _ in REQUESTS
    )


@pytest.mark.parametrize(("method", "path", "body"), REQUESTS)
def test_each_route_answers_with_json_ready_data(method, path, body):
    response = Service.from_dataset(seed_dataset()).handle(method, path, body=body)
    assert isinstance(response, Response)
    assert response.status == ok(method, path), response.body
    assert json.loads(json.dumps(response.body)) == response.body


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/nowhere",
        "/periods/",
        "/periods/x/actions/y",
        "/period/view",
        "/auth",
        "/api/v2/x",
        "/out_of_office_periods/",
        "/out_of_office_periods/3/x",
        "periods",
    ],
)
def test_an_unknown_path_is_a_404_in_its_apis_shape(path):
    response = Service.from_dataset(seed_dataset()).handle("GET", path)
    assert response.status == 404
    assert has_error_shape(api_of(path), response.body)


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("POST", "/periods", "GET"),
        ("DELETE", "/periods/p/actions", "GET"),
        ("PUT", "/period/view/x", "GET"),
        ("GET", "/period/update/x", "PUT"),
        ("get", "/auth/actions", "GET"),
        ("PATCH", "/auth/actions/1", "GET"),
        ("PUT", "/api/v2/Activities/T1", "GET, POST"),
    ],
)
def test_a_known_path_with_another_method_is_a_405_with_allow(method, path, allow):
    response = Service.from_dataset(team_dataset()).handle(method, path)
    assert response.status == 405
    assert response.headers["Allow"] == allow
    assert has_error_shape(api_of(path), response.body)


@pytest.mark.parametrize(("method", "path", "body"), REQUESTS)
def test_with_tokens_every_route_needs_one(method, path, body):
    service = Service.from_dataset(team_dataset())
    for headers in (None, {"Authorization": "Bearer wrong"}, {"Authorization": "Token x"}):
        response = service.handle(method, path, body=body, headers=headers)
        assert response.status == 401
        assert has_error_shape(api_of(path), response.body)
    assert service.handle(method, path, body=body, headers=bearer("all")).status == ok(method, path)


@pytest.mark.parametrize(("method", "path", "body"), REQUESTS)
def test_without_scope_a_403_except_activities_which_answer_no_data(method, path, body):
    response = Service.from_dataset(team_dataset()).handle(
        method, path, body=body, headers=bearer("none")
    )
    if api_of(path) == "activities":
        assert response.status == 200 and response.body["responseObject"]["Data"] == []
    else:
        assert response.status == 403
        assert has_error_shape(api_of(path), response.body)


def test_checks_run_in_order_route_method_token_scope():
    service = Service.from_dataset(team_dataset())
    assert service.handle("GET", "/nowhere").status == 404
    assert service.handle("POST", "/periods").status == 405
    assert service.handle("GET", "/periods/nope/actions").status == 401
    assert service.handle("GET", "/periods/nope/actions", headers=bearer("none")).status == 403
    assert service.handle("GET", "/periods/nope/actions", headers=bearer("all")).status == 404


def test_the_query_may_ride_on_the_path():
    service = Service.from_dataset(seed_dataset())
    inline = service.handle("GET", "/auth/actions?category=SMS&page[size]=1")
    assert inline.body["meta"]["total_results"] == 13


def test_dump_loads_into_a_service_that_answers_the_same():
    # One clock for both, so that their writes stamp the same instants.
    clock = lambda: dt.datetime(2024, 9, 1, tzinfo=dt.UTC)  # noqa: E731
    service = Service.from_dataset(team_dataset(), clock=clock)
    update = {
        "periods": [
            {"period_id": "example-office-period-id", "end_date": "2018-06-30"},
            {"start_date": "2016-01-01 00:00:00.5"},
        ]
    }
    assert (
        service.handle(
            "PUT", "/period/update/example-office-id", body=update, headers=bearer("all")
        ).status
        == 200
    )
    reloaded = Service.from_dataset(json.loads(json.dumps(service.dump())), clock=clock)
    for method, path, body in REQUESTS:
        for name in ("all", "other"):
            first = service.handle(method, path, body=body, headers=bearer(name))
            again = reloaded.handle(method, path, body=body, headers=bearer(name))
            assert (first.status, first.body) == (again.status, again.body)
    view = reloaded.handle("GET", "/period/view/example-office-id", headers=bearer("all")).body
    # An omitted date is that side's infinity: the first period now starts at -inf.
    assert [p["start_date"] for p in view["owned"]] == [
        "1970-01-01 00:00:00",
        "2016-01-01 00:00:00",
    ]


def test_new_period_ids_survive_a_dump():
    document = {"entities": [{"id": "a"}, {"id": "b"}]}
    service = Service.from_dataset(document)
    for entity in ("a", "b", "a"):
        body = {"periods": [{"start_date": "2020-01-01"}]}
        assert service.handle("PUT", f"/period/update/{entity}", body=body).status == 200
    reloaded = Service.from_dataset(json.loads(json.dumps(service.dump())))
    for answering in (service, reloaded):
        body = {"periods": [{"start_date": "2021-01-01"}]}
        answering.handle("PUT", "/period/update/a", body=body)
        owned = answering.handle("GET", "/period/view/a").body["owned"]
        assert [p["period_id"] for p in owned] == ["a:1", "a:2", "a:3"]


def test_from_a_path(tmp_path):
    path = tmp_path / "dataset.json"
    path.write_text(json.dumps(seed_dataset()))
    assert Service.from_dataset(path).handle("GET", "/periods").status == 200
    path.write_text("{")
    with pytest.raises(ValidationError, match="cannot read the dataset"):
        Service.from_dataset(str(path))


def test_the_service_shares_no_data_with_its_caller():
    document = seed_dataset()
    service = Service.from_dataset(document)
    document["periods"][0]["name"] = "changed"
    service.dump()["periods"][1]["name"] = "changed"
    names = [p["name"] for p in service.handle("GET", "/periods").body["periods"]]
    assert names == ["Q3 2024", "Sprint 33"]
    assert [p["name"] for p in service.dump()["periods"]] == names


def test_the_clock_is_the_services_own():
    moment = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    assert Service.from_dataset({}, clock=lambda: moment).clock() == moment
    now = Service.from_dataset({}).clock()
    assert now.tzinfo is dt.UTC


class Broken:
    """A stand-in for every part of a dataset that fails however it is used."""

    def _fail(self, *args, **kwargs):
        raise ZeroDivisionError("internal detail")

    __getattr__ = __contains__ = __getitem__ = __len__ = __iter__ = _fail


@pytest.mark.parametrize(("method", "path", "body"), REQUESTS)
def test_a_bug_is_a_500_in_the_apis_shape_and_logged(caplog, method, path, body):
    service = Service.from_dataset(seed_dataset())
    for part in (
        "periods",
        "graph",
        "actions",
        "action_rows",
        "entity_team",
        "classes",
        "out_of_office",
    ):
        setattr(service.data, part, Broken())
    response = service.handle(method, path, body=body)
    assert response.status == 500
    assert has_error_shape(api_of(path), response.body)
    assert "internal detail" not in json.dumps(response.body)
    assert "ZeroDivisionError: internal detail" in caplog.text
