"""The SQLite store: every acknowledged write is on disk, and processes share one file.

The file holds one table per kind of record a write changes (``entities``
with their periods, ``out_of_office_periods``), each record as its JSON in
the dataset's form, keyed by id; the parts no route writes (teams, team
periods, actions, activity classes, activities, tokens) are kept as one
JSON document each, read once at start. Each write appends the records it
changed to ``changes``, which is how another process learns what to reload.

The database runs in WAL mode with ``synchronous=FULL``: a commit is on disk
before it returns. A write request is one ``BEGIN IMMEDIATE`` transaction:
it takes the write lock first, so writers run one after another; inside it
the process first reloads what others committed, then applies the write to
memory, stores the changed records and commits. When anything fails before
the commit returns, the transaction rolls back and the changed records are
read back from the database into memory, so memory never holds a write the
file does not.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "data.sqlite"
>>> store = SQLiteStore(path)
>>> data = store.open({"entities": [{"id": "a"}]})
>>> store.close()
>>> SQLiteStore(path).open(None).graph.record("a")["periods"]
[]
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from periodkit.errors import quote
from periodkit.service.dataset import KEYS, Dataset, load
from periodkit.service.store.base import Changes, Source, StoreError

#: The dataset keys kept one record per row, by id; every other key is one document.
ROWS = ("entities", "out_of_office_periods")
#: The schema, one script per version: a file at version n runs scripts n+1 onwards.
MIGRATIONS = (
    """
    CREATE TABLE documents (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE entities (
        position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, record TEXT NOT NULL);
    CREATE TABLE out_of_office_periods (id INTEGER PRIMARY KEY, record TEXT NOT NULL);
    CREATE TABLE changes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, id NOT NULL);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class SQLiteStore:
    """The dataset in a SQLite file at ``path`` (created, with its schema, when missing)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        try:
            # Transactions are begun and ended here, explicitly; a busy writer is waited for.
            self._db = sqlite3.connect(
                self.path, isolation_level=None, timeout=60, check_same_thread=False
            )
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._migrate()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the store {quote(self.path)}: {exc}") from None
        self._lock = threading.RLock()
        self._version = -1
        self._seen = 0

    def _migrate(self) -> None:
        """Run the migrations the file has not had, each with its new version, atomically."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"the store {quote(self.path)} has schema version {version}; this periodkit "
                    f"knows versions up to {SCHEMA_VERSION}"
                )
            for number in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[number].split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number + 1}")
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    # --- the Store interface ---------------------------------------------------

    def open(self, source: Source | None) -> Dataset:
        """The stored dataset; an empty file is first filled from ``source``
        (``StoreError`` when there is none), which is not read otherwise."""
        try:
            return self._open(source)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the store {quote(self.path)}: {exc}") from None

    def _open(self, source: Source | None) -> Dataset:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                if not self.filled():
                    if source is None:
                        raise StoreError(f"the store {quote(self.path)} is empty: give a dataset")
                    data = load(source)
                    self._fill(data.dump())
                else:
                    data = load(self._document())
                self._seen = self._db.execute(
                    "SELECT coalesce(max(seq), 0) FROM changes"
                ).fetchone()[0]
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._version = self._data_version()
            return data

    def filled(self) -> bool:
        """Whether the file holds a dataset already (``open`` then reads no source)."""
        with self._lock:
            return bool(self._db.execute("SELECT count(*) FROM documents").fetchone()[0])

    def refresh(self, data: Dataset) -> None:
        """Reload the records other processes changed since this one last looked; a check
        of the database's change counter when none did."""
        with self._lock:
            version = self._data_version()
            if version != self._version:
                self._reload(data)
                self._version = version

    @contextmanager
    def write(self, data: Dataset) -> Iterator[Changes]:
        """One write request as one transaction (see the module's docstring)."""
        changes: Changes = []
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._reload(data)
                yield changes
                seen = self._seen
                for key, identifier in dict.fromkeys(changes):
                    seen = self._save(data, key, identifier)
                self._db.execute("COMMIT")
                self._seen = seen
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                for key, identifier in dict.fromkeys(changes):
                    _restore(data, key, identifier, self._record(key, identifier))
                raise
            self._version = self._data_version()

    def dump(self, data: Dataset) -> dict[str, Any]:
        """The document of the stored state."""
        self.refresh(data)
        return data.dump()

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    # --- inside ------------------------------------------------------------------

    def _data_version(self) -> int:
        return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def _fill(self, document: dict[str, Any]) -> None:
        for key in KEYS:
            if key not in ROWS:
                value = document.get(key)
                self._db.execute("INSERT INTO documents VALUES (?, ?)", (key, json.dumps(value)))
        self._db.executemany(
            "INSERT INTO entities (id, record) VALUES (?, ?)",
            ((r["id"], json.dumps(r)) for r in document["entities"]),
        )
        self._db.executemany(
            "INSERT INTO out_of_office_periods VALUES (?, ?)",
            ((r["id"], json.dumps(r)) for r in document["out_of_office_periods"]),
        )

    def _document(self) -> dict[str, Any]:
        document: dict[str, Any] = {}
        for key, value in self._db.execute("SELECT key, value FROM documents"):
            if (parsed := json.loads(value)) is not None:
                document[key] = parsed
        document["entities"] = [
            json.loads(r)
            for (r,) in self._db.execute("SELECT record FROM entities ORDER BY position")
        ]
        document["out_of_office_periods"] = [
            json.loads(r)
            for (r,) in self._db.execute("SELECT record FROM out_of_office_periods ORDER BY id")
        ]
        return {key: document[key] for key in KEYS if key in document}

    def _reload(self, data: Dataset) -> None:
        """Read into memory every record changed after the last change seen."""
        rows = self._db.execute(
            "SELECT seq, key, id FROM changes WHERE seq > ? ORDER BY seq", (self._seen,)
        ).fetchall()
        for key, identifier in dict.fromkeys((key, identifier) for _, key, identifier in rows):
            _restore(data, key, identifier, self._record(key, identifier))
        if rows:
            self._seen = rows[-1][0]

    def _record(self, key: str, identifier: Any) -> dict[str, Any] | None:
        found = self._db.execute(f"SELECT record FROM {key} WHERE id = ?", (identifier,)).fetchone()
        return None if found is None else json.loads(found[0])

    def _save(self, data: Dataset, key: str, identifier: Any) -> int:
        """Store one changed record as memory now holds it (or its removal), and log it:
        the change's number."""
        if key == "entities":
            record = json.dumps(data.graph.record(identifier))
            self._db.execute("UPDATE entities SET record = ? WHERE id = ?", (record, identifier))
        elif identifier in data.out_of_office:
            record = json.dumps(data.out_of_office.stored(identifier))
            self._db.execute(
                "INSERT OR REPLACE INTO out_of_office_periods VALUES (?, ?)", (identifier, record)
            )
        else:
            self._db.execute("DELETE FROM out_of_office_periods WHERE id = ?", (identifier,))
        cursor = self._db.execute("INSERT INTO changes (key, id) VALUES (?, ?)", (key, identifier))
        return int(cursor.lastrowid or 0)


def _restore(data: Dataset, key: str, identifier: Any, record: dict[str, Any] | None) -> None:
    """Make memory's record ``identifier`` of ``key`` the stored ``record``."""
    if key == "out_of_office_periods":
        data.out_of_office.restore(identifier, record)
        return
    assert record is not None  # entities are never removed
    graph = data.graph
    wanted = {period["period_id"] for period in record["periods"]}
    for period in graph.record(identifier)["periods"]:
        if period["period_id"] not in wanted:
            graph.remove_period(identifier, period["period_id"])
    if record["periods"]:
        graph.update(identifier, record["periods"])
