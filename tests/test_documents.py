"""The document reader: pointers, allowed keys, types, dates, depth, every problem listed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from periodkit.documents import (
    MAX_DEPTH,
    Document,
    _too_deep,
    escape,
    json_type,
    keys,
    loads,
    short,
    values_at,
)
from periodkit.errors import ValidationError
from periodkit.time import NEG_INF, POS_INF, parse_bound


def unescape(segment: str) -> str:
    """RFC 6901, section 4: ``~1`` first, then ``~0``."""
    return segment.replace("~1", "/").replace("~0", "~")


def nest(depth: int) -> list:
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


# --- pointers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "segment"), [("a/b", "a~1b"), ("m~n", "m~0n"), ("~1", "~01"), ("", ""), (7, "7")]
)
def test_escape_follows_rfc_6901(key, segment):
    assert escape(key) == segment


@given(st.text())
def test_escape_round_trips_and_never_leaves_a_slash(key):
    assert "/" not in escape(key)
    assert unescape(escape(key)) == key


def test_the_pointer_stack_locates_problems_and_unwinds():
    doc = Document("/entities")
    with doc.at(3):
        doc.enter("periods")
        doc.enter(0)
        doc.problem("bad", "end_date")
        doc.leave()
        doc.leave()
        doc.problem("worse")
    doc.problem("worst", pointer="/elsewhere")
    assert doc.problems == [
        {"pointer": "/entities/3/periods/0/end_date", "detail": "bad"},
        {"pointer": "/entities/3", "detail": "worse"},
        {"pointer": "/elsewhere", "detail": "worst"},
    ]
    assert doc.pointer() == "/entities"


def test_each_enters_every_item_and_leaves_even_on_break():
    doc = Document()
    for index, item in doc.each([{"x": 1}, "two", 3], "items"):
        assert doc.pointer() == f"/items/{index}"
        if item == "two":
            break
    assert doc.pointer() == ""
    assert list(doc.each([], "items")) == []
    assert doc.pointer() == ""


# --- shapes ------------------------------------------------------------------------


def test_each_unknown_key_is_a_problem_at_its_own_pointer():
    doc = Document("/periods/0")
    record = {"start_date": None, "b/c": 1, "colour": "red", "x~y": 2}
    assert doc.mapping(record, keys("start_date", "end_date"))
    assert [p["pointer"] for p in doc.problems] == [
        "/periods/0/b~1c",
        "/periods/0/colour",
        "/periods/0/x~0y",
    ]
    assert doc.problems[1]["detail"] == (
        "unknown field 'colour' (expected one of start_date, end_date)"
    )


def test_mapping_refuses_what_is_not_an_object():
    doc = Document()
    assert not doc.mapping([1], keys("a"), "record")
    assert doc.problems == [{"pointer": "/record", "detail": "[1] is not an object"}]


@pytest.mark.parametrize(
    ("value", "kinds", "ok"),
    [
        ("x", ("string",), True),
        (3, ("number",), True),
        (3.5, ("integer",), False),
        (True, ("integer",), False),
        (True, ("boolean",), True),
        ({}, ("object",), True),
        ([], ("array",), True),
        ({1}, ("array",), False),
        (None, ("string",), True),
    ],
)
def test_kind_checks_json_types(value, kinds, ok):
    doc = Document()
    assert doc.kind(value, kinds, "field") is ok
    assert len(doc.problems) == (not ok)


def test_kind_details_are_readable():
    doc = Document()
    doc.kind(True, ("string", "integer"), "team_id")
    doc.kind(None, ("string",), "id", missing="a record needs an id")
    doc.kind("x" * 500, ("object",), "form")
    assert doc.problems[0] == {
        "pointer": "/team_id",
        "detail": "True is not a string or an integer",
    }
    assert doc.problems[1] == {"pointer": "/id", "detail": "a record needs an id"}
    assert doc.problems[2]["detail"].endswith("is not an object")
    assert len(doc.problems[2]["detail"]) < 200


@pytest.mark.parametrize("value", [[1, 2], (1, 2), iter([1, 2])])
def test_array_takes_lists_tuples_and_iterators(value):
    assert Document().array(value) == [1, 2]


@pytest.mark.parametrize("value", ["12", b"12", {"a": 1}, {1, 2}, 12])
def test_array_refuses_text_objects_sets_and_scalars(value):
    doc = Document()
    assert doc.array(value, "list") == []
    assert doc.problems == [{"pointer": "/list", "detail": f"{short(value)} is not an array"}]


def test_an_absent_array_is_empty_unless_required():
    doc = Document()
    assert doc.array(None) == []
    assert doc.problems == []
    doc.array(None, required=True, what="the records")
    assert doc.problems == [{"pointer": "", "detail": "the records must be a list, not None"}]


def test_json_type_names():
    assert [json_type(v) for v in ({}, [], "", 1, 1.5, False, None)] == [
        "object",
        "array",
        "string",
        "integer",
        "number",
        "boolean",
        "null",
    ]


def test_values_at_follows_paths_and_skips_misfits():
    document = [
        {"periods": [{"end_date": "a"}, {"start_date": "b"}]},
        {"periods": "nope"},
        "not a record",
    ]
    assert values_at(document, "*/periods/*/end_date", "*/periods/*/start_date") == [
        "a",
        None,
        None,
        "b",
    ]


# --- dates -------------------------------------------------------------------------

TEXTS = ["2019-12-12 09:30:00", "1970-01-01 00:00:00", "9999-12-31 23:59:59", "2019-12-12"]


@pytest.mark.parametrize("dialect", ["iso", "entity"])
@pytest.mark.parametrize("side", ["start", "end"])
def test_bounds_read_after_one_vector_pass_equal_parse_bound(dialect, side):
    doc = Document()
    doc.dates(TEXTS, dialect)
    for text in [*TEXTS, None]:
        assert doc.bound(text, side, "date") == parse_bound(text, side, dialect)
    assert doc.problems == []


def test_bad_dates_are_problems_with_the_parsers_words():
    doc = Document()
    doc.dates(["2019-13-01"])
    assert doc.bound("2019-13-01", "start", "start_date", prefix="period 7: ") is None
    assert doc.bound(5, "end", "end_date") is None
    assert doc.bound({"a": 1}, "end", "end_date") is None
    pointers = [p["pointer"] for p in doc.problems]
    assert pointers == ["/start_date", "/end_date", "/end_date"]
    assert doc.problems[0]["detail"].startswith("period 7: ")
    assert "'2019-13-01'" in doc.problems[0]["detail"]
    assert "5 is not an instant" in doc.problems[1]["detail"]


def test_instant_is_optional():
    doc = Document()
    assert doc.instant(None, "created_at") is None
    assert doc.instant("1970-01-01T00:00:00.000001Z", "created_at") == 1
    assert doc.problems == []
    doc.dates([], "entity")
    assert doc.bound(None, "start", "s") == NEG_INF
    assert doc.bound(None, "end", "e") == POS_INF


# --- the whole document --------------------------------------------------------------


def test_every_problem_is_listed_and_the_document_refused_whole():
    doc = Document("/dataset")
    doc.problem("one", "a")
    doc.problem("two", "b")
    with pytest.raises(ValidationError) as caught:
        doc.check()
    assert [p["detail"] for p in caught.value.problems] == ["one", "two"]


def test_a_limit_keeps_the_first_problems_and_says_when_full():
    doc = Document(limit=2)
    for index in range(5):
        doc.problem("bad", index)
    assert doc.full
    assert [p["pointer"] for p in doc.problems] == ["/0", "/1"]


# --- depth -------------------------------------------------------------------------


def test_nested_allows_max_depth_and_refuses_one_more():
    doc = Document()
    assert doc.nested(nest(MAX_DEPTH), "data")
    assert not doc.nested(nest(MAX_DEPTH + 1), "data")
    assert not doc.nested({"a": nest(MAX_DEPTH)}, "data")
    assert [p["pointer"] for p in doc.problems] == ["/data", "/data"]


def test_nesting_far_beyond_the_recursion_limit_is_a_problem_not_a_crash():
    doc = Document()
    deep = nest(100_000)
    assert not doc.nested(deep, "data")
    assert doc.bound(deep, "start", "start_date") is None
    doc.kind(deep, ("string",), "name")
    assert len(doc.problems) == 3


def test_the_pointer_stack_refuses_to_nest_past_the_limit():
    doc = Document()

    def walk(value: object) -> None:
        if isinstance(value, list):
            for _, item in doc.each(value):
                walk(item)

    walk(nest(MAX_DEPTH))
    with pytest.raises(ValidationError) as caught:
        walk(nest(10_000))
    (problem,) = caught.value.problems
    assert problem["detail"] == f"the document nests more than {MAX_DEPTH} levels deep"
    assert problem["pointer"] == "/0" * (MAX_DEPTH + 1)


def test_loads_refuses_deep_text_at_the_limit():
    assert loads("[" * MAX_DEPTH + "]" * MAX_DEPTH) == nest(MAX_DEPTH)
    for depth in (MAX_DEPTH + 1, 100_000):
        with pytest.raises(ValidationError, match="nests more than"):
            loads("[" * depth + "]" * depth)


@pytest.mark.parametrize("text", ["{", "[NaN]", '{"a": Infinity}', b"\xff", "1 2"])
def test_loads_refuses_what_is_not_json(text):
    with pytest.raises(ValidationError) as caught:
        loads(text)
    assert caught.value.problems[0]["pointer"] == ""


# --- k injected problems, exactly k pointers -------------------------------------------

RECORD_KEYS = keys("id", "count", "start_date", "tags")


def read(records: object) -> list[str]:
    """A reader of a small record list, written as a dataset reader would be."""
    doc = Document("/items")
    rows = doc.array(records)
    doc.dates(values_at(rows, "*/start_date"))
    for _, record in doc.each(rows):
        if not doc.mapping(record, RECORD_KEYS):
            continue
        doc.kind(record.get("id"), ("string",), "id", missing="an item needs an id")
        doc.kind(record.get("count"), ("integer",), "count")
        doc.bound(record.get("start_date"), "start", "start_date")
        for _, tag in doc.each(record.get("tags"), "tags"):
            doc.kind(tag, ("string",))
    return [p["pointer"] for p in doc.problems]


def good(index: int) -> dict:
    return {"id": f"r{index}", "count": index, "start_date": "2024-01-02T03:04:05Z", "tags": ["a"]}


#: Each fault: the record it breaks in place, and the pointer (below the record) it must give.
FAULTS = {
    "stray key": lambda r, key: (r.__setitem__(key, 1), escape(key)),
    "missing id": lambda r, key: (r.pop("id"), "id"),
    "wrong type": lambda r, key: (r.__setitem__("count", "3"), "count"),
    "bad date": lambda r, key: (r.__setitem__("start_date", "2024-02-30"), "start_date"),
    "bad tag": lambda r, key: (r.__setitem__("tags", ["a", 5]), "tags/1"),
}


@given(
    st.integers(min_value=1, max_value=8).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(
                st.tuples(st.integers(0, n - 1), st.sampled_from(sorted(FAULTS))),
                unique=True,
                max_size=10,
            ),
            st.text(min_size=1).filter(lambda key: key not in RECORD_KEYS),
        )
    )
)
def test_k_injected_problems_give_exactly_those_k_pointers(case):
    n, faults, stray = case
    records = [good(index) for index in range(n)]
    expected = []
    for index, fault in faults:
        _, below = FAULTS[fault](records[index], stray)
        expected.append(f"/items/{index}/{below}")
    assert sorted(read(records)) == sorted(expected)


def _depth(value: object) -> int:
    """How many levels of objects and arrays ``value`` nests, by plain recursion."""
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list | tuple):
        return 1 + max(map(_depth, value), default=0)
    return 0


_JSON = st.recursive(
    st.none() | st.integers() | st.text(max_size=2),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner, max_size=3)
    ),
    max_leaves=40,
)


@given(value=_JSON | st.tuples(_JSON, _JSON), limit=st.integers(1, 8))
def test_the_depth_walk_agrees_with_recursion(value, limit):
    # Parsed JSON (dicts and lists) takes the builtins-only walk; a tuple the general one.
    assert _too_deep(value, limit) == (_depth(value) > limit)
