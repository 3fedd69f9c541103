"""The IR's nodes: pages as offsets and limits, and the int64 bound they keep."""

from __future__ import annotations

from periodkit.query import Page
from periodkit.query.ir import INT64_MAX


def test_page_is_an_offset_and_limit():
    assert (Page(3, 7).offset, Page(1, 7).offset) == (14, 0)
    assert [Page(1, 7).total_pages(n) for n in (0, 1, 7, 8)] == [0, 1, 1, 2]


def test_a_page_past_int64_keeps_an_int64_offset_past_every_row():
    assert Page(INT64_MAX, 5).offset == INT64_MAX
    assert Page(INT64_MAX // 5 + 2, 5).offset == INT64_MAX
    assert Page(INT64_MAX // 5 + 1, 5).offset == INT64_MAX // 5 * 5
