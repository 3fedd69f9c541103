# Types of the parts of portion that periodkit uses (portion ships none).
import enum

class Bound(enum.Enum):
    CLOSED = True
    OPEN = False

class _PInf:
    def __neg__(self) -> _NInf: ...

class _NInf:
    def __neg__(self) -> _PInf: ...

inf: _PInf
