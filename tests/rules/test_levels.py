"""Every level of every item comparison (``compare.COMPARISONS``), each reached by a pair built for it.

One row per level: the item, the level (named by its reason code; ``EXACT`` is the plain 一致, which has none), the
two sides (only what differs from :data:`tests.rules._pairs.PERSON`), the 判定 of the item and of the row a user
sees, and the words it pins — 総点検マニュアル §7(6) (デジタル庁「地方自治体におけるマイナンバーの紐付け誤りに関する総点検
マニュアル」【第2.1版】) or, where the manual is silent, the cautious reading documented in docs/rules.md. Every pair
goes through the real check (:func:`himozuke.match.engine.check_frames`). A level added to a ``Comparison`` fails
:func:`test_every_level_of_every_comparison_has_a_row` until a row here reaches it.
"""

from __future__ import annotations

import pytest

from himozuke.formats import columns as C
from himozuke.match.compare import COMPARISONS
from himozuke.match.reasons import Reason as R

from ._pairs import ADDRESS, BIRTH, KANA, KANJI, SEX, codes, pair

EXACT = None  #: the 一致 level (no reason code)
SAME, NOTE, NG, CITY, MISSING = "一致", "表記ゆれ一致", "不一致", "市区町村不一致", "未登録"

# the manual's words (総点検マニュアル §7(6)) and the documented readings, quoted once
A_ALL = "総点検マニュアル §7(6) A) 確認不要（完全一致） 照合の結果、完全一致の場合は、その対象者については点検作業が完了"
A_KANJI = ("総点検マニュアル §7(6) A ※漢字氏名の一致は、表記揺れ（外字を除いた文字が一致・読みが同一で字形の異なる文字を"
           "除いた漢字氏名が一致）を含む")
A_NOTE13 = "総点検マニュアル §7(6) A 注13 「ヤマサキ」「ヤマザキ」のように濁点等を除いた部分が一致するもの"
A_NOTE11 = "総点検マニュアル §7(6) A 注11 「霞が関１丁目・・・」「霞が関１丁目・・・」のように町字の前方２文字である「霞が」までが一致するもの"
A_NOTE12 = "総点検マニュアル §7(6) A 注12 「１丁目１番１号」と「１－１－１」等、数字のみの比較で地番が一致するもの"
B_KANJI = "総点検マニュアル §7(6) B 「性別 and 生年月日 and カナ氏名」が一致し、かつ 「漢字氏名」が不一致"
B_TOWN = ("総点検マニュアル §7(6) B 「性別 and 生年月日 and カナ氏名」が一致し、かつ …「住所（町字等）」が不一致 …"
          "（市区町村までは一致）")
C_STRONG = "総点検マニュアル §7(6) C 「性別 or 生年月日 or カナ氏名」が不一致"
C_CITY = "総点検マニュアル §7(6) C 「性別 and 生年月日 and カナ氏名」が一致し、かつ、住所（市区町村）が不一致"
MISSING_READING = ("docs/rules.md §3: a value missing on one side — 未登録 = a mismatch, with a reason saying which side "
                   "(a missing value proves nothing)")
ADDRESS_MISSING_READING = "docs/rules.md §3: 住所 missing on one side — treated like 市区町村不一致 → C"
NO_ONE_READING = ("docs/rules.md §1.1: a value that identifies no one is never a match — 不一致 even when both sides "
                  "hold the same text")
NOTATION_READING = "docs/rules.md §1: 表記ゆれ一致 — a pure notation difference (和暦/西暦, 男/1)"
CITY_UNKNOWN_READING = "docs/rules.md §3: 市区町村 not recognisable — 市区町村不一致 (address.city_unknown)"
AMBIGUOUS_READING = ("docs/rules.md §3: a 市区町村 name several prefectures share written without its 都道府県 — resolved "
                     "with the body's home prefecture; unresolved → 市区町村不一致; never assumed to be the other side's place")
PREFECTURE_READING = "docs/rules.md §3: both sides name a 都道府県 and they differ — 市区町村不一致: 府中市 (東京都) ≠ 府中市 (広島県)"
LONG_VOWEL_READING = "docs/rules.md §3: long vowels オーノ / オオノ — 不一致: not among the manual's variants"


def row(item, level, business, registry, item_verdict, verdict, why, id, home=None):
    return pytest.param(item, level, business, registry, home, item_verdict, verdict, why, id=id)


LEVELS = [
    # --- 漢字氏名 -------------------------------------------------------------------------------------------
    row(KANJI, R.KANJI_MISSING_BUSINESS, {KANJI: None}, {}, MISSING, "B", MISSING_READING, "漢字-業務側が空欄"),
    row(KANJI, R.KANJI_MISSING_REGISTRY, {}, {KANJI: "\u3000"}, MISSING, "B", MISSING_READING, "漢字-住基側が空白だけ"),
    row(KANJI, R.KANJI_MISSING_REGISTRY, {}, {KANJI: None}, MISSING, "B", MISSING_READING, "漢字-住基側が空欄"),
    row(KANJI, R.KANJI_ONLY_GAIJI_BUSINESS, {KANJI: "〓〓　〓〓"}, {KANJI: "〓〓　〓〓"}, NG, "B", NO_ONE_READING,
        "漢字-両側とも外字だけ(同じ文字列でも一致としない)"),
    row(KANJI, R.KANJI_ONLY_GAIJI_REGISTRY, {}, {KANJI: "\ue000\ue001"}, NG, "B", NO_ONE_READING, "漢字-住基側が外字だけ"),
    row(KANJI, EXACT, {KANJI: "山田　太郎 "}, {}, SAME, "A", A_ALL, "漢字-前後の空白だけの違いは一致"),
    row(KANJI, R.KANJI_NOTATION, {KANJI: "山田太郎"}, {}, NOTE, "A", A_KANJI, "§7(6)A-漢字の空白の有無"),
    row(KANJI, R.KANJI_VARIANT, {KANJI: "山田　太〓"}, {}, NOTE, "A", A_KANJI, "§7(6)A-外字を除いた文字が一致"),
    row(KANJI, R.KANJI_VARIANT, {KANJI: "濵田　太郎"}, {KANJI: "浜田　太郎"}, NOTE, "A", A_KANJI, "§7(6)A-異体字(濵/浜)"),
    row(KANJI, R.KANJI_MISMATCH, {KANJI: "山本　太郎"}, {}, NG, "B", B_KANJI, "§7(6)B-漢字氏名だけ違う"),
    # --- カナ氏名 -------------------------------------------------------------------------------------------
    row(KANA, R.KANA_MISSING_BUSINESS, {KANA: None}, {}, MISSING, "C", MISSING_READING, "カナ-業務側が空欄(未収集)"),
    row(KANA, R.KANA_MISSING_REGISTRY, {}, {KANA: " "}, MISSING, "C", MISSING_READING, "カナ-住基側が空白だけ"),
    row(KANA, R.KANA_MISSING_REGISTRY, {}, {KANA: None}, MISSING, "C", MISSING_READING, "カナ-住基側が空欄"),
    row(KANA, R.KANA_UNREADABLE_BUSINESS, {KANA: "不明"}, {KANA: "不明"}, NG, "C", NO_ONE_READING,
        "カナ-両側とも「不明」(同じ文字列でも一致としない)"),
    row(KANA, R.KANA_UNREADABLE_REGISTRY, {}, {KANA: "＊＊＊"}, NG, "C", NO_ONE_READING, "カナ-住基側にカナがない"),
    row(KANA, EXACT, {KANA: " ヤマダ　タロウ"}, {}, SAME, "A", A_ALL, "カナ-前後の空白だけの違いは一致"),
    row(KANA, R.KANA_NOTATION, {KANA: "ヤマサキ　タロウ"}, {KANA: "ヤマザキ　タロウ"}, NOTE, "A", A_NOTE13,
        "§7(6)A注13-ヤマサキ==ヤマザキ"),
    row(KANA, R.KANA_NOTATION, {KANA: "ﾔﾏﾀﾞ ﾀﾛｳ"}, {}, NOTE, "A", A_NOTE13, "§7(6)A注13-半角カナ"),
    row(KANA, R.KANA_MISMATCH, {KANA: "ヤマダ　ジロウ"}, {}, NG, "C", C_STRONG, "§7(6)C-カナ氏名が違う"),
    row(KANA, R.KANA_MISMATCH, {KANA: "オーノ　タロウ"}, {KANA: "オオノ　タロウ"}, NG, "C", LONG_VOWEL_READING,
        "カナ-長音オーノ!=オオノ(慎重側)"),
    # --- 生年月日 -------------------------------------------------------------------------------------------
    row(BIRTH, R.BIRTH_MISSING_BUSINESS, {BIRTH: None}, {}, MISSING, "C", MISSING_READING, "生年月日-業務側が空欄"),
    row(BIRTH, R.BIRTH_MISSING_REGISTRY, {}, {BIRTH: "\u3000"}, MISSING, "C", MISSING_READING, "生年月日-住基側が空白だけ"),
    row(BIRTH, R.BIRTH_MISSING_REGISTRY, {}, {BIRTH: None}, MISSING, "C", MISSING_READING, "生年月日-住基側が空欄"),
    row(BIRTH, R.BIRTH_UNREADABLE_BUSINESS, {BIRTH: "1975-02-30"}, {BIRTH: "1975-02-30"}, NG, "C", NO_ONE_READING,
        "生年月日-両側とも存在しない日付(同じ文字列でも一致としない)"),
    row(BIRTH, R.BIRTH_UNREADABLE_BUSINESS, {BIRTH: "不明"}, {}, NG, "C", NO_ONE_READING, "生年月日-業務側が「不明」"),
    row(BIRTH, R.BIRTH_UNREADABLE_REGISTRY, {}, {BIRTH: "1975-13-01"}, NG, "C", NO_ONE_READING, "生年月日-住基側が13月"),
    row(BIRTH, EXACT, {BIRTH: "1975-03-12 "}, {}, SAME, "A", A_ALL, "生年月日-前後の空白だけの違いは一致"),
    row(BIRTH, R.BIRTH_NOTATION, {BIRTH: "S50.3.12"}, {}, NOTE, "A", NOTATION_READING, "生年月日-和暦の略記"),
    row(BIRTH, R.BIRTH_NOTATION, {BIRTH: "昭和50年3月12日"}, {}, NOTE, "A", NOTATION_READING, "生年月日-和暦"),
    row(BIRTH, R.BIRTH_MISMATCH, {BIRTH: "1975-03-13"}, {}, NG, "C", C_STRONG, "§7(6)C-生年月日が違う"),
    # --- 性別 -----------------------------------------------------------------------------------------------
    row(SEX, R.SEX_MISSING_BUSINESS, {SEX: None}, {}, MISSING, "C", MISSING_READING, "性別-業務側が空欄(未収集)"),
    row(SEX, R.SEX_MISSING_REGISTRY, {}, {SEX: ""}, MISSING, "C", MISSING_READING, "性別-住基側が空文字"),
    row(SEX, R.SEX_MISSING_REGISTRY, {}, {SEX: None}, MISSING, "C", MISSING_READING, "性別-住基側がnull"),
    row(SEX, R.SEX_UNKNOWN_BUSINESS, {SEX: "9"}, {SEX: "9"}, NG, "C", NO_ONE_READING,
        "性別-両側とも9(適用不能)(同じコードでも一致としない)"),
    row(SEX, R.SEX_UNKNOWN_BUSINESS, {SEX: "0"}, {}, NG, "C", NO_ONE_READING, "性別-業務側が0(不明)"),
    row(SEX, R.SEX_UNKNOWN_REGISTRY, {}, {SEX: "不明"}, NG, "C", NO_ONE_READING, "性別-住基側が「不明」"),
    row(SEX, EXACT, {SEX: " 1"}, {}, SAME, "A", A_ALL, "性別-前後の空白だけの違いは一致"),
    row(SEX, R.SEX_NOTATION, {SEX: "男"}, {}, NOTE, "A", NOTATION_READING, "性別-男==1"),
    row(SEX, R.SEX_MISMATCH, {SEX: "2"}, {}, NG, "C", C_STRONG, "§7(6)C-性別が違う"),
    # --- 住所 -----------------------------------------------------------------------------------------------
    row(ADDRESS, R.ADDRESS_MISSING_BUSINESS, {ADDRESS: None}, {}, MISSING, "C", ADDRESS_MISSING_READING,
        "住所-業務側が空欄"),
    row(ADDRESS, R.ADDRESS_MISSING_REGISTRY, {}, {ADDRESS: "\u3000\u3000"}, MISSING, "C", ADDRESS_MISSING_READING,
        "住所-住基側が空白だけ"),
    row(ADDRESS, R.ADDRESS_MISSING_REGISTRY, {}, {ADDRESS: None}, MISSING, "C", ADDRESS_MISSING_READING,
        "住所-住基側が空欄"),
    row(ADDRESS, EXACT, {ADDRESS: "東京都千代田区霞が関１丁目１番１号\u3000"}, {}, SAME, "A", A_ALL,
        "住所-前後の空白だけの違いは一致"),
    row(ADDRESS, R.ADDRESS_CITY_UNKNOWN, {ADDRESS: "東京都架空市霞が関１丁目１番１号"}, {}, CITY, "C", CITY_UNKNOWN_READING,
        "住所-知らない市区町村名(町字の不一致にしない)"),
    row(ADDRESS, R.ADDRESS_CITY_UNKNOWN, {ADDRESS: "霞が関1-1-1"}, {ADDRESS: "霞が関１－１－１"}, CITY, "C",
        CITY_UNKNOWN_READING, "住所-両側とも市区町村なし"),
    row(ADDRESS, R.ADDRESS_CITY_MISMATCH, {ADDRESS: "東京都中央区霞が関１丁目１番１号"}, {}, CITY, "C", C_CITY,
        "§7(6)C-市区町村が違う"),
    row(ADDRESS, R.ADDRESS_CITY_MISMATCH, {ADDRESS: "神奈川県横浜市西区山下町１"}, {ADDRESS: "神奈川県横浜市中区山下町１"},
        CITY, "C", C_CITY + "（docs/rules.md §3: 政令指定都市の別の区は市区町村不一致）", "§7(6)C-政令市の区違い"),
    row(ADDRESS, R.ADDRESS_CITY_AMBIGUOUS, {ADDRESS: "府中市宮西町２－２４"}, {ADDRESS: "東京都府中市宮西町２－２４"},
        CITY, "C", AMBIGUOUS_READING, "住所-都道府県なしの府中市・団体の都道府県なし"),
    row(ADDRESS, R.ADDRESS_PREFECTURE_MISMATCH, {ADDRESS: "府中市宮西町２－２４"}, {ADDRESS: "東京都府中市宮西町２－２４"},
        CITY, "C", AMBIGUOUS_READING, "住所-都道府県なしの府中市・団体は広島県なら広島県の府中市", home="広島県"),
    row(ADDRESS, R.ADDRESS_NOTATION, {ADDRESS: "府中市宮西町２－２４"}, {ADDRESS: "東京都府中市宮西町２－２４"},
        NOTE, "A", AMBIGUOUS_READING, "住所-都道府県なしの府中市・団体は東京都", home="東京都"),
    row(ADDRESS, R.ADDRESS_PREFECTURE_MISMATCH, {ADDRESS: "東京都府中市宮西町２－２４"},
        {ADDRESS: "広島県府中市宮西町２－２４"}, CITY, "C", PREFECTURE_READING, "§7(6)C-同名の市で都道府県が違う"),
    row(ADDRESS, R.ADDRESS_NOTATION, {ADDRESS: "東京都千代田区霞が関１－１－１"}, {}, NOTE, "A", A_NOTE12,
        "§7(6)A注12-1丁目1番1号==1-1-1"),
    row(ADDRESS, R.ADDRESS_NOTATION, {ADDRESS: "東京都千代田区霞ケ関１丁目１番１号"}, {}, NOTE, "A", A_NOTE11,
        "§7(6)A注11-霞が==霞ケ"),
    row(ADDRESS, R.ADDRESS_MACHIAZA_MISMATCH, {ADDRESS: "東京都千代田区永田町１丁目１番１号"}, {}, NG, "B", B_TOWN,
        "§7(6)B-町字が違う"),
    row(ADDRESS, R.ADDRESS_NUMBER_MISMATCH, {ADDRESS: "東京都千代田区霞が関１丁目１番２号"}, {}, NG, "B",
        B_TOWN + "（注12: 数字のみの比較）", "§7(6)B-番地が違う"),
]

_BY_ITEM = {cmp.item: cmp for cmp in COMPARISONS}


@pytest.mark.parametrize(("item", "level", "business", "registry", "home", "item_verdict", "verdict", "why"), LEVELS)
def test_each_level_is_reached_by_a_pair_built_for_it(item, level, business, registry, home, item_verdict, verdict,
                                                     why):
    got = pair(business, registry, home=home)
    item_codes = {str(lv.reason) for lv in _BY_ITEM[item].levels if lv.reason is not None}
    # the level reached: the item's verdict and its one reason code (none for 一致)
    assert (got[C.item_verdict(item)], [c for c in codes(got) if c in item_codes]) == (
        item_verdict, [] if level is EXACT else [str(level)]), why
    # what the user sees: the only difference from the person is this item's, so the row's 判定 is this item's
    assert got[C.VERDICT] == verdict, why
    others = {i: got[C.item_verdict(i)] for i in C.ITEMS if i != item}
    assert set(others.values()) <= {SAME, NOTE}, others
    # the row spells its label out; the level of that reason in the code says the same (renaming one fails)
    (found,) = [lv for lv in _BY_ITEM[item].levels if lv.reason == level]
    assert str(found.label) == item_verdict


@pytest.mark.parametrize("item", [cmp.item for cmp in COMPARISONS])
def test_every_level_of_every_comparison_has_a_row(item):
    """A new level of a ``Comparison`` fails here until a row of :data:`LEVELS` reaches it."""
    cmp = _BY_ITEM[item]
    levels = [lv.reason for lv in cmp.levels]
    assert len(set(levels)) == len(levels), "two levels of one item share a reason: a row could not tell them apart"
    covered = {p.values[1] for p in LEVELS if p.values[0] == item}
    assert [lv for lv in levels if lv not in covered] == []


def test_every_row_quotes_the_manual_or_a_documented_reading():
    assert [p.id for p in LEVELS if not p.values[-1].startswith(("総点検マニュアル §7(6)", "docs/rules.md"))] == []


def test_a_pair_identical_on_every_item_is_a_without_any_reason():
    """The engine's cheap path (no normaliser): 総点検マニュアル §7(6) A 完全一致."""
    got = pair()
    assert (got[C.VERDICT], codes(got), got[C.PRIORITY]) == ("A", [], None)
    assert {got[C.item_verdict(i)] for i in C.ITEMS} == {SAME}
