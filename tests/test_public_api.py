"""The public names users rely on (SPEC section 10) stay importable from the top."""

import subprocess
import sys

import periodkit

PUBLIC = {
    "ActionTable",
    "ArgumentError",
    "InvalidFormFieldsError",
    "InvalidPeriodIdError",
    "CycleError",
    "EntityGraph",
    "NotFoundError",
    "ParseError",
    "Period",
    "PeriodError",
    "PeriodSet",
    "PeriodkitError",
    "Query",
    "QueryError",
    "Service",
    "ValidationError",
    "format_instant",
    "parse_activities",
    "parse_instant",
    "parse_instants",
    "parse_span",
}


def test_all_is_pinned():
    assert set(periodkit.__all__) == PUBLIC
    assert all(hasattr(periodkit, name) for name in PUBLIC)


def test_every_error_is_a_periodkit_error():
    errors = [getattr(periodkit, n) for n in PUBLIC if n.endswith("Error")]
    assert all(issubclass(e, periodkit.PeriodkitError) for e in errors)


def test_package_ships_type_information():
    from importlib.resources import files

    assert files("periodkit").joinpath("py.typed").is_file()


def test_import_leaves_pandas_out_until_a_name_needs_it():
    # A fresh interpreter: this one has loaded pandas long ago.
    code = """
import sys
import subprocess
import sys

import periodkit
assert "pandas" not in sys.modules, "import periodkit loaded pandas"
assert set(periodkit.__all__) <= set(dir(periodkit))
from periodkit import ActionTable, Query, parse_activities
from periodkit.actions import ActionTable as table_class
assert ActionTable is table_class and "pandas" in sys.modules
from periodkit import Service
from periodkit.service import Service as service_class
assert Service is service_class
assert periodkit.Query is Query and callable(parse_activities)
try:
    periodkit.no_such_name
except AttributeError as exc:
    assert "no_such_name" in str(exc)
else:
    raise AssertionError("an unknown name was found")
"""
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
