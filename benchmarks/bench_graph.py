"""Entity graph: loading and reading validity, full propagation and one incremental update,
against portion sets.

The graph is a seeded 6-level DAG. An entity of level k depends on one to
three entities of level k - 1 (one type: any of them will do) and, half the
time, on one of level k - 2 (a second type: needed as well); a third of the
dependencies carry a span. Entities own 0 to 6 periods (3 on average, so
about a seventh own none and are always valid on their own).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import portion as P

from benchmarks.harness import Case, Impl
from periodkit import PeriodSet
from periodkit.graph.entity_graph import EntityGraph
from periodkit.time import NEG_INF, POS_INF, format_instants, parse_bound

SEED = 20170101
TYPES = ("REGION", "OFFICE", "ACTION", "PERSON", "SUBSCRIPTION", "ATTENDANCE")
#: Share of the entities on each level, top first.
SHARES = (0.01, 0.04, 0.10, 0.20, 0.30, 0.35)
_DAY_US = 86_400_000_000
_T0 = int(np.datetime64("2015-01-01", "us").astype(np.int64))


def _spans(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` random spans over 2015..2025, from days to years long, whole seconds."""
    start = _T0 + rng.integers(0, 3650, n) * _DAY_US + rng.integers(0, 86_400, n) * 1_000_000
    end = start + rng.integers(1, 700, n) * _DAY_US
    return start, end


def dag_records(n: int) -> list[dict[str, Any]]:
    """The dataset ``entities`` list of a seeded 6-level DAG of ``n`` entities (~3n periods)."""
    rng = np.random.default_rng(SEED)
    sizes = np.maximum((np.array(SHARES) * n).astype(int), 1)
    sizes[-1] = n - sizes[:-1].sum()
    firsts = np.concatenate(([0], np.cumsum(sizes)))
    owned = rng.integers(0, 7, n)
    starts, ends = (format_instants(a, dialect="entity") for a in _spans(rng, int(owned.sum())))
    # Spans for dependencies, drawn in bulk and handed out in order.
    span_starts, span_ends = (format_instants(a, dialect="entity") for a in _spans(rng, 3 * n))
    records: list[dict[str, Any]] = []
    taken = spans_taken = 0
    for level in range(len(sizes)):
        for index in range(firsts[level], firsts[level + 1]):
            record: dict[str, Any] = {"id": f"e{index}", "type": TYPES[level], "name": f"#{index}"}
            record["periods"] = [
                {"period_id": f"p{k}", "start_date": starts[k], "end_date": ends[k]}
                for k in range(taken, taken + owned[index])
            ]
            taken += owned[index]
            parents = []
            if level:
                count = rng.integers(1, 4)
                parents += rng.integers(firsts[level - 1], firsts[level], count).tolist()
            if level > 1 and rng.random() < 0.5:
                parents.append(int(rng.integers(firsts[level - 2], firsts[level - 1])))
            record["parents"] = [{"id": f"e{p}"} for p in dict.fromkeys(parents)]
            for dependency in record["parents"]:
                if rng.random() < 1 / 3:
                    dependency["start_date"] = span_starts[spans_taken]
                    dependency["end_date"] = span_ends[spans_taken]
                    spans_taken += 1
            records.append(record)
    return records


class PortionBaseline:
    """The same rule, straightforwardly: portion sets, entity by entity, in topological order.

    Bounds are int microseconds (portion's fast path) with portion's
    infinities, read from the records once, outside the timing; the records
    list their levels top first, which is a topological order.
    """

    def __init__(self, records: list[dict[str, Any]]) -> None:
        types = {r["id"]: r["type"] for r in records}
        self.order = [r["id"] for r in records]
        self.own = {r["id"]: [P.closed(*_bounds(p)) for p in r["periods"]] for r in records}
        self.parents = {
            r["id"]: [(types[d["id"]], d["id"], P.closed(*_bounds(d))) for d in r["parents"]]
            for r in records
        }

    def run(self) -> dict[str, P.Interval]:
        effective: dict[str, P.Interval] = {}
        for entity in self.order:
            valid = P.Interval(*self.own[entity]) if self.own[entity] else P.open(-P.inf, P.inf)
            by_type: dict[str, P.Interval] = {}
            for kind, parent, span in self.parents[entity]:
                by_type[kind] = by_type.get(kind, P.empty()) | (effective[parent] & span)
            for reach in by_type.values():
                valid &= reach
            effective[entity] = valid
        return effective


def _bounds(item: dict[str, Any]) -> tuple[Any, Any]:
    lo = parse_bound(item.get("start_date"), "start", "entity")
    hi = parse_bound(item.get("end_date"), "end", "entity")
    return (-P.inf if lo == NEG_INF else lo), (P.inf if hi == POS_INF else hi)


def _atoms(interval: P.Interval) -> list[tuple[int, int]]:
    """Closed integer atoms of a portion interval, abutting ones merged (the discrete form)."""
    atoms: list[tuple[int, int]] = []
    for atom in interval:
        if atom.empty:
            continue
        lo = NEG_INF if atom.lower == -P.inf else atom.lower + (atom.left == P.OPEN)
        hi = POS_INF if atom.upper == P.inf else atom.upper - (atom.right == P.OPEN)
        if atoms and lo <= atoms[-1][1] + 1:
            atoms[-1] = (atoms[-1][0], max(atoms[-1][1], hi))
        else:
            atoms.append((lo, hi))
    return atoms


def _agree(ours: Mapping[str, PeriodSet], theirs: Mapping[str, P.Interval]) -> None:
    if ours.keys() != theirs.keys():
        raise AssertionError("periodkit and portion hold different entities")
    for entity, interval in theirs.items():
        starts, ends = ours[entity].bounds()
        if list(zip(starts.tolist(), ends.tolist(), strict=True)) != _atoms(interval):
            raise AssertionError(f"periodkit and portion disagree on {entity}")


def _same_validity(graph: EntityGraph) -> Any:
    def check(results: dict[str, Any]) -> None:
        _agree(graph.effective_all(), results["portion sets, topological order"])

    return check


LOAD = "periodkit EntityGraph.from_records, then effective() of each"
PORTION_LOAD = "portion sets, topological order, dates parsed"


def _load_cases(records: list[dict[str, Any]], graph: EntityGraph, periods: int) -> list[Case]:
    """What a user calls first: the records as a list of dicts in, each entity's validity out.

    The peer parses the same dates (periodkit's scalar parser) and evaluates
    the rule on portion sets in topological order. The bulk reads of a loaded
    graph are their own case, beside the per-entity reads they replace.
    """

    def load_and_read() -> dict[str, PeriodSet]:
        loaded = EntityGraph.from_records(records)
        return {entity: loaded.effective(entity) for entity in loaded.ids}

    def each() -> dict[str, PeriodSet]:
        return {entity: graph.effective(entity) for entity in graph.ids}

    def check_load(results: dict[str, Any]) -> None:
        _agree(results[LOAD], results[PORTION_LOAD])

    def check_bulk(results: dict[str, Any]) -> None:
        everything = results["periodkit EntityGraph.effective_all"]
        if everything != results["periodkit effective() of each entity"]:
            raise AssertionError("effective_all and effective() disagree")
        frame = results["periodkit EntityGraph.effective_frame"]
        if len(frame) != sum(len(validity) for validity in everything.values()):
            raise AssertionError("effective_frame has not one row per atom")

    n = len(records)
    return [
        Case(
            name=f"graph: load {n:,} entities / {periods:,} periods, read each one's validity",
            n=n,
            impls=[
                Impl(LOAD, load_and_read),
                Impl(PORTION_LOAD, lambda: PortionBaseline(records).run()),
            ],
            check=check_load,
            memory=True,
        ),
        Case(
            name=f"graph: every entity's validity at once (bulk), {n:,} entities",
            n=n,
            impls=[
                Impl("periodkit EntityGraph.effective_all", graph.effective_all),
                Impl("periodkit EntityGraph.effective_frame", graph.effective_frame),
                Impl("periodkit effective() of each entity", each),
            ],
            check=check_bulk,
        ),
    ]


STREAM = 100


def _update_cases(graph: EntityGraph, n: int) -> list[Case]:
    """Updates of entities with about ten descendants, against a full propagation.

    One case times a single update right after the harness's ``gc.collect()``
    (every cache cold); the other a stream of ``STREAM`` updates, each on
    another entity, reported per update (measured on the stream and scaled
    to one update).
    """
    sizes = {}
    for entity in graph.ids[::7]:
        view = graph.view(entity)
        if view["owned"]:
            sizes[entity] = len(view["child"])
    chosen = sorted(sizes, key=lambda e: (abs(sizes[e] - 10), e))[:STREAM]
    views = {entity: graph.view(entity) for entity in chosen}
    bodies = {
        entity: [
            [{"period_id": views[entity]["owned"][0]["period_id"], "start_date": f"2019-0{k}-01"}]
            for k in (1, 2)
        ]
        for entity in chosen
    }
    turn = iter(range(10**9))

    def update_one() -> list[str]:
        return graph.update(chosen[0], bodies[chosen[0]][next(turn) % 2])

    def update_stream() -> None:
        side = next(turn) % 2
        for entity in chosen:
            graph.update(entity, bodies[entity][side])

    def check(_: dict[str, Any]) -> None:
        update_stream()
        affected = {e for entity in chosen for e in [entity, *views[entity]["child"]]}
        incremental = {e: graph.effective(e) for e in affected}
        graph.propagate()
        if incremental != {e: graph.effective(e) for e in affected}:
            raise AssertionError("the incremental updates and the full propagation disagree")

    full = Impl("periodkit EntityGraph.propagate (full)", graph.propagate)
    mean = sum(sizes[e] for e in chosen) / len(chosen)
    return [
        Case(
            name=f"graph: update one entity ({sizes[chosen[0]]} descendants), caches cold",
            n=1,
            impls=[Impl("periodkit EntityGraph.update", update_one), full],
            check=check,
        ),
        Case(
            name=f"graph: update one entity ({mean:.1f} descendants), in a stream of {STREAM}",
            n=1,
            impls=[Impl("periodkit EntityGraph.update", update_stream, rows=STREAM), full],
            check=check,
        ),
    ]


def cases(quick: bool) -> list[Case]:
    n = 2_000 if quick else 100_000
    records = dag_records(n)
    graph = EntityGraph.from_records(records)
    baseline = PortionBaseline(records)
    periods = sum(len(r["periods"]) for r in records)
    return [
        *_load_cases(records, graph, periods),
        Case(
            name=f"graph: full propagation, 6 levels, {periods:,} periods",
            n=n,
            impls=[
                Impl("periodkit EntityGraph.propagate", graph.propagate),
                Impl("portion sets, topological order", baseline.run),
            ],
            check=_same_validity(graph),
            memory=True,
        ),
        *_update_cases(graph, n),
    ]
