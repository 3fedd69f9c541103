"""Decoded request parameters from query-string text, as the service hands them to the grammars."""

from __future__ import annotations

from urllib.parse import parse_qsl

from periodkit.query import FourMeRequest, parse_fourme
from periodkit.service.routes.out_of_office import OUT_OF_OFFICE_PERIODS


def decoded(text: str) -> list[tuple[str, str]]:
    """The ``(name, value)`` pairs of a query string, percent-decoded, blank values kept."""
    return parse_qsl(text, keep_blank_values=True)


def out_of_office(text: str) -> FourMeRequest:
    """A request of ``GET /out_of_office_periods`` read from its query string."""
    return parse_fourme(decoded(text), OUT_OF_OFFICE_PERIODS)
