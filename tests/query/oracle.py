"""SQLite as the oracle: the same table in stdlib sqlite3, and questions written as SQL.

Nothing here uses periodkit's parsers or evaluator: date spans are computed
with the stdlib calendar, SQL is built from the request itself, NULL
ordering is SQLite's own (first ascending, last descending), and ``pos`` (the
row's input position) as the last key makes the order stable.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
import sqlite3
from dataclasses import replace
from typing import Any

import pandas as pd
from kinds import held_otherwise, whole_seconds

EPOCH = dt.datetime(1970, 1, 1)
_DATE = re.compile(
    r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?"
    r"(Z|[+-]\d{2}:\d{2})?)?)?)?"
)


def connect(frame: pd.DataFrame) -> sqlite3.Connection:
    """An in-memory database with ``frame`` as table ``t`` plus its ``pos`` column."""
    conn = sqlite3.connect(":memory:")
    conn.create_function(
        "casefold", 1, lambda s: None if s is None else s.casefold(), deterministic=True
    )
    names = [f'"{name}"' for name in frame.columns]
    conn.execute(f"CREATE TABLE t (pos INTEGER, {', '.join(names)})")
    rows = [
        (pos, *(_cell(frame[name].iloc[pos]) for name in frame.columns))
        for pos in range(len(frame))
    ]
    marks = ", ".join("?" * (len(names) + 1))
    conn.executemany(f"INSERT INTO t VALUES ({marks})", rows)
    return conn


def _cell(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return int(value.as_unit("us").asm8.view("int64"))
    if hasattr(value, "item"):
        return value.item()
    return value


def span(text: str) -> tuple[int, int]:
    """First and last microsecond of the span a date text names, by the stdlib calendar."""
    year, month, day, hour, minute, second, fraction, offset = _DATE.fullmatch(text).groups()
    parts = [year, month, day, hour, minute, second]
    given = sum(p is not None for p in parts)
    start = dt.datetime(
        int(year),
        int(month or 1),
        int(day or 1),
        int(hour or 0),
        int(minute or 0),
        int(second or 0),
        int((fraction or "0").ljust(6, "0")),
    )
    if fraction is not None:
        end = start
    elif given == 1:
        end = start.replace(year=start.year + 1) - dt.timedelta(microseconds=1)
    elif given == 2:
        days = calendar.monthrange(start.year, start.month)[1]
        end = start + dt.timedelta(days=days, microseconds=-1)
    else:
        unit = [None, None, "days", "hours", "minutes", "seconds"][given - 1]
        end = start + dt.timedelta(**{unit: 1}) - dt.timedelta(microseconds=1)
    if offset not in (None, "Z"):
        shift = dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6]))
        shift = -shift if offset[0] == "-" else shift
        start, end = start - shift, end - shift
    return _micros(start), _micros(end)


def _micros(moment: dt.datetime) -> int:
    return (moment - EPOCH) // dt.timedelta(microseconds=1)


def compare(column: str, kind: str, op: str, value: Any, *, fold: bool) -> tuple[str, list[Any]]:
    """SQL for ``column op value`` with op one of = <> > >= < <=; dates compare as spans."""
    if kind == "datetime":
        lo, hi = span(value)
        sql = {
            "=": f"{column} BETWEEN ? AND ?",
            "<>": f"({column} < ? OR {column} > ?)",
            ">": f"{column} > ?",
            ">=": f"{column} >= ?",
            "<": f"{column} < ?",
            "<=": f"{column} <= ?",
        }[op]
        bound = {">": [hi], ">=": [lo], "<": [lo], "<=": [hi]}.get(op, [lo, hi])
        return sql, bound
    if kind in ("string", "memo", "guid") and fold:
        return f"casefold({column}) {op} casefold(?)", [value]
    return f"{column} {op} ?", [number(kind, value)]


def number(kind: str, value: Any) -> Any:
    """A request's value as SQLite should bind it for a column of ``kind``."""
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "bool":
        return int(value if isinstance(value, bool) else value.lower() == "true")
    return value


def select(
    conn: sqlite3.Connection,
    where: list[tuple[str, list[Any]]],
    order: list[str],
    offset: int,
    limit: int | None,
) -> list[int]:
    """Positions of the rows that match every condition, in order, sliced."""
    sql = "SELECT pos FROM t"
    params: list[Any] = []
    if where:
        sql += " WHERE " + " AND ".join(f"({clause})" for clause, _ in where)
        params = [p for _, ps in where for p in ps]
    sql += " ORDER BY " + ", ".join([*order, "pos"]) + " LIMIT ? OFFSET ?"
    rows = conn.execute(sql, [*params, -1 if limit is None else limit, offset]).fetchall()
    return [pos for (pos,) in rows]


def assert_agrees(
    query: Any,
    frame: pd.DataFrame,
    where: list[tuple[str, list[Any]]],
    order: list[str],
    offset: int,
    limit: int | None,
) -> None:
    """periodkit selects SQLite's rows in SQLite's order, for the page and for every match.

    So it does from ``frame`` and from every other way of holding the same
    table (``kinds.held_otherwise``); dates in coarse units are checked on the
    frame with its dates floored to whole seconds, against SQLite on that
    frame. The second comparison keeps a check of filters and sort when the
    page is past the end.
    """
    floored = whole_seconds(frame)
    tables = [(frame, [frame, *held_otherwise(frame)])]
    if floored is not None:
        tables.append((floored, held_otherwise(floored, coarse=True)))
    for table, held in tables:
        conn = connect(table)
        page, every = select(conn, where, order, offset, limit), select(conn, where, order, 0, None)
        for each in held:
            assert query.evaluate(each).index.tolist() == page, each.dtypes.to_dict()
            found = replace(query, offset=0, limit=None).run(each)
            assert found.positions.tolist() == every, each.dtypes.to_dict()
            assert found.total == len(every)
