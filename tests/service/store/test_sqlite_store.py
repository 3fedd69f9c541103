"""The SQLite store: writes survive the process, fail whole, and reach other processes."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from tests.service.service_data import seed_dataset

from periodkit.errors import ValidationError
from periodkit.service import Service
from periodkit.service.store import SCHEMA_VERSION, SQLiteStore, StoreError

NOW = dt.datetime(2024, 9, 1, tzinfo=dt.UTC)
OOO = "/out_of_office_periods"
NEW = {"person": 196, "start_at": "2024-09-02T08:00:00Z", "end_at": "2024-09-03T08:00:00Z"}


def _service(path: Path, source: Any = None) -> Service:
    return Service.from_dataset(source, clock=lambda: NOW, store=path)


def _writes(service: Service) -> int:
    """A POST, a PATCH, a DELETE and a PUT; the id created."""
    created = service.handle("POST", OOO, body=NEW)
    assert created.status == 201
    new_id = created.body["id"]
    assert service.handle("PATCH", f"{OOO}/{new_id}", body={"reason": "r1"}).status == 200
    assert service.handle("DELETE", f"{OOO}/3").status == 204
    put = {"periods": [{"period_id": "p-new", "start_date": "2024-01-01 00:00:00"}]}
    assert service.handle("PUT", "/period/update/example-action-id", body=put).status == 200
    return int(new_id)


def test_writes_survive_a_restart_and_the_dataset_is_then_optional(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    service = _service(path, seed_dataset())
    new_id = _writes(service)
    before = service.dump()
    service.store.close()
    again = _service(path)
    assert again.dump() == before
    assert again.handle("GET", f"{OOO}/{new_id}").body["reason"] == "r1"
    assert again.handle("GET", f"{OOO}/3").status == 404
    view = again.handle("GET", "/period/view/example-action-id").body
    assert "p-new" in [p["period_id"] for p in view["owned"]]


def test_a_filled_store_ignores_the_dataset_given(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    _writes(_service(path, seed_dataset()))
    assert _service(path, {}).handle("GET", f"{OOO}/3").status == 404


def test_an_empty_store_needs_a_dataset(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is empty"):
        _service(tmp_path / "s.sqlite")


def test_the_schema_is_versioned_and_a_newer_one_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    _service(path, {}).store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match=f"schema version {SCHEMA_VERSION + 1}"):
        SQLiteStore(path)


class _FailingCommit:
    """A connection whose COMMIT fails, as a full disk would make it."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def execute(self, sql: str, *args: Any) -> Any:
        if sql == "COMMIT":
            raise sqlite3.OperationalError("database or disk is full")
        return self.db.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)


def test_a_failed_commit_leaves_memory_and_file_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    service = _service(path, seed_dataset())
    before = service.dump()
    store = service.store
    assert isinstance(store, SQLiteStore)
    real = store._db
    store._db = _FailingCommit(real)  # type: ignore[assignment]
    assert service.handle("PATCH", f"{OOO}/3", body={"reason": "lost"}).status == 500
    put = {"periods": [{"period_id": "p-new"}]}
    assert service.handle("PUT", "/period/update/example-action-id", body=put).status == 500
    assert service.handle("POST", OOO, body=NEW).status == 500
    assert service.handle("DELETE", f"{OOO}/3").status == 500
    store._db = real
    assert service.dump() == before
    assert _service(path).dump() == before


def test_a_refused_write_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    service = _service(path, seed_dataset())
    before = service.dump()
    assert service.handle("PATCH", f"{OOO}/3", body={"end_at": "1990-01-01"}).status == 422
    assert service.dump() == before == _service(path).dump()


def test_a_write_through_one_service_is_read_through_another(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    one, two = _service(path, seed_dataset()), _service(path)
    new_id = _writes(one)
    assert two.handle("GET", f"{OOO}/{new_id}").body["reason"] == "r1"
    assert two.handle("GET", f"{OOO}/3").status == 404
    assert two.dump() == one.dump()
    # The other way round too, and a PATCH reads the record as the other wrote it.
    assert two.handle("PATCH", f"{OOO}/{new_id}", body={"reason": "r2"}).status == 200
    assert one.handle("GET", f"{OOO}/{new_id}").body["reason"] == "r2"
    assert one.handle("POST", OOO, body=NEW).body["id"] == new_id + 1


def test_a_bad_record_in_the_file_is_refused_on_load(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    _service(path, seed_dataset()).store.close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE out_of_office_periods SET record = '{\"id\": 3}'")
    with pytest.raises(ValidationError, match="/out_of_office_periods/0"):
        _service(path)
