"""The rules of an out-of-office write, one by one, through the store's create and update."""

import pytest

from periodkit.errors import NotFoundError, ValidationError
from periodkit.out_of_office import OutOfOfficeStore
from periodkit.out_of_office.records import END_BEFORE_START, label, pointer

ELLEN = {"id": 196, "name": "Ellen Brown"}
VACATION = {
    "id": 2,
    "group": "Time Off",
    "name": "Vacation",
    "account": {"id": "wdc", "name": "Widget Data Center"},
    "localized_name": "Vacation",
}
# The API's documented example of a single record, as the dataset holds it.
DOCUMENTED = {
    "approval_delegate": None,
    "created_at": "2019-11-18T08:10:52-06:00",
    "end_at": "2019-11-18T15:45:15Z",
    "id": 3,
    "person": ELLEN,
    "reason": "Time Off - Vacation",
    "source": "4me",
    "sourceID": None,
    "start_at": "2019-11-18T06:00:00Z",
    "time_allocation": VACATION,
    "updated_at": "2019-11-18T09:45:16-06:00",
}
OTHERS = {
    "id": 4,
    "person": {"id": 7, "name": "Al Green"},
    "approval_delegate": {"id": 8, "name": "Bo Diddley"},
    "effort_class": {"id": 1, "name": "Normal"},
    "start_at": "2019-12-01",
    "end_at": "2019-12-02",
    "created_at": "2019-11-01",
}
NOW = "2019-12-01T09:00:00Z"
VALID = {"person": 196, "start_at": "2019-12-23T00:00:00Z", "end_at": "2019-12-27T00:00:00Z"}


@pytest.fixture
def store():
    return OutOfOfficeStore.from_records([DOCUMENTED, OTHERS])


def problems_of(call, *args, **kwargs):
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    return [(p["pointer"], p["detail"]) for p in caught.value.problems]


def rejected(store, *args, update=None):
    """The problems of a rejected create (or update of ``update``); the store is unchanged."""
    before = store.dump()
    if update is None:
        found = problems_of(store.create, args[0], None, NOW)
    else:
        found = problems_of(store.update, update, args[0], NOW)
    assert store.dump() == before
    return found


def test_the_documented_example_reads_back_as_documented(store):
    got = store.get(3)
    # Every field of the API's single record, in one fixed order.
    fields = list(got)
    assert fields[:6] == ["id", "source", "sourceID", "person", "start_at", "end_at"]
    assert fields[6:] == [
        *("reason", "time_allocation", "effort_class"),
        *("approval_delegate", "created_at", "updated_at"),
    ]
    assert got["person"] == ELLEN and got["time_allocation"] == VACATION
    assert got["created_at"] == "2019-11-18T14:10:52.000Z"
    assert got["updated_at"] == "2019-11-18T15:45:16.000Z"
    assert (got["start_at"], got["end_at"]) == (
        "2019-11-18T06:00:00.000Z",
        "2019-11-18T15:45:15.000Z",
    )
    assert got["effort_class"] is None and got["reason"] == "Time Off - Vacation"


@pytest.mark.parametrize("field", ["person", "start_at", "end_at"])
@pytest.mark.parametrize("missing", ["absent", "null"])
def test_required_fields_absent_or_null_are_blank(store, field, missing):
    fields = dict(VALID)
    if missing == "absent":
        del fields[field]
    else:
        fields[field] = None
    assert rejected(store, fields) == [(f"/{field}", f"{label(field)} can't be blank")]


@pytest.mark.parametrize("field", ["person", "start_at", "end_at"])
def test_an_update_may_not_null_a_required_field(store, field):
    assert rejected(store, {field: None}, update=3) == [
        (f"/{field}", f"{label(field)} can't be blank")
    ]


@pytest.mark.parametrize("end", ["2019-12-23T00:00:00Z", "2019-12-22T23:59:59.999999Z"])
def test_end_at_must_be_strictly_after_start_at(store, end):
    assert rejected(store, {**VALID, "end_at": end}) == [("/end_at", END_BEFORE_START)]


def test_one_microsecond_is_enough():
    store = OutOfOfficeStore.from_records([OTHERS])
    created = store.create(
        {**VALID, "person": 7, "end_at": "2019-12-23T00:00:00.000001Z"}, None, NOW
    )
    assert store.dump()[-1]["end_at"] == "2019-12-23T00:00:00.000001Z"
    assert created["id"] == 5


def test_an_update_moving_only_start_at_past_end_at_is_reported_on_end_at(store):
    assert rejected(store, {"start_at": "2019-11-18T15:45:15Z"}, update=3) == [
        ("/end_at", END_BEFORE_START)
    ]


def test_an_update_moving_only_end_at_before_start_at_is_reported_on_end_at(store):
    assert rejected(store, {"end_at": "2019-11-18T05:00:00Z"}, update=3) == [
        ("/end_at", END_BEFORE_START)
    ]


def test_an_update_moving_both_is_judged_on_the_new_pair(store):
    moved = store.update(3, {"start_at": "2020-01-02", "end_at": "2020-01-03"}, NOW)
    assert (moved["start_at"], moved["end_at"]) == (
        "2020-01-02T00:00:00.000Z",
        "2020-01-03T00:00:00.000Z",
    )


@pytest.mark.parametrize(("field", "limit"), [("reason", 80), ("source", 30), ("sourceID", 128)])
def test_text_lengths_count_code_points(store, field, limit):
    # Four bytes in UTF-8 and two UTF-16 units each, but one code point.
    at_limit = "😀" * limit
    assert store.create({**VALID, field: at_limit}, None, NOW)[field] == at_limit
    [(where, detail)] = rejected(store, {**VALID, field: "é" * (limit + 1)})
    assert where == f"/{field}"
    assert f"({limit + 1} characters, maximum is {limit})" in detail


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("person", 999, "Person 999 does not exist"),
        ("person", {"id": 999}, "Person 999 does not exist"),
        ("approval_delegate", 2, "Approval delegate 2 does not exist"),
        ("time_allocation", 196, "Time allocation 196 does not exist"),
        ("effort_class", {"id": 2}, "Effort class 2 does not exist"),
    ],
)
def test_references_must_exist(store, field, value, message):
    assert rejected(store, {**VALID, field: value}) == [(f"/{field}", message)]


def test_references_by_id_or_object_and_null_clears_an_optional_one(store):
    created = store.create(
        {
            **VALID,
            "person": {"id": 7},
            "approval_delegate": 196,
            "time_allocation": {"id": 2, "name": "ignored: the registry's record is kept"},
            "effort_class": 1,
        },
        None,
        NOW,
    )
    assert created["person"] == {"id": 7, "name": "Al Green"}
    assert created["approval_delegate"] == ELLEN
    assert created["time_allocation"] == VACATION
    assert created["effort_class"] == {"id": 1, "name": "Normal"}
    cleared = store.update(created["id"], {"time_allocation": None}, "2019-12-02")
    assert (
        cleared["time_allocation"] is None and cleared["updated_at"] == "2019-12-02T00:00:00.000Z"
    )


def test_a_person_met_only_as_approval_delegate_is_a_person(store):
    assert store.create({**VALID, "person": 8}, None, NOW)["person"]["name"] == "Bo Diddley"


@pytest.mark.parametrize("field", ["id", "created_at", "updated_at"])
def test_read_only_fields_are_refused_on_create_and_update(store, field):
    value = 3 if field == "id" else NOW
    assert rejected(store, {**VALID, field: value}) == [
        (f"/{field}", f"{label(field)} is read-only")
    ]
    assert rejected(store, {field: value}, update=3) == [
        (f"/{field}", f"{label(field)} is read-only")
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("person", "196"),
        ("person", True),
        ("person", 1.5),
        ("approval_delegate", [196]),
        ("effort_class", {"name": "Normal"}),
        ("start_at", 1574056800000000),
        ("start_at", "18 November 2019"),
        ("end_at", {"date": "2019-12-27"}),
        ("reason", 7),
        ("source", ["4me"]),
        ("sourceID", {"id": 1}),
    ],
)
def test_a_wrong_json_type_is_a_problem_on_that_field(store, field, value):
    [(where, detail)] = rejected(store, {**VALID, field: value})
    assert where == f"/{field}"
    assert detail.startswith(label(field))


def test_an_end_of_the_timeline_is_no_out_of_office_date(store):
    [(where, detail)] = rejected(store, {**VALID, "end_at": "9999-12-31T23:59:59.999999Z"})
    assert where == "/end_at" and "end of the timeline" in detail


def test_unknown_fields_are_named(store):
    assert rejected(store, {**VALID, "disabled": True, "a/b": 1}) == [
        ("/disabled", "Unknown field 'disabled'"),
        ("/a~1b", "Unknown field 'a/b'"),
    ]


def test_every_problem_is_reported_at_once(store):
    found = rejected(
        store,
        {
            "id": 1,
            "person": 999,
            "start_at": "2019-12-02",
            "end_at": "2019-12-01",
            "reason": "x" * 81,
        },
    )
    assert [where for where, _ in found] == ["/id", "/person", "/reason", "/end_at"]


def test_a_refused_start_at_is_not_also_compared(store):
    # The end is before the old start, but the new start is the problem to fix.
    assert [
        w for w, _ in rejected(store, {"start_at": "bad", "end_at": "2019-01-01"}, update=3)
    ] == ["/start_at"]


def test_a_body_that_is_not_an_object(store):
    assert rejected(store, ["person", 196]) == [
        ("", "The out-of-office period ['person', 196] is not an object")
    ]


def test_a_missing_id_is_not_found_before_the_body_is_read(store):
    with pytest.raises(NotFoundError, match="out-of-office period 99 not found"):
        store.update(99, "not even an object", NOW)
    for bad in (True, "3", 3.0, -3):
        with pytest.raises(NotFoundError):
            store.get(bad)


def test_updated_at_moves_only_when_a_value_changes(store):
    same = store.update(3, {"reason": "Time Off - Vacation", "person": {"id": 196}}, NOW)
    assert same["updated_at"] == "2019-11-18T15:45:16.000Z"
    # The same instant written with another offset is no change either.
    same = store.update(3, {"start_at": "2019-11-18T00:00:00-06:00"}, NOW)
    assert same["updated_at"] == "2019-11-18T15:45:16.000Z"
    changed = store.update(3, {"reason": "Sick"}, NOW)
    assert changed["updated_at"] == "2019-12-01T09:00:00.000Z"
    assert changed["created_at"] == "2019-11-18T14:10:52.000Z"


def test_created_and_updated_at_are_now_on_create(store):
    created = store.create(VALID, None, "2019-12-01T09:00:00.123456Z")
    assert created["created_at"] == created["updated_at"] == "2019-12-01T09:00:00.123Z"


def test_new_ids_are_never_reused(store):
    assert store.create(VALID, None, NOW)["id"] == 5
    store.delete(5)
    store.delete(4)
    assert store.create(VALID, None, NOW)["id"] == 6
    assert 5 not in store and 6 in store


def test_a_team_reaches_its_own_records_and_records_of_no_team(store):
    mine = store.create(VALID, "t1", NOW)["id"]
    theirs = store.create(VALID, "t2", NOW)["id"]
    assert store.get(mine, team_id="t1")["id"] == mine
    assert store.get(3, team_id="t1")["id"] == 3  # no team: every team's
    for call in (store.get, store.delete):
        with pytest.raises(NotFoundError):
            call(theirs, team_id="t1")
    with pytest.raises(NotFoundError):
        store.update(theirs, {"reason": "x"}, NOW, team_id="t1")
    assert store.get(theirs)["id"] == theirs


def test_a_bad_team_is_refused(store):
    assert problems_of(store.create, VALID, True, NOW)[0][0] == "/team_id"


def test_pointer_escapes_json_pointer_characters():
    assert pointer("~x/y", "/1") == "/1/~0x~1y"
