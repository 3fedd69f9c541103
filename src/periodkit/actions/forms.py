"""Custom form fields: sparse storage over a table's rows.

Most actions carry only a few of a team's custom fields, so each field is a
``SparseColumn``: a bitmap of the rows that have it, a running count per 64
rows, and the values of those rows only.

>>> columns = form_columns(3, [{"budget": 10}, None, {"budget": 20, "site": "Oakland"}])
>>> sorted(columns), columns["budget"].values().tolist()
(['budget', 'site'], [10, 20])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import chain
from operator import methodcaller
from typing import Any

import numpy as np
import pandas as pd

from periodkit.errors import ArgumentError
from periodkit.time import object_array

_WORD = 64


class SparseColumn:
    """One custom field over a table's input rows: which rows have it, and their values.

    Presence is a bitmap (one bit per row) with a running count per 64 rows,
    so looking up k rows costs O(k) whatever the fill.

    >>> column = SparseColumn.from_positions(5, [1, 3], ["x", "y"])
    >>> present, values = column.lookup(np.array([3, 2, 1]))
    >>> present.tolist(), values.tolist()
    ([True, False, True], ['y', 'x'])
    """

    __slots__ = ("_before", "_n", "_values", "_words")

    def __init__(self, n: int, words: np.ndarray, before: np.ndarray, values: Any) -> None:
        self._n, self._words, self._before, self._values = n, words, before, values

    def __len__(self) -> int:
        return self._n

    @classmethod
    def from_positions(
        cls, n: int, positions: Sequence[int] | np.ndarray, values: Sequence[Any] | np.ndarray
    ) -> SparseColumn:
        """A column over ``n`` rows from the rows that have a value, and those values.

        >>> len(SparseColumn.from_positions(130, [0, 129], ['a', 'b']))
        130
        """
        rows = np.asarray(positions, dtype=np.int64)
        if len(rows) != len(values):
            raise ArgumentError(f"{len(rows)} positions for {len(values)} values")
        if len(rows) and (rows.min() < 0 or rows.max() >= n or (np.diff(rows) <= 0).any()):
            raise ArgumentError(f"positions must ascend strictly within 0..{n - 1}")
        mask = np.zeros(-(-n // _WORD) * _WORD, dtype=bool)
        mask[rows] = True
        # Packing little-endian bits and reading them as little-endian words
        # puts row 64w + b at bit b of word w on every platform.
        words = np.packbits(mask, bitorder="little").view("<u8")
        counts = np.bitwise_count(words).astype(np.int64)
        before = np.cumsum(counts) - counts
        kept = values if isinstance(values, pd.Categorical | np.ndarray) else object_array(values)
        return cls(n, words, before, kept)

    def lookup(self, rows: np.ndarray) -> tuple[np.ndarray, Any]:
        """For each row, whether it has a value; and the values of those that do, in order.

        >>> column = SparseColumn.from_positions(3, [2], ['z'])
        >>> present, values = column.lookup(np.array([2, 0]))
        >>> present.tolist(), values.tolist()
        ([True, False], ['z'])
        """
        word, bit = np.divmod(np.asarray(rows, dtype=np.int64), _WORD)
        bit = bit.astype(np.uint64)
        present = ((self._words[word] >> bit) & np.uint64(1)).astype(bool)
        below = self._words[word] & ((np.uint64(1) << bit) - np.uint64(1))
        rank = self._before[word] + np.bitwise_count(below)
        return present, self._values[rank[present]]

    def values(self) -> Any:
        """The values of the rows that have one, in row order.

        >>> SparseColumn.from_positions(5, [1, 3], ['x', 'y']).values().tolist()
        ['x', 'y']
        """
        return self._values

    def positions(self) -> np.ndarray:
        """The rows that have a value, ascending.

        >>> SparseColumn.from_positions(5, [1, 3], ['x', 'y']).positions().tolist()
        [1, 3]
        """
        bits = np.unpackbits(self._words.view(np.uint8), bitorder="little")
        return np.flatnonzero(bits[: self._n])

    def buffers(self) -> tuple[Any, ...]:
        """The arrays holding the column: bitmap, counts per 64 rows, values.

        >>> len(SparseColumn.from_positions(5, [1, 3], ['x', 'y']).buffers())
        3
        """
        return self._words, self._before, self._values


_NO_FORM: Mapping[str, Any] = {}


def form_columns(n: int, forms: Sequence[Mapping[str, Any] | None]) -> dict[str, SparseColumn]:
    """One sparse column per custom field name, from each action's ``form`` mapping.

    >>> form_columns(2, [None, {"x": 1}])["x"].positions().tolist()
    [1]
    """
    # A million forms are flattened and grouped by name at C speed: one pass per
    # step over all (row, name, value) triples rather than a dict update per value.
    maps = [form or _NO_FORM for form in forms]
    sizes = np.fromiter(map(len, maps), dtype=np.int64, count=len(maps))
    names = list(chain.from_iterable(maps))
    if not names:
        return {}
    if set(map(type, names)) != {str}:
        names = list(map(str, names))
    values = object_array(chain.from_iterable(map(methodcaller("values"), maps)))
    rows = np.repeat(np.arange(len(maps), dtype=np.int64), sizes)
    codes, uniques = pd.factorize(object_array(names))
    # Stable, so each name's rows stay ascending; names keep their first appearance.
    order = np.argsort(codes, kind="stable")
    ends = np.cumsum(np.bincount(codes, minlength=len(uniques)))
    rows, values = rows[order], values[order]
    return {
        name: SparseColumn.from_positions(n, rows[end - count : end], values[end - count : end])
        for name, end, count in zip(uniques, ends, np.diff(ends, prepend=0), strict=True)
    }
