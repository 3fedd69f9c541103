"""The service: loading a dataset file, and what ``handle()`` costs over the domain.

The dataset is generated from fixed seeds and written to a JSON file: the
actions of ``benchmarks.data`` (one team, 20 categories, ten custom fields
at 30% fill) as dataset records, the entities of ``bench_graph``'s DAG, and
activities of one Ticket OID with a creation date over 2019-2020. Loading
``Service.from_dataset(path)`` is timed against ``json.load`` of the same file,
and the peak RSS of each is measured in a fresh interpreter. Each route is
timed through ``handle()`` against the direct domain calls (and rendering)
that give the same answer: the difference is what the facade costs.
"""

from __future__ import annotations

import atexit
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import data
from benchmarks.bench_graph import dag_records
from benchmarks.harness import Case, Impl
from periodkit.demo import ACTIVITIES_BODY
from periodkit.periods import Period
from periodkit.query import parse_activities
from periodkit.service import Service
from periodkit.service.routes.team_periods import render_actions, render_period
from periodkit.time import format_instants, span_micros

OID = "T000027"
FIELDS = {"Num": "int", "Details": "memo", "Activity": "memo", "Created_Date": "datetime"}
#: A two-week sprint of the generated ten years: about 0.4% of the actions.
SPRINT = ("2020-03-02T00:00:00Z", "2020-03-15T23:59:59.999Z")


def _actions(n: int) -> list[dict[str, Any]]:
    columns = data.generate(n)
    starts = format_instants(columns["start"], precision="us").tolist()
    ends = format_instants(columns["end"], precision="us").tolist()
    categories = np.asarray(columns["category"]).tolist()
    statuses = np.asarray(columns["status"]).tolist()
    forms: list[dict[str, Any]] = [{} for _ in range(n)]
    for name, (rows, values) in columns["form"].items():
        for row, value in zip(rows.tolist(), np.asarray(values).tolist(), strict=True):
            forms[row][name] = value
    return [
        {
            "id": i,
            "team_id": "t1",
            "category": categories[i],
            "status": statuses[i],
            "start_date": starts[i],
            "end_date": ends[i],
            "form": forms[i],
        }
        for i in range(n)
    ]


def _activities(n: int) -> list[dict[str, Any]]:
    rng = np.random.default_rng(data.SEED)
    lo, hi = span_micros("2019")[0], span_micros("2020")[1]
    created = format_instants(np.sort(rng.integers(lo, hi, n)), precision="us").tolist()
    kinds = ["Due Date Violation", "Call", "Email", "Review"]
    return [
        {
            "oid": OID,
            "Num": i,
            "Details": f"ticket {i}",
            "Activity": kinds[i % len(kinds)],
            "Created_Date": created[i],
        }
        for i in range(n)
    ]


def dataset(actions: int, entities: int, activities: int) -> dict[str, Any]:
    """The generated dataset document."""
    return {
        "teams": [{"id": "t1", "name": "Team"}],
        "periods": [
            {
                "id": 1,
                "team_id": "t1",
                "name": "Sprint",
                "start_date": SPRINT[0],
                "end_date": SPRINT[1],
                "markers": [],
            },
            {
                "id": 2,
                "team_id": "t1",
                "name": "2021",
                "start_date": "2021-01-01T00:00:00Z",
                "end_date": "2021-12-31T23:59:59.999Z",
                "markers": [],
            },
        ],
        "entities": [dict(record, team_id="t1") for record in dag_records(entities)],
        "actions": _actions(actions),
        "activity_classes": [{"name": "Ticket", "prefix": "T", "fields": FIELDS}],
        "activities": _activities(activities),
    }


# VmHWM, not getrusage: a child's ru_maxrss starts from its parent's high-water
# mark on Linux, and this parent is large.
_RSS = """
import json
from pathlib import Path
from periodkit.service import Service
load = {{"service": Service.from_dataset, "json": lambda p: json.loads(Path(p).read_bytes())}}
kept = load[{kind!r}]({path!r})
status = Path("/proc/self/status").read_text().splitlines()
print(next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024)
"""


def peak_rss_mb(kind: str, path: Path) -> float:
    """Peak RSS of a fresh interpreter that loads ``path`` one way (``service`` or ``json``)."""
    code = _RSS.format(kind=kind, path=str(path))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def _same(results: dict[str, Any]) -> None:
    answers = list(results.values())
    if any(answer != answers[0] for answer in answers[1:]):
        raise AssertionError("handle() and the domain calls answer differently")


def _route(name: str, n: int, handle: Callable[[], Any], direct: Callable[[], Any]) -> Case:
    return Case(
        f"service: {name}",
        n,
        [Impl("handle()", handle), Impl("domain calls", direct)],
        check=_same,
    )


def cases(quick: bool) -> list[Case]:
    actions, entities, activities = (
        (20_000, 2_000, 2_000) if quick else (1_000_000, 100_000, 100_000)
    )
    folder = Path(tempfile.mkdtemp(prefix="periodkit-bench-service-"))
    # The cases read the file when they run, after this returns.
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "dataset.json"
    path.write_text(json.dumps(dataset(actions, entities, activities)))
    rss = {kind: peak_rss_mb(kind, path) for kind in ("service", "json")}
    print(
        f"  peak RSS: Service.from_dataset {rss['service']:,.0f} MB, "
        f"json.load {rss['json']:,.0f} MB ({path.stat().st_size / 2**20:,.0f} MB file)",
        file=sys.stderr,
        flush=True,
    )

    def read_json() -> Any:
        with path.open() as handle:
            return json.load(handle)

    load = Case(
        f"service: load ({actions:,} actions, {entities:,} entities, "
        f"{activities:,} activities)",
        actions + entities + activities,
        [Impl("Service.from_dataset(path)", lambda: Service.from_dataset(path)),
         Impl("json.load", read_json)],
        notes=f"peak RSS: service {rss['service']:,.0f} MB, json.load {rss['json']:,.0f} MB",
    )  # fmt: skip
    service = Service.from_dataset(path)
    store = service.data
    form_fields = '["field_0", "field_1"]'

    def period_actions() -> Any:
        period = store.periods.find("1")
        assert period is not None
        rows = store.actions.during(period.period, order="start")
        rows = rows[store.actions.equals("team_id", period.entity_id, rows, missing=True)]
        return render_actions(store.actions, rows, ["field_0", "field_1"])

    kind = store.classes["T"]
    found = store.activities[OID]

    def activities_direct() -> Any:
        query = parse_activities(ACTIVITIES_BODY, kind.schema)
        names = query.fields or kind.schema.names
        fields = [{"Name": name, "DataType": kind.schema.column(name).data_type} for name in names]
        positions = query.run(found.table).positions.tolist()
        rows = [[found.records[row].get(name) for name in names] for row in positions]
        return {
            "success": True,
            "errorCode": 0,
            "errorText": "",
            "responseObject": {"Fields": fields, "Data": rows},
        }

    def periods_direct() -> Any:
        march = Period.from_micros(span_micros("2020-03")[0], span_micros("2020-03")[1])
        window = store.periods.overlapping(march)
        return {"periods": [render_period(p) for p in window]}

    top = dag_records(entities)[0]["id"]
    return [
        load,
        _route(
            "GET /periods/{id}/actions (form_fields)",
            actions,
            lambda: service.handle("GET", "/periods/1/actions", {"form_fields": form_fields}).body,
            period_actions,
        ),
        _route(
            "POST /api/v2/Activities/{oid}",
            activities,
            lambda: service.handle("POST", f"/api/v2/Activities/{OID}", body=ACTIVITIES_BODY).body,
            activities_direct,
        ),
        _route(
            "GET /periods",
            2,
            lambda: (
                service.handle(
                    "GET", "/periods", {"start_date": "2020-03-01", "end_date": "2020-03-31"}
                ).body
            ),
            periods_direct,
        ),
        _route(
            "GET /period/view/{id}",
            entities,
            lambda: service.handle("GET", f"/period/view/{top}").body,
            lambda: store.graph.view(top),
        ),
    ]
