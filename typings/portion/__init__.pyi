# Types of the parts of portion that periodkit uses (portion ships none), so that
# periodkit's own type check sees them. Not installed with periodkit.
from portion.const import Bound as Bound
from portion.const import inf as inf
from portion.interval import Interval as Interval
from portion.interval import closed as closed
from portion.interval import singleton as singleton

CLOSED: Bound
OPEN: Bound
