"""Any sequence of writes leaves the SQLite store where the memory store is, reopened or not."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.service.service_data import seed_dataset

from periodkit.service import Service

NOW = dt.datetime(2024, 9, 1, tzinfo=dt.UTC)
OOO = "/out_of_office_periods"
ENTITY = "/period/update/example-action-id"

_ids = st.integers(1, 6)
_writes = st.one_of(
    st.tuples(st.just("POST"), st.just(OOO), st.sampled_from(["2024-09-02", "2024-09-05"])),
    st.tuples(st.just("PATCH"), _ids.map(lambda i: f"{OOO}/{i}"), st.text("ab", max_size=3)),
    st.tuples(st.just("PATCH"), _ids.map(lambda i: f"{OOO}/{i}"), st.just("1990-01-01")),
    st.tuples(st.just("DELETE"), _ids.map(lambda i: f"{OOO}/{i}"), st.none()),
    st.tuples(st.just("PUT"), st.just(ENTITY), st.sampled_from(["p1", "p2", None])),
)


def _body(method: str, value: Any) -> Any:
    if method == "POST":
        return {"person": 196, "start_at": value, "end_at": "2024-09-04"}
    if method == "PATCH":
        return {"end_at": value} if value == "1990-01-01" else {"reason": value}
    if method == "PUT":
        return {"periods": [{"period_id": value, "start_date": "2024-01-01 00:00:00"}]}
    return None


@settings(max_examples=15, deadline=None)
@given(st.lists(_writes, max_size=12))
def test_the_sqlite_store_keeps_what_memory_keeps(writes: list[tuple[str, str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.sqlite"
        model = Service.from_dataset(seed_dataset(), clock=lambda: NOW)
        stored = Service.from_dataset(seed_dataset(), clock=lambda: NOW, store=path)
        for method, target, value in writes:
            expected = model.handle(method, target, body=_body(method, value))
            answer = stored.handle(method, target, body=_body(method, value))
            assert (answer.status, answer.body) == (expected.status, expected.body)
        stored.store.close()
        reopened = Service.from_dataset(None, clock=lambda: NOW, store=path)
        assert reopened.dump() == model.dump()
        reopened.store.close()
