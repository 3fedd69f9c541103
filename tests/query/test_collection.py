"""One description of a paged collection, read alike by the 4me and JSON:API grammars."""

from __future__ import annotations

import pytest
from tests.query.params import decoded

from periodkit.errors import PagingError, QueryError
from periodkit.query import (
    Collection,
    Page,
    SortKey,
    parse_fourme,
    parse_jsonapi,
)
from periodkit.service.routes.out_of_office import OUT_OF_OFFICE_PERIODS

SMALL = Collection(
    columns={"id": "int", "kind": "string"},
    filters={"kind": "kind"},
    default_sort=(SortKey("id", descending=True),),
    default_page_size=3,
    max_page_size=7,
)


def test_a_collection_must_type_every_column_it_names():
    with pytest.raises(QueryError, match=r"filters and sort keys name \['person_id'\]"):
        Collection(
            fields=("id",),
            default_fields=("id",),
            columns={"id": "int"},
            filters={"person": "person_id"},
            sortable={"id": "id"},
            default_sort=(SortKey("id"),),
        )
    with pytest.raises(QueryError, match=r"filters and sort keys name \['rank'\]"):
        Collection(columns={"id": "int"}, filters={}, default_sort=(SortKey("rank"),))


def test_the_out_of_office_description_is_a_collection():
    assert isinstance(OUT_OF_OFFICE_PERIODS, Collection)
    assert (OUT_OF_OFFICE_PERIODS.default_page_size, OUT_OF_OFFICE_PERIODS.max_page_size) == (
        20,
        100,
    )


def test_both_grammars_take_page_sizes_and_order_from_the_collection():
    fourme, jsonapi = parse_fourme(decoded(""), SMALL), parse_jsonapi(decoded(""), SMALL)
    assert fourme.page == jsonapi.page == Page(1, 3)
    # The default order already holds id, so 4me adds no tie-breaker of its own.
    assert fourme.query.order == (SortKey("id", descending=True),)
    assert jsonapi.query.order == (SortKey("id", descending=True),)


def test_a_page_size_above_the_maximum_is_clamped_by_4me_and_refused_by_jsonapi():
    assert parse_fourme(decoded("per_page=8"), SMALL).page == Page(1, 7)
    with pytest.raises(PagingError) as caught:
        parse_jsonapi(decoded("page[size]=8"), SMALL)
    assert caught.value.message == "page[size] must be a whole number from 1 to 7, not '8'."


def test_equality_ignores_the_derived_schema():
    assert Collection(columns={"id": "int"}, filters={}) == Collection(
        columns={"id": "int"}, filters={}
    )
