"""Request parameters of every grammar: what is not parameters is a periodkit error."""

from __future__ import annotations

import pytest

from periodkit.errors import BodyShapeError
from periodkit.query import Collection, parse_fourme, parse_jsonapi
from periodkit.query.activities import parse_activities_form

EMPTY = Collection(columns={}, filters={})
PARSERS = {
    "fourme": lambda params: parse_fourme(params, EMPTY),
    "jsonapi": lambda params: parse_jsonapi(params, EMPTY),
    "activities_form": lambda params: parse_activities_form(params, {"Num": "int"}),
}


@pytest.mark.parametrize("parser", PARSERS.values(), ids=PARSERS.keys())
@pytest.mark.parametrize("params", [5, 2.5, True])
def test_params_that_are_not_parameters_are_named(parser, params):
    with pytest.raises(BodyShapeError) as caught:
        parser(params)
    assert caught.value.message == (
        f"The request parameters must be decoded (name, value) pairs or a mapping, not {params!r}."
    )


@pytest.mark.parametrize("parser", PARSERS.values(), ids=PARSERS.keys())
@pytest.mark.parametrize("params", ["page=1&x=%3E2", b"page=1"])
def test_a_raw_query_string_is_refused_not_decoded(parser, params):
    with pytest.raises(BodyShapeError) as caught:
        parser(params)
    assert caught.value.message == (
        "The request parameters must be decoded (name, value) pairs or a mapping, "
        f"not the raw text {params!r}."
    )
    assert caught.value.location is None


@pytest.mark.parametrize("parser", PARSERS.values(), ids=PARSERS.keys())
@pytest.mark.parametrize(
    ("params", "item"), [([("page", "1"), 5], "5"), ([("a", "b", "c")], "('a', 'b', 'c')")]
)
def test_items_that_are_not_pairs_are_named_with_their_place(parser, params, item):
    with pytest.raises(BodyShapeError) as caught:
        parser(params)
    index = len(params) - 1
    assert caught.value.message == (
        f"Request parameter {index} must be a (name, value) pair, not {item}."
    )
