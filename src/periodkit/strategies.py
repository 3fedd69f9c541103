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

from periodkit.periods import Period, PeriodSet
from periodkit.time import (
    FIRST_US,
    LAST_US,
    NEG_INF,
    POS_INF,
    format_instant,
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

    @st.composite
    def build(draw: st.DrawFn) -> Period:
        first = draw(bound)
        if max_length_us is not None and first not in (NEG_INF, POS_INF):
            length = draw(st.integers(0, max_length_us))
            return Period.from_micros(first, min(first + length, POS_INF))
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


_ENTITY_TYPES = ("OFFICE", "ACTION", "PERSON", "ACTION_SUBSCRIPTION")


def _whole(name: str, value: object, least: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < least:
        raise ValueError(f"{name}={value!r} must be a whole number >= {least}")


def entity_graphs(
    *,
    max_entities: int = 8,
    types: tuple[str, ...] = _ENTITY_TYPES,
    max_periods: int = 3,
    max_parents: int = 4,
    min_year: int = 2000,
    max_year: int = 2030,
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Dataset ``entities`` lists (SPEC section 6) whose dependencies form a random DAG.

    Entities ``e0``, ``e1``, ... depend only on earlier ones, on up to
    ``max_parents`` parents of the given ``types`` (a parent may appear twice,
    with two spans); dependencies carry a span half the time. Entities own
    up to ``max_periods`` periods (often none). Bounds cluster in a window of
    a few microseconds, so that periods touch, abut and overlap, and are
    written every way the entity dialect allows: ISO text with microseconds,
    an omitted key, null, or the infinity sentinels. Shrinks towards few
    entities with no periods or dependencies.

    >>> from hypothesis import given
    >>> from periodkit.graph import EntityGraph
    >>> @given(entity_graphs(max_entities=3))
    ... def test_loads(records):
    ...     assert EntityGraph.from_records(records).ids[0] == "e0"
    >>> test_loads()
    """
    _whole("max_entities", max_entities, 1)
    _whole("max_periods", max_periods, 0)
    _whole("max_parents", max_parents, 0)
    if not types or not all(isinstance(t, str) and t.isupper() for t in types):
        raise ValueError(f"types={types!r} must be a non-empty tuple of upper-case words")
    if min_year < 1971 or max_year > 9998:
        # The entity dialect reads 1970-01-01 00:00:00 and 9999-12-31 23:59:59 as infinities.
        raise ValueError(f"years {min_year}..{max_year} must lie within 1971..9998")
    lo, hi = _year_bounds(min_year, max_year)

    @st.composite
    def build(draw: st.DrawFn) -> list[dict[str, Any]]:
        base = draw(st.integers(lo, hi - 100))
        finite = st.integers(0, 60).map(lambda offset: base + offset)

        def bounds(item: dict[str, Any]) -> dict[str, Any]:
            start, end = sorted(draw(st.lists(finite, min_size=2, max_size=2)))
            for key, value, sentinel in (
                ("start_date", start, "1970-01-01 00:00:00"),
                ("end_date", end, "9999-12-31 23:59:59"),
            ):
                written = draw(st.sampled_from(["finite", "finite", "omitted", "null", "sentinel"]))
                if written == "finite":
                    item[key] = format_instant(value, precision="us")
                elif written != "omitted":
                    item[key] = None if written == "null" else sentinel
            return item

        count = draw(st.integers(1, max_entities))
        records: list[dict[str, Any]] = []
        for index in range(count):
            record: dict[str, Any] = {"id": f"e{index}", "type": draw(st.sampled_from(types))}
            owned = draw(st.integers(0, max_periods))
            if owned:
                record["periods"] = [bounds({}) for _ in range(owned)]
            if index:
                parents = draw(st.lists(st.integers(0, index - 1), max_size=max_parents))
                record["parents"] = [
                    bounds({"id": f"e{p}"}) if draw(st.booleans()) else {"id": f"e{p}"}
                    for p in parents
                ]
            records.append(record)
        return records

    return build()
