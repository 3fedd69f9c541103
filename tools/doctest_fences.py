"""A griffe extension for the docs site: docstring examples render as code.

The docstrings hold plain doctests (``>>>`` lines and their output) so that
pytest runs them; Markdown would read them as quotes. This fences each run
of example lines, up to the blank line that ends it as doctest ends it.
mkdocs.yml loads it for mkdocstrings.
"""

from __future__ import annotations

from typing import Any

import griffe


def fence(text: str) -> str:
    r"""``text`` with every doctest example wrapped in a ``pycon`` fence.

    >>> fence("Adds.\n\n>>> 1 + 1\n2\n\nDone.").splitlines()
    ['Adds.', '', '```pycon', '>>> 1 + 1', '2', '```', '', 'Done.']
    """
    out: list[str] = []
    inside = False
    for line in text.splitlines():
        if not inside and line.lstrip().startswith(">>>"):
            out.append("```pycon")
            inside = True
        elif inside and not line.strip():
            out.append("```")
            inside = False
        out.append(line)
    if inside:
        out.append("```")
    return "\n".join(out)


class DoctestFences(griffe.Extension):
    """Fence the examples of every docstring griffe loads."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = fence(obj.docstring.value)
