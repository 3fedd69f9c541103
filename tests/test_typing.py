"""What a user's type checker sees: instants typed precisely, not as ``Any``.

The user's program is checked as a user would check it, with only the
installed package's own annotations (its ``py.typed``), not periodkit's
configuration.
"""

import textwrap

import pytest
from mypy import api

USER_PROGRAM = """
    import datetime as dt
    from periodkit import Period, parse_instant

    period = Period("2019-01-01", None)
    reveal_type(period.end)
    reveal_type(parse_instant("2019-01-01"))
    {line}
"""


def check(tmp_path, line: str) -> str:
    program = tmp_path / "user.py"
    program.write_text(textwrap.dedent(USER_PROGRAM.format(line=line)))
    # No config file: the user's settings, not periodkit's.
    stdout, _, _ = api.run(
        ["--strict", "--config-file", "", "--cache-dir", str(tmp_path / "cache"), str(program)]
    )
    return stdout


def test_an_instant_is_a_datetime_or_an_infinity(tmp_path):
    report = check(tmp_path, "")
    revealed = [line for line in report.splitlines() if "Revealed type" in line]
    assert len(revealed) == 2
    assert all('"datetime.datetime | periodkit.time.Infinity"' in line for line in revealed)


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("period.end.isoformat()", 'Item "Infinity" of "datetime | Infinity" has no attribute'),
        ("period.end + dt.timedelta(days=1)", "Unsupported operand types"),
    ],
)
def test_using_an_instant_as_a_datetime_unchecked_is_an_error(tmp_path, line, error):
    assert error in check(tmp_path, line)


def test_an_instant_narrowed_to_a_datetime_is_one(tmp_path):
    line = "print(period.end.isoformat() if isinstance(period.end, dt.datetime) else 'open')"
    report = check(tmp_path, line)
    assert "error" not in report, report
