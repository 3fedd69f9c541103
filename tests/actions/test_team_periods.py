"""Team periods: read from records, found by id, listed when they overlap a period."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from periodkit.actions.team_periods import TeamPeriods
from periodkit.errors import ArgumentError, ValidationError
from periodkit.periods import Period
from periodkit.time import to_micros

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


@pytest.fixture
def periods():
    return TeamPeriods.from_records(PERIODS)


def test_periods_keep_their_fields_as_values(periods):
    [first] = periods.overlapping(Period("2024-08-13", "2024-08-14"), team_id="t1")
    assert first.period_id == 1 and first.entity_id == "t1"
    assert first.period == Period("2024-08-12T00:00:00Z", "2024-08-25T23:59:59.999Z")
    assert first.data == {
        "name": "Sprint 32",
        "created_at": to_micros("2024-08-01T11:58:19.349Z"),
        "updated_at": to_micros("2024-08-01T11:58:19.349Z"),
        "markers": [{"name": "Review", "timestamp": to_micros("2024-08-23T15:00:00Z")}],
    }


def test_without_a_team_every_team_counts(periods):
    assert [p.period_id for p in periods.overlapping(Period())] == [3, 1, 2]
    assert [p.period_id for p in periods.overlapping(Period(), team_id="t2")] == [3]


@given(st.integers(0, 60), st.integers(0, 60))
def test_overlapping_matches_reference(a, b):
    periods = TeamPeriods.from_records(PERIODS)
    day = 86_400_000_000
    lo = to_micros("2024-08-01") + min(a, b) * day
    hi = to_micros("2024-08-01") + max(a, b) * day
    expected = [p.period_id for p in periods if p.period.lo <= hi and p.period.hi >= lo]
    found = periods.overlapping(Period.from_micros(lo, hi))
    assert [p.period_id for p in found] == expected


def test_overlapping_needs_a_period(periods):
    with pytest.raises(ArgumentError, match="'2024' is not a Period"):
        periods.overlapping("2024")


@pytest.mark.parametrize("identifier", [1, "Q3 2024", "é", "x" * 129, "a/b"])
def test_every_loaded_period_is_found_by_its_id_as_text(identifier):
    periods = TeamPeriods.from_records([{"id": identifier}, {"id": "sprint-1"}])
    assert periods.find(str(identifier)).period_id == identifier
    assert periods.find("sprint-2") is None
    assert not periods.whole_ids
    assert TeamPeriods.from_records([{"id": 1}]).whole_ids


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
