"""When people are out of office, and who is free during a period, over arrays of periods.

An ``AbsenceIndex`` holds out-of-office periods as three arrays sorted by
start (start and end in int64 microseconds, the person's id), so that the
kernels of ``periodkit.kernels`` find the periods meeting any period set with
binary searches. Every question is answered for all people at once: no
Python loop runs over periods or people.

>>> index = AbsenceIndex.of(np.array([10, 0, 30]), np.array([20, 5, 40]), np.array([1, 2, 1]))
>>> index.busy(Period.from_micros(4, 12)).tolist()
[1, 2]
>>> index.free(Period.from_micros(21, 29), np.array([1, 2, 3])).tolist()
[1, 2, 3]
>>> index.out_of_office(1).bounds()[0].tolist()
[10, 30]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from periodkit import kernels
from periodkit.periods import Period, PeriodSet


@dataclass(frozen=True)
class AbsenceIndex:
    """Out-of-office periods sorted by start, with the longest one's length for the kernels."""

    starts: np.ndarray
    ends: np.ndarray
    people: np.ndarray
    longest: int

    @classmethod
    def of(cls, starts: np.ndarray, ends: np.ndarray, people: np.ndarray) -> AbsenceIndex:
        """An index of the periods ``[starts[i], ends[i]]`` of ``people[i]``, in any order.

        >>> AbsenceIndex.of(np.array([5, 1]), np.array([6, 9]), np.array([7, 8])).people.tolist()
        [8, 7]
        """
        order = np.argsort(starts, kind="stable")
        starts, ends = starts[order], ends[order]
        longest = kernels.max_duration(starts, ends) if len(starts) else 0
        return cls(starts, ends, people[order], longest)

    def out_of_office(self, person: int) -> PeriodSet:
        """The union of ``person``'s periods (empty for someone never out of office).

        >>> AbsenceIndex.of(np.array([0]), np.array([9]), np.array([1])).out_of_office(2).is_empty
        True
        """
        mine = self.people == person
        return PeriodSet.from_bounds(self.starts[mine], self.ends[mine])

    def available(self, person: int, within: Period | PeriodSet) -> PeriodSet:
        """The instants of ``within`` at which ``person`` is not out of office.

        >>> index = AbsenceIndex.of(np.array([10]), np.array([19]), np.array([1]))
        >>> index.available(1, Period.from_micros(0, 29)).bounds()
        (array([ 0, 20]), array([ 9, 29]))
        """
        return PeriodSet(within) - self.out_of_office(person)

    def busy(self, during: Period | PeriodSet) -> np.ndarray:
        """The ids (ascending, once each) of the people out of office at some instant of ``during``.

        One kernel call finds every period meeting ``during``; ``np.unique``
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
        if len(self.starts) == 0 or len(atom_starts) == 0:
            return np.array([], dtype=self.people.dtype)
        rows = kernels.overlaps(self.starts, self.ends, atom_starts, atom_ends, self.longest)
        meeting: np.ndarray = self.people[rows]
        return meeting
