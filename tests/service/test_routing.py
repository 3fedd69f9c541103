"""The route table, path decoding and query parameters."""

from __future__ import annotations

import pytest

from periodkit.errors import BodyShapeError
from periodkit.service.errors import MethodNotAllowedError, RouteNotFoundError
from periodkit.service.routes import ROUTES
from periodkit.service.routing import Route, Router, api_of, headers_of, params_of

ROUTER = Router(ROUTES)


@pytest.mark.parametrize(
    ("path", "args"),
    [
        ("/periods/a%2Fb/actions", {"period_id": "a/b"}),
        ("/period/view/%E2%82%AC", {"id": "\u20ac"}),
        ("/period/view/%FF", {"id": "\ufffd"}),
        ("/auth/actions/a%20b", {"id": "a b"}),
        ("/api/v2/Activities/T000027", {"oid": "T000027"}),
    ],
)
def test_segments_are_split_before_they_are_decoded(path, args):
    assert ROUTER.resolve("PUT" if "update" in path else "GET", path)[1] == args


@pytest.mark.parametrize(
    "path", ["", "periods", "/periods/", "//periods", "/periods//actions", "/auth/actions/a/b"]
)
def test_paths_no_route_has(path):
    with pytest.raises(RouteNotFoundError):
        ROUTER.resolve("GET", path)


def test_methods_are_matched_exactly_and_405_lists_the_others():
    with pytest.raises(MethodNotAllowedError) as caught:
        ROUTER.resolve("get", "/api/v2/Activities/T1")
    assert caught.value.allow == ["GET", "POST"]


def test_a_path_a_route_names_word_for_word_is_not_an_argument_of_another():
    # Found by schemathesis: OPTIONS /x/open advertised the methods of /x/{id} in Allow.
    answer = lambda request: None  # noqa: E731
    router = Router(
        [Route("GET", "/x/open", "x", None, answer), Route("PATCH", "/x/{id}", "x", None, answer)]
    )  # type: ignore[arg-type]
    with pytest.raises(MethodNotAllowedError) as caught:
        router.resolve("PATCH", "/x/open")
    assert caught.value.allow == ["GET"]
    assert router.resolve("PATCH", "/x/7")[1] == {"id": "7"}


def test_every_api_has_its_prefix():
    assert {route.api for route in ROUTES} | {"out_of_office"} == {
        api_of(path)
        for path in ("/periods", "/period/x", "/out_of_office_periods", "/auth/x", "/api/x")
    }


def test_params_keep_order_repeats_and_blanks():
    assert params_of("?b=2&a=&b=%26") == [("b", "2"), ("a", ""), ("b", "&")]
    assert params_of({"b": ["2", "3"], "a": ""}) == [("b", "2"), ("b", "3"), ("a", "")]
    assert params_of(b"a=%FF") == [("a", "\ufffd")]
    with pytest.raises(BodyShapeError):
        params_of({"a": 1})


def test_headers_of_anything():
    assert headers_of({"A": "b"}) == {"A": "b"}
    assert headers_of([("A", "b"), "junk"]) == {"A": "b"}
    assert headers_of("junk") == {}
