"""The generated actions: seeded chunks that follow one another in start order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from periodkit.actions import ActionTable
from periodkit.actions.sample import MAX_DURATION_US, actions
from periodkit.errors import ArgumentError
from periodkit.time import to_micros_column


def test_chunks_follow_one_another_in_start_order_with_ids_as_positions():
    frame = pd.concat(list(actions(2_500, chunk=1_000)), ignore_index=True)
    starts = to_micros_column(frame["start_date"])
    lengths = to_micros_column(frame["end_date"]) - starts
    assert frame["id"].tolist() == list(range(2_500))
    assert (np.diff(starts) >= 0).all()
    assert lengths.min() >= 0 and lengths.max() <= MAX_DURATION_US
    assert len(ActionTable.from_frame(frame)) == 2_500


def test_the_same_sizes_give_the_same_actions():
    one, two = (pd.concat(list(actions(30, chunk=7))) for _ in range(2))
    pd.testing.assert_frame_equal(one, two)
    assert list(actions(0)) == []


@pytest.mark.parametrize(("n", "chunk"), [(-1, 5), (5, 0), (2.5, 5), (True, 5)])
def test_a_size_that_is_not_a_whole_count_is_refused(n, chunk):
    with pytest.raises(ArgumentError, match="is not a whole number"):
        next(actions(n, chunk=chunk))
