import pytest
from hypothesis import given

from periodkit import Period, PeriodSet
from periodkit.strategies import instants, micros, naive_datetimes, period_sets, periods
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
        (periods, {"max_length_us": -1}, "max_length_us=-1 must be a whole number >= 0"),
        (period_sets, {"max_atoms": -1}, "max_atoms=-1 must be a whole number >= 0"),
    ],
)
def test_bad_arguments_are_named(strategy, kwargs, message):
    with pytest.raises(ValueError, match=message):
        strategy(**kwargs).example()
