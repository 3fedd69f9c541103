"""Schemas and the reading of filter values."""

from __future__ import annotations

import pytest

from periodkit.errors import BadValueError, PagingError, QueryError
from periodkit.query.ir import Span
from periodkit.query.schema import Column, Schema, parse_count, parse_value, parse_whole
from periodkit.time import span_micros


@pytest.mark.parametrize(
    ("kind", "raw", "value"),
    [
        ("int", "3", 3),
        ("int", 3.0, 3),
        ("int", "-9223372036854775808", -(2**63)),
        ("float", "1e3", 1000.0),
        ("float", 2, 2.0),
        ("bool", "TRUE", True),
        ("bool", False, False),
        ("memo", "", ""),
        ("datetime", "2019-12-12T09:30", Span(*span_micros("2019-12-12T09:30"))),
    ],
)
def test_values_parse_exactly_for_their_type(kind, raw, value):
    assert parse_value(Column("f", kind, kind), raw) == value


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        ("int", "2.5"),
        ("int", "9223372036854775808"),
        ("int", True),
        ("int", "1e99999"),
        ("float", "nan"),
        ("float", "1e999"),
        ("bool", "yes"),
        ("string", 3),
        ("datetime", 2019),
    ],
)
def test_values_that_do_not_parse_are_quoted(kind, raw):
    with pytest.raises(BadValueError) as caught:
        parse_value(Column("f", kind, kind), raw, "/x")
    assert repr(raw) in caught.value.message
    assert (caught.value.value, caught.value.location) == (raw, "/x")


def test_parse_whole_refuses_what_is_not_a_whole_number():
    assert [parse_whole(v) for v in ("7", "7.00", 7, "-0", "7.5", "", None, "0x7")] == [
        7,
        7,
        7,
        0,
        None,
        None,
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("raw", "plain", "whole"),
    [
        ("2.00", True, 2),
        ("+3", True, 3),
        ("-0", True, 0),
        ("1e1", True, None),
        ("2.", True, None),
        (".0", True, None),
        ("1e1", False, 10),
        ("2.", False, 2),
        (4, True, 4),
        ("9" * 5000, True, 2**63 - 1),
    ],
)
def test_plain_whole_numbers_are_digits_with_at_most_a_zero_fraction(raw, plain, whole):
    assert parse_whole(raw, saturate=True, plain=plain) == whole


def test_counts_are_read_in_one_place_with_each_grammars_words():
    def count(raw, **rules):
        return parse_count(raw, "/n", "refused", default=5, least=1, **rules)

    assert (count(None), count("3"), count(3.0)) == (5, 3, 3)
    assert count("1e30", saturate=True) == 2**63 - 1
    for raw, rules in [("0", {}), ("8", {"most": 7}), ("x", {}), ("1e30", {})]:
        with pytest.raises(PagingError) as caught:
            count(raw, **rules)
        assert (caught.value.message, caught.value.location, caught.value.value) == (
            "refused",
            "/n",
            raw,
        )
    with pytest.raises(PagingError, match=r"^low$"):
        count("-1", below="low")
    with pytest.raises(PagingError, match=r"^refused$"):
        count("x", below="low")


def test_schema_keeps_order_spelling_and_refuses_unknown_types():
    schema = Schema.of({"Num": "int", "Details": "Memo"})
    assert schema.names == ("Num", "Details")
    assert schema.lookup("details", fold=True) == Column("Details", "memo", "Memo")
    assert schema.lookup("details") is None
    with pytest.raises(QueryError, match="differ only in case"):
        Schema.of({"a": "int", "A": "int"})
    with pytest.raises(QueryError, match="is not a mapping"):
        Schema.of(["a"])
