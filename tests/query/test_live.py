"""A table written in place answers every question as a table built afresh over its rows.

The oracle is a plain list of rows, changed by the same writes, from which a
new frame and a new ``Table`` are built before each question.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kinds import held_otherwise

from periodkit.errors import ParseError, QueryError
from periodkit.query import Query, SortKey, Table, parse_activities
from periodkit.query.evaluate import evaluate, run
from periodkit.query.live import LiveTable
from periodkit.strategies import activity_bodies, query_frames
from periodkit.time import LAST_US, NAT, POS_INF

TYPES = {"Num": "int", "Amount": "float", "Name": "string", "Created": "datetime", "Done": "bool"}


def rows_of(frame: pd.DataFrame) -> list[dict[str, object]]:
    """The rows of a ``query_frames`` frame in the evaluator's form, nulls as None."""
    columns = {}
    for name, kind in TYPES.items():
        if kind == "datetime":
            values = [None if v == NAT else v for v in frame[name].to_numpy().view(np.int64)]
        else:
            values = [None if pd.isna(v) else v for v in frame[name].astype(object)]
        columns[name] = values
    return [dict(zip(columns, cells, strict=True)) for cells in zip(*columns.values(), strict=True)]


def frame_of(rows: list[dict[str, object]]) -> pd.DataFrame:
    """The frame ``query_frames`` would draw for these rows."""
    column = {name: [row[name] for row in rows] for name in TYPES}
    return pd.DataFrame(
        {
            "Num": pd.array(column["Num"], dtype="Int64"),
            "Amount": np.array([np.nan if v is None else v for v in column["Amount"]], float),
            "Name": pd.array(column["Name"], dtype=object),
            "Created": np.array(
                [NAT if v is None else v for v in column["Created"]], dtype=np.int64
            ).view("datetime64[us]"),
            "Done": pd.array(column["Done"], dtype="boolean"),
        }
    )


def cells(frame: pd.DataFrame) -> list[list[object]]:
    """Every value, nulls of any kind as None, so that backings compare."""
    return [
        [None if pd.isna(v) else v for v in frame[name].astype(object)] for name in frame.columns
    ]


def assert_answers_alike(live: LiveTable, rows: list[dict[str, object]], body: dict) -> None:
    query = parse_activities(body, TYPES)
    fresh = Table.from_frame(frame_of(rows), TYPES)
    for top_k in (True, False):
        got, expected = run(query, live, top_k=top_k), run(query, fresh, top_k=top_k)
        assert got.positions.tolist() == expected.positions.tolist()
        assert got.total == expected.total
    assert cells(evaluate(query, live)) == cells(evaluate(query, fresh))


pools = query_frames(TYPES, min_rows=1, max_rows=6).map(rows_of)
steps = st.one_of(
    st.tuples(st.just("append"), st.integers(0, 5), st.just(())),
    st.tuples(st.just("write"), st.integers(0, 5), st.sets(st.sampled_from(list(TYPES)))),
    st.tuples(st.just("keep"), st.randoms(use_true_random=False), st.just(())),
    st.tuples(st.just("ask"), activity_bodies(TYPES), st.just(())),
)


@settings(max_examples=80)
@given(
    frame=query_frames(TYPES),
    form=st.integers(0, 5),
    pool=pools,
    script=st.lists(st.tuples(steps, st.integers(0, 100)), max_size=12),
    body=activity_bodies(TYPES),
)
def test_a_written_table_answers_as_one_built_afresh(frame, form, pool, script, body):
    forms = [frame, *held_otherwise(frame)]
    live = LiveTable(forms[form % len(forms)], TYPES)
    rows = rows_of(frame)
    for (kind, arg, names), pick in script:
        source = pool[pick % len(pool)]
        if kind == "append":
            assert live.append(source) == len(rows)
            rows.append(dict(source))
        elif kind == "write" and rows:
            row = arg % len(rows)
            change = {name: source[name] for name in names}
            live.write(row, change)
            rows[row].update(change)
        elif kind == "keep":
            kept = sorted(arg.sample(range(len(rows)), pick % (len(rows) + 1)))
            arg.shuffle(kept)
            live.keep(np.array(kept, dtype=np.int64))
            rows = [rows[i] for i in kept]
        elif kind == "ask":
            assert_answers_alike(live, rows, arg)
    assert len(live) == len(rows)
    assert cells(live.frame) == cells(frame_of(rows))
    assert_answers_alike(live, rows, body)


def test_new_texts_take_their_place_among_the_old_in_both_orders():
    live = LiveTable(pd.DataFrame({"s": ["b", "D", None]}), {"s": "string"})
    for text in ["a", "c", "B", "d", "e", "b"]:
        live.append({"s": text})
    plain = Query(order=(SortKey("s"),))
    folded = Query(order=(SortKey("s"),), fold_case=True)
    texts = live.frame["s"].tolist()
    assert [texts[i] for i in run(plain, live).positions] == [
        None, "B", "D", "a", "b", "b", "c", "d", "e"
    ]  # fmt: skip
    assert [texts[i] for i in run(folded, live).positions] == [
        None, "a", "b", "B", "b", "c", "D", "d", "e"
    ]  # fmt: skip


def test_kept_rows_let_go_of_the_texts_only_they_held():
    live = LiveTable(pd.DataFrame({"s": ["x", "y", "z", "y"]}), {"s": "string"})
    live.codes("s", fold=True)
    live.keep(np.array([3, 2]))
    codes = live.codes("s", fold=False)
    assert codes.texts.tolist() == ["y", "z"]
    assert codes.ranks.tolist() == [0, 1]
    assert live.codes("s", fold=True).texts.tolist() == ["y", "z"]
    live.append({"s": "x"})
    assert live.codes("s", fold=False).ranks.tolist() == [1, 2, 0]


def test_a_refused_write_changes_nothing():
    live = LiveTable(pd.DataFrame({"n": [1], "s": ["a"]}), {"n": "int", "s": "string"})
    with pytest.raises(QueryError, match="column 'n' does not hold int values such as True"):
        live.write(0, {"s": "b", "n": True})
    with pytest.raises(QueryError, match="does not hold int values such as 9223372036854775808"):
        live.append({"n": 2**63})
    with pytest.raises(QueryError, match="float values such as <an integer of about 401 digits>"):
        LiveTable(pd.DataFrame({"f": [0.5]}), {"f": "float"}).append({"f": 10**400})
    with pytest.raises(QueryError, match="column 's' does not hold string values such as 5"):
        live.append({"s": 5})
    with pytest.raises(QueryError, match="'colour'"):
        live.write(0, {"colour": "red"})
    assert len(live) == 1
    assert cells(live.frame) == [[1], ["a"]]


def test_dates_are_written_as_a_frame_would_hold_them():
    live = LiveTable(pd.DataFrame({"d": np.array([0], "datetime64[us]")}), {"d": "datetime"})
    live.append({"d": LAST_US})
    live.append({"d": None})
    assert live.array("d").values.tolist() == [0, POS_INF, NAT]
    with pytest.raises(ParseError):
        live.append({"d": LAST_US + 1})


def test_nulls_need_a_mask_only_where_the_type_has_no_null_value():
    live = LiveTable(
        pd.DataFrame({"n": [1], "f": [0.5], "b": [True]}), {"n": "int", "f": "float", "b": "bool"}
    )
    assert live.array("n").mask is None
    live.append({})
    assert live.array("n").null.tolist() == [False, True]
    assert live.array("b").null.tolist() == [False, True]
    assert live.array("f").mask is None and math.isnan(live.array("f").values[1])


@pytest.mark.parametrize("rows", [[0, 0], [3], [-1], [[0]], [0.0]])
def test_kept_rows_must_be_distinct_positions(rows):
    live = LiveTable(pd.DataFrame({"n": [1, 2]}), {"n": "int"})
    with pytest.raises(QueryError, match="are not distinct positions of this table's 2 rows"):
        live.keep(np.array(rows))


def test_rows_must_exist_to_be_written():
    live = LiveTable(pd.DataFrame({"n": [1, 2]}), {"n": "int"})
    with pytest.raises(QueryError, match="row -1 is not a row of this table of 2 rows"):
        live.write(-1, {"n": 3})
