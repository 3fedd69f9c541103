import subprocess
import sys

import pytest

from periodkit.actions import ActionTable
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


def test_sample_writes_a_parquet_dataset_partitioned_by_start(tmp_path, capsys):
    assert main(["sample", "--parquet", str(tmp_path), "--actions", "2500"]) == 0
    assert capsys.readouterr().out == f"periodkit sample: 2500 actions in 1 files in {tmp_path}\n"
    table = ActionTable.from_parquet(tmp_path)
    assert table.ids.tolist() == list(range(2500))
    starts = table.bounds()[0]
    assert (starts[1:] >= starts[:-1]).all()


def test_sample_refuses_a_directory_that_holds_a_dataset(tmp_path, capsys):
    assert main(["sample", "--parquet", str(tmp_path), "--actions", "3"]) == 0
    assert main(["sample", "--parquet", str(tmp_path), "--actions", "3"]) == 1
    assert capsys.readouterr().err == (
        f"periodkit sample: {str(tmp_path)!r} already holds Parquet files\n"
    )
