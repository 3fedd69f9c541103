"""The store interface, and the in-memory store that keeps nothing beyond the process."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol

from periodkit.errors import PeriodkitError
from periodkit.service.dataset import Dataset, load

#: What a write changed: (dataset key, record id) pairs, in the order written.
Changes = list[tuple[str, Any]]
Source = Mapping[str, Any] | str | os.PathLike[str]


class StoreError(PeriodkitError):
    """A store cannot be opened, read or written (the file, its schema, or the database)."""


class Store(Protocol):
    """Where a service's dataset lives between requests (see the package's docstring)."""

    def open(self, source: Source | None) -> Dataset:
        """The dataset to serve; ``source`` (a document or a path) seeds an empty store."""
        ...

    def refresh(self, data: Dataset) -> None:
        """Bring ``data`` up to date with what other processes committed."""
        ...

    def write(self, data: Dataset) -> AbstractContextManager[Changes]:
        """A context manager around one write request, yielding its ``Changes`` list to fill;
        leaving it normally commits them, leaving it by an exception changes nothing."""
        ...

    def dump(self, data: Dataset) -> dict[str, Any]:
        """The dataset document of the stored state."""
        ...

    def close(self) -> None:
        """Release what the store holds open."""
        ...


class MemoryStore:
    """The dataset in memory only: writes last as long as the process.

    >>> store = MemoryStore()
    >>> store.open(None).graph.ids
    []
    """

    def open(self, source: Source | None) -> Dataset:
        """The dataset ``source`` holds (an empty one for None)."""
        return load({} if source is None else source)

    def refresh(self, data: Dataset) -> None:
        """Nothing to do: no other process shares this memory."""

    @contextmanager
    def write(self, data: Dataset) -> Iterator[Changes]:
        """The write is done once the route has changed memory: nothing to persist."""
        yield []

    def dump(self, data: Dataset) -> dict[str, Any]:
        """The document of the state in memory."""
        return data.dump()

    def close(self) -> None:
        """Nothing is held open."""
