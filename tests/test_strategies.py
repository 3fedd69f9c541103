import numpy as np
import pytest
from hypothesis import given
from hypothesis.errors import InvalidArgument

from periodkit import Period, PeriodSet
from periodkit.strategies import (
    activity_bodies,
    date_texts,
    instants,
    micros,
    naive_datetimes,
    period_sets,
    periods,
    query_frames,
)
from periodkit.time import NEG_INF, POS_INF, span_micros


@given(micros(min_year=2000, max_year=2001, infinities=False))
def test_micros_respect_the_years(us):
    assert span_micros("2000")[0] <= us <= span_micros("2001")[1]


@given(periods(max_length_us=100, infinities=False))
def test_periods_respect_max_length(p):
    assert p.hi - p.lo <= 100 and p.lo > NEG_INF and p.hi < POS_INF


@given(periods(max_length_us=100, infinities=False, min_year=9999))
def test_capped_periods_stay_finite_at_the_end_of_the_timeline(p):
    # Found by hypothesis: a start near 9999-12-31 plus a length reached +inf.
    assert p.hi < POS_INF


@given(period_sets(max_atoms=3))
def test_period_sets_are_period_sets(s):
    assert isinstance(s, PeriodSet)


@given(instants(min_year=1999, max_year=1999))
def test_instants_are_scalars(t):
    assert t in (Period().start, Period().end) or t.year == 1999


@pytest.mark.parametrize(
    ("strategy", "kwargs", "message"),
    [
        (micros, {"min_year": 0}, "min_year=0 must be a whole year from 1 to 9999"),
        (instants, {"max_year": 10000}, "max_year=10000 must be a whole year"),
        (
            naive_datetimes,
            {"min_year": 2001, "max_year": 2000},
            "min_year=2001 is after max_year=2000",
        ),
        (
            periods,
            {"max_length_us": -1},
            r"max_length_us=-1 must be a whole number from 0 to 2\*\*63-1",
        ),
        (
            period_sets,
            {"max_atoms": -1},
            r"max_atoms=-1 must be a whole number from 0 to 2\*\*63-1",
        ),
    ],
)
def test_bad_arguments_are_named(strategy, kwargs, message):
    with pytest.raises(InvalidArgument, match=message):
        strategy(**kwargs).example()


def test_a_clustered_that_is_not_a_bool_is_named():
    # Found by the hostile-input test: an array's truth value raised ValueError.
    with pytest.raises(InvalidArgument, match=r"clustered=.* must be True or False"):
        period_sets(clustered=np.array([None, {}, []], dtype=object)).validate()


# --- query tables and Activities bodies -----------------------------------------------

QUERY_SCHEMA = {"Num": "int", "Amount": "float", "Note": "memo", "At": "datetime", "Ok": "bool"}


@given(query_frames(QUERY_SCHEMA, min_rows=2, max_rows=5))
def test_query_frames_follow_the_schema(frame):
    from periodkit.query import Table

    assert frame.columns.tolist() == list(QUERY_SCHEMA)
    assert 2 <= len(frame) <= 5
    Table.from_frame(frame, QUERY_SCHEMA, prepare=True)


@given(date_texts(min_year=2019, max_year=2019))
def test_date_texts_name_spans_that_touch_their_years(text):
    first, last = span_micros(text)
    assert span_micros("2018-12-31")[0] <= first <= last <= span_micros("2020-01-01")[1]


@given(activity_bodies(QUERY_SCHEMA, max_filters=1))
def test_activity_bodies_parse(body):
    from periodkit.query import parse_activities

    assert len(parse_activities(body, QUERY_SCHEMA).where) <= 1


@pytest.mark.parametrize(
    ("strategy", "kwargs", "message"),
    [
        (
            query_frames,
            {"max_rows": -1},
            r"max_rows=-1 must be a whole number from 0 to 2\*\*63-1",
        ),
        (query_frames, {"min_rows": 3, "max_rows": 2}, "min_rows=3 is more than max_rows=2"),
        (query_frames, {"min_year": 0}, "min_year=0 must be a whole year"),
        (
            activity_bodies,
            {"max_filters": -1},
            r"max_filters=-1 must be a whole number from 0 to 2\*\*63-1",
        ),
    ],
)
def test_bad_query_arguments_are_named(strategy, kwargs, message):
    with pytest.raises(InvalidArgument, match=message):
        strategy(QUERY_SCHEMA, **kwargs)


def test_activity_bodies_need_a_field():
    with pytest.raises(InvalidArgument, match="schema must name at least one field"):
        activity_bodies({})
