"""How a 個人番号 is shown to people (:func:`himozuke.mynumber.mask`, :func:`~himozuke.mynumber.mask_expr`) and the
result rows of unreadable lines (:func:`himozuke.match.engine.rejected_rows`) — written for ``make mutate``
(docs/testing.md "Mutation testing"). The masking is himozuke's cautious reading (README 個人情報の扱い: no output
read by people shows all 12 digits); the unreadable line is E 照合不能 (docs/rules.md §2).
"""

from __future__ import annotations

import polars as pl
import pytest

from himozuke import mynumber
from himozuke.formats import columns as C
from himozuke.formats.tabular import REJECT_REASON
from himozuke.match.engine import RESULT_SCHEMA, rejected_rows
from himozuke.match.reasons import Reason


@pytest.mark.parametrize("empty", [None, ""])
def test_nothing_to_mask_shows_nothing(empty):
    assert mynumber.mask(empty) == ""


@pytest.mark.parametrize("typed", ["123456789018", "1234", "x" * 63, "1" * 64, "9" * 65, "8" * 200])
def test_the_mask_shows_at_most_64_stars_and_both_forms_agree(typed):
    """A mistyped value is masked whole — only its length shows, up to ``MASK_MAX`` stars."""
    vectorised = pl.select(mynumber.mask_expr(pl.lit(typed))).item()
    assert vectorised == mynumber.mask(typed)
    if len(typed) != 12:
        assert vectorised == "*" * min(len(typed), mynumber.MASK_MAX)
        assert len(vectorised) <= 64


@pytest.mark.parametrize("typed", ["1234", "12345678901A", "１２３４５６７８９０１０", "1234567890100"])
def test_no_slip_count_for_what_is_not_12_ascii_digits(typed):
    """``verify`` counts the valid numbers one slip away only for a 12-digit number; anything else gets no count
    (never a guess)."""
    assert mynumber.valid_neighbours(typed) is None


def test_unreadable_lines_are_e_rows_with_the_result_columns_and_types():
    """A bucketed run writes the unreadable lines as a part of their own: the part must have the result's column
    types (null-typed columns would not be the result's schema), each row E with the reader's message."""
    rejects = pl.DataFrame({C.ROW: [7, 9], REJECT_REASON: ["列数が3です", "引用符が閉じていません"]},
                           schema={C.ROW: pl.Int64, REJECT_REASON: pl.String})
    got = rejected_rows(rejects)
    assert dict(got.schema) == RESULT_SCHEMA
    assert got.get_column(C.ROW).to_list() == [7, 9]
    assert got.get_column(C.VERDICT).to_list() == ["E", "E"]
    assert got.get_column(C.REASONS).to_list() == [str(Reason.ROW_UNREADABLE)] * 2
    assert [d.endswith(m) for d, m in zip(got.get_column("理由説明"), ["列数が3です", "引用符が閉じていません"],
                                           strict=True)] == [True, True]
    assert got.get_column(C.PRIORITY).to_list() == [None, None]


@pytest.mark.parametrize("payload", ["１２３４５６７８９０１", "1234567890", "123456789012", "1234567890A", ""])
def test_the_check_digit_is_only_computed_for_11_ascii_digits(payload):
    """SPEC §4's check digit is defined on the 11 digits of the payload; anything else is refused with a message
    naming what is expected (full-width digits are a typing habit to normalise first, not digits to weigh)."""
    with pytest.raises(ValueError, match=r"^payload must be 11 ASCII digits$"):
        mynumber.check_digit(payload)
