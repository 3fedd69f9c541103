"""Hypothesis strategies for periodkit's values, for periodkit's tests and yours.

Every strategy checks its arguments up front and names the bad one, with
hypothesis' own ``InvalidArgument``. Instants
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
import math
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from periodkit.actions.forms import form_columns
from periodkit.actions.table import ActionTable
from periodkit.errors import QueryError, quote
from periodkit.periods import Period, PeriodSet
from periodkit.query.schema import Schema
from periodkit.time import (
    FIRST_US,
    LAST_US,
    NAT,
    NEG_INF,
    POS_INF,
    format_instant,
    from_micros,
    moment_of,
    normalise_micros,
    span_micros,
)

_MOST = 2**63 - 1


def _whole(name: str, value: object, least: int) -> None:
    # A count past int64 describes nothing that can be drawn, and hypothesis
    # itself overflows on sizes past a float's range.
    if not isinstance(value, int) or isinstance(value, bool) or not least <= value <= _MOST:
        raise InvalidArgument(
            f"{name}={quote(value)} must be a whole number from {least} to 2**63-1"
        )


def _flag(name: str, value: object) -> None:
    if not isinstance(value, bool):
        raise InvalidArgument(f"{name}={quote(value)} must be True or False")


def _columns(schema: object) -> list[Any]:
    """The columns of a schema argument, which must name at least one field."""
    try:
        columns = Schema.of(schema).columns  # type: ignore[arg-type]
    except QueryError as exc:
        raise InvalidArgument(f"schema: {exc}") from None
    if not columns:
        raise InvalidArgument("schema must name at least one field")
    return list(columns)


def _year_bounds(min_year: int, max_year: int) -> tuple[int, int]:
    for name, year in (("min_year", min_year), ("max_year", max_year)):
        if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= 9999:
            raise InvalidArgument(f"{name}={quote(year)} must be a whole year from 1 to 9999")
    if min_year > max_year:
        raise InvalidArgument(f"min_year={min_year} is after max_year={max_year}")
    return span_micros(f"{min_year:04d}")[0], span_micros(f"{max_year:04d}")[1]


def micros(
    *, min_year: int = 1, max_year: int = 9999, infinities: bool = True
) -> st.SearchStrategy[int]:
    """Instants in the vector form (int64 microseconds), infinities included by default.

    Draws favour the edges that break code: the infinities, the first and
    last finite instants, and instants one microsecond apart.

    >>> from hypothesis import find
    >>> find(micros(min_year=2000, max_year=2000, infinities=False), lambda us: True)
    946684800000000
    """
    lo, hi = _year_bounds(min_year, max_year)
    finite = st.integers(max(lo, FIRST_US + 1), min(hi, LAST_US - 1)) | st.integers(-10, 10)
    finite = finite.filter(lambda us: lo <= us <= hi).map(normalise_micros)
    _flag("infinities", infinities)
    if infinities:
        return st.one_of(st.sampled_from([NEG_INF, POS_INF]), finite)
    return finite


def instants(
    *, min_year: int = 1, max_year: int = 9999, infinities: bool = True
) -> st.SearchStrategy[Any]:
    """Instants in the scalar form: aware UTC datetimes, and portion's infinities by default.

    >>> from hypothesis import find
    >>> find(instants(min_year=2000, max_year=2000, infinities=False), lambda t: True)
    datetime.datetime(2000, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)
    """
    return micros(min_year=min_year, max_year=max_year, infinities=infinities).map(from_micros)


def naive_datetimes(*, min_year: int = 1, max_year: int = 9999) -> st.SearchStrategy[dt.datetime]:
    """Naive datetimes (which periodkit reads as UTC) across the given years.

    >>> from hypothesis import find
    >>> find(naive_datetimes(min_year=2000, max_year=2000), lambda t: True)
    datetime.datetime(2000, 1, 1, 0, 0)
    """
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

    >>> from hypothesis import find
    >>> find(periods(infinities=False, max_length_us=10), lambda p: p.hi > p.lo)
    Period(start='1970-01-01T00:00:00Z', end='1970-01-01T00:00:00.000001Z')
    """
    if max_length_us is not None:
        _whole("max_length_us", max_length_us, 0)
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

    >>> from hypothesis import find
    >>> len(find(period_sets(), lambda s: len(s) >= 2))
    2
    """
    _whole("max_atoms", max_atoms, 0)
    _flag("clustered", clustered)
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


# --- query tables and Activities bodies ------------------------------------------

# Small pools make ties, equal-when-casefolded texts and matching filters
# common; the wide draws add the edges (int64 extremes, infinities, odd text).
_QUERY_INTS = (-3, -1, 0, 1, 2, 3, 7, 2**62)
_QUERY_FLOATS = (-2.5, -0.0, 0.0, 1.0, 2.25, 1e300)
_QUERY_TEXTS = ("", "a", "A", "b", "ss", "SS", "ß", "Due Date", "due date", "ǅ")
_UTC_OFFSETS = ("", "Z", "+05:30", "-08:00")
_SPAN_PRECISIONS = ("year", "month", "day", "hour", "minute", "second", "fraction")


def _rows(min_rows: int, max_rows: int) -> None:
    _whole("min_rows", min_rows, 0)
    _whole("max_rows", max_rows, 0)
    if min_rows > max_rows:
        raise InvalidArgument(f"min_rows={min_rows} is more than max_rows={max_rows}")


def _query_instants(min_year: int, max_year: int) -> st.SearchStrategy[int]:
    lo, hi = _year_bounds(min_year, max_year)
    month_edges = [
        span_micros(f"{year:04d}-{month:02d}")[0] + shift
        for year in sorted({min_year, max_year})
        for month in (1, 6, 12)
        for shift in (0, -1)
    ]
    return st.integers(lo, hi) | st.sampled_from([e for e in month_edges if lo <= e <= hi])


_DAY_US = 86_400_000_000


def _mostly(common: st.SearchStrategy[Any], rare: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``common`` about three draws in four, ``rare`` the rest (one_of picks branches evenly)."""
    return st.one_of(common, common, common, rare)


def _cells(kind: str, min_year: int, max_year: int) -> st.SearchStrategy[Any]:
    """Non-null values of one column type, as a frame holds them."""
    if kind == "int":
        return _mostly(st.sampled_from(_QUERY_INTS), st.integers(-(2**63), 2**63 - 1))
    if kind == "float":
        return _mostly(st.sampled_from(_QUERY_FLOATS), st.floats(allow_nan=False))
    if kind == "datetime":
        return _query_instants(min_year, max_year)
    if kind == "bool":
        return st.booleans()
    odd = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
    return _mostly(st.sampled_from(_QUERY_TEXTS), st.text(odd, max_size=4))


def query_frames(
    schema: Any,
    *,
    min_rows: int = 0,
    max_rows: int = 25,
    min_year: int = 2019,
    max_year: int = 2020,
) -> st.SearchStrategy[Any]:
    """pandas DataFrames with one column per field of ``schema`` (``{name: type}``).

    Columns hold nulls (None/NaN/NaT), ties, mixed-case texts, int64
    extremes, infinities and instants of ``min_year``..``max_year`` (as
    ``datetime64[us]``). ints are ``Int64``, bools ``boolean``, texts objects.
    Shrinks towards fewer rows.

    >>> from hypothesis import find
    >>> find(query_frames({"n": "int", "s": "string"}), lambda f: len(f) >= 2).to_dict("list")
    {'n': [-3, -3], 's': ['', '']}
    """
    columns = _columns(schema)
    _rows(min_rows, max_rows)
    _year_bounds(min_year, max_year)

    @st.composite
    def build(draw: st.DrawFn) -> pd.DataFrame:
        n = draw(st.integers(min_rows, max_rows))
        data: dict[str, Any] = {}
        for column in columns:
            cells = _mostly(_cells(column.type, min_year, max_year), st.none())
            values = draw(st.lists(cells, min_size=n, max_size=n))
            if column.type == "datetime":
                micros = [NAT if v is None else v for v in values]
                data[column.name] = np.array(micros, dtype=np.int64).view("datetime64[us]")
            elif column.type == "float":
                data[column.name] = np.array([np.nan if v is None else v for v in values])
            else:
                dtype: Any = {"int": "Int64", "bool": "boolean"}.get(column.type, object)
                data[column.name] = pd.array(values, dtype=dtype)
        return pd.DataFrame(data, columns=[c.name for c in columns])

    return build()


def date_texts(*, min_year: int = 2019, max_year: int = 2020) -> st.SearchStrategy[str]:
    """Dates as filters write them: a year, month, day, hour, minute, second or instant,
    with or without a UTC offset (``Z``, ``+05:30``, ``-08:00``) once a time is given.

    >>> from hypothesis import find
    >>> find(date_texts(), lambda text: True)
    '2019'
    """
    # A day's margin keeps a shifted local time inside years 0001..9999.
    moments = _query_instants(min_year, max_year).filter(
        lambda us: FIRST_US + _DAY_US <= us <= LAST_US - _DAY_US
    )

    @st.composite
    def build(draw: st.DrawFn) -> str:
        precision = draw(st.sampled_from(_SPAN_PRECISIONS))
        offset = (
            draw(st.sampled_from(_UTC_OFFSETS)) if precision not in _SPAN_PRECISIONS[:3] else ""
        )
        shift = 0
        if offset not in ("", "Z"):
            sign = -1 if offset[0] == "-" else 1
            shift = sign * (int(offset[1:3]) * 60 + int(offset[4:6])) * 60_000_000
        us = draw(moments)
        local = moment_of(us + shift)
        text = local.isoformat(timespec="microseconds")[:26]
        cut = {"year": 4, "month": 7, "day": 10, "hour": 13, "minute": 16, "second": 19}
        return text[: cut.get(precision, 26)] + offset

    return build()


@st.composite
def _activity_value(draw: st.DrawFn, kind: str, min_year: int, max_year: int) -> Any:
    if kind == "datetime":
        return draw(date_texts(min_year=min_year, max_year=max_year))
    # JSON has no infinities, so a body's numbers stay finite.
    value = draw(_cells(kind, min_year, max_year).filter(lambda v: v not in (math.inf, -math.inf)))
    if kind == "bool":
        return draw(st.sampled_from([value, str(value).upper(), str(value).lower()]))
    if kind in ("int", "float") and draw(st.booleans()):
        return repr(value) if kind == "float" else str(value)
    return value


def activity_bodies(
    schema: Any, *, min_year: int = 2019, max_year: int = 2020, max_filters: int = 3
) -> st.SearchStrategy[dict[str, Any]]:
    """Valid Activities POST bodies over ``schema``: filters, sort, fields, offset, limit.

    Field names come in mixed case, numbers sometimes as text, dates partial
    (``date_texts``), directions in any case or absent, null values with
    every operator, and ``limit`` 0 now and then.

    >>> from periodkit.query import parse_activities
    >>> from hypothesis import given
    >>> @given(activity_bodies({"Num": "int", "Created": "datetime"}))
    ... def test_parses(body):
    ...     parse_activities(body, {"Num": "int", "Created": "datetime"})
    >>> test_parses()
    """
    columns = _columns(schema)
    _whole("max_filters", max_filters, 0)
    _year_bounds(min_year, max_year)

    def spelt(name: str) -> st.SearchStrategy[str]:
        return st.sampled_from([name, name.lower(), name.upper()])

    @st.composite
    def condition(draw: st.DrawFn) -> dict[str, Any]:
        column = draw(st.sampled_from(columns))
        ordered = column.type in ("int", "float", "datetime")
        operation = draw(
            st.sampled_from(["=", "<>", ">", ">=", "<", "<="] if ordered else ["=", "<>"])
        )
        value = draw(_mostly(_activity_value(column.type, min_year, max_year), st.none()))
        return {"name": draw(spelt(column.name)), "value": value, "operation": operation}

    @st.composite
    def sort_key(draw: st.DrawFn) -> dict[str, Any]:
        key = {"property": draw(spelt(draw(st.sampled_from(columns)).name))}
        direction = draw(st.sampled_from([None, "asc", "desc", "ASC", "Desc"]))
        return key if direction is None else {**key, "direction": direction}

    count = _mostly(st.integers(0, 3), st.integers(0, 30))

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        parts = {
            "filters": st.lists(condition(), max_size=max_filters),
            "sort": st.lists(sort_key(), max_size=3),
            "fields": st.lists(st.sampled_from([c.name for c in columns]).flatmap(spelt)),
            "offset": count | count.map(str),
            "limit": st.just(0) | count | count.map(str),
        }
        return {key: draw(part) for key, part in parts.items() if draw(st.booleans())}

    return build()


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
    _whole("max_size", max_size, 0)
    if not isinstance(form_fields, tuple) or not all(
        isinstance(name, str) and name for name in form_fields
    ):
        raise InvalidArgument(
            f"form_fields={quote(form_fields)} must be a tuple of non-empty strings"
        )
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
        # Bounds are int64 microseconds, which only from_arrays reads: in a record a
        # whole number is not an instant.
        return ActionTable.from_arrays(
            [f"a{index}" for index in range(len(rows))],
            np.array([p.lo for p in rows], dtype=np.int64),
            np.array([p.hi for p in rows], dtype=np.int64),
            form=form_columns(len(rows), [draw(forms) for _ in rows]),
        )

    return build()


_ENTITY_TYPES = ("OFFICE", "ACTION", "PERSON", "ACTION_SUBSCRIPTION")


def entity_graphs(
    *,
    max_entities: int = 8,
    types: tuple[str, ...] = _ENTITY_TYPES,
    max_periods: int = 3,
    max_parents: int = 4,
    min_year: int = 2000,
    max_year: int = 2030,
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Dataset ``entities`` lists whose dependencies form a random DAG.

    Entities ``e0``, ``e1``, ... depend only on earlier ones, on up to
    ``max_parents`` parents of the given ``types`` (a parent may appear twice,
    with two spans); dependencies carry a span half the time. Entities own
    up to ``max_periods`` periods (often none). Bounds cluster in a window of
    a few microseconds, so that periods touch, abut and overlap, and are
    written every way the entity dialect allows: ISO text with microseconds,
    an omitted key, null, or the infinity sentinels. Shrinks towards few
    entities with no periods or dependencies.

    >>> from hypothesis import given
    >>> from periodkit.graph.entity_graph import EntityGraph
    >>> @given(entity_graphs(max_entities=3))
    ... def test_loads(records):
    ...     assert EntityGraph.from_records(records).ids[0] == "e0"
    >>> test_loads()
    """
    _whole("max_entities", max_entities, 1)
    _whole("max_periods", max_periods, 0)
    _whole("max_parents", max_parents, 0)
    if (
        not isinstance(types, tuple)
        or not types
        or not all(isinstance(t, str) and t.isupper() for t in types)
    ):
        raise InvalidArgument(f"types={quote(types)} must be a non-empty tuple of upper-case words")
    lo, hi = _year_bounds(min_year, max_year)
    if min_year < 1971 or max_year > 9998:
        # The entity dialect reads 1970-01-01 00:00:00 and 9999-12-31 23:59:59 as infinities.
        raise InvalidArgument(f"years {min_year}..{max_year} must lie within 1971..9998")

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
