"""When people are out of office, and who is free during a period, over arrays of periods.

An ``AbsenceIndex`` holds out-of-office periods (start and end in int64
microseconds, the person's id) so that the kernels of ``periodkit.kernels``
find the periods meeting any period set with binary searches. Every
question is answered for all people at once: no Python loop runs over
periods or people.

Periods come and go one at a time (``add``, ``remove``) without a new sort.
The index is a base, sorted by start when it was built, and the changes
since: the base periods removed (a mask) and the periods added (unsorted
arrays). Every answer merges the two: the kernels search the base and drop
what was removed; each added period is tested against the question's atoms
by binary search. Once the changes outnumber an eighth of the base (and a
small floor), the next change sorts them into a new base: one merge of
nearly sorted arrays, O(N log N) at worst every N/8 changes, so a change
costs O(log N) amortised and an answer O(N/8) more vector work at most.

>>> index = AbsenceIndex.of(np.array([10, 0, 30]), np.array([20, 5, 40]), np.array([1, 2, 1]))
>>> index.busy(Period.from_micros(4, 12)).tolist()
[1, 2]
>>> index.free(Period.from_micros(21, 29), np.array([1, 2, 3])).tolist()
[1, 2, 3]
>>> index.add(22, 25, 3); index.remove(0, 5, 2)
>>> index.free(Period.from_micros(4, 29), np.array([1, 2, 3])).tolist()
[2]
>>> index.out_of_office(1).bounds()[0].tolist()
[10, 30]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from periodkit import kernels
from periodkit.errors import ArgumentError
from periodkit.periods import Period, PeriodSet
from periodkit.time import format_instant

#: The base is sorted again once the changes since outnumber its length divided
#: by this, or the floor, whichever is more.
REBUILD_SHARE = 8
REBUILD_FLOOR = 64


@dataclass(frozen=True)
class _Sorted:
    """Periods sorted by start, with the longest one's length for the kernels."""

    starts: np.ndarray
    ends: np.ndarray
    people: np.ndarray
    longest: int

    @classmethod
    def of(cls, starts: np.ndarray, ends: np.ndarray, people: np.ndarray) -> _Sorted:
        # Stable, so that a base merged with its changes (two sorted runs) sorts in O(N).
        order = np.argsort(starts, kind="stable")
        starts, ends = starts[order], ends[order]
        longest = kernels.max_duration(starts, ends) if len(starts) else 0
        return cls(starts, ends, people[order], longest)

    def meeting(self, atom_starts: np.ndarray, atom_ends: np.ndarray) -> np.ndarray:
        """The positions of the periods meeting the atoms (sorted, disjoint)."""
        if len(self.starts) == 0 or len(atom_starts) == 0:
            return np.array([], dtype=np.int64)
        return kernels.overlaps(self.starts, self.ends, atom_starts, atom_ends, self.longest)


class AbsenceIndex:
    """Out-of-office periods: a base sorted by start, and the periods added and removed since."""

    def __init__(self, base: _Sorted) -> None:
        self._settle_on(base)

    def _settle_on(self, base: _Sorted) -> None:
        self._base = base
        self._removed = np.zeros(len(base.starts), dtype=bool)
        self._removals = 0
        # The added periods, unsorted: start, end and person in each row.
        self._added = np.empty((16, 3), dtype=np.int64)
        self._additions = 0

    @classmethod
    def of(cls, starts: np.ndarray, ends: np.ndarray, people: np.ndarray) -> AbsenceIndex:
        """An index of the periods ``[starts[i], ends[i]]`` of ``people[i]``, in any order.

        >>> len(AbsenceIndex.of(np.array([5, 1]), np.array([6, 9]), np.array([7, 8])))
        2
        """
        ints = (np.asarray(a, dtype=np.int64) for a in (starts, ends, people))
        return cls(_Sorted.of(*ints))

    def __len__(self) -> int:
        return len(self._base.starts) - self._removals + self._additions

    # --- changes -----------------------------------------------------------------

    def add(self, start: int, end: int, person: int) -> None:
        """Add the period ``[start, end]`` of ``person``."""
        if self._additions == len(self._added):
            grown = np.empty((2 * len(self._added), 3), dtype=np.int64)
            grown[: self._additions] = self._added
            self._added = grown
        self._added[self._additions] = (start, end, person)
        self._additions += 1
        self._settle()

    def remove(self, start: int, end: int, person: int) -> None:
        """Remove one period ``[start, end]`` of ``person`` (an ``ArgumentError`` if none).

        >>> AbsenceIndex.of(np.array([0]), np.array([9]), np.array([1])).remove(0, 9, 2)
        Traceback (most recent call last):
        ...
        periodkit.errors.ArgumentError: person 2 has no out-of-office period from \
1970-01-01T00:00:00.000000Z to 1970-01-01T00:00:00.000009Z
        """
        base = self._base
        first = int(np.searchsorted(base.starts, start, side="left"))
        stop = int(np.searchsorted(base.starts, start, side="right"))
        same = (base.ends[first:stop] == end) & (base.people[first:stop] == person)
        found = np.flatnonzero(same & ~self._removed[first:stop])
        if len(found):
            self._removed[first + found[0]] = True
            self._removals += 1
        else:
            added = self._added[: self._additions]
            found = np.flatnonzero((added == (start, end, person)).all(axis=1))
            if len(found) == 0:
                first_at, last_at = (format_instant(t, precision="us") for t in (start, end))
                raise ArgumentError(
                    f"person {person} has no out-of-office period from {first_at} to {last_at}"
                )
            # The last added period takes the place of the one removed.
            self._additions -= 1
            added[found[0]] = added[self._additions]
        self._settle()

    def _settle(self) -> None:
        """Sort the changes into a new base once they are too many to merge into answers."""
        changes = self._removals + self._additions
        if changes <= max(REBUILD_FLOOR, len(self._base.starts) // REBUILD_SHARE):
            return
        kept, added = ~self._removed, self._added[: self._additions]
        columns = (self._base.starts, self._base.ends, self._base.people)
        merged = (np.concatenate([c[kept], added[:, k]]) for k, c in enumerate(columns))
        self._settle_on(_Sorted.of(*merged))

    # --- questions ---------------------------------------------------------------

    def out_of_office(self, person: int) -> PeriodSet:
        """The union of ``person``'s periods (empty for someone never out of office).

        >>> AbsenceIndex.of(np.array([0]), np.array([9]), np.array([1])).out_of_office(2).is_empty
        True
        """
        base = self._base
        mine = base.people == person
        if self._removals:
            mine &= ~self._removed
        added = self._added[: self._additions]
        theirs = added[added[:, 2] == person]
        return PeriodSet.from_bounds(
            np.concatenate([base.starts[mine], theirs[:, 0]]),
            np.concatenate([base.ends[mine], theirs[:, 1]]),
        )

    def available(self, person: int, within: Period | PeriodSet) -> PeriodSet:
        """The instants of ``within`` at which ``person`` is not out of office.

        >>> index = AbsenceIndex.of(np.array([10]), np.array([19]), np.array([1]))
        >>> index.available(1, Period.from_micros(0, 29)).bounds()
        (array([ 0, 20]), array([ 9, 29]))
        """
        return PeriodSet(within) - self.out_of_office(person)

    def busy(self, during: Period | PeriodSet) -> np.ndarray:
        """The ids (ascending, once each) of the people out of office at some instant of ``during``.

        One kernel call finds every base period meeting ``during``; ``np.unique``
        reduces them to people.
        """
        return np.unique(self._meeting(during))

    def free(self, during: Period | PeriodSet, people: np.ndarray) -> np.ndarray:
        """Those of ``people`` (in their order) not out of office at any instant of ``during``.

        >>> index = AbsenceIndex.of(np.array([0]), np.array([9]), np.array([2]))
        >>> index.free(Period.from_micros(9, 10), np.array([3, 2, 1])).tolist()
        [3, 1]
        """
        people = np.asarray(people)
        # No np.unique first: the lookup takes the repeated ids as they are, at a
        # fraction of the cost of deduplicating them.
        free: np.ndarray = people[kernels.absent(people, self._meeting(during))]
        return free

    def _meeting(self, during: Period | PeriodSet) -> np.ndarray:
        """The person of each period meeting ``during`` (a person once per period)."""
        atom_starts, atom_ends = PeriodSet(during).bounds()
        rows = self._base.meeting(atom_starts, atom_ends)
        if self._removals:
            rows = rows[~self._removed[rows]]
        added = self._added[: self._additions]
        # The first atom ending at or after an added period's start is the only one it
        # can meet: atoms are sorted and disjoint.
        first = np.searchsorted(atom_ends, added[:, 0])
        meets = first < len(atom_starts)
        meets[meets] = atom_starts[first[meets]] <= added[meets, 1]
        people: np.ndarray = np.concatenate([self._base.people[rows], added[meets, 2]])
        return people
