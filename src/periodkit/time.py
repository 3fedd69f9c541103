"""The one time module: parsing, formatting, infinities and partial dates.

periodkit has one timeline: UTC, discrete at one microsecond, years 0001 to
9999. An instant has two forms:

* the scalar form, an aware UTC ``datetime``, or portion's ``-P.inf`` / ``P.inf``;
* the vector form, int64 microseconds since the epoch (viewable as
  ``datetime64[us]``), where ``NAT`` (int64 min) is a missing value, ``NEG_INF``
  (int64 min + 1) is -infinity and ``POS_INF`` (int64 max) is +infinity.

The first and last instants of the timeline *are* the infinities: in the
vector form 0001-01-01T00:00:00 is stored as ``NEG_INF`` and
9999-12-31T23:59:59.999999 as ``POS_INF``, so that set operations never need a
finite bound outside the range and the two encodings never disagree.

Nobody else in periodkit parses, converts or formats dates; everything comes
here. pandas is never imported here: a value can only be a pandas object once
pandas is loaded, so its types are looked up in ``sys.modules``.

>>> parse_instant("2019-12-12T09:30:25.5-08:00")
datetime.datetime(2019, 12, 12, 17, 30, 25, 500000, tzinfo=datetime.timezone.utc)
>>> format_instant(parse_instant("2019-12-12 09:30"), dialect="entity")
'2019-12-12 09:30:00'
>>> span_micros("1970-01")[1] == 31 * 86_400_000_000 - 1
True
"""

from __future__ import annotations

import datetime as _dt
import re
import sys
from collections.abc import Iterable
from decimal import Decimal
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    NoReturn,
    Protocol,
    TypeAlias,
    TypeGuard,
    cast,
)

import numpy as np
import portion as P

from periodkit.errors import ArgumentError, ParseError, quote

if TYPE_CHECKING:
    import pandas as pd

UTC = _dt.UTC
Dialect = Literal["iso", "entity"]
Side = Literal["start", "end"]
Precision = Literal["ms", "us"]


class Infinity(Protocol):
    """The type of portion's infinities, ``-P.inf`` and ``P.inf``: one below and
    one above every other value, each the negation of the other.

    A type checker tells an instant's two kinds apart by ``isinstance(value,
    datetime)``; at run time ``is_infinite`` does the same.

    >>> from periodkit import Period
    >>> end = Period(start="2019-01-01").end
    >>> is_infinite(end), end
    (True, +inf)
    """

    def __neg__(self) -> Infinity: ...


#: What the scalar form of an instant is: an aware UTC datetime or an infinity.
Instant: TypeAlias = "_dt.datetime | Infinity"

_MINUS_INFINITY = -P.inf
NAT = int(np.iinfo(np.int64).min)
NEG_INF = NAT + 1
POS_INF = int(np.iinfo(np.int64).max)

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=UTC)
_US_PER_SECOND = 1_000_000
_US_PER_DAY = 86_400 * _US_PER_SECOND
_ONE_US = _dt.timedelta(microseconds=1)
FIRST_US = -62_135_596_800 * _US_PER_SECOND
LAST_US = 253_402_300_800 * _US_PER_SECOND - 1

ENTITY_START_SENTINEL = "1970-01-01 00:00:00"
ENTITY_END_SENTINEL = "9999-12-31 23:59:59"
# The first and last instants of the timeline, which are the infinities.
_FIRST = _EPOCH + _dt.timedelta(microseconds=FIRST_US)
_LAST = _EPOCH + _dt.timedelta(microseconds=LAST_US)
_ENTITY_END_MOMENT = _EPOCH + _dt.timedelta(microseconds=LAST_US - (_US_PER_SECOND - 1))

_EXPECTED = "an ISO 8601 instant such as 2019-12-12T09:30:25.123Z"
_SPAN_EXPECTED = "a date or date-time such as 2019, 2019-12, 2019-12-12 or 2019-12-12T09:30"

# One grammar for every textual form: instants need at least a date (and a
# time to the minute when a time is given); spans also accept the partial
# forms (year, month, hour).
_ISO = re.compile(
    r"(?P<year>\d{4})"
    r"(?:-(?P<month>\d{2})"
    r"(?:-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2})"
    r"(?::(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:\.(?P<fraction>\d+))?)?)?"
    r"(?P<offset>Z|[+-]\d{2}:\d{2})?)?)?)?",
    re.ASCII,
)
# The instants of that grammar (a date, or a date and a time to at least the
# minute) with ranges on the offset, which datetime.fromisoformat reads
# without them: a text it admits names the same instant in both readers.
_INSTANT = re.compile(
    r"\d{4}-\d{2}-\d{2}"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?)?",
    re.ASCII,
)


# --- scalar <-> vector -------------------------------------------------------


def is_infinite(value: object) -> TypeGuard[Infinity]:
    """True for portion's ``-P.inf`` and ``P.inf``.

    >>> is_infinite(P.inf), is_infinite(parse_instant("2019-01-01"))
    (True, False)
    """
    return value is P.inf or value is _MINUS_INFINITY


def normalise_micros(us: int) -> int:
    """Fold the first and last instants of the timeline onto the infinities.

    >>> normalise_micros(FIRST_US) == NEG_INF, normalise_micros(0)
    (True, 0)
    """
    if us <= FIRST_US:
        return NEG_INF if us != NAT else NAT
    if us >= LAST_US:
        return POS_INF
    return us


def to_micros(instant: object) -> int:
    """The vector form (int64 microseconds) of a scalar instant.

    Accepts every input ``parse_instant`` accepts.

    >>> to_micros("1970-01-01T00:00:01Z"), to_micros(-P.inf) == NEG_INF
    (1000000, True)
    """
    # The scalar form itself first, and with no call: most callers pass what
    # parse_instant returned.
    if type(instant) is _dt.datetime and instant.tzinfo is UTC:
        us = (instant - _EPOCH) // _ONE_US
    elif is_infinite(instant):
        return NEG_INF if instant is _MINUS_INFINITY else POS_INF
    else:
        us = _raw_micros(_scalar(instant))
    return us if FIRST_US < us < LAST_US else normalise_micros(us)


def from_micros(us: int) -> Instant:
    """The scalar form of a vector instant: aware UTC datetime or an infinity.

    >>> from_micros(0)
    datetime.datetime(1970, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)
    >>> from_micros(POS_INF)
    +inf
    """
    us = int(us)
    if us == NAT:
        raise ParseError("NaT (a missing instant) has no scalar form")
    if us <= FIRST_US:
        return -P.inf
    if us >= LAST_US:
        return P.inf
    return moment_of(us)


def moment_of(us: int) -> _dt.datetime:
    """The aware UTC datetime of a finite vector instant.

    >>> moment_of(1_000_000).isoformat()
    '1970-01-01T00:00:01+00:00'
    """
    return _EPOCH + _dt.timedelta(microseconds=us)


# --- parsing -----------------------------------------------------------------


def _two_digit_offset(text: str, offset: str) -> _dt.timedelta:
    hours, minutes = int(offset[1:3]), int(offset[4:6])
    if hours > 23 or minutes > 59:
        raise ParseError(
            f"{quote(text)} has an invalid UTC offset {quote(offset)} (expected ±HH:MM)"
        )
    sign = -1 if offset[0] == "-" else 1
    return sign * _dt.timedelta(hours=hours, minutes=minutes)


def _from_parts(text: str, parts: dict[str, str | None]) -> tuple[_dt.datetime, str]:
    """The first instant a matched text names, and its precision."""
    fraction = parts["fraction"]
    if fraction is not None and len(fraction) > 6:
        raise ParseError(
            f"{quote(text)} has {len(fraction)} fractional digits; "
            "periodkit is exact to the microsecond (at most 6)"
        )
    precision = next(
        name
        for name in ("fraction", "second", "minute", "hour", "day", "month", "year")
        if parts[name] is not None
    )
    try:
        naive = _dt.datetime(
            int(parts["year"] or 1),
            int(parts["month"] or 1),
            int(parts["day"] or 1),
            int(parts["hour"] or 0),
            int(parts["minute"] or 0),
            int(parts["second"] or 0),
            int((fraction or "0").ljust(6, "0")),
        )
    except ValueError as exc:
        raise ParseError(f"{quote(text)} is not a valid calendar date-time ({exc})") from None
    if naive.year < 1:
        raise ParseError(f"{quote(text)} is out of range: years run from 0001 to 9999")
    if parts["offset"] not in (None, "Z"):
        naive = _shift_checked(naive, _two_digit_offset(text, parts["offset"]), text)
    return naive.replace(tzinfo=UTC), precision


def _match(text: str, what: str) -> dict[str, str | None]:
    found = _ISO.fullmatch(text)
    if found is None:
        raise ParseError(f"{quote(text)} is not {what}")
    return found.groupdict()


def _shift_checked(naive: _dt.datetime, shift: _dt.timedelta, value: object) -> _dt.datetime:
    try:
        return naive - shift
    except OverflowError:
        raise ParseError(
            f"{quote(value)} is out of range once shifted to UTC: years run from 0001 to 9999"
        ) from None


def _parse_text(text: str) -> _dt.datetime:
    """The instant a text names: by ``datetime.fromisoformat`` when ``_INSTANT``
    admits the text, else (and for every error) by the grammar."""
    if _INSTANT.fullmatch(text) is not None:
        try:
            moment = _dt.datetime.fromisoformat(text)
            if moment.tzinfo is None:
                return moment.replace(tzinfo=UTC)
            return moment if moment.tzinfo is UTC else moment.astimezone(UTC)
        except (ValueError, OverflowError):
            pass  # an invalid date or an instant past the timeline: the grammar says which
    return _parse_grammar(text)


def _parse_grammar(text: str) -> _dt.datetime:
    parts = _match(text, _EXPECTED)
    if parts["day"] is None or (parts["hour"] is not None and parts["minute"] is None):
        raise ParseError(
            f"{quote(text)} is a partial date, not an instant (expected {_EXPECTED}; "
            "use parse_span for the span it names)"
        )
    moment, _ = _from_parts(text, parts)
    return moment


def _from_datetime(value: _dt.datetime) -> _dt.datetime:
    try:
        offset = value.utcoffset()
    except Exception as exc:  # a tzinfo is foreign code: whatever it raises, the value is bad
        raise ParseError(f"{quote(value)} has no valid UTC offset ({exc})") from None
    if offset is None:
        return value.replace(tzinfo=UTC)
    return _shift_checked(value.replace(tzinfo=None), offset, value).replace(tzinfo=UTC)


# Microseconds in one step of each fixed-length datetime64 unit; as a fraction
# (numerator, denominator) for the units finer than a microsecond.
_UNIT_MICROS = {
    "W": (7 * _US_PER_DAY, 1),
    "D": (_US_PER_DAY, 1),
    "h": (3600 * _US_PER_SECOND, 1),
    "m": (60 * _US_PER_SECOND, 1),
    "s": (_US_PER_SECOND, 1),
    "ms": (1000, 1),
    "us": (1, 1),
    "ns": (1, 10**3),
    "ps": (1, 10**6),
    "fs": (1, 10**9),
    "as": (1, 10**12),
}


def _datetime64_micros(value: np.datetime64) -> int:
    """A datetime64 scalar's microseconds since the epoch, in exact integer arithmetic:
    numpy's own casts wrap silently past the range of the target unit."""
    unit, count = np.datetime_data(value.dtype)
    steps = int(value.astype(np.int64)) * count
    if unit in ("Y", "M"):
        # Calendar units: a year within the timeline names a representable month.
        year = 1970 + (steps if unit == "Y" else steps // 12)
        if not 1 <= year <= 9999:
            return NAT
        return int(
            np.array([steps], f"datetime64[{unit}]").astype("datetime64[us]").view(np.int64)[0]
        )
    numerator, denominator = _UNIT_MICROS[unit]
    micros, rest = divmod(steps * numerator, denominator)
    if rest:
        raise ParseError(f"{quote(value)} has nanoseconds; periodkit is exact to the microsecond")
    return micros if FIRST_US <= micros <= LAST_US else NAT


def parse_instant(value: object, dialect: Dialect = "iso") -> Instant:
    """Read one instant into the scalar form.

    Accepts ISO 8601 text (``T`` or a space, 0 to 6 fractional digits, ``Z``,
    ``±HH:MM`` or no offset, which means UTC; or a date alone), ``datetime``,
    ``date``, ``numpy.datetime64`` and ``pandas.Timestamp``. Naive values are
    UTC. portion's infinities pass through. In the ``entity`` dialect the
    sentinels ``1970-01-01 00:00:00`` and ``9999-12-31 23:59:59`` read as
    ``-P.inf`` and ``P.inf``.

    >>> parse_instant("2024-08-12T11:58:19.349Z")
    datetime.datetime(2024, 8, 12, 11, 58, 19, 349000, tzinfo=datetime.timezone.utc)
    >>> parse_instant("9999-12-31 23:59:59", dialect="entity")
    +inf
    >>> parse_instant(None)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    periodkit.errors.ParseError: None is not an instant (expected an ISO 8601 instant ...)
    """
    if type(value) is str and type(dialect) is str and dialect == "iso":
        return _parse_text(value)
    _check_options(dialect)
    if is_infinite(value):
        return value
    moment = _scalar(value)
    if dialect == "entity":
        if moment == _EPOCH:
            return -P.inf
        if moment >= _ENTITY_END_MOMENT:
            return P.inf
    return moment


def _pandas() -> Any:
    """The pandas module if it is loaded, else None; only then can a value be a pandas object."""
    return sys.modules.get("pandas")


def _scalar(value: object) -> _dt.datetime:
    if isinstance(value, str):
        return _parse_text(value)
    pd = _pandas()
    if pd is not None and value is pd.NaT:
        raise ParseError(f"{quote(value)} (a missing value) is not an instant")
    if pd is not None and isinstance(value, pd.Timestamp):
        # Its datetime64 holds the UTC value exactly, in its own unit: read as one,
        # it is checked against the timeline (a zone's shift can leave it).
        return _scalar(value.asm8)
    if isinstance(value, _dt.datetime):
        return _from_datetime(value)
    if isinstance(value, _dt.date):
        return _dt.datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            raise ParseError(f"{quote(value)} (a missing value) is not an instant")
        micros = _datetime64_micros(value)
        if not FIRST_US <= micros <= LAST_US:
            raise ParseError(f"{quote(value)} is out of range: years run from 0001 to 9999")
        return _EPOCH + _dt.timedelta(microseconds=micros)
    raise ParseError(f"{quote(value)} is not an instant (expected {_EXPECTED})")


def parse_bound(value: object, side: Side, dialect: Dialect = "iso") -> int:
    """Read one bound of a period into the vector form; ``None`` is that side's infinity.

    >>> parse_bound(None, "start") == NEG_INF, parse_bound(None, "end") == POS_INF
    (True, True)
    >>> parse_bound("1970-01-01T00:00:00.000001Z", "end")
    1
    """
    if value is None:
        return NEG_INF if side == "start" else POS_INF
    _check_options(dialect)
    if dialect == "iso":
        # In the ISO dialect, parse_instant does nothing that to_micros does not.
        return to_micros(value)
    return to_micros(parse_instant(value, dialect))


def span_micros(value: object) -> tuple[int, int]:
    """The closed span ``(first, last)`` in microseconds that a date names.

    ``2019`` is the year, ``2019-12`` the month, ``2019-12-12`` the day,
    ``2019-12-12T09`` the hour, ``…T09:30`` the minute, ``…T09:30:25`` the
    second; a fraction names one instant. An offset shifts the span to UTC.
    A ``date`` names its day; any other instant value names itself.

    >>> span_micros("1970-01-01T00:00:01")
    (1000000, 1999999)
    """
    if isinstance(value, str):
        parts = _match(value, _SPAN_EXPECTED)
        first, precision = _from_parts(value, parts)
        return to_micros(first), normalise_micros(_span_last_micros(first, precision))
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        first = _scalar(value)
        return to_micros(first), normalise_micros(_span_last_micros(first, "day"))
    if is_infinite(value):
        us = to_micros(value)
        return us, us
    us = to_micros(_scalar(value))
    return us, us


_FIXED_STEPS_US = {
    "second": _US_PER_SECOND,
    "minute": 60 * _US_PER_SECOND,
    "hour": 3600 * _US_PER_SECOND,
    "day": _US_PER_DAY,
}


def _raw_micros(moment: _dt.datetime) -> int:
    return (moment - _EPOCH) // _ONE_US


def _span_last_micros(first: _dt.datetime, precision: str) -> int:
    """The last microsecond of the span that starts at ``first``."""
    if precision == "fraction":
        return _raw_micros(first)
    if precision in _FIXED_STEPS_US:
        return min(_raw_micros(first) + _FIXED_STEPS_US[precision] - 1, LAST_US)
    # Months and years have no fixed length; offsets are not allowed on them,
    # so ``first`` is still the calendar's own first day.
    if precision == "year":
        year, month = first.year + 1, 1
    else:
        year, month = first.year + first.month // 12, first.month % 12 + 1
    if year > 9999:
        return LAST_US
    return _raw_micros(first.replace(year=year, month=month, day=1)) - 1


# --- formatting --------------------------------------------------------------


# %-formatting of the fields is faster than datetime.isoformat and f-strings.
_ENTITY_TEMPLATE = "%04d-%02d-%02d %02d:%02d:%02d"
_ISO_MS_TEMPLATE = "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ"
_ISO_US_TEMPLATE = "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ"


def format_instant(
    value: object, dialect: Dialect = "iso", precision: Precision = "ms"
) -> str | None:
    """Write one instant in a dialect; digits past the precision are cut, never rounded.

    ``iso`` writes ``YYYY-MM-DDTHH:MM:SS.mmmZ`` (``precision="us"`` keeps six
    digits, as the actions API does) and ``None`` (JSON ``null``) for an infinity.
    ``entity`` writes ``YYYY-MM-DD HH:MM:SS`` and the sentinels for infinities.
    Accepts every scalar ``parse_instant`` accepts, and int microseconds.

    >>> format_instant("2019-11-18T06:00:00.9999Z")
    '2019-11-18T06:00:00.999Z'
    >>> format_instant(-P.inf), format_instant(-P.inf, dialect="entity")
    (None, '1970-01-01 00:00:00')
    """
    _check_options(dialect, precision)
    if type(value) is _dt.datetime and value.tzinfo is UTC and _FIRST < value < _LAST:
        # The scalar form itself, already finite: nothing to convert.
        moment = value
    else:
        if isinstance(value, int | np.integer) and not isinstance(value, bool):
            if not NAT <= value <= POS_INF:
                raise ParseError(f"{quote(value)} is not int64 microseconds (the vector form)")
            us = normalise_micros(int(value))
        else:
            us = to_micros(value)
        if not NEG_INF < us < POS_INF:
            return _format_infinite(us, dialect)
        moment = moment_of(us)
    day_and_clock = (
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second,
    )
    if dialect == "entity":
        return _ENTITY_TEMPLATE % day_and_clock
    if precision == "us":
        return _ISO_US_TEMPLATE % (*day_and_clock, moment.microsecond)
    return _ISO_MS_TEMPLATE % (*day_and_clock, moment.microsecond // 1000)


def _check_options(dialect: object, precision: object = "ms") -> None:
    if type(dialect) is str and type(precision) is str and dialect == "iso" and precision == "ms":
        return  # the defaults, first: every scalar call checks its options
    # An array would compare element by element: only text can name an option.
    if not isinstance(dialect, str) or dialect not in ("iso", "entity"):
        raise ArgumentError(
            f"dialect {quote(dialect)} is unknown (expected 'iso' or 'entity')", "dialect"
        )
    if not isinstance(precision, str) or precision not in ("ms", "us"):
        raise ArgumentError(
            f"precision {quote(precision)} is unknown (expected 'ms' or 'us')", "precision"
        )


def _format_infinite(us: int, dialect: Dialect) -> str | None:
    if us == NAT or dialect == "iso":
        return None
    return ENTITY_START_SENTINEL if us == NEG_INF else ENTITY_END_SENTINEL


def format_instants(
    micros: np.ndarray, dialect: Dialect = "iso", precision: Precision = "ms"
) -> np.ndarray:
    """Vector ``format_instant``: an object array of strings (``None`` for NaT and,
    in the ISO dialect, for the infinities).

    >>> format_instants(np.array([0, POS_INF]), dialect="entity").tolist()
    ['1970-01-01 00:00:00', '9999-12-31 23:59:59']
    """
    _check_options(dialect, precision)
    # Beyond the first and last instants lie the infinities, as everywhere.
    us = normalise_vector(np.asarray(micros, dtype=np.int64))
    if len(us) == 0:
        return np.array([], dtype=object)
    finite = (us > NEG_INF) & (us < POS_INF)
    unit = "s" if dialect == "entity" else precision
    # datetime64 unit casts floor, which is truncation of the written digits.
    stamps = np.where(finite, us, 0).astype("datetime64[us]").astype(f"datetime64[{unit}]")
    text = np.datetime_as_string(stamps, unit=unit)
    if dialect == "entity":
        text = np.char.replace(text, "T", " ")
    else:
        text = np.char.add(text, "Z")
    out = text.astype(object)
    out[us == NAT] = None
    out[us == NEG_INF] = _format_infinite(NEG_INF, dialect)
    out[us == POS_INF] = _format_infinite(POS_INF, dialect)
    return out


# --- the vector parser -------------------------------------------------------

# Longest accepted text: YYYY-MM-DDTHH:MM:SS.ffffff+HH:MM (32 characters); two
# more columns let a seventh fractional digit and an over-long text be seen.
_COLUMNS = 34
_CHUNK = 1 << 14
_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int32)
_DAYS_BEFORE_MONTH = np.concatenate(([0], np.cumsum(_DAYS_IN_MONTH[:-1]))).astype(np.int32)
# Calendar tables indexed by year (row 0 is unused: year 0000 is rejected).
_YEAR_STARTS = np.concatenate(
    (
        [0],
        np.arange("0001", "10000", dtype="datetime64[Y]").astype("datetime64[D]").astype(np.int32),
    )
)
_YEAR_NUMBERS = np.arange(10_000)
_LEAP_YEARS = (_YEAR_NUMBERS % 4 == 0) & ((_YEAR_NUMBERS % 100 != 0) | (_YEAR_NUMBERS % 400 == 0))
_ZERO, _DASH, _COLON, _DOT, _PLUS = (ord(c) for c in "0-:.+")


def parse_instants(values: Iterable[object] | np.ndarray | pd.Series) -> np.ndarray:
    """Parse many ISO 8601 strings at once into the vector form (``datetime64[us]``).

    Accepts the same texts as ``parse_instant`` (full date-times and dates);
    ``None``, NaN and NaT become NaT. The work is done on a byte matrix with
    numpy, with no Python code per string. Columns of dates are converted
    too, as ``to_micros_column`` does: ``datetime64`` arrays of any unit,
    pandas columns naive (UTC) or aware, numpy- or Arrow-backed, pyarrow and
    polars arrays and Series (their text goes through the vector parser),
    and lists of ``datetime``, ``date`` or ``Timestamp`` values, alone or
    mixed with text. A bad value raises ``ParseError`` naming it and its index.

    >>> parse_instants(["2019-12-12", "2019-12-12T09:30:25.5-08:00", None]).astype(str).tolist()
    ['2019-12-12T00:00:00.000000', '2019-12-12T17:30:25.500000', 'NaT']
    >>> import pandas as pd
    >>> aware = pd.Series(pd.to_datetime(["2019-12-12T09:30:00+01:00"]))
    >>> parse_instants(aware).astype(str).tolist()
    ['2019-12-12T08:30:00.000000']
    """
    column = _as_numpy(values)
    _check_flat(column)
    if isinstance(column, np.ndarray) and column.dtype.kind == "M":
        return _from_datetime64(column)
    if isinstance(column, str | bytes) or not isinstance(column, Iterable):
        raise ParseError(f"parse_instants takes a sequence of strings, not {quote(column)}")
    given = column.tolist() if isinstance(column, np.ndarray) else column
    texts: list[Any] = given if isinstance(given, list) else list(given)
    if not texts:
        return np.array([], dtype="datetime64[us]")
    missing = None
    try:
        blob = "\n".join(texts).encode("ascii")
    except (TypeError, UnicodeEncodeError):
        if any(_is_moment(value) for value in texts):
            text = np.array([isinstance(value, str) for value in texts], dtype=bool)
            return _mixed_column(np.array(texts, dtype=object), text).view("datetime64[us]")
        texts, missing = _fill_missing(texts)
        blob = "\n".join(texts).encode("ascii")
    parsed = _parse_blob(blob, len(texts))
    if parsed is None:
        _raise_first_bad(texts, next(i for i, text in enumerate(texts) if "\n" in text))
    micros, valid = parsed
    if missing is not None:
        valid |= missing
        micros[missing] = NAT
    if not valid.all():
        _raise_first_bad(texts, int(np.flatnonzero(~valid)[0]))
    return micros.view("datetime64[us]")


def _check_flat(values: object) -> None:
    if isinstance(values, np.ndarray) and values.ndim != 1:
        raise ParseError(f"an array of shape {values.shape} is not a column of instants (1-D)")


def _parse_blob(blob: bytes, count: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Micros and a validity mask of ``count`` newline-separated ASCII texts.

    ``None`` when the blob does not split into ``count`` texts.
    """
    split = _byte_rows(blob, count)
    if split is None:
        return None
    rows, length = split
    micros = np.empty(count, dtype=np.int64)
    valid = np.empty(count, dtype=bool)
    # Chunks small enough that every temporary stays in cache.
    for start in range(0, count, _CHUNK):
        part = slice(start, start + _CHUNK)
        micros[part], valid[part] = _parse_columns(
            _columns_of(rows[part], length[part]), length[part]
        )
    return micros, valid


#: From this many distinct texts on, ``BoundReader`` parses them with the vector parser.
_VECTOR_AT_LEAST = 64


class BoundReader:
    """``parse_bound`` for a batch of values known in advance, such as a document's dates.

    The distinct ASCII texts among ``values`` are parsed together by the
    vector parser when the reader is made; reading a bound is then a lookup.
    Any other value (and a text the vector parser rejects, so that its error
    message is the scalar parser's) goes through ``parse_bound``.

    >>> read = BoundReader(["2019-12-12 09:30:00", "1970-01-01 00:00:00"], "entity")
    >>> read("2019-12-12 09:30:00", "start"), read("1970-01-01 00:00:00", "end") == NEG_INF
    (1576143000000000, True)
    >>> read(None, "end") == POS_INF
    True
    """

    def __init__(self, values: Iterable[object], dialect: Dialect = "iso") -> None:
        _check_options(dialect)
        self._dialect: Dialect = dialect
        texts = [v for v in {v for v in values if type(v) is str} if v.isascii() and "\n" not in v]
        # A few texts (a request's dates) cost less through the scalar parser than
        # the vector parser's fixed setup.
        vector = bool(texts) and len(texts) >= _VECTOR_AT_LEAST
        parsed = _parse_blob("\n".join(texts).encode("ascii"), len(texts)) if vector else None
        self._known: dict[str, int] = {}
        if parsed is not None:
            micros, valid = parsed
            if dialect == "entity":
                _entity_sentinels(micros)
            self._known = {
                text: us
                for text, us, ok in zip(texts, micros.tolist(), valid.tolist(), strict=True)
                if ok
            }

    def __call__(self, value: object, side: Side) -> int:
        """The bound ``value`` names on ``side``, in the vector form."""
        known = self._known.get(value) if type(value) is str else None
        return parse_bound(value, side, self._dialect) if known is None else known


def _entity_sentinels(micros: np.ndarray) -> None:
    """Read the entity dialect's sentinels in a parsed array as the infinities, in place."""
    micros[micros == 0] = NEG_INF
    micros[micros >= _raw_micros(_ENTITY_END_MOMENT)] = POS_INF


def parse_bounds(values: list[object], side: Side, dialect: Dialect = "iso") -> np.ndarray:
    """``parse_bound`` of many values at once, as an int64 array in the vector form.

    ``None`` is that side's infinity. When every other value is ASCII text
    they are parsed together by the vector parser; otherwise, or when one is
    rejected, each is read by ``parse_bound``, so that a bad value raises its
    ``ParseError``.

    >>> parse_bounds(["2019-12-12 09:30:00", None, "1970-01-01 00:00:00"], "end", "entity")[0]
    np.int64(1576143000000000)
    >>> parse_bounds([None, "9999-12-31 23:59:59"], "end", "entity").tolist() == [POS_INF] * 2
    True
    """
    _check_options(dialect)
    texts = [value for value in values if value is not None]
    parsed = None
    if all(type(text) is str for text in texts):
        blob = "\n".join(cast(list[str], texts))
        if blob.isascii():
            parsed = _parse_blob(blob.encode("ascii"), len(texts)) if texts else None
    if parsed is None or not parsed[1].all():
        return np.array([parse_bound(value, side, dialect) for value in values], dtype=np.int64)
    micros = parsed[0]
    if dialect == "entity":
        _entity_sentinels(micros)
    if len(texts) == len(values):
        return micros
    out = np.full(len(values), NEG_INF if side == "start" else POS_INF, dtype=np.int64)
    out[np.fromiter((value is not None for value in values), bool, len(values))] = micros
    return out


def _raise_first_bad(texts: list[str], suspect: int) -> NoReturn:
    """Raise the scalar parser's own message for the first text it rejects."""
    for index in (suspect, *range(len(texts))):
        try:
            _parse_text(texts[index])
        except ParseError as exc:
            raise ParseError(f"value at index {index}: {exc}") from None
    raise ParseError(f"value at index {suspect}: {quote(texts[suspect])} is not an instant")


def _fill_missing(texts: list[Any]) -> tuple[list[str], np.ndarray]:
    """Blank out missing values; reject anything else that is not ASCII text."""
    missing = np.array([_is_missing(text) for text in texts], dtype=bool)
    for index, text in enumerate(texts):
        if missing[index]:
            continue
        if not isinstance(text, str):
            raise ParseError(
                f"value {quote(text)} at index {index} is not a string (expected {_EXPECTED})"
            )
        if not text.isascii() or "\n" in text:
            _raise_first_bad(texts, index)
    return ["" if gone else text for text, gone in zip(texts, missing, strict=True)], missing


def _is_moment(value: object) -> bool:
    """A date, date-time, ``datetime64`` or infinity that is not missing: what the
    vector parser leaves to the scalar reader."""
    if _is_missing(value):
        return False
    return isinstance(value, _dt.date | np.datetime64) or is_infinite(value)


def _is_missing(value: object) -> bool:
    """None, NaN, NaT or pandas' NA: the missing values of a column."""
    if value is None:
        return True
    pd = _pandas()
    if pd is not None and (value is pd.NaT or value is pd.NA):
        return True
    if isinstance(value, np.datetime64 | np.timedelta64):
        return bool(np.isnat(value))
    if isinstance(value, Decimal):
        return value.is_nan()  # a signalling NaN refuses to be compared
    return isinstance(value, float | np.floating) and value != value


def _byte_rows(blob: bytes, count: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Each newline-separated text as a row of bytes (zero padded), and its length.

    ``None`` when the blob does not split into ``count`` texts: a text held a line break.
    """
    buffer = np.frombuffer(blob + b"\n", dtype=np.uint8)
    width, uneven = divmod(len(buffer), count)
    if not uneven and (buffer[width - 1 :: width] == 10).all():
        # The common case: texts of one length reshape without a copy.
        return buffer.reshape(count, width)[:, :-1], _lengths(np.full(count, width - 1))
    # Texts of several lengths: take _COLUMNS bytes from each text's start
    # through a strided view of the buffer (``_columns_of`` blanks what lies
    # past each end). A text longer than the rows reads as too long by its length.
    ends = np.flatnonzero(buffer == 10)
    if len(ends) != count:
        return None
    starts = np.concatenate(([0], ends[:-1] + 1))
    padded = np.concatenate((buffer, np.zeros(_COLUMNS, dtype=np.uint8)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, _COLUMNS)
    rows = windows[starts]
    return rows, _lengths(ends - starts)


def _lengths(lengths: np.ndarray) -> np.ndarray:
    """Text lengths as int16, capped just past the longest text accepted, so that a
    long text stays too long rather than wrapping round to a short one."""
    capped: np.ndarray = np.minimum(lengths, _COLUMNS).astype(np.int16)
    return capped


def _columns_of(rows: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Transpose rows of bytes into one contiguous row per character position,
    with zeros past the end of each text."""
    columns = np.zeros((_COLUMNS, len(rows)), dtype=np.uint8)
    width = min(rows.shape[1], _COLUMNS)
    columns[:width] = rows[:, :width].T
    columns *= np.arange(_COLUMNS, dtype=np.int16)[:, None] < length
    return columns


def _parse_columns(columns: np.ndarray, length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Micros and a validity mask, from one row of bytes per character position.

    Arithmetic stays in small integer types and the calendar is read from
    tables, because on millions of rows numpy's integer division dominates.
    """
    count = columns.shape[1]
    digit = columns[:27] - np.uint8(_ZERO)
    is_digit = digit < 10

    def number(cols: Iterable[int], source: np.ndarray = digit) -> np.ndarray:
        total = np.zeros(count, dtype=np.int32)
        for col in cols:
            total = total * 10 + source[col]
        return total

    def all_digits(cols: Iterable[int], source: np.ndarray = is_digit) -> np.ndarray:
        every: np.ndarray = np.logical_and.reduce([source[c] for c in cols])
        return every

    year, month, day = number((0, 1, 2, 3)), number((5, 6)), number((8, 9))
    valid = all_digits((0, 1, 2, 3, 5, 6, 8, 9))
    valid &= (columns[4] == _DASH) & (columns[7] == _DASH)
    valid &= (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1)
    year, month = np.clip(year, 0, 9999), np.clip(month, 0, 12)
    leap_day = _LEAP_YEARS[year] & (month == 2)
    valid &= day <= _DAYS_IN_MONTH[month] + leap_day
    days = _YEAR_STARTS[year] + _DAYS_BEFORE_MONTH[month] + day - 1
    days += _LEAP_YEARS[year] & (month > 2)

    hour, minute = number((11, 12)), number((14, 15))
    timed = all_digits((11, 12, 14, 15)) & (columns[13] == _COLON)
    timed &= (columns[10] == ord("T")) | (columns[10] == ord(" "))
    timed &= (hour <= 23) & (minute <= 59)
    has_seconds = columns[16] == _COLON
    second = number((17, 18)) * has_seconds
    timed &= ~has_seconds | (is_digit[17] & is_digit[18] & (second <= 59))

    # Horner over the six places: a place past the last digit adds 0 and
    # still shifts, so "5" reads as 500000 microseconds.
    run = has_fraction = has_seconds & (columns[19] == _DOT)
    fraction_digits = np.zeros(count, dtype=np.int16)
    fraction = np.zeros(count, dtype=np.int32)
    for k in range(7):
        run = run & is_digit[20 + k]
        fraction_digits += run
        if k < 6:
            fraction = fraction * 10 + digit[20 + k] * run
    timed &= ~has_fraction | ((fraction_digits >= 1) & (fraction_digits <= 6))

    at = np.where(has_seconds, np.int16(19), np.int16(16))
    at += has_fraction * (1 + fraction_digits)
    tail = _offset_view(columns, at)
    tail_digit = tail - np.uint8(_ZERO)
    sign = tail[0]
    signed = (length == at + 6) & ((sign == _PLUS) | (sign == _DASH)) & (tail[3] == _COLON)
    signed &= all_digits((1, 2, 4, 5), tail_digit < 10)
    offset_hours, offset_minutes = number((1, 2), tail_digit), number((4, 5), tail_digit)
    signed &= (offset_hours <= 23) & (offset_minutes <= 59)
    zulu = (length == at + 1) & (sign == ord("Z"))
    timed &= (length == at) | zulu | signed
    offset = (offset_hours * 60 + offset_minutes) * signed
    offset = np.where(sign == _DASH, -offset, offset)

    has_time = length > 10
    valid &= np.where(has_time, timed, length == 10)
    valid &= length <= _COLUMNS - 2
    clock = (hour * 3600 + minute * 60 + second - offset * 60) * has_time
    micros = days.astype(np.int64) * 86_400 + clock
    micros *= _US_PER_SECOND
    micros += fraction * has_time
    valid &= (micros >= FIRST_US) & (micros <= LAST_US)
    micros[micros == FIRST_US] = NEG_INF
    micros[micros == LAST_US] = POS_INF
    return micros, valid


def _offset_view(columns: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The six bytes from position ``at`` of each row, where an offset would stand."""
    if (at == at[0]).all():
        return columns[at[0] : at[0] + 6]
    count = columns.shape[1]
    flat = columns.ravel()
    base = at.astype(np.intp) * count + np.arange(count)
    return np.stack([flat[base + k * count] for k in range(6)])


def _raise_at(values: np.ndarray, bad: np.ndarray, what: str) -> NoReturn:
    index = int(np.flatnonzero(bad)[0])
    raise ParseError(f"value {quote(values[index])} at index {index} {what}")


def _from_datetime64(values: np.ndarray) -> np.ndarray:
    micros = _micros_of(values, infinities=False)
    # parse_instants hands out a new array, never the caller's memory.
    return (micros.copy() if np.may_share_memory(micros, values) else micros).view("datetime64[us]")


def normalise_vector(micros: np.ndarray) -> np.ndarray:
    """``normalise_micros`` for an int64 array (NaT stays NaT); returns a new array.

    >>> normalise_vector(np.array([FIRST_US, 0, LAST_US])).tolist() == [NEG_INF, 0, POS_INF]
    True
    """
    out = np.array(micros, dtype=np.int64)
    out[(out <= FIRST_US) & (out != NAT)] = NEG_INF
    out[out >= LAST_US] = POS_INF
    return out


# --- columns of every kind ---------------------------------------------------


def to_micros_column(values: object) -> np.ndarray:
    """Any column of instants in the vector form (int64 microseconds; NaT where missing).

    Takes ``datetime64`` arrays of any unit (in ``datetime64[us]`` the vector
    form's own ``NEG_INF`` and ``POS_INF`` pass through), pandas columns naive
    (UTC) or aware, numpy- or Arrow-backed, and arrays or lists of ISO text,
    ``datetime``, ``date``, ``Timestamp``, ``datetime64`` and portion's
    infinities, in any mix. Text is read by the vector parser; a number is
    not an instant. A bad value raises ``ParseError`` naming it.

    Date columns cost no more than their unit asks: microseconds, naive or
    aware, are read in place (the answer is then a read-only view of the
    column's memory, unless a value needs folding onto an infinity); finer
    units take one exact division, coarser ones one cast.

    >>> to_micros_column(["1970-01-01T00:00:01Z", None, P.inf]).tolist() == [10**6, NAT, POS_INF]
    True
    >>> to_micros_column(np.array(["1970-01-01T00:00:00.000002"], dtype="datetime64[ns]"))
    array([2])
    """
    values = _as_numpy(values)
    _check_flat(values)
    if isinstance(values, np.ndarray) and values.dtype.kind == "M":
        return _micros_of(values, infinities=True)
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ParseError(f"{quote(values)} is not a column of instants")
    objects = values if isinstance(values, np.ndarray) else object_array(values)
    try:
        return parse_instants(objects).view(np.int64)
    except ParseError:
        # Only a column holding other things than text can still convert.
        text = np.array([isinstance(value, str) for value in objects.tolist()], dtype=bool)
        if text.all():
            raise
    return _mixed_column(objects.astype(object, copy=False), text)


def object_array(values: Iterable[Any]) -> np.ndarray:
    """An object array that keeps each value as it is, lists and dicts included:
    ``np.array`` would read nested lists as more dimensions.

    >>> object_array([[1], {"a": 2}]).shape, object_array([[1, 2], [3, 4]]).shape
    ((2,), (2,))
    """
    items = list(values)
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def _as_numpy(values: object) -> object:
    """A pandas, pyarrow or polars column as numpy (see ``_from_pandas``); anything else as it is.

    Arrow columns are recognised by the Arrow PyCapsule interface, so pyarrow
    is loaded only when one is passed.
    """
    pd = _pandas()
    if pd is not None and isinstance(
        values, pd.Series | pd.Index | pd.api.extensions.ExtensionArray
    ):
        return _from_pandas(values)
    if hasattr(values, "__arrow_c_stream__") or hasattr(values, "__arrow_c_array__"):
        return _from_arrow(values)
    return values


def _from_arrow(values: Any) -> np.ndarray:
    """An Arrow array or stream (pyarrow's, polars', any exporter's) as numpy:
    dates and timestamps as ``datetime64`` of their UTC values, nulls as NaT,
    anything else as objects."""
    import pyarrow as pa

    if isinstance(values, pa.Array):
        values = pa.chunked_array([values])
    elif not isinstance(values, pa.ChunkedArray):
        streamed = hasattr(values, "__arrow_c_stream__")
        values = pa.chunked_array(values) if streamed else pa.chunked_array([pa.array(values)])
    if pa.types.is_timestamp(values.type) or pa.types.is_date(values.type):
        return np.asarray(values.to_numpy())
    return np.asarray(values.to_numpy(), dtype=object)


def _from_pandas(values: Any) -> np.ndarray:
    """A pandas column as numpy: dates as ``datetime64`` of their UTC values in
    their own unit (in place where the memory allows), anything else as objects."""
    array = values.array if hasattr(values, "array") else values
    if array.dtype.kind != "M":
        return np.asarray(array, dtype=object)
    if hasattr(array.dtype, "pyarrow_dtype"):
        # Arrow stores UTC whatever the zone.
        return _from_arrow(array.__arrow_array__())
    # A DatetimeArray, naive or aware, holds UTC values: this is a view.
    return np.asarray(array, dtype=f"datetime64[{array.unit}]")


# Units finer than a microsecond, and how many of them make one.
_PER_MICROSECOND = {"ns": 10**3, "ps": 10**6, "fs": 10**9, "as": 10**12}


def _micros_of(values: np.ndarray, *, infinities: bool) -> np.ndarray:
    """A ``datetime64`` array of any unit as int64 microseconds, exactly.

    ``us`` is read in place; a finer unit is divided once (any fraction of a
    microsecond is refused); a coarser one is checked against the timeline in
    its own unit, because the cast would wrap silently, then cast once. With
    ``infinities``, ``NEG_INF`` and ``POS_INF`` in ``us`` stand for themselves.
    """
    unit, count = np.datetime_data(values.dtype)
    if count != 1:
        # The cast multiplies by ``count``, and would wrap past int64.
        ints = values.view(np.int64)
        outside = (np.abs(ints) > POS_INF // count) & (ints != NAT)
        if outside.any():
            _raise_at(values, outside, _OUT_OF_RANGE)
        values = values.astype(f"datetime64[{unit}]")
    ints = values.view(np.int64)
    if unit == "us":
        view = ints.view()
        view.flags.writeable = False
        return _normalised(view, values, infinities=infinities)
    if unit in _PER_MICROSECOND:
        # int64 of these units spans 1677..2262 at most: nothing to fold or refuse.
        return _divided(ints, _PER_MICROSECOND[unit], values)
    dtype = values.dtype
    first = np.datetime64(FIRST_US, "us").astype(dtype).astype(np.int64)
    last = np.datetime64(LAST_US, "us").astype(dtype).astype(np.int64)
    outside = ((ints < first) | (ints > last)) & (ints != NAT)
    if outside.any():
        _raise_at(values, outside, _OUT_OF_RANGE)
    return _normalised(values.astype("datetime64[us]").view(np.int64), values, infinities=False)


_OUT_OF_RANGE = "is out of range: years run from 0001 to 9999"


def _divided(ints: np.ndarray, per: int, values: np.ndarray) -> np.ndarray:
    micros = ints // per
    inexact = micros * per != ints
    if inexact.any():
        # NaT (int64 min) is not a whole number of microseconds either.
        missing = ints == NAT
        inexact &= ~missing
        if inexact.any():
            _raise_at(values, inexact, "has nanoseconds; periodkit is exact to the microsecond")
        micros[missing] = NAT
    return micros


def _normalised(micros: np.ndarray, values: np.ndarray, *, infinities: bool) -> np.ndarray:
    """``micros`` itself when no value is at or past either end of the timeline
    (a min and a max tell), else a copy with the first and last instants
    folded onto the infinities; a value outside the timeline is refused."""
    if len(micros) == 0:
        return micros
    high, low = micros.max(), micros.min()
    if high < LAST_US and (
        low > FIRST_US
        or (low == NAT and np.count_nonzero(micros <= FIRST_US) == np.count_nonzero(micros == NAT))
    ):
        return micros
    outside = ((micros < FIRST_US) | (micros > LAST_US)) & (micros != NAT)
    if infinities:
        outside &= (micros != NEG_INF) & (micros != POS_INF)
    if outside.any():
        _raise_at(values, outside, _OUT_OF_RANGE)
    return normalise_vector(micros)


def _mixed_column(objects: np.ndarray, text: np.ndarray) -> np.ndarray:
    """Text by the vector parser, every other value (missing, infinite, a date
    object) by the scalar reader."""
    out = np.full(len(objects), NAT, dtype=np.int64)
    out[text] = parse_instants(objects[text]).view(np.int64)
    others = np.flatnonzero(~text).tolist()
    out[others] = [_micros_at(objects, i) for i in others]
    return out


def _micros_at(objects: np.ndarray, index: int) -> int:
    value = objects[index]
    if _is_missing(value):
        return NAT
    try:
        return to_micros(value)
    except ParseError as exc:
        raise ParseError(f"value at index {index}: {exc}") from None
