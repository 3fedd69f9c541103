"""The one reader of JSON documents: where each value is, what it must be, every problem found.

A ``Document`` reads one parsed JSON document (dicts, lists, text, numbers,
booleans and None), or one part of one. It keeps a pointer stack (``enter`` /
``leave``, or ``at`` in a ``with``) so that a problem is recorded at its JSON
pointer (RFC 6901: ``~`` is written ``~0`` and ``/`` is written ``~1``), and
one list of ``{"pointer", "detail"}`` problems. Its checks never raise on the
first problem: each records what is wrong and says whether the value can be
used, so that one pass lists every problem; ``check`` then refuses the
document whole with a ``ValidationError``.

The checks: ``mapping`` (an object, each key outside the allowed set a
problem at its own pointer), ``array``/``each`` (a list), ``kind`` (JSON
types, with a detail when absent or null is not allowed), ``nested`` (depth),
and ``bound``/``instant`` (dates). A reader adds its own rules with
``problem``. Dates go through ``periodkit.time``: call ``dates`` first with
every date the document holds (``values_at`` gathers them by path), so that
their texts are parsed together in one vector pass and reading each is a
lookup.

A document of a million records is read at the cost of its checks: a
pointer is spelled out only when a problem is recorded, and an object's keys
are compared with the allowed set in one step. ``limit`` keeps only the
first problems of a long list.

Nothing here walks a document recursively: the pointer stack, ``nested`` and
``loads`` (JSON text in) refuse nesting deeper than ``MAX_DEPTH`` levels, and
details quote values through ``short``, which cuts them to a bounded size.

>>> record = {"id": "a1", "colour": "red", "start_date": "2019-13-01", "tags/all": 1}
>>> doc = Document("/entities")
>>> doc.dates(values_at([record], "*/start_date"))
>>> with doc.at(0):
...     if doc.mapping(record, keys("id", "start_date")):
...         start = doc.bound(record.get("start_date"), "start", "start_date")
>>> [p["pointer"] for p in doc.problems]
['/entities/0/colour', '/entities/0/tags~1all', '/entities/0/start_date']
>>> doc.check()  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
periodkit.errors.ValidationError: /entities/0/colour: unknown field 'colour' (expected one of ...
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, KeysView, Mapping, Set
from contextlib import contextmanager
from itertools import chain, compress
from typing import Any, TypedDict, TypeGuard, Unpack

from periodkit.errors import ParseError, Problem, ValidationError, quote
from periodkit.time import BoundReader, Dialect, Side

#: How deep a document may nest (an object or array counts one level). Deeper
#: input is refused as a problem, well before Python's recursion limit.
MAX_DEPTH = 64

Key = str | int


class ArrayOptions(TypedDict, total=False):
    """How ``Document.array`` reads a list: ``required`` refuses null, ``what`` names it."""

    required: bool
    what: str | None


_NAMES: dict[type, str] = {
    dict: "object",
    list: "array",
    tuple: "array",
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    type(None): "null",
}
_CONTAINERS = frozenset({dict, list, tuple})
_JSON_CONTAINERS = frozenset({dict, list})
_IS_DICT, _IS_LIST = frozenset({dict}).__contains__, frozenset({list}).__contains__
_SCALARS = _NAMES.keys() - _CONTAINERS
# Reads every date alone: the reader of a document that announced none.
_NO_DATES = BoundReader(())


def escape(key: Key) -> str:
    """One JSON pointer segment: ``~`` becomes ``~0`` and ``/`` becomes ``~1``.

    >>> escape("a/b~c"), escape(3)
    ('a~1b~0c', '3')
    """
    return str(key).replace("~", "~0").replace("/", "~1")


def keys(*names: str) -> KeysView[str]:
    """The allowed keys of an object: a set (fast to test against) that keeps its order.

    >>> list(keys("id", "name")), {"id": 1}.keys() <= keys("id", "name")
    (['id', 'name'], True)
    """
    return dict.fromkeys(names).keys()


def json_type(value: object) -> str:
    """The JSON type name of a value (``object``, ``array``, ``string``, ``integer``,
    ``number``, ``boolean``, ``null``), or its Python type name when it is none of them.

    >>> json_type({}), json_type(True), json_type(2.5), json_type({1})
    ('object', 'boolean', 'number', 'set')
    """
    name = _NAMES.get(type(value))
    if name is not None:
        return name
    if isinstance(value, Mapping):
        return "object"
    return type(value).__name__


def short(value: object) -> str:
    """A value as a detail quotes it (``periodkit.errors.quote``).

    >>> short("x" * 200)[-20:], short([[[[[[1]]]]]])
    ("x…' (200 characters)", '[[[[...]]]]')
    """
    return quote(value)


def values_at(document: object, *paths: str) -> list[Any]:
    """Every value at the given paths; ``*`` stands for each item of an array.

    What does not fit a path (not an object, not an array) is skipped: the
    reading itself reports it. A path that ends at a missing key gives None.

    >>> values_at([{"periods": [{"end_date": 1}, 2]}, 3], "*/periods/*/end_date")
    [1]
    """
    found: list[Any] = []
    for path in paths:
        level = [document]
        for step in path.split("/"):
            if step == "*":
                level = [
                    item
                    for node in level
                    if type(node) is list or isinstance(node, tuple)
                    for item in node
                ]
            else:
                level = [
                    node.get(step)
                    for node in level
                    if type(node) is dict or isinstance(node, Mapping)
                ]
        found.extend(level)
    return found


def containers(values: list[Any]) -> list[int]:
    """The positions of the objects and arrays in a column of values meant to be scalars.

    The common answer, none, takes one pass at C speed.

    >>> containers(["a", None, [1], 2, {"b": 1}])
    [2, 4]
    """
    if set(map(type, values)) <= _SCALARS:
        return []
    return [index for index, value in enumerate(values) if _is_container(value)]


def _article(name: str) -> str:
    return f"an {name}" if name[0] in "aeiou" else f"a {name}"


def _is_container(value: object) -> bool:
    """Whether ``value`` is an object or an array (JSON types first: the ABC test is slow)."""
    kind = type(value)
    return kind in _CONTAINERS or (kind not in _NAMES and isinstance(value, Mapping))


def _too_deep(value: object, limit: int) -> bool:
    """Whether ``value`` nests more than ``limit`` levels, walked level by level (no recursion)."""
    level = [value]
    for _ in range(limit):
        if set(map(type, level)) <= _JSON_CONTAINERS:
            # Parsed JSON, the common case: a level is walked by builtins alone.
            inner = _inner(level)
            if not inner:
                return False
            level = inner
            continue
        inner = []
        for node in level:
            if type(node) is dict or isinstance(node, Mapping):
                inner.extend(v for v in node.values() if type(v) in _CONTAINERS)
            elif isinstance(node, list | tuple):
                inner.extend(v for v in node if type(v) in _CONTAINERS)
        if not inner:
            return False
        level = inner
    return True


def _inner(level: list[Any]) -> list[Any]:
    """The objects and arrays held by a level of dicts and lists, at C speed."""
    kinds = list(map(type, level))
    members = chain(
        chain.from_iterable(map(dict.values, compress(level, map(_IS_DICT, kinds)))),
        chain.from_iterable(compress(level, map(_IS_LIST, kinds))),
    )
    items = list(members)
    return list(compress(items, map(_CONTAINERS.__contains__, map(type, items))))


class Document:
    """The reading of one JSON document: where it is, and every problem found so far.

    ``at`` is the pointer of the part being read (``""``: the whole document).
    ``limit`` caps how many problems are kept: a table of ten million rows is
    better refused with its first problems than with all of them.

    >>> doc = Document()
    >>> doc.kind(True, ("string", "integer"), "team_id"), doc.problems[0]["detail"]
    (False, 'True is not a string or an integer')
    """

    __slots__ = ("_base", "_path", "_read", "limit", "problems")

    def __init__(self, at: str = "", *, limit: int | None = None) -> None:
        self._base = at
        self._path: list[Key] = []
        self._read = _NO_DATES
        self.limit = limit
        self.problems: list[Problem] = []

    # --- where ---------------------------------------------------------------------

    def enter(self, key: Key) -> None:
        """Step into ``key`` (an object key or an array index); ``leave`` steps out.

        Nesting beyond ``MAX_DEPTH`` refuses the document at once, so that a
        recursive reader stops there rather than at Python's recursion limit.
        """
        if len(self._path) >= MAX_DEPTH:
            self.problem(f"the document nests more than {MAX_DEPTH} levels deep", key)
            raise ValidationError(self.problems)
        self._path.append(key)

    def leave(self) -> None:
        """Step out of the key last entered."""
        self._path.pop()

    @contextmanager
    def at(self, key: Key) -> Iterator[None]:
        """``enter`` and ``leave`` around a block.

        >>> doc = Document("/periods")
        >>> with doc.at(0):
        ...     doc.pointer("end_date")
        '/periods/0/end_date'
        """
        self.enter(key)
        try:
            yield
        finally:
            self.leave()

    def pointer(self, *keys: Key | None) -> str:
        """The JSON pointer of where the reading is, or of ``keys`` below it (None: no step).

        >>> Document("/a").pointer(0, None, "b/c")
        '/a/0/b~1c'
        """
        path = [*self._path, *(key for key in keys if key is not None)]
        return self._base + "".join("/" + escape(step) for step in path)

    def problem(self, detail: str, *keys: Key | None, pointer: str | None = None) -> None:
        """Record a problem where the reading is, or at ``keys`` below it, or at ``pointer``
        (one spelled out earlier, for a check made after the pass)."""
        if self.limit is None or len(self.problems) < self.limit:
            where = self.pointer(*keys) if pointer is None else pointer
            self.problems.append({"pointer": where, "detail": detail})

    @property
    def full(self) -> bool:
        """Whether ``limit`` problems are recorded, so that a long scan may stop."""
        return self.limit is not None and len(self.problems) >= self.limit

    def check(self) -> None:
        """Refuse the document whole, with every problem recorded, if there is any.

        >>> Document().check()
        """
        if self.problems:
            raise ValidationError(self.problems[: self.limit])

    # --- shapes --------------------------------------------------------------------

    def mapping(
        self, value: object, allowed: Set[str] | None, key: Key | None = None
    ) -> TypeGuard[Mapping[str, Any]]:
        """Whether ``value`` is an object; each key outside ``allowed`` is a problem at its
        own pointer (``None`` allows every key). An object with a stray key is still
        usable: the caller may read the rest of it.

        >>> doc = Document()
        >>> doc.mapping({"a": 1, "b/c": 2}, keys("a")), doc.problems[0]["pointer"]
        (True, '/b~1c')
        """
        if type(value) is not dict and not isinstance(value, Mapping):
            self.problem(f"{short(value)} is not an object", key)
            return False
        if allowed is not None and not value.keys() <= allowed:
            expected = ", ".join(allowed)
            for name in value:
                if name not in allowed:
                    detail = f"unknown field {short(name)} (expected one of {expected})"
                    self.problem(detail, key, name)
        return True

    def array(
        self,
        value: object,
        key: Key | None = None,
        *,
        required: bool = False,
        what: str | None = None,
    ) -> list[Any]:
        """``value`` as a list; absent or null is an empty one unless ``required``.

        Besides lists, any iterable that is not text, an object or a set is
        taken, in its order (a document built in Python may hold a tuple or a
        generator). ``what`` names the array in the detail of a problem.

        >>> doc = Document()
        >>> doc.array(None), doc.array({"a": 1}, "periods"), doc.problems[0]["detail"]
        ([], [], "{'a': 1} is not an array")
        >>> doc.array("abc", what="the period records"), doc.problems[1]["detail"]
        ([], "the period records must be a list, not 'abc'")
        """
        if type(value) is list:
            return value
        if isinstance(value, Iterable) and not isinstance(value, str | bytes | Mapping | Set):
            return list(value)
        if value is not None or required:
            if what is None:
                self.problem(f"{short(value)} is not an array", key)
            else:
                self.problem(f"{what} must be a list, not {short(value)}", key)
        return []

    def each(
        self, value: object, key: Key | None = None, **options: Unpack[ArrayOptions]
    ) -> Iterator[tuple[int, Any]]:
        """The items of an array with their indices, the reading entered at each in turn.

        >>> doc = Document()
        >>> for index, item in doc.each([1, "x"], "ids"):
        ...     _ = doc.kind(item, ("integer",))
        >>> doc.problems[0]["pointer"]
        '/ids/1'
        """
        items = self.array(value, key, **options)
        if not items:
            return
        if key is not None:
            self.enter(key)
        self.enter(0)
        path = self._path
        try:
            for index, item in enumerate(items):
                # The index slot is rewritten in place: cheaper than a push and a pop per item.
                path[-1] = index
                yield index, item
        finally:
            self.leave()
            if key is not None:
                self.leave()

    def kind(
        self,
        value: object,
        kinds: tuple[str, ...],
        key: Key | None = None,
        *,
        missing: str | None = None,
    ) -> bool:
        """Whether ``value`` is one of the JSON types ``kinds`` (``number`` takes integers).

        Absent or null is allowed unless ``missing`` is given: the detail of
        the problem recorded then.

        >>> doc = Document()
        >>> doc.kind(None, ("string",), "id", missing="an entity needs an id")
        False
        >>> doc.kind(None, ("string",), "name"), doc.kind(3, ("number",))
        (True, True)
        """
        if value is None:
            if missing is None:
                return True
            self.problem(missing, key)
            return False
        name = json_type(value)
        if name in kinds or (name == "integer" and "number" in kinds):
            return True
        expected = " or ".join(_article(kind) for kind in kinds)
        self.problem(f"{short(value)} is not {expected}", key)
        return False

    def nested(self, value: object, key: Key | None = None) -> bool:
        """Whether ``value`` (any JSON, such as a record's opaque ``data``) nests at most
        ``MAX_DEPTH`` levels below where the reading is; deeper is a problem.

        >>> deep = []
        >>> for _ in range(100):
        ...     deep = [deep]
        >>> doc = Document()
        >>> doc.nested({"a": [1]}), doc.nested(deep, "data"), doc.problems[0]["pointer"]
        (True, False, '/data')
        """
        if not _is_container(value):
            return True
        if not _too_deep(value, MAX_DEPTH - len(self._path)):
            return True
        self.problem(f"{short(value)} nests more than {MAX_DEPTH} levels deep", key)
        return False

    # --- dates ---------------------------------------------------------------------

    def dates(self, values: Iterable[object], dialect: Dialect = "iso") -> None:
        """Parse, in one vector pass, the dates the reading is about to meet.

        ``bound`` and ``instant`` then look each text up; one that was not
        given here is still read, alone.
        """
        self._read = BoundReader(values, dialect)

    def bound(self, value: object, side: Side, key: Key, *, prefix: str = "") -> int | None:
        """One bound of a period in the vector form, absent or null being that side's
        infinity; None after recording the problem (``prefix`` starts its detail).

        >>> doc = Document()
        >>> doc.bound("1970-01-01T00:00:01Z", "start", "start_date")
        1000000
        >>> doc.bound([1], "end", "end_date"), doc.problems[0]["detail"]
        (None, '[1] is not an instant')
        """
        if type(value) is not str and _is_container(value):
            # A container's own repr could nest without bound: it never reaches the parser.
            self.problem(f"{prefix}{short(value)} is not an instant", key)
            return None
        try:
            return self._read(value, side)
        except ParseError as exc:
            self.problem(f"{prefix}{exc}", key)
            return None

    def instant(self, value: object, key: Key) -> int | None:
        """An optional instant (such as ``created_at``) in the vector form; None when it is
        absent, null, or a problem (recorded).

        >>> Document().instant("1970-01-01T00:00:00.000002Z", "created_at")
        2
        """
        return None if value is None else self.bound(value, "start", key)


def loads(text: str | bytes) -> Any:
    """Parse JSON text into a document, refusing what is not JSON or nests too deep.

    ``NaN`` and ``Infinity`` are not JSON; nesting deeper than ``MAX_DEPTH``
    is refused before it can exhaust Python's recursion limit.

    >>> loads('{"periods": []}')
    {'periods': []}
    >>> loads("[" * 10_000 + "]" * 10_000)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    periodkit.errors.ValidationError: : the document nests more than 64 levels deep
    """

    def refuse(name: str) -> None:
        raise ValueError(f"{name} is not a JSON value")

    deep: Problem = {
        "pointer": "",
        "detail": f"the document nests more than {MAX_DEPTH} levels deep",
    }
    try:
        document = json.loads(text, parse_constant=refuse)
    except RecursionError:
        raise ValidationError([deep]) from None
    except (ValueError, TypeError) as exc:
        # JSONDecodeError and UnicodeDecodeError are ValueErrors; a non-text is a TypeError.
        raise ValidationError([{"pointer": "", "detail": f"not a JSON document: {exc}"}]) from None
    if _too_deep(document, MAX_DEPTH):
        raise ValidationError([deep])
    return document
