"""The service facade: the APIs of a dataset answered in memory through ``Service.handle``.

>>> service = Service.from_dataset({"periods": [{"id": 1, "name": "Q3"}]})
>>> response = service.handle("GET", "/periods")
>>> response.status, [p["name"] for p in response.body["periods"]]
(200, ['Q3'])
"""

from periodkit.service.app import Service
from periodkit.service.routing import Response

__all__ = ["Response", "Service"]
