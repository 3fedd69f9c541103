"""Two workers on one database: the views each patches answer as views built afresh.

Writes (create, update, delete) go through either worker's ``handle``; the
other worker takes them in through its reload, which restores each changed
record into its store. After any sequence, every list query and every
availability question asked of either worker's patched views answers as
the same question asked of a store built from scratch from the dict model,
the records the writes' answers showed; the store's dump equals the model;
and its query view answers as a ``Table`` built afresh over its rows. The
floors of compaction and of the availability index's rebuilds are lowered,
so that both happen within a few steps.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import tempfile
from pathlib import Path
from unittest import mock

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from periodkit.out_of_office import OutOfOfficeStore, availability, store
from periodkit.periods import Period
from periodkit.query import Predicate, Table, parse_fourme
from periodkit.query.evaluate import run
from periodkit.service import Service
from periodkit.service.routes.out_of_office import OUT_OF_OFFICE_PERIODS

NOW = dt.datetime(2024, 9, 1, tzinfo=dt.UTC)
OOO = "/out_of_office_periods"
PEOPLE = {i: {"id": i, "name": f"Person {i}"} for i in (1, 2, 3)}
# Texts whose order differs by code point and by case, and new ones made up as writes go.
TEXTS = st.one_of(
    st.none(), st.sampled_from(["a", "B", "b", "é", "ß", "SS", ""]), st.text("aAbé", max_size=3)
)
DAYS = st.integers(0, 20)


def day(n: int) -> str:
    return f"2024-09-{n + 1:02d}"


def dataset() -> dict:
    records = [
        {
            "id": i,
            "person": PEOPLE[1 + i % 3],
            "source": "hr",
            "sourceID": text,
            "start_at": f"{day(i)}T00:00:00.000Z",
            "end_at": f"{day(i + 2)}T00:00:00.000Z",
            "created_at": "2024-08-01T00:00:00.000Z",
        }
        for i, text in enumerate(["b", None, "a", "B"], start=1)
    ]
    return {"out_of_office_periods": records}


questions = st.tuples(
    st.lists(
        st.one_of(
            st.tuples(st.just("sourceID"), TEXTS.map(lambda t: t or "")),
            st.tuples(st.just("sourceID"), st.just("!")),
            st.tuples(st.just("person"), st.sampled_from(["1", "2,3", "!1"])),
            st.tuples(st.just("start_at"), DAYS.map(lambda n: f">={day(n)}")),
        ),
        max_size=2,
    ),
    st.lists(
        st.sampled_from(["sourceID", "-sourceID", "person_id", "-start_at", "end_at", "id"]),
        max_size=2,
        unique=True,
    ),
    st.integers(1, 3),
)
spans = st.tuples(DAYS, st.integers(0, 5)).map(
    lambda s: Period(day(s[0]), f"{day(s[0] + s[1])}T12:00:00Z")
)


class Workers(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.patches = (
            mock.patch.object(store, "COMPACT_FLOOR", 1),
            mock.patch.multiple(availability, REBUILD_SHARE=2, REBUILD_FLOOR=2),
        )
        for patch in self.patches:
            patch.start()
        self.folder = Path(tempfile.mkdtemp(prefix="periodkit-views-"))
        path = self.folder / "views.sqlite"
        first = Service.from_dataset(dataset(), clock=lambda: NOW, store=path)
        self.workers = [first, Service.from_dataset(None, clock=lambda: NOW, store=path)]
        self.model = {r["id"]: r for r in dataset()["out_of_office_periods"]}

    def teardown(self) -> None:
        for worker in self.workers:
            worker.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)
        for patch in self.patches:
            patch.stop()

    def write(self, worker: int, method: str, path: str, body: dict | None = None) -> None:
        response = self.workers[worker].handle(method, path, body=body)
        if method == "DELETE":
            assert response.status == 204, response.body
            del self.model[int(path.rsplit("/", 1)[1])]
        elif response.status in (200, 201):
            self.model[response.body["id"]] = response.body
        else:
            assert response.status == 422, response.body

    @rule(worker=st.integers(0, 1), person=st.sampled_from(list(PEOPLE)), start=DAYS, text=TEXTS)
    def create(self, worker: int, person: int, start: int, text: str | None) -> None:
        body = {"person": person, "start_at": day(start), "end_at": day(start + 1)}
        self.write(worker, "POST", OOO, {**body, "sourceID": text})

    @precondition(lambda self: self.model)
    @rule(
        worker=st.integers(0, 1),
        pick=st.integers(0, 99),
        text=TEXTS,
        person=st.none() | st.sampled_from(list(PEOPLE)),
        moved=st.none() | st.tuples(DAYS, st.integers(-1, 3)),
    )
    def update(self, worker: int, pick: int, text, person, moved) -> None:
        identifier = sorted(self.model)[pick % len(self.model)]
        body: dict = {"sourceID": text}
        if person is not None:
            body["person"] = person
        if moved is not None:
            body |= {"start_at": day(moved[0]), "end_at": day(moved[0] + moved[1])}
        self.write(worker, "PATCH", f"{OOO}/{identifier}", body)

    @precondition(lambda self: self.model)
    @rule(worker=st.integers(0, 1), pick=st.integers(0, 99))
    def delete(self, worker: int, pick: int) -> None:
        identifier = sorted(self.model)[pick % len(self.model)]
        self.write(worker, "DELETE", f"{OOO}/{identifier}")

    @rule(worker=st.integers(0, 1), question=questions, during=spans)
    def ask(self, worker: int, question, during: Period) -> None:
        service = self.workers[worker]
        service.store.refresh(service.data)  # what every request does first
        patched = service.data.out_of_office
        fresh = OutOfOfficeStore.from_records(list(self.model.values()))
        filters, keys, per_page = question
        params = [*filters, ("per_page", str(per_page))]
        if keys:
            params.append(("sort", ",".join(keys)))
        query = parse_fourme(params, OUT_OF_OFFICE_PERIODS).query
        for page in range(1, len(self.model) // per_page + 2):
            paged = parse_fourme([*params, ("page", str(page))], OUT_OF_OFFICE_PERIODS).query
            got, expected = patched.select(paged), fresh.select(paged)
            assert got.records == expected.records
            assert got.total == expected.total
        # The view itself, against a Table built afresh over its rows (dead ones too).
        table = patched.table
        rebuilt = Table.from_frame(table.frame, store.SCHEMA)
        live = Predicate(store.TEAM, "ge", 0)  # as select scopes every query: no dead rows
        query = dataclasses.replace(query, where=(*query.where, live), offset=0, limit=None)
        assert run(query, table).positions.tolist() == run(query, rebuilt).positions.tolist()
        people = np.array([3, 1, 2, 4])
        assert patched.busy_during(during).tolist() == fresh.busy_during(during).tolist()
        assert (
            patched.free_during(during, people).tolist()
            == fresh.free_during(during, people).tolist()
        )
        for person in PEOPLE:
            assert patched.out_of_office(person) == fresh.out_of_office(person)
            assert patched.available(person, during) == fresh.available(person, during)

    @invariant()
    def each_worker_holds_the_model(self) -> None:
        for service in self.workers:
            service.store.refresh(service.data)
            dumped = service.data.out_of_office.dump()
            assert [r["id"] for r in dumped] == sorted(self.model)
            expected = OutOfOfficeStore.from_records(list(self.model.values())).dump()
            assert dumped == expected


TestWorkers = Workers.TestCase
TestWorkers.settings = settings(max_examples=30, stateful_step_count=25, deadline=None)
