"""The demo answers each seed's own example as the seed does."""

import json

from tests import seeds

from periodkit.demo import SEED_004_BODY, load_sample, report

LINES = report(load_sample())


def section(title: str) -> list[str]:
    start = LINES.index(title)
    rest = LINES[start + 2 :]
    return rest[: rest.index("")] if "" in rest else rest


def test_period_algebra_section():
    lines = section("Periods: closed, with infinite defaults")
    assert "open on 2018-12-25T10:00Z? False" in lines
    assert "  Period(start='2019-01-02T00:00:00Z', end='2019-09-26T00:00:00Z')" in lines


def test_seed_000_actions_during_sprint_come_with_their_form_fields():
    lines = section("Seed 000: team periods and the actions during them")
    assert lines[1] == "Sprint 33: 9 actions, 7 with missing fields"
    assert "form={'department': 'Safety', 'budget': 1200}" in lines[2]


def test_seed_002_finds_ellen_browns_period():
    assert "  matches: ids [3] of 1;" in section("Seed 002: out of office periods, 4me filters")[1]


def test_seed_003_pages_the_sms_actions():
    meta = "'total_pages': 4, 'total_results': 12, 'page_number': 2, 'page_size': 3"
    assert meta in section("Seed 003: actions, JSON:API paging")[1]


def test_seed_004_gives_the_seeds_rows_in_the_seeds_order():
    lines = section("Seed 004: activities of T000027, the seed's own query")
    assert (
        lines[1] == "  Fields: Num (int), Details (memo), Activity (memo), Created_Date (datetime)"
    )
    assert [line.split(",")[0] for line in lines[2:]] == ["  [3", "  [2", "  [1"]


def test_seed_001_prints_the_seeds_view_and_propagates_an_update():
    lines = section("Seed 001: entity validity through the graph")
    end = next(i for i, line in enumerate(lines) if line.startswith("example-action-subscription"))
    assert json.loads("\n".join(lines[1:end])) == seeds.SEED_001_VIEW
    assert (
        lines[-4]
        == "  PeriodSet([Period(start='2017-01-01T00:00:00Z', end='2018-06-30T23:59:59Z')])"
    )
    assert [line.split(":")[0] for line in lines[-2:]] == [
        "  /periods/0/period_id",
        "  /periods/1/end_date",
    ]


def test_the_demo_asks_the_seed_004_question_as_the_seed_means_it():
    assert SEED_004_BODY == seeds.SEED_004_BODY
