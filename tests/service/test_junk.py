"""Junk thrown at Service.handle: never a 5xx, never an exception, always the API's shape."""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from tests.service.service_data import TOKENS, bearer, has_error_shape, team_dataset

from periodkit.service import Service
from periodkit.service.routes import ROUTES
from periodkit.service.routing import api_of

SERVICES = {
    "open": Service.from_dataset({k: v for k, v in team_dataset().items() if k != "tokens"}),
    "tokens": Service.from_dataset(team_dataset()),
}
BEFORE = {name: json.dumps(service.dump()) for name, service in SERVICES.items()}
BIG = "x" * 2**20

ids = st.sampled_from(
    [
        "period-sprint-33",
        "example-action-id",
        "other-office",
        "sms-01",
        "T000027",
        "PRB001",
        "3",
        "4",
        "open",
        "X1",
        "0",
        "-1",
        "99999999999999999999999",
        "%FF%FE",
        "%2F",
        "%00",
        "a%20b",
        "%",
        "%E2%82",
        "\u00e9",
        "..",
        "",
    ]
) | st.text(max_size=12)
prefixes = st.sampled_from(
    [
        "/periods",
        "/periods/{}/actions",
        "/period/view/{}",
        "/period/update/{}",
        "/auth/actions",
        "/auth/actions/{}",
        "/api/v2/Activities/{}",
        "/out_of_office_periods",
        "/out_of_office_periods/{}",
        "/{}",
        "/{}/{}",
        "{}",
    ]
)
methods = st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "get", ""])
# Mostly a route's own method and path, so that junk reaches the routes' parsers.
ROUTE_TARGETS = [(r.method, re.sub(r"\{[^}]*\}", "{}", r.pattern)) for r in ROUTES]
targets = st.sampled_from([*ROUTE_TARGETS * 3, None]).flatmap(
    lambda target: st.just(target) if target else st.tuples(methods, prefixes)
)
requests = st.builds(lambda t, a, b: (t[0], t[1].format(a, b)), targets, ids, ids)
names = st.sampled_from(
    [
        "start_date",
        "end_date",
        "form_fields",
        "category",
        "page[number]",
        "page[size]",
        "par_fields",
        "par_sort_desc",
        "par_sort_asc",
        "par_offset",
        "par_limit",
        "Num",
        "Created_Date",
        "Activity",
        "colour",
        "fields",
        "sort",
        "page",
        "per_page",
        "id",
        "person",
        "source",
        "sourceID",
        "start_at",
        "end_at",
        "reason",
    ]
) | st.text(max_size=8)
numbers = st.sampled_from(["-1", "0", "1e400", "2.5", "9" * 40, "-9" * 30, "NaN", "1.0", "3"])
values = (
    numbers
    | st.sampled_from(["2024-13-01", "2019-12", "%5B%22a%22%5D", '["a"]', "[1]", "%ZZ", BIG, ""])
    | st.sampled_from(
        [">=2019-11", "!", "!<3", "1,,2", ">2019<", "-start_at,id", "person,x", "!a,b"]
    )
    | st.text(max_size=10)
)
queries = (
    st.none()
    | st.lists(st.tuples(names, values), max_size=4).map(
        lambda ps: "&".join(f"{n}={v}" for n, v in ps)
    )
    | st.dictionaries(names, values | st.lists(values, max_size=3), max_size=4)
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False)
    | st.text(max_size=8)
    | names,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(names, inner, max_size=3),
    max_leaves=12,
)
shaped = st.fixed_dictionaries(
    {},
    optional={
        "periods": st.lists(
            st.dictionaries(
                st.sampled_from(["period_id", "start_date", "end_date", "data", "x"]),
                json_values | st.sampled_from(["2019-01-01", "1970-01-01 00:00:00", "2019-13-01"]),
            ),
            max_size=3,
        )
        | json_values,
        "filters": st.lists(
            st.fixed_dictionaries(
                {
                    "name": names,
                    "value": json_values | numbers,
                    "operation": st.sampled_from(["=", "<>", ">", "<=", "like", ""]),
                }
            ),
            max_size=2,
        )
        | json_values,
        "sort": json_values,
        "fields": st.lists(names, max_size=3) | json_values,
        "offset": json_values | numbers,
        "limit": json_values | numbers,
    },
)
# Out-of-office writes: mostly the record's own fields, with values good and bad.
dates = st.sampled_from(["2019-11-18T06:00:00Z", "2019-11-19", "0001-01-01", "2019-13-01", ""])
written = st.fixed_dictionaries(
    {},
    optional={
        "person": st.sampled_from([196, {"id": 196}, 7, {"id": None}, -1, 2**70]) | json_values,
        "start_at": dates | json_values,
        "end_at": dates | json_values,
        "reason": st.sampled_from(["x" * 81, "Sick"]) | json_values,
        "sourceID": st.sampled_from(["x" * 129, "\udc80"]) | json_values,
        "time_allocation": st.sampled_from([2, {"id": 2, "name": "x"}]) | json_values,
        "effort_class": json_values,
        "approval_delegate": json_values,
        "id": json_values,
        "updated_at": dates,
        "colour": json_values,
    },
)
bodies = (
    json_values
    | shaped
    | written
    | written.map(json.dumps)
    | shaped.map(json.dumps)
    | shaped.map(lambda b: json.dumps(b).encode())
    | st.binary(max_size=20)
    | st.sampled_from([b"\xff\xfe{}", "{", "[" * 5000, '{"a": NaN}', BIG, BIG.encode()])
)
header_sets = st.sampled_from(
    [None, {"Authorization": "Bearer nope"}, {"Authorization": "Basic %%%"}, *map(bearer, TOKENS)]
) | st.sampled_from([bearer("all"), bearer("read")])


# One test covers every route, so it draws more than the profile's default,
# and the thorough profile's count when that is higher.
@settings(
    max_examples=max(300, settings.default.max_examples),
    suppress_health_check=[HealthCheck.too_slow],
    deadline=None,
)
@given(st.sampled_from(sorted(SERVICES)), requests, queries, bodies, header_sets)
@example("open", ("PUT", "/period/update/example-action-id"), None, {"periods": [{"x": 1}]}, None)
@example("tokens", ("POST", "/api/v2/Activities/T000027"), "a=%FF", b"\xff", bearer("all"))
@example("open", ("GET", "/auth/actions"), {"page[size]": "1e400"}, None, None)
@example("tokens", ("PATCH", "/out_of_office_periods/3"), None, {"end_at": "2019-01-01"}, None)
@example("open", ("PATCH", "/out_of_office_periods/3"), None, {"end_at": "2019-01-01"}, None)
@example("open", ("POST", "/out_of_office_periods"), "page=1", {"person": 196}, None)
@example("open", ("DELETE", "/out_of_office_periods/4"), None, "{", None)
@example("open", ("GET", "/out_of_office_periods/open"), {"per_page": "9" * 40}, None, None)
def test_junk_is_answered_in_the_apis_shape(name, request, query, body, headers):
    method, path = request
    service = SERVICES[name]
    response = service.handle(method, path, query, body, headers)
    event(f"{api_of(path)} {response.status}")
    assert response.status < 500, response.body
    json.dumps(response.body)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in response.headers.items())
    if response.status >= 400:
        assert has_error_shape(api_of(path), response.body), response.body
        assert json.dumps(service.dump()) == BEFORE[name]
    elif response.status < 300 and method in ("PUT", "POST", "PATCH", "DELETE"):
        # An accepted write (or a read by POST): put the service back as it was.
        SERVICES[name] = Service.from_dataset(json.loads(BEFORE[name]))
