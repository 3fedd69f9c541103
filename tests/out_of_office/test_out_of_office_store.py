"""Loading the dataset's records, dumping them back, list queries and the columnar view."""

import numpy as np
import pytest
from tests.query.params import out_of_office

from periodkit.errors import QueryError, ValidationError
from periodkit.out_of_office import OutOfOfficeStore

PERSON = {"id": 1, "name": "Ann"}


def record(i, **fields):
    return {
        "id": i,
        "person": PERSON,
        "start_at": f"2019-01-{i:02d}T00:00:00Z",
        "end_at": f"2019-01-{i:02d}T12:00:00Z",
        "created_at": "2019-01-01T00:00:00Z",
        **fields,
    }


def load_problems(records):
    with pytest.raises(ValidationError) as caught:
        OutOfOfficeStore.from_records(records)
    return [(p["pointer"], p["detail"]) for p in caught.value.problems]


def ids(selection):
    return [r["id"] for r in selection.records]


def test_every_load_problem_is_reported_with_its_pointer():
    found = load_problems(
        [
            record(1),
            record(1, reason=5),
            "not a record",
            {"person": {"id": 2, "name": "Bo"}, "start_at": "2019-01-02", "end_at": "2019-01-01"},
            record(4, person={"id": 1, "name": "Not Ann"}, team_id=True, colour="red"),
            record(5, updated_at="2018-12-31"),
            record(6, effort_class=3),
        ]
    )
    assert found == [
        (
            "/4/person",
            "Person 1 is {'id': 1, 'name': 'Not Ann'} here but {'id': 1, 'name': 'Ann'} before",
        ),
        ("/1/reason", "Reason 5 is not a string"),
        ("/1/id", "Id 1 is repeated"),
        ("/2", "'not a record' is not an object"),
        ("/3/id", "Id can't be blank"),
        ("/3/created_at", "Created at can't be blank"),
        ("/3/end_at", "End at must be after start at"),
        ("/4/colour", "Unknown field 'colour'"),
        ("/4/team_id", "Team True is not an id (expected a whole number or a non-empty text)"),
        ("/5/updated_at", "Updated at must not be before created at"),
        ("/6/effort_class", "Effort class 3 does not exist"),
    ]


@pytest.mark.parametrize("records", [{"id": 1}, "records", None, 5])
def test_records_must_be_a_list(records):
    assert load_problems(records)[0][0] == ""


def test_ids_must_be_positive_whole_numbers():
    found = load_problems([record(1, id=0), record(2, id="2"), record(3, id=True)])
    assert [w for w, _ in found] == ["/0/id", "/1/id", "/2/id"]


def test_a_record_may_name_a_person_embedded_in_a_later_one():
    store = OutOfOfficeStore.from_records(
        [record(1, person=2), record(2, person={"id": 2, "name": "Bo"})]
    )
    assert store.get(1)["person"] == {"id": 2, "name": "Bo"}
    assert store.people.tolist() == [2]


def test_dump_reloads_to_an_equal_store():
    store = OutOfOfficeStore.from_records(
        [
            record(2, team_id="t", sourceID="x", start_at="2019-01-02T03:04:05.678901+02:00"),
            record(1),
        ]
    )
    store.create({"person": 1, "start_at": "2019-03-01", "end_at": "2019-03-02"}, 7, "2019-02-01")
    dumped = store.dump()
    assert [r["id"] for r in dumped] == [1, 2, 3]
    assert dumped[1]["start_at"] == "2019-01-02T01:04:05.678901Z"
    assert dumped[1]["team_id"] == "t" and dumped[2]["team_id"] == 7 and "team_id" not in dumped[0]
    assert OutOfOfficeStore.from_records(dumped).dump() == dumped


def test_select_filters_sorts_and_pages_through_the_evaluator():
    store = OutOfOfficeStore.from_records(
        [record(i, sourceID=None if i % 2 else f"s{i % 3}") for i in range(1, 11)]
    )
    query = out_of_office("sourceID=!&sort=sourceID,-start_at&per_page=2&page=2").query
    page = store.select(query)
    # sourceID: 2 s2, 4 s1, 6 s0, 8 s2, 10 s1 -> s0: 6; s1: 10, 4; s2: 8, 2
    assert ids(page) == [4, 8] and page.total == 5
    assert ids(store.select(out_of_office("person=1,2&end_at=<2019-01-03").query)) == [1, 2]


def test_select_keeps_to_a_team():
    store = OutOfOfficeStore.from_records(
        [record(1, team_id="a"), record(2, team_id="b"), record(3)]
    )
    query = out_of_office("").query
    assert ids(store.select(query, team_id="a")) == [1, 3]
    assert ids(store.select(query, team_id="nobody")) == [3]
    assert ids(store.select(query)) == [1, 2, 3]


def test_writes_patch_the_columns_and_dead_rows_are_compacted():
    store = OutOfOfficeStore.from_records([record(i) for i in range(1, 21)])
    query = out_of_office("sort=-id&per_page=100").query
    assert ids(store.select(query)) == list(range(20, 0, -1))
    for i in range(1, 20):
        store.delete(i)
    store.update(20, {"start_at": "2018-01-01"}, "2020-01-01")
    created = store.create(
        {"person": 1, "start_at": "2017-01-01", "end_at": "2017-01-02"}, None, "2020-01-01"
    )
    assert ids(store.select(query)) == [created["id"], 20]
    assert ids(store.select(out_of_office("").query)) == [created["id"], 20]  # by start_at
    # Compaction keeps the columns within twice the live rows.
    assert len(store.table) <= 2 * max(len(store), 16)


def test_growth_past_the_initial_capacity():
    store = OutOfOfficeStore.from_records([record(1)])
    for day in range(2, 29):
        store.create(
            {"person": 1, "start_at": f"2019-02-{day:02d}", "end_at": f"2019-03-{day:02d}"},
            None,
            "2019-01-01",
        )
    page = store.select(out_of_office("start_at=>=2019-02-27&sort=id").query)
    assert ids(page) == [27, 28] and len(store) == 28


def test_a_query_on_a_column_the_store_lacks_is_a_query_error():
    from periodkit.query import Predicate, Query

    with pytest.raises(QueryError):
        OutOfOfficeStore().select(Query(where=(Predicate("reason", "eq", "x"),)))


def test_the_people_registry():
    store = OutOfOfficeStore.from_records([record(1, approval_delegate={"id": 5, "name": "E"})])
    assert store.people.dtype == np.int64 and store.people.tolist() == [1, 5]


def test_an_empty_store_answers_every_query_with_nothing():
    query = out_of_office("sourceID=x&sort=-sourceID&start_at=>2019").query
    page = OutOfOfficeStore().select(query)
    assert page.records == [] and page.total == 0
