"""periodkit.dask on a two-process LocalCluster: the answers of one machine, partition by partition.

The oracle is the single-machine call on the same data gathered into one
frame: ``ActionTable.during`` for ``during``, ``Query.evaluate`` and
``Query.run`` for ``evaluate`` and ``select``. One cluster serves the module.
"""

from __future__ import annotations

import itertools
from urllib.parse import parse_qsl

import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from distributed import Client, LocalCluster
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.query.test_grammars_agree import COLLECTION, TYPES

from periodkit import Period
from periodkit.actions import ActionTable
from periodkit.actions.parquet import write_actions
from periodkit.actions.sample import actions
from periodkit.dask import during, evaluate, read_actions, select
from periodkit.errors import ArgumentError, QueryError
from periodkit.query import parse_activities, parse_fourme, parse_jsonapi
from periodkit.strategies import action_tables, activity_bodies, period_sets, periods, query_frames

# Every example runs a computation on the cluster: a few dozen keep the module near 30 s.
ON_CLUSTER = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)


@pytest.fixture(scope="module")
def client():
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=":0",
        ) as cluster,
        Client(cluster) as connected,
    ):
        yield connected


def _sorted_frame(table: ActionTable) -> pd.DataFrame:
    frame = table.to_frame().drop(columns="form", errors="ignore")
    return frame.iloc[np.argsort(table.bounds()[0], kind="stable")].reset_index(drop=True)


def _dataset(folder, frame: pd.DataFrame, cuts: list[int]) -> dd.DataFrame:
    """``frame`` (sorted by start) written in chunks cut at ``cuts``, read back by start."""
    edges = sorted({0, *(c for c in cuts if c < len(frame)), len(frame)})
    write_actions(folder, [frame.iloc[a:b] for a, b in itertools.pairwise(edges)])
    return read_actions(folder)


def _oracle_ids(gathered: pd.DataFrame, target, how: str) -> list:
    table = ActionTable.from_frame(gathered)
    return table.ids[table.during(target, how, order="start")].tolist()


targets = periods() | period_sets(max_atoms=4)
near = periods(min_year=2000, max_year=2030) | period_sets(
    min_year=2000, max_year=2030, max_atoms=4
)


@ON_CLUSTER
@given(
    action_tables(max_size=15, form_fields=()),
    st.lists(st.integers(1, 14), max_size=4),
    targets,
    st.sampled_from(["overlaps", "within"]),
)
def test_during_a_dataset_by_start_equals_the_table_gathered(
    client, tmp_path_factory, table, cuts, target, how
):
    if not len(table):
        return
    ddf = _dataset(tmp_path_factory.mktemp("set"), _sorted_frame(table), cuts)
    gathered = ddf.compute().reset_index()
    found = during(ddf, target, how).compute()
    assert found["id"].tolist() == _oracle_ids(gathered, target, how)


@ON_CLUSTER
@given(
    action_tables(max_size=15, min_year=2000, max_year=2030, infinities=False, form_fields=()),
    st.integers(1, 4),
    st.lists(st.booleans(), min_size=15, max_size=15),
    near,
    st.sampled_from(["overlaps", "within"]),
)
def test_during_a_frame_by_start_with_empty_partitions_equals_the_table_gathered(
    client, table, npartitions, kept, target, how
):
    """A frame indexed by start whose filter leaves some partitions empty: no Parquet
    statistics, so each partition's latest end comes from a first pass."""
    if not len(table):
        return
    frame = _sorted_frame(table).assign(kept=kept[: len(table)])
    indexed = dd.from_pandas(frame.set_index("start_date"), npartitions=npartitions, sort=True)
    ddf = indexed[indexed["kept"]].drop(columns="kept")
    gathered = ddf.compute().reset_index()
    found = during(ddf, target, how).compute()
    assert found["id"].tolist() == _oracle_ids(gathered, target, how)


@ON_CLUSTER
@given(action_tables(max_size=15, form_fields=()), st.integers(1, 4), targets)
def test_during_a_frame_in_any_order_finds_the_same_rows(client, table, npartitions, target):
    if not len(table):
        return
    frame = table.to_frame().drop(columns="form", errors="ignore")
    ddf = dd.from_pandas(frame, npartitions=npartitions, sort=False)
    found = during(ddf, target).compute()
    assert sorted(found.index.tolist()) == table.during(target).tolist()


SCHEMA = {"Num": "int", "Ratio": "float", "Name": "string", "Created": "datetime", "On": "bool"}


@ON_CLUSTER
@given(query_frames(SCHEMA, max_rows=30), activity_bodies(SCHEMA), st.integers(1, 4), st.data())
def test_evaluate_equals_the_query_on_the_frame_gathered(client, frame, body, npartitions, data):
    query = parse_activities(body, SCHEMA)
    ddf = dd.from_pandas(frame, npartitions=npartitions, sort=False)
    gathered = ddf.compute()
    chosen = select(query, ddf)
    pd.testing.assert_frame_equal(chosen.rows, query.evaluate(gathered))
    assert chosen.total == query.run(gathered).total


PAGED = [
    parse_fourme(parse_qsl("Num=>2&sort=-Created_Date&per_page=3&page=2"), COLLECTION).query,
    parse_fourme(parse_qsl("category=!&sort=category,-Num&per_page=2"), COLLECTION).query,
    parse_fourme(parse_qsl("id=1,2,3,4,5&fields=Num"), COLLECTION).query,
    parse_jsonapi({"category": "a", "page[size]": "2", "page[number]": "2"}, COLLECTION).query,
    parse_jsonapi({"page[size]": "4"}, COLLECTION).query,
]


@ON_CLUSTER
@given(query_frames(TYPES, max_rows=30), st.sampled_from(PAGED), st.integers(1, 4))
def test_paged_grammars_equal_the_query_on_the_frame_gathered(client, frame, query, npartitions):
    frame = frame.assign(id=pd.array(range(len(frame)), dtype="Int64"))
    ddf = dd.from_pandas(frame, npartitions=npartitions, sort=False)
    gathered = ddf.compute()
    chosen = select(query, ddf)
    pd.testing.assert_frame_equal(chosen.rows, query.evaluate(gathered))
    assert chosen.total == query.run(gathered).total


def test_a_query_on_a_dataset_by_start_sees_start_date_as_a_column(client, tmp_path):
    write_actions(tmp_path, actions(40, chunk=10))
    ddf = read_actions(tmp_path)
    query = parse_activities(
        {"sort": [{"property": "end_date", "direction": "desc"}], "offset": 1, "limit": 3},
        {"id": "int", "start_date": "datetime", "end_date": "datetime", "status": "string"},
    )
    gathered = ddf.compute().reset_index()
    got = evaluate(query, ddf).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, query.evaluate(gathered).reset_index(drop=True))


def test_partitions_that_cannot_match_are_never_read(client, tmp_path):
    write_actions(tmp_path, actions(1_000, chunk=100), groups_per_file=1)
    ddf = read_actions(tmp_path)
    gathered = ddf.compute().reset_index()
    stamps = gathered["start_date"]
    target = Period(stamps[420].isoformat(), stamps[430].isoformat())
    # Files the period cannot reach may go: the answer never touches them.
    for name in ("part-00000.parquet", "part-00009.parquet"):
        (tmp_path / name).unlink()
    found = during(ddf, target)
    assert found.npartitions < 3
    assert found.compute()["id"].tolist() == _oracle_ids(gathered, target, "overlaps")
    assert len(during(ddf, Period("1990-01-01", "1991-01-01")).compute()) == 0


def test_bad_arguments_are_refused_by_name():
    frame = pd.DataFrame({"id": [1], "start_date": pd.to_datetime(["2024-01-01"])})
    ddf = dd.from_pandas(frame, npartitions=1)
    with pytest.raises(ArgumentError, match="DataFrame is not a Dask DataFrame"):
        during(frame, Period())
    with pytest.raises(ArgumentError, match="how='near' is unknown"):
        during(ddf, Period(), "near")
    with pytest.raises(ArgumentError, match="needs id and start_date columns"):
        during(ddf[["start_date"]], Period())
    with pytest.raises(QueryError, match=r"frame has no column\(s\) \['n'\]"):
        evaluate(parse_activities({}, {"n": "int"}), ddf)
    with pytest.raises(ArgumentError, match="is not a Parquet file"):
        read_actions("no/such/place")
