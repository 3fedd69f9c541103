"""Out-of-office periods (the 4me API of out-of-office periods): records, a store, availability.

``records`` holds the fields and the rules a write must keep, ``store`` the
in-memory store with its columnar query view, ``availability`` the
questions of who is out of office when, answered for all people at once.

>>> from periodkit import Period
>>> store = OutOfOfficeStore.from_records([
...     {"id": 1, "person": {"id": 7, "name": "Al"}, "start_at": "2019-12-23",
...      "end_at": "2019-12-27", "created_at": "2019-12-01"}])
>>> store.free_during(Period("2019-12-24", "2019-12-24T12:00:00Z"), [7, 8]).tolist()
[8]
"""

from periodkit.out_of_office.availability import AbsenceIndex
from periodkit.out_of_office.records import COLUMNS, FIELDS, References
from periodkit.out_of_office.store import OutOfOfficeStore, Selection, predefined_filter

__all__ = [
    "COLUMNS",
    "FIELDS",
    "AbsenceIndex",
    "OutOfOfficeStore",
    "References",
    "Selection",
    "predefined_filter",
]
