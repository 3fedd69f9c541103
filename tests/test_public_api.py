"""The public names users rely on (SPEC section 10) stay importable from the top."""

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
