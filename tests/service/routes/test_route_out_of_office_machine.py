"""Creates, updates and deletes, valid and invalid mixed, through Service.handle, against a
plain dict model: after every step each record, the dump and the list agree with the model."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from periodkit.out_of_office import FIELDS
from periodkit.service import Service

PATH = "/out_of_office_periods"
PEOPLE = {1: {"id": 1, "name": "Ann"}, 2: {"id": 2, "name": "Bo"}, 3: {"id": 3, "name": "Cy"}}
ALLOCATION = {"id": 1, "group": "Time Off", "name": "Leave", "localized_name": "Leave"}
EFFORT = {"id": 1, "name": "Normal"}
KNOWN = {"person": PEOPLE, "approval_delegate": PEOPLE}
KNOWN |= {"time_allocation": {1: ALLOCATION}, "effort_class": {1: EFFORT}}
LIMITS = {"source": 30, "sourceID": 128, "reason": 80}
# Date texts as a write gives them, and the instant each names as the service writes it.
DATES = {
    "2019-11-18T00:00:00-06:00": "2019-11-18T06:00:00.000Z",
    "2019-11-18T06:00:00Z": "2019-11-18T06:00:00.000Z",
    "2019-11-19": "2019-11-19T00:00:00.000Z",
    "2019-11-18 12:30:00.5": "2019-11-18T12:30:00.500Z",
    "2019-11-20T00:00:00.000Z": "2019-11-20T00:00:00.000Z",
}
BAD = object()  # the model's mark of a value the service must refuse

references = st.sampled_from([1, 2, {"id": 3}, 99, {"id": 0}, "x", None])
values = {
    "person": references,
    "approval_delegate": references,
    "time_allocation": st.sampled_from([1, {"id": 1}, 9, None, [1]]),
    "effort_class": st.sampled_from([1, 5, None, 1.5]),
    "start_at": st.sampled_from([*DATES, None, "2019-13-01", 5]),
    "end_at": st.sampled_from([*DATES, None, "tomorrow"]),
    "reason": st.sampled_from(["Sick", "r" * 80, "r" * 81, 7, None]),
    "source": st.sampled_from(["4me", "s" * 31, None, "é" * 30]),
    "sourceID": st.sampled_from(["X-1", "x-1", "x" * 128, "x" * 129, None, False]),
    "id": st.just(5),
    "created_at": st.sampled_from(["2019-11-19", None]),
    "colour": st.just("red"),
}
OPTIONAL = ("approval_delegate", "time_allocation", "effort_class", "reason", "source", "sourceID")
STRANGE = ("id", "created_at", "colour")


def bodies(required: bool) -> st.SearchStrategy[dict[str, Any]]:
    """Mostly valid bodies (with ``required`` the three required fields given), some not."""
    chosen = st.lists(st.sampled_from(list(values)), unique=True, max_size=4)
    if required:
        chosen = st.tuples(
            st.lists(st.sampled_from(OPTIONAL), unique=True, max_size=3),
            st.lists(st.sampled_from([*values]), unique=True, max_size=1),
        ).map(lambda parts: ["person", "start_at", "end_at", *parts[0], *parts[1]])
    return chosen.flatmap(
        lambda names: st.fixed_dictionaries({name: values[name] for name in dict.fromkeys(names)})
    )


def read(field: str, value: Any) -> Any:
    """A written value as the model keeps it (the rendered form), or BAD."""
    if value is None:
        return None
    if field in KNOWN:
        identifier = value.get("id") if isinstance(value, dict) else value
        if type(identifier) is not int or identifier not in KNOWN[field]:
            return BAD
        return KNOWN[field][identifier]
    if field in LIMITS:
        return value if isinstance(value, str) and len(value) <= LIMITS[field] else BAD
    return DATES.get(value, BAD) if isinstance(value, str) else BAD


def problems(current: dict[str, Any], body: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """The fields a write to ``current`` has problems on (sorted) and the values it gives."""
    found, given = [], {}
    for field, value in body.items():
        writable = field in FIELDS and field not in ("id", "created_at", "updated_at")
        got = read(field, value) if writable else BAD
        if got is BAD:
            found.append(field)
        else:
            given[field] = got
    merged = {**current, **given}
    for field in ("person", "start_at", "end_at"):
        if field not in found and merged.get(field) is None:
            found.append(field)
    start, end = merged.get("start_at"), merged.get("end_at")
    if (
        start is not None
        and end is not None
        and end <= start
        and not {"start_at", "end_at"} & {f for f in found if f in body}
    ):
        found.append("end_at")
    return sorted(found), given


def one(record: dict[str, Any]) -> dict[str, Any]:
    """A model record as a single resource shows it."""
    return {k: v for k, v in record.items() if not (k == "effort_class" and v is None)}


class OutOfOfficeRoutes(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tick = 0
        self.service = Service.from_dataset(
            {
                "out_of_office_periods": [
                    {
                        "id": 1,
                        "person": PEOPLE[1],
                        "approval_delegate": PEOPLE[2],
                        "time_allocation": ALLOCATION,
                        "effort_class": EFFORT,
                        "start_at": "2019-11-19",
                        "end_at": "2019-11-20T00:00:00Z",
                        "created_at": "2019-11-01",
                    },
                    {
                        "id": 2,
                        "person": PEOPLE[3],
                        "start_at": "2019-11-18T06:00:00Z",
                        "end_at": "2019-11-19",
                        "created_at": "2019-11-01",
                    },
                ]
            },
            clock=self.now,
        )
        self.model: dict[int, dict[str, Any]] = {}
        for identifier in (1, 2):
            self.model[identifier] = self.service.handle("GET", f"{PATH}/{identifier}").body
            self.model[identifier].setdefault("effort_class", None)
        self.next_id = 3

    def now(self) -> dt.datetime:
        return dt.datetime(2020, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=self.tick)

    def stamp(self) -> str:
        return f"{self.now():%Y-%m-%dT%H:%M:%S}.000Z"

    def ids(self) -> st.SearchStrategy[int]:
        return st.sampled_from([*self.model, 99, self.next_id])

    @rule(body=bodies(required=True) | bodies(required=False))
    def create(self, body: dict[str, Any]) -> None:
        self.tick += 1
        response = self.service.handle("POST", PATH, body=body)
        wrong, given = problems({}, body)
        if wrong:
            assert response.status == 422, response.body
            assert sorted(field for field, _ in response.body["errors"]) == wrong
            return
        assert response.status == 201, response.body
        record = {field: given.get(field) for field in FIELDS}
        record |= {"id": self.next_id, "created_at": self.stamp(), "updated_at": self.stamp()}
        assert response.body == one(record)
        self.model[self.next_id] = record
        self.next_id += 1

    @rule(data=st.data(), body=bodies(required=False))
    def update(self, data: st.DataObject, body: dict[str, Any]) -> None:
        self.tick += 1
        identifier = data.draw(self.ids())
        response = self.service.handle("PATCH", f"{PATH}/{identifier}", body=body)
        if identifier not in self.model:
            assert response.status == 404
            return
        current = self.model[identifier]
        wrong, given = problems(current, body)
        if wrong:
            assert response.status == 422, response.body
            assert sorted(field for field, _ in response.body["errors"]) == wrong
            return
        assert response.status == 200, response.body
        if any(current[field] != value for field, value in given.items()):
            current |= given | {"updated_at": self.stamp()}
        assert response.body == one(current)

    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        identifier = data.draw(self.ids())
        response = self.service.handle("DELETE", f"{PATH}/{identifier}")
        if identifier in self.model:
            assert (response.status, response.body) == (204, None)
            del self.model[identifier]
        else:
            assert response.status == 404

    @rule(
        person=st.sampled_from([None, 1, 2, 3]),
        key=st.sampled_from(["id", "start_at", "end_at", "sourceID", "updated_at", "person_id"]),
        descending=st.booleans(),
        per_page=st.integers(1, 4),
        page=st.integers(1, 4),
    )
    def list_agrees(
        self, person: int | None, key: str, descending: bool, per_page: int, page: int
    ) -> None:
        query = f"sort={'-' if descending else ''}{key}&per_page={per_page}&page={page}"
        if person is not None:
            query += f"&person={person}"
        response = self.service.handle("GET", PATH, query)
        chosen = [r for r in self.model.values() if person in (None, r["person"]["id"])]
        chosen.sort(key=lambda r: r["id"])

        def value(record: dict[str, Any]) -> Any:
            return record["person"]["id"] if key == "person_id" else record[key]

        present = [r for r in chosen if value(r) is not None]
        present.sort(key=value, reverse=descending)  # stable: ties stay by ascending id
        nulls = [r for r in chosen if value(r) is None]
        ordered = present + nulls if descending else nulls + present
        start = (page - 1) * per_page
        assert [r["id"] for r in response.body] == [r["id"] for r in ordered][
            start : start + per_page
        ]
        assert response.headers["X-Pagination-Total-Entries"] == str(len(chosen))
        assert response.headers["X-Pagination-Total-Pages"] == str(-(-len(chosen) // per_page))
        assert ("Link" in response.headers) == bool(chosen)

    @invariant()
    def store_equals_model(self) -> None:
        for identifier, record in self.model.items():
            response = self.service.handle("GET", f"{PATH}/{identifier}")
            assert (response.status, response.body) == (200, one(record))
        dumped = self.service.dump()["out_of_office_periods"]
        assert [r["id"] for r in dumped] == sorted(self.model)
        for written in dumped:
            record = self.model[written["id"]]
            assert {k: v for k, v in written.items() if not k.endswith("_at")} == {
                k: v for k, v in record.items() if not k.endswith("_at")
            }
            assert all(
                written[k] == record[k].replace("Z", "000Z") for k in written if k.endswith("_at")
            )
        listed = self.service.handle("GET", PATH, "per_page=100")
        by_start = sorted(self.model.values(), key=lambda r: (r["start_at"], r["id"]))
        assert [r["id"] for r in listed.body] == [r["id"] for r in by_start]


TestOutOfOfficeRoutes = OutOfOfficeRoutes.TestCase
