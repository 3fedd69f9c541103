"""The out-of-office store: one list query and "who is free this week", against pandas and DuckDB.

Periods are seeded: starts uniform over 2019-2020 at one microsecond,
lengths from one hour to two weeks, people drawn uniformly, a ``source`` of
three values and a ``sourceID`` on a third of the periods. A service is
loaded from dataset records outside the timed region; pandas and DuckDB get
the same periods as a frame (DuckDB registers it once).

* The list query is what ``GET /out_of_office_periods`` asks: three filters
  (``start_at`` from a month on, ``end_at`` before another, ``sourceID``
  present), a two-key sort (``-start_at,person_id``, ties by ascending id as
  the grammar adds) and page 3 of 100. periodkit answers it as a user asks
  it, with ``GET /out_of_office_periods`` through ``Service.handle`` (the
  parameters parsed, the page rendered with its headers), and with
  ``store.select`` on the store's query view.
* "Who is free" names the people (all ids 1..P) not out of office at any
  instant of one week. periodkit uses its start-sorted index (one kernel
  call, then one lookup table over the ids).
* "First read after a write" times a write and the read that follows it:
  an update that gives one record (a different one each time) a ``sourceID``
  never seen before and moves its dates, then the list query above and "who
  is free". Its peer is the same read with no write before it. Both views
  are patched by the write, so the two should cost about the same; a store
  that rebuilt its views after each write would pay for encoding every text
  column again here.
"""

from __future__ import annotations

import itertools
from typing import Any
from urllib.parse import parse_qsl

import numpy as np
import pandas as pd

from benchmarks.harness import Case, Impl
from periodkit.out_of_office import OutOfOfficeStore
from periodkit.periods import Period
from periodkit.query import parse_fourme
from periodkit.service import Service
from periodkit.service.routes.out_of_office import OUT_OF_OFFICE_PERIODS
from periodkit.time import format_instants, span_micros

SEED = 20191118
FIRST = span_micros("2019")[0]
SPAN_US = span_micros("2020")[1] + 1 - FIRST
HOUR_US = 3600 * 1_000_000
SOURCES = np.array(["4me", "import", "hr"], dtype=object)
PARAMS = (
    "start_at=>=2019-03&end_at=<2020-10&sourceID=!&sort=-start_at,person_id&page=3&per_page=100"
)
WEEK = ("2020-03-02", "2020-03-08T23:59:59.999999Z")


def frame_of(n: int, people: int) -> pd.DataFrame:
    """``n`` seeded out-of-office periods of ``people`` people, one column per searched field."""
    rng = np.random.default_rng(SEED)
    starts = FIRST + rng.integers(0, SPAN_US, n)
    ends = starts + rng.integers(HOUR_US, 14 * 24 * HOUR_US, n)
    source_ids = np.array([f"hr-{k}" for k in rng.integers(0, 10_000, n)], dtype=object)
    source_ids[rng.random(n) >= 1 / 3] = None
    created = starts - rng.integers(HOUR_US, 30 * 24 * HOUR_US, n)
    return pd.DataFrame(
        {
            "id": np.arange(1, n + 1, dtype=np.int64),
            "person_id": rng.integers(1, people + 1, n),
            "start_at": starts.astype("datetime64[us]"),
            "end_at": ends.astype("datetime64[us]"),
            "created_at": created.astype("datetime64[us]"),
            "source": SOURCES[rng.integers(0, len(SOURCES), n)],
            # Object dtype keeps None as None (pandas would read it as a NaN string).
            "sourceID": pd.Series(source_ids, dtype=object),
        }
    )


def records_of(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The same periods as the dataset's ``out_of_office_periods`` records."""
    texts = {
        name: format_instants(frame[name].to_numpy().view(np.int64), precision="us")
        for name in ("start_at", "end_at", "created_at")
    }
    people: dict[int, dict[str, Any]] = {}
    return [
        {
            "id": identifier,
            "person": people.setdefault(person, {"id": person, "name": f"Person {person}"}),
            "start_at": start,
            "end_at": end,
            "created_at": created,
            "source": source,
            "sourceID": source_id,
        }
        for identifier, person, start, end, created, source, source_id in zip(
            frame["id"].tolist(),
            frame["person_id"].tolist(),
            texts["start_at"].tolist(),
            texts["end_at"].tolist(),
            texts["created_at"].tolist(),
            frame["source"].tolist(),
            frame["sourceID"].tolist(),
            strict=True,
        )
    ]


def _pandas_list(frame: pd.DataFrame) -> np.ndarray:
    lo, hi = pd.Timestamp("2019-03-01"), pd.Timestamp("2020-10-01")
    mask = (frame["start_at"] >= lo) & (frame["end_at"] < hi) & frame["sourceID"].notna()
    ordered = frame[mask].sort_values(
        ["start_at", "person_id", "id"], ascending=[False, True, True], kind="stable"
    )
    return ordered["id"].to_numpy()[200:300]


def _duckdb_list(frame: pd.DataFrame) -> Any:
    import duckdb

    con = duckdb.connect()
    con.register("t", frame)
    sql = (
        "SELECT id FROM t WHERE start_at >= TIMESTAMP '2019-03-01' "
        "AND end_at < TIMESTAMP '2020-10-01' AND sourceID IS NOT NULL "
        "ORDER BY start_at DESC, person_id ASC, id ASC LIMIT 100 OFFSET 200"
    )
    return lambda: con.execute(sql).fetchnumpy()["id"]


def _has_duckdb() -> bool:
    try:
        import duckdb  # noqa: F401
    except ImportError:
        return False
    return True


def _same(results: dict[str, Any]) -> None:
    found = {name: np.asarray(result) for name, result in results.items()}
    first, reference = next(iter(found.items()))
    for name, value in found.items():
        if not np.array_equal(value, reference):
            raise AssertionError(f"{name} and {first} disagree")


def _ids(store: OutOfOfficeStore, query: Any) -> np.ndarray:
    return np.array([r["id"] for r in store.select(query).records])


def _route_ids(service: Service) -> np.ndarray:
    response = service.handle("GET", "/out_of_office_periods", PARAMS)
    return np.array([r["id"] for r in response.body])


def _list_case(frame: pd.DataFrame, store: OutOfOfficeStore, service: Service) -> Case:
    query = parse_fourme(parse_qsl(PARAMS), OUT_OF_OFFICE_PERIODS).query
    impls = [
        Impl("periodkit GET /out_of_office_periods (Service.handle)", lambda: _route_ids(service)),
        Impl("periodkit store.select", lambda: _ids(store, query)),
        Impl("pandas mask + sort_values + slice", lambda: _pandas_list(frame)),
    ]
    if _has_duckdb():
        impls.append(Impl("duckdb (frame registered once)", _duckdb_list(frame)))
    return Case(
        name="out-of-office list: 3 filters, 2-key sort, page 3 of 100",
        n=len(frame),
        impls=impls,
        check=_same,
    )


def _free_case(frame: pd.DataFrame, store: OutOfOfficeStore, people: int) -> Case:
    week = Period(*WEEK)
    everyone = np.arange(1, people + 1, dtype=np.int64)
    lo, hi = pd.Timestamp(WEEK[0]), pd.Timestamp(WEEK[1].rstrip("Z"))

    def pandas_free() -> np.ndarray:
        busy = frame.loc[(frame["start_at"] <= hi) & (frame["end_at"] >= lo), "person_id"]
        return everyone[~np.isin(everyone, busy.unique())]

    return Case(
        name=f"out-of-office: who of {people:,} people is free during one week",
        n=len(frame),
        impls=[
            Impl("periodkit store.free_during", lambda: store.free_during(week, everyone)),
            Impl("pandas mask + unique + isin", pandas_free),
        ],
        check=_same,
    )


def _first_read_case(store: OutOfOfficeStore, people: int) -> Case:
    query = parse_fourme(parse_qsl(PARAMS), OUT_OF_OFFICE_PERIODS).query
    week = Period(*WEEK)
    everyone = np.arange(1, people + 1, dtype=np.int64)
    writes = itertools.count()

    def read() -> Any:
        return _ids(store, query), store.free_during(week, everyone)

    def write_then_read() -> Any:
        number = next(writes)
        # A new text for the codes to place, and a period for the index to move.
        day = f"2020-03-{number % 28 + 1:02d}"
        change = {"sourceID": f"w{number}", "start_at": day, "end_at": f"{day}T12:00:00Z"}
        store.update(number * 7919 % len(store) + 1, change, "2021-01-01")
        return read()

    return Case(
        name="out-of-office: first read after a write (list query, then who is free)",
        n=len(store),
        impls=[
            Impl("periodkit: the read, no write before it", read),
            Impl("periodkit: a write, then the read", write_then_read),
        ],
    )


def cases(quick: bool) -> list[Case]:
    n, people = (20_000, 2_000) if quick else (1_000_000, 100_000)
    frame = frame_of(n, people)
    service = Service.from_dataset({"out_of_office_periods": records_of(frame)})
    # One store serves both the route and the store's own calls: each case warms it up first.
    store = service.data.out_of_office
    return [
        _list_case(frame, store, service),
        _free_case(frame, store, people),
        # Last: its writes change the data the cases above check against pandas.
        _first_read_case(store, people),
    ]
