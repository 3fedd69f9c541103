"""Custom form fields: sparse columns."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from periodkit.actions.forms import SparseColumn, form_columns


@given(st.integers(0, 300), st.data())
def test_sparse_column_lookup_matches_a_dict(n, data):
    present = sorted(data.draw(st.sets(st.integers(0, max(n - 1, 0)), max_size=n)) if n else set())
    values = [f"v{row}" for row in present]
    column = SparseColumn.from_positions(n, present, values)
    asked = np.array(
        data.draw(st.lists(st.integers(0, max(n - 1, 0)), max_size=20)) if n else [], dtype=np.int64
    )
    has, found = column.lookup(asked)
    assert has.tolist() == [row in present for row in asked.tolist()]
    assert found.tolist() == [f"v{row}" for row in asked.tolist() if row in present]
    assert column.positions().tolist() == present


def test_form_columns_keep_each_field_of_each_row():
    columns = form_columns(3, [{"a": 1}, None, {"a": [2], "b": "x"}])
    assert columns["a"].positions().tolist() == [0, 2]
    assert columns["a"].values().tolist() == [1, [2]]
    assert columns["b"].positions().tolist() == [2]
