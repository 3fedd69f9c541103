"""Seed 000: the team periods overlapping a range, and the actions during a period."""

from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from periodkit.actions.table import ActionTable
from periodkit.actions.team_periods import TeamPeriods
from periodkit.errors import (
    ArgumentError,
    InvalidFormFieldsError,
    InvalidPeriodIdError,
    NotFoundError,
    QueryError,
    ValidationError,
)
from periodkit.time import span_micros

PERIODS = [
    {
        "id": 1,
        "team_id": "t1",
        "name": "Sprint 32",
        "start_date": "2024-08-12T00:00:00.000Z",
        "end_date": "2024-08-25T23:59:59.999Z",
        "created_at": "2024-08-01T11:58:19.349Z",
        "updated_at": "2024-08-01T11:58:19.349Z",
        "markers": [{"name": "Review", "timestamp": "2024-08-23T15:00:00Z"}],
    },
    {"id": 2, "team_id": "t1", "name": "Sprint 33", "start_date": "2024-08-26T00:00:00Z",
     "end_date": "2024-09-08T23:59:59.999Z", "markers": []},
    {"id": 3, "team_id": "t2", "name": "Other team", "start_date": "2024-08-01T00:00:00Z",
     "end_date": None, "markers": []},
]  # fmt: skip

ACTIONS = [
    {"id": "late", "team_id": "t1", "start_date": "2024-08-20T10:00:00Z",
     "form": {"department": "sales", "budget": 10}},
    {"id": "early", "team_id": "t1", "start_date": "2024-08-11T22:00:00Z",
     "end_date": "2024-08-12T01:00:00Z", "form": {"department": "ops"}},
    {"id": "other-team", "team_id": "t2", "start_date": "2024-08-20T10:00:00Z"},
    {"id": "after", "team_id": "t1", "start_date": "2024-08-26T00:00:00Z"},
    {"id": "tie", "team_id": "t1", "start_date": "2024-08-20T10:00:00Z"},
]  # fmt: skip


@pytest.fixture
def periods():
    return TeamPeriods.from_records(PERIODS)


@pytest.fixture
def table():
    return ActionTable.from_records(ACTIONS)


def test_periods_in_the_wire_shape(periods):
    [first] = periods.overlapping("2024-08-13", "2024-08-14", team_id="t1")
    assert first == {
        "id": 1,
        "name": "Sprint 32",
        "start_date": "2024-08-12T00:00:00.000Z",
        "end_date": "2024-08-25T23:59:59.999Z",
        "created_at": "2024-08-01T11:58:19.349Z",
        "updated_at": "2024-08-01T11:58:19.349Z",
        "markers": [{"name": "Review", "timestamp": "2024-08-23T15:00:00.000Z"}],
    }


def test_the_range_is_read_as_spans(periods):
    # end_date=2024-08-25 covers that whole day; start_date=2024-08 the whole month.
    assert [p["id"] for p in periods.overlapping(None, "2024-08-25", team_id="t1")] == [1]
    assert [p["id"] for p in periods.overlapping("2024-09-08", None, team_id="t1")] == [2]
    assert [p["id"] for p in periods.overlapping("2024-08", "2024-08", team_id="t1")] == [1, 2]
    assert [p["id"] for p in periods.overlapping("2024-09-09T00:00:00Z")] == [3]


def test_without_a_team_every_team_counts_and_infinite_ends_are_null(periods):
    listed = periods.overlapping()
    assert [p["id"] for p in listed] == [3, 1, 2]
    assert listed[0]["end_date"] is None


@pytest.mark.parametrize(
    ("start", "end", "location"), [("2024-13", None, "start_date"), (None, "tomorrow", "end_date")]
)
def test_a_bad_date_names_the_parameter_and_value(periods, start, end, location):
    with pytest.raises(QueryError) as caught:
        periods.overlapping(start, end)
    assert caught.value.location == location
    assert repr(start or end) in str(caught.value)


def test_start_after_end_is_refused(periods):
    with pytest.raises(QueryError, match="'2024-09' is after end_date '2024-08'"):
        periods.overlapping("2024-09", "2024-08")


ranges = st.integers(0, 40).map(lambda d: f"2024-08-{1 + d % 31:02d}") | st.sampled_from(
    [None, "2024", "2024-09", "2024-08-25T23:59:59.999Z"]
)


@given(ranges, ranges)
def test_overlapping_matches_reference(start, end):
    periods = TeamPeriods.from_records(PERIODS)
    lo = span_micros(start)[0] if start else -(2**63)
    hi = span_micros(end)[1] if end else 2**63
    if lo > hi:
        return
    expected = {p.period_id for p in periods._periods if p.period.lo <= hi and p.period.hi >= lo}
    assert {p["id"] for p in periods.overlapping(start, end)} == expected


def test_actions_of_the_team_during_the_period_by_start(periods, table):
    answer = periods.actions("1", table, quote('["department","budget","department"]'))
    assert [a["id"] for a in answer["actions"]] == ["early", "late", "tie"]
    assert [a["form"] for a in answer["actions"]] == [
        {"department": "ops"},
        {"department": "sales", "budget": 10},
        {},
    ]
    assert answer["notes"] == [
        {"action_id": "early", "missing_fields": ["budget"]},
        {"action_id": "tie", "missing_fields": ["department", "budget"]},
    ]


def test_without_form_fields_no_custom_field_and_no_notes(periods, table):
    answer = periods.actions(1, table)
    assert all(a["form"] == {} for a in answer["actions"])
    assert answer["notes"] == []


def test_a_field_no_action_has_is_noted_for_every_action(periods, table):
    answer = periods.actions("2", table, ["colour"])
    assert answer["notes"] == [{"action_id": "after", "missing_fields": ["colour"]}]


def test_actions_without_a_team_belong_to_the_only_team():
    periods = TeamPeriods.from_records([{"id": "p", "team_id": "t1"}])
    table = ActionTable.from_records([{"id": "x", "start_date": "2024-01-01"}])
    assert [a["id"] for a in periods.actions("p", table)["actions"]] == ["x"]


@pytest.mark.parametrize("bad", ["abc", "-1", "1.5", "", " 1", None, 2.0])
def test_invalid_period_ids_with_whole_number_ids(periods, table, bad):
    with pytest.raises(InvalidPeriodIdError) as caught:
        periods.actions(bad, table)
    assert repr(bad) in str(caught.value)


@pytest.mark.parametrize("bad", ["a b", "", "x" * 129, "é", "a/b"])
def test_invalid_period_ids_with_text_ids(table, bad):
    periods = TeamPeriods.from_records([{"id": "sprint-32"}])
    with pytest.raises(InvalidPeriodIdError):
        periods.actions(bad, table)


def test_unknown_period_is_not_found(periods, table):
    with pytest.raises(NotFoundError) as caught:
        periods.actions("99", table)
    assert (caught.value.kind, caught.value.identifier) == ("period", "99")
    with pytest.raises(NotFoundError):
        TeamPeriods.from_records([{"id": "sprint-32"}]).actions("sprint-33", table)


def test_invalid_form_fields_come_before_the_lookup(periods, table):
    with pytest.raises(InvalidFormFieldsError, match="item 0"):
        periods.actions("99", table, '[""]')


def test_bad_period_records_are_all_reported():
    with pytest.raises(ValidationError) as caught:
        TeamPeriods.from_records(
            [
                {"id": 1, "start_date": "2024-02-01", "end_date": "2024-01-01"},
                {"id": 1, "colour": "red", "markers": [{"name": "x", "at": 1}]},
                {"id": True, "created_at": "yesterday"},
                "not a record",
            ]
        )
    assert [p["pointer"] for p in caught.value.problems] == [
        "/0/end_date",
        "/1/colour",
        "/1/markers/0",
        "/1/id",
        "/2/id",
        "/2/created_at",
        "/3",
    ]
    assert "start '2024-02-01' is after end '2024-01-01'" in caught.value.problems[0]["detail"]


@pytest.mark.parametrize(
    ("record", "pointer"),
    [
        ({"id": 1, "created_at": 5}, "/0/created_at"),
        ({"id": 1, "updated_at": 5}, "/0/updated_at"),
        ({"id": 1, "start_date": 5}, "/0/start_date"),
        ({"id": 1, "markers": [{"name": "m", "timestamp": 5}]}, "/0/markers/0/timestamp"),
    ],
)
def test_a_whole_number_in_a_period_record_is_not_an_instant(record, pointer):
    with pytest.raises(ValidationError) as caught:
        TeamPeriods.from_records([record])
    (problem,) = caught.value.problems
    assert problem["pointer"] == pointer and "5 is not an instant" in problem["detail"]


@pytest.mark.parametrize("records", [None, {"id": 1}, "abc"])
def test_period_records_must_be_a_list(records):
    with pytest.raises(ValidationError) as caught:
        TeamPeriods.from_records(records)
    (problem,) = caught.value.problems
    assert problem == {
        "pointer": "",
        "detail": f"the period records must be a list, not {records!r}",
    }


@pytest.mark.parametrize("identifier", ["Q3 2024", "é", "x" * 129, "a/b"])
def test_every_loaded_period_is_addressable(table, identifier):
    periods = TeamPeriods.from_records([{"id": identifier, "name": "x"}, {"id": "sprint-1"}])
    assert periods.get(identifier).period_id == identifier
    assert periods.actions(identifier, table)["actions"] is not None
    # Of the id form yet naming nothing: unknown, not invalid.
    with pytest.raises(NotFoundError):
        periods.get("sprint-2")
    with pytest.raises(InvalidPeriodIdError, match="'Q3 2025'"):
        periods.get("Q3 2025")


def test_a_boolean_is_no_period_id():
    with pytest.raises(InvalidPeriodIdError, match="True"):
        TeamPeriods.from_records([{"id": "True"}]).get(True)


def test_actions_needs_an_action_table(periods):
    with pytest.raises(ArgumentError) as caught:
        periods.actions("1", None)
    assert caught.value.location == "table" and "table None is not an ActionTable" in str(
        caught.value
    )


def test_a_nested_value_in_a_date_is_a_problem_not_a_recursion_error():
    deep: list = []
    for _ in range(10_000):
        deep = [deep]
    with pytest.raises(ValidationError) as caught:
        TeamPeriods.from_records([{"id": 1, "start_date": deep, "markers": [{"timestamp": deep}]}])
    assert [p["pointer"] for p in caught.value.problems] == [
        "/0/markers/0/timestamp",
        "/0/start_date",
    ]
