"""Numpy kernels: which rows of a start-sorted table fall in a period or a period set,
and the merging and clipping of atoms that every period set and validity rule rests on.

Kernels never see periodkit objects: they take plain int64 arrays in the
vector form of ``periodkit.time`` (microseconds, ``NEG_INF`` = int64 min + 1,
``POS_INF`` = int64 max) and return int64 positions into those arrays. A
table is two arrays ``starts`` and ``ends`` (closed bounds, ``starts``
ascending, ``ends[i] >= starts[i]``). A period set is two arrays of atoms,
sorted, disjoint and closed, as ``PeriodSet.bounds()`` gives them; one period
is a set of one atom.

* ``overlaps``: rows with ``start <= atom_end`` and ``end >= atom_start`` for
  some atom.
* ``within``: rows with ``atom_start <= start`` and ``end <= atom_end`` for
  some atom.

Atoms are merged and clipped here and nowhere else:

* ``to_domain`` (and ``micros_to_domain`` for one bound) clips the infinities
  onto the first and last instants, the *domain* form, where ``hi + 1`` never
  overflows;
* ``merge`` and ``merge_sorted`` give the canonical atoms of a union
  (atoms that overlap, touch or lie one microsecond apart become one);
* ``coverage_at_least`` does the same per group, keeping only what at least
  ``need`` atoms of the group cover (``need = k`` of ``k`` canonical sets is
  their intersection);
* ``merge_atoms`` is ``merge`` on a short Python list, where a numpy call
  would cost more than the work.

``absent`` asks which of many ids are not among others (who is free is
everyone not among the people of the periods found).

Each atom is answered by two binary searches on ``starts``. ``within`` only
needs rows starting inside the atom. ``overlaps`` also needs rows starting
before it, and no row starts earlier than ``atom_start - max_duration``
and still reaches the atom, so the scan is bounded by the table's longest
row: O(M log N + k + c), where c counts rows that start within
``max_duration`` before an atom. There is no Python loop over rows or atoms.

>>> starts = np.array([0, 5, 10, 20]); ends = np.array([4, 12, 10, 30])
>>> overlaps(starts, ends, np.array([10]), np.array([11])).tolist()
[1, 2]
>>> within(starts, ends, np.array([0, 10]), np.array([4, 25])).tolist()
[0, 2]
"""

from __future__ import annotations

import numpy as np

# The vector form's constants, restated so that this module imports only
# numpy; tests/test_kernels.py pins them to periodkit.time's.
NEG_INF = int(np.iinfo(np.int64).min) + 1
POS_INF = int(np.iinfo(np.int64).max)
FIRST_US = -62_135_596_800_000_000
LAST_US = 253_402_300_799_999_999

_NO_ROWS = np.array([], dtype=np.int64)
_CHUNK = 1 << 20


def micros_to_domain(us: int) -> int:
    """One vector-form bound in the domain form (infinities onto the first and last instants).

    >>> micros_to_domain(NEG_INF) == FIRST_US, micros_to_domain(7)
    (True, 7)
    """
    return min(max(us, FIRST_US), LAST_US)


def to_domain(bounds: np.ndarray) -> np.ndarray:
    """Vector-form bounds in the domain form, as a new array.

    >>> to_domain(np.array([NEG_INF, 0, POS_INF])).tolist() == [FIRST_US, 0, LAST_US]
    True
    """
    # np.maximum/np.minimum: np.clip costs several microseconds a call.
    return np.minimum(np.maximum(bounds, FIRST_US), LAST_US)


def merge_sorted(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The canonical atoms of domain atoms sorted by start: overlapping, touching or
    abutting ones merged.

    >>> merge_sorted(np.array([0, 5, 20]), np.array([4, 9, 30]))
    (array([ 0, 20]), array([ 9, 30]))
    """
    if len(starts) == 0:
        return _NO_ROWS, _NO_ROWS
    reach = np.maximum.accumulate(ends)
    opens = np.empty(len(starts), dtype=bool)
    opens[0] = True
    opens[1:] = starts[1:] > reach[:-1] + 1
    first = np.flatnonzero(opens)
    last = np.append(first[1:] - 1, len(starts) - 1)
    return starts[first], reach[last]


def merge(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The canonical atoms of domain atoms in any order.

    >>> merge(np.array([20, 5, 0]), np.array([30, 9, 4]))
    (array([ 0, 20]), array([ 9, 30]))
    """
    order = np.argsort(starts, kind="stable")
    return merge_sorted(starts[order], ends[order])


def coverage_at_least(
    group: np.ndarray, lo: np.ndarray, hi: np.ndarray, need: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per group, the merged atoms where at least ``need[group]`` input atoms overlap.

    Inputs are closed domain atoms in any order; ``need`` is indexed by group
    and must be >= 1. The output is sorted by (group, lo), and atoms of a
    group that touch or lie one microsecond apart are merged.

    >>> g, lo, hi = coverage_at_least(
    ...     np.array([0, 0]), np.array([0, 3]), np.array([5, 9]), np.array([2]))
    >>> lo.tolist(), hi.tolist()
    ([3], [5])
    """
    if len(lo) == 0:
        return _NO_ROWS, _NO_ROWS, _NO_ROWS
    coord = np.concatenate((lo, hi + 1))
    keys = np.concatenate((group, group))
    order = np.lexsort((coord, keys))
    coord, keys = coord[order], keys[order]
    delta = np.ones(len(coord), dtype=np.int64)
    delta[len(lo) :] = -1
    cover = np.cumsum(delta[order])
    # Coverage after the last event at a coordinate holds until the next one.
    last = np.ones(len(coord), dtype=bool)
    last[:-1] = (keys[1:] != keys[:-1]) | (coord[1:] != coord[:-1])
    run = np.flatnonzero(last)
    run_keys = keys[run]
    keep = cover[run] >= need[run_keys]
    # A kept run never ends its group (coverage there is >= 1), so the next
    # event belongs to the same group and ends the run; kept runs that follow
    # one another abut and merge.
    before = np.zeros(len(run), dtype=bool)
    before[1:] = keep[:-1]
    after = np.zeros(len(run), dtype=bool)
    after[:-1] = keep[1:]
    opens = keep & ~before
    closes = keep & ~after
    return run_keys[opens], coord[run[opens]], coord[run[closes] + 1] - 1


def merge_atoms(atoms: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The canonical form of closed domain atoms: sorted, with overlapping or abutting ones merged.

    >>> merge_atoms([(5, 9), (0, 4), (20, 30), (25, 26)])
    [(0, 9), (20, 30)]
    """
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(atoms):
        if merged and lo <= merged[-1][1] + 1:
            if hi > merged[-1][1]:
                merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    return merged


def max_duration(starts: np.ndarray, ends: np.ndarray) -> int:
    """The longest ``end - start`` of a table, measured without int64 overflow.

    The infinities count as the first and last instants of the timeline, so
    even a row spanning everything has a finite, representable length.

    >>> max_duration(np.array([0, 5]), np.array([3, 5]))
    3
    >>> max_duration(np.array([NEG_INF]), np.array([POS_INF])) == LAST_US - FIRST_US
    True
    """
    longest = 0
    # In chunks, so that ten million rows need a few MB of temporaries, not 240.
    for at in range(0, len(starts), _CHUNK):
        hi = to_domain(ends[at : at + _CHUNK])
        hi -= to_domain(starts[at : at + _CHUNK])
        longest = max(longest, int(hi.max()))
    return longest


def _earliest_start(atom_starts: np.ndarray, longest: int) -> np.ndarray:
    """``atom_starts - longest``, saturating at ``NEG_INF`` instead of overflowing.

    Subtracting in the clipped domain keeps every value far from int64 min;
    anything at or before the first instant then means "from -inf".
    """
    reach = to_domain(atom_starts) - longest
    return np.where(reach <= FIRST_US, NEG_INF, reach)


def _ranges(
    first: np.ndarray, stop: np.ndarray, bound: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """All integers of the ranges ``[first[j], stop[j])`` in order, each with ``bound[j]``.

    The integers are a running sum of steps: 1 inside a range, a jump at the
    head of each range. That is two passes over the output, where
    repeat-and-add takes five.
    """
    lengths = stop - first
    kept = lengths > 0
    first, lengths = first[kept], lengths[kept]
    total = int(lengths.sum())
    if total == 0:
        return _NO_ROWS, _NO_ROWS
    step = np.ones(total, dtype=np.int64)
    step[0] = first[0]
    step[np.cumsum(lengths[:-1])] = first[1:] - (first[:-1] + lengths[:-1]) + 1
    return np.cumsum(step, out=step), np.repeat(bound[kept], lengths)


def overlaps(
    starts: np.ndarray,
    ends: np.ndarray,
    atom_starts: np.ndarray,
    atom_ends: np.ndarray,
    longest: int | None = None,
) -> np.ndarray:
    """Positions (ascending) of the rows whose [start, end] meets one of the atoms.

    ``longest`` is ``max_duration(starts, ends)``; a table that keeps it
    passes it in so that each call stays O(M log N + k). A row reaches an
    atom when its start lies in (previous atom's end, this atom's end] and its
    end is at or after this atom's start; since atoms are disjoint and sorted,
    that atom is the only one to test.

    >>> starts, ends = np.array([0, 0, 7]), np.array([0, 9, 8])
    >>> overlaps(starts, ends, np.array([1]), np.array([POS_INF])).tolist()
    [1, 2]
    """
    if longest is None:
        longest = max_duration(starts, ends)
    stop = np.searchsorted(starts, atom_ends, side="right")
    first = np.searchsorted(starts, _earliest_start(atom_starts, longest), side="left")
    if len(atom_starts) == 1:
        # One period: the candidates are one slice, so no index arrays are built.
        a, b = int(first[0]), int(stop[0])
        return a + np.flatnonzero(ends[a:b] >= atom_starts[0])
    first[1:] = np.maximum(first[1:], stop[:-1])
    rows, reach = _ranges(first, stop, atom_starts)
    return rows[ends[rows] >= reach]


def within(
    starts: np.ndarray,
    ends: np.ndarray,
    atom_starts: np.ndarray,
    atom_ends: np.ndarray,
) -> np.ndarray:
    """Positions (ascending) of the rows whose [start, end] lies inside one atom.

    Only rows that start inside an atom can lie inside it, so each atom is one
    slice of ``starts``: O(M log N + k').

    >>> within(np.array([0, 1, 1]), np.array([5, 1, 3]), np.array([1]), np.array([2])).tolist()
    [1]
    """
    first = np.searchsorted(starts, atom_starts, side="left")
    stop = np.searchsorted(starts, atom_ends, side="right")
    if len(atom_starts) == 1:
        a, b = int(first[0]), int(stop[0])
        return a + np.flatnonzero(ends[a:b] <= atom_ends[0])
    rows, limit = _ranges(first, stop, atom_ends)
    return rows[ends[rows] <= limit]


def absent(values: np.ndarray, excluded: np.ndarray) -> np.ndarray:
    """A mask of the ``values`` not among ``excluded`` (integer arrays, repeats allowed).

    When the values span a range not much wider than the arrays are long,
    as ids do, one lookup table over that range answers it: O(len + range),
    several times faster than ``np.isin``, which is the fallback otherwise.

    >>> absent(np.array([4, 1, 9, 2]), np.array([2, 2, 7, 4])).tolist()
    [False, True, True, False]
    """
    if len(values) == 0 or len(excluded) == 0:
        return np.ones(len(values), dtype=bool)
    lo, hi = int(values.min()), int(values.max())
    if hi - lo > 8 * (len(values) + len(excluded)):
        return ~np.isin(values, excluded)
    inside = excluded[(excluded >= lo) & (excluded <= hi)]
    table = np.zeros(hi - lo + 1, dtype=bool)
    table[inside - lo] = True
    return ~table[values - lo]


def to_input_order(positions: np.ndarray, order: np.ndarray | None) -> np.ndarray:
    """Sorted-table positions as ascending positions of the input rows.

    ``order[i]`` is the input position of sorted row i; ``None`` means the
    input was already sorted.

    >>> to_input_order(np.array([0, 2]), np.array([2, 0, 1])).tolist()
    [1, 2]
    """
    if order is None:
        return positions.astype(np.int64, copy=False)
    return np.sort(order[positions].astype(np.int64, copy=False))
