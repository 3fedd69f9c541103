"""The typed view of an entity, and its team filter: what it leaves out and the levels it keeps."""

from __future__ import annotations

import pytest

from periodkit.errors import NotFoundError
from periodkit.graph import EntityGraph
from periodkit.graph.view import RelativeEntry

# mine <- theirs <- far (a grandparent only through another team's entity);
# mine <- near <- top and mine <- theirs <- top: top is two steps away either way.
RECORDS = [
    {"id": "far", "type": "OFFICE", "team_id": 1},
    {"id": "top", "type": "OFFICE", "team_id": 1, "periods": [{"period_id": "t"}]},
    {"id": "theirs", "type": "OFFICE", "team_id": 2, "parents": [{"id": "far"}, {"id": "top"}]},
    {"id": "near", "type": "OFFICE", "parents": [{"id": "top"}]},
    {"id": "mine", "type": "ACTION", "team_id": 1, "parents": [{"id": "theirs"}, {"id": "near"}]},
]


def _team_one(team: object) -> bool:
    return team in (None, 1)


def test_another_teams_relative_and_everything_reached_only_through_it_are_left_out():
    graph = EntityGraph.from_records(RECORDS)
    assert list(graph.view_entries("mine").parent) == ["near", "theirs", "far", "top"]
    view = graph.view_entries("mine", visible=_team_one)
    assert list(view.parent) == ["near", "top"]
    # top is still reached through near, at the same distance, on the visible edge.
    (entry,) = view.parent["top"]
    assert (entry.dep_id, entry.entity_id, entry.level) == ("top", "near", 1)
    assert list(graph.view_entries("top", visible=_team_one).child) == ["near", "mine"]


def test_the_dict_view_renders_the_typed_one():
    graph = EntityGraph.from_records(RECORDS)
    for visible in (None, _team_one):
        for entity in ("mine", "top", "near"):
            entries = graph.view_entries(entity, visible)
            assert graph.view(entity, visible) == entries.document()
    assert isinstance(graph.view_entries("mine").parent["far"][0], RelativeEntry)


def test_an_entity_of_another_team_is_not_found_like_a_missing_one():
    graph = EntityGraph.from_records(RECORDS)
    for entity in ("theirs", "nowhere"):
        with pytest.raises(NotFoundError) as caught:
            graph.view_entries(entity, visible=_team_one)
        assert str(caught.value) == f"entity {entity!r} not found"
