"""The ``entity_graphs`` strategy: what it draws, and the arguments it refuses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis.errors import InvalidArgument

from periodkit.graph.entity_graph import EntityGraph
from periodkit.strategies import entity_graphs


@given(entity_graphs(max_entities=5, types=("OFFICE", "ACTION"), max_periods=2, max_parents=2))
def test_draws_loadable_dags_within_the_limits(records):
    graph = EntityGraph.from_records(records)
    assert len(graph) == len(records) <= 5
    for index, record in enumerate(records):
        assert record["type"] in ("OFFICE", "ACTION")
        assert len(record.get("periods", [])) <= 2
        assert len(record.get("parents", [])) <= 2
        assert all(int(parent["id"][1:]) < index for parent in record.get("parents", []))


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        ({"max_entities": 0}, "max_entities"),
        ({"max_periods": -1}, "max_periods"),
        ({"max_parents": 1.5}, "max_parents"),
        ({"types": ("office",)}, "types"),
        ({"types": ()}, "types"),
        ({"min_year": 1970}, "1970"),
        ({"max_year": 9999}, "9999"),
    ],
)
def test_bad_arguments_are_named(arguments, named):
    with pytest.raises(InvalidArgument, match=named):
        entity_graphs(**arguments)
