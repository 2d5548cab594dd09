"""The one "same person" key (himozuke.text.person): scalar, expression and the distinct-first frame form agree."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from himozuke.text.person import (
    has_several_numbers,
    person_hashes,
    person_key,
    person_key_expr,
    several_numbers_expr,
    shared_number_expr,
    shares_number,
)

_KANJI = ["山田　太郎", "山田太郎", "髙橋　一", "高橋　一", "\ue000田　一", "", "　", None]
_KANA = ["ヤマダ　タロウ", "ﾔﾏﾀﾞ ﾀﾛｳ", "やまだ たろう", "タカハシ　ハジメ", "", "　", None]
_BIRTH = ["1975-01-02", "昭和50年1月2日", "19750102", "S50.1.2", "1990-01-01", "不明", "", None]
_SEX = ["1", "男", "２", "女", "9", "", None]


@pytest.mark.parametrize(("a", "b", "same"), [
    pytest.param(("山田　太郎", "ヤマダ　タロウ", "1975-01-02", "1"), ("山田太郎", "ﾔﾏﾀﾞﾀﾛｳ", "S50.1.2", "男"), True,
                 id="表記の違いだけなら同じ人"),
    pytest.param(("山田　太郎", "ヤマダ　タロウ", "1975-01-02", "1"), ("山田　太郎", "ヤマダ　タロウ", "1975-01-03", "1"), False,
                 id="生年月日が違えば別の人"),
    pytest.param(("髙橋　一", "タカハシ　ハジメ", "1990-01-01", "1"), ("高橋　一", "タカハシ　ハジメ", "1990-01-01", "1"), False,
                 id="異体字はキーでは畳まない（慎重側）"),
    pytest.param(("山田　太郎", None, "1975-01-02", "1"), ("山田　太郎", "ヤマダ　タロウ", "1975-01-02", "1"), False,
                 id="カナのない行とある行"),
])
def test_same_person(a, b, same):
    assert (person_key(*a) == person_key(*b)) is same


@pytest.mark.parametrize("row", [
    pytest.param((None, None, "1975-01-02", "1"), id="氏名がない"),
    pytest.param(("　", "\u3000", "1975-01-02", "1"), id="氏名が空白だけ"),
    pytest.param(("山田　太郎", "ヤマダ　タロウ", "不明", "1"), id="生年月日が読めない"),
])
def test_a_row_that_identifies_no_one_has_no_key(row):
    assert person_key(*row) is None


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(*(st.sampled_from(v) for v in (_KANJI, _KANA, _BIRTH, _SEX))), max_size=12))
def test_expr_and_frame_equal_scalar(rows):
    df = pl.DataFrame(rows, schema=dict.fromkeys("knbs", pl.String), orient="row")
    expected = [person_key(*r) for r in rows]
    got = df.select(person_key_expr(*(pl.col(c) for c in "knbs"))).to_series().to_list()
    assert got == expected
    # the hashed form: equal exactly when the keys are equal, null exactly when there is none, and the same
    # for a row hashed alone (a frame where a part is all null) as among the others (phase 1's buckets)
    hashes = person_hashes(df, *"knbs", seed=7).to_list()
    assert [h is None for h in hashes] == [k is None for k in expected]
    for i, (h, k) in enumerate(zip(hashes, expected, strict=True)):
        assert [h == g for g in hashes if g is not None] == [k == e for e in expected if e is not None]
        assert person_hashes(df.slice(i, 1), *"knbs", seed=7).to_list() == [h]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(_KANA), max_size=30))
def test_the_lookup_by_hash_is_the_lookup_by_text(values):
    """_paths.look_up takes the values' hashes when the distinct ones do not collide: the same answer."""
    from himozuke.text._paths import look_up

    s = pl.Series(values, dtype=pl.String)
    distinct = s.unique().drop_nulls()
    keys = pl.Series(range(distinct.len()), dtype=pl.UInt64)
    assert look_up(s, distinct, keys).to_list() == look_up(s, distinct, keys, by_hash=False).to_list()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.sampled_from(["a", "b", "c", None])), min_size=1, max_size=12))
def test_the_window_rules_read_the_same_for_one_row(rows):
    """``shares_number`` / ``has_several_numbers`` (one record, as ``himozuke.verify`` reads them) agree with the
    window expressions the check uses, on every row."""
    frame = pl.DataFrame(rows, schema={"n": pl.Int64, "p": pl.String}, orient="row")
    shared = frame.select(shared_number_expr(pl.col("n"), pl.col("p"))).to_series().to_list()
    several = frame.select(several_numbers_expr(pl.col("n"), pl.col("p"))).to_series().to_list()
    for (n, p), want_shared, want_several in zip(rows, shared, several, strict=True):
        assert shares_number([q for m, q in rows if m == n]) == want_shared
        assert has_several_numbers(p, {m for m, q in rows if p is not None and q == p}) == want_several
