import json
import subprocess
import sys

import pytest

from periodkit.cli import main
from periodkit.demo import load_sample, report
from periodkit.service import Service


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


def test_dump_writes_the_dataset_a_database_holds(tmp_path, capsys):
    db = tmp_path / "s.sqlite"
    service = Service.from_dataset(load_sample(), store=db)
    assert service.handle("DELETE", "/out_of_office_periods/3").status == 204
    assert main(["dump", "--db", str(db), str(tmp_path / "out.json")]) == 0
    assert json.loads((tmp_path / "out.json").read_text()) == service.dump()
    assert main(["dump", "--db", str(db)]) == 0
    assert json.loads(capsys.readouterr().out)["out_of_office_periods"] == []


def test_dump_of_a_missing_or_empty_database_fails_with_the_reason(tmp_path, capsys):
    assert main(["dump", "--db", str(tmp_path / "none.sqlite")]) == 1
    assert "no database" in capsys.readouterr().err
    assert not (tmp_path / "none.sqlite").exists()
    (tmp_path / "empty.sqlite").touch()
    assert main(["dump", "--db", str(tmp_path / "empty.sqlite")]) == 1
    assert "is empty" in capsys.readouterr().err
