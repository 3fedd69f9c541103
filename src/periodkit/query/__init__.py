"""One query engine, three grammars: Activities, 4me and JSON:API.

Every grammar parses a request into the IR of ``periodkit.query.ir``, joined
in a ``Query`` (``periodkit.query.select``); one evaluator
(``periodkit.query.evaluate``) runs it on columnar data. The paged grammars
read what a table allows from one description, a ``Collection``.

>>> import pandas as pd
>>> frame = pd.DataFrame({"Num": [1, 2, 3], "Activity": ["a", "B", "c"]})
>>> q = parse_activities({"sort": [{"property": "num", "direction": "DESC"}], "limit": 2},
...                      {"Num": "int", "Activity": "string"})
>>> q.evaluate(frame)["Num"].tolist()
[3, 2]
"""

from periodkit.query.activities import parse_activities, parse_activities_form
from periodkit.query.collection import Collection
from periodkit.query.evaluate import Result, Table
from periodkit.query.fourme import FourMeRequest, parse_fourme
from periodkit.query.ir import Page, Predicate, SortKey, Span
from periodkit.query.jsonapi import JsonApiRequest, parse_jsonapi
from periodkit.query.live import LiveTable
from periodkit.query.schema import Column, Schema
from periodkit.query.select import Query

__all__ = [
    "Collection",
    "Column",
    "FourMeRequest",
    "JsonApiRequest",
    "LiveTable",
    "Page",
    "Predicate",
    "Query",
    "Result",
    "Schema",
    "SortKey",
    "Span",
    "Table",
    "parse_activities",
    "parse_activities_form",
    "parse_fourme",
    "parse_jsonapi",
]
