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
before it, and no row starts earlier than ``atom_start - bound`` and still
reaches the atom when ``bound`` holds every duration. One long row would make
that scan cover everything, so ``decompose`` splits a table by duration:
the whole table is scanned with the bound of its short rows, and the few
long rows, kept apart in parts by duration class, are scanned with their
own bounds only where the short bound does not reach. A query costs
O(P M log N + k + c), where P counts parts (a handful at most) and c the rows
that start within each part's bound before an atom and miss it. There is no
Python loop over rows or atoms.

Positions go back to input order by ``to_input_order``, and
``start_order`` keeps the start order stable (ties by input position), so
an answer in start order is a gather of positions, not a sort.

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
# What one more part costs a query, in rows scanned: a few numpy calls of a
# few microseconds each, against about a nanosecond a row.
_PART_COST = 4096
# An answer holding more than this share of a table goes back to input order
# through a bitmap (one pass over the table); fewer, through a sort of the
# answer, which numpy's vectorised sort does faster up to about here.
_BITMAP_SHARE = 4


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
    clipped: np.ndarray = np.minimum(np.maximum(bounds, FIRST_US), LAST_US)
    return clipped


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


def _lengths(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """``end - start`` per row in the domain form: finite, even for rows spanning everything."""
    lengths = to_domain(ends)
    lengths -= to_domain(starts)
    return lengths


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
        longest = max(
            longest, int(_lengths(starts[at : at + _CHUNK], ends[at : at + _CHUNK]).max())
        )
    return longest


class Part:
    """Long rows of a table kept apart: their positions (ascending), bounds and longest duration."""

    __slots__ = ("ends", "longest", "rows", "starts")

    def __init__(
        self, rows: np.ndarray, starts: np.ndarray, ends: np.ndarray, longest: int
    ) -> None:
        self.rows, self.starts, self.ends, self.longest = rows, starts, ends, longest


class Decomposition:
    """A table split by duration: ``bound`` holds every row outside ``parts``.

    >>> Decomposition(3).parts
    ()
    """

    __slots__ = ("bound", "parts")

    def __init__(self, bound: int, parts: tuple[Part, ...] = ()) -> None:
        self.bound, self.parts = bound, parts


def _spread(starts: np.ndarray) -> float:
    """The span over which the starts of a start-sorted table lie, at their typical density.

    Measured between the 1/64 and 63/64 quantiles, so that a few rows at the
    ends of time (or at the infinities) do not make the table look sparse.
    """
    n = len(starts)
    lo, hi = n // 64, n - 1 - n // 64
    width = micros_to_domain(int(starts[hi])) - micros_to_domain(int(starts[lo]))
    return max(width * n / max(hi - lo, 1), 1.0)


def decompose(starts: np.ndarray, ends: np.ndarray, part_cost: float = _PART_COST) -> Decomposition:
    """Split a start-sorted table by duration so that a few long rows cost only themselves.

    Rows fall in classes by the bit length of their duration. The short
    classes stay in the whole table, bounded by their longest duration; the
    others make up parts, runs of consecutive classes each with its own
    bound. The split minimises the rows a query scans beyond its answer,
    counting ``part_cost`` rows for each part (a dynamic programme over the
    at most 64 classes); a table whose durations are alike stays whole.

    >>> starts = np.arange(0, 40_000, 4); ends = starts + 3
    >>> ends[7] = 10**9
    >>> split = decompose(starts, ends)
    >>> split.bound, [(p.rows.tolist(), p.longest) for p in split.parts]
    (3, [([7], 999999972)])
    """
    n = len(starts)
    if n == 0:
        return Decomposition(0)
    span = _spread(starts)
    longest = max_duration(starts, ends)
    if n * min(1.0, longest / span) <= part_cost:
        # Even a perfect split would save less than one part costs.
        return Decomposition(longest)
    classes = np.empty(n, dtype=np.int8)
    for at in range(0, n, _CHUNK):
        lengths = _lengths(starts[at : at + _CHUNK], ends[at : at + _CHUNK])
        # A duration in [2**(c-1), 2**c) has exponent c; rounding to float can
        # only move it up a class, whose bound still holds it.
        classes[at : at + _CHUNK] = np.frexp(lengths.astype(np.float64))[1]
    counts = np.bincount(classes)
    present = np.flatnonzero(counts).tolist()
    sizes = [int(counts[c]) for c in present]
    caps = [min((1 << c) - 1, longest) for c in present]

    def scanned(rows: int, cap: int) -> float:
        return rows * min(1.0, cap / span)

    # best[i]: the cost of classes i.. as parts, and where the first part ends.
    best: list[tuple[float, int]] = [(0.0, len(present))] * (len(present) + 1)
    for i in range(len(present) - 1, -1, -1):
        rows = 0
        options = []
        for j in range(i, len(present)):
            rows += sizes[j]
            options.append((part_cost + scanned(rows, caps[j]) + best[j + 1][0], j + 1))
        best[i] = min(options)
    main = min(range(len(present)), key=lambda i: scanned(n, caps[i]) + best[i + 1][0])
    parts = []
    i = main + 1
    while i < len(present):
        j = best[i][1]
        kept = np.flatnonzero((classes > present[i - 1]) & (classes <= present[j - 1]))
        part_starts, part_ends = starts[kept], ends[kept]
        parts.append(Part(kept, part_starts, part_ends, max_duration(part_starts, part_ends)))
        i = j
    return Decomposition(caps[main], tuple(parts))


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


def _reaching(
    ends: np.ndarray, first: np.ndarray, stop: np.ndarray, atom_starts: np.ndarray
) -> np.ndarray:
    """Rows in ``[first[j], stop[j])`` whose end is at or after ``atom_starts[j]``, ascending."""
    if len(first) == 1:
        # One period: the candidates are one slice, so no index arrays are built.
        a, b = int(first[0]), int(stop[0])
        return a + np.flatnonzero(ends[a:b] >= atom_starts[0])
    rows, reach = _ranges(first, stop, atom_starts)
    reaching: np.ndarray = rows[ends[rows] >= reach]
    return reaching


def overlaps(
    starts: np.ndarray,
    ends: np.ndarray,
    atom_starts: np.ndarray,
    atom_ends: np.ndarray,
    longest: int | Decomposition | None = None,
) -> np.ndarray:
    """Positions (ascending) of the rows whose [start, end] meets one of the atoms.

    ``longest`` is ``decompose(starts, ends)`` (or any bound on every
    duration, such as ``max_duration``); a table that keeps it passes it in
    so that each call costs no pass over the table. A row reaches an atom
    when its start lies in (previous atom's end, this atom's end] and its
    end is at or after this atom's start; since atoms are disjoint and
    sorted, that atom is the only one to test. The whole table is scanned
    from ``atom_start - bound``; each part only before that, from its own
    bound, so no row is found twice.

    >>> starts, ends = np.array([0, 0, 7]), np.array([0, 9, 8])
    >>> overlaps(starts, ends, np.array([1]), np.array([POS_INF])).tolist()
    [1, 2]
    """
    if longest is None:
        longest = decompose(starts, ends)
    split = longest if isinstance(longest, Decomposition) else Decomposition(longest)
    stop = np.searchsorted(starts, atom_ends, side="right")
    short_reach = _earliest_start(atom_starts, split.bound)
    first = np.searchsorted(starts, short_reach, side="left")
    first[1:] = np.maximum(first[1:], stop[:-1])
    more = []
    for part in split.parts:
        part_stop = np.searchsorted(part.starts, short_reach, side="left")
        part_first = np.searchsorted(
            part.starts, _earliest_start(atom_starts, part.longest), side="left"
        )
        part_first[1:] = np.maximum(
            part_first[1:], np.searchsorted(part.starts, atom_ends[:-1], side="right")
        )
        found = part.rows[_reaching(part.ends, part_first, part_stop, atom_starts)]
        if len(found):
            more.append(found)
    if len(atom_starts) != 1:
        found = _reaching(ends, first, stop, atom_starts)
        # Each piece is ascending: a stable sort (timsort) merges a few runs in linear time.
        return np.sort(np.concatenate((found, *more)), kind="stable") if more else found
    # One period: the parts' rows all start before the slice of the table, so
    # they come first, and the slice's rows are written after them in place.
    a, b = int(first[0]), int(stop[0])
    hits = np.flatnonzero(ends[a:b] >= atom_starts[0])
    if not more:
        return np.add(hits, a, out=hits)
    early = np.sort(np.concatenate(more), kind="stable") if len(more) > 1 else more[0]
    out = np.empty(len(early) + len(hits), dtype=np.int64)
    out[: len(early)] = early
    np.add(hits, a, out=out[len(early) :])
    return out


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
    inside: np.ndarray = rows[ends[rows] <= limit]
    return inside


def index_dtype(n: int) -> type[np.int32] | type[np.int64]:
    """The narrowest integer type that holds every position of ``n`` rows.

    >>> index_dtype(10).__name__
    'int32'
    """
    return np.int32 if n < 2**31 else np.int64


def start_order(starts: np.ndarray) -> tuple[np.ndarray | None, np.ndarray]:
    """The permutation that sorts ``starts`` stably (ties by position), and the sorted starts.

    The permutation is in ``index_dtype``; ``None`` when ``starts`` is
    already sorted. numpy's stable sort of int64 takes twice its default
    one, so ties are put in order afterwards, among the tied rows only.

    >>> order, ordered = start_order(np.array([5, 1, 5, 1]))
    >>> order.tolist(), ordered.tolist()
    ([1, 3, 0, 2], [1, 1, 5, 5])
    """
    if len(starts) < 2 or not (starts[1:] < starts[:-1]).any():
        return None, starts
    order = np.argsort(starts)
    ordered = starts[order]
    tied = np.flatnonzero(ordered[1:] == ordered[:-1])
    if len(tied) * 8 > len(starts):
        # Mostly ties: one stable sort costs less than sorting them apart.
        order = np.argsort(starts, kind="stable")
    elif len(tied):
        slots = np.union1d(tied, tied + 1)
        rows = order[slots]
        order[slots] = rows[np.lexsort((rows, ordered[slots]))]
    return order.astype(index_dtype(len(starts))), ordered


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
    missing: np.ndarray = ~table[values - lo]
    return missing


def to_input_order(positions: np.ndarray, order: np.ndarray | None) -> np.ndarray:
    """Sorted-table positions as ascending positions of the input rows.

    ``order[i]`` is the input position of sorted row i; ``None`` means the
    input was already sorted. A large answer is scattered into a bitmap of
    the table and read back; a smaller one is sorted in ``order``'s own
    (narrow) type, which sorts faster than int64.

    >>> to_input_order(np.array([0, 2]), np.array([2, 0, 1])).tolist()
    [1, 2]
    """
    if order is None:
        return positions.astype(np.int64, copy=False)
    rows = order[positions]
    if len(rows) * _BITMAP_SHARE > len(order):
        hit = np.zeros(len(order), dtype=bool)
        hit[rows] = True
        return np.flatnonzero(hit)
    return np.sort(rows).astype(np.int64, copy=False)
