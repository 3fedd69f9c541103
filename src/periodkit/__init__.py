"""periodkit: time periods as closed intervals, validity graphs, kernels and query grammars.

>>> import periodkit as pk
>>> office = pk.PeriodSet([pk.Period("2017-01-01", "2019-09-26")])
>>> office.contains(pk.parse_instant("2018-06-01T12:00:00Z"))
True
>>> pk.__version__.count(".") >= 2
True
"""

from __future__ import annotations

import importlib
import importlib.metadata
from typing import TYPE_CHECKING, Any

from periodkit.errors import (
    ArgumentError,
    CycleError,
    InvalidFormFieldsError,
    InvalidPeriodIdError,
    NotFoundError,
    ParseError,
    PeriodError,
    PeriodkitError,
    QueryError,
    ValidationError,
)
from periodkit.periods import Period, PeriodSet, parse_span
from periodkit.time import format_instant, parse_instant, parse_instants

try:
    # The version is written once, in pyproject.toml; the installed metadata carries it.
    __version__ = importlib.metadata.version("periodkit")
except importlib.metadata.PackageNotFoundError:  # a source tree on sys.path, never installed
    __version__ = "0+unknown"

if TYPE_CHECKING:
    from periodkit.actions import ActionTable
    from periodkit.graph import EntityGraph
    from periodkit.query import Query, parse_activities
    from periodkit.service import Service

# The domain's names are loaded when first used: pandas alone takes longer to
# import than all of the rest, and a user of periods needs none of them.
_LAZY = {
    "ActionTable": "periodkit.actions",
    "EntityGraph": "periodkit.graph",
    "Query": "periodkit.query",
    "parse_activities": "periodkit.query",
    "Service": "periodkit.service",
}

__all__ = [
    "ActionTable",
    "ArgumentError",
    "CycleError",
    "EntityGraph",
    "InvalidFormFieldsError",
    "InvalidPeriodIdError",
    "NotFoundError",
    "ParseError",
    "Period",
    "PeriodError",
    "PeriodSet",
    "PeriodkitError",
    "Query",
    "QueryError",
    "Service",
    "ValidationError",
    "format_instant",
    "parse_activities",
    "parse_instant",
    "parse_instants",
    "parse_span",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
