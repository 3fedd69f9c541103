"""The evaluator: top-k equals the full sort, tables read every column form, projection last."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import portion as P
import pytest
from hypothesis import given
from hypothesis import strategies as st

from periodkit.errors import QueryError
from periodkit.query import Predicate, Query, Schema, SortKey, Table, evaluate
from periodkit.query.evaluate import predicate_mask, run
from periodkit.time import FIRST_US, LAST_US, NAT, NEG_INF, POS_INF, to_micros

TYPES = {"a": "int", "b": "float", "s": "string"}
SCHEMA = Schema.of(TYPES)


@st.composite
def tied_tables(draw) -> Table:
    """Up to 400 rows from tiny pools (nulls included), so that almost every sort key ties.

    The rows come from a drawn seed: drawing 1,200 cells one by one would
    cost more than the property itself.
    """
    n, seed = draw(st.integers(0, 400)), draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)

    def column(values):
        pool = np.array([None, *values], dtype=object)
        return pool[rng.integers(0, len(pool), n)]

    frame = pd.DataFrame(
        {
            "a": pd.array(column([-(2**63), 0, 1, 2]), dtype="Int64"),
            "b": column([-np.inf, 0.5, 2.0]).astype(float),
            "s": column(["x", "X", "y", ""]),
        }
    )
    return Table.from_frame(frame, SCHEMA)


@given(
    table=tied_tables(),
    keys=st.lists(st.builds(SortKey, st.sampled_from(list(TYPES)), st.booleans()), max_size=3),
    offset=st.integers(0, 20),
    limit=st.integers(1, 20),
    fold_case=st.booleans(),
)
def test_top_k_selection_equals_the_full_sort(table, keys, offset, limit, fold_case):
    query = Query(order=tuple(keys), offset=offset, limit=limit, fold_case=fold_case)
    fast, full = run(query, table), run(query, table, top_k=False)
    assert fast.positions.tolist() == full.positions.tolist()
    assert fast.total == full.total == len(table)


def test_top_k_keeps_every_row_tied_with_the_cut_off():
    # Ten rows tie on the first key; the second key decides among them.
    frame = pd.DataFrame({"a": [1] * 10 + [0] * 90, "b": np.arange(100.0)[::-1]})
    table = Table.from_frame(frame, {"a": "int", "b": "float"})
    query = Query(order=(SortKey("a", descending=True), SortKey("b")), limit=3)
    assert run(query, table).positions.tolist() == [9, 8, 7]


def test_nulls_sort_first_ascending_and_last_descending_even_beside_extremes():
    frame = pd.DataFrame({"a": pd.array([None, -(2**63), 5], dtype="Int64")})
    table = Table.from_frame(frame, {"a": "int"})
    assert run(Query(order=(SortKey("a"),)), table).positions.tolist() == [0, 1, 2]
    assert run(Query(order=(SortKey("a", True),)), table).positions.tolist() == [2, 1, 0]


def test_texts_sort_by_casefold_only_when_asked():
    table = Table.from_frame(pd.DataFrame({"s": ["b", "B", "a", "ß", "st"]}), {"s": "string"})
    folded = run(Query(order=(SortKey("s"),), fold_case=True), table).positions.tolist()
    exact = run(Query(order=(SortKey("s"),)), table).positions.tolist()
    assert (folded, exact) == ([2, 0, 1, 3, 4], [1, 2, 0, 4, 3])


def test_tables_read_datetimes_in_every_form_as_utc():
    moments = {
        "text": ["2019-12-12T09:30:25-08:00", None],
        "naive": pd.to_datetime(["2019-12-12T17:30:25", None]),
        "aware": pd.to_datetime(["2019-12-12T09:30:25-08:00", None]),
        "objects": [dt.datetime(2019, 12, 12, 17, 30, 25, tzinfo=dt.UTC), pd.NaT],
        "first": ["0001-01-01T00:00:00Z", None],
    }
    frame = pd.DataFrame(moments)
    table = Table.from_frame(frame, dict.fromkeys(moments, "datetime"))
    expected = int(pd.Timestamp("2019-12-12T17:30:25Z").as_unit("us").asm8.view("int64"))
    for name in ("text", "naive", "aware", "objects"):
        assert table.array(name).values[0] == expected, name
        assert table.array(name).null.tolist() == [False, True]
    assert table.array("first").values[0] == NEG_INF


OBJECT_MOMENTS = [
    dt.datetime(2019, 12, 12, 9, 30, 25, tzinfo=dt.timezone(dt.timedelta(hours=-8))),
    pd.Timestamp("2019-12-12T17:30:25.000001Z"),
    dt.date(2019, 12, 12),
    np.datetime64("2019-12-12T17:30"),
    dt.datetime(1, 1, 1),
    "2019-12-12T09:30:25-08:00",
    P.inf,
    None,
]


def test_object_date_columns_convert_in_bulk_as_to_micros_reads_each(monkeypatch):
    # The scalar reader must not be called per row; the bulk result equals it.
    expected = [NAT if v is None else to_micros(v) for v in OBJECT_MOMENTS]
    monkeypatch.setattr(evaluate, "to_micros", _no_row_loop, raising=False)
    frame = pd.DataFrame({"d": pd.Series(OBJECT_MOMENTS, dtype=object)})
    table = Table.from_frame(frame, {"d": "datetime"})
    assert table.array("d").values.tolist() == expected
    assert table.array("d").null.tolist() == [False] * 7 + [True]


def _no_row_loop(value):
    raise AssertionError(f"to_micros called per row on {value!r}")


@pytest.mark.parametrize(
    ("values", "quoted"),
    [
        ([dt.datetime(2019, 1, 1), 5], "5"),
        ([dt.datetime(2019, 1, 1), True], "True"),
        ([dt.datetime(2019, 1, 1), "junk"], "'junk'"),
        ([pd.Timestamp("2019-01-01T00:00:00.000000001")], "nanoseconds"),
    ],
)
def test_object_date_columns_refuse_what_to_micros_refuses(values, quoted):
    frame = pd.DataFrame({"d": pd.Series(values, dtype=object)})
    with pytest.raises(QueryError, match="column 'd' does not hold datetime values") as caught:
        Table.from_frame(frame, {"d": "datetime"}, prepare=True)
    assert quoted in caught.value.message


def test_int_columns_may_arrive_as_floats_with_nan():
    table = Table.from_frame(pd.DataFrame({"a": [1.0, np.nan, 3.0]}), {"a": "int"})
    assert predicate_mask(table, Predicate("a", "in", (1, 3))).tolist() == [True, False, True]


def test_bool_columns_may_hold_none():
    table = Table.from_frame(pd.DataFrame({"f": [True, None, False]}), {"f": "bool"})
    assert predicate_mask(table, Predicate("f", "ne", True)).tolist() == [False, False, True]
    assert run(Query(order=(SortKey("f"),)), table).positions.tolist() == [1, 2, 0]


def test_a_column_that_does_not_hold_its_type_is_named():
    with pytest.raises(QueryError, match="column 'a' does not hold int values"):
        Table.from_frame(pd.DataFrame({"a": ["x"]}), {"a": "int"}, prepare=True)
    with pytest.raises(QueryError, match=r"frame has no column\(s\) \['b'\]"):
        Table.from_frame(pd.DataFrame({"a": [1]}), {"a": "int", "b": "int"})


def test_evaluate_projects_last_and_keeps_the_index():
    frame = pd.DataFrame({"a": [3, 1, 2], "s": ["x", "y", "z"]}, index=[10, 11, 12])
    query = Query(order=(SortKey("a"),), fields=("s",), limit=2, schema=SCHEMA)
    got = query.evaluate(Table.from_frame(frame, {"a": "int", "s": "string"}))
    assert got.index.tolist() == [11, 12]
    assert got.columns.tolist() == ["s"]
    assert got["s"].tolist() == ["y", "z"]


def test_run_counts_matches_before_slicing():
    query = Query(where=(Predicate("a", "ge", 2),), limit=1, schema=Schema.of({"a": "int"}))
    result = query.run(pd.DataFrame({"a": [3, 1, 2, 5]}))
    assert (result.positions.tolist(), result.total) == ([0], 3)


def test_a_query_without_schema_needs_a_table():
    with pytest.raises(QueryError, match="without a schema"):
        Query().evaluate(pd.DataFrame({"a": [1]}))


# --- every column kind, read the cheapest exact way ------------------------------


def _positions(frame: pd.DataFrame, types: dict, **question) -> list[int]:
    return Query(schema=Schema.of(types), **question).run(frame).positions.tolist()


def test_categoricals_are_read_through_codes_and_categories():
    # Unused categories, a null code, reversed category order and two categories
    # that casefold alike.
    values = ["b", None, "Open", "a", "open", None, "b"]
    kinds = ["zz", "open", "Open", "b", "a", "unused"]
    frame = pd.DataFrame({"c": pd.Categorical(values, categories=kinds)})
    types = {"c": "string"}
    folded = {"fold_case": True}
    assert _positions(frame, types, where=(Predicate("c", "eq", "OPEN"),), **folded) == [2, 4]
    assert _positions(frame, types, where=(Predicate("c", "eq", "Open"),)) == [2]
    assert _positions(frame, types, where=(Predicate("c", "ne", "open"),), **folded) == [0, 3, 6]
    assert _positions(frame, types, where=(Predicate("c", "in", ("a", "unused")),)) == [3]
    assert _positions(frame, types, where=(Predicate("c", "eq", "unused"),)) == []
    assert _positions(frame, types, where=(Predicate("c", "is_null"),)) == [1, 5]
    assert _positions(frame, types, order=(SortKey("c"),), **folded) == [1, 5, 3, 0, 6, 2, 4]
    assert _positions(frame, types, order=(SortKey("c", True),)) == [4, 0, 6, 3, 2, 1, 5]


def test_arrow_and_object_texts_read_alike():
    values = ["b", None, "B", "ß", "a"]
    for dtype in (object, "string[python]", "string[pyarrow]", "str"):
        frame = pd.DataFrame({"s": pd.Series(values, dtype=dtype)})
        query = {"where": (Predicate("s", "ne", "B"),), "order": (SortKey("s"),)}
        assert _positions(frame, {"s": "string"}, **query) == [4, 0, 3], dtype
        assert _positions(frame, {"s": "string"}, **query, fold_case=True) == [4, 3], dtype


def _micros_of_text(text: str) -> int:
    moment = dt.datetime.fromisoformat(text).astimezone(dt.UTC)
    return (moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1)


DATE_TEXTS = ["2019-12-12T09:30:25+00:00", "1999-01-01T00:00:00+00:00", "2024-02-29T23:59:59+00:00"]


def test_dates_of_every_unit_zone_and_backing_are_utc_microseconds():
    import pyarrow as pa

    naive = pd.to_datetime([text[:19] for text in DATE_TEXTS] + [None])
    expected = [_micros_of_text(text) for text in DATE_TEXTS] + [NAT]
    columns = {f"numpy {unit}": naive.astype(f"datetime64[{unit}]") for unit in ("s", "ms", "us")}
    columns["numpy ns"] = naive.astype("datetime64[ns]")
    columns["aware Kolkata"] = naive.tz_localize("UTC").tz_convert("Asia/Kolkata")
    stored = pa.array(naive.astype("datetime64[us]").to_numpy(), type=pa.timestamp("us"))
    for unit, tz in [("us", "America/New_York"), ("ms", None), ("s", "UTC")]:
        array = stored.cast(pa.timestamp(unit)).cast(pa.timestamp(unit, tz=tz))
        columns[f"arrow {unit} {tz}"] = pd.arrays.ArrowExtensionArray(array)
    frame = pd.DataFrame(columns)
    table = Table.from_frame(frame, dict.fromkeys(columns, "datetime"))
    for name in columns:
        assert table.array(name).values.tolist() == expected, name
        assert table.array(name).null.tolist() == [False, False, False, True], name


def test_microsecond_dates_are_read_in_place_never_written():
    naive = pd.Series(pd.to_datetime(["2019-12-12T09:30:25.000001", None]).astype("M8[us]"))
    aware = naive.dt.tz_localize("UTC").dt.tz_convert("Europe/Paris")
    frame = pd.DataFrame({"naive": naive, "aware": aware})
    table = Table.from_frame(frame, {"naive": "datetime", "aware": "datetime"})
    for name in ("naive", "aware"):
        values = table.array(name).values
        # Two views of the column's memory overlap; a copy would not.
        own = np.asarray(frame[name].array, dtype="datetime64[us]")
        assert np.shares_memory(values, own), name
        assert not values.flags.writeable
    query = Query(where=(Predicate("naive", "lt", 0),), order=(SortKey("aware", True),))
    assert run(query, table).positions.tolist() == []
    assert frame["naive"].isna().tolist() == [False, True]


def test_date_columns_keep_the_timeline_exact():
    ends = np.array([FIRST_US, NEG_INF, 0, POS_INF, LAST_US, NAT]).view("datetime64[us]")
    table = Table.from_frame(pd.DataFrame({"d": ends}), {"d": "datetime"})
    assert table.array("d").values.tolist() == [NEG_INF, NEG_INF, 0, POS_INF, POS_INF, NAT]
    first = np.array([FIRST_US // 1000, 0]).view("datetime64[ms]")
    table = Table.from_frame(pd.DataFrame({"d": first}), {"d": "datetime"})
    assert table.array("d").values.tolist() == [NEG_INF, 0]
    refused = [
        ("has nanoseconds", np.array([1, NAT]).view("datetime64[ns]")),
        ("out of range", np.array([0, 253_402_300_800]).view("datetime64[s]")),
        # Ten to the seventeen seconds, in microseconds, wraps to a year inside the timeline.
        ("out of range", np.array([10**17, NAT]).view("datetime64[s]")),
        ("out of range", np.array([-(2**62), 0]).view("datetime64[ms]")),
    ]
    for message, values in refused:
        frame = pd.DataFrame({"d": values})
        with pytest.raises(
            QueryError, match=f"column 'd' does not hold datetime values.*{message}"
        ):
            Table.from_frame(frame, {"d": "datetime"}, prepare=True)


def test_nullable_columns_are_read_through_their_masks():
    # A NaN the mask does not cover is null too.
    floats = pd.arrays.FloatingArray(
        np.array([1.5, np.nan, 9.0, -1.0]), np.array([0, 0, 1, 0], bool)
    )
    frame = pd.DataFrame(
        {
            "i": pd.array([3, None, 1, 2], dtype="Int64"),
            "j": pd.array([3, None, 1, 2], dtype="Int8"),
            "f": floats,
            "b": pd.array([True, None, False, True], dtype="boolean"),
        }
    )
    types = {"i": "int", "j": "int", "f": "float", "b": "bool"}
    for name in ("i", "j"):
        assert _positions(frame, types, where=(Predicate(name, "ne", 2),)) == [0, 2]
        assert _positions(frame, types, where=(Predicate(name, "lt", 3),)) == [2, 3]
        assert _positions(frame, types, order=(SortKey(name),)) == [1, 2, 3, 0]
    assert _positions(frame, types, where=(Predicate("f", "ne", 0.0),)) == [0, 3]
    assert _positions(frame, types, where=(Predicate("f", "is_null"),)) == [1, 2]
    assert _positions(frame, types, order=(SortKey("f", True),)) == [0, 3, 1, 2]
    assert _positions(frame, types, where=(Predicate("b", "ne", False),)) == [0, 3]
    assert _positions(frame, types, order=(SortKey("b"),)) == [1, 2, 0, 3]


def test_arrow_int_columns_with_nulls_keep_every_int64_exact():
    # Found by the SQLite oracle: pandas casts such a column to Int64 through
    # float64 and checks only its largest value for lost precision, so
    # -(2**63) + 1 became -(2**63) and sorted with it. (The written-table
    # property found it too, from -(2**53) - 1.)
    low = -(2**63)
    num = [-3, -3, -3, -3, -3, low + 1, None, -3, None, -3, -3, None]
    num += [None, None, -3, low, None, None, -3, -3, -3, -3, -3]
    frame = pd.DataFrame({"Num": pd.array(num, dtype="int64[pyarrow]")})
    types = {"Num": "int"}
    nulls = [i for i, n in enumerate(num) if n is None]
    threes = [i for i, n in enumerate(num) if n == -3]
    assert _positions(frame, types, order=(SortKey("Num"),)) == [*nulls, 15, 5, *threes]
    assert _positions(frame, types, where=(Predicate("Num", "eq", low + 1),)) == [5]
    assert _positions(frame, types, where=(Predicate("Num", "lt", low + 1),)) == [15]
    column = Table.from_frame(frame, types).array("Num")
    assert column.values[5] == low + 1
    assert column.null.tolist() == [n is None for n in num]


def test_columns_the_question_does_not_name_are_never_read():
    # Reading "junk" as an int would fail; a question that ignores it never tries.
    frame = pd.DataFrame({"n": [2, 1, 3], "junk": ["x", "y", "z"]})
    query = Query(
        where=(Predicate("n", "ge", 2),),
        order=(SortKey("n"),),
        schema=Schema.of({"n": "int", "junk": "int"}),
    )
    assert query.evaluate(frame)["junk"].tolist() == ["x", "z"]
    table = Table.from_frame(frame, query.schema)
    run(query, table)
    assert set(table._arrays) == {"n"}
