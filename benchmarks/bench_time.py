"""Parsing ISO 8601 text into the vector form, against pandas' ISO 8601 parser."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from benchmarks.harness import Case, Impl
from periodkit import parse_instants

SEED = 20191212


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
    found = []
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
