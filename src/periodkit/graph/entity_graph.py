"""The entity graph: owned periods, dependencies on parents, and effective validity.

An entity is valid at t when its own validity holds at t (the union of its
owned periods; always, when it owns none) and, for every type of parent it
has, at least one parent of that type is valid at t through a dependency
whose span holds at t. A subscription needs its person AND
its action; an action offered by two offices needs either office.

Effective validity is kept for every entity at all times. Loading computes
it level by level with the vector kernels of ``graph_propagation``; a change
recomputes only the changed entity and its descendants.

>>> graph = EntityGraph.from_records([
...     {"id": "office", "type": "OFFICE",
...      "periods": [{"start_date": "2017-01-01 00:00:00", "end_date": "2019-09-26 00:00:00"}]},
...     {"id": "action", "type": "ACTION", "parents": [{"id": "office"}],
...      "periods": [{"start_date": "2018-01-01 00:00:00"}]},
... ])
>>> graph.effective("action")
PeriodSet([Period(start='2018-01-01T00:00:00Z', end='2019-09-26T00:00:00Z')])
>>> graph.update("office", [{"end_date": "2020-01-01 00:00:00"}])
['office:2']
>>> graph.effective("action").atoms[-1].end
datetime.datetime(2020, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd

from periodkit.errors import (
    CycleError,
    NotFoundError,
    Problem,
    ValidationError,
    describe_path,
    problem_at,
    quote,
)
from periodkit.graph.propagation import (
    ALWAYS,
    Atoms,
    AtomStore,
    Edges,
    entity_validity,
    evaluate_level,
    layers,
)
from periodkit.graph.records import (
    EntityColumns,
    WrittenPeriod,
    read_columns,
    read_entity_fields,
    read_span,
    read_writes,
)
from periodkit.graph.view import EntityView, OwnedEntry, RelativeEntry
from periodkit.kernels import coverage_at_least, merge_atoms, micros_to_domain, to_domain
from periodkit.periods import PeriodSet
from periodkit.time import format_instant, normalise_micros, parse_bound


@dataclass(slots=True)
class _Entity:
    id: str
    type: str | None
    name: str | None
    team_id: str | int | None
    slot: int
    #: period id -> (lo, hi, data), bounds in the vector form, in the order written.
    periods: dict[str, tuple[int, int, Any]] = field(default_factory=dict)
    #: parent id -> the spans (domain form) of the dependencies on it.
    parents: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    children: set[str] = field(default_factory=set)


class _Entities:
    """The entities by id, each built as an ``_Entity`` when first asked for.

    Loading keeps the records as columns (``EntityColumns``): a graph of a
    hundred thousand entities is read, propagated and queried for validity
    without an object per entity. An entity is built from its rows the first
    time a change, a view or a record needs it; from then on the object is
    the truth and the columns' rows of it are ignored (``built``). Every
    change of a dependency reaches both ends through here, so the rows of an
    entity never built are still exact.
    """

    def __init__(
        self, columns: EntityColumns | None = None, period_ids: list[str] | None = None
    ) -> None:
        self.slot: dict[str, int] = {}
        self.objects: dict[str, _Entity] = {}
        if columns is None:
            self.built = np.zeros(0, dtype=bool)
            return
        ids = columns.ids
        self.slot = dict(zip(ids, range(len(ids)), strict=True))
        self.columns = columns
        self.period_ids = period_ids or []
        self.built = np.zeros(len(ids), dtype=bool)
        self.period_first = _offsets(columns.periods)
        self.parent_first = _offsets(columns.parents)
        self.parent_slot = np.fromiter(
            map(self.slot.__getitem__, columns.parent_ids), np.int64, len(columns.parent_ids)
        )
        self.parent_lo, self.parent_hi = to_domain(columns.parent_lo), to_domain(columns.parent_hi)
        child = np.repeat(np.arange(len(ids), dtype=np.int64), columns.parents)
        by_parent = np.argsort(self.parent_slot, kind="stable")
        self.child_slot = child[by_parent]
        self.child_first = _offsets(np.bincount(self.parent_slot, minlength=len(ids)))

    def __getitem__(self, entity_id: str) -> _Entity:
        entity = self.objects.get(entity_id)
        return self._build(entity_id) if entity is None else entity

    def __setitem__(self, entity_id: str, entity: _Entity) -> None:
        self.slot[entity_id] = entity.slot
        self.objects[entity_id] = entity

    def __delitem__(self, entity_id: str) -> None:
        del self.slot[entity_id]
        del self.objects[entity_id]

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self.slot

    def __len__(self) -> int:
        return len(self.slot)

    def __iter__(self) -> Iterator[str]:
        return iter(self.slot)

    def _build(self, entity_id: str) -> _Entity:
        slot = self.slot[entity_id]
        columns = self.columns
        ids = columns.ids
        first, last = self.period_first[slot : slot + 2].tolist()
        entity = _Entity(
            entity_id, columns.types[slot], columns.names[slot], columns.teams[slot], slot
        )
        entity.periods = dict(
            zip(
                self.period_ids[first:last],
                zip(
                    columns.period_lo[first:last].tolist(),
                    columns.period_hi[first:last].tolist(),
                    columns.period_data[first:last],
                    strict=True,
                ),
                strict=True,
            )
        )
        first, last = self.parent_first[slot : slot + 2].tolist()
        for parent, lo, hi in zip(
            self.parent_slot[first:last].tolist(),
            self.parent_lo[first:last].tolist(),
            self.parent_hi[first:last].tolist(),
            strict=True,
        ):
            entity.parents.setdefault(ids[parent], []).append((lo, hi))
        first, last = self.child_first[slot : slot + 2].tolist()
        entity.children = {ids[child] for child in self.child_slot[first:last].tolist()}
        self.objects[entity_id] = entity
        self.built[slot] = True
        return entity

    def pointer(self, child_id: str, parent_id: str) -> str:
        """The pointer of the last dependency of ``child_id`` on ``parent_id`` in the records."""
        slot = self.slot[child_id]
        first, last = self.parent_first[slot : slot + 2].tolist()
        number = max(
            k for k in range(last - first) if self.columns.parent_ids[first + k] == parent_id
        )
        return f"/{slot}/parents/{number}/id"

    def loaded_periods(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The owned periods of the entities never built: owner slot, lo, hi (vector form);
        an entity that owns none gives one period over the whole timeline."""
        if not len(self.built):
            return _NONE, _NONE, _NONE
        counts = self.columns.periods
        owner = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
        keep = ~self.built[owner]
        bare = np.flatnonzero((counts == 0) & ~self.built)
        return (
            np.concatenate((owner[keep], bare)),
            np.concatenate((self.columns.period_lo[keep], np.full(len(bare), ALWAYS[0]))),
            np.concatenate((self.columns.period_hi[keep], np.full(len(bare), ALWAYS[1]))),
        )

    def loaded_edges(self, ptype: np.ndarray) -> np.ndarray:
        """The dependencies of the entities never built as rows of ``Edges``' five columns,
        ``ptype`` giving each slot's type code."""
        if not len(self.built):
            return np.empty((0, 5), dtype=np.int64)
        child = np.repeat(np.arange(len(self.built), dtype=np.int64), self.columns.parents)
        keep = ~self.built[child]
        parent = self.parent_slot[keep]
        columns = (child[keep], parent, ptype[parent], self.parent_lo[keep], self.parent_hi[keep])
        return np.stack(columns, axis=1)


_NONE = np.empty(0, dtype=np.int64)
#: How many cycle-closing dependencies of a list of records are spelled out; the
#: rest are counted.
MAX_CYCLES = 100
#: The bounds a view shows for a relative that owns no period: all of time.
_FOREVER = (parse_bound(None, "start"), parse_bound(None, "end"))


def _offsets(counts: np.ndarray) -> np.ndarray:
    """Where each run of the given lengths starts, and the end of the last."""
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return offsets


def _exact_dates(lo: int, hi: int) -> dict[str, str | None]:
    return {
        key: format_instant(normalise_micros(us), precision="us")
        for key, us in (("start_date", lo), ("end_date", hi))
    }


class EntityGraph:
    """Entities with owned periods and dependencies, and the effective validity of each.

    Build one with ``from_records`` (the dataset's ``entities`` list) or start
    empty and use ``add_entity``, ``add_dependency``, ``update`` (periods),
    and their ``remove_*`` counterparts. Every method either applies fully or
    raises and changes nothing.

    >>> graph = EntityGraph()
    >>> graph.add_entity("person", type="PERSON")
    >>> graph.add_entity("sub", type="ACTION_SUBSCRIPTION")
    >>> graph.add_dependency("sub", "person", start="2019-01-01 00:00:00")
    >>> graph.effective("sub").atoms[0].start.year
    2019
    >>> graph.add_dependency("person", "sub")
    Traceback (most recent call last):
    ...
    periodkit.errors.CycleError: dependency would close a cycle: person -> sub -> person
    """

    #: Changes that reach at most this many entities are recomputed on Python lists; larger
    #: ones level by level with the array kernels (numpy calls cost more than tiny lists).
    small_change = 64

    def __init__(self) -> None:
        self._entities = _Entities()
        self._slots = 0
        self._owner: dict[str, str] = {}
        self._type_codes: dict[str | None, int] = {}
        #: The type code of each slot's entity.
        self._slot_types: list[int] = []
        self._own = AtomStore(0)
        self._effective = AtomStore(0)
        self._edges: Edges | None = None
        # The last number tried for each entity's new period ids (never freed: nothing is deleted).
        self._new_ids: dict[str, int] = {}

    # --- building ------------------------------------------------------------

    @classmethod
    def from_records(cls, records: object) -> EntityGraph:
        """A graph from the dataset's ``entities`` list.

        Raises ``ValidationError`` listing every problem (JSON pointers into
        the list, such as ``/3/periods/0/end_date``), cycles included. Every
        key of the dataset is optional, so ``None`` (no ``entities``) gives an
        empty graph.

        >>> len(EntityGraph.from_records(None))
        0

        >>> EntityGraph.from_records([{"id": "a", "parents": [{"id": "a"}]}])
        Traceback (most recent call last):
        ...
        periodkit.errors.ValidationError: /0/parents/0/id: dependency closes a cycle: a -> a
        """
        columns, problems = read_columns(records)
        if columns is None:
            raise ValidationError(problems)
        graph = cls()
        graph._load(columns)
        cycles = graph._cycles()
        if cycles:
            raise ValidationError(cycles)
        graph.propagate()
        return graph

    def _load(self, columns: EntityColumns) -> None:
        """Take the records' columns as they are (an entity is built when first needed)."""
        ids = columns.ids
        owner = np.repeat(np.arange(len(ids)), columns.periods).tolist()
        given = columns.period_ids
        owners: dict[str | None, str] = dict(zip(given, map(ids.__getitem__, owner), strict=True))
        owners.pop(None, None)
        self._owner = cast(dict[str, str], owners)
        period_ids = cast(list[str], list(given))
        # Unnamed periods get new ids after every given one is known, in record order.
        for index in [i for i, period_id in enumerate(given) if period_id is None]:
            entity_id = ids[owner[index]]
            period_ids[index] = self._new_period_id(entity_id)
            self._owner[period_ids[index]] = entity_id
        self._type_codes = {kind: code for code, kind in enumerate(dict.fromkeys(columns.types))}
        self._slot_types = [self._type_codes[kind] for kind in columns.types]
        self._slots = len(ids)
        self._entities = _Entities(columns, period_ids)

    def _insert(self, entity_id: str, kind: str | None, name: str | None, team: Any) -> _Entity:
        entity = _Entity(entity_id, kind, name, team, self._slots)
        self._slots += 1
        self._own.grow_slots(self._slots)
        self._effective.grow_slots(self._slots)
        self._slot_types.append(self._type_codes.setdefault(kind, len(self._type_codes)))
        self._entities[entity_id] = entity
        return entity

    def _store_period(self, entity_id: str, period_id: str, period: WrittenPeriod) -> None:
        periods = self._entities[entity_id].periods
        kept = periods[period_id][2] if period_id in periods else None
        periods[period_id] = (period.lo, period.hi, period.data if period.has_data else kept)
        self._owner[period_id] = entity_id

    def _new_period_id(self, entity_id: str) -> str:
        """The first unused ``<entity_id>:<n>``: it depends only on the ids present, so a
        graph written out and read back names its next period the same, with no clock
        and no randomness."""
        number = self._new_ids.get(entity_id, 0)
        while True:
            number += 1
            candidate = f"{entity_id}:{number}"
            if candidate not in self._owner:
                self._new_ids[entity_id] = number
                return candidate

    def _link(self, child: str, parent: str, lo: int, hi: int) -> None:
        span = (micros_to_domain(lo), micros_to_domain(hi))
        self._entities[child].parents.setdefault(parent, []).append(span)
        self._entities[parent].children.add(child)
        self._edges = None

    def _cycles(self) -> list[Problem]:
        """A problem for each dependency that closes a cycle, up to ``MAX_CYCLES`` of them.

        One pass: Kahn's algorithm places every entity outside a cycle, then an
        iterative depth-first walk down the children of the rest finds each
        dependency that leads back onto its own path (without those, no cycle
        is left). Each is reported with the cycle it closes, child first.
        """
        edges = self._compiled()
        slots = self._live_slots()
        stuck = np.zeros(self._slots, dtype=bool)
        stuck[slots] = True
        for level in layers(slots, edges):
            stuck[level] = False
        if not stuck.any():
            return []
        inner = stuck[edges.child] & stuck[edges.parent]
        pairs = np.unique(np.stack((edges.parent[inner], edges.child[inner]), axis=1), axis=0)
        first = np.searchsorted(pairs[:, 0], np.arange(self._slots + 1)).tolist()
        children = pairs[:, 1].tolist()
        ids = {slot: entity_id for entity_id, slot in self._entities.slot.items()}
        problems: list[Problem] = []
        closing = 0
        depth = [-1] * self._slots  # where a slot stands on the walk's path; -1 off it
        done = [False] * self._slots
        for root in np.flatnonzero(stuck).tolist():
            if done[root]:
                continue
            path, next_edge = [root], [first[root]]
            depth[root] = 0
            while path:
                node, at = path[-1], next_edge[-1]
                if at == first[node + 1]:
                    done[node], depth[node] = True, -1
                    path.pop()
                    next_edge.pop()
                    continue
                next_edge[-1] = at + 1
                child = children[at]
                if depth[child] >= 0:
                    # child depends on node, which descends from child: a cycle.
                    closing += 1
                    if len(problems) < MAX_CYCLES:
                        around = [ids[slot] for slot in path[: depth[child] : -1]]
                        cycle = [ids[child], *around, ids[child]]
                        problems.append(
                            {
                                "pointer": self._entities.pointer(ids[child], ids[node]),
                                "detail": "dependency closes a cycle: " + describe_path(cycle),
                            }
                        )
                elif not done[child]:
                    depth[child] = len(path)
                    path.append(child)
                    next_edge.append(first[child])
        if closing > len(problems):
            more = closing - len(problems)
            problems.append(
                {"pointer": "", "detail": f"and {more:,} more dependencies close a cycle"}
            )
        return problems

    # --- structure changes ---------------------------------------------------

    def _entity(self, entity_id: str) -> _Entity:
        # Only text is an id: anything else names nothing (and may not even hash).
        if type(entity_id) is not str or entity_id not in self._entities:
            raise NotFoundError("entity", entity_id)
        return self._entities[entity_id]

    def add_entity(
        self,
        entity_id: str,
        type: str | None = None,
        name: str | None = None,
        team_id: str | int | None = None,
    ) -> None:
        """Add an entity with no owned period and no parent (so: always valid).

        >>> graph = EntityGraph()
        >>> graph.add_entity("office", type="office")
        Traceback (most recent call last):
        ...
        periodkit.errors.ValidationError: /type: 'office' is not an upper-case word such as ACTION
        """
        problems = read_entity_fields(
            {"id": entity_id, "type": type, "name": name, "team_id": team_id}
        )
        if not problems and entity_id in self._entities:
            problems.append(problem_at(None, "id", f"entity {quote(entity_id)} already exists"))
        if problems:
            raise ValidationError(problems)
        entity = self._insert(entity_id, type, name, team_id)
        self._write_own([entity])
        self._refresh([entity])

    def remove_entity(self, entity_id: str) -> None:
        """Remove an entity, its owned periods and every dependency from or on it.

        Its former children are recomputed without it.

        >>> graph = EntityGraph.from_records([{"id": "a", "periods": [{}]}])
        >>> graph.remove_entity("a"); "a" in graph
        False
        """
        entity = self._entity(entity_id)
        for parent in entity.parents:
            self._entities[parent].children.discard(entity_id)
        children = [self._entities[child] for child in entity.children]
        for child in children:
            del child.parents[entity_id]
        for period_id in entity.periods:
            del self._owner[period_id]
        del self._entities[entity_id]
        empty = np.zeros(2, dtype=np.int64)
        for store in (self._own, self._effective):
            store.write(np.array([entity.slot]), empty, empty[:0], empty[:0])
        self._edges = None
        self._refresh(children)

    def add_dependency(
        self, child_id: str, parent_id: str, start: object = None, end: object = None
    ) -> None:
        """Make ``child_id`` depend on ``parent_id`` during [start, end] (default: always).

        A second dependency on the same parent adds another span. A dependency
        that would close a cycle raises ``CycleError`` naming it.

        >>> office = {"id": "office", "periods": [{"start_date": "2017-01-01"}]}
        >>> graph = EntityGraph.from_records([office, {"id": "action"}])
        >>> graph.add_dependency("action", "office")
        >>> graph.effective("action")
        PeriodSet([Period(start='2017-01-01T00:00:00Z', end=None)])
        """
        child, parent = self._entity(child_id), self._entity(parent_id)
        problems: list[Problem] = []
        span = read_span({"start_date": start, "end_date": end}, "", problems)
        if span is None:
            raise ValidationError(problems)
        path = self._path_up(parent, child_id)
        if path is not None:
            raise CycleError([child_id, *path])
        self._link(child.id, parent.id, *span)
        self._refresh([child])

    def _path_up(self, start: _Entity, target: str) -> list[str] | None:
        """The ids from ``start`` up through parents to ``target`` (both included), if any."""
        came_from: dict[str, str | None] = {start.id: None}
        queue = deque([start.id])
        while queue:
            current = queue.popleft()
            if current == target:
                path = [current]
                while (previous := came_from[path[-1]]) is not None:
                    path.append(previous)
                return path[::-1]
            for parent in sorted(self._entities[current].parents):
                if parent not in came_from:
                    came_from[parent] = current
                    queue.append(parent)
        return None

    def remove_dependency(self, child_id: str, parent_id: str) -> None:
        """Remove every dependency of ``child_id`` on ``parent_id``.

        >>> graph = EntityGraph.from_records([{"id": "a"}, {"id": "b"}])
        >>> graph.remove_dependency("a", "b")
        Traceback (most recent call last):
        ...
        periodkit.errors.NotFoundError: dependency 'a -> b' not found
        """
        child, parent = self._entity(child_id), self._entity(parent_id)
        if parent.id not in child.parents:
            raise NotFoundError("dependency", f"{child_id} -> {parent_id}")
        del child.parents[parent_id]
        self._entities[parent_id].children.discard(child_id)
        self._edges = None
        self._refresh([child])

    # --- periods ---------------------------------------------------------------

    def update(self, entity_id: str, periods: object) -> list[str]:
        """Upsert owned periods by ``period_id`` (the update route); the ids written, in order.

        A period without ``period_id`` gets a new one; an omitted date is that
        side's infinity; ``data`` is kept when not given. Nothing is deleted.
        ``periods`` that is not an array (``None`` included: the PUT body
        needs one), a period id of another entity, one given twice, a bad
        date or a start after the end rejects the whole request with a
        ``ValidationError`` listing every problem, and changes nothing.

        >>> graph = EntityGraph.from_records([{"id": "a"}])
        >>> bad = {"period_id": "p", "start_date": "2020-01-02", "end_date": "2020-01-01"}
        >>> graph.update("a", [bad])  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        periodkit.errors.ValidationError: /periods/0/end_date: end_date '2020-01-01' is ...
        >>> graph.update("a", None)
        Traceback (most recent call last):
        ...
        periodkit.errors.ValidationError: /periods: None is not an array
        """
        entity = self._entity(entity_id)
        written, problems = read_writes(periods, self._owner, entity_id)
        if problems:
            raise ValidationError(problems)
        ids = []
        for period in written:
            period_id = period.period_id or self._new_period_id(entity_id)
            self._store_period(entity_id, period_id, period)
            ids.append(period_id)
        self._write_own([entity])
        self._refresh([entity])
        return ids

    def remove_period(self, entity_id: str, period_id: str) -> None:
        """Remove one owned period (``update`` never deletes).

        >>> graph = EntityGraph.from_records([{"id": "a", "periods": [{"period_id": "p"}]}])
        >>> graph.remove_period("a", "q")
        Traceback (most recent call last):
        ...
        periodkit.errors.NotFoundError: period of entity 'a' 'q' not found
        """
        entity = self._entity(entity_id)
        if type(period_id) is not str or period_id not in entity.periods:
            raise NotFoundError(f"period of entity {quote(entity_id)}", period_id)
        del entity.periods[period_id]
        del self._owner[period_id]
        self._write_own([entity])
        self._refresh([entity])

    # --- validity ------------------------------------------------------------

    def _write_own(self, entities: list[_Entity]) -> None:
        """Store the own validity (union of owned periods, or always) of these entities."""
        own = [
            merge_atoms(
                [(micros_to_domain(lo), micros_to_domain(hi)) for lo, hi, _ in e.periods.values()]
            )
            or [ALWAYS]
            for e in entities
        ]
        self._own.write_lists([e.slot for e in entities], own)

    def _edge_array(self, entities: Iterable[_Entity]) -> np.ndarray:
        slot_of = self._entities.slot
        return np.array(
            [
                (entity.slot, slot_of[parent], self._slot_types[slot_of[parent]], lo, hi)
                for entity in entities
                for parent, spans in entity.parents.items()
                for lo, hi in spans
            ],
            dtype=np.int64,
        ).reshape(-1, 5)

    def _edge_rows(self, entities: Iterable[_Entity]) -> Edges:
        return Edges(*self._edge_array(entities).T)

    def _compiled(self) -> Edges:
        """Every dependency as arrays, cached until the structure changes."""
        if self._edges is None:
            loaded = self._entities.loaded_edges(np.array(self._slot_types, dtype=np.int64))
            built = self._edge_array(self._entities.objects.values())
            self._edges = Edges(*np.concatenate((loaded, built)).T)
        return self._edges

    def _live_slots(self) -> np.ndarray:
        slots = self._entities.slot.values()
        return np.fromiter(slots, dtype=np.int64, count=len(slots))

    def _run_levels(self, slots: np.ndarray, edges: Edges, effective: AtomStore) -> None:
        levels = layers(slots, edges)
        level_of = np.full(self._slots, len(levels), dtype=np.int64)
        for number, level in enumerate(levels):
            level_of[level] = number
        edge_level = level_of[edges.child]
        order = np.argsort(edge_level, kind="stable")
        cuts = np.searchsorted(edge_level[order], np.arange(len(levels) + 1))
        for number, level in enumerate(levels):
            evaluate_level(
                level, edges.take(order[cuts[number] : cuts[number + 1]]), self._own, effective
            )

    def propagate(self) -> None:
        """Recompute the validity of every entity from its owned periods and dependencies.

        Own validity in one sweep over all owned periods, then effective
        validity level by level. Changes already recompute what they affect;
        this is the full computation that loading runs (and the benchmark times).

        >>> graph = EntityGraph.from_records([{"id": "a", "periods": [{"end_date": "2019-01-01"}]}])
        >>> graph.propagate()
        >>> graph.effective("a").contains("2020-01-01")
        False
        """
        entities = self._entities.objects.values()
        rows = [(e.slot, lo, hi) for e in entities for lo, hi, _ in e.periods.values()]
        rows += [(e.slot, *ALWAYS) for e in entities if not e.periods]
        table = np.concatenate(
            (
                np.stack(self._entities.loaded_periods(), axis=1),
                np.array(rows, dtype=np.int64).reshape(-1, 3),
            )
        )
        group, lo, hi = coverage_at_least(
            table[:, 0],
            to_domain(table[:, 1]),
            to_domain(table[:, 2]),
            np.ones(self._slots, dtype=np.int64),
        )
        self._own = AtomStore(self._slots)
        self._own.write_grouped(np.arange(self._slots, dtype=np.int64), group, lo, hi)
        self._effective = AtomStore(self._slots)
        self._run_levels(self._live_slots(), self._compiled(), self._effective)

    def _refresh(self, changed: Iterable[_Entity]) -> None:
        """Recompute the changed entities and their descendants, and nothing else."""
        affected = self._descendants(changed)
        if len(affected) > self.small_change:
            slots = np.array(sorted(entity.slot for entity in affected), dtype=np.int64)
            self._run_levels(slots, self._edge_rows(affected), self._effective)
            return
        among = {entity.id for entity in affected}
        outside = [p for p in {p for e in affected for p in e.parents} if p not in among]
        known = dict(
            zip(
                outside,
                self._effective.lists([self._entities.slot[p] for p in outside]),
                strict=True,
            )
        )
        owns = self._own.lists([entity.slot for entity in affected])
        for entity, own in zip(affected, owns, strict=True):
            reached: dict[int, Atoms] = {}
            for parent_id, spans in entity.parents.items():
                atoms = known[parent_id]
                kind = self._slot_types[self._entities.slot[parent_id]]
                bucket = reached.setdefault(kind, [])
                for span_lo, span_hi in spans:
                    for lo, hi in atoms:
                        if lo <= span_hi and span_lo <= hi:
                            bucket.append((max(lo, span_lo), min(hi, span_hi)))
            known[entity.id] = entity_validity(own, reached)
        self._effective.write_lists([e.slot for e in affected], [known[e.id] for e in affected])

    def _descendants(self, start: Iterable[_Entity]) -> list[_Entity]:
        """The entities and all their descendants, parents first (reverse DFS postorder)."""
        done: set[str] = set()
        finished: list[_Entity] = []
        for root in start:
            if root.id in done:
                continue
            done.add(root.id)
            stack = [(root, iter(root.children))]
            while stack:
                entity, pending = stack[-1]
                for child_id in pending:
                    if child_id not in done:
                        done.add(child_id)
                        child = self._entities[child_id]
                        stack.append((child, iter(child.children)))
                        break
                else:
                    stack.pop()
                    finished.append(entity)
        return finished[::-1]

    def effective(self, entity_id: str) -> PeriodSet:
        """The effective validity of one entity (the rule in the module docstring).

        >>> graph = EntityGraph.from_records([{"id": "a"}])
        >>> graph.effective("a") == ~PeriodSet()
        True
        """
        slot = self._entity(entity_id).slot
        first, last = self._effective.span(slot)
        starts, ends = self._effective.vector_form()
        return PeriodSet._of_canonical(starts[first:last], ends[first:last])

    def effective_all(self) -> dict[str, PeriodSet]:
        """The effective validity of every entity, by id, in the order entities were added.

        >>> EntityGraph.from_records([{"id": "a", "periods": [{}]}]).effective_all()
        {'a': PeriodSet([Period(start=None, end=None)])}
        """
        starts, ends = self._effective.vector_form()
        span = self._effective.span
        found = {}
        for entity_id, slot in self._entities.slot.items():
            first, last = span(slot)
            found[entity_id] = PeriodSet._of_canonical(starts[first:last], ends[first:last])
        return found

    def effective_frame(self) -> pd.DataFrame:
        """Every entity's effective validity as a DataFrame with one row per atom.

        Columns: ``entity_id``, then ``start`` and ``end`` as
        ``datetime64[us, UTC]``, the closed bounds of the atom. The infinities
        are written as the first and last instants of the timeline
        (0001-01-01T00:00:00 and 9999-12-31T23:59:59.999999), which read back
        as the infinities (never NaT). Entities come in the order they were
        added, an entity's atoms in time order; an entity never valid has no
        row.

        >>> graph = EntityGraph.from_records([
        ...     {"id": "a", "periods": [{"end_date": "2019-01-01"}, {"start_date": "2020-01-01"}]},
        ...     {"id": "b", "periods": [{"end_date": "2019-01-01"}], "parents": [{"id": "a"}]}])
        >>> frame = graph.effective_frame()
        >>> frame["entity_id"].tolist(), str(frame["end"].dtype)
        (['a', 'a', 'b'], 'datetime64[us, UTC]')
        >>> frame["start"].iloc[0].isoformat(), frame["end"].iloc[1].isoformat()
        ('0001-01-01T00:00:00+00:00', '9999-12-31T23:59:59.999999+00:00')
        """
        ids = list(self._entities.slot)
        slots = np.fromiter(self._entities.slot.values(), dtype=np.int64, count=len(ids))
        owner, lo, hi = self._effective.gather(slots)
        return pd.DataFrame(
            {
                "entity_id": pd.Series(np.array(ids, dtype=object)[owner], dtype=object),
                "start": pd.Series(lo.view("datetime64[us]")).dt.tz_localize("UTC"),
                "end": pd.Series(hi.view("datetime64[us]")).dt.tz_localize("UTC"),
            }
        )

    # --- reading ---------------------------------------------------------------

    def __contains__(self, entity_id: object) -> bool:
        return type(entity_id) is str and entity_id in self._entities

    def __len__(self) -> int:
        return len(self._entities)

    @property
    def ids(self) -> list[str]:
        """The entity ids, in the order they were added."""
        return list(self._entities)

    def record(self, entity_id: str) -> dict[str, Any]:
        """The entity as a record of the dataset's ``entities`` list (``from_records`` reads it).

        Dates are written losslessly, in ISO 8601 with microseconds, and
        ``None`` for the infinities (the entity dialect keeps only seconds).

        >>> graph = EntityGraph.from_records([{"id": "a"}, {"id": "b", "parents": [{"id": "a"}]}])
        >>> graph.record("b")["parents"]
        [{'id': 'a', 'start_date': None, 'end_date': None}]
        """
        entity = self._entity(entity_id)
        return {
            "id": entity.id,
            "type": entity.type,
            "name": entity.name,
            "team_id": entity.team_id,
            "periods": [
                {"period_id": period_id, **_exact_dates(lo, hi), "data": data}
                for period_id, (lo, hi, data) in entity.periods.items()
            ],
            "parents": [
                {"id": parent, **_exact_dates(lo, hi)}
                for parent, spans in entity.parents.items()
                for lo, hi in spans
            ],
        }

    def view(self, entity_id: str, visible: Callable[[Any], bool] | None = None) -> dict[str, Any]:
        """The view document of one entity: ``owned``, ``child`` and ``parent``.

        ``child`` lists every descendant and ``parent`` every ancestor, each
        under its id with one entry per owned period (one entry with the
        infinite dates when it owns none), at its smallest ``level`` ("0" =
        direct). ``visible`` is as for ``view_entries``. See docs/graph.md for
        the full rules.

        >>> graph = EntityGraph.from_records([{"id": "a", "type": "OFFICE"}])
        >>> graph.view("a")
        {'entity_type': 'OFFICE', 'entity_name': None, 'owned': [], 'child': {}, 'parent': {}}
        """
        return self.view_entries(entity_id, visible).document()

    def view_entries(
        self, entity_id: str, visible: Callable[[Any], bool] | None = None
    ) -> EntityView:
        """The view of one entity as typed entries, which ``EntityView.document()`` renders.

        ``visible``, called with a team id, says whether that team's entities
        may be shown (None: all may). An entity that may not is left out, and
        so is every relative reached only through one: levels count the
        paths that stay among visible entities. The viewed entity itself
        must be visible, or it is not found.

        >>> graph = EntityGraph.from_records(
        ...     [{"id": "o", "type": "OFFICE", "team_id": 1}, {"id": "s", "team_id": 2},
        ...      {"id": "a", "type": "ACTION", "team_id": 1,
        ...       "parents": [{"id": "o"}, {"id": "s"}]}])
        >>> list(graph.view_entries("a").parent)
        ['o', 's']
        >>> view = graph.view_entries("a", visible=lambda team: team == 1)
        >>> list(view.parent), view.parent["o"][0].level
        (['o'], 0)
        >>> graph.view_entries("s", visible=lambda team: team == 1)
        Traceback (most recent call last):
        ...
        periodkit.errors.NotFoundError: entity 's' not found
        """
        entity = self._entity(entity_id)
        shown: Callable[[_Entity], bool] = (
            (lambda _: True) if visible is None else (lambda e: visible(e.team_id))
        )
        if not shown(entity):
            raise NotFoundError("entity", entity_id)
        owned = tuple(
            OwnedEntry(period_id, data, lo, hi, entity.id, entity.name, entity.type)
            for period_id, (lo, hi, data) in entity.periods.items()
        )
        return EntityView(
            entity.type,
            entity.name,
            owned,
            child=self._relatives(entity, shown, upward=False),
            parent=self._relatives(entity, shown, upward=True),
        )

    def _relatives(
        self, origin: _Entity, shown: Callable[[_Entity], bool], *, upward: bool
    ) -> dict[str, tuple[RelativeEntry, ...]]:
        """The ``parent`` (upward) or ``child`` entries of a view, by relative.

        Each entry is the dependency edge that reaches a relative; one entry
        per owned period of the relative, or one with the infinite dates.
        """
        outward, back = ("parents", "children") if upward else ("children", "parents")
        relatives = {}
        for listed, level, neighbour in self._reached(origin, outward, back, shown):
            dep, child = (listed, neighbour) if upward else (neighbour, listed)
            owned = [(lo, hi) for lo, hi, _ in listed.periods.values()] or [_FOREVER]
            relatives[listed.id] = tuple(
                RelativeEntry(
                    dep.id, dep.type, dep.name, lo, hi, child.id, child.name, child.type, level
                )
                for lo, hi in owned
            )
        return relatives

    def _reached(
        self, origin: _Entity, outward: str, back: str, shown: Callable[[_Entity], bool]
    ) -> list[tuple[_Entity, int, _Entity]]:
        """Shown entities reached from ``origin`` along ``outward`` links through shown ones.

        By (level, id), each with its level (shortest distance - 1) and its
        neighbour one step back on a shortest path (the smallest id among ties).
        """
        distance = {origin.id: 0}
        queue = deque([origin.id])
        while queue:
            current = queue.popleft()
            for neighbour in getattr(self._entities[current], outward):
                if neighbour not in distance and shown(self._entities[neighbour]):
                    distance[neighbour] = distance[current] + 1
                    queue.append(neighbour)
        reached = []
        for listed_id in sorted(distance, key=lambda i: (distance[i], i)):
            steps = distance[listed_id]
            if steps == 0:
                continue
            listed = self._entities[listed_id]
            previous = min(n for n in getattr(listed, back) if distance.get(n) == steps - 1)
            reached.append((listed, steps - 1, self._entities[previous]))
        return reached
