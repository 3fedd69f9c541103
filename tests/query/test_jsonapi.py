"""The JSON:API grammar against SQLite, its pages and its 422 rules."""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracle import assert_agrees
from tests.query.params import decoded

from periodkit.errors import PagingError, UnknownFieldError
from periodkit.query import Collection, parse_jsonapi
from periodkit.strategies import query_frames

TYPES = {"category": "string", "n": "int"}
ACTIONS = Collection(
    columns={"category": "string"}, filters={"category": "category"}, max_page_size=250
)


def pages(request, total: int) -> tuple[int, int, int]:
    """Total pages, page number and page size of a parsed request."""
    return request.page.total_pages(total), request.page.number, request.page.size


@st.composite
def requests(draw) -> tuple[str, list, int, int]:
    """A query string and the SQL (conditions, offset, limit) it stands for."""
    categories = draw(st.lists(st.sampled_from(["SMS", "sms", "Email", "", "ß"]), max_size=2))
    number = draw(st.none() | st.integers(1, 4))
    size = draw(st.none() | st.integers(1, 5) | st.just(250))
    params = [("category", c) for c in categories]
    params += [("page[number]", number)] if number else []
    params += [("page[size]", draw(st.sampled_from([str(size), f"{size}.0"])))] if size else []
    where = []
    if categories:
        marks = ", ".join("?" * len(categories))
        where.append((f'"category" IN ({marks})', categories))
    size = size or 20
    return urlencode(params), where, ((number or 1) - 1) * size, size


@given(frame=query_frames(TYPES), request=requests())
def test_jsonapi_queries_agree_with_sqlite(frame, request):
    text, where, offset, limit = request
    assert_agrees(parse_jsonapi(decoded(text), ACTIONS).query, frame, where, [], offset, limit)


def test_seed_meta_for_page_three_of_size_one():
    frame = pd.DataFrame({"category": ["SMS"] * 13 + ["Email"] * 2})
    request = parse_jsonapi(decoded("category=SMS&page[number]=3&page[size]=1"), ACTIONS)
    result = request.query.run(frame)
    assert result.positions.tolist() == [2]
    assert result.total == 13
    assert pages(request, result.total) == (13, 3, 1)


def test_page_past_the_end_is_empty_with_true_meta():
    request = parse_jsonapi({"page[number]": "9"}, ACTIONS)
    result = request.query.run(pd.DataFrame({"category": ["SMS", "SMS"]}))
    assert result.positions.tolist() == []
    assert result.total == 2
    assert pages(request, result.total) == (1, 9, 20)
    assert parse_jsonapi(decoded(""), ACTIONS).page.total_pages(0) == 0


@pytest.mark.parametrize("size", ["2.5", "0", "-1", "abc", "251", ""])
def test_bad_page_size_is_a_paging_error_pointing_at_it(size):
    with pytest.raises(PagingError) as caught:
        parse_jsonapi({"page[size]": size}, ACTIONS)
    assert caught.value.message == f"page[size] must be a whole number from 1 to 250, not {size!r}."
    assert caught.value.location == "/page[size]"


@pytest.mark.parametrize("number", ["2.5", "0", "-1", "abc"])
def test_bad_page_number_is_a_paging_error_pointing_at_it(number):
    with pytest.raises(PagingError) as caught:
        parse_jsonapi({"page[number]": number}, ACTIONS)
    assert (
        caught.value.message
        == f"page[number] must be a whole number of at least 1, not {number!r}."
    )
    assert caught.value.location == "/page[number]"


def test_unknown_parameter_is_named():
    with pytest.raises(UnknownFieldError) as caught:
        parse_jsonapi(decoded("category=SMS&colour=red"), ACTIONS)
    assert caught.value.message == (
        "Parameter 'colour' is not supported (expected category, page[number], page[size])."
    )
    assert caught.value.location == "/colour"


def test_a_page_number_beyond_int64_is_a_page_past_the_end():
    # Found in review: a huge whole page number was a 422, not the empty page.
    request = parse_jsonapi(decoded("category=SMS&page[number]=99999999999999999999"), ACTIONS)
    frame = pd.DataFrame({"category": ["SMS", "x", "SMS"]})
    result = request.query.run(frame)
    assert result.positions.tolist() == []
    assert result.total == 2
    assert pages(request, result.total)[0] == 1
