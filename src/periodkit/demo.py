"""The demo's report: periodkit's answers to the seeds' own questions on a sample dataset.

The report is built from a dataset document (SPEC section 6) and returned as
lines; reading the bundled file and printing are the command line's job.

>>> lines = report(load_sample())
>>> lines[0]
'periodkit demo'
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib.resources import files
from typing import Any

import pandas as pd

from periodkit.errors import ValidationError
from periodkit.graph.entity_graph import EntityGraph
from periodkit.periods import Period, PeriodSet, parse_span
from periodkit.query import parse_activities, parse_fourme, parse_jsonapi
from periodkit.query.evaluate import Table
from periodkit.service import Service
from periodkit.service.routes.actions import ACTIONS, meta
from periodkit.service.routes.out_of_office import OUT_OF_OFFICE_PERIODS
from periodkit.service.routing import params_of
from periodkit.time import format_instant, parse_instant, parse_instants

Dataset = Mapping[str, Any]

SEED_004_BODY = {
    "offset": 0,
    "sort": [{"property": "Num", "direction": "desc"}],
    "limit": 0,
    "fields": ["Num", "Details", "Activity", "Created_Date"],
    "filters": [{"name": "Created_Date", "operation": "=", "value": "2019-12"}],
}


def load_sample() -> dict[str, Any]:
    """The bundled sample dataset: the seeds' own examples plus generated actions.

    >>> sorted(load_sample())[:3]
    ['actions', 'activities', 'activity_classes']
    """
    return json.loads(files("periodkit").joinpath("data/sample.json").read_text())


def report(dataset: Dataset) -> list[str]:
    """Every section of the demo, as printed lines.

    >>> report(load_sample())[2]
    'Time: one UTC timeline, exact to the microsecond'
    """
    return [
        "periodkit demo",
        *_time_and_periods(),
        *_team_periods(dataset),
        *_entity_graph(dataset),
        *_out_of_office(dataset),
        *_actions_by_category(dataset),
        *_activities(dataset),
    ]


def _section(title: str) -> list[str]:
    return ["", title, "-" * len(title)]


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


def _team_periods(dataset: Dataset) -> list[str]:
    service = Service.from_dataset({key: dataset[key] for key in ("periods", "actions")})
    found = service.handle("GET", "/periods", "start_date=2024-08-20&end_date=2024-08-31").body
    answer = service.handle(
        "GET", "/periods/period-sprint-33/actions", {"form_fields": '["department", "budget"]'}
    ).body
    shown = answer["actions"][:3]
    return [
        *_section("Seed 000: team periods and the actions during them"),
        "periods overlapping 2024-08-20..2024-08-31: "
        + ", ".join(
            f"{p['name']} ({p['start_date']} .. {p['end_date']})" for p in found["periods"]
        ),
        f"Sprint 33: {len(answer['actions'])} actions, {len(answer['notes'])} with missing fields",
        *(
            f"  {a['start_date']}  {a['category']:<10} {a['id']:<36} form={a['form']}"
            for a in shown
        ),
        f"  first note: {answer['notes'][0] if answer['notes'] else None}",
    ]


def _entity_graph(dataset: Dataset) -> list[str]:
    graph = EntityGraph.from_records(dataset.get("entities", []))
    view = graph.view("example-action-id")
    subscription = "example-action-subscription-id"
    before = graph.effective(subscription)
    graph.update(
        "example-office-id",
        [
            {
                "period_id": "example-office-period-id",
                "start_date": "2017-01-01 00:00:00",
                "end_date": "2018-06-30 23:59:59",
            }
        ],
    )
    after = graph.effective(subscription)
    try:
        graph.update(
            "example-action-id",
            [
                {"period_id": "example-office-period-id"},
                {"start_date": "2019-01-02", "end_date": "2019-01-01"},
            ],
        )
        refusal = ["  (accepted: this should not happen)"]
    except ValidationError as error:
        refusal = [f"  {problem['pointer']}: {problem['detail']}" for problem in error.problems]
    return [
        *_section("Seed 001: entity validity through the graph"),
        "GET /period/view/example-action-id:",
        *(f"  {line}" for line in json.dumps(view, indent=1).splitlines()),
        f"{subscription} valid: {before}",
        "after the office closes on 2018-06-30 (only the office and its descendants recomputed):",
        f"  {after}",
        "a rejected update changes nothing and lists every problem:",
        *refusal,
    ]


def _out_of_office(dataset: Dataset) -> list[str]:
    records = dataset.get("out_of_office_periods", [])
    frame = pd.DataFrame(
        {
            "id": [r["id"] for r in records],
            "source": [r.get("source") for r in records],
            "sourceID": [r.get("sourceID") for r in records],
            "person_id": [r["person"]["id"] for r in records],
            **{
                name: parse_instants([r.get(name) for r in records])
                for name in ("start_at", "end_at", "created_at", "updated_at")
            },
        }
    )
    request = "person=196&start_at=>=2019-11&sort=-start_at"
    parsed = parse_fourme(params_of(request), OUT_OF_OFFICE_PERIODS)
    result = parsed.query.run(Table.from_frame(frame, OUT_OF_OFFICE_PERIODS.columns))
    return [
        *_section("Seed 002: out of office periods, 4me filters"),
        f"GET /out_of_office_periods?{request}",
        f"  matches: ids {frame['id'].iloc[result.positions].tolist()} of {result.total};"
        f" page {parsed.page.number} of size {parsed.page.size}; fields {list(parsed.fields)}",
    ]


def _actions_by_category(dataset: Dataset) -> list[str]:
    frame = pd.DataFrame({"category": [a.get("category") for a in dataset.get("actions", [])]})
    request = "category=SMS&page[number]=2&page[size]=3"
    parsed = parse_jsonapi(params_of(request), ACTIONS)
    result = parsed.query.run(Table.from_frame(frame, ACTIONS.columns))
    return [
        *_section("Seed 003: actions, JSON:API paging"),
        f"GET /auth/actions?{request}",
        f"  rows {result.positions.tolist()}; meta {meta(parsed.page, result.total)}",
    ]


def _activities(dataset: Dataset) -> list[str]:
    classes = {c["prefix"]: c for c in dataset.get("activity_classes", [])}
    ticket = classes["T"]
    rows = [a for a in dataset.get("activities", []) if a.get("oid") == "T000027"]
    frame = pd.DataFrame(rows).drop(columns="oid")
    frame["Created_Date"] = parse_instants(frame["Created_Date"].tolist())
    selected = parse_activities(SEED_004_BODY, ticket["fields"]).evaluate(frame)
    return [
        *_section("Seed 004: activities of T000027, the seed's own query"),
        f"POST /api/v2/Activities/T000027 {json.dumps(SEED_004_BODY)}",
        "  Fields: " + ", ".join(f"{n} ({ticket['fields'][n]})" for n in selected.columns),
        *("  " + json.dumps([_plain(v) for v in row]) for row in selected.itertuples(index=False)),
    ]


def _plain(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return format_instant(value)
    return value.item() if hasattr(value, "item") else value
