"""Periods and period sets: closed intervals on a timeline discrete at one microsecond.

A ``Period`` is the closed interval [start, end]; a missing bound is the
infinity on that side. A ``PeriodSet`` is a union of periods, always kept in
one canonical form: sorted, disjoint, closed atoms, where atoms that touch or
lie one microsecond apart are merged. Because the form is canonical, equality
is equality of atoms and every operation returns a canonical set.

A set of up to ``SMALL_ATOMS`` atoms holds them as a tuple of int pairs and
combines by Python sweeps, since numpy's fixed cost per call outweighs the
work there; a larger one holds two int64 arrays of bounds (the vector form
of ``periodkit.time``), combines by numpy sweeps, and the kernels take its
arrays as they are. portion is the reference semantics:
the tests check every operation against it, and ``to_portion`` /
``from_portion`` convert both ways.

>>> office = Period("2017-01-01", "2019-09-26")
>>> holidays = PeriodSet([Period("2018-12-24", "2018-12-26 23:59:59.999999")])
>>> open_days = office - holidays
>>> len(open_days.atoms), open_days.contains("2018-12-25T12:00:00Z")
(2, False)
>>> (~PeriodSet()).contains(Period())
True
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import portion as P

from periodkit import kernels
from periodkit.errors import ArgumentError, ParseError, PeriodError, quote
from periodkit.time import (
    FIRST_US,
    LAST_US,
    NAT,
    NEG_INF,
    POS_INF,
    Instant,
    format_instant,
    from_micros,
    moment_of,
    normalise_micros,
    normalise_vector,
    span_micros,
    to_micros,
    to_micros_column,
)

if TYPE_CHECKING:
    import pandas as pd

_EMPTY = np.array([], dtype=np.int64)
_EMPTY.flags.writeable = False


def _disordered(lo: int, hi: int, where: str = "") -> PeriodError:
    """The error of a period whose start lies after its end, both quoted in ISO form."""
    start, end = quote(_describe(lo)), quote(_describe(hi, "end"))
    return PeriodError(f"{where}start {start} is after end {end}")


def _describe(us: int, side: str = "start") -> str | None:
    """A bound as text for reprs and messages: ISO with microseconds.

    ``None`` stands for the side's own infinity, as in the constructor; a
    bound on the other side's infinity is written as the instant it is.
    """
    if us == NEG_INF:
        return None if side == "start" else "0001-01-01T00:00:00Z"
    if us == POS_INF:
        return None if side == "end" else "9999-12-31T23:59:59.999999Z"
    return str(format_instant(us, precision="us")).replace(".000000Z", "Z")


class Period:
    """The closed interval [start, end]; ``None`` means the infinity on that side.

    A value: two periods are equal (and hash alike) when their bounds are.
    ``x in p`` is ``p.contains(x)``. A record that owns a period (with an id,
    an owner and data) is a ``PeriodRecord``.

    >>> p = Period("2019-12-01", "2019-12-31T23:59:59")
    >>> p.contains("2019-12-12T09:30:00Z"), p.overlaps(Period("2020-01-01"))
    (True, False)
    >>> Period("2020-01-02", "2020-01-01")
    Traceback (most recent call last):
    ...
    periodkit.errors.PeriodError: start '2020-01-02T00:00:00Z' is after end '2020-01-01T00:00:00Z'
    """

    __slots__ = ("_hi", "_lo")

    def __init__(self, start: object = None, end: object = None) -> None:
        # parse_bound(value, side) in the ISO dialect, without its calls.
        lo = NEG_INF if start is None else to_micros(start)
        hi = POS_INF if end is None else to_micros(end)
        if lo > hi:
            raise _disordered(lo, hi)
        self._lo, self._hi = lo, hi

    @classmethod
    def from_micros(cls, lo: int, hi: int) -> Period:
        """A period from two bounds in the vector form (int64 microseconds).

        >>> Period.from_micros(0, 999_999)
        Period(start='1970-01-01T00:00:00Z', end='1970-01-01T00:00:00.999999Z')
        """
        for name, value in (("start", lo), ("end", hi)):
            if not isinstance(value, int | np.integer) or isinstance(value, bool):
                raise ArgumentError(f"{name} {quote(value)} is not whole microseconds (int)", name)
        lo, hi = normalise_micros(int(lo)), normalise_micros(int(hi))
        if NAT in (lo, hi):
            raise ArgumentError("a period bound cannot be NaT (a missing instant)")
        if lo > hi:
            raise _disordered(lo, hi)
        period = cls.__new__(cls)
        period._lo, period._hi = lo, hi
        return period

    @property
    def start(self) -> Instant:
        """The first instant: an aware UTC datetime, or ``-P.inf``."""
        return from_micros(self._lo)

    @property
    def end(self) -> Instant:
        """The last instant: an aware UTC datetime, or ``P.inf``."""
        return from_micros(self._hi)

    @property
    def lo(self) -> int:
        """The start in the vector form (int64 microseconds, ``NEG_INF`` for -inf)."""
        return self._lo

    @property
    def hi(self) -> int:
        """The end in the vector form (int64 microseconds, ``POS_INF`` for +inf)."""
        return self._hi

    def contains(self, other: object) -> bool:
        """Whether an instant, a Period or a PeriodSet lies inside this period.

        >>> Period("2019-01-01", "2019-12-31").contains(Period("2019-03-01", "2019-03-02"))
        True
        """
        if isinstance(other, Period):
            return self._lo <= other._lo and other._hi <= self._hi
        if isinstance(other, PeriodSet):
            return PeriodSet(self).contains(other)
        # The vector form keeps the order of instants, infinities included.
        return self._lo <= to_micros(other) <= self._hi

    def __contains__(self, other: object) -> bool:
        return self.contains(other)

    def overlaps(self, other: Period | PeriodSet) -> bool:
        """Whether the two share at least one instant (closed bounds touch).

        >>> Period("2019-01-01", "2019-01-02").overlaps(Period("2019-01-02", "2019-01-03"))
        True
        """
        if isinstance(other, Period):
            return self._lo <= other._hi and other._lo <= self._hi
        return PeriodSet([self]).overlaps(other)

    def to_portion(self) -> P.Interval:
        """This period as a closed portion interval over aware UTC datetimes.

        >>> Period("2019-01-01", "2019-01-02").to_portion().upper
        datetime.datetime(2019, 1, 2, 0, 0, tzinfo=datetime.timezone.utc)
        """
        return PeriodSet([self]).to_portion()

    # A foreign operand gives NotImplemented, so that Python raises TypeError.
    def __or__(self, other: Period | PeriodSet) -> PeriodSet:
        return PeriodSet([self]).__or__(other)

    def __and__(self, other: Period | PeriodSet) -> PeriodSet:
        return PeriodSet([self]).__and__(other)

    def __sub__(self, other: Period | PeriodSet) -> PeriodSet:
        return PeriodSet([self]).__sub__(other)

    def __invert__(self) -> PeriodSet:
        return ~PeriodSet([self])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._lo == other._lo and self._hi == other._hi

    def __hash__(self) -> int:
        return hash((self._lo, self._hi))

    def __repr__(self) -> str:
        start, end = _describe(self._lo), _describe(self._hi, "end")
        return f"Period(start={start!r}, end={end!r})"


@dataclass(frozen=True, slots=True)
class PeriodRecord:
    """A period as a record holds it: with the record's id, its owner and opaque data.

    >>> record = PeriodRecord(Period("2024-08-12"), period_id=1, entity_id="t1")
    >>> record.period.lo == Period("2024-08-12").lo, record.entity_id
    (True, 't1')
    """

    period: Period
    period_id: Any = None
    entity_id: Any = None
    data: Any = None


def parse_span(value: object) -> Period:
    """The closed ``Period`` that a partial or full date names.

    ``2019`` is the year, ``2019-12`` the month, and so on down to a fraction,
    which names one instant; a ``date`` names its day (``span_micros`` in
    ``periodkit.time`` has the grammar).

    >>> parse_span("2019")
    Period(start='2019-01-01T00:00:00Z', end='2019-12-31T23:59:59.999999Z')
    >>> parse_span("2019-12-12T09:30:25.5Z").start == parse_span("2019-12-12T09:30:25.5Z").end
    True
    """
    return Period.from_micros(*span_micros(value))


def _int64_bounds(values: object, name: str) -> np.ndarray:
    """A flat array of whole microseconds, or an ArgumentError naming what it got."""
    try:
        array = np.asarray(values)
    except (ValueError, TypeError):  # ragged lists, or items numpy cannot hold
        raise ArgumentError(f"{name} {quote(values)} is not a flat array of ints", name) from None
    if array.size and array.dtype.kind not in "iu":
        raise ArgumentError(
            f"{name} must be whole microseconds (int64), not {array.dtype} values "
            f"such as {quote(array.ravel()[0])}"
        )
    if array.size and array.dtype.kind == "u" and array.max() > POS_INF:
        raise ArgumentError(f"{name} value {int(array.max())} is beyond int64 microseconds")
    return array.astype(np.int64)


def _covered(starts: np.ndarray, ends: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Which points lie in one of the canonical atoms."""
    if len(starts) == 0:
        return np.zeros(len(points), dtype=bool)
    index = np.searchsorted(starts, points, side="right") - 1
    return (index >= 0) & (ends[np.maximum(index, 0)] >= points)


#: A set of at most this many atoms is held as a tuple of ``(lo, hi)`` pairs
#: and combined by Python sweeps; a larger one as two int64 arrays and numpy.
SMALL_ATOMS = 64

# Small sets hold domain bounds (the first and last instants as numbers), so
# that ``hi + 1`` and ``lo - 1`` need no care for the infinities.
Atoms = tuple[tuple[int, int], ...]


def _domain(us: int) -> int:
    return us if NEG_INF < us < POS_INF else (FIRST_US if us == NEG_INF else LAST_US)


def _vector(us: int) -> int:
    return us if FIRST_US < us < LAST_US else (NEG_INF if us == FIRST_US else POS_INF)


def _union(a: Atoms, b: Atoms) -> list[tuple[int, int]]:
    return kernels.merge_atoms([*a, *b])


def _and_not(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    difference: np.ndarray = a & ~b
    return difference


def _foreign(other: object) -> bool:
    """Whether ``other`` is no operand of the set operators (Python then tries its side)."""
    return type(other) is not PeriodSet and not isinstance(other, Period | PeriodSet)


def _intersection(a: Atoms, b: Atoms) -> list[tuple[int, int]]:
    """Two canonical atom tuples intersected: a two-pointer sweep, canonical again."""
    out = []
    i = j = 0
    while i < len(a) and j < len(b):
        (a_lo, a_hi), (b_lo, b_hi) = a[i], b[j]
        lo = a_lo if a_lo > b_lo else b_lo
        hi = a_hi if a_hi < b_hi else b_hi
        if lo <= hi:
            out.append((lo, hi))
        if a_hi < b_hi:
            i += 1
        else:
            j += 1
    return out


def _difference(a: Atoms, b: Atoms) -> list[tuple[int, int]]:
    """What of ``a`` no atom of ``b`` covers; the pieces stay canonical."""
    out = []
    j = 0
    for lo, hi in a:
        while j < len(b) and b[j][1] < lo:
            j += 1
        # Atoms of b may reach into the next atom of a: scan on from j, keep j.
        k = j
        while k < len(b) and b[k][0] <= hi:
            if b[k][0] > lo:
                out.append((lo, b[k][0] - 1))
            lo = b[k][1] + 1
            k += 1
        if lo <= hi:
            out.append((lo, hi))
    return out


def _complement(a: Atoms) -> list[tuple[int, int]]:
    out = []
    lo = FIRST_US
    for a_lo, a_hi in a:
        if a_lo > lo:
            out.append((lo, a_lo - 1))
        lo = a_hi + 1
    if lo <= LAST_US:
        out.append((lo, LAST_US))
    return out


def _covers(a: Atoms, lo: int, hi: int) -> bool:
    """Whether one atom of ``a`` holds all of [lo, hi]."""
    for a_lo, a_hi in a:
        if a_lo > lo:
            return False
        if hi <= a_hi:
            return True
    return False


class PeriodSet:
    """A union of periods, kept as sorted, disjoint, merged closed atoms.

    Supports ``|``, ``&`` and ``-`` (also with a ``Period`` operand), ``~``
    and ``==`` between sets; ``len`` counts atoms and an empty set is falsy.

    >>> january = Period("2019-01-01", "2019-01-31T23:59:59.999999")
    >>> a = PeriodSet([january, Period("2019-02-01", "2019-02-28")])
    >>> a.atoms
    (Period(start='2019-01-01T00:00:00Z', end='2019-02-28T00:00:00Z'),)
    >>> a & Period("2019-02-28T00:00:00Z", None) == PeriodSet([Period("2019-02-28", "2019-02-28")])
    True
    """

    # One form per size, so that equal sets always share it: up to SMALL_ATOMS
    # atoms, ``_small`` holds them (and ``bounds()`` caches its arrays in
    # ``_starts``/``_ends``); beyond, ``_small`` is None and the arrays are the set.
    __slots__ = ("_ends", "_small", "_starts")
    _small: Atoms | None
    _starts: np.ndarray | None
    _ends: np.ndarray | None

    def __init__(self, periods: Iterable[Period | PeriodSet] | Period | PeriodSet = ()) -> None:
        if type(periods) is not list:
            if isinstance(periods, Period | PeriodSet):
                periods = [periods]
            elif not isinstance(periods, Iterable) or isinstance(periods, str | bytes | dict):
                raise ArgumentError(f"PeriodSet takes an iterable of Periods, not {quote(periods)}")
        atoms: list[tuple[int, int]] = []
        bulk: list[PeriodSet] = []
        for item in periods:
            if isinstance(item, Period):
                atoms.append((_domain(item._lo), _domain(item._hi)))
            elif isinstance(item, PeriodSet):
                if item._small is None:
                    bulk.append(item)
                else:
                    atoms.extend(item._small)
            else:
                raise ArgumentError(f"{quote(item)} is not a Period or a PeriodSet")
        if not bulk and len(atoms) <= SMALL_ATOMS:
            self._small = tuple(atoms if len(atoms) < 2 else kernels.merge_atoms(atoms))
            self._starts = self._ends = None
            return
        pairs = np.array(atoms, dtype=np.int64).reshape(-1, 2)
        starts = np.concatenate([pairs[:, 0], *(s._bounds_array(0) for s in bulk)])
        ends = np.concatenate([pairs[:, 1], *(s._bounds_array(1) for s in bulk)])
        self._adopt(*kernels.merge(kernels.to_domain(starts), kernels.to_domain(ends)))

    def _adopt(self, starts: np.ndarray, ends: np.ndarray) -> None:
        """Hold canonical domain atoms in the form their count calls for."""
        if len(starts) <= SMALL_ATOMS:
            self._small = tuple(zip(starts.tolist(), ends.tolist(), strict=True))
            self._starts = self._ends = None
            return
        self._small = None
        self._starts, self._ends = normalise_vector(starts), normalise_vector(ends)
        self._starts.flags.writeable = False
        self._ends.flags.writeable = False

    @classmethod
    def _from_domain(cls, starts: np.ndarray, ends: np.ndarray) -> PeriodSet:
        result = cls.__new__(cls)
        result._adopt(starts, ends)
        return result

    @classmethod
    def _from_atoms(cls, atoms: list[tuple[int, int]]) -> PeriodSet:
        """A set from canonical domain atoms as a small sweep gives them."""
        if len(atoms) > SMALL_ATOMS:
            pairs = np.array(atoms, dtype=np.int64)
            return cls._from_domain(pairs[:, 0], pairs[:, 1])
        result = cls.__new__(cls)
        result._small = tuple(atoms)
        result._starts = result._ends = None
        return result

    @classmethod
    def _of_canonical(cls, starts: np.ndarray, ends: np.ndarray) -> PeriodSet:
        """A set of atoms already canonical in the vector form, in read-only arrays, as they are.

        For the domain's own stores (the graph's effective validity): every
        public constructor checks and merges its input, which would cost more
        than the lookup that found these atoms.
        """
        result = cls.__new__(cls)
        if len(starts) <= SMALL_ATOMS:
            result._small = tuple(
                (_domain(lo), _domain(hi))
                for lo, hi in zip(starts.tolist(), ends.tolist(), strict=True)
            )
        else:
            result._small = None
        result._starts, result._ends = starts, ends
        return result

    def _bounds_array(self, side: int) -> np.ndarray:
        return self.bounds()[side]

    @classmethod
    def from_bounds(
        cls, starts: Iterable[int] | np.ndarray, ends: Iterable[int] | np.ndarray
    ) -> PeriodSet:
        """A set from two int64 arrays of closed atom bounds, in any order, possibly overlapping.

        >>> PeriodSet.from_bounds([10, 0], [20, 9]).bounds()
        (array([0]), array([20]))
        """
        lo, hi = _int64_bounds(starts, "starts"), _int64_bounds(ends, "ends")
        if lo.shape != hi.shape or lo.ndim != 1:
            raise ArgumentError(
                f"starts {lo.shape} and ends {hi.shape} must be flat and of one length"
            )
        missing = (lo == NAT) | (hi == NAT)
        if missing.any():
            index = int(np.flatnonzero(missing)[0])
            raise ArgumentError(f"atom {index} has a NaT (missing) bound")
        reversed_ = lo > hi
        if reversed_.any():
            index = int(np.flatnonzero(reversed_)[0])
            raise _disordered(int(lo[index]), int(hi[index]), f"atom {index}: ")
        return cls._from_domain(*kernels.merge(kernels.to_domain(lo), kernels.to_domain(hi)))

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """The atoms as two sorted, read-only int64 arrays (starts, ends) in the vector form.

        >>> s = PeriodSet([Period.from_micros(5, 9), Period.from_micros(0, 1)])
        >>> s.bounds()[0].tolist()
        [0, 5]
        """
        if self._starts is None or self._ends is None:
            pairs = np.array(self._small, dtype=np.int64).reshape(-1, 2)
            starts, ends = normalise_vector(pairs[:, 0]), normalise_vector(pairs[:, 1])
            starts.flags.writeable = False
            ends.flags.writeable = False
            self._starts, self._ends = starts, ends
        return self._starts, self._ends

    def _vector_atoms(self) -> list[tuple[int, int]]:
        if self._small is not None:
            return [(_vector(lo), _vector(hi)) for lo, hi in self._small]
        starts, ends = self.bounds()
        return list(zip(starts.tolist(), ends.tolist(), strict=True))

    @property
    def atoms(self) -> tuple[Period, ...]:
        """The atoms as Periods, in order."""
        return tuple(Period.from_micros(lo, hi) for lo, hi in self._vector_atoms())

    @property
    def is_empty(self) -> bool:
        """Whether the set holds no instant."""
        return self._small == ()

    def __len__(self) -> int:
        return len(self._small) if self._small is not None else len(self.bounds()[0])

    def __iter__(self) -> Iterator[Period]:
        return iter(self.atoms)

    def __contains__(self, other: object) -> bool:
        return self.contains(other)

    def contains(self, other: object) -> bool:
        """Whether an instant, a Period or a PeriodSet lies wholly inside this set.

        ``x in s`` asks the same.

        >>> PeriodSet([Period("2019-01-01", "2019-01-31")]).contains("2019-01-31T00:00:00Z")
        True
        """
        small = self._small
        if isinstance(other, Period):
            if small is not None:
                return _covers(small, _domain(other._lo), _domain(other._hi))
            other = PeriodSet(other)
        if isinstance(other, PeriodSet):
            if small is not None and other._small is not None:
                return not _difference(other._small, small)
            return (other - self).is_empty
        point = to_micros(other)
        if not NEG_INF < point < POS_INF:
            point = _domain(point)
        if small is not None:
            for lo, hi in small:
                if point <= hi:
                    return lo <= point
            return False
        starts, ends = self.bounds()
        return bool(
            _covered(kernels.to_domain(starts), kernels.to_domain(ends), np.array([point]))[0]
        )

    def overlaps(self, other: Period | PeriodSet) -> bool:
        """Whether the two share at least one instant.

        >>> january = PeriodSet([Period("2019-01-01", "2019-01-31")])
        >>> january.overlaps(Period("2019-01-31", None))
        True
        """
        return not (self & _as_set(other)).is_empty

    def _sweep(self, other: Period | PeriodSet, small: Any, keep: Any) -> PeriodSet:
        """``other`` combined with this set: by the Python sweep ``small`` on two
        small sets, else by counting coverage with numpy (``keep`` of two masks)."""
        if type(other) is not PeriodSet:
            other = _as_set(other)
        if self._small is not None and other._small is not None:
            return PeriodSet._from_atoms(small(self._small, other._small))
        (a_s, a_e), (b_s, b_e) = self.bounds(), other.bounds()
        a_s, a_e = kernels.to_domain(a_s), kernels.to_domain(a_e)
        b_s, b_e = kernels.to_domain(b_s), kernels.to_domain(b_e)
        # Half-open edges: coverage is constant between consecutive points.
        points = np.unique(np.concatenate((a_s, a_e + 1, b_s, b_e + 1)))
        if len(points) == 0:
            return PeriodSet()
        kept = keep(_covered(a_s, a_e, points[:-1]), _covered(b_s, b_e, points[:-1]))
        return PeriodSet._from_domain(
            *kernels.merge_sorted(points[:-1][kept], points[1:][kept] - 1)
        )

    def __or__(self, other: Period | PeriodSet) -> PeriodSet:
        if _foreign(other):
            return NotImplemented
        return self._sweep(other, _union, np.logical_or)

    def __and__(self, other: Period | PeriodSet) -> PeriodSet:
        if _foreign(other):
            return NotImplemented
        return self._sweep(other, _intersection, np.logical_and)

    def __sub__(self, other: Period | PeriodSet) -> PeriodSet:
        if _foreign(other):
            return NotImplemented
        return self._sweep(other, _difference, _and_not)

    __ror__ = __or__
    __rand__ = __and__

    def __rsub__(self, other: Period | PeriodSet) -> PeriodSet:
        if not isinstance(other, Period | PeriodSet):
            return NotImplemented
        return _as_set(other) - self

    def __invert__(self) -> PeriodSet:
        if self._small is not None:
            return PeriodSet._from_atoms(_complement(self._small))
        return _EVERYTHING - self

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PeriodSet):
            return NotImplemented
        if self._small is not None and other._small is not None:
            return self._small == other._small
        (a_s, a_e), (b_s, b_e) = self.bounds(), other.bounds()
        return np.array_equal(a_s, b_s) and np.array_equal(a_e, b_e)

    def __hash__(self) -> int:
        if self._small is not None:
            return hash(self._small)
        starts, ends = self.bounds()
        return hash((starts.tobytes(), ends.tobytes()))

    def __repr__(self) -> str:
        return f"PeriodSet({list(self.atoms)!r})"

    def to_portion(self) -> P.Interval:
        """The set as a portion interval of closed atoms over aware UTC datetimes.

        Infinite bounds become portion's infinities. A one-instant atom at the
        first or last instant of the timeline keeps that instant as a datetime,
        since portion has no closed interval at an infinity.

        >>> PeriodSet([Period(None, "2019-01-01")]).to_portion()
        (-inf,datetime.datetime(2019, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)]
        """
        atoms = []
        for lo, hi in self._vector_atoms():
            if lo == hi and lo in (NEG_INF, POS_INF):
                atoms.append(P.singleton(_FIRST_INSTANT if lo == NEG_INF else _LAST_INSTANT))
            else:
                atoms.append(P.closed(from_micros(lo), from_micros(hi)))
        return P.Interval(*atoms)

    @classmethod
    def from_portion(cls, interval: P.Interval) -> PeriodSet:
        """A set from a portion interval whose bounds are instants or infinities.

        An open bound becomes the neighbouring microsecond.

        >>> import datetime as dt
        >>> t = dt.datetime(2019, 1, 1, tzinfo=dt.timezone.utc)
        >>> PeriodSet.from_portion(P.open(t, t + dt.timedelta(microseconds=2))).atoms
        (Period(start='2019-01-01T00:00:00.000001Z', end='2019-01-01T00:00:00.000001Z'),)
        """
        if not isinstance(interval, P.Interval):
            raise ArgumentError(f"{quote(interval)} is not a portion interval")
        starts, ends = [], []
        for atom in interval:
            if atom.empty:
                continue
            # Step in the domain, where the first instant is a number, not -inf.
            lo = kernels.micros_to_domain(to_micros(atom.lower)) + (
                atom.left == P.OPEN and atom.lower != -P.inf
            )
            hi = kernels.micros_to_domain(to_micros(atom.upper)) - (
                atom.right == P.OPEN and atom.upper != P.inf
            )
            if lo <= hi:
                starts.append(lo)
                ends.append(hi)
        return cls.from_bounds(starts, ends)

    def to_interval_index(self) -> pd.IntervalIndex:
        """The atoms as a pandas ``IntervalIndex``, closed on both sides, of
        ``datetime64[us, UTC]`` bounds.

        The infinities are written as the first and last instants of the
        timeline (0001-01-01T00:00:00 and 9999-12-31T23:59:59.999999), which
        ``from_interval_index`` reads back as the infinities.

        >>> s = PeriodSet([Period("2019-01-01", "2019-01-31"), Period(start="2020-01-01")])
        >>> index = s.to_interval_index()
        >>> str(index.dtype), index.right[1].isoformat()
        ('interval[datetime64[us, UTC], both]', '9999-12-31T23:59:59.999999+00:00')
        >>> PeriodSet.from_interval_index(index) == s
        True
        """
        pandas = _pandas()
        starts, ends = (
            pandas.DatetimeIndex(kernels.to_domain(side).view("datetime64[us]")).tz_localize("UTC")
            for side in self.bounds()
        )
        index: pd.IntervalIndex = pandas.IntervalIndex.from_arrays(starts, ends, closed="both")
        return index

    @classmethod
    def from_interval_index(cls, index: pd.IntervalIndex) -> PeriodSet:
        """A set from a pandas ``IntervalIndex`` of instants, closed on any side.

        Bounds may be naive (read as UTC) or aware, of any unit; the first and
        last instants of the timeline are the infinities. An open side becomes
        the neighbouring microsecond, as in ``from_portion``, which is exact on
        a timeline of whole microseconds; an interval holding none is left
        out. Overlapping and touching intervals merge; a missing interval is
        refused.

        >>> import pandas as pd
        >>> days = pd.to_datetime(["2019-01-01", "2019-01-02", "2019-01-03"], utc=True)
        >>> PeriodSet.from_interval_index(pd.IntervalIndex.from_breaks(days, closed="left")).atoms
        (Period(start='2019-01-01T00:00:00Z', end='2019-01-02T23:59:59.999999Z'),)
        """
        pd = sys.modules.get("pandas")
        if pd is None or not isinstance(index, pd.IntervalIndex):
            raise ArgumentError(f"{quote(index)} is not a pandas IntervalIndex")
        try:
            lo, hi = to_micros_column(index.left), to_micros_column(index.right)
        except ParseError as exc:
            raise ArgumentError(f"the IntervalIndex does not hold instants: {exc}") from None
        # An infinity has no neighbour: open or closed, it stays itself.
        if index.closed in ("right", "neither"):
            lo = np.where((lo > NEG_INF) & (lo < POS_INF), lo + 1, lo)
        if index.closed in ("left", "neither"):
            hi = np.where((hi > NEG_INF) & (hi < POS_INF), hi - 1, hi)
        kept = (lo <= hi) | (lo == NAT) | (hi == NAT)
        return cls.from_bounds(lo[kept], hi[kept])


def _as_set(value: object) -> PeriodSet:
    if isinstance(value, PeriodSet):
        return value
    if isinstance(value, Period):
        return PeriodSet([value])
    raise ArgumentError(f"{quote(value)} is not a Period or a PeriodSet")


_FIRST_INSTANT = moment_of(FIRST_US)
_LAST_INSTANT = moment_of(LAST_US)
_EVERYTHING = PeriodSet([Period()])


def _pandas() -> Any:
    """pandas, loaded on first use: a required dependency, but a heavy one that
    ``import periodkit`` leaves unloaded, as the package root does for its own
    pandas-backed names."""
    return importlib.import_module("pandas")
