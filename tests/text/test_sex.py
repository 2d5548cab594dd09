"""性別: every accepted spelling → "1" (男) / "2" (女); 不明 codes refused."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from himozuke.text import _tables as t
from himozuke.text.sex import SEX_LABELS, parse_sex, parse_sex_expr, sex_label_expr

CASES = [
    pytest.param("1", "1", id="1"),
    pytest.param("2", "2", id="2"),
    pytest.param("１", "1", id="全角1"),
    pytest.param("２", "2", id="全角2"),
    pytest.param("男", "1", id="男"),
    pytest.param("女", "2", id="女"),
    pytest.param("男性", "1", id="男性"),
    pytest.param("女性", "2", id="女性"),
    pytest.param("M", "1", id="M"),
    pytest.param("m", "1", id="m"),
    pytest.param("Ｆ", "2", id="全角F"),
    pytest.param("f", "2", id="f"),
    pytest.param("Male", "1", id="Male"),
    pytest.param("FEMALE", "2", id="FEMALE"),
    pytest.param(" 男　", "1", id="前後の空白"),
    pytest.param("0", None, id="0は不明として拒否"),
    pytest.param("9", None, id="9は適用不能として拒否"),
    pytest.param("3", None, id="3はその他として拒否"),
    pytest.param("不明", None, id="不明"),
    pytest.param("", None, id="空文字"),
    pytest.param("12", None, id="2桁"),
    pytest.param("男女", None, id="両方"),
    pytest.param(None, None, id="null"),
]


@pytest.mark.parametrize(("text", "code"), CASES)
def test_parse_sex(text: str | None, code: str | None) -> None:
    assert parse_sex(text) == code
    df = pl.DataFrame({"s": [text]}, schema={"s": pl.String})
    assert df.select(parse_sex_expr(pl.col("s")))["s"].to_list() == [code]


def test_every_table_entry_reads_and_labels() -> None:
    for spelling, code in t.SEX_CODES.items():
        assert parse_sex(spelling) == code
        assert parse_sex(spelling.lower()) == code
    assert SEX_LABELS == {"1": "男", "2": "女"}
    df = pl.DataFrame({"c": ["1", "2", "9", None]})
    assert df.select(sex_label_expr(pl.col("c")))["c"].to_list() == ["男", "女", None, None]


_ALPHABET = list("0123912１２男女性不明MFmfＭａaleLE 　")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.none() | st.text(alphabet=st.sampled_from(_ALPHABET), max_size=6), max_size=20))
def test_expr_equals_scalar(values: list[str | None]) -> None:
    df = pl.DataFrame({"s": values}, schema={"s": pl.String})
    assert df.select(parse_sex_expr(pl.col("s")))["s"].to_list() == [parse_sex(v) for v in values]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(_ALPHABET), max_size=6))
def test_idempotent(text: str) -> None:
    code = parse_sex(text)
    assert code is None or parse_sex(code) == code
