from collections.abc import Iterator
from typing import Any

from portion.const import Bound

class Interval:
    def __init__(self, *intervals: Interval) -> None: ...
    # The bounds of an atomic interval: instants or infinities.
    left: Bound
    lower: Any
    upper: Any
    right: Bound
    empty: bool
    def __iter__(self) -> Iterator[Interval]: ...

def closed(lower: Any, upper: Any) -> Interval: ...
def singleton(value: Any) -> Interval: ...
