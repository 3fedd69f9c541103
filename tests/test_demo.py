"""The demo answers one request of each API through the service, then shows the domain."""

import json

from tests import seeds

from periodkit.demo import ACTIVITIES_BODY, generate, load_sample, report
from periodkit.service import Service

LINES = report(load_sample())


def section(title: str) -> list[str]:
    start = LINES.index(title)
    rest = LINES[start + 2 :]
    return rest[: rest.index("")] if "" in rest else rest


def test_period_algebra_section():
    lines = section("Periods: closed, with infinite defaults")
    assert "open on 2018-12-25T10:00Z? False" in lines
    assert "  Period(start='2019-01-02T00:00:00Z', end='2019-09-26T00:00:00Z')" in lines


def test_every_api_is_asked_once_through_the_service():
    asked = [line for line in LINES if line.split(" ")[0] in {"GET", "POST", "PUT"}]
    assert [line.split("?")[0].split(" {")[0] for line in asked] == [
        "GET /periods",
        "GET /periods/period-sprint-33/actions",
        "GET /period/view/example-action-id",
        "PUT /period/update/example-action-id",
        "GET /out_of_office_periods",
        "GET /auth/actions",
        "POST /api/v2/Activities/T000027",
        "PUT /period/update/example-office-id",
    ]
    statuses = [LINES[LINES.index(line) + 1] for line in asked]
    assert statuses == ["  -> 200"] * 3 + ["  -> 400"] + ["  -> 200"] * 4


def test_actions_during_the_sprint_come_with_their_form_fields():
    lines = section("Team periods and the actions during them")
    assert "  9 actions, 7 with missing fields" in lines
    assert any("form={'department': 'Safety', 'budget': 1200}" in line for line in lines)


def test_the_view_is_the_documented_one_and_a_bad_update_lists_every_problem():
    lines = section("Entity periods: a view, and an update refused whole")
    end = next(i for i, line in enumerate(lines) if line.startswith("PUT"))
    assert json.loads("\n".join(lines[2:end])) == seeds.SEED_001_VIEW
    assert [line.split(":")[0] for line in lines[-2:]] == [
        "  /periods/0/period_id",
        "  /periods/1/end_date",
    ]


def test_the_out_of_office_filter_finds_ellen_browns_period():
    lines = section("Out-of-office periods: 4me filters")
    assert lines[2].startswith("  id 3: person {'id': 196, 'name': 'Ellen Brown'}")


def test_the_sms_actions_are_paged():
    meta = "'total_pages': 4, 'total_results': 12, 'page_number': 2, 'page_size': 3"
    assert meta in section("Actions: JSON:API paging")[-1]


def test_the_activities_come_in_the_asked_order():
    lines = section("Activities: the Alloy Navigator query")
    assert (
        lines[2] == "  Fields: Num (int), Details (memo), Activity (memo), Created_Date (datetime)"
    )
    assert [line.split(",")[0] for line in lines[3:]] == ["  [3", "  [2", "  [1"]
    assert ACTIVITIES_BODY == seeds.SEED_004_BODY


def test_closing_the_office_narrows_the_subscription():
    lines = section("Effective validity through the entity graph")
    forever = "PeriodSet([Period(start='2017-01-01T00:00:00Z', end='2019-09-26T00:00:00Z')])"
    assert lines[0] == f"  example-office-id: {forever}"
    closed = "PeriodSet([Period(start='2017-01-01T00:00:00Z', end='2018-06-30T23:59:59Z')])"
    assert lines[-1] == f"  example-action-subscription-id: {closed}"


def test_the_actions_of_each_team_period_are_counted_both_ways():
    title = next(line for line in LINES if line.startswith("Actions during each team period"))
    lines = section(title)
    assert lines == [
        "  period-2024-q3: 37 overlap it, 36 lie within it",
        "  period-sprint-33: 9 overlap it, 9 lie within it",
    ]


def test_a_generated_dataset_is_valid_and_the_same_for_the_same_seed():
    text = "".join(generate(250, 40, seed=7))
    assert text == "".join(generate(250, 40, seed=7))
    document = json.loads(text)
    service = Service.from_dataset(document)
    assert len(service.data.actions) == 250 and len(service.data.graph) == 40
    kinds = {entity["type"] for entity in document["entities"]}
    assert kinds == {"OFFICE", "ACTION", "ACTION_SUBSCRIPTION"}
    assert len(document["periods"]) == 40


def test_progress_is_reported_after_each_part_up_to_the_total():
    seen: list[tuple[int, int]] = []
    for _ in generate(25_000, 3, progress=lambda done, total: seen.append((done, total))):
        pass
    assert seen == [(3, 25_003), (10_003, 25_003), (20_003, 25_003), (25_003, 25_003)]
