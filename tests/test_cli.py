import subprocess
import sys

import pytest

from periodkit.cli import demo_lines, main


def test_demo_reports_the_algebra(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "open on 2018-12-25T10:00Z? False" in out
    assert "Period(start='2019-01-02T00:00:00Z', end='2019-09-26T00:00:00Z')" in out
    assert "+inf in each   -> None / 9999-12-31 23:59:59" in out


def test_demo_lines_are_the_printed_report(capsys):
    main(["demo"])
    assert capsys.readouterr().out.splitlines() == demo_lines()


def test_python_dash_m_runs_the_same_command():
    done = subprocess.run(
        [sys.executable, "-m", "periodkit", "demo"], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines()[0] == "periodkit demo"


def test_unknown_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["dance"])
    assert exit_.value.code == 2
    assert "invalid choice: 'dance'" in capsys.readouterr().err
