"""The view of one entity as typed values, and its rendering as the view document.

``EntityGraph.view_entries`` gives an ``EntityView``: the entity's owned
periods and, for every ancestor (``parent``) and descendant (``child``), one
entry per period the relative owns. Bounds are microseconds in the vector
form; ``document()`` writes them in the entity dialect, with the keys in the
order the view document has them.

>>> view = EntityView("OFFICE", "HQ", owned=(OwnedEntry("p1", None, 0, 1_000_000, "a", "HQ",
...                   "OFFICE"),), child={}, parent={})
>>> view.document()["owned"]  # doctest: +NORMALIZE_WHITESPACE
[{'period_id': 'p1', 'data': None, 'start_date': '1970-01-01 00:00:00',
  'end_date': '1970-01-01 00:00:01', 'entity_id': 'a', 'entity_name': 'HQ',
  'entity_type': 'OFFICE'}]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from periodkit.graph.records import entity_dates


@dataclass(frozen=True)
class OwnedEntry:
    """One period the viewed entity owns: its id, data and bounds, and the entity."""

    period_id: str
    data: Any
    lo: int
    hi: int
    entity_id: str
    entity_name: str | None
    entity_type: str | None

    def document(self) -> dict[str, Any]:
        """The entry as the view document writes it.

        >>> OwnedEntry("p", {"k": 1}, 0, 0, "a", None, "T").document()["data"]
        {'k': 1}
        """
        return {
            "period_id": self.period_id,
            "data": self.data,
            **entity_dates(self.lo, self.hi),
            "entity_id": self.entity_id,
            "entity_name": self.entity_name,
            "entity_type": self.entity_type,
        }


@dataclass(frozen=True)
class RelativeEntry:
    """One period of a relative, on the dependency edge that reaches it.

    ``dep_*`` names the parent end of the edge and ``entity_*`` the child
    end; ``level`` is the relative's distance from the viewed entity less
    one (0: direct). Only the relative's own name is shown: ``dep_name`` in
    a ``parent`` entry, ``entity_name`` in a ``child`` entry.
    """

    dep_id: str
    dep_type: str | None
    dep_name: str | None
    lo: int
    hi: int
    entity_id: str
    entity_name: str | None
    entity_type: str | None
    level: int

    def document(self, *, upward: bool) -> dict[str, Any]:
        """The entry as the view document writes it, under ``parent`` (``upward``) or ``child``.

        >>> entry = RelativeEntry("o", "OFFICE", "HQ", 0, 0, "a", "Act", "ACTION", 0)
        >>> list(entry.document(upward=True)), entry.document(upward=False)["level"]
        (['dep_id', 'dep_type', 'dep_name', 'start_date', 'end_date', 'entity_id', \
'entity_type', 'level'], '0')
        """
        head: dict[str, Any] = {"dep_id": self.dep_id, "dep_type": self.dep_type}
        tail: dict[str, Any] = {"entity_id": self.entity_id}
        if upward:
            head["dep_name"] = self.dep_name
        else:
            tail["entity_name"] = self.entity_name
        tail |= {"entity_type": self.entity_type, "level": str(self.level)}
        return {**head, **entity_dates(self.lo, self.hi), **tail}


@dataclass(frozen=True)
class EntityView:
    """An entity's view: its type and name, owned periods, and relatives' entries by id.

    ``child`` and ``parent`` list relatives by (level, id), each with its
    entries in the order its periods were written.
    """

    entity_type: str | None
    entity_name: str | None
    owned: tuple[OwnedEntry, ...]
    child: Mapping[str, tuple[RelativeEntry, ...]]
    parent: Mapping[str, tuple[RelativeEntry, ...]]

    def document(self) -> dict[str, Any]:
        """The view document: ``entity_type``, ``entity_name``, ``owned``, ``child``, ``parent``.

        >>> EntityView("OFFICE", None, (), {}, {}).document()
        {'entity_type': 'OFFICE', 'entity_name': None, 'owned': [], 'child': {}, 'parent': {}}
        """
        return {
            "entity_type": self.entity_type,
            "entity_name": self.entity_name,
            "owned": [entry.document() for entry in self.owned],
            "child": _listing(self.child, upward=False),
            "parent": _listing(self.parent, upward=True),
        }


def _listing(
    relatives: Mapping[str, tuple[RelativeEntry, ...]], *, upward: bool
) -> dict[str, list[dict[str, Any]]]:
    return {
        relative: [entry.document(upward=upward) for entry in entries]
        for relative, entries in relatives.items()
    }
