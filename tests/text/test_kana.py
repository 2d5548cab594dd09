"""カナ氏名 key (manual §7(6) A 注13: 「ヤマサキ」「ヤマザキ」のように濁点等を除いた部分が一致するもの)."""

from __future__ import annotations

import unicodedata

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from himozuke.text import _tables as t
from himozuke.text.kana import kana_key, kana_key_expr


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        pytest.param("ヤマサキ", "ヤマザキ", True, id="§7(6)A注13-ヤマサキ==ヤマザキ"),
        pytest.param("ﾔﾏｻﾞｷ", "ヤマザキ", True, id="半角カナ(濁点結合)"),
        pytest.param("やまざき", "ヤマサキ", True, id="ひらがな"),
        pytest.param("ヤマ　サキ", "ヤマサキ", True, id="全角スペース"),
        pytest.param("ヤマ サキ\t", "ヤマサキ", True, id="半角スペースとタブ"),
        pytest.param("ヤマサ\u3099キ", "ヤマザキ", True, id="結合濁点U+3099"),
        pytest.param("ヤマサ゛キ", "ヤマザキ", True, id="単独濁点U+309B"),
        pytest.param("ハ゜ク", "ハク", True, id="単独半濁点U+309C"),
        pytest.param("キャノン", "キヤノン", True, id="小書き仮名"),
        pytest.param("ハットリ", "ハツトリ", True, id="促音"),
        pytest.param("フヂ", "フジ", True, id="ヂ==ジ(清音処理の前)"),
        pytest.param("フヂ", "フチ", False, id="ヂ!=チ(ヂはジとして読む)"),
        pytest.param("ミカヅキ", "ミカズキ", True, id="ヅ==ズ"),
        pytest.param("ヴァイオリン", "バイオリン", True, id="ヴァ==バ"),
        pytest.param("ヴィ", "ビ", True, id="ヴィ==ビ"),
        pytest.param("ヴェ", "ベ", True, id="ヴェ==ベ"),
        pytest.param("ヴォ", "ボ", True, id="ヴォ==ボ"),
        pytest.param("ヴ", "ブ", True, id="ヴ==ブ"),
        pytest.param("ヴ", "ウ", False, id="ヴ!=ウ(ヴはブとして読む)"),
        pytest.param("ゔぁ", "ば", True, id="ひらがなのゔぁ"),
        pytest.param("ヲノ", "オノ", True, id="ヲ==オ"),
        pytest.param("ヰ", "イ", True, id="ヰ==イ"),
        pytest.param("ヱ", "エ", True, id="ヱ==エ"),
        pytest.param("ヸ", "イ", True, id="ヸ(ヰ+濁点)==イ"),
        pytest.param("オーノ", "オオノ", False, id="長音の違いは不一致"),
        pytest.param("ｵｰﾉ", "オーノ", True, id="半角長音"),
        pytest.param("オ－ノ", "オーノ", True, id="全角ハイフンマイナスは長音"),
        pytest.param("ヤマダ", "ヤマモト", False, id="別の名"),
        pytest.param("ヤマサキ", "ヤマサキタ", False, id="長さ違い"),
    ],
)
def test_kana_key_equal(a: str, b: str, equal: bool) -> None:
    assert (kana_key(a) == kana_key(b)) is equal


def test_every_dakuten_and_handakuten_is_removed() -> None:
    for voiced, plain in t.SEION.items():
        assert unicodedata.normalize("NFD", voiced)[0] == plain, voiced
        assert kana_key(voiced) == kana_key(plain), voiced
        assert kana_key("ア" + unicodedata.normalize("NFD", voiced)) == kana_key("ア" + plain), voiced


def test_every_hiragana_is_its_katakana() -> None:
    for hira, kata in t.HIRAGANA_TO_KATAKANA.items():
        assert unicodedata.name(kata) == unicodedata.name(hira).replace("HIRAGANA", "KATAKANA")
        assert kana_key(hira) == kana_key(kata), hira


def test_every_small_kana_is_enlarged() -> None:
    for small, large in t.SMALL_TO_LARGE.items():
        assert unicodedata.name(small).replace("SMALL ", "") == unicodedata.name(large)
        assert kana_key(small) == large, small


@pytest.mark.parametrize("dash", list(t.LONG_VOWEL_LOOKALIKES), ids=unicodedata.name)
def test_every_dash_lookalike_is_the_long_vowel_mark(dash: str) -> None:
    assert kana_key(f"オ{dash}ノ") == "オーノ"


@pytest.mark.parametrize("space", t.SPACES, ids=lambda c: f"U+{ord(c):04X}")
def test_every_space_is_removed(space: str) -> None:
    assert kana_key(f"ヤマダ{space}タロウ") == "ヤマタタロウ"


@pytest.mark.parametrize("blank", [None, "", "　", " \t"], ids=["null", "empty", "全角空白", "空白"])
def test_null_or_blank_is_null(blank: str | None) -> None:
    assert kana_key(blank) is None
    assert pl.Series([blank], dtype=pl.String).to_frame("k").select(kana_key_expr(pl.col("k")))["k"][0] is None


def test_key_has_no_voiced_small_or_hiragana_left() -> None:
    everything = "".join(t.HIRAGANA_TO_KATAKANA) + "".join(t.SEION) + "".join(t.SMALL_TO_LARGE) + "ヂヅヴヲヰヱ"
    key = kana_key(everything)
    assert key is not None
    leftovers = set(key) & (set(t.HIRAGANA_TO_KATAKANA) | set(t.SEION) | set(t.SMALL_TO_LARGE) | set("ヂヅヴヲヰヱ"))
    assert leftovers == set()


_ALPHABET = sorted(
    set("".join(t.HIRAGANA_TO_KATAKANA) + "".join(t.HIRAGANA_TO_KATAKANA.values()))
    | set(t.SEION) | set(t.SMALL_TO_LARGE) | set(t.LONG_VOWEL_LOOKALIKES) | set(t.SPACES)
    | set(t.DAKUTEN_MARKS) | set(t.OLD_KANA) | set("ヂヅヴーｶｷｸｹｺﾊﾋﾌﾍﾎｧｨｩｯｬABcz山田1")
)
names = st.text(alphabet=st.sampled_from(_ALPHABET), max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.none() | names, max_size=20))
def test_expr_equals_scalar(values: list[str | None]) -> None:
    got = pl.DataFrame({"k": values}, schema={"k": pl.String}).select(kana_key_expr(pl.col("k")))["k"]
    assert got.to_list() == [kana_key(v) for v in values]


@settings(max_examples=200, deadline=None)
@given(names)
def test_idempotent(s: str) -> None:
    key = kana_key(s)
    assert key is None or kana_key(key) == key
