"""periodkit: time periods as closed intervals, validity graphs, kernels and query grammars.

>>> import periodkit as pk
>>> office = pk.PeriodSet([pk.Period("2017-01-01", "2019-09-26")])
>>> office.contains(pk.parse_instant("2018-06-01T12:00:00Z"))
True
"""

from periodkit.errors import (
    CycleError,
    NotFoundError,
    ParseError,
    PeriodError,
    PeriodkitError,
    QueryError,
    ValidationError,
)
from periodkit.graph import EntityGraph
from periodkit.periods import Period, PeriodSet
from periodkit.time import format_instant, parse_instant, parse_instants, parse_span

__all__ = [
    "CycleError",
    "EntityGraph",
    "NotFoundError",
    "ParseError",
    "Period",
    "PeriodError",
    "PeriodSet",
    "PeriodkitError",
    "QueryError",
    "ValidationError",
    "format_instant",
    "parse_instant",
    "parse_instants",
    "parse_span",
]
