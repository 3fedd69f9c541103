"""A database dumped and loaded into a fresh one answers every list and view the same."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from tests.service.service_data import TOKENS, bearer, team_dataset

from periodkit.service import Service

NOW = dt.datetime(2024, 9, 1, tzinfo=dt.UTC)


def _service(path: Path, source: Any = None) -> Service:
    return Service.from_dataset(source, clock=lambda: NOW, store=path)


def _reads(dataset: dict[str, Any]) -> list[str]:
    """Every list and view path of the dataset."""
    ooo = "/out_of_office_periods"
    return [
        "/periods",
        *(f"/periods/{p['id']}/actions" for p in dataset["periods"]),
        *(f"/period/view/{e['id']}" for e in dataset["entities"]),
        ooo,
        f"{ooo}?per_page=1&page=2",
        f"{ooo}/open",
        f"{ooo}/completed",
        *(f"{ooo}/{r['id']}" for r in dataset["out_of_office_periods"]),
        "/auth/actions",
        *(f"/auth/actions/{a['id']}" for a in dataset["actions"]),
        *(f"/api/v2/Activities/{oid}" for oid in {a["oid"] for a in dataset["activities"]}),
    ]


def _answers(service: Service, paths: list[str]) -> list[tuple[int, Any, dict[str, str]]]:
    out = []
    for token in TOKENS:
        for path in paths:
            response = service.handle("GET", path, headers=bearer(token))
            out.append((response.status, response.body, response.headers))
    return out


def test_load_dump_load_answers_the_same(tmp_path: Path) -> None:
    first = _service(tmp_path / "first.sqlite", team_dataset())
    headers = bearer("all")
    body = {"person": 196, "start_at": "2024-09-02T08:00:00Z", "end_at": "2024-09-03T08:00:00Z"}
    assert first.handle("POST", "/out_of_office_periods", body=body, headers=headers).status == 201
    patch = {"reason": "Moved", "end_at": "2019-11-18T16:00:00.123456Z"}
    assert first.handle("PATCH", "/out_of_office_periods/3", body=patch, headers=headers).status
    put = {"periods": [{"start_date": "2024-01-01 00:00:00", "data": {"k": [1, "x"]}}]}
    response = first.handle("PUT", "/period/update/example-action-id", body=put, headers=headers)
    assert response.status == 200
    dumped = first.dump()
    second = _service(tmp_path / "second.sqlite", dumped)
    paths = _reads(dumped)
    assert len(paths) > 30
    answers = _answers(first, paths)
    assert _answers(second, paths) == answers
    # Mostly real answers; the rest are another team's records, not found.
    assert sum(status == 200 for status, _, _ in answers) > len(answers) / 2
    assert second.dump() == dumped
