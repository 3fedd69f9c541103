"""periodkit: time periods as closed intervals, validity graphs, kernels and query grammars."""

from periodkit.errors import (
    CycleError,
    NotFoundError,
    ParseError,
    PeriodError,
    PeriodkitError,
    QueryError,
    ValidationError,
)

__all__ = [
    "CycleError",
    "NotFoundError",
    "ParseError",
    "PeriodError",
    "PeriodkitError",
    "QueryError",
    "ValidationError",
]
