"""periodkit: time periods as closed intervals, validity graphs, kernels and query grammars.

>>> import periodkit as pk
>>> office = pk.PeriodSet([pk.Period("2017-01-01", "2019-09-26")])
>>> office.contains(pk.parse_instant("2018-06-01T12:00:00Z"))
True
"""

from periodkit.actions import ActionTable
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
from periodkit.graph import EntityGraph
from periodkit.periods import Period, PeriodSet, parse_span
from periodkit.query import Query, parse_activities
from periodkit.time import format_instant, parse_instant, parse_instants

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
    "ValidationError",
    "format_instant",
    "parse_activities",
    "parse_instant",
    "parse_instants",
    "parse_span",
]
