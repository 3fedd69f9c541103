"""The query engine against pandas and DuckDB on the same in-memory frame.

Every case times the public path first: ``Query.evaluate(frame)`` on a plain
DataFrame, nothing prepared, so each call reads the columns it needs. The
prepared path (a ``Table`` built once outside the timed region, as DuckDB
registers the frame once) is shown beside it under its own name, never
instead of it.

The user's case is the one a new user writes: ``parse_activities(body,
schema).evaluate(df)`` on a frame of a categorical, a ``datetime64[us]``, an
int and a float column, with three filters (a category, an int bound, a
year), a two-key sort and ``offset`` 100 ``limit`` 50. Its text filter
compares case-insensitively (the Activities rule); the peers compare the
category exactly, which selects the same rows here since no two categories
differ only in case.

The engine's cases have three predicates (an int bound, a float bound and a
date given as a year, which is a span), a two-key sort (int descending,
datetime ascending) and a three-column projection, at two slices: the first
rows (offset + limit = 100, the top-k path) and a deep page. Their frame also
holds an unrequested text column, which projection-last never copies.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from benchmarks.harness import Case, Impl
from periodkit.query import Predicate, Query, SortKey, Table, parse_activities
from periodkit.query.evaluate import evaluate
from periodkit.time import span_micros

SEED = 20191212
TYPES = {"id": "int", "num": "int", "amount": "float", "created": "datetime", "note": "string"}
FIELDS = ("id", "num", "created")
_YEAR = "2019"


def frame_of(n: int) -> pd.DataFrame:
    """``n`` seeded rows: ints with many ties, floats, instants over 2018..2021, a text."""
    rng = np.random.default_rng(SEED)
    start = np.datetime64("2018-01-01", "us").astype(np.int64)
    four_years = 4 * 365 * 86_400_000_000
    notes = np.array([f"note {i}" for i in range(50)], dtype=object)
    return pd.DataFrame(
        {
            "id": rng.permutation(n).astype(np.int64),
            "num": rng.integers(0, 1000, n),
            "amount": rng.uniform(0, 1000, n),
            "created": (start + rng.integers(0, four_years, n)).astype("datetime64[us]"),
            "note": notes[rng.integers(0, len(notes), n)],
        }
    )


def question(offset: int, limit: int) -> Query:
    """The benchmark's question in the IR (as every grammar would parse it)."""
    from periodkit.query.ir import Span
    from periodkit.query.schema import Schema

    return Query(
        where=(
            Predicate("num", "ge", 100),
            Predicate("amount", "lt", 500.0),
            Predicate("created", "eq", Span(*span_micros(_YEAR))),
        ),
        order=(SortKey("num", descending=True), SortKey("created")),
        fields=FIELDS,
        offset=offset,
        limit=limit,
        schema=Schema.of(TYPES),
    )


def _pandas(frame: pd.DataFrame, offset: int, limit: int) -> pd.DataFrame:
    lo, hi = pd.Timestamp(f"{_YEAR}-01-01"), pd.Timestamp(f"{_YEAR}-12-31 23:59:59.999999")
    created = frame["created"]
    mask = (frame["num"] >= 100) & (frame["amount"] < 500.0) & (created >= lo) & (created <= hi)
    ordered = frame[mask].sort_values(["num", "created"], ascending=[False, True], kind="stable")
    return ordered.iloc[offset : offset + limit][list(FIELDS)]


def _duckdb(frame: pd.DataFrame, offset: int, limit: int) -> Any:
    import duckdb

    con = duckdb.connect()
    con.register("t", frame)
    sql = (
        "SELECT id, num, created FROM t WHERE num >= 100 AND amount < 500.0 "
        f"AND created BETWEEN TIMESTAMP '{_YEAR}-01-01' "
        f"AND TIMESTAMP '{_YEAR}-12-31 23:59:59.999999' "
        f"ORDER BY num DESC, created ASC LIMIT {limit} OFFSET {offset}"
    )
    return lambda: con.execute(sql).fetchnumpy()


def _same_ids(results: dict[str, Any]) -> None:
    ids = {name: np.asarray(result["id"]) for name, result in results.items()}
    first, reference = next(iter(ids.items()))
    for name, found in ids.items():
        if not np.array_equal(found, reference):
            raise AssertionError(f"{name} and {first} select different rows")


def _has_duckdb() -> bool:
    try:
        import duckdb  # noqa: F401
    except ImportError:
        return False
    return True


def _case(frame: pd.DataFrame, table: Table, label: str, offset: int, limit: int) -> Case:
    query = question(offset, limit)
    impls = [
        Impl("periodkit Query.evaluate(frame)", lambda: query.evaluate(frame)),
        Impl("periodkit prepared: Table built once", lambda: evaluate(query, table)),
        Impl(
            "periodkit prepared, full sort (no top-k)", lambda: evaluate(query, table, top_k=False)
        ),
        Impl("pandas mask + sort_values + slice", lambda: _pandas(frame, offset, limit)),
    ]
    if _has_duckdb():
        impls.append(Impl("duckdb (frame registered once)", _duckdb(frame, offset, limit)))
    return Case(
        name=f"query 3 predicates, 2-key sort, {label} "
        f"(offset {offset:,} limit {limit:,}), 3 columns",
        n=len(frame),
        impls=impls,
        check=_same_ids,
    )


# --- the user's case: an Activities body on a categorical frame ---------------------

ACTIVITY_TYPES = {"Category": "string", "Created": "datetime", "Num": "int", "Amount": "float"}
ACTIVITY_BODY = {
    "filters": [
        {"name": "Category", "operation": "=", "value": "open"},
        {"name": "Num", "operation": ">=", "value": 100},
        {"name": "Created", "operation": "=", "value": _YEAR},
    ],
    "sort": [{"property": "Num", "direction": "desc"}, {"property": "Created"}],
    "offset": 100,
    "limit": 50,
}
_CATEGORIES = ["Open", "Closed", "Pending", "Waiting", "Spam"]


def activity_frame_of(n: int) -> pd.DataFrame:
    """``n`` seeded rows: a categorical of five, instants of 2018..2021, tied ints, floats."""
    rng = np.random.default_rng(SEED)
    start = np.datetime64("2018-01-01", "us").astype(np.int64)
    four_years = 4 * 365 * 86_400_000_000
    return pd.DataFrame(
        {
            "Category": pd.Categorical.from_codes(rng.integers(0, 5, n), _CATEGORIES),
            "Created": (start + rng.integers(0, four_years, n)).astype("datetime64[us]"),
            "Num": rng.integers(0, 1000, n),
            "Amount": rng.uniform(0, 1000, n),
        }
    )


def _pandas_activities(frame: pd.DataFrame) -> pd.DataFrame:
    lo, hi = pd.Timestamp(f"{_YEAR}-01-01"), pd.Timestamp(f"{_YEAR}-12-31 23:59:59.999999")
    created = frame["Created"]
    mask = (frame["Category"] == "Open") & (frame["Num"] >= 100) & (created >= lo) & (created <= hi)
    ordered = frame[mask].sort_values(["Num", "Created"], ascending=[False, True], kind="stable")
    return ordered.iloc[100:150]


def _duckdb_activities(frame: pd.DataFrame) -> Any:
    import duckdb

    con = duckdb.connect()
    con.register("t", frame)
    sql = (
        "SELECT * FROM t WHERE Category = 'Open' AND Num >= 100 "
        f"AND Created BETWEEN TIMESTAMP '{_YEAR}-01-01' "
        f"AND TIMESTAMP '{_YEAR}-12-31 23:59:59.999999' "
        "ORDER BY Num DESC, Created ASC LIMIT 50 OFFSET 100"
    )
    return lambda: con.execute(sql).fetchnumpy()


def _same_rows(results: dict[str, Any]) -> None:
    """The same instants in the same order (random microseconds: no two rows share one)."""

    def micros(result: Any) -> np.ndarray:
        return np.asarray(result["Created"]).astype("datetime64[us]").view(np.int64)

    _same_ids({name: {"id": micros(result)} for name, result in results.items()})


def _activities_case(n: int) -> Case:
    frame = activity_frame_of(n)
    query = parse_activities(ACTIVITY_BODY, ACTIVITY_TYPES)
    table = Table.from_frame(frame, ACTIVITY_TYPES, prepare=True)
    impls = [
        Impl(
            "periodkit parse_activities(body, schema).evaluate(df)", lambda: query.evaluate(frame)
        ),
        Impl("periodkit prepared: Table built once", lambda: query.evaluate(table)),
        Impl("pandas mask + sort_values + slice", lambda: _pandas_activities(frame)),
    ]
    if _has_duckdb():
        impls.append(Impl("duckdb (frame registered once)", _duckdb_activities(frame)))
    return Case(
        name="query from an activities body, plain frame (categorical, datetime64[us], int, "
        "float), 3 filters, 2-key sort, offset 100 limit 50",
        n=n,
        impls=impls,
        check=_same_rows,
    )


def cases(quick: bool) -> list[Case]:
    found = []
    for n in [20_000] if quick else [1_000_000, 10_000_000]:
        frame = frame_of(n)
        table = Table.from_frame(frame, TYPES, prepare=True)
        deep = (1_000, 100) if quick else (100_000, 1_000)
        found.append(_case(frame, table, "first 100 rows", 50, 50))
        found.append(_case(frame, table, "deep page", *deep))
    found.append(_activities_case(20_000 if quick else 10_000_000))
    return found
