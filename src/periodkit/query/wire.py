"""Request-parameter and JSON-shape helpers that the grammars share.

The grammars read parameters already decoded: ``(name, value)`` pairs or a
mapping. Decoding a URL's query string is the caller's business (the service
does it), so a raw query string is refused here rather than guessed at.

>>> pairs([("a", "1"), ("b", ""), ("a", ">2")])
[('a', '1'), ('b', ''), ('a', '>2')]
>>> pairs({"page": 2})
[('page', '2')]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from periodkit.documents import Document, short
from periodkit.errors import BodyShapeError, quote

Params = Mapping[str, Any] | Iterable[tuple[str, Any]] | None


def pairs(params: Params) -> list[tuple[str, str]]:
    """Request parameters as ``(name, value)`` text pairs, in request order.

    Takes decoded parameters: a mapping or a sequence of pairs. A mapping
    value that is a list gives one pair per item. A raw query string is
    refused: its percent-encoding is for the caller to decode.

    >>> pairs([('a', '1'), ('b', ''), ('a', 'x y')])
    [('a', '1'), ('b', ''), ('a', 'x y')]
    >>> pairs({'a': [1, None]})
    [('a', '1'), ('a', '')]
    >>> pairs('a=1&b=2')  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    periodkit.errors.BodyShapeError: The request parameters ... not the raw text 'a=1&b=2'.
    >>> pairs(5)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    periodkit.errors.BodyShapeError: The request parameters must be decoded ... mapping, not 5.
    """
    if params is None:
        return []
    if isinstance(params, str | bytes):
        raise BodyShapeError(
            "The request parameters must be decoded (name, value) pairs or a mapping, "
            f"not the raw text {short(params)}.",
            None,
        )
    if isinstance(params, Mapping):
        items: Iterable[Any] = params.items()
    elif isinstance(params, Iterable):
        items = params
    else:
        raise BodyShapeError(
            "The request parameters must be decoded (name, value) pairs or a mapping, "
            f"not {quote(params)}.",
            None,
        )
    found: list[tuple[str, str]] = []
    for index, item in enumerate(items):
        # Checked here so that a malformed item is a periodkit error, not an unpacking one.
        if not isinstance(item, list | tuple) or len(item) != 2:
            raise BodyShapeError(
                f"Request parameter {index} must be a (name, value) pair, not {quote(item)}.", None
            )
        name, value = item
        values = value if isinstance(value, list | tuple) else [value]
        found.extend((_text(name), "" if v is None else _text(v)) for v in values)
    return found


def _text(value: object) -> str:
    """A parameter's name or value as text: only text and plain numbers convert."""
    if isinstance(value, str):
        return value
    # A number of more digits than any parameter holds would take long to write out.
    if isinstance(value, int | float) and not (isinstance(value, int) and value.bit_length() > 256):
        return str(value)
    raise BodyShapeError(f"Request parameter {quote(value)} is not text or a number.", None)


def json_object(value: object, allowed: Iterable[str], location: str) -> dict[str, Any]:
    """A JSON object whose keys (matched case-insensitively) are all ``allowed``; keys lowered.

    >>> json_object({"Name": "Num"}, ["name", "value"], "/filters/0")
    {'name': 'Num'}
    >>> json_object([], ["name"], "/filters/0")
    Traceback (most recent call last):
    ...
    periodkit.errors.BodyShapeError: /filters/0 must be a JSON object, not [].
    >>> try:
    ...     json_object({"a/b": 1}, ["name"], "")
    ... except BodyShapeError as error:
    ...     error.message, error.location
    ("Parameter 'a/b' at / is unknown (expected name).", '/a~1b')
    """
    doc = Document(location)
    if not doc.mapping(value, None):
        raise BodyShapeError(
            f"{location or 'The body'} must be a JSON object, not {short(value)}.", location
        )
    allowed = tuple(allowed)
    found: dict[str, Any] = {}
    for key, item in value.items():
        name = key.lower() if isinstance(key, str) else key
        if name not in allowed:
            raise BodyShapeError(
                f"Parameter {short(key)} at {location or '/'} is unknown "
                f"(expected {', '.join(allowed)}).",
                doc.pointer(key),
            )
        if name in found:
            raise BodyShapeError(
                f"Parameter {short(key)} at {location or '/'} is given twice.", location
            )
        found[name] = item
    return found


def json_list(value: object, location: str) -> list[Any]:
    """A JSON array (null or absent is empty); anything else is a ``BodyShapeError``.

    >>> json_list(None, '/fields')
    []
    >>> json_list({'a': 1}, '/fields')
    Traceback (most recent call last):
    ...
    periodkit.errors.BodyShapeError: /fields must be a JSON array, not {'a': 1}.
    """
    doc = Document(location)
    items = doc.array(value)
    if doc.problems:
        raise BodyShapeError(f"{location} must be a JSON array, not {short(value)}.", location)
    return items
