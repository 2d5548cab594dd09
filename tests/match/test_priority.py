"""優先度 (issue #16 §3): the B and C rows most likely to be a real wrong link come first.

Each tier of PRIORITY_TIERS on a pair built for it, with the evidence of 「マイナンバー情報総点検について（全体像）」
it rests on; the evidence functions in both forms; and the ranking on the demo generator's planted truth.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from himozuke.formats import columns as C
from himozuke.match.classify import B_PRIORITY, PRIORITY_TIERS
from himozuke.match.engine import check_frames
from himozuke.match.evidence import _name_parts_frame, birth_relation, birth_relation_expr, name_parts
from himozuke.text.kana import kana_key_expr

NUMBER, OTHER = "123456789018", "987654321018"
BASE = {C.KANJI_NAME: "山田　太郎", C.KANA_NAME: "ヤマダ　タロウ", C.BIRTH_DATE: "1975-03-12", C.SEX: "1",
        C.ADDRESS: "東京都千代田区霞が関１丁目１番１号"}
SCHEMA = {C.ROW: pl.Int64, **dict.fromkeys(C.STANDARD, pl.String)}


def priority(business: dict, *, extra: list[dict] = ()) -> tuple[str, int | None]:
    rows = [{C.ROW: 2, C.MY_NUMBER: NUMBER, **BASE, **business}]
    rows += [{C.ROW: 3 + i, C.MY_NUMBER: NUMBER, **BASE, **e} for i, e in enumerate(extra)]
    b = pl.DataFrame(rows, schema=SCHEMA)
    r = pl.DataFrame([{C.MY_NUMBER: NUMBER, **BASE}], schema=dict.fromkeys(C.STANDARD, pl.String))
    row = check_frames(b, r).row(0, named=True)
    return row[C.VERDICT], row[C.PRIORITY]


CASES = [
    pytest.param({}, [{C.KANA_NAME: "スズキ　ハナコ", C.KANJI_NAME: "鈴木　花子"}], ("C", 1), id="1-同じ番号が別人に"),
    pytest.param({C.KANA_NAME: "ヤマダ　ジロウ", C.KANJI_NAME: "山田　次郎"}, [], ("C", 2),
                 id="2-双子の取り違え（同じ生年月日・同じ姓・別の名、同性）"),
    pytest.param({C.KANA_NAME: "ヤマダ　ハナコ", C.KANJI_NAME: "山田　花子", C.SEX: "2"}, [], ("C", 2),
                 id="2-双子の取り違え（異性）"),
    pytest.param({C.KANA_NAME: "ヤマダ　イチロウ", C.KANJI_NAME: "山田　一郎", C.BIRTH_DATE: "1948-07-30"}, [], ("C", 2),
                 id="2-家族の番号（親の番号、生年月日は別人のよう）"),
    pytest.param({C.KANA_NAME: "ﾔﾏﾀﾞ ｼﾞﾛｳ", C.KANJI_NAME: "山田次郎"}, [], ("C", 2), id="2-業務側に姓名の区切りがなくても"),
    pytest.param({C.BIRTH_DATE: "1962-11-05", C.ADDRESS: "東京都港区芝公園４丁目２番８号"}, [], ("C", 3),
                 id="3-同姓同名の別人（生年月日が別人のよう）"),
    pytest.param({C.KANA_NAME: "スズキ　ハナコ", C.KANJI_NAME: "鈴木　花子"}, [], ("C", 3), id="3-姓も名も違う"),
    pytest.param({C.SEX: "2"}, [], ("C", 4), id="4-性別だけ違う"),
    pytest.param({C.BIRTH_DATE: "1975-03-13"}, [], ("C", 4), id="4-生年月日が一日違い"),
    pytest.param({C.BIRTH_DATE: "1957-03-12"}, [], ("C", 4), id="4-隣り合う数字の入れ違い"),
    pytest.param({C.BIRTH_DATE: "1975-12-03"}, [], ("C", 4), id="4-月と日の入れ違い"),
    pytest.param({C.BIRTH_DATE: "1985-03-12"}, [], ("C", 4), id="4-一桁違い"),
    pytest.param({C.KANA_NAME: "ヤマダ　ジロウ", C.BIRTH_DATE: "1975-03-13"}, [], ("C", 4), id="4-名も違うが生年月日は入力誤りの形"),
    pytest.param({C.KANA_NAME: "スズキ　タロウ", C.KANJI_NAME: "鈴木　太郎"}, [], ("C", 5), id="5-改姓の未届（姓だけ違う）"),
    pytest.param({C.ADDRESS: "大阪府大阪市北区梅田１－１－１"}, [], ("C", 5), id="5-転居の未届"),
    pytest.param({C.KANA_NAME: None}, [], ("C", 5), id="5-カナ未収集"),
    pytest.param({C.SEX: None}, [], ("C", 5), id="5-性別未収集（空欄は別人の証拠ではない）"),
    pytest.param({C.KANJI_NAME: "山本　太郎"}, [], ("B", B_PRIORITY), id="B"),
    pytest.param({}, [], ("A", None), id="A-優先度なし"),
]


@pytest.mark.parametrize(("business", "extra", "expected"), CASES)
def test_each_tier_on_a_pair_built_for_it(business, extra, expected):
    assert priority(business, extra=extra) == expected


def test_every_tier_has_a_pair_above():
    assert {t.priority for t in PRIORITY_TIERS} | {B_PRIORITY} <= {c.values[2][1] for c in CASES}


_DATES = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2030, 12, 31))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_DATES, _DATES | st.none()), max_size=30))
def test_birth_relation_expr_equals_scalar(pairs):
    pairs += [(a, a) for a, _ in pairs[:3]] + [(a, a + dt.timedelta(days=1)) for a, _ in pairs[:3]]
    df = pl.DataFrame({"a": [a for a, _ in pairs], "b": [b for _, b in pairs]}, schema={"a": pl.Date, "b": pl.Date})
    assert df.select(birth_relation_expr(pl.col("a"), pl.col("b"))).to_series().to_list() == [
        birth_relation(a, b) for a, b in pairs]


_KANA = ["ヤマダ　タロウ", "ヤマダ タロウ", "ﾔﾏﾀﾞﾀﾛｳ", "ヤマダ　ジロウ", "スズキ　タロウ", "ヤマダ", "", None, "　"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_KANA), st.sampled_from(_KANA)), max_size=20))
def test_name_parts_frame_equals_scalar(pairs):
    business = pl.Series([b for b, _ in pairs], dtype=pl.String)
    registry = pl.Series([r for _, r in pairs], dtype=pl.String)
    got = _name_parts_frame(business, registry, kana_key_expr).rows()
    assert got == [name_parts(b, r) for b, r in pairs]
