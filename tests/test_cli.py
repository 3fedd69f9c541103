"""Every command of ``periodkit``, run as a user runs it: in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import periodkit
from periodkit.actions import ActionTable
from periodkit.demo import load_sample, report
from periodkit.service import Service

COMMANDS = ["demo", "request", "validate", "sample", "serve", "dump"]


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "periodkit", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_error_line(done: subprocess.CompletedProcess[str], status: int = 1) -> str:
    """The single line a failed command prints on stderr (never a traceback)."""
    assert done.returncode == status
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_bare_command_prints_the_help_and_succeeds():
    done = run()
    assert done.returncode == 0
    assert done.stdout.startswith("usage: periodkit")
    assert all(command in done.stdout for command in COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    done = run(command, "--help")
    assert done.returncode == 0
    assert done.stdout.startswith(f"usage: periodkit {command}")


def test_version_is_the_installed_one():
    done = run("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"periodkit {periodkit.__version__}"


def test_unknown_command_is_one_usage_line():
    line = one_error_line(run("dance"), status=2)
    assert line.startswith("periodkit: error: argument COMMAND: invalid choice: 'dance'")


def test_demo_prints_the_report_of_the_bundled_sample():
    done = run("demo")
    assert done.returncode == 0
    assert done.stdout.splitlines() == report(load_sample())


def test_request_prints_the_json_body():
    done = run("request", "GET", "/auth/actions", "--query", "category=SMS&page[size]=2")
    assert done.returncode == 0
    body = json.loads(done.stdout)
    assert body["meta"]["total_results"] == 12 and len(body["data"]) == 2


def test_request_joins_the_query_in_the_path_and_the_query_option():
    done = run("request", "GET", "/auth/actions?category=SMS", "--query", "page[size]=1")
    assert done.returncode == 0
    body = json.loads(done.stdout)
    assert body["meta"]["total_results"] == 12 and len(body["data"]) == 1


def test_request_reads_the_body_from_a_file(tmp_path):
    body = tmp_path / "body.json"
    body.write_text(json.dumps({"fields": ["Num"], "sort": [{"property": "Num"}]}))
    done = run("request", "POST", "/api/v2/Activities/T000027", "--body", f"@{body}")
    assert done.returncode == 0
    assert json.loads(done.stdout)["responseObject"]["Data"] == [[1], [2], [3], [4]]


def test_request_on_a_dataset_with_tokens_needs_one(tmp_path):
    dataset = load_sample()
    dataset["tokens"] = [{"token": "s3cret", "team_id": "team-1", "scopes": ["*"]}]
    data = tmp_path / "data.json"
    data.write_text(json.dumps(dataset))
    refused = run("request", "GET", "/period/view/example-action-id", "--data", data)
    assert refused.returncode == 1
    allowed = run(
        "request", "GET", "/period/view/example-action-id", "--data", data, "--token", "s3cret"
    )
    assert allowed.returncode == 0
    assert json.loads(allowed.stdout)["entity_type"] == "ACTION"


def test_request_answered_with_an_error_prints_it_and_fails():
    done = run("request", "PUT", "/period/update/example-action-id", "--body", "{bad")
    assert done.returncode == 1
    assert json.loads(done.stdout)["done"] == "false"


def test_request_with_a_missing_body_file_is_one_error_line(tmp_path):
    line = one_error_line(run("request", "POST", "/out_of_office_periods", "--body", "@/no/file"))
    assert line.startswith("periodkit: error:") and "/no/file" in line


def test_request_with_an_invalid_dataset_is_one_error_line(tmp_path):
    data = tmp_path / "data.json"
    data.write_text('{"actions": [{"id": "a"}], "colour": 1}')
    line = one_error_line(run("request", "GET", "/auth/actions", "--data", data))
    assert "/colour" in line and "/actions/0" in line


def test_validate_accepts_the_sample(tmp_path):
    data = tmp_path / "sample.json"
    data.write_text(json.dumps(load_sample()))
    done = run("validate", data)
    assert done.returncode == 0
    assert done.stdout.strip() == f"{data}: valid (60 actions, 3 entities)"


def test_validate_prints_every_problem_with_its_pointer(tmp_path):
    data = tmp_path / "bad.json"
    data.write_text(
        json.dumps({"colour": 1, "actions": [{"id": "a", "start_date": "2024-13-01"}], "teams": 2})
    )
    done = run("validate", data)
    assert done.returncode == 1
    pointers = [line.split(":")[0] for line in done.stdout.splitlines()]
    assert set(pointers) == {"/colour", "/actions/0/start_date", "/teams"}
    assert one_error_line(done) == f"{data}: 3 problem(s)"


def test_validate_a_file_that_is_not_json(tmp_path):
    data = tmp_path / "bad.json"
    data.write_text("{")
    done = run("validate", data)
    assert done.returncode == 1
    assert done.stdout.startswith("(the document): cannot read the dataset")


def test_sample_writes_a_dataset_that_validates_with_progress_on_stderr(tmp_path):
    data = tmp_path / "generated.json"
    done = run("sample", "--actions", "1200", "--entities", "25", data)
    assert done.returncode == 0, done.stderr
    assert "1225/1225 records" in done.stderr
    assert done.stdout.strip() == f"wrote 1200 actions and 25 entities to {data}"
    checked = run("validate", data)
    assert checked.stdout.strip() == f"{data}: valid (1200 actions, 25 entities)"
    answer = run("request", "GET", "/period/view/entity-2", "--data", data)
    assert json.loads(answer.stdout)["entity_type"] == "ACTION_SUBSCRIPTION"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--actions", "ten", "x.json"], "argument --actions: 'ten' is not a whole number"),
        (["--actions", "-1", "x.json"], "argument --actions: '-1' is negative"),
        (["x.json"], "the following arguments are required: --actions"),
    ],
)
def test_sample_with_bad_arguments_is_one_usage_line(args, message):
    line = one_error_line(run("sample", *args), status=2)
    assert line.startswith(f"periodkit sample: error: {message}")


def test_sample_into_a_missing_folder_is_one_error_line(tmp_path):
    line = one_error_line(run("sample", "--actions", "1", tmp_path / "no" / "such.json"))
    assert line.startswith("periodkit: error:") and "such.json" in line


def test_serve_with_a_missing_dataset_fails_before_serving():
    done = run("serve", "--data", "/no/such/dataset.json", "--port", "1")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "/no/such/dataset.json" in done.stderr


def test_sample_writes_a_parquet_dataset_partitioned_by_start(tmp_path):
    done = run("sample", "--parquet", tmp_path, "--actions", "2500")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"wrote 2500 actions in 1 files to {tmp_path}\n"
    table = ActionTable.from_parquet(tmp_path)
    assert table.ids.tolist() == list(range(2500))
    starts = table.bounds()[0]
    assert (starts[1:] >= starts[:-1]).all()


def test_sample_refuses_a_directory_that_holds_a_dataset(tmp_path):
    assert run("sample", "--parquet", tmp_path, "--actions", "3").returncode == 0
    line = one_error_line(run("sample", "--parquet", tmp_path, "--actions", "3"))
    assert line == f"periodkit: error: {str(tmp_path)!r} already holds Parquet files"


def test_sample_writes_a_file_or_a_parquet_dataset_not_both(tmp_path):
    both = run("sample", "--actions", "3", "--parquet", tmp_path, tmp_path / "out.json")
    assert one_error_line(both) == (
        "periodkit: error: sample writes either a dataset FILE or --parquet DIR"
    )
    assert one_error_line(run("sample", "--actions", "3")).endswith("--parquet DIR")


def test_dump_writes_the_dataset_a_database_holds(tmp_path):
    db = tmp_path / "s.sqlite"
    service = Service.from_dataset(load_sample(), store=db)
    assert service.handle("DELETE", "/out_of_office_periods/3").status == 204
    expected = service.dump()
    service.store.close()
    assert run("dump", "--db", db, tmp_path / "out.json").returncode == 0
    assert json.loads((tmp_path / "out.json").read_text()) == expected
    done = run("dump", "--db", db)
    assert done.returncode == 0
    assert json.loads(done.stdout)["out_of_office_periods"] == []


def test_dump_of_a_missing_or_empty_database_fails_with_the_reason(tmp_path):
    missing = tmp_path / "none.sqlite"
    assert one_error_line(run("dump", "--db", missing)) == (
        f"periodkit: error: no database {str(missing)!r}"
    )
    assert not missing.exists()
    (tmp_path / "empty.sqlite").touch()
    assert "is empty" in one_error_line(run("dump", "--db", tmp_path / "empty.sqlite"))
