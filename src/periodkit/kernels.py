"""Numpy kernels: which rows of a start-sorted table fall in a period or a period set.

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
        lo = np.maximum(starts[at : at + _CHUNK], FIRST_US)
        hi = np.minimum(ends[at : at + _CHUNK], LAST_US)
        hi -= lo
        longest = max(longest, int(hi.max()))
    return longest


def _earliest_start(atom_starts: np.ndarray, longest: int) -> np.ndarray:
    """``atom_starts - longest``, saturating at ``NEG_INF`` instead of overflowing.

    Subtracting in the clipped domain keeps every value far from int64 min;
    anything at or before the first instant then means "from -inf".
    """
    # np.maximum/np.minimum: np.clip costs several microseconds a call.
    reach = np.minimum(np.maximum(atom_starts, FIRST_US), LAST_US) - longest
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
