"""The store against a plain dict model: creates, updates, deletes and restores, valid and
invalid mixed, 4me list queries (filters, sort, paging) run through the query evaluator, and
availability. The store's views are patched by each write; its list queries also answer as
those of a store loaded afresh from its dump.

The model knows nothing of periodkit: dates are stdlib datetimes, its rules
are written out again below, and its list queries are Python filters and
stable sorts on the same question the store receives as 4me parameters.
"""

import datetime as dt

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from periodkit.errors import NotFoundError, ValidationError
from periodkit.out_of_office import OutOfOfficeStore, predefined_filter
from periodkit.periods import Period, PeriodSet
from periodkit.query import parse_fourme
from periodkit.service.routes.out_of_office import OUT_OF_OFFICE_PERIODS

UTC = dt.UTC
BASE = dt.datetime(2019, 11, 1, tzinfo=UTC)
PEOPLE = {i: {"id": i, "name": f"Person {i}"} for i in (1, 2, 3)}
ALLOCATIONS = {5: {"id": 5, "group": "Time Off", "name": "Vacation", "localized_name": "Vacation"}}
CLASSES = {8: {"id": 8, "name": "Normal"}}
KINDS = {
    "person": PEOPLE,
    "approval_delegate": PEOPLE,
    "time_allocation": ALLOCATIONS,
    "effort_class": CLASSES,
}
LIMITS = {"reason": 80, "source": 30, "sourceID": 128}
STARTS = ("person", "start_at", "end_at")
WRITABLE = ("source", "sourceID", "person", "start_at", "end_at", "reason", *list(KINDS)[1:])
FIELDS = ("id", *WRITABLE, "created_at", "updated_at")
BAD_DATES = ["2019-13-01", "yesterday", 5, "9999-12-31T23:59:59.999999Z"]
# The record the dataset starts with: it brings the referenced records along.
FIRST = {
    "id": 1,
    "person": PEOPLE[1],
    "approval_delegate": PEOPLE[2],
    "time_allocation": ALLOCATIONS[5],
    "effort_class": CLASSES[8],
    "start_at": "2019-11-01T00:00:00Z",
    "end_at": "2019-11-02T00:00:00Z",
    "created_at": "2019-10-01T00:00:00Z",
}
SECOND = {**FIRST, "id": 2, "person": PEOPLE[3], "source": "a", "team_id": "a"}


def iso(moment):
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def written(moment, form):
    """One instant written in one of the ISO forms the store reads."""
    if form == 0:
        return iso(moment)
    if form == 1:
        return moment.astimezone(dt.timezone(dt.timedelta(hours=-6))).isoformat()
    return moment.replace(tzinfo=None).isoformat(sep=" ")


instants = st.builds(
    lambda hours, micros: BASE + dt.timedelta(hours=hours, microseconds=micros),
    st.integers(0, 40 * 24),
    st.sampled_from([0, 1, 999_999]),
)
good_dates = st.builds(written, instants, st.integers(0, 2))
good_references = st.one_of(
    st.sampled_from([1, 2, 3]), st.builds(lambda i: {"id": i}, st.sampled_from([1, 2, 3]))
)
good_texts = st.one_of(
    st.none(), st.sampled_from(["", "a", "B", "a,b", "é"]), st.text(alphabet="ab😀", max_size=30)
)
dates = st.one_of(good_dates, st.none(), st.sampled_from(BAD_DATES))
references = st.one_of(
    st.integers(0, 9),
    st.builds(lambda i: {"id": i}, st.integers(1, 9)),
    st.none(),
    st.sampled_from(["1", True, 1.0, {"name": "x"}]),
)
texts = st.one_of(
    good_texts,
    st.text(alphabet="ab😀", min_size=25, max_size=130),
    st.sampled_from([5, ["a"]]),
)
GOOD = {
    "source": good_texts,
    "sourceID": good_texts,
    "reason": good_texts,
    "person": good_references,
    "approval_delegate": st.one_of(st.none(), good_references),
    "time_allocation": st.sampled_from([None, 5, {"id": 5}]),
    "effort_class": st.sampled_from([None, 8]),
    "start_at": good_dates,
    "end_at": good_dates,
}
ANY = {
    "source": texts,
    "sourceID": texts,
    "reason": texts,
    "person": references,
    "approval_delegate": references,
    "time_allocation": references,
    "effort_class": references,
    "start_at": dates,
    "end_at": dates,
    "id": st.integers(1, 5),
    "created_at": dates,
    "colour": st.just("red"),
}
# Half the writes hold only well-typed values, so that most of them are accepted.
writes = st.one_of(
    st.fixed_dictionaries({}, optional=GOOD), st.fixed_dictionaries({}, optional=ANY)
)
spans = st.builds(
    lambda start, hours, form: (written(start, form), written(start + hours, form)),
    instants,
    st.integers(1, 96).map(lambda h: dt.timedelta(hours=h)),
    st.integers(0, 2),
)
creates = st.builds(
    lambda person, span, extra: {"person": person, "start_at": span[0], "end_at": span[1]} | extra,
    good_references,
    spans,
    writes,
)
teams = st.sampled_from([None, "a", "b"])
# Records written elsewhere: valid, with references by id and dates in any form.
good_creates = st.builds(
    lambda person, span, extra: {"person": person, "start_at": span[0], "end_at": span[1]} | extra,
    good_references,
    spans,
    st.fixed_dictionaries({}, optional={k: v for k, v in GOOD.items() if k not in STARTS}),
)

# --- 4me questions, as parameters and as Python predicates -------------------

days = st.integers(0, 42).map(lambda d: (BASE + dt.timedelta(days=d)).date())
ONE_DAY = dt.timedelta(days=1)


def day_start(day):
    return dt.datetime(day.year, day.month, day.day, tzinfo=UTC)


conditions = st.one_of(
    st.builds(lambda p: (("person", str(p)), lambda r: r["person"] == p), st.integers(1, 4)),
    st.builds(
        lambda ps, neg: (
            ("person", ("!" if neg else "") + ",".join(map(str, ps))),
            lambda r: (r["person"] in ps) != neg,
        ),
        st.lists(st.integers(1, 4), min_size=1, max_size=3),
        st.booleans(),
    ),
    st.builds(lambda d: (("start_at", f">={d}"), lambda r: r["start_at"] >= day_start(d)), days),
    st.builds(lambda d: (("end_at", f"<{d}"), lambda r: r["end_at"] < day_start(d)), days),
    st.builds(
        lambda a, b: (
            ("start_at", f">{a}<{b}"),
            lambda r: day_start(a) + ONE_DAY <= r["start_at"] < day_start(b),
        ),
        days,
        days,
    ),
    st.builds(
        lambda field, present: (
            (field, "!" if present else ""),
            lambda r: (r[field] is not None) == present,
        ),
        st.sampled_from(["source", "sourceID"]),
        st.booleans(),
    ),
    st.builds(
        lambda field, text, neg: (
            (field, ("!" if neg else "") + text),
            lambda r: r[field] is not None and (r[field] == text) != neg,
        ),
        st.sampled_from(["source", "sourceID"]),
        st.sampled_from(["a", "B", "a,b", "é"]),
        st.booleans(),
    ),
)
SORTABLE = ["id", "sourceID", "person_id", "start_at", "end_at", "created_at", "updated_at"]
sorts = st.lists(
    st.tuples(st.sampled_from(SORTABLE), st.booleans()), max_size=2, unique_by=lambda k: k[0]
)
predefined = st.one_of(st.none(), st.tuples(st.sampled_from(["open", "completed"]), instants))
questions = st.tuples(
    st.lists(conditions, max_size=2), sorts, st.integers(1, 3), st.integers(1, 5), predefined
)


def model_order(records, keys):
    """Stable sorts from the last key to the first; nulls first ascending, last descending."""
    ordered = sorted(records, key=lambda r: r["id"])
    for name, descending in reversed(keys or [("start_at", False)]):
        field = "person" if name == "person_id" else name
        ordered.sort(key=lambda r, f=field: (r[f] is not None, r[f]), reverse=descending)
    return ordered


# --- the model's rules ---------------------------------------------------------


def reference(field, value):
    """(ok, id) by the rules: a positive id or {"id": id} of an existing record; null is None."""
    if value is None:
        return True, None
    ident = value.get("id") if isinstance(value, dict) else value
    if type(ident) is not int or ident not in KINDS[field]:
        return False, None
    return True, ident


def date(value):
    if value is None:
        return True, None
    if not isinstance(value, str) or value in BAD_DATES:
        return False, None
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True, (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def model_write(fields, current):
    """The fields with problems (as pointers) and the record the write makes."""
    bad, values = [], {}
    for field, value in fields.items():
        if field not in WRITABLE:
            bad.append(field)
            continue
        if field in KINDS:
            ok, read = reference(field, value)
        elif field in LIMITS:
            ok = value is None or (isinstance(value, str) and len(value) <= LIMITS[field])
            read = value
        else:
            ok, read = date(value)
        if ok:
            values[field] = read
        else:
            bad.append(field)
    record = {**current, **values}
    for field in ("person", "start_at", "end_at"):
        if field not in bad and record.get(field) is None:
            bad.append(field)
    if "start_at" not in bad and "end_at" not in bad:
        start, end = record.get("start_at"), record.get("end_at")
        if start is not None and end is not None and end <= start:
            bad.append("end_at")
    return sorted(f"/{f}" for f in bad), values, record


class StoreMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.store = OutOfOfficeStore.from_records([FIRST, SECOND])
        blank = dict.fromkeys(FIELDS)
        self.model = {
            1: {**blank, **{k: FIRST[k] for k in FIRST}, "team_id": None},
            2: {**blank, **{k: SECOND[k] for k in SECOND}},
        }
        for record in self.model.values():
            for field in KINDS:
                record[field] = record[field]["id"] if record[field] else None
            for field in ("start_at", "end_at", "created_at"):
                record[field] = date(record[field])[1]
            record["updated_at"] = record["created_at"]
        self.next_id = 3
        self.clock = BASE

    def tick(self):
        self.clock += dt.timedelta(seconds=1)
        return iso(self.clock)

    def visible(self, identifier, team):
        record = self.model.get(identifier)
        return record is not None and (team is None or record["team_id"] in (None, team))

    @rule(fields=creates, team=teams)
    def create(self, fields, team):
        now = self.tick()
        bad, _, record = model_write(fields, dict.fromkeys(FIELDS))
        if bad:
            with pytest.raises(ValidationError) as caught:
                self.store.create(fields, team, now)
            assert sorted(p["pointer"] for p in caught.value.problems) == bad
            return
        created = self.store.create(fields, team, now)
        assert created["id"] == self.next_id
        record.update(id=self.next_id, created_at=self.clock, updated_at=self.clock, team_id=team)
        self.model[self.next_id] = record
        self.next_id += 1

    @rule(identifier=st.integers(0, 9), fields=writes, team=teams)
    def update(self, identifier, fields, team):
        now = self.tick()
        if not self.visible(identifier, team):
            with pytest.raises(NotFoundError):
                self.store.update(identifier, fields, now, team_id=team)
            return
        current = self.model[identifier]
        bad, values, record = model_write(fields, current)
        if bad:
            with pytest.raises(ValidationError) as caught:
                self.store.update(identifier, fields, now, team_id=team)
            assert sorted(p["pointer"] for p in caught.value.problems) == bad
            return
        self.store.update(identifier, fields, now, team_id=team)
        if any(current[k] != v for k, v in values.items()):
            record["updated_at"] = self.clock
        self.model[identifier] = record

    @rule(identifier=st.integers(0, 9), team=teams)
    def delete(self, identifier, team):
        if not self.visible(identifier, team):
            with pytest.raises(NotFoundError):
                self.store.delete(identifier, team_id=team)
            return
        self.store.delete(identifier, team_id=team)
        del self.model[identifier]

    @rule(identifier=st.integers(1, 9), fields=good_creates, team=teams, gone=st.booleans())
    def restore(self, identifier, fields, team, gone):
        """A record written or removed elsewhere arrives, as a store outside memory brings it."""
        now = self.tick()
        if gone:
            self.store.restore(identifier, None)
            self.model.pop(identifier, None)
            return
        bad, _, record = model_write(fields, dict.fromkeys(FIELDS))
        assert bad == []
        stored = {**fields, "id": identifier, "created_at": now, "team_id": team}
        self.store.restore(identifier, stored)
        record.update(id=identifier, created_at=self.clock, updated_at=self.clock, team_id=team)
        self.model[identifier] = record
        self.next_id = max(self.next_id, identifier + 1)

    @rule(start=instants, hours=st.integers(0, 72), person=st.sampled_from([1, 2, 3, 4]))
    def availability(self, start, hours, person):
        end = start + dt.timedelta(hours=hours)
        during = Period(iso(start), iso(end))
        busy = sorted(
            {
                r["person"]
                for r in self.model.values()
                if r["start_at"] <= end and r["end_at"] >= start
            }
        )
        assert self.store.busy_during(during).tolist() == busy
        assert self.store.free_during(during, [4, 3, 2, 1]).tolist() == [
            p for p in [4, 3, 2, 1] if p not in busy
        ]
        mine = [
            Period(iso(r["start_at"]), iso(r["end_at"]))
            for r in self.model.values()
            if r["person"] == person
        ]
        assert self.store.out_of_office(person) == PeriodSet(mine)

    @rule(question=questions, team=teams)
    def list_query(self, question, team):
        conditions, keys, page, per_page, named = question
        params = [c[0] for c in conditions]
        if keys:
            params.append(("sort", ",".join(("-" if d else "") + n for n, d in keys)))
        params += [("page", str(page)), ("per_page", str(per_page))]
        also = [] if named is None else [predefined_filter(named[0], iso(named[1]))]
        selection = self.store.select(
            parse_fourme(params, OUT_OF_OFFICE_PERIODS).query, team_id=team, also=also
        )
        matched = [
            r
            for i, r in self.model.items()
            if self.visible(i, team)
            and all(test(r) for _, test in conditions)
            and (named is None or (r["end_at"] > named[1]) == (named[0] == "open"))
        ]
        expected = [r["id"] for r in model_order(matched, keys)]
        offset = (page - 1) * per_page
        assert selection.total == len(matched)
        assert [r["id"] for r in selection.records] == expected[offset : offset + per_page]
        # The store's views are patched by each write; a store loaded afresh agrees.
        query = parse_fourme(params, OUT_OF_OFFICE_PERIODS).query
        fresh = OutOfOfficeStore.from_records(self.store.dump())
        assert fresh.select(query, team_id=team, also=also) == selection

    @invariant()
    def store_equals_model(self):
        expected = []
        for identifier in sorted(self.model):
            record = self.model[identifier]
            out = {}
            for field in FIELDS:
                value = record[field]
                if field in KINDS:
                    value = KINDS[field][value] if value is not None else None
                elif isinstance(value, dt.datetime):
                    value = iso(value)
                out[field] = value
            if record["team_id"] is not None:
                out["team_id"] = record["team_id"]
            expected.append(out)
        assert self.store.dump() == expected
        assert len(self.store) == len(self.model)


TestStoreMachine = StoreMachine.TestCase
TestStoreMachine.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
