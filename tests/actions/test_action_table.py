"""ActionTable against plain Python: selection, construction, projection and memory."""

from decimal import Decimal

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from periodkit import time
from periodkit.actions.forms import SparseColumn
from periodkit.actions.table import ActionTable
from periodkit.errors import ArgumentError, ValidationError
from periodkit.periods import Period, PeriodSet
from periodkit.strategies import action_tables, period_sets, periods

bounds = st.integers(-20, 20) | st.sampled_from([time.NEG_INF, time.POS_INF])
pairs = st.lists(st.tuples(bounds, bounds), max_size=25)


def table_of(rows):
    """An unsorted table with ids 'r0', 'r1', ... from (start, end) pairs in any order."""
    ordered = [(min(a, b), max(a, b)) for a, b in rows]
    return ActionTable.from_arrays(
        [f"r{i}" for i in range(len(rows))], [r[0] for r in ordered], [r[1] for r in ordered]
    )


def reference(table, atoms, how):
    starts, ends = (a.tolist() for a in table.bounds())
    hits = []
    for i, (s, e) in enumerate(zip(starts, ends, strict=True)):
        for atom in atoms:
            inside = atom.lo <= s and e <= atom.hi
            if (s <= atom.hi and e >= atom.lo) if how == "overlaps" else inside:
                hits.append(i)
                break
    return hits


@given(
    pairs, st.lists(st.tuples(bounds, bounds), max_size=4), st.sampled_from(["overlaps", "within"])
)
def test_during_a_set_matches_reference_in_input_order(rows, atom_pairs, how):
    table = table_of(rows)
    atoms = PeriodSet.from_bounds([min(p) for p in atom_pairs], [max(p) for p in atom_pairs])
    found = table.during(atoms, how=how)
    assert found.dtype == np.int64
    assert found.tolist() == reference(table, atoms.atoms, how)


@given(pairs, bounds, bounds, st.sampled_from(["overlaps", "within"]))
def test_during_a_period_matches_reference(rows, a, b, how):
    table = table_of(rows)
    period = Period.from_micros(min(a, b), max(a, b))
    assert table.during(period, how=how).tolist() == reference(table, [period], how)


@given(pairs, bounds, bounds)
def test_order_by_start_breaks_ties_by_input_position(rows, a, b):
    table = table_of(rows)
    period = Period.from_micros(min(a, b), max(a, b))
    starts = table.bounds()[0].tolist()
    expected = sorted(table.during(period).tolist(), key=lambda i: (starts[i], i))
    assert table.during(period, order="start").tolist() == expected


@given(action_tables(), period_sets())
def test_generated_tables_agree_with_reference(table, atoms):
    assert table.during(atoms).tolist() == reference(table, atoms.atoms, "overlaps")


# Enough short actions that a few long ones are kept apart by duration: 5,000
# instants to 3 us spread over 50,000 us, with ties in start.
_SHORT = np.random.default_rng(7).integers(0, 50_000, 5_000)
long_actions = st.lists(
    st.tuples(
        st.integers(-10_000, 60_000) | st.just(time.NEG_INF),
        st.integers(10**4, 10**9) | st.just(time.POS_INF),
    ),
    max_size=30,
)


@given(
    long_actions,
    st.integers(0, 2**32 - 1),
    st.lists(st.tuples(bounds, bounds).map(sorted), max_size=3),
    st.integers(-100, 60_000),
    st.integers(0, 20_000),
)
def test_during_with_heavy_tailed_durations_matches_reference(long_rows, seed, extra, lo, width):
    rows = [(s, s + d % 4) for s, d in zip(_SHORT.tolist(), range(len(_SHORT)), strict=True)]
    for start, length in long_rows:
        rows.append((start, time.POS_INF if length == time.POS_INF else start + length))
    table = table_of([rows[i] for i in np.random.default_rng(seed).permutation(len(rows))])
    atoms = PeriodSet.from_bounds(
        [lo, *(a for a, _ in extra)], [lo + width, *(b for _, b in extra)]
    )
    for how in ("overlaps", "within"):
        expected = reference(table, atoms.atoms, how)
        assert table.during(atoms, how=how).tolist() == expected
        starts = table.bounds()[0].tolist()
        by_start = sorted(expected, key=lambda i: (starts[i], i))
        assert table.during(atoms, how=how, order="start").tolist() == by_start


@given(action_tables(max_size=10))
def test_frame_round_trip_keeps_everything(table):
    again = ActionTable.from_frame(table.to_frame())
    assert again.ids.tolist() == table.ids.tolist()
    for left, right in zip(again.bounds(), table.bounds(), strict=True):
        assert_array_equal(left, right)
    assert again.form_fields == table.form_fields
    for name in table.form_fields:
        left = again.form_values(name, range(len(table)))
        right = table.form_values(name, range(len(table)))
        assert left[0].tolist() == right[0].tolist() and left[1] == right[1]


RECORDS = [
    {
        "id": "a2",
        "team_id": "t1",
        "category": "call",
        "description": "Follow up",
        "status": "open",
        "user": {"id": 7, "name": "Ann"},
        "start_date": "2024-08-12T11:58:19.349Z",
        "end_date": "2024-08-12T12:30:00Z",
        "created_at": "2024-08-01T00:00:00Z",
        "updated_at": "2024-08-02T00:00:00.5Z",
        "form": {"department": "sales", "budget": 1200},
    },
    {"id": "a1", "start_date": "2024-08-12 09:00", "form": {"budget": None}},
]


def test_form_values_of_chosen_rows_in_their_order():
    table = ActionTable.from_records(RECORDS)
    present, values = table.form_values("budget", [1, 0])
    assert present.tolist() == [True, True] and values == [None, 1200]
    present, values = table.form_values("department", [1, 0])
    assert present.tolist() == [False, True] and values == ["sales"]
    present, values = table.form_values("colour", [0])
    assert present.tolist() == [False] and values == []


def test_the_three_constructors_agree():
    from_records = ActionTable.from_records(RECORDS)
    frame = pd.DataFrame(RECORDS)
    for name in ("start_date", "end_date", "created_at", "updated_at"):
        frame[name] = pd.to_datetime(frame[name], format="ISO8601", utc=True)
    from_frame = ActionTable.from_frame(frame)
    for name in ("department", "budget"):
        left, right = from_frame.form_values(name, [0, 1]), from_records.form_values(name, [0, 1])
        assert left[0].tolist() == right[0].tolist() and left[1] == right[1]
    for name in ("category", "user", "created_at", "updated_at"):
        assert from_frame.column(name).tolist() == from_records.column(name).tolist()
    from_arrays = ActionTable.from_arrays(["a2", "a1"], *from_records.bounds())
    assert_array_equal(from_arrays.bounds()[0], from_records.bounds()[0])
    assert_array_equal(from_arrays.during(Period("2024-08-12T10:00:00Z")), [0])


def test_naive_and_aware_frames_read_the_same():
    naive = pd.DataFrame({"id": [1], "start_date": pd.to_datetime(["2024-01-01 10:00"])})
    aware = pd.DataFrame(
        {"id": [1], "start_date": pd.to_datetime(["2024-01-01 12:00+02:00"], utc=True)}
    )
    assert ActionTable.from_frame(naive).bounds()[0] == ActionTable.from_frame(aware).bounds()[0]


def test_end_before_start_names_the_action_and_both_values():
    with pytest.raises(ValidationError) as caught:
        ActionTable.from_records(
            [{"id": "late", "start_date": "2024-01-02", "end_date": "2024-01-01T23:00:00Z"}]
        )
    [problem] = caught.value.problems
    assert problem["pointer"] == "/0/end_date"
    assert "'late'" in problem["detail"]
    assert "2024-01-01T23:00:00.000000Z" in problem["detail"]
    assert "2024-01-02T00:00:00.000000Z" in problem["detail"]


def test_every_bad_record_is_reported():
    with pytest.raises(ValidationError) as caught:
        ActionTable.from_records(
            [
                {"id": "a", "start_date": "not a date"},
                {"start_date": "2024-01-01", "colour": "red"},
                {"id": "b", "start_date": "2024-01-01", "form": ["x"]},
            ]
        )
    pointers = [p["pointer"] for p in caught.value.problems]
    assert pointers == ["/1/colour", "/1/id", "/2/form"]
    with pytest.raises(ValidationError, match="'not a date'"):
        ActionTable.from_records([{"id": "a", "start_date": "not a date"}])


def test_unknown_how_and_order_are_argument_errors():
    table = ActionTable.from_arrays([1], [0])
    with pytest.raises(ArgumentError, match="'inside'"):
        table.during(Period(), how="inside")
    with pytest.raises(ArgumentError, match="'end'"):
        table.during(Period(), order="end")


def test_empty_table():
    table = ActionTable.from_records([])
    assert len(table) == 0
    assert table.during(~PeriodSet()).tolist() == []
    assert table.form_values("x", [])[0].tolist() == []


@given(periods())
def test_infinite_actions_overlap_everything(period):
    table = ActionTable.from_arrays(
        ["all", "left"], [time.NEG_INF, time.NEG_INF], [time.POS_INF, 0]
    )
    assert table.during(period).tolist() == ([0, 1] if period.lo <= 0 else [0])


# --- custom form fields -------------------------------------------------------------


# JSON values of every kind, lists of one length included (numpy would
# gladly read those as a second dimension).
json_values = st.integers() | st.text(max_size=2) | st.none() | st.lists(st.integers(), max_size=2)
forms = st.dictionaries(st.sampled_from(["a", "b", "c"]), json_values)


@given(st.lists(forms, max_size=12), st.sampled_from(["a", "b", "c", "d"]), st.data())
def test_form_values_match_reference(rows, name, data):
    table = ActionTable.from_records(
        {"id": i, "start_date": "2024-01-01", "form": form} for i, form in enumerate(rows)
    )
    chosen = data.draw(
        st.lists(st.integers(0, max(len(rows) - 1, 0)), max_size=len(rows)) if rows else st.just([])
    )
    present, values = table.form_values(name, chosen)
    assert present.tolist() == [name in rows[i] for i in chosen]
    assert values == [rows[i][name] for i in chosen if name in rows[i]]


# --- memory ------------------------------------------------------------------


def test_at_most_48_bytes_per_action_beyond_the_strings():
    # The benchmark generator's shape: int ids, 20 categories, 4 statuses and
    # 10 custom fields at 30% fill, in shuffled order so the permutation is kept.
    n = 20_000
    rng = np.random.default_rng(4)
    form = {}
    for k in range(10):
        rows = np.flatnonzero(rng.random(n) < 0.3)
        values = pd.Categorical.from_codes(rng.integers(0, 8, len(rows)), list("abcdefgh"))
        form[f"field_{k}"] = SparseColumn.from_positions(n, rows, values)
    starts = rng.integers(0, 10**15, n)
    table = ActionTable.from_arrays(
        np.arange(n),
        starts,
        starts + rng.integers(0, 4 * 3600 * 10**6, n),
        columns={
            "category": pd.Categorical.from_codes(
                rng.integers(0, 20, n), list("abcdefghijklmnopqrst")
            ),
            "status": pd.Categorical.from_codes(rng.integers(0, 4, n), list("wxyz")),
        },
        form=form,
    )
    used = table.memory()
    assert used["objects"] == 0
    assert used["fixed"] / n <= 48


def test_records_with_every_field_stay_within_48_bytes_beyond_their_values():
    n = 5_000
    table = ActionTable.from_records(
        {
            **RECORDS[0],
            "id": f"a{i}",
            "start_date": f"2024-08-{1 + (7 * i) % 28:02d}T10:00:00Z",
            "end_date": None,
            "form": {f"f{k}": "x" for k in range(10) if (i * 7 + k) % 10 < 3},
        }
        for i in range(n)
    )
    assert table.memory()["fixed"] / n <= 48


def only_problem(caught):
    """The single problem of a ValidationError, as (pointer, detail)."""
    (problem,) = caught.value.problems
    return problem["pointer"], problem["detail"]


@pytest.mark.parametrize("field", ["start_date", "end_date", "created_at", "updated_at"])
@pytest.mark.parametrize("others", [[], [{"id": "b", "start_date": "2024-01-01"}]])
def test_a_whole_number_in_a_record_is_not_an_instant(field, others):
    # Alone or next to a text date, a record's int is refused the same way.
    record = {"id": "a", "start_date": "2024-01-01", field: 5}
    with pytest.raises(ValidationError) as caught:
        ActionTable.from_records([record, *others])
    pointer, detail = only_problem(caught)
    assert pointer == f"/0/{field}"
    assert "action 'a'" in detail and "5 is not an instant" in detail


@pytest.mark.parametrize(
    ("field", "value"), [("category", ["x"]), ("team_id", {"t": 1}), ("status", ["done"])]
)
def test_an_unhashable_category_names_field_action_and_value(field, value):
    records = [{"id": "a", "start_date": "2024-01-02"}, {"id": "b", "start_date": "2024-01-02"}]
    records[1][field] = value
    with pytest.raises(ValidationError) as caught:
        ActionTable.from_records(records)
    pointer, detail = only_problem(caught)
    assert pointer == f"/1/{field}"
    assert f"action 'b': {field} {value!r}" in detail


def test_from_frame_refuses_what_is_not_a_frame():
    with pytest.raises(ValidationError) as caught:
        ActionTable.from_frame([{"id": "a"}])
    assert only_problem(caught) == ("", "[{'id': 'a'}] is not a DataFrame")


def test_from_frame_refuses_a_repeated_column():
    frame = pd.DataFrame([["a", "2024-01-01", "2024-01-02"]], columns=["id", *["start_date"] * 2])
    with pytest.raises(ValidationError) as caught:
        ActionTable.from_frame(frame)
    assert only_problem(caught) == ("/start_date", "column 'start_date' appears more than once")


def test_from_frame_refuses_a_missing_id_as_from_records_does():
    starts = pd.to_datetime(["2024-01-01", "2024-01-02"])
    with pytest.raises(ValidationError) as from_frame:
        ActionTable.from_frame(pd.DataFrame({"id": ["a", None], "start_date": starts}))
    with pytest.raises(ValidationError) as from_records:
        ActionTable.from_records([{"id": "a", "start_date": "2024-01-01"}, {"start_date": "2024"}])
    assert (
        only_problem(from_frame) == only_problem(from_records) == ("/1/id", "an action needs an id")
    )


@pytest.mark.parametrize("records", [{"id": "a"}, "a", None, 5])
def test_records_must_be_a_list(records):
    with pytest.raises(ValidationError) as caught:
        ActionTable.from_records(records)
    assert only_problem(caught) == ("", f"the action records must be a list, not {records!r}")


@pytest.mark.parametrize("method", ["form_values", "bounds", "column"])
@pytest.mark.parametrize("bad", [2, -1])
def test_positions_outside_the_table_are_refused(method, bad):
    table = ActionTable.from_arrays(["a", "b"], [5, 0])
    call = {
        "form_values": lambda: table.form_values("x", [0, bad]),
        "bounds": lambda: table.bounds([0, bad]),
        "column": lambda: table.column("id", [0, bad]),
    }[method]
    with pytest.raises(ArgumentError) as caught:
        call()
    assert caught.value.location == "positions/1"
    assert f"position {bad} (item 1) is not a row of the table (expected 0 to 1)" in str(
        caught.value
    )


def test_positions_must_be_row_numbers():
    with pytest.raises(ArgumentError) as caught:
        ActionTable.from_arrays(["a"], [0]).form_values("x", ["a"])
    assert caught.value.location == "positions"
    assert "['a']" in str(caught.value)


def test_equals_compares_categories_with_and_without_missing():
    table = ActionTable.from_arrays(
        ["a", "b", "c", "d"], [0, 0, 0, 0], columns={"team_id": ["t1", "t2", None, "t1"]}
    )
    assert table.equals("team_id", "t1").tolist() == [True, False, False, True]
    assert table.equals("team_id", "t1", [2, 3], missing=True).tolist() == [True, True]
    assert table.equals("team_id", ["t1"]).tolist() == [False] * 4
    assert ActionTable.from_arrays(["a"], [0]).equals("status", "x", missing=True).tolist() == [
        True
    ]
    with pytest.raises(ArgumentError) as caught:
        table.equals("user", "x")
    assert caught.value.location == "user" and "'user' is not a categorical field" in str(
        caught.value
    )


@pytest.mark.parametrize("field", ["start_date", "end_date", "created_at", "updated_at"])
def test_a_nested_value_in_a_date_is_a_problem_not_a_recursion_error(field):
    deep: list = []
    for _ in range(10_000):
        deep = [deep]
    record = {"id": "a", "start_date": "2024-01-01", field: deep}
    with pytest.raises(ValidationError) as caught:
        ActionTable.from_records([record])
    pointer, detail = only_problem(caught)
    assert pointer == f"/0/{field}"
    assert detail.startswith("action 'a': [[[[") and detail.endswith("is not an instant")


@settings(max_examples=40)
@given(action_tables(max_size=10), st.sampled_from(["pyarrow", "polars"]))
def test_arrow_and_polars_frames_read_as_the_pandas_frame(table, to):
    # Mappings (form, user) have no one Arrow type: the columns that do are read here.
    frame = table.to_frame().drop(columns=["form", "user"], errors="ignore")
    other = pa.Table.from_pandas(frame) if to == "pyarrow" else pl.from_pandas(frame)
    expected, again = ActionTable.from_frame(frame), ActionTable.from_frame(other)
    assert again.ids.tolist() == expected.ids.tolist()
    for left, right in zip(again.bounds(), expected.bounds(), strict=True):
        assert_array_equal(left, right)


def test_arrow_and_polars_frames_read_every_column_as_pandas_does():
    frame = pd.DataFrame(RECORDS).drop(columns=["form", "user"])
    for name in ("start_date", "end_date", "created_at", "updated_at"):
        frame[name] = pd.to_datetime(frame[name], format="ISO8601", utc=True)
    expected = ActionTable.from_frame(frame)
    for other in (pa.Table.from_pandas(frame), pl.from_pandas(frame)):
        again = ActionTable.from_frame(other)
        for left, right in zip(again.bounds(), expected.bounds(), strict=True):
            assert_array_equal(left, right)
        for name in frame.columns.drop(["id", "start_date", "end_date"]):
            left, right = again.column(name).tolist(), expected.column(name).tolist()
            assert [None if pd.isna(v) else v for v in left] == [
                None if pd.isna(v) else v for v in right
            ], name


def test_a_signalling_nan_id_is_refused_as_a_missing_id_not_a_crash():
    # Found by the hostile-input tests: pandas' isna raises on Decimal("sNaN").
    with pytest.raises(ValidationError) as caught:
        ActionTable.from_arrays([Decimal("sNaN"), "b", None], [0, 1, 2])
    assert [p["pointer"] for p in caught.value.problems] == ["/0/id", "/2/id"]


@pytest.mark.parametrize("dtype", ["Int64", "int64[pyarrow]"])
def test_nullable_int_columns_keep_their_ints(dtype):
    # Read through numpy they became floats: 7 came back as 7.0, and 2**60 + 1 rounded.
    frame = pd.DataFrame(
        {
            "id": [1, 2],
            "start_date": [0, 0],
            "team_id": pd.array([7, None], dtype=dtype),
            "user": pd.array([2**60 + 1, None], dtype=dtype),
        }
    )
    read = ActionTable.from_frame(frame).to_frame()
    assert read["team_id"].tolist()[0] == 7 and type(read["team_id"].tolist()[0]) is int
    assert read["user"].tolist() == [2**60 + 1, None]
