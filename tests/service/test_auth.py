"""Tokens, grants and scopes."""

from __future__ import annotations

import base64
import hmac

import pytest

from periodkit.service.auth import OPEN, Grant, Tokens
from periodkit.service.errors import UnauthorizedError

TOKENS = Tokens.from_records(
    [
        {"token": "first", "team_id": "t1", "scopes": ["*"]},
        {"token": "second", "team_id": "t2", "scopes": ["entities:read"]},
        {"token": "third", "team_id": "t3", "scopes": ["activities:Ticket"]},
    ]
)


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_no_tokens_is_open_access():
    assert Tokens.from_records([]).authenticate({}, basic=False) is OPEN
    assert OPEN.allows("entities", write=True) and OPEN.sees("any team")


def test_bearer_finds_the_tokens_grant_whatever_the_header_names_case():
    grant = TOKENS.authenticate({"authorization": "bearer second"}, basic=False)
    assert grant == Grant("t2", frozenset({"entities:read"}))


def test_basic_only_where_allowed_with_the_token_as_password():
    assert TOKENS.authenticate(basic("anyone", "first"), basic=True).team_id == "t1"
    with pytest.raises(UnauthorizedError, match="Bearer scheme"):
        TOKENS.authenticate(basic("anyone", "first"), basic=False)
    with pytest.raises(UnauthorizedError, match="not known"):
        TOKENS.authenticate(basic("first", ""), basic=True)


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer",
        "Bearer ",
        "Bearer firs",
        "Bearer first2",
        "Basic !!!",
        "Basic Zmlyc3Q=",
        "first",
    ],
)
def test_anything_but_a_known_token_is_unauthorized(header):
    with pytest.raises(UnauthorizedError):
        TOKENS.authenticate({"Authorization": header}, basic=True)


def test_every_token_is_compared_in_constant_time(monkeypatch):
    calls = []
    compare = hmac.compare_digest

    def counting(a, b):
        calls.append((a, b))
        return compare(a, b)

    monkeypatch.setattr("periodkit.service.auth.hmac.compare_digest", counting)
    TOKENS.authenticate({"Authorization": "Bearer first"}, basic=False)
    assert [a for a, _ in calls] == [b"first", b"second", b"third"]


@pytest.mark.parametrize(
    ("scopes", "scope", "write", "allowed"),
    [
        (["*"], "entities", True, True),
        (["*:read"], "entities", True, False),
        (["entities:read"], "entities", False, True),
        (["entities:read"], "entities", True, False),
        (["entities"], "periods", False, False),
        (["activities"], "activities:Ticket", False, True),
        (["activities:read"], "activities:Ticket", False, True),
        (["activities:Ticket:read"], "activities:Ticket", False, True),
        (["activities:Ticket"], "activities:Problem", False, False),
        ([], "periods", False, False),
    ],
)
def test_scopes(scopes, scope, write, allowed):
    assert Grant("t", frozenset(scopes)).allows(scope, write=write) is allowed
