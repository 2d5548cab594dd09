"""漢字氏名 (manual §7(6) A: 外字を除いた文字が一致・読みが同一で字形の異なる文字を除いた漢字氏名が一致)."""

from __future__ import annotations

import contextlib

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from himozuke.text import _tables as t
from himozuke.text.kanji import (
    GAIJI_PATTERN,
    has_gaiji_expr,
    is_gaiji,
    kanji_name_key,
    kanji_name_key_expr,
    kanji_names_equal,
    kanji_names_equal_frame,
    variant_candidates,
)

CASES = [
    pytest.param("髙橋", "高橋", True, id="§7(6)A-異体字-髙/高"),
    pytest.param("山﨑", "山崎", True, id="§7(6)A-異体字-﨑/崎"),
    pytest.param("渡邊", "渡辺", True, id="§7(6)A-異体字-邊/辺"),
    pytest.param("渡邉", "渡辺", True, id="§7(6)A-異体字-邉/辺"),
    pytest.param("渡邉", "渡邊", True, id="§7(6)A-異体字-邉/邊"),
    pytest.param("小澤", "小沢", True, id="§7(6)A-異体字-澤/沢"),
    pytest.param("齋藤", "斎藤", True, id="§7(6)A-異体字-齋/斎"),
    pytest.param("𠮷田", "吉田", True, id="§7(6)A-異体字-𠮷/吉"),
    pytest.param("〓田太郎", "山田太郎", True, id="§7(6)A-外字-〓"),
    pytest.param("〓田　太郎", "山田太郎", True, id="§7(6)A-外字と全角空白"),
    pytest.param("\ue000田太郎", "山田太郎", True, id="§7(6)A-外字-私用領域"),
    pytest.param("\U000f0000田太郎", "山田太郎", True, id="§7(6)A-外字-第15面私用領域"),
    pytest.param("가田太郎", "山田太郎", False, id="ハングルは外字ではない(文字として比べる)"),
    pytest.param("\ufffd田太郎", "山田太郎", True, id="§7(6)A-外字-U+FFFD"),
    pytest.param("山田　太郎", "山田太郎", True, id="空白の有無"),
    pytest.param("葛\U000e0100城", "葛城", True, id="IVS"),
    pytest.param("\uf9dc", "\u9686", True, id="CJK互換漢字-隆"),
    pytest.param("\ufa10", "\u585a", True, id="CJK互換漢字-塚"),
    pytest.param("斎藤", "斉藤", False, id="斎と斉は別字"),
    pytest.param("齋藤", "齊藤", False, id="齋と齊は別字"),
    pytest.param("山田太郎", "山本太郎", False, id="別の字"),
    pytest.param("〓田太郎", "山本田太郎", False, id="外字は1文字だけ(長さが違う)"),
    pytest.param("山田", "山田太郎", False, id="長さ違い"),
]


@pytest.mark.parametrize(("a", "b", "equal"), CASES)
def test_kanji_names_equal(a: str, b: str, equal: bool) -> None:
    assert kanji_names_equal(a, b) is equal
    assert kanji_names_equal(b, a) is equal


def test_frame_on_the_manual_cases() -> None:
    left = [c.values[0] for c in CASES]
    right = [c.values[1] for c in CASES]
    df = pl.DataFrame({"l": left, "r": right})
    assert kanji_names_equal_frame(df, "l", "r").to_list() == [c.values[2] for c in CASES]


@pytest.mark.parametrize(
    ("a", "b"), [(None, "山田"), ("山田", None), (None, None), ("", "山田"), ("　", "　")],
    ids=["左null", "右null", "両null", "空文字", "空白だけ"],
)
def test_null_or_blank_is_null(a: str | None, b: str | None) -> None:
    assert kanji_names_equal(a, b) is None
    df = pl.DataFrame({"l": [a], "r": [b]}, schema={"l": pl.String, "r": pl.String})
    assert kanji_names_equal_frame(df, "l", "r").to_list() == [None]


def test_frame_on_empty_frame() -> None:
    df = pl.DataFrame({"l": [], "r": []}, schema={"l": pl.String, "r": pl.String})
    assert kanji_names_equal_frame(df, "l", "r").dtype == pl.Boolean
    assert kanji_names_equal_frame(df, "l", "r").len() == 0


@pytest.mark.parametrize(
    ("ch", "gaiji"),
    [
        ("\ue000", True), ("\uf8ff", True), ("\U000f0000", True), ("\U0010fffd", True), ("〓", True),
        ("\ufffd", True), ("가", False), ("\ud7a3", False), ("山", False), ("ア", False), ("A", False),
        ("\U00020bb7", False),
    ],
    ids=["U+E000", "U+F8FF", "U+F0000", "U+10FFFD", "〓", "U+FFFD", "U+AC00", "U+D7A3", "山", "ア", "A", "𠮷"],
)
def test_is_gaiji(ch: str, gaiji: bool) -> None:
    assert is_gaiji(ch) is gaiji
    assert pl.DataFrame({"c": [ch]}).select(has_gaiji_expr(pl.col("c")))["c"][0] is gaiji


def test_gaiji_ranges_match_the_pattern() -> None:
    for lo, hi, _why in t.GAIJI_RANGES:
        assert is_gaiji(chr(lo)) and is_gaiji(chr(hi))
        assert not is_gaiji(chr(lo - 1)) or lo - 1 in {hi_ for _l, hi_, _w in t.GAIJI_RANGES}
    assert GAIJI_PATTERN.startswith("[") and GAIJI_PATTERN.endswith("]")


def test_nfkc_keeps_gaiji() -> None:
    name = "\ue000〓가\ufffd\U000f0001"
    assert kanji_name_key(name) == name


def test_candidate_sets_include_the_character_and_are_not_folded() -> None:
    assert variant_candidates("山") == frozenset({"山"})
    assert variant_candidates("邉") == frozenset({"辺", "邊", "邉"})
    assert variant_candidates("斎").isdisjoint(variant_candidates("斉"))


_ALPHABET = list("髙高﨑崎邊邉辺澤沢齋斎斉齊山田本太郎吉𠮷〓가\ue000\uf9dc\ufa10 　\ufe00\U000e0100Ａa")
names = st.text(alphabet=st.sampled_from(_ALPHABET), max_size=6)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.none() | names, st.none() | names), max_size=15))
def test_frame_equals_scalar(pairs: list[tuple[str | None, str | None]]) -> None:
    df = pl.DataFrame({"l": [a for a, _ in pairs], "r": [b for _, b in pairs]},
                      schema={"l": pl.String, "r": pl.String})
    assert kanji_names_equal_frame(df, "l", "r").to_list() == [kanji_names_equal(a, b) for a, b in pairs]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.none() | names, max_size=15))
def test_key_expr_equals_scalar(values: list[str | None]) -> None:
    got = pl.DataFrame({"k": values}, schema={"k": pl.String}).select(kanji_name_key_expr(pl.col("k")))["k"]
    assert got.to_list() == [kanji_name_key(v) for v in values]


@settings(max_examples=200, deadline=None)
@given(names)
def test_key_idempotent_and_equal_to_itself(s: str) -> None:
    key = kanji_name_key(s)
    assert key is None or kanji_name_key(key) == key
    assert kanji_names_equal(s, s) is (None if key is None else True)


@pytest.mark.parametrize(("name", "expected"), [
    pytest.param("〓田　太郎", True, id="外字があっても他の字がある"),
    pytest.param("〓〓　〓〓", False, id="§7(6)A-外字を除くと何も残らない"),
    pytest.param("\ue000\ue001\ufe00", False, id="私用領域と異体字セレクタだけ"),
    pytest.param("가나", True, id="ハングルは文字"),
    pytest.param("　", False, id="空白だけ"),
    pytest.param(None, False, id="null"),
])
def test_a_name_of_only_gaiji_identifies_no_one(name, expected):
    from himozuke.text.kanji import identifies, identifies_expr

    assert identifies(name) is expected
    assert pl.DataFrame({"n": [name]}, schema={"n": pl.String}).select(identifies_expr(pl.col("n"))).item() is expected


@pytest.mark.parametrize(("group", "source"), t.VARIANT_GROUPS, ids=[g for g, _ in t.VARIANT_GROUPS])
def test_every_supplement_group_is_one_character_where_the_mj_map_is_silent(group: str, source: str) -> None:
    """issue #16: one 異体字 equivalence for names and addresses, extended from documented tables only."""
    import itertools

    import jntajis

    from himozuke.text.kanji import MJ_SCHEMES, variants_equal

    assert source in {"83JIS", "地名", "83JIS+地名"}
    for a, b in itertools.combinations(group, 2):
        assert kanji_names_equal(f"{a}山", f"{b}山") and kanji_names_equal(f"{b}山", f"{a}山")
        assert variants_equal(a, b)
    mj = [set(jntajis.mj_shrink_candidates(c, MJ_SCHEMES)) | {c} for c in group]
    assert any(x.isdisjoint(y) for x, y in itertools.combinations(mj, 2)), "the MJ map already joins this group"


@pytest.mark.parametrize(("a", "b"), [("脊振", "背振"), ("坂本", "阪本"), ("埼玉", "崎玉")],
                         ids=["脊背は別字", "坂阪は別字", "埼崎は別字"])
def test_characters_a_place_name_mixes_up_stay_apart(a: str, b: str) -> None:
    assert kanji_names_equal(a, b) is False


def _jis_level_1() -> list[str]:
    out = []
    for ku in range(16, 48):
        for ten in range(1, 95):
            with contextlib.suppress(UnicodeDecodeError):
                out.append(bytes([0xA0 + ku, 0xA0 + ten]).decode("euc_jp"))
    return out


def test_the_first_level_pairs_the_map_joins_are_variants_or_excluded() -> None:
    """Every pair of JIS X 0208 第1水準 characters the equivalence joins, listed: a new one (after a jntajis
    upgrade) fails here until it is looked at — a variant stays, a 誤字/正字 pair joins VARIANT_EXCLUSIONS."""
    level1 = _jis_level_1()
    chars = set(level1)
    joined = {"".join(sorted((a, b))) for a in level1 for b in variant_candidates(a) if b != a and b in chars}
    assert joined == {"".join(sorted(p)) for p in (
        "冨富", "刈苅", "園薗", "埜野", "宍肉", "峯峰", "島嶋", "崎碕", "曽曾", "杯盃", "柁舵", "柏栢", "梅楳", "涌湧",
        "滝瀧", "灯燈", "砿鉱", "祢禰", "秋穐", "穎頴", "竜龍", "舗鋪", "舘館", "駆駈")}
    for pair, _why in t.VARIANT_EXCLUSIONS:
        assert not kanji_names_equal(*pair)
