"""Hypothesis' entry point: ``st.from_type`` draws periodkit's values in a user's tests.

This module must not import ``periodkit.strategies``: a user's tests reach
the strategies through ``st.from_type`` alone.
"""

import subprocess
import sys
from importlib.metadata import entry_points

from hypothesis import given
from hypothesis import strategies as st

from periodkit import Period, PeriodSet


def test_the_package_declares_the_hook_to_hypothesis():
    hooks = {entry.value for entry in entry_points(group="hypothesis")}
    assert "periodkit._hypothesis:_hypothesis_setup_hook" in hooks


@given(st.from_type(Period), st.from_type(PeriodSet))
def test_from_type_draws_periods_and_period_sets(period, period_set):
    assert isinstance(period, Period) and period.lo <= period.hi
    assert isinstance(period_set, PeriodSet) and ~~period_set == period_set


def test_a_fresh_interpreter_resolves_the_types_and_loads_the_strategies_only_when_asked():
    code = """
import sys
import hypothesis.strategies as st
import periodkit
assert "periodkit.strategies" not in sys.modules, "the hook loaded the strategies early"
period = st.from_type(periodkit.Period).example()
period_set = st.from_type(periodkit.PeriodSet).example()
assert "periodkit.strategies" in sys.modules
print(type(period).__name__, type(period_set).__name__)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["Period", "PeriodSet"]
