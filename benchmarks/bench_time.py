"""ISO 8601 text to instants and back: the vector parser against pandas' ISO 8601
parser, and the scalar calls against pandas.Timestamp and the standard library.

A scalar call costs about a microsecond, so each implementation of a scalar
case makes ``CALLS`` calls per run and the table's N counts calls.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.harness import Case, Impl, repeated
from periodkit import format_instant, parse_instant, parse_instants

SEED = 20191212
CALLS = 100
WIRE = "2024-08-12T11:58:19.349Z"
MOMENT = dt.datetime(2024, 8, 12, 11, 58, 19, 349000, tzinfo=dt.UTC)


def _same_instant(results: dict[str, Any]) -> None:
    if len({pd.Timestamp(value).value for value in results.values()}) != 1:
        raise AssertionError(f"the parsers disagree: {results}")


def _same_text(results: dict[str, Any]) -> None:
    ours = results["periodkit.format_instant"]
    if ours != results["datetime.isoformat()"].replace("000+00:00", "Z"):
        raise AssertionError(f"format_instant wrote {ours!r}")


def _scalar_cases() -> list[Case]:
    return [
        Case(
            name=f"parse one instant ({WIRE!r})",
            n=CALLS,
            impls=[
                Impl("periodkit.parse_instant", repeated(lambda: parse_instant(WIRE), CALLS)),
                Impl("pandas.Timestamp", repeated(lambda: pd.Timestamp(WIRE), CALLS)),
                Impl(
                    "datetime.fromisoformat",
                    repeated(lambda: dt.datetime.fromisoformat(WIRE), CALLS),
                ),
            ],
            check=_same_instant,
        ),
        Case(
            name="format one aware datetime",
            n=CALLS,
            impls=[
                Impl("periodkit.format_instant", repeated(lambda: format_instant(MOMENT), CALLS)),
                Impl("datetime.isoformat()", repeated(MOMENT.isoformat, CALLS)),
            ],
            check=_same_text,
        ),
    ]


def wire_strings(n: int, *, mixed: bool = False) -> list[str]:
    """``n`` instants over 1970..2033 as the APIs write them (``…T…:…:….mmmZ``).

    ``mixed`` varies the form row by row (fraction lengths, offsets, dates,
    a space for ``T``), which is what hand-written data looks like.
    """
    rng = np.random.default_rng(SEED)
    stamps = rng.integers(0, 2_000_000_000_000_000, n).astype("datetime64[us]")
    if not mixed:
        return np.char.add(np.datetime_as_string(stamps, unit="ms"), "Z").tolist()
    forms = [
        np.char.add(np.datetime_as_string(stamps, unit="ms"), "Z"),
        np.datetime_as_string(stamps, unit="us"),
        np.char.add(np.datetime_as_string(stamps, unit="s"), "+02:00"),
        np.char.replace(np.datetime_as_string(stamps, unit="m"), "T", " "),
        np.datetime_as_string(stamps, unit="D"),
    ]
    choice = rng.integers(0, len(forms), n)
    return np.choose(choice, [f.astype(object) for f in forms]).tolist()


def _same(results: dict[str, Any]) -> None:
    ours = results["periodkit.parse_instants"].astype(np.int64)
    theirs = results["pandas.to_datetime(ISO8601)"].as_unit("us").asi8
    if not np.array_equal(ours, theirs):
        raise AssertionError("parse_instants and pandas disagree")


def cases(quick: bool) -> list[Case]:
    n = 20_000 if quick else 1_000_000
    found = _scalar_cases()
    for label, mixed in (
        ("parse ISO 8601 (wire form .mmmZ)", False),
        ("parse ISO 8601 (mixed forms)", True),
    ):
        texts = wire_strings(n, mixed=mixed)
        found.append(
            Case(
                name=label,
                n=n,
                impls=[
                    Impl("periodkit.parse_instants", lambda t=texts: parse_instants(t)),
                    Impl(
                        "pandas.to_datetime(ISO8601)",
                        lambda t=texts: pd.to_datetime(t, utc=True, format="ISO8601"),
                    ),
                ],
                check=_same,
            )
        )
    return found
