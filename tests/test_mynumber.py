"""My Number check digit (SPEC §4), against python-stdnum's stdnum.jp.in_ as the independent reference."""

from __future__ import annotations

import random
import re

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.jp import in_ as reference

from himozuke import mynumber

digits12 = st.text(alphabet="0123456789", min_size=12, max_size=12)
anything = st.one_of(digits12, st.text(max_size=14), st.text(alphabet="0123456789０１２ -", max_size=14))


@settings(max_examples=300, deadline=None)
@given(st.lists(anything, min_size=1, max_size=50))
def test_vectorised_check_agrees_with_stdnum(numbers):
    got = pl.DataFrame({"n": numbers}).select(mynumber.is_valid_expr(pl.col("n")))["n"].to_list()
    assert got == [n.isascii() and reference.is_valid(n) and len(n) == 12 for n in numbers]
    assert [mynumber.is_valid(n) for n in numbers] == got


signed = st.text(alphabet="0123456789+-_ .eE\t１٣", min_size=10, max_size=13)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(anything, signed), min_size=1, max_size=50))
def test_integer_parse_is_exactly_twelve_ascii_digits(numbers):
    """The regex-free parse (length, sign, Polars' integer parser) accepts exactly ``^[0-9]{12}$``."""
    df = pl.DataFrame({"n": numbers}, schema={"n": pl.String})
    got = df.select(mynumber.integer_expr(pl.col("n")), mynumber.is_twelve_digits_expr(pl.col("n")).alias("t"))
    expected = [int(n) if re.fullmatch("[0-9]{12}", n) else None for n in numbers]
    assert got["n"].to_list() == expected
    assert got["t"].to_list() == [e is not None for e in expected]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_check_digit_agrees_with_stdnum(payload):
    assert str(mynumber.check_digit(payload)) == reference.calc_check_digit(payload)


@pytest.mark.parametrize(("number", "valid"), [
    pytest.param("123456789018", True, id="SPEC §4 例"),
    pytest.param("123456789010", False, id="検査用数字違い"),
    pytest.param("12345678901", False, id="11桁"),
    pytest.param("1234567890180", False, id="13桁"),
    pytest.param("１２３４５６７８９０１８", False, id="全角は正規化してから"),
    pytest.param(None, False, id="空"),
])
def test_table(number, valid):
    assert mynumber.is_valid(number) is valid


def test_generated_numbers_are_valid_and_typos_are_caught():
    rng = random.Random(1)
    for _ in range(500):
        n = mynumber.generate(rng)
        assert reference.is_valid(n)
        assert not reference.is_valid(mynumber.mistype(n, rng))


@pytest.mark.parametrize(("number", "shown"), [
    pytest.param("123456789018", "1234 **** 9018", id="12桁"),
    pytest.param("1234567890", "**********", id="桁違いは全部伏せる"),
    pytest.param("", "", id="空"),
])
def test_mask_never_shows_a_whole_number(number, shown):
    assert mynumber.mask(number) == shown
    assert pl.select(mynumber.mask_expr(pl.lit(number))).item() == shown
