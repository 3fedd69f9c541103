"""Decoded request parameters from query-string text, as the service hands them to the grammars."""

from __future__ import annotations

from urllib.parse import parse_qsl


def decoded(text: str) -> list[tuple[str, str]]:
    """The ``(name, value)`` pairs of a query string, percent-decoded, blank values kept."""
    return parse_qsl(text, keep_blank_values=True)
