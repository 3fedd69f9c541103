"""Actions in periods: ActionTable.during and building the table, against their peers.

Cases, on the seeded actions of ``benchmarks.data`` (10 years, 0..4 h):

* one period selecting about 1% of the actions (``overlaps``);
* the same period on actions that arrive in random order (the table keeps a
  permutation, and the answer costs a sort of the selected positions);
* a PeriodSet of 1,000 atoms (working days, 09:00 to 17:00; 100 with
  ``--quick``), ``overlaps`` and ``within``;
* the one period and the 1,000 atoms again with 0.1% of the actions lasting
  1 to 10 years (a heavy tail of durations), where a scan bounded by the
  longest action would cover years;
* building the table from int64 arrays in random order, against one
  ``np.argsort`` of the starts.

The hand-written peer is what a user would write knowing the data are
sorted and the longest duration: binary searches on start-sorted arrays.
Peers too slow for the full size (the plain Python loops, portion, a pandas
mask per atom) run on a subsample and are scaled. DuckDB, polars, ailist and
ncls are imported lazily and left out when they are not installed; ailist
and ncls index half-open intervals, so they get ``end + 1`` (ailist on rank
coordinates, as its positions are 32-bit), and their hits are sorted into
ascending positions inside the timing, as the task asks.
"""

from __future__ import annotations

import bisect
import importlib.util
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import portion as P

from benchmarks import data
from benchmarks.harness import Case, Impl
from periodkit import ActionTable, Period, PeriodSet

PK = "periodkit ActionTable.during"


def _installed(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def _same_positions(results: dict[str, Any]) -> None:
    expected = np.asarray(results[PK])
    for name, found in results.items():
        if not np.array_equal(np.asarray(found, dtype=np.int64), expected):
            raise AssertionError(f"{name} selects other rows than {PK}")


def _subsample(n: int, quick: bool, full: int) -> int:
    return min(n, 2_000 if quick else full)


class Peers:
    """The same actions in each peer's own form, built once, outside the timings."""

    def __init__(self, columns: dict[str, Any]) -> None:
        self.ids, self.starts, self.ends = columns["id"], columns["start"], columns["end"]
        self.n = len(self.starts)
        self.frame = pd.DataFrame({"s": self.starts, "e": self.ends}, copy=False)
        self.longest = int((self.ends - self.starts).max()) if self.n else 0
        self._intervals: pd.IntervalIndex | None = None
        self._duckdb: Any = None
        self._polars: Any = None
        self._ailist: Any = None
        self._ncls: Any = None

    def intervals(self) -> pd.IntervalIndex:
        if self._intervals is None:
            self._intervals = pd.IntervalIndex.from_arrays(self.starts, self.ends, closed="both")
        return self._intervals

    def duckdb(self) -> Any:
        if self._duckdb is None:
            import duckdb

            self._duckdb = duckdb.connect()
            self._duckdb.execute(
                "SET threads TO 2; SET memory_limit = '1GB'; SET enable_progress_bar = false"
            )
            # The generator's ids are the positions in start order.
            frame = pd.DataFrame({"i": self.ids, "s": self.starts, "e": self.ends}, copy=False)
            self._duckdb.register("actions", frame)
        return self._duckdb

    def polars(self) -> Any:
        if self._polars is None:
            import polars as pl

            self._polars = pl.DataFrame({"s": self.starts, "e": self.ends}).with_row_index("i")
        return self._polars

    def ailist(self) -> tuple[Any, np.ndarray]:
        """An AIList of the actions on rank coordinates, and the coordinates.

        ailist holds uint32 positions, too narrow for microsecond instants:
        each instant becomes its rank among every start and end, which keeps
        every comparison, so the answers are the same.
        """
        if self._ailist is None:
            from ailist import AIList

            coords = np.unique(np.concatenate((self.starts, self.ends)))
            lo = np.searchsorted(coords, self.starts)
            hi = np.searchsorted(coords, self.ends) + 1
            index = AIList.from_array(lo, hi, np.arange(self.n))
            index.construct()
            self._ailist = index, coords
        return self._ailist

    def ncls(self) -> Any:
        if self._ncls is None:
            from ncls import NCLS

            self._ncls = NCLS(self.starts, self.ends + 1, np.arange(self.n, dtype=np.int64))
        return self._ncls

    def python_rows(self, rows: int) -> tuple[list[int], list[int]]:
        return self.starts[:rows].tolist(), self.ends[:rows].tolist()


def _one_period_impls(table: ActionTable, peers: Peers, period: Period, quick: bool) -> list[Impl]:
    """periodkit, a pandas mask and a Python loop: the peers that need no sorted data."""
    lo, hi = period.lo, period.hi
    loop_rows = _subsample(peers.n, quick, 200_000)
    loop_s, loop_e = peers.python_rows(loop_rows)
    return [
        Impl(PK, lambda: table.during(period)),
        Impl(
            "pandas boolean mask",
            lambda: np.flatnonzero(
                ((peers.frame["s"] <= hi) & (peers.frame["e"] >= lo)).to_numpy()
            ),
        ),
        Impl(
            "plain Python loop",
            lambda: [i for i, s in enumerate(loop_s) if s <= hi and loop_e[i] >= lo],
            rows=loop_rows,
        ),
    ]


def _sorted_period_impls(
    table: ActionTable, peers: Peers, period: Period, quick: bool
) -> list[Impl]:
    """Every peer, on actions in start order (so that positions are the ids)."""
    lo, hi = period.lo, period.hi
    starts, ends = peers.starts, peers.ends
    portion_rows = _subsample(peers.n, quick, 20_000)
    boxes = [P.closed(s, e) for s, e in zip(*peers.python_rows(portion_rows), strict=True)]
    query = P.closed(lo, hi)

    # What a user would write knowing the data are sorted and how long the
    # longest action lasts.
    def searchsorted() -> np.ndarray:
        a = np.searchsorted(starts, lo - peers.longest)
        b = np.searchsorted(starts, hi, side="right")
        return a + np.flatnonzero(ends[a:b] >= lo)

    impls = _one_period_impls(table, peers, period, quick)
    impls[1:1] = [Impl("hand-written np.searchsorted (pre-sorted)", searchsorted)]
    impls += [
        Impl(
            "pandas IntervalIndex.overlaps",
            lambda: np.flatnonzero(peers.intervals().overlaps(pd.Interval(lo, hi, closed="both"))),
        ),
        Impl(
            "portion Interval.overlaps",
            lambda: [i for i, box in enumerate(boxes) if box.overlaps(query)],
            rows=portion_rows,
        ),
    ]
    impls += _interval_index_impls(peers, np.array([lo]), np.array([hi]))
    if _installed("duckdb"):
        sql = "SELECT i FROM actions WHERE s <= $hi AND e >= $lo ORDER BY i"
        impls.append(
            Impl(
                "DuckDB SQL",
                lambda: peers.duckdb().execute(sql, {"lo": lo, "hi": hi}).fetchnumpy()["i"],
            )
        )
    if _installed("polars"):
        import polars as pl

        impls.append(
            Impl(
                "polars filter",
                lambda: (
                    peers.polars().filter((pl.col("s") <= hi) & (pl.col("e") >= lo))["i"].to_numpy()
                ),
            )
        )
    return impls


def _interval_index_impls(peers: Peers, lo: np.ndarray, hi: np.ndarray) -> list[Impl]:
    """ailist and ncls, the specialised interval indexes, when installed (overlaps only)."""
    impls = []
    if _installed("ailist"):

        def ailist() -> np.ndarray:
            index, coords = peers.ailist()
            first = np.searchsorted(coords, lo).tolist()
            stop = np.searchsorted(coords, hi, side="right").tolist()
            hits = [index.intersect_ids(a, b) for a, b in zip(first, stop, strict=True)]
            return np.unique(np.concatenate(hits)) if len(hits) > 1 else np.sort(hits[0])

        impls.append(Impl("ailist AIList.intersect_ids", ailist))
    if _installed("ncls"):

        def ncls() -> np.ndarray:
            _, hits = peers.ncls().all_overlaps_both(lo, hi + 1, np.arange(len(lo)))
            return np.unique(hits) if len(lo) > 1 else np.sort(hits)

        impls.append(Impl("ncls all_overlaps_both", ncls))
    return impls


def _searchsorted_set(peers: Peers, lo: np.ndarray, hi: np.ndarray, how: str) -> Impl:
    """The hand-written search for a set: one candidate range per atom, on sorted arrays."""
    starts, ends = peers.starts, peers.ends

    def run() -> np.ndarray:
        first = np.searchsorted(starts, lo - peers.longest if how == "overlaps" else lo)
        stop = np.searchsorted(starts, hi, side="right")
        first[1:] = np.maximum(first[1:], stop[:-1])
        lengths = np.maximum(stop - first, 0)
        rows = np.repeat(first - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        if how == "overlaps":
            return rows[ends[rows] >= np.repeat(lo, lengths)]
        return rows[ends[rows] <= np.repeat(hi, lengths)]

    return Impl("hand-written np.searchsorted (pre-sorted)", run)


def _working_days(count: int, seed: int) -> PeriodSet:
    """``count`` distinct random days of the ten years, each from 09:00 to 17:00."""
    rng = np.random.default_rng(seed)
    days = np.sort(rng.choice(data.YEARS * 365, count, replace=False))
    day_us = 86_400 * 1_000_000
    starts = data.FIRST + days * day_us + 9 * 3600 * 1_000_000
    return PeriodSet.from_bounds(starts, starts + 8 * 3600 * 1_000_000 - 1)


def _set_impls(
    table: ActionTable, peers: Peers, atoms: PeriodSet, how: str, quick: bool
) -> list[Impl]:
    lo, hi = atoms.bounds()
    gaps_lo, gaps_hi = (~atoms).bounds()
    gaps = pd.IntervalIndex.from_arrays(gaps_lo, gaps_hi, closed="both")
    inside = pd.IntervalIndex.from_arrays(lo, hi, closed="both")
    loop_rows = _subsample(peers.n, quick, 100_000)
    loop_s, loop_e = peers.python_rows(loop_rows)
    lo_list, hi_list = lo.tolist(), hi.tolist()
    mask_rows = _subsample(peers.n, quick, 100_000)
    head = peers.frame.iloc[:mask_rows]

    def python_loop() -> list[int]:
        found = []
        for i, s in enumerate(loop_s):
            j = bisect.bisect_left(hi_list, s)
            if j == len(hi_list):
                continue
            if how == "overlaps":
                hit = loop_e[i] >= lo_list[j]
            else:
                hit = lo_list[j] <= s and loop_e[i] <= hi_list[j]
            if hit:
                found.append(i)
        return found

    def masks() -> np.ndarray:
        hit = np.zeros(mask_rows, dtype=bool)
        for a, b in zip(lo_list, hi_list, strict=True):
            if how == "overlaps":
                hit |= ((head["s"] <= b) & (head["e"] >= a)).to_numpy()
            else:
                hit |= ((head["s"] >= a) & (head["e"] <= b)).to_numpy()
        return np.flatnonzero(hit)

    def interval_index() -> np.ndarray:
        # Every instant lies in one atom or one gap; an action misses the set
        # exactly when both its ends lie in the same gap.
        index = gaps if how == "overlaps" else inside
        first = index.get_indexer(peers.frame["s"])
        last = index.get_indexer(peers.frame["e"])
        same = (first >= 0) & (first == last)
        return np.flatnonzero(~same if how == "overlaps" else same)

    right = pd.DataFrame({"lo": lo, "hi": hi})

    def merge_asof() -> np.ndarray:
        # Actions are sorted by start: the first atom ending at or after the
        # start is the only one that can hold the action.
        joined = pd.merge_asof(peers.frame, right, left_on="s", right_on="hi", direction="forward")
        if how == "overlaps":
            keep = joined["e"] >= joined["lo"]
        else:
            keep = (joined["s"] >= joined["lo"]) & (joined["e"] <= joined["hi"])
        return np.flatnonzero(keep.to_numpy())

    impls = [
        Impl(PK, lambda: table.during(atoms, how=how)),
        _searchsorted_set(peers, lo, hi, how),
        Impl("pandas merge_asof", merge_asof),
        Impl("pandas IntervalIndex.get_indexer", interval_index),
        Impl("pandas boolean mask per atom", masks, rows=mask_rows),
        Impl("plain Python loop (bisect)", python_loop, rows=loop_rows),
    ]
    if how == "overlaps":
        impls += _interval_index_impls(peers, lo, hi)
        portion_rows = _subsample(peers.n, quick, 5_000)
        whole = P.Interval(*(P.closed(a, b) for a, b in zip(lo_list, hi_list, strict=True)))
        boxes = [P.closed(s, e) for s, e in zip(*peers.python_rows(portion_rows), strict=True)]
        impls.append(
            Impl(
                "portion Interval.overlaps",
                lambda: [i for i, box in enumerate(boxes) if box.overlaps(whole)],
                rows=portion_rows,
            )
        )
    if _installed("duckdb"):
        join_rows = _subsample(peers.n, quick, 1_000_000)
        for label, asof in (("range join", False), ("ASOF join", True)):
            impls.append(
                Impl(
                    f"DuckDB SQL ({label})",
                    _duckdb_join(peers, lo, hi, how, join_rows, asof),
                    rows=join_rows,
                )
            )
    if _installed("polars"):
        impls.append(Impl("polars join_asof", _polars_asof(peers, lo, hi, how)))
    return impls


def _duckdb_join(
    peers: Peers, lo: np.ndarray, hi: np.ndarray, how: str, rows: int, asof: bool
) -> Callable[[], Any]:
    """The set as a DuckDB join on the first ``rows`` actions (DuckDB's join
    buffers on all ten million would take more memory than the whole run may).

    The range join is the SQL anyone would write; the ASOF join is the
    formulation of the kernel (first atom ending at or after the start).
    """
    condition = "a.e >= b.lo" if how == "overlaps" else "a.s >= b.lo AND a.e <= b.hi"
    head = f"(SELECT * FROM actions WHERE i < {rows})"
    if asof:
        sql = f"SELECT a.i FROM {head} a ASOF JOIN atoms b ON a.s <= b.hi WHERE {condition}"
    else:
        both = "a.s <= b.hi AND a.e >= b.lo" if how == "overlaps" else condition
        sql = f"SELECT DISTINCT a.i FROM {head} a JOIN atoms b ON {both}"

    def run() -> np.ndarray:
        connection = peers.duckdb()
        connection.register("atoms", pd.DataFrame({"lo": lo, "hi": hi}))
        return connection.execute(sql + " ORDER BY a.i").fetchnumpy()["i"]

    return run


def _polars_asof(peers: Peers, lo: np.ndarray, hi: np.ndarray, how: str) -> Callable[[], Any]:
    import polars as pl

    right = pl.DataFrame({"lo": lo, "hi": hi})

    def run() -> np.ndarray:
        joined = peers.polars().join_asof(right, left_on="s", right_on="hi", strategy="forward")
        if how == "overlaps":
            keep = pl.col("e") >= pl.col("lo")
        else:
            keep = (pl.col("s") >= pl.col("lo")) & (pl.col("e") <= pl.col("hi"))
        return joined.filter(keep)["i"].to_numpy()

    return run


def _build_impls(mixed: dict[str, Any]) -> list[Impl]:
    ids, starts, ends = mixed["id"], mixed["start"], mixed["end"]
    return [
        Impl(
            "periodkit ActionTable.from_arrays", lambda: ActionTable.from_arrays(ids, starts, ends)
        ),
        Impl("np.argsort of the starts", lambda: np.argsort(starts)),
    ]


def _sorted_alike(starts: np.ndarray) -> Callable[[dict[str, Any]], None]:
    def check(results: dict[str, Any]) -> None:
        table = results["periodkit ActionTable.from_arrays"]
        by_start = table.bounds(table.during(Period(), order="start"))[0]
        if not np.array_equal(by_start, starts[results["np.argsort of the starts"]]):
            raise AssertionError("ActionTable.from_arrays does not sort like np.argsort")

    return check


def _heavy_tailed(columns: dict[str, Any], seed: int = data.SEED) -> dict[str, Any]:
    """The same actions with 0.1% of them (seeded) lasting 1 to 10 years instead."""
    rng = np.random.default_rng(seed)
    n = len(columns["start"])
    year = 365 * 86_400 * 1_000_000
    chosen = rng.choice(n, max(n // 1000, 1), replace=False)
    ends = columns["end"].copy()
    ends[chosen] = columns["start"][chosen] + rng.integers(year, 10 * year, len(chosen))
    return {**columns, "end": ends}


def _heavy_impls(table: ActionTable, peers: Peers, atoms: PeriodSet, quick: bool) -> list[Impl]:
    """periodkit, the hand-written search (bounded by the longest action) and the indexes."""
    lo, hi = atoms.bounds()
    loop_rows = _subsample(peers.n, quick, 200_000)
    loop_s, loop_e = peers.python_rows(loop_rows)
    lo_list, hi_list = lo.tolist(), hi.tolist()

    def python_loop() -> list[int]:
        found = []
        for i, s in enumerate(loop_s):
            j = bisect.bisect_left(hi_list, s)
            if j < len(hi_list) and loop_e[i] >= lo_list[j]:
                found.append(i)
        return found

    return [
        Impl(PK, lambda: table.during(atoms)),
        _searchsorted_set(peers, lo, hi, "overlaps"),
        *_interval_index_impls(peers, lo, hi),
        Impl("plain Python loop (bisect)", python_loop, rows=loop_rows),
    ]


def cases(quick: bool) -> list[Case]:
    n = 20_000 if quick else 10_000_000
    columns = data.generate(n, form=False)
    table = ActionTable.from_arrays(
        columns["id"], columns["start"], columns["end"], columns={"category": columns["category"]}
    )
    peers = Peers(columns)
    middle = data.FIRST + data.SPAN_US // 2
    period = Period.from_micros(middle, middle + data.SPAN_US // 100)
    mixed = data.shuffled(columns)
    mixed_table = ActionTable.from_arrays(mixed["id"], mixed["start"], mixed["end"])
    # In CI a pandas mask per atom over 1,000 atoms alone would take seconds.
    atoms = 100 if quick else 1_000
    days = _working_days(atoms, data.SEED)
    heavy = _heavy_tailed(columns)
    heavy_table = ActionTable.from_arrays(heavy["id"], heavy["start"], heavy["end"])
    heavy_peers = Peers(heavy)
    return [
        Case(
            "one period, 1% of rows (overlaps)",
            n,
            _sorted_period_impls(table, peers, period, quick),
            check=_same_positions,
        ),
        Case(
            "one period, 1% of rows, unsorted input",
            n,
            _one_period_impls(mixed_table, Peers(mixed), period, quick),
            check=_same_positions,
        ),
        Case(
            f"PeriodSet of {atoms:,} atoms (overlaps)",
            n,
            _set_impls(table, peers, days, "overlaps", quick),
            check=_same_positions,
        ),
        Case(
            f"PeriodSet of {atoms:,} atoms (within)",
            n,
            _set_impls(table, peers, days, "within", quick),
            check=_same_positions,
        ),
        Case(
            "one period, 1% of rows, 0.1% lasting years (overlaps)",
            n,
            _heavy_impls(heavy_table, heavy_peers, PeriodSet([period]), quick),
            check=_same_positions,
        ),
        Case(
            f"PeriodSet of {atoms:,} atoms, 0.1% lasting years (overlaps)",
            n,
            _heavy_impls(heavy_table, heavy_peers, days, quick),
            check=_same_positions,
        ),
        Case(
            "build ActionTable from int64 arrays (random order)",
            n,
            _build_impls(mixed),
            check=_sorted_alike(mixed["start"]),
            memory=True,
        ),
    ]
