"""Who is asking, and what they may do: tokens, teams and scopes.

A dataset without tokens is served to anyone, across every team (single-user
embedded use). With tokens, a request carries ``Authorization: Bearer
<token>`` (the actions API also takes ``Basic`` with the token as the
password). A token belongs to one team and holds scopes: an API's name
(``periods``, ``entities``, ``out_of_office``, ``actions``, ``activities``),
``activities:<Class>`` for one activity class, or ``*`` for all; a scope
ending in ``:read`` allows only reads.

>>> records = [{"token": "s3cret", "team_id": "t1", "scopes": ["entities:read"]}]
>>> tokens = Tokens.from_records(records)
>>> grant = tokens.authenticate({"Authorization": "Bearer s3cret"}, basic=False)
>>> grant.team_id, grant.allows("entities", write=False), grant.allows("entities", write=True)
('t1', True, False)
>>> tokens.authenticate({}, basic=False)
Traceback (most recent call last):
...
periodkit.service.errors.UnauthorizedError: the request has no Authorization header
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from periodkit.service.errors import UnauthorizedError

_READ = ":read"


@dataclass(frozen=True)
class Grant:
    """What one request may see: a team (None: every team) and scopes (None: all)."""

    team_id: Any
    scopes: frozenset[str] | None

    def allows(self, scope: str, *, write: bool) -> bool:
        """Whether the scopes cover ``scope`` (``activities:Ticket`` is covered by
        ``activities`` too) for a read, or for a write when ``write``.

        >>> Grant("t", frozenset({"activities:read"})).allows("activities:Ticket", write=False)
        True
        >>> Grant("t", frozenset({"activities:Ticket"})).allows("activities:Other", write=False)
        False
        """
        if self.scopes is None:
            return True
        wanted = {"*", scope, scope.split(":", 1)[0]}
        for held in self.scopes:
            read_only = held.endswith(_READ)
            base = held[: -len(_READ)] if read_only else held
            if base in wanted and not (write and read_only):
                return True
        return False

    def sees(self, team_id: Any) -> bool:
        """Whether data of ``team_id`` is visible (data without a team belongs to every team).

        >>> Grant("t1", None).sees("t2"), Grant(None, None).sees("t2"), Grant("t1", None).sees(None)
        (False, True, True)
        """
        return self.team_id is None or team_id is None or team_id == self.team_id


#: The grant of a dataset without tokens.
OPEN = Grant(None, None)


@dataclass(frozen=True)
class Tokens:
    """The dataset's tokens, each as bytes with its grant."""

    entries: tuple[tuple[bytes, Grant], ...]

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> Tokens:
        """Tokens from validated ``tokens`` records of a dataset.

        >>> Tokens.from_records([]).authenticate({}, basic=False) is OPEN
        True
        """
        return cls(
            tuple(
                (
                    _bytes(record["token"]),
                    Grant(record.get("team_id"), frozenset(record.get("scopes", ()))),
                )
                for record in records
            )
        )

    def authenticate(self, headers: Mapping[str, str], *, basic: bool) -> Grant:
        """The grant of the request's token; ``UnauthorizedError`` without a known one.

        Every token is compared, in constant time each, whatever matched before,
        so the time taken says nothing about which tokens exist.

        >>> tokens = Tokens.from_records([{"token": "k", "team_id": 1, "scopes": ["*"]}])
        >>> tokens.authenticate({"authorization": "Basic OmFr"}, basic=True).team_id
        Traceback (most recent call last):
        ...
        periodkit.service.errors.UnauthorizedError: the request's token is not known
        >>> tokens.authenticate({"authorization": "Basic dTpr"}, basic=True).team_id
        1
        """
        if not self.entries:
            return OPEN
        given = _token(headers, basic=basic)
        found: Grant | None = None
        for token, grant in self.entries:
            if hmac.compare_digest(token, given) and found is None:
                found = grant
        if found is None:
            raise UnauthorizedError("the request's token is not known")
        return found


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogatepass")


def _token(headers: Mapping[str, str], *, basic: bool) -> bytes:
    """The token an Authorization header carries."""
    value = next(
        (v for k, v in headers.items() if isinstance(k, str) and k.lower() == "authorization"),
        None,
    )
    if not isinstance(value, str):
        raise UnauthorizedError("the request has no Authorization header")
    scheme, _, credentials = value.strip().partition(" ")
    credentials = credentials.strip()
    if scheme.lower() == "bearer" and credentials:
        return _bytes(credentials)
    if scheme.lower() == "basic" and basic:
        try:
            decoded = base64.b64decode(credentials.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError):
            raise UnauthorizedError("the Basic credentials are not base64") from None
        _, colon, password = decoded.partition(b":")
        if colon:
            return password
        raise UnauthorizedError("the Basic credentials have no password")
    allowed = "Bearer or Basic" if basic else "Bearer"
    raise UnauthorizedError(f"the Authorization header is not of the {allowed} scheme")
