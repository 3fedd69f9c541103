"""Hypothesis' entry point: ``st.from_type`` knows periodkit's values.

Hypothesis calls :func:`_hypothesis_setup_hook` when it is imported, in every
environment where periodkit is installed, so this module stays light: it
loads the strategies (and pandas with them) only when a test first asks for a
``Period`` or a ``PeriodSet``.

>>> from hypothesis import find, strategies as st
>>> from periodkit import Period, PeriodSet
>>> _hypothesis_setup_hook()
>>> find(st.from_type(Period), lambda p: p.hi > p.lo)
Period(start=None, end=None)
>>> len(find(st.from_type(PeriodSet), lambda s: len(s) >= 2))
2
"""

from __future__ import annotations

from hypothesis import strategies as st

from periodkit.periods import Period, PeriodSet


def _periods(_: type[Period]) -> st.SearchStrategy[Period]:
    from periodkit.strategies import periods

    return periods()


def _period_sets(_: type[PeriodSet]) -> st.SearchStrategy[PeriodSet]:
    from periodkit.strategies import period_sets

    return period_sets()


def _hypothesis_setup_hook() -> None:
    """Register the default strategies of ``Period`` and ``PeriodSet`` with hypothesis."""
    st.register_type_strategy(Period, _periods)
    st.register_type_strategy(PeriodSet, _period_sets)
