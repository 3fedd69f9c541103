"""Datasets holding the seeds' own example records, and the error shape of each API."""

from __future__ import annotations

import copy
from typing import Any

from periodkit.demo import load_sample

SEED_ACTION_ID = "7e610e23-d1f2-4f90-b5b7-3ddd7b32ad7c"
# The action of seed 003's example response, as that response writes it.
SEED_003_ACTION = {
    "id": SEED_ACTION_ID,
    "category": "SMS",
    "description": "Send messages",
    "record_type": "action",
    "created_at": "2018-02-08T18:49:22.998023Z",
    "updated_at": "2018-02-08T18:49:22.998023Z",
}


def _sms(number: int) -> dict[str, Any]:
    day = f"2024-08-{number:02d}"
    return {
        "id": f"sms-{number:02d}",
        "team_id": "team-1",
        "category": "SMS",
        "description": f"Reminder {number}",
        "status": "done",
        "user": {"id": "u-2", "name": "Arya Stark"},
        "start_date": f"{day}T08:00:00.000Z",
        "end_date": f"{day}T09:00:00.000Z",
        "created_at": f"{day}T07:00:00.000Z",
        "updated_at": f"{day}T07:00:00.000Z",
    }


def seed_dataset() -> dict[str, Any]:
    """One team: the seeds' example period, entity and activity records, and 14 actions.

    Thirteen actions are SMS, the third of them seed 003's example; one is a Call.
    The one out-of-office period is seed 002's example, id 3.
    In Sprint 33 (2024-08-12..25) lie, by start: sms-12, the seed's action, sms-13, call-1.
    """
    sample = load_sample()
    seed_action = next(a for a in sample["actions"] if a["id"] == SEED_ACTION_ID)
    actions = [_sms(n) for n in range(1, 14)]
    actions[2] = seed_action
    actions.append(
        {
            "id": "call-1",
            "team_id": "team-1",
            "category": "Call",
            "start_date": "2024-08-13T09:00:00.000Z",
            "form": {"department": "Finance"},
        }
    )
    return {
        "teams": sample["teams"],
        "periods": sample["periods"],
        "entities": sample["entities"],
        "actions": actions,
        "activity_classes": [
            *sample["activity_classes"],
            {"name": "Problem", "prefix": "PRB", "fields": {"Num": "int", "Title": "string"}},
        ],
        "activities": [*sample["activities"], {"oid": "PRB001", "Num": 1, "Title": "Leak"}],
        "out_of_office_periods": sample["out_of_office_periods"],
    }


TOKENS = {
    "all": {"token": "team-1-all", "team_id": "team-1", "scopes": ["*"]},
    "read": {
        "token": "team-1-read",
        "team_id": "team-1",
        "scopes": [
            "periods:read",
            "entities:read",
            "out_of_office:read",
            "actions:read",
            "activities:Ticket:read",
        ],
    },
    "none": {"token": "team-1-none", "team_id": "team-1", "scopes": []},
    "other": {"token": "team-2-all", "team_id": "team-2", "scopes": ["*"]},
}


def team_dataset() -> dict[str, Any]:
    """``seed_dataset`` with a second team's records around it, and the ``TOKENS``.

    team-2 has a period, an office above example-action-id and a subscription
    below it, an SMS action during Sprint 33 and out-of-office period 4.
    """
    data = copy.deepcopy(seed_dataset())
    data["teams"].append({"id": "team-2", "name": "Other team"})
    data["periods"].append(
        {
            "id": "period-other",
            "team_id": "team-2",
            "name": "Other sprint",
            "start_date": "2024-08-12T00:00:00.000Z",
            "end_date": "2024-08-25T23:59:59.999Z",
            "markers": [],
        }
    )
    data["entities"].extend(
        [
            {"id": "other-office", "type": "OFFICE", "name": "Other office", "team_id": "team-2"},
            {
                "id": "other-subscription",
                "type": "ACTION_SUBSCRIPTION",
                "name": "Other subscription",
                "team_id": "team-2",
                "parents": [{"id": "example-action-id"}],
            },
        ]
    )
    action = next(e for e in data["entities"] if e["id"] == "example-action-id")
    action["parents"].append({"id": "other-office"})
    data["actions"].append(
        {
            "id": "other-1",
            "team_id": "team-2",
            "category": "SMS",
            "start_date": "2024-08-14T08:00:00.000Z",
        }
    )
    data["out_of_office_periods"].append(
        {
            "id": 4,
            "team_id": "team-2",
            "person": {"id": 7, "name": "Other Person"},
            "start_at": "2019-11-18T00:00:00Z",
            "end_at": "2019-11-19T00:00:00Z",
            "created_at": "2019-11-01T00:00:00Z",
        }
    )
    data["tokens"] = copy.deepcopy(list(TOKENS.values()))
    return data


def bearer(name: str) -> dict[str, str]:
    """The headers of a request made with one of ``TOKENS``."""
    return {"Authorization": f"Bearer {TOKENS[name]['token']}"}


def has_error_shape(api: str, body: Any) -> bool:
    """Whether ``body`` is an error of ``api`` in its documented shape."""
    if api == "periods":
        error = body.get("error") if isinstance(body, dict) else None
        return (
            list(body) == ["error"]
            and isinstance(error, dict)
            and list(error) == ["status", "title", "detail"]
            and all(isinstance(error[k], str) for k in ("title", "detail"))
        )
    if api == "entities":
        if isinstance(body, dict) and body.get("done") == "false":
            return list(body) == ["done", "errors"] and all(
                list(p) == ["pointer", "detail"] for p in body["errors"]
            )
        return isinstance(body, dict) and isinstance(body.get("error"), str)
    if api == "out_of_office":
        if not isinstance(body, dict) or not isinstance(body.get("message"), str):
            return False
        if "errors" in body:
            return (
                list(body) == ["message", "errors"]
                and body["message"] == "Validation Failed"
                and bool(body["errors"])
                and all(
                    isinstance(pair, list)
                    and len(pair) == 2
                    and all(isinstance(v, str) for v in pair)
                    for pair in body["errors"]
                )
            )
        return list(body) == ["message"]
    if api == "actions":
        errors = body.get("errors") if isinstance(body, dict) else None
        return (
            list(body) == ["errors"]
            and bool(errors)
            and all(
                list(e) == ["code", "title", "detail", "pointer"]
                and all(isinstance(v, str) for v in e.values())
                and e["code"].isdigit()
                for e in errors
            )
        )
    return (
        isinstance(body, dict)
        and list(body) == ["success", "errorCode", "errorText", "responseObject"]
        and body["success"] is False
        and body["errorCode"] != 0
        and isinstance(body["errorText"], str)
        and body["responseObject"] is None
    )
