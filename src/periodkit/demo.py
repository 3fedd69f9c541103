"""The demo's report, and the generator behind ``periodkit sample``.

The report asks one request of each of the five APIs through
``Service.handle`` on a dataset, then shows the domain underneath: effective
validity through the entity graph and the actions during each team period.
It returns lines; reading files and printing are the command line's job.

>>> lines = report(load_sample())
>>> lines[0]
'periodkit demo'
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from importlib.resources import files
from typing import Any

import numpy as np

from periodkit.periods import Period, PeriodSet, parse_span
from periodkit.service import Service
from periodkit.time import format_instant, parse_instant, parse_instants

Dataset = Mapping[str, Any]

ACTIVITIES_BODY = {
    "offset": 0,
    "sort": [{"property": "Num", "direction": "desc"}],
    "limit": 0,
    "fields": ["Num", "Details", "Activity", "Created_Date"],
    "filters": [{"name": "Created_Date", "operation": "=", "value": "2019-12"}],
}


def load_sample() -> dict[str, Any]:
    """The bundled sample dataset: one example of each API plus generated actions.

    >>> sorted(load_sample())[:3]
    ['actions', 'activities', 'activity_classes']
    """
    sample: dict[str, Any] = json.loads(files("periodkit").joinpath("data/sample.json").read_text())
    return sample


def report(dataset: Dataset) -> list[str]:
    """Every section of the demo, as printed lines.

    >>> report(load_sample())[2]
    'Time: one UTC timeline, exact to the microsecond'
    """
    service = Service.from_dataset(dataset)
    return [
        "periodkit demo",
        *_time_and_periods(),
        *_team_periods(service),
        *_entity_periods(service),
        *_out_of_office(service),
        *_actions(service),
        *_activities(service),
        *_effective_validity(service),
        *_actions_in_periods(service),
    ]


def _section(title: str) -> list[str]:
    return ["", title, "-" * len(title)]


def _ask(
    service: Service, method: str, path: str, query: str = "", body: Any = None
) -> tuple[list[str], Any]:
    """The request as a line with its status, and the answer's body."""
    response = service.handle(method, path, query or None, body)
    target = f"{path}?{query}" if query else path
    sent = f" {json.dumps(body)}" if body is not None else ""
    return [f"{method} {target}{sent}", f"  -> {response.status}"], response.body


def _indented(value: Any) -> list[str]:
    return [f"  {line}" for line in json.dumps(value, indent=1).splitlines()]


def _time_and_periods() -> list[str]:
    office = Period("2017-01-01 00:00:00", "2019-09-26 00:00:00")
    closures = PeriodSet([parse_span("2018-12-25"), parse_span("2019-01-01")])
    open_days = office - closures
    texts = ["2019-12-12T09:30:25-08:00", "2019-12-12 09:30", "2019-12-12", None]
    end = parse_instant("9999-12-31 23:59:59", "entity")
    return [
        *_section("Time: one UTC timeline, exact to the microsecond"),
        f"parse '2019-12-12T09:30:25.5-08:00' -> {parse_instant('2019-12-12T09:30:25.5-08:00')}",
        f"ISO dialect    -> {format_instant('2019-12-12T17:30:25.5Z')}",
        f"entity dialect -> {format_instant('2019-12-12T17:30:25.5Z', dialect='entity')}",
        f"+inf in each   -> {format_instant(end)} / {format_instant(end, dialect='entity')}",
        f"span of '2019-12' -> {parse_span('2019-12')}",
        f"vector parse {texts} ->",
        f"  {parse_instants(texts).astype(str).tolist()}",
        *_section("Periods: closed, with infinite defaults"),
        f"office valid       {office}",
        f"closures           {closures}",
        "office - closures:",
        *(f"  {atom}" for atom in open_days.atoms),
        f"open on 2018-12-25T10:00Z? {open_days.contains('2018-12-25T10:00:00Z')}",
        f"complement of the office: {len((~office).atoms)} atoms",
        *(f"  {atom}" for atom in (~office).atoms),
    ]


def _team_periods(service: Service) -> list[str]:
    asked, found = _ask(service, "GET", "/periods", "start_date=2024-08-20&end_date=2024-08-31")
    fields = '["department","budget"]'
    more, answer = _ask(
        service, "GET", "/periods/period-sprint-33/actions", f"form_fields={fields}"
    )
    return [
        *_section("Team periods and the actions during them"),
        *asked,
        *(f"  {p['name']}: {p['start_date']} .. {p['end_date']}" for p in found["periods"]),
        *more,
        f"  {len(answer['actions'])} actions, {len(answer['notes'])} with missing fields",
        *(
            f"  {a['start_date']}  {a['category']:<10} {a['id']:<36} form={a['form']}"
            for a in answer["actions"][:3]
        ),
        f"  first note: {answer['notes'][0] if answer['notes'] else None}",
    ]


def _entity_periods(service: Service) -> list[str]:
    asked, view = _ask(service, "GET", "/period/view/example-action-id")
    bad = {
        "periods": [
            {"period_id": "example-office-period-id"},
            {"start_date": "2019-01-02", "end_date": "2019-01-01"},
        ]
    }
    refused, answer = _ask(service, "PUT", "/period/update/example-action-id", body=bad)
    return [
        *_section("Entity periods: a view, and an update refused whole"),
        *asked,
        *_indented(view),
        *refused,
        *(f"  {problem['pointer']}: {problem['detail']}" for problem in answer["errors"]),
    ]


def _out_of_office(service: Service) -> list[str]:
    asked, found = _ask(
        service, "GET", "/out_of_office_periods", "person=196&start_at=>=2019-11&sort=-start_at"
    )
    return [
        *_section("Out-of-office periods: 4me filters"),
        *asked,
        *(f"  id {p['id']}: person {p['person']}, {p['start_at']} .. {p['end_at']}" for p in found),
    ]


def _actions(service: Service) -> list[str]:
    asked, found = _ask(service, "GET", "/auth/actions", "category=SMS&page[number]=2&page[size]=3")
    return [
        *_section("Actions: JSON:API paging"),
        *asked,
        *(f"  {a['id']}  {a['category']}  {a['description']}" for a in found["data"]),
        f"  meta {found['meta']}",
    ]


def _activities(service: Service) -> list[str]:
    asked, found = _ask(service, "POST", "/api/v2/Activities/T000027", body=ACTIVITIES_BODY)
    answer = found["responseObject"]
    return [
        *_section("Activities: the Alloy Navigator query"),
        *asked,
        "  Fields: " + ", ".join(f"{f['Name']} ({f['DataType']})" for f in answer["Fields"]),
        *(f"  {json.dumps(row)}" for row in answer["Data"]),
    ]


def _effective_validity(service: Service) -> list[str]:
    graph = service.data.graph
    before = [f"  {entity_id}: {graph.effective(entity_id)}" for entity_id in graph.ids]
    update = [
        {
            "period_id": "example-office-period-id",
            "start_date": "2017-01-01 00:00:00",
            "end_date": "2018-06-30 23:59:59",
        }
    ]
    asked, _ = _ask(service, "PUT", "/period/update/example-office-id", body={"periods": update})
    subscription = "example-action-subscription-id"
    return [
        *_section("Effective validity through the entity graph"),
        *before,
        "the office closes on 2018-06-30; only it and its descendants are recomputed:",
        *asked,
        f"  {subscription}: {graph.effective(subscription)}",
    ]


def _actions_in_periods(service: Service) -> list[str]:
    actions = service.data.actions
    return [
        *_section(f"Actions during each team period ({len(actions)} actions, vectorised)"),
        *(
            f"  {record.period_id}: {len(actions.during(record.period))} overlap it, "
            f"{len(actions.during(record.period, how='within'))} lie within it"
            for record in service.data.periods
        ),
    ]


# --- the generator of ``periodkit sample`` ---------------------------------------

CATEGORIES = ("SMS", "Email", "Call", "Inspection", "Training")
STATUSES = ("open", "in progress", "done", "cancelled")
FORM_FIELDS = ("department", "budget", "site")
_FIRST_MS = int(np.datetime64("2015-01-01", "ms").astype(np.int64))
_YEARS_MS = int(np.datetime64("2025-01-01", "ms").astype(np.int64)) - _FIRST_MS
_HOUR_MS = 3_600_000
_CHUNK = 10_000


def generate(
    actions: int,
    entities: int = 0,
    *,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[str]:
    """A valid dataset document with generated actions and entities, as JSON text pieces.

    One team, a team period per quarter of 2015-2024, ``entities`` entities
    (offices, actions offered by them, subscriptions to those) with owned
    periods, and ``actions`` actions of up to four hours with some custom
    fields. ``progress(done, total)`` is called after each chunk of records.

    >>> document = json.loads("".join(generate(3, 4, seed=1)))
    >>> len(document["actions"]), [e["type"] for e in document["entities"]]
    (3, ['OFFICE', 'ACTION', 'ACTION_SUBSCRIPTION', 'ACTION'])
    >>> Service.from_dataset(document).handle("GET", "/auth/actions").status
    200
    """
    rng = np.random.default_rng(seed)
    total = actions + entities
    # One team period per quarter: each ends the microsecond before the next starts.
    starts = np.arange("2015-01", "2025-04", 3, dtype="datetime64[M]")
    firsts = _iso(starts[:-1].astype("datetime64[ms]"))
    lasts = _iso(starts[1:].astype("datetime64[ms]") - np.timedelta64(1, "ms"))
    periods = [
        {
            "id": f"period-{first[:7]}",
            "team_id": "team-1",
            "name": f"Quarter from {first[:7]}",
            "start_date": first,
            "end_date": last,
            "markers": [],
        }
        for first, last in zip(firsts, lasts, strict=True)
    ]
    head = {"teams": [{"id": "team-1", "name": "Generated team"}], "periods": periods}
    yield json.dumps(head)[:-1]
    done = 0
    for key, count, records in (
        ("entities", entities, _entity_records),
        ("actions", actions, _action_records),
    ):
        yield f', "{key}": ['
        for first in range(0, count, _CHUNK):
            part = min(_CHUNK, count - first)
            yield ("," if first else "") + ",".join(map(json.dumps, records(rng, first, part)))
            done += part
            if progress:
                progress(done, total)
        yield "]"
    yield "}\n"


def _iso(ms: np.ndarray) -> list[str]:
    return [f"{text}Z" for text in np.datetime_as_string(ms.astype("datetime64[ms]"), unit="ms")]


def _entity_dialect(ms: np.ndarray) -> list[str]:
    texts = np.datetime_as_string(ms.astype("datetime64[ms]"), unit="s")
    return [text.replace("T", " ") for text in texts]


def _entity_records(rng: np.random.Generator, first: int, count: int) -> Iterator[dict[str, Any]]:
    """Entity k is an office when k % 10 == 0, an action offered by the office
    before it when k is odd, else a subscription to the action just before it."""
    starts = _FIRST_MS + rng.integers(0, _YEARS_MS // 2, count)
    ends = starts + rng.integers(0, _YEARS_MS // 2, count)
    start_texts, end_texts = _entity_dialect(starts), _entity_dialect(ends)
    for i in range(count):
        k = first + i
        if k % 10 == 0:
            kind, parents = "OFFICE", []
        elif k % 2:
            kind, parents = "ACTION", [{"id": f"entity-{k // 10 * 10}"}]
        else:
            kind, parents = "ACTION_SUBSCRIPTION", [{"id": f"entity-{k - 1}"}]
        yield {
            "id": f"entity-{k}",
            "type": kind,
            "name": f"{kind.lower()} {k}",
            "team_id": "team-1",
            "periods": [
                {
                    "period_id": f"entity-{k}-period",
                    "start_date": start_texts[i],
                    "end_date": end_texts[i],
                }
            ],
            "parents": parents,
        }


def _action_records(rng: np.random.Generator, first: int, count: int) -> Iterator[dict[str, Any]]:
    starts = np.sort(_FIRST_MS + rng.integers(0, _YEARS_MS, count))
    ends = starts + rng.integers(0, 4 * _HOUR_MS + 1, count)
    start_texts, end_texts = _iso(starts), _iso(ends)
    categories = rng.integers(0, len(CATEGORIES), count)
    statuses = rng.integers(0, len(STATUSES), count)
    filled = rng.random((count, len(FORM_FIELDS))) < 0.5
    budgets = rng.integers(100, 5000, count)
    for i in range(count):
        values = {"department": "Safety", "budget": int(budgets[i]), "site": f"site-{i % 7}"}
        form = {name: values[name] for name, on in zip(FORM_FIELDS, filled[i], strict=True) if on}
        yield {
            "id": f"action-{first + i}",
            "team_id": "team-1",
            "category": CATEGORIES[categories[i]],
            "description": f"Generated action {first + i}",
            "status": STATUSES[statuses[i]],
            "user": {"id": "u-1", "name": "Generated user"},
            "start_date": start_texts[i],
            "end_date": end_texts[i],
            "created_at": start_texts[i],
            "updated_at": start_texts[i],
            "form": form,
        }
