"""Actions: the columnar ``ActionTable``, custom form fields, and team periods.

``table`` holds ``ActionTable``; ``forms`` the sparse custom-field columns;
``team_periods`` a team's named timeframes and the actions during one.
"""

from periodkit.actions.table import ActionTable
from periodkit.actions.team_periods import TeamPeriods

__all__ = ["ActionTable", "TeamPeriods"]
