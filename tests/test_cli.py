import subprocess
import sys

import pytest

from periodkit.cli import main
from periodkit.demo import load_sample, report


def test_demo_prints_the_report_of_the_bundled_sample(capsys):
    assert main(["demo"]) == 0
    assert capsys.readouterr().out.splitlines() == report(load_sample())


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
