"""Where a service keeps its dataset: in memory (the default), or in a SQLite file.

A store hands the service its ``Dataset`` (``open``), brings it up to date
with writes made by other processes before a request is answered
(``refresh``), and wraps every write request in one transaction (``write``):
the write route changes the in-memory domain objects and notes the records it
changed; the store then persists exactly those records and commits, and the
answer leaves only after the commit. Reads are always served from memory.

>>> store = MemoryStore()
>>> data = store.open({"entities": [{"id": "a"}]})
>>> with store.write(data) as changes:
...     changes.append(("entities", "a"))
>>> store.dump(data)["entities"][0]["id"]
'a'
"""

from periodkit.service.store.base import MemoryStore, Store, StoreError
from periodkit.service.store.sqlite import SCHEMA_VERSION, SQLiteStore

__all__ = ["SCHEMA_VERSION", "MemoryStore", "SQLiteStore", "Store", "StoreError"]
