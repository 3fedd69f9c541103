"""Hypothesis strategies for periodkit's values, for periodkit's tests and yours.

Every strategy checks its arguments up front and names the bad one. Instants
shrink towards 1970-01-01 and periods towards short ones, so failures read
easily.

>>> from hypothesis import given
>>> @given(period_sets())
... def test_double_complement(s):
...     assert ~~s == s
>>> test_double_complement()
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from periodkit.actions import ActionTable
from periodkit.periods import Period, PeriodSet
from periodkit.time import (
    FIRST_US,
    LAST_US,
    NEG_INF,
    POS_INF,
    from_micros,
    normalise_micros,
    span_micros,
)


def _year_bounds(min_year: int, max_year: int) -> tuple[int, int]:
    for name, year in (("min_year", min_year), ("max_year", max_year)):
        if not isinstance(year, int) or not 1 <= year <= 9999:
            raise ValueError(f"{name}={year!r} must be a whole year from 1 to 9999")
    if min_year > max_year:
        raise ValueError(f"min_year={min_year} is after max_year={max_year}")
    return span_micros(f"{min_year:04d}")[0], span_micros(f"{max_year:04d}")[1]


def micros(
    *, min_year: int = 1, max_year: int = 9999, infinities: bool = True
) -> st.SearchStrategy[int]:
    """Instants in the vector form (int64 microseconds), infinities included by default.

    Draws favour the edges that break code: the infinities, the first and
    last finite instants, and instants one microsecond apart.
    """
    lo, hi = _year_bounds(min_year, max_year)
    finite = st.integers(max(lo, FIRST_US + 1), min(hi, LAST_US - 1)) | st.integers(-10, 10)
    finite = finite.filter(lambda us: lo <= us <= hi).map(normalise_micros)
    if infinities:
        return st.one_of(st.sampled_from([NEG_INF, POS_INF]), finite)
    return finite


def instants(
    *, min_year: int = 1, max_year: int = 9999, infinities: bool = True
) -> st.SearchStrategy[Any]:
    """Instants in the scalar form: aware UTC datetimes, and portion's infinities by default."""
    return micros(min_year=min_year, max_year=max_year, infinities=infinities).map(from_micros)


def naive_datetimes(*, min_year: int = 1, max_year: int = 9999) -> st.SearchStrategy[dt.datetime]:
    """Naive datetimes (which periodkit reads as UTC) across the given years."""
    _year_bounds(min_year, max_year)
    return st.datetimes(
        min_value=dt.datetime(min_year, 1, 1), max_value=dt.datetime(max_year, 12, 31, 23, 59, 59)
    )


def periods(
    *,
    min_year: int = 1,
    max_year: int = 9999,
    infinities: bool = True,
    max_length_us: int | None = None,
) -> st.SearchStrategy[Period]:
    """Closed periods, instants (start == end) and infinite bounds included.

    ``max_length_us`` caps the length of finite periods, which keeps atoms of
    a set close enough to touch and overlap.
    """
    if max_length_us is not None and (not isinstance(max_length_us, int) or max_length_us < 0):
        raise ValueError(f"max_length_us={max_length_us!r} must be a whole number >= 0")
    bound = micros(min_year=min_year, max_year=max_year, infinities=infinities)
    # A capped period must not run past the years asked for, nor into +inf.
    last = _year_bounds(min_year, max_year)[1]
    cap = POS_INF if infinities else min(last, LAST_US - 1)

    @st.composite
    def build(draw: st.DrawFn) -> Period:
        first = draw(bound)
        if max_length_us is not None and first not in (NEG_INF, POS_INF):
            length = draw(st.integers(0, max_length_us))
            return Period.from_micros(first, max(first, min(first + length, cap)))
        second = draw(bound)
        return Period.from_micros(min(first, second), max(first, second))

    return build()


def period_sets(
    *,
    min_year: int = 1,
    max_year: int = 9999,
    infinities: bool = True,
    max_atoms: int = 6,
    clustered: bool = True,
) -> st.SearchStrategy[PeriodSet]:
    """Period sets of up to ``max_atoms`` periods before merging.

    ``clustered`` (the default) draws short periods in one small window half
    the time, so that atoms touch, abut (one microsecond apart) and overlap.
    """
    if not isinstance(max_atoms, int) or max_atoms < 0:
        raise ValueError(f"max_atoms={max_atoms!r} must be a whole number >= 0")
    anywhere = periods(min_year=min_year, max_year=max_year, infinities=infinities)
    parts = st.lists(anywhere, max_size=max_atoms)
    if clustered:
        lo, hi = _year_bounds(min_year, max_year)
        window = st.integers(max(lo, FIRST_US + 1), max(lo, min(hi, LAST_US - 1) - 100))

        @st.composite
        def near(draw: st.DrawFn) -> list[Period]:
            base = draw(window)
            offsets = st.tuples(st.integers(0, 60), st.integers(0, 40))
            pairs = draw(st.lists(offsets, max_size=max_atoms))
            extra = draw(st.lists(anywhere, max_size=2))
            return [Period.from_micros(base + a, min(base + a + b, hi)) for a, b in pairs] + extra

        parts = st.one_of(parts, near())
    return parts.map(PeriodSet)


def action_tables(
    *,
    max_size: int = 20,
    min_year: int = 1,
    max_year: int = 9999,
    infinities: bool = True,
    form_fields: tuple[str, ...] = ("department", "budget", "owner"),
) -> st.SearchStrategy[ActionTable]:
    """Action tables of up to ``max_size`` actions, in no particular order.

    Actions reuse each other's periods (duplicate starts), include instants
    (end == start) and, unless ``infinities=False``, infinite bounds. Each
    action has a random subset of ``form_fields`` as custom fields. Shrinks
    towards fewer, shorter actions without custom fields.

    >>> from hypothesis import given, settings
    >>> @settings(deadline=None)
    ... @given(action_tables(max_size=5))
    ... def test_everything_overlaps_everything(table):
    ...     assert len(table.during(Period())) == len(table)
    >>> test_everything_overlaps_everything()
    """
    if not isinstance(max_size, int) or max_size < 0:
        raise ValueError(f"max_size={max_size!r} must be a whole number >= 0")
    if not isinstance(form_fields, tuple) or not all(
        isinstance(name, str) and name for name in form_fields
    ):
        raise ValueError(f"form_fields={form_fields!r} must be a tuple of non-empty strings")
    span = periods(min_year=min_year, max_year=max_year, infinities=infinities)
    values = st.integers(0, 9) | st.text(max_size=3)
    forms = (
        st.dictionaries(st.sampled_from(form_fields), values, max_size=len(form_fields))
        if form_fields
        else st.just({})
    )

    @st.composite
    def build(draw: st.DrawFn) -> ActionTable:
        pool = draw(st.lists(span, min_size=1, max_size=4))
        rows = draw(st.lists(st.sampled_from(pool) | span, max_size=max_size))
        return ActionTable.from_records(
            {"id": f"a{index}", "start_date": p.lo, "end_date": p.hi, "form": draw(forms)}
            for index, p in enumerate(rows)
        )

    return build()
