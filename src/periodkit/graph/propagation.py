"""The validity rule on flat arrays: atoms grouped by entity, one topological level at a time.

Nothing here sees an entity or a PeriodSet. Atoms are closed ``[lo, hi]``
pairs in the *domain* form (the infinities clipped onto the first and last
instants, so ``hi + 1`` never overflows), held in two int64 arrays and
grouped by an integer key. Two sweeps do all the work:

* ``kernels.coverage_at_least`` turns grouped atoms into, per group, the
  canonical atoms where at least ``need[group]`` input atoms overlap. With
  ``need = 1`` it is the union of each group; when each group holds ``k``
  canonical (disjoint) sets, ``need = k`` is their intersection.
* ``AtomStore`` keeps one canonical atom list per entity slot (CSR-style:
  ``start``/``count`` into two flat arrays) and gathers the atoms of many
  slots at once.

``evaluate_level`` applies the validity rule to every entity of one level at
once: clip each parent's atoms to the dependency's span, union them per
(child, parent type), then intersect own validity with every type's union.

>>> import numpy as np
>>> g, lo, hi = coverage_at_least(
...     np.array([0, 0, 1]), np.array([0, 5, 3]), np.array([4, 9, 3]), np.array([1, 1]))
>>> g.tolist(), lo.tolist(), hi.tolist()
([0, 1], [0, 3], [9, 3])
"""

from __future__ import annotations

import numpy as np

from periodkit.kernels import coverage_at_least, merge_atoms
from periodkit.time import FIRST_US, LAST_US, normalise_vector

_INT = np.int64


def _empty() -> np.ndarray:
    return np.empty(0, dtype=_INT)


def segments(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For segments of the given lengths laid end to end: each item's segment and offset in it.

    >>> owner, offset = segments(np.array([2, 0, 1]))
    >>> owner.tolist(), offset.tolist()
    ([0, 0, 2], [0, 1, 0])
    """
    owner = np.repeat(np.arange(len(counts), dtype=_INT), counts)
    firsts = np.cumsum(counts) - counts
    return owner, np.arange(len(owner), dtype=_INT) - firsts[owner]


class AtomStore:
    """Canonical atoms per entity slot, in two flat arrays with ``start``/``count`` per slot.

    Writing a slot appends its new atoms and leaves the old ones as garbage,
    so that an update of a few slots costs only their atoms; ``compacted``
    drops the garbage.

    >>> store = AtomStore(2)
    >>> store.write(np.array([1]), np.array([0, 2]), np.array([0, 7]), np.array([3, 9]))
    >>> owner, lo, hi = store.gather(np.array([0, 1]))
    >>> owner.tolist(), lo.tolist(), hi.tolist()
    ([1, 1], [0, 7], [3, 9])
    """

    def __init__(self, slots: int) -> None:
        self.start = np.zeros(slots, dtype=_INT)
        self.count = np.zeros(slots, dtype=_INT)
        self.lo = _empty()
        self.hi = _empty()
        self.used = 0
        self._rebind()

    def _rebind(self) -> None:
        # ``lists`` and ``write_lists`` go through plain memoryviews: a numpy call
        # costs tens of microseconds when the caches are cold, a memoryview slice little.
        self._views = tuple(a.data for a in (self.start, self.count, self.lo, self.hi))
        self._vector: tuple[np.ndarray, np.ndarray] | None = None

    def span(self, slot: int) -> tuple[int, int]:
        """Where the atoms of ``slot`` lie in ``lo``/``hi`` (and in ``vector_form``).

        >>> store = AtomStore(2)
        >>> store.write_lists([1, 0], [[(1, 2), (5, 6)], [(8, 9)]])
        >>> store.span(0), store.span(1)
        ((2, 3), (0, 2))
        """
        first = self._views[0][slot]
        return first, first + self._views[1][slot]

    def vector_form(self) -> tuple[np.ndarray, np.ndarray]:
        """``lo`` and ``hi`` in the vector form (the first and last instants as the
        infinities), read-only; made once after each write, so that reading many
        slots costs a slice each.

        >>> store = AtomStore(1)
        >>> store.write_lists([0], [[(FIRST_US, 0)]])
        >>> bool(store.vector_form()[0][0] < FIRST_US)
        True
        """
        if self._vector is None:
            lo, hi = normalise_vector(self.lo[: self.used]), normalise_vector(self.hi[: self.used])
            lo.flags.writeable = hi.flags.writeable = False
            self._vector = lo, hi
        return self._vector

    def grow_slots(self, slots: int) -> None:
        """Make room for slot numbers below ``slots``; new slots hold no atom."""
        extra = slots - len(self.start)
        if extra > 0:
            self.start = np.concatenate((self.start, np.zeros(max(extra, len(self.start)), _INT)))
            self.count = np.concatenate((self.count, np.zeros(max(extra, len(self.count)), _INT)))
            self._rebind()

    def gather(self, slots: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The atoms of the given slots: for each atom, its position in ``slots``, lo and hi."""
        counts = self.count[slots]
        owner, offset = segments(counts)
        at = self.start[slots][owner] + offset
        return owner, self.lo[at], self.hi[at]

    def _reserve(self, size: int) -> None:
        """Room for ``size`` more atoms, dropping the garbage first when it dominates."""
        if self.used + size <= len(self.lo):
            return
        if self.used > 2 * int(self.count.sum()) + 1024:
            self._compact()
        if self.used + size > len(self.lo):
            capacity = max(2 * len(self.lo), self.used + size)
            spare = np.empty(capacity - self.used, _INT)
            self.lo = np.concatenate((self.lo[: self.used], spare))
            self.hi = np.concatenate((self.hi[: self.used], spare))
            self._rebind()

    def lists(self, slots: list[int]) -> list[list[tuple[int, int]]]:
        """The atoms of a few slots as Python lists of ``(lo, hi)`` pairs.

        >>> store = AtomStore(2)
        >>> store.write_lists([0, 1], [[(1, 2)], [(3, 4), (6, 7)]])
        >>> store.lists([1, 0])
        [[(3, 4), (6, 7)], [(1, 2)]]
        """
        start, count, lo, hi = self._views
        found = []
        for slot in slots:
            first = start[slot]
            last = first + count[slot]
            found.append(list(zip(lo[first:last].tolist(), hi[first:last].tolist(), strict=True)))
        return found

    def write(self, slots: np.ndarray, offsets: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
        """Give ``slots[i]`` the atoms ``lo/hi[offsets[i]:offsets[i + 1]]``."""
        size = len(lo)
        self._reserve(size)
        self.lo[self.used : self.used + size] = lo
        self.hi[self.used : self.used + size] = hi
        self.start[slots] = self.used + offsets[:-1]
        self.count[slots] = np.diff(offsets)
        self.used += size
        self._vector = None

    def write_lists(self, slots: list[int], lists: list[list[tuple[int, int]]]) -> None:
        """``write`` for a few slots whose atoms are Python lists of ``(lo, hi)`` pairs.

        >>> store = AtomStore(1)
        >>> store.write_lists([0], [[(1, 2), (5, 6)]])
        >>> store.gather(np.array([0]))[2].tolist()
        [2, 6]
        """
        self._reserve(sum(len(atoms) for atoms in lists))
        start, count, lo, hi = self._views
        at = self.used
        for slot, atoms in zip(slots, lists, strict=True):
            start[slot] = at
            count[slot] = len(atoms)
            for first, last in atoms:
                lo[at] = first
                hi[at] = last
                at += 1
        self.used = at
        self._vector = None

    def _compact(self) -> None:
        slots = np.flatnonzero(self.count)
        _, lo, hi = self.gather(slots)
        self.lo, self.hi = lo, hi
        self.start[slots] = np.cumsum(self.count[slots]) - self.count[slots]
        self.used = len(lo)
        self._rebind()

    def write_grouped(
        self, slots: np.ndarray, group: np.ndarray, lo: np.ndarray, hi: np.ndarray
    ) -> None:
        """Give each slot the atoms whose ``group`` is its position in ``slots``.

        Atoms must be sorted by group; a slot with no atom gets none.
        """
        counts = np.bincount(group, minlength=len(slots)).astype(_INT)
        offsets = np.zeros(len(slots) + 1, dtype=_INT)
        np.cumsum(counts, out=offsets[1:])
        self.write(slots, offsets, lo, hi)


class Edges:
    """Dependencies as arrays, sorted by child: child slot, parent slot, parent type, span.

    One row per (child, parent, span); a child's several spans on one parent
    are several rows. ``ptype`` is any integer code of the parent's type.
    """

    def __init__(
        self,
        child: np.ndarray,
        parent: np.ndarray,
        ptype: np.ndarray,
        span_lo: np.ndarray,
        span_hi: np.ndarray,
    ) -> None:
        order = np.argsort(child, kind="stable")
        self.child = np.asarray(child, dtype=_INT)[order]
        self.parent = np.asarray(parent, dtype=_INT)[order]
        self.ptype = np.asarray(ptype, dtype=_INT)[order]
        self.span_lo = np.asarray(span_lo, dtype=_INT)[order]
        self.span_hi = np.asarray(span_hi, dtype=_INT)[order]

    def __len__(self) -> int:
        return len(self.child)

    def take(self, rows: np.ndarray) -> Edges:
        """The given rows (still sorted by child when ``rows`` is ascending)."""
        picked = Edges.__new__(Edges)
        for name in ("child", "parent", "ptype", "span_lo", "span_hi"):
            setattr(picked, name, getattr(self, name)[rows])
        return picked


def evaluate_level(
    children: np.ndarray, edges: Edges, own: AtomStore, effective: AtomStore
) -> None:
    """Write the effective validity of ``children`` (one topological level) into ``effective``.

    ``edges`` are exactly the dependencies of these children; every parent's
    effective atoms must already be in ``effective``.
    """
    position = np.full(int(children.max()) + 1 if len(children) else 0, -1, dtype=_INT)
    position[children] = np.arange(len(children), dtype=_INT)
    child_at = position[edges.child]
    # One group per (child, parent type); groups numbered in child order.
    width = int(edges.ptype.max(initial=0)) + 1
    pairs, pair_of_edge = np.unique(child_at * width + edges.ptype, return_inverse=True)
    pair_child = pairs // width
    edge_of_atom, parent_lo, parent_hi = effective.gather(edges.parent)
    lo = np.maximum(parent_lo, edges.span_lo[edge_of_atom])
    hi = np.minimum(parent_hi, edges.span_hi[edge_of_atom])
    inside = lo <= hi
    union_group, union_lo, union_hi = coverage_at_least(
        pair_of_edge[edge_of_atom[inside]],
        lo[inside],
        hi[inside],
        np.ones(len(pairs), dtype=_INT),
    )
    own_child, own_lo, own_hi = own.gather(children)
    need = np.bincount(pair_child, minlength=len(children)).astype(_INT) + 1
    group, lo, hi = coverage_at_least(
        np.concatenate((own_child, pair_child[union_group])),
        np.concatenate((own_lo, union_lo)),
        np.concatenate((own_hi, union_hi)),
        need,
    )
    effective.write_grouped(children, group, lo, hi)


def layers(slots: np.ndarray, edges: Edges) -> list[np.ndarray]:
    """``slots`` split into topological levels (Kahn), counting only edges among ``slots``.

    ``edges`` must be acyclic; a level holds the slots whose parents within
    ``slots`` all lie in earlier levels.

    >>> e = Edges(np.array([1, 2, 2]), np.array([0, 0, 1]), np.zeros(3), np.zeros(3), np.zeros(3))
    >>> [level.tolist() for level in layers(np.array([0, 1, 2]), e)]
    [[0], [1], [2]]
    """
    if len(slots) == 0:
        return []
    size = int(max(slots.max(), edges.child.max(initial=0), edges.parent.max(initial=0))) + 1
    member = np.zeros(size, dtype=bool)
    member[slots] = True
    inner = member[edges.child] & member[edges.parent]
    child, parent = edges.child[inner], edges.parent[inner]
    by_parent = np.argsort(parent, kind="stable")
    child_by_parent = child[by_parent]
    first = np.searchsorted(parent[by_parent], np.arange(size + 1))
    waiting = np.bincount(child, minlength=size)
    frontier = np.sort(slots[waiting[slots] == 0])
    found = []
    while len(frontier):
        found.append(frontier)
        owner, offset = segments(first[frontier + 1] - first[frontier])
        reached = child_by_parent[first[frontier][owner] + offset]
        np.subtract.at(waiting, reached, 1)
        frontier = np.unique(reached[waiting[reached] == 0])
    return found


#: The whole timeline in the domain form: the validity of an entity with no owned period.
ALWAYS = (FIRST_US, LAST_US)


# --- the same rule for a handful of entities, on Python lists ---------------
# A numpy call costs microseconds however small its input, so an update that
# touches a few entities runs faster on lists; the tests hold both to the
# same answers.

Atoms = list[tuple[int, int]]


def intersect_atoms(left: Atoms, right: Atoms) -> Atoms:
    """The intersection of two canonical atom lists (a two-pointer sweep).

    >>> intersect_atoms([(0, 9), (20, 30)], [(5, 25)])
    [(5, 9), (20, 25)]
    """
    out: Atoms = []
    i = j = 0
    while i < len(left) and j < len(right):
        lo = max(left[i][0], right[j][0])
        hi = min(left[i][1], right[j][1])
        if lo <= hi:
            out.append((lo, hi))
        if left[i][1] < right[j][1]:
            i += 1
        else:
            j += 1
    return out


def entity_validity(own: Atoms, reached: dict[int, Atoms]) -> Atoms:
    """One entity's effective atoms: own atoms intersected with, per parent type, the union
    of what the parents of that type reach through their dependencies' spans.

    ``reached`` maps each parent type to the parents' atoms already clipped
    to the spans, in any order.

    >>> entity_validity([(0, 100)], {1: [(10, 20), (15, 30)], 2: [(25, 200)]})
    [(25, 30)]
    """
    valid = own
    for atoms in reached.values():
        valid = intersect_atoms(valid, merge_atoms(atoms))
    return valid
