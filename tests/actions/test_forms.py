"""Custom form fields: the form_fields parameter and sparse columns."""

import json
from urllib.parse import quote

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from periodkit.actions.forms import SparseColumn, form_columns, parse_form_fields
from periodkit.errors import InvalidFormFieldsError


def test_form_fields_arrive_url_encoded_decoded_or_as_a_list():
    text = json.dumps(["department", "budget"])
    assert parse_form_fields(quote(text)) == ["department", "budget"]
    assert parse_form_fields(text) == ["department", "budget"]
    assert parse_form_fields(text.encode()) == ["department", "budget"]
    assert parse_form_fields(["department"]) == ["department"]
    assert parse_form_fields("[]") == []
    assert parse_form_fields(None) is None


def test_a_name_with_a_percent_sign_is_not_decoded_twice():
    assert parse_form_fields('["100%25 done"]') == ["100%25 done"]
    assert parse_form_fields(quote('["100%25 done"]')) == ["100%25 done"]


def test_duplicates_are_asked_for_once_at_their_first_place():
    assert parse_form_fields('["b", "a", "b", "a"]') == ["b", "a"]


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        ('["a", ""]', "''"),
        ('["a", 1]', "1"),
        ('["a", null]', "None"),
        ('[["a"]]', "['a']"),
        ('{"a": 1}', '{"a": 1}'),
        ('"department"', "'\"department\"'"),
        ("department", "'department'"),
        ("%5B%22a%22", "'%5B%22a%22'"),
        (5, "5"),
    ],
)
def test_bad_form_fields_are_refused_naming_the_value(value, quoted):
    with pytest.raises(InvalidFormFieldsError) as caught:
        parse_form_fields(value)
    assert quoted in str(caught.value)
    assert caught.value.location == "form_fields"


@given(st.integers(0, 300), st.data())
def test_sparse_column_lookup_matches_a_dict(n, data):
    present = sorted(data.draw(st.sets(st.integers(0, max(n - 1, 0)), max_size=n)) if n else set())
    values = [f"v{row}" for row in present]
    column = SparseColumn.from_positions(n, present, values)
    asked = np.array(
        data.draw(st.lists(st.integers(0, max(n - 1, 0)), max_size=20)) if n else [], dtype=np.int64
    )
    has, found = column.lookup(asked)
    assert has.tolist() == [row in present for row in asked.tolist()]
    assert found.tolist() == [f"v{row}" for row in asked.tolist() if row in present]
    assert column.positions().tolist() == present


def test_form_columns_keep_each_field_of_each_row():
    columns = form_columns(3, [{"a": 1}, None, {"a": [2], "b": "x"}])
    assert columns["a"].positions().tolist() == [0, 2]
    assert columns["a"].values().tolist() == [1, [2]]
    assert columns["b"].positions().tolist() == [2]
