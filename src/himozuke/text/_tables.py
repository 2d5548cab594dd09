"""Character and code tables of ``himozuke.text``, built once at import (STYLE §3, §5).

One entry per line, with the code point's Unicode name and, where it is not obvious, why it is there.
Both forms of every rule read these tables: the scalar functions through ``str.translate`` / ``re``,
the Polars expressions through ``str.replace_many`` / ``str.replace_all`` / ``replace_strict``.
Regex character classes are written with ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes, which Python's ``re``
and Polars' Rust regex both read.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

# ---------------------------------------------------------------------------------------------------
# Spaces: removed from every name (a name typed 「山田　太郎」 equals 「山田太郎」).
SPACES: tuple[str, ...] = (
    "\u0009",  # CHARACTER TABULATION
    "\u000a",  # LINE FEED (a cell pasted with a line break)
    "\u000b",  # LINE TABULATION
    "\u000c",  # FORM FEED
    "\u000d",  # CARRIAGE RETURN
    "\u0020",  # SPACE
    "\u00a0",  # NO-BREAK SPACE (Excel, web forms)
    "\u1680",  # OGHAM SPACE MARK
    "\u2000",  # EN QUAD
    "\u2001",  # EM QUAD
    "\u2002",  # EN SPACE
    "\u2003",  # EM SPACE
    "\u2004",  # THREE-PER-EM SPACE
    "\u2005",  # FOUR-PER-EM SPACE
    "\u2006",  # SIX-PER-EM SPACE
    "\u2007",  # FIGURE SPACE
    "\u2008",  # PUNCTUATION SPACE
    "\u2009",  # THIN SPACE
    "\u200a",  # HAIR SPACE
    "\u200b",  # ZERO WIDTH SPACE (not Unicode whitespace, but invisible in a pasted cell)
    "\u2028",  # LINE SEPARATOR
    "\u2029",  # PARAGRAPH SEPARATOR
    "\u202f",  # NARROW NO-BREAK SPACE
    "\u205f",  # MEDIUM MATHEMATICAL SPACE
    "\u3000",  # IDEOGRAPHIC SPACE (全角スペース, the usual 氏名 separator)
    "\ufeff",  # ZERO WIDTH NO-BREAK SPACE (a BOM left inside a cell)
)
SPACE_PATTERN: str = "[" + "".join(f"\\u{ord(c):04X}" for c in SPACES) + "]"

# Variation selectors (standardized variants U+FE00–FE0F) and Ideographic Variation Sequences
# selectors (U+E0100–E01EF): they pick a glyph, not a character, so a name compares without them.
VARIATION_SELECTOR_PATTERN: str = "[\\uFE00-\\uFE0F\\U000E0100-\\U000E01EF]"

# ---------------------------------------------------------------------------------------------------
# 異体字 where the MJ縮退マップ is silent (manual §7(6) A 読みが同一で字形の異なる文字). One equivalence for
# 漢字氏名 and 住所 (issue #16): each group is added to the MJ candidate set of each of its characters.
# Sources (docs/sources.md):
#   [83JIS] JIS X 0208:1997 附属書7 — the 22 code points whose glyph the 1983 edition changed to the
#           simplified form (the traditional form moved to a code of its own): one character, two code points.
#           (The MJ map already joins 5 of the 22: 砿/礦, 蕊/蘂, 靭/靱, 壷/壺, 迩/邇.)
#   [地名]  地名異体字辞書 (jageocoder, t-sagara, CC0 1.0), pairs used in place names; only those in the
#           manual-check material of issue #16 are taken (麩/麸, 藪/薮/籔, 崎/碕). The dictionary also equates
#           characters that are distinct words (坂/阪, 界/堺, 埼/崎), so it is not taken whole.
# Left out: 脊/背 (脊振/背振): different characters, and no public table equates them.
VARIANT_GROUPS: tuple[tuple[str, str], ...] = (
    ("鯵鰺", "83JIS"),  # U+9BF5 / U+9C3A
    ("鴬鶯", "83JIS"),  # U+9D2C / U+9DAF
    ("蛎蠣", "83JIS"),  # U+86CE / U+8823
    ("撹攪", "83JIS"),  # U+64B9 / U+652A
    ("竃竈", "83JIS"),  # U+7AC3 / U+7AC8
    ("潅灌", "83JIS"),  # U+6F45 / U+704C
    ("諌諫", "83JIS"),  # U+8ACC / U+8AEB
    ("頚頸", "83JIS"),  # U+981A / U+9838
    ("賎賤", "83JIS"),  # U+8CCE / U+8CE4
    ("砺礪", "83JIS"),  # U+783A / U+792A
    ("梼檮", "83JIS"),  # U+68BC / U+6AAE
    ("涛濤", "83JIS"),  # U+6D9B / U+6FE4
    ("蝿蠅", "83JIS"),  # U+877F / U+8805
    ("桧檜", "83JIS"),  # U+6867 / U+6A9C
    ("侭儘", "83JIS"),  # U+4FAD / U+5118
    ("薮藪籔", "83JIS+地名"),  # U+85EE / U+85EA (83JIS); U+7C54 籔 (地名: 籔 in 町字 names)
    ("篭籠", "83JIS"),  # U+7BED / U+7C60
    ("麩麸", "地名"),  # U+9EA9 / U+9EB8 (京都 麩屋町通)
    ("崎碕", "地名"),  # U+5D0E / U+7895 (出雲市大社町日御碕)
)
# Pairs the MJ縮退マップ joins that are two characters in Japanese use, kept apart (the cautious reading of
# 読みが同一で字形の異なる文字). The 法務省戸籍法関連通達 scheme maps a 誤字 (a miswritten form in a 戸籍) to its
# 正字, and the JIS包摂規準 scheme reaches 王 from a glyph of 玉: neither makes them one character. Found by
# listing every pair of JIS X 0208 第1水準 characters the map joins (tests/text/test_kanji.py).
VARIANT_EXCLUSIONS: tuple[tuple[str, str], ...] = (
    ("切功", "切る / 功: 誤字→正字 (戸籍)"),
    ("吊弔", "吊る / 弔う: 誤字→正字 (戸籍)"),
    ("升舛", "升 / 舛: 誤字→正字 (戸籍)"),
    ("帥師", "元帥 / 教師: 誤字→正字 (戸籍)"),
    ("昼書", "昼 / 書: 誤字→正字 (戸籍)"),
    ("着著", "着る / 著す: 誤字→正字 (戸籍)"),
    ("玉王", "玉 / 王: a glyph of 玉 under JIS包摂規準"),
)

# ---------------------------------------------------------------------------------------------------
# 外字 (manual §7(6) A: 外字を除いた文字が一致): each is a one-character wildcard in a 漢字氏名. Only code points
# that stand for a character the system could not write: an assigned script (Hangul, Latin …) is text and is
# compared as text (issue #16).
GAIJI_RANGES: tuple[tuple[int, int, str], ...] = (
    (0xE000, 0xF8FF, "Private Use Area (BMP): vendor 外字 areas of Shift_JIS/cp932 land here"),
    (0xF0000, 0xFFFFF, "Supplementary Private Use Area-A (plane 15)"),
    (0x100000, 0x10FFFF, "Supplementary Private Use Area-B (plane 16)"),
    (0x3013, 0x3013, "GETA MARK 〓: the customary stand-in for a character that cannot be printed"),
    (0xFFFD, 0xFFFD, "REPLACEMENT CHARACTER: a decoder met a code it could not map"),
)
GAIJI_PATTERN: str = "[" + "".join(
    f"\\U{lo:08X}" if lo == hi else f"\\U{lo:08X}-\\U{hi:08X}" for lo, hi, _ in GAIJI_RANGES
) + "]"

# ---------------------------------------------------------------------------------------------------
# カナ氏名 (manual §7(6) A 注13: 「ヤマサキ」「ヤマザキ」のように濁点等を除いた部分が一致するもの).

# Hiragana → katakana (a kana name typed in hiragana). U+3041–U+3096 and the iteration marks, +0x60.
HIRAGANA_TO_KATAKANA: dict[str, str] = {
    "ぁ": "ァ",  # HIRAGANA LETTER SMALL A
    "あ": "ア",  # HIRAGANA LETTER A
    "ぃ": "ィ",  # HIRAGANA LETTER SMALL I
    "い": "イ",  # HIRAGANA LETTER I
    "ぅ": "ゥ",  # HIRAGANA LETTER SMALL U
    "う": "ウ",  # HIRAGANA LETTER U
    "ぇ": "ェ",  # HIRAGANA LETTER SMALL E
    "え": "エ",  # HIRAGANA LETTER E
    "ぉ": "ォ",  # HIRAGANA LETTER SMALL O
    "お": "オ",  # HIRAGANA LETTER O
    "か": "カ",  # HIRAGANA LETTER KA
    "が": "ガ",  # HIRAGANA LETTER GA
    "き": "キ",  # HIRAGANA LETTER KI
    "ぎ": "ギ",  # HIRAGANA LETTER GI
    "く": "ク",  # HIRAGANA LETTER KU
    "ぐ": "グ",  # HIRAGANA LETTER GU
    "け": "ケ",  # HIRAGANA LETTER KE
    "げ": "ゲ",  # HIRAGANA LETTER GE
    "こ": "コ",  # HIRAGANA LETTER KO
    "ご": "ゴ",  # HIRAGANA LETTER GO
    "さ": "サ",  # HIRAGANA LETTER SA
    "ざ": "ザ",  # HIRAGANA LETTER ZA
    "し": "シ",  # HIRAGANA LETTER SI
    "じ": "ジ",  # HIRAGANA LETTER ZI
    "す": "ス",  # HIRAGANA LETTER SU
    "ず": "ズ",  # HIRAGANA LETTER ZU
    "せ": "セ",  # HIRAGANA LETTER SE
    "ぜ": "ゼ",  # HIRAGANA LETTER ZE
    "そ": "ソ",  # HIRAGANA LETTER SO
    "ぞ": "ゾ",  # HIRAGANA LETTER ZO
    "た": "タ",  # HIRAGANA LETTER TA
    "だ": "ダ",  # HIRAGANA LETTER DA
    "ち": "チ",  # HIRAGANA LETTER TI
    "ぢ": "ヂ",  # HIRAGANA LETTER DI
    "っ": "ッ",  # HIRAGANA LETTER SMALL TU
    "つ": "ツ",  # HIRAGANA LETTER TU
    "づ": "ヅ",  # HIRAGANA LETTER DU
    "て": "テ",  # HIRAGANA LETTER TE
    "で": "デ",  # HIRAGANA LETTER DE
    "と": "ト",  # HIRAGANA LETTER TO
    "ど": "ド",  # HIRAGANA LETTER DO
    "な": "ナ",  # HIRAGANA LETTER NA
    "に": "ニ",  # HIRAGANA LETTER NI
    "ぬ": "ヌ",  # HIRAGANA LETTER NU
    "ね": "ネ",  # HIRAGANA LETTER NE
    "の": "ノ",  # HIRAGANA LETTER NO
    "は": "ハ",  # HIRAGANA LETTER HA
    "ば": "バ",  # HIRAGANA LETTER BA
    "ぱ": "パ",  # HIRAGANA LETTER PA
    "ひ": "ヒ",  # HIRAGANA LETTER HI
    "び": "ビ",  # HIRAGANA LETTER BI
    "ぴ": "ピ",  # HIRAGANA LETTER PI
    "ふ": "フ",  # HIRAGANA LETTER HU
    "ぶ": "ブ",  # HIRAGANA LETTER BU
    "ぷ": "プ",  # HIRAGANA LETTER PU
    "へ": "ヘ",  # HIRAGANA LETTER HE
    "べ": "ベ",  # HIRAGANA LETTER BE
    "ぺ": "ペ",  # HIRAGANA LETTER PE
    "ほ": "ホ",  # HIRAGANA LETTER HO
    "ぼ": "ボ",  # HIRAGANA LETTER BO
    "ぽ": "ポ",  # HIRAGANA LETTER PO
    "ま": "マ",  # HIRAGANA LETTER MA
    "み": "ミ",  # HIRAGANA LETTER MI
    "む": "ム",  # HIRAGANA LETTER MU
    "め": "メ",  # HIRAGANA LETTER ME
    "も": "モ",  # HIRAGANA LETTER MO
    "ゃ": "ャ",  # HIRAGANA LETTER SMALL YA
    "や": "ヤ",  # HIRAGANA LETTER YA
    "ゅ": "ュ",  # HIRAGANA LETTER SMALL YU
    "ゆ": "ユ",  # HIRAGANA LETTER YU
    "ょ": "ョ",  # HIRAGANA LETTER SMALL YO
    "よ": "ヨ",  # HIRAGANA LETTER YO
    "ら": "ラ",  # HIRAGANA LETTER RA
    "り": "リ",  # HIRAGANA LETTER RI
    "る": "ル",  # HIRAGANA LETTER RU
    "れ": "レ",  # HIRAGANA LETTER RE
    "ろ": "ロ",  # HIRAGANA LETTER RO
    "ゎ": "ヮ",  # HIRAGANA LETTER SMALL WA
    "わ": "ワ",  # HIRAGANA LETTER WA
    "ゐ": "ヰ",  # HIRAGANA LETTER WI
    "ゑ": "ヱ",  # HIRAGANA LETTER WE
    "を": "ヲ",  # HIRAGANA LETTER WO
    "ん": "ン",  # HIRAGANA LETTER N
    "ゔ": "ヴ",  # HIRAGANA LETTER VU
    "ゕ": "ヵ",  # HIRAGANA LETTER SMALL KA
    "ゖ": "ヶ",  # HIRAGANA LETTER SMALL KE
    "ゝ": "ヽ",  # HIRAGANA ITERATION MARK
    "ゞ": "ヾ",  # HIRAGANA VOICED ITERATION MARK
}

# Dash look-alikes that stand for the long-vowel mark ー in a kana name. NFKC has already turned
# FULLWIDTH HYPHEN-MINUS into HYPHEN-MINUS and the half-width ｰ into ー; both are listed anyway.
LONG_VOWEL_LOOKALIKES: dict[str, str] = {
    "\u002d": "ー",  # HYPHEN-MINUS (what NFKC makes of －)
    "\u2010": "ー",  # HYPHEN
    "\u2011": "ー",  # NON-BREAKING HYPHEN
    "\u2012": "ー",  # FIGURE DASH
    "\u2013": "ー",  # EN DASH
    "\u2014": "ー",  # EM DASH
    "\u2015": "ー",  # HORIZONTAL BAR (the JIS X 0208 ―, often typed for ー)
    "\u2212": "ー",  # MINUS SIGN (cp932 0x817C decodes here)
    "\u2500": "ー",  # BOX DRAWINGS LIGHT HORIZONTAL (legacy fixed-length printouts)
    "\uff0d": "ー",  # FULLWIDTH HYPHEN-MINUS
    "\uff70": "ー",  # HALFWIDTH KATAKANA-HIRAGANA PROLONGED SOUND MARK
}

# ヴ is the foreign v sound, written ブ/バ… in registries: ヴ → ブ first (before 清音処理, which would
# otherwise turn ヴ into ウ), then the small vowel after it joins the syllable (ブァ → バ).
VU_TO_BU: dict[str, str] = {
    "ヴ": "ブ",  # KATAKANA LETTER VU
}
BU_SMALL_VOWEL: dict[str, str] = {
    "ブァ": "バ",  # BU + SMALL A (ヴァ)
    "ブィ": "ビ",  # BU + SMALL I (ヴィ)
    "ブェ": "ベ",  # BU + SMALL E (ヴェ)
    "ブォ": "ボ",  # BU + SMALL O (ヴォ)
}

# Small kana are enlarged: 「キャ」 and 「キヤ」 are one spelling apart in old registries.
SMALL_TO_LARGE: dict[str, str] = {
    "ァ": "ア",  # KATAKANA LETTER SMALL A
    "ィ": "イ",  # KATAKANA LETTER SMALL I
    "ゥ": "ウ",  # KATAKANA LETTER SMALL U
    "ェ": "エ",  # KATAKANA LETTER SMALL E
    "ォ": "オ",  # KATAKANA LETTER SMALL O
    "ッ": "ツ",  # KATAKANA LETTER SMALL TU
    "ャ": "ヤ",  # KATAKANA LETTER SMALL YA
    "ュ": "ユ",  # KATAKANA LETTER SMALL YU
    "ョ": "ヨ",  # KATAKANA LETTER SMALL YO
    "ヮ": "ワ",  # KATAKANA LETTER SMALL WA
    "ヵ": "カ",  # KATAKANA LETTER SMALL KA
    "ヶ": "ケ",  # KATAKANA LETTER SMALL KE
    "ㇰ": "ク",  # KATAKANA LETTER SMALL KU (Ainu; NFKC keeps it small)
    "ㇱ": "シ",  # KATAKANA LETTER SMALL SI (Ainu)
    "ㇲ": "ス",  # KATAKANA LETTER SMALL SU (Ainu)
    "ㇳ": "ト",  # KATAKANA LETTER SMALL TO (Ainu)
    "ㇴ": "ヌ",  # KATAKANA LETTER SMALL NU (Ainu)
    "ㇵ": "ハ",  # KATAKANA LETTER SMALL HA (Ainu)
    "ㇶ": "ヒ",  # KATAKANA LETTER SMALL HI (Ainu)
    "ㇷ": "フ",  # KATAKANA LETTER SMALL HU (Ainu)
    "ㇸ": "ヘ",  # KATAKANA LETTER SMALL HE (Ainu)
    "ㇹ": "ホ",  # KATAKANA LETTER SMALL HO (Ainu)
    "ㇺ": "ム",  # KATAKANA LETTER SMALL MU (Ainu)
    "ㇻ": "ラ",  # KATAKANA LETTER SMALL RA (Ainu)
    "ㇼ": "リ",  # KATAKANA LETTER SMALL RI (Ainu)
    "ㇽ": "ル",  # KATAKANA LETTER SMALL RU (Ainu)
    "ㇾ": "レ",  # KATAKANA LETTER SMALL RE (Ainu)
    "ㇿ": "ロ",  # KATAKANA LETTER SMALL RO (Ainu)
}

# ヂ/ヅ are read ジ/ズ: fold them *before* 清音処理, else フヂ → フチ but フジ → フシ would split.
DI_DU_TO_ZI_ZU: dict[str, str] = {
    "ヂ": "ジ",  # KATAKANA LETTER DI
    "ヅ": "ズ",  # KATAKANA LETTER DU
}

# 清音処理: every precomposed 濁音/半濁音 to its base (the NFD base letter). ヂ, ヅ and ヴ are not
# here: the steps above have already turned them into ジ, ズ and ブ.
SEION: dict[str, str] = {
    "ガ": "カ",  # KATAKANA LETTER GA
    "ギ": "キ",  # KATAKANA LETTER GI
    "グ": "ク",  # KATAKANA LETTER GU
    "ゲ": "ケ",  # KATAKANA LETTER GE
    "ゴ": "コ",  # KATAKANA LETTER GO
    "ザ": "サ",  # KATAKANA LETTER ZA
    "ジ": "シ",  # KATAKANA LETTER ZI
    "ズ": "ス",  # KATAKANA LETTER ZU
    "ゼ": "セ",  # KATAKANA LETTER ZE
    "ゾ": "ソ",  # KATAKANA LETTER ZO
    "ダ": "タ",  # KATAKANA LETTER DA
    "デ": "テ",  # KATAKANA LETTER DE
    "ド": "ト",  # KATAKANA LETTER DO
    "バ": "ハ",  # KATAKANA LETTER BA
    "パ": "ハ",  # KATAKANA LETTER PA
    "ビ": "ヒ",  # KATAKANA LETTER BI
    "ピ": "ヒ",  # KATAKANA LETTER PI
    "ブ": "フ",  # KATAKANA LETTER BU
    "プ": "フ",  # KATAKANA LETTER PU
    "ベ": "ヘ",  # KATAKANA LETTER BE
    "ペ": "ヘ",  # KATAKANA LETTER PE
    "ボ": "ホ",  # KATAKANA LETTER BO
    "ポ": "ホ",  # KATAKANA LETTER PO
    "ヷ": "ワ",  # KATAKANA LETTER VA
    "ヸ": "ヰ",  # KATAKANA LETTER VI
    "ヹ": "ヱ",  # KATAKANA LETTER VE
    "ヺ": "ヲ",  # KATAKANA LETTER VO
    "ヾ": "ヽ",  # KATAKANA VOICED ITERATION MARK
}
# Dakuten/handakuten left over as marks (combining, or a mark on a letter that has no precomposed form).
DAKUTEN_MARKS: dict[str, str] = {
    "\u3099": "",  # COMBINING KATAKANA-HIRAGANA VOICED SOUND MARK
    "\u309a": "",  # COMBINING KATAKANA-HIRAGANA SEMI-VOICED SOUND MARK
    "\u309b": "",  # KATAKANA-HIRAGANA VOICED SOUND MARK ゛ (NFKC makes it space + U+3099)
    "\u309c": "",  # KATAKANA-HIRAGANA SEMI-VOICED SOUND MARK ゜
    "\uff9e": "",  # HALFWIDTH KATAKANA VOICED SOUND MARK ﾞ
    "\uff9f": "",  # HALFWIDTH KATAKANA SEMI-VOICED SOUND MARK ﾟ
}

# Old kana no longer used in names: ヲ/ヰ/ヱ are read オ/イ/エ. Applied after 清音処理 so that
# ヸ → ヰ → イ as well.
OLD_KANA: dict[str, str] = {
    "ヲ": "オ",  # KATAKANA LETTER WO
    "ヰ": "イ",  # KATAKANA LETTER WI
    "ヱ": "エ",  # KATAKANA LETTER WE
}

# ---------------------------------------------------------------------------------------------------
# 生年月日: 元号 (era) boundaries. 明治 is read in the proleptic Gregorian calendar from 1868-01-25
# (明治元年1月1日 of the old calendar, the day the era was applied from); dates of 明治1–5年, which were
# written in the lunar calendar at the time, are not converted.


class Era(NamedTuple):
    """One 元号: its code letter, 7-digit code digit, names, first day and western year of 元年."""

    letter: str
    digit: str
    name: str
    start: dt.date
    first_year: int


ERAS: tuple[Era, ...] = (
    Era("M", "1", "明治", dt.date(1868, 1, 25), 1868),
    Era("T", "2", "大正", dt.date(1912, 7, 30), 1912),
    Era("S", "3", "昭和", dt.date(1926, 12, 25), 1926),
    Era("H", "4", "平成", dt.date(1989, 1, 8), 1989),
    Era("R", "5", "令和", dt.date(2019, 5, 1), 2019),
)
#: Every spelling of an era (after NFKC and upper-casing) → its letter.
ERA_ALIASES: dict[str, str] = (
    {e.letter: e.letter for e in ERAS} | {e.digit: e.letter for e in ERAS} | {e.name: e.letter for e in ERAS}
)

_Y, _M, _D = "(?P<y>[0-9]{4})", "(?P<m>[0-9]{1,2})", "(?P<d>[0-9]{1,2})"
_ERA = "(?P<era>明治|大正|昭和|平成|令和|[MTSHR])"
_ERA_YEAR = "(?P<y>[0-9]{1,2}|元)"
#: A midnight time after a date (Excel date cells: 「1975-01-02 00:00:00」, 「1975/1/2 0:00」), removed
#: before the layouts below are tried; any other time of day leaves the text unreadable.
MIDNIGHT_SUFFIX_PATTERN = "(?: +|T)0{1,2}:00(?::00(?:\\.0+)?)?$"

#: Date layouts, tried in order on the text after NFKC, upper-casing, midnight and space removal. Each has
#: groups y, m, d and, for 和暦, era (a name, a letter, or the digit of the 7-digit GYYMMDD form).
DATE_PATTERNS: tuple[str, ...] = (
    f"^{_Y}(?P<m>[0-9]{{2}})(?P<d>[0-9]{{2}})$",  # 19750102
    f"^{_Y}-{_M}-{_D}$",  # 1975-01-02
    f"^{_Y}/{_M}/{_D}$",  # 1975/1/2
    f"^{_Y}\\.{_M}\\.{_D}$",  # 1975.1.2
    f"^{_Y}年{_M}月{_D}日生?$",  # 1975年1月2日(生)
    f"^{_ERA}{_ERA_YEAR}年{_M}月{_D}日生?$",  # 昭和50年1月2日, 平成元年1月8日
    f"^{_ERA}{_ERA_YEAR}\\.{_M}\\.{_D}$",  # S50.1.2, s50.01.02
    f"^{_ERA}{_ERA_YEAR}/{_M}/{_D}$",  # S50/1/2
    f"^{_ERA}{_ERA_YEAR}-{_M}-{_D}$",  # S50-1-2
    "^(?P<era>[1-5])(?P<y>[0-9]{2})(?P<m>[0-9]{2})(?P<d>[0-9]{2})$",  # 3500102 = 昭和50年1月2日
)

# ---------------------------------------------------------------------------------------------------
# 性別: the registry's codes are 1 (男) and 2 (女). Keys are compared after NFKC, space removal and
# upper-casing. Refused on purpose (→ null, so 性別 is not compared rather than guessed):
#   0 / 9 (ISO 5218 不明・適用不能), 3 (some systems' その他), 不明, 空欄.
SEX_CODES: dict[str, str] = {
    "1": "1",  # registry code 男
    "2": "2",  # registry code 女
    "男": "1",
    "女": "2",
    "男性": "1",
    "女性": "2",
    "M": "1",  # male (m, Ｍ, ｍ after NFKC and upper-casing)
    "F": "2",  # female
    "MALE": "1",
    "FEMALE": "2",
}
SEX_LABELS: dict[str, str] = {"1": "男", "2": "女"}
