"""The seeds' own example documents, shared by the tests that check them."""

import json

# The example of seed 001 (GET /period/view/{id}), as the seed prints it.
SEED_001_VIEW = json.loads("""
{
"entity_type": "ACTION",
"entity_name": "Base safety (4 hours)",
"owned": [
{
"period_id": "example-period-id",
"data": null,
"start_date": "2017-01-01 00:00:00",
"end_date": "2019-09-26 00:00:00",
"entity_id": "example-action-id",
"entity_name": "Base safety (4 hours)",
"entity_type": "ACTION"
}
],
"child": {
"example-action-subscription-id": [
{
"dep_id": "example-action-id",
"dep_type": "ACTION",
"start_date": "2017-01-01 00:00:00",
"end_date": "2019-09-26 00:00:00",
"entity_id": "example-action-subscription-id",
"entity_name": "Jon Snow on Base safety (4 hours)",
"entity_type": "ACTION_SUBSCRIPTION",
"level": "0"
}
]
},
"parent": {
"example-office-id": [
{
"dep_id": "example-office-id",
"dep_type": "OFFICE",
"dep_name": "San Jose central office",
"start_date": "2017-01-01 00:00:00",
"end_date": "2019-09-26 00:00:00",
"entity_id": "example-action-id",
"entity_type": "ACTION",
"level": "0"
}
]
}
}
""")

# The seed's body is not valid JSON (braces around `fields`, missing commas);
# this is the body it means.
SEED_004_BODY = {
    "offset": 0,
    "sort": [{"property": "Num", "direction": "desc"}],
    "limit": 0,
    "fields": ["Num", "Details", "Activity", "Created_Date"],
    "filters": [{"name": "Created_Date", "operation": "=", "value": "2019-12"}],
}

# The first record of seed 002's list example (GET /out_of_office_periods), as printed.
SEED_002_LIST_ITEM = json.loads("""
{
"id": 3,
"sourceID": null,
"person": {
"id": 196,
"name": "Ellen Brown"
},
"start_at": "2019-11-18T06:00:00Z",
"end_at": "2019-11-18T15:45:15Z",
"created_at": "2019-11-18T08:10:52-06:00",
"updated_at": "2019-11-18T09:45:16-06:00"
}
""")

# Seed 002's single-record example (GET /out_of_office_periods/3), as printed.
SEED_002_RECORD = json.loads("""
{
"approval_delegate": null,
"created_at": "2019-11-18T08:10:52-06:00",
"end_at": "2019-11-18T15:45:15Z",
"id": 3,
"person": {
"id": 196,
"name": "Ellen Brown"
},
"reason": "Time Off - Vacation",
"source": "4me",
"sourceID": null,
"start_at": "2019-11-18T06:00:00Z",
"time_allocation": {
"id": 2,
"group": "Time Off",
"name": "Vacation",
"account": {
"id": "wdc",
"name": "Widget Data Center"
},
"localized_name": "Vacation"
},
"updated_at": "2019-11-18T09:45:16-06:00"
}
""")
