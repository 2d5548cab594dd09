"""漢字氏名 comparison (manual §7(6) A: 外字を除いた文字が一致・読みが同一で字形の異なる文字を除いた漢字氏名が一致).

Two 漢字氏名 are equal (表記ゆれ一致) when their keys (:func:`kanji_name_key`) have the same length and
agree position by position: the same character, or either one is a 外字 (a one-character wildcard),
or the two are 異体字 — their candidate sets in the IPA 文字情報基盤 MJ縮退マップ intersect.

The MJ縮退マップ schemes used (``jntajis``): JIS包摂規準・UCS統合規則 and 法務省戸籍法関連通達・通知.
Left out, as too loose for "the same character": 読み・字形による類推 and 法務省告示582号別表第四.
A character's own set always contains itself. 斎 and 斉 stay different characters (tested).

>>> kanji_names_equal("髙橋", "高橋"), kanji_names_equal("〓田　太郎", "山田太郎")
(True, True)
>>> kanji_names_equal("斎藤", "斉藤"), kanji_names_equal("〓田太郎", "山本田太郎")
(False, False)
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import jntajis
import polars as pl

from himozuke.text import _tables as t
from himozuke.text._paths import two_paths
from himozuke.text.blank import BLANK_CLASS

GAIJI_PATTERN: str = t.GAIJI_PATTERN
_GAIJI_RE = re.compile(GAIJI_PATTERN)
_SPACE_RE = re.compile(t.SPACE_PATTERN)
_VS_RE = re.compile(t.VARIATION_SELECTOR_PATTERN)

#: MJ縮退マップ schemes whose candidates count as the same character.
MJ_SCHEMES: int = (
    jntajis.MJShrinkSchemeCombo.JIS_INCORPORATION_UCS_UNIFICATION_RULE
    | jntajis.MJShrinkSchemeCombo.MOJ_FAMILY_REGISTER_ACT_RELATED_NOTICE
)


def is_gaiji(ch: str) -> bool:
    """外字 (manual §7(6) A: 外字を除いた文字が一致): private use, 〓 or U+FFFD — a character the system could not
    write. Hangul or any other assigned script is text, never a wildcard.

    >>> is_gaiji("〓"), is_gaiji("\\ue000"), is_gaiji("가"), is_gaiji("山")
    (True, True, False, False)
    """
    return _GAIJI_RE.fullmatch(ch) is not None


#: A 漢字氏名 with nothing to compare: only 外字, blanks and selectors (「〓〓　〓」).
_ONLY_GAIJI = f"^[{BLANK_CLASS}{t.GAIJI_PATTERN[1:-1]}{t.VARIATION_SELECTOR_PATTERN[1:-1]}]*$"
_ONLY_GAIJI_RE = re.compile(_ONLY_GAIJI)


def identifies(name: str | None) -> bool:
    """The 漢字氏名 has a character to compare: not blank and not made only of 外字 (manual §7(6) A 外字を除いた
    文字が一致 — with every character left out, nothing is left to agree). Such a name is 不一致, never 一致.

    >>> identifies("〓田　太郎"), identifies("〓〓　〓"), identifies("\\ue000\\ue001"), identifies("　"), identifies(None)
    (True, False, False, False, False)
    """
    return name is not None and _ONLY_GAIJI_RE.match(name) is None


def identifies_expr(e: pl.Expr) -> pl.Expr:
    """Vectorised :func:`identifies` (null → False)."""
    return (~e.str.contains(_ONLY_GAIJI)).fill_null(False)


def has_gaiji_expr(e: pl.Expr) -> pl.Expr:
    """Vectorised: does the text contain any 外字 (see :func:`is_gaiji`)?

    >>> pl.DataFrame({"n": ["〓田", "山田", None]}).select(has_gaiji_expr(pl.col("n")))["n"].to_list()
    [True, False, None]
    """
    return e.str.contains(GAIJI_PATTERN)


def kanji_name_key(s: str | None) -> str | None:
    """漢字氏名 key (manual §7(6) A): NFC, variation selectors/IVS and spaces removed, NFKC.

    NFKC folds CJK compatibility ideographs (隆 U+F9DC → 隆) and full-width Latin, and leaves 外字
    (private use, 〓) alone. A key that comes out empty is null.

    >>> kanji_name_key("山田　太郎")
    '山田太郎'
    >>> kanji_name_key("\\uf9dc\\ufa10") == "\\u9686\\u585a"
    True
    >>> kanji_name_key("葛\\U000e0100城\\ue000")
    '葛城\\ue000'
    >>> kanji_name_key(" ") is None
    True
    """
    if s is None:
        return None
    s = _VS_RE.sub("", unicodedata.normalize("NFC", s))
    s = _SPACE_RE.sub("", unicodedata.normalize("NFKC", s))
    return s or None


def kanji_name_key_expr(e: pl.Expr) -> pl.Expr:
    """Vectorised :func:`kanji_name_key`.

    >>> df = pl.DataFrame({"n": ["渡邊　一郎", "", None]})
    >>> df.select(kanji_name_key_expr(pl.col("n")))["n"].to_list()
    ['渡邊一郎', None, None]
    """
    return two_paths(e, lambda v: ~v.str.contains(f"[^{_PLAIN_NAME}]"), _plain_key, _full_key, pl.String())


def _plain_key(e: pl.Expr) -> pl.Expr:
    """:func:`kanji_name_key_expr` of a name NFC and NFKC leave alone: only the spaces go."""
    out = e.str.replace_many({"\u3000": "", " ": ""})
    return pl.when(out != "").then(out)


def _full_key(e: pl.Expr) -> pl.Expr:
    e = e.str.normalize("NFC").str.replace_all(t.VARIATION_SELECTOR_PATTERN, "")
    e = e.str.normalize("NFKC").str.replace_all(t.SPACE_PATTERN, "")
    return pl.when(e != "").then(e)


#: Characters NFC and NFKC leave unchanged that a name usually holds: CJK unified ideographs (BMP, extension A,
#: extensions B–H), 々〆, hiragana, full-width katakana letters and ー, private use, 〓, U+3000 and the ASCII
#: space. (Compatibility ideographs U+F900–FAFF are not among them: NFKC folds those.)
_PLAIN_NAME = ("\u4e00-\u9fff\u3400-\u4dbf\U00020000-\U0003134f\u3005\u3006\u3041-\u3096\u30a1-\u30f6"
               "\u30fc\ue000-\uf8ff\u3013\u3000 ")


_SUPPLEMENT: dict[str, frozenset[str]] = {c: frozenset(group) for group, _source in t.VARIANT_GROUPS for c in group}
_EXCLUDED: dict[str, frozenset[str]] = {a: frozenset(b) for pair, _why in t.VARIANT_EXCLUSIONS for a, b in (pair, pair[::-1])}


@lru_cache(maxsize=65536)
def variant_candidates(ch: str) -> frozenset[str]:
    """異体字 candidate set of one character, itself included: the MJ縮退マップ (:data:`MJ_SCHEMES`) and, where
    the map is silent, :data:`himozuke.text._tables.VARIANT_GROUPS` (83JIS 字体変更, 地名異体字); less the pairs of
    :data:`himozuke.text._tables.VARIANT_EXCLUSIONS` (a 誤字 mapped to its 正字 is not a variant of it).

    >>> sorted(variant_candidates("髙"))
    ['高', '髙']
    >>> sorted(variant_candidates("邉"))
    ['辺', '邉', '邊']
    >>> sorted(variant_candidates("檜"))
    ['桧', '檜']
    """
    found = frozenset(jntajis.mj_shrink_candidates(ch, MJ_SCHEMES)) | {ch} | _SUPPLEMENT.get(ch, frozenset())
    return found - _EXCLUDED.get(ch, frozenset())


def _chars_equal(a: str, b: str, gaiji_wildcard: bool = True) -> bool:
    return (a == b or (gaiji_wildcard and (is_gaiji(a) or is_gaiji(b)))
            or not variant_candidates(a).isdisjoint(variant_candidates(b)))


def kanji_names_equal(a: str | None, b: str | None) -> bool | None:
    """漢字氏名の表記ゆれ一致 (manual §7(6) A): same length, each position equal, 外字 or 異体字.

    Null when either side is null (or empty after :func:`kanji_name_key`).

    >>> kanji_names_equal("渡邉", "渡辺"), kanji_names_equal("山田太郎", "山本太郎")
    (True, False)
    """
    ka, kb = kanji_name_key(a), kanji_name_key(b)
    if ka is None or kb is None:
        return None
    return len(ka) == len(kb) and all(_chars_equal(x, y) for x, y in zip(ka, kb, strict=True))


def variants_equal(a: str | None, b: str | None) -> bool | None:
    """Two texts equal character by character up to 異体字 (the candidate sets of :func:`variant_candidates`),
    without the 外字 wildcard of a name: the 町字 of an address (「龍ケ崎」 == 「竜ケ崎」). Null when a side is null.

    >>> variants_equal("澤田", "沢田"), variants_equal("〓田", "沢田"), variants_equal("斎田", "斉田")
    (True, False, False)
    """
    if a is None or b is None:
        return None
    return len(a) == len(b) and all(_chars_equal(x, y, gaiji_wildcard=False) for x, y in zip(a, b, strict=True))


def _candidate_table(chars: pl.Series) -> pl.DataFrame:
    """Candidate list per distinct character (a loop over *unique characters*, cached per process)."""
    uniq = chars.unique().drop_nulls().to_list()
    return pl.DataFrame(
        {"ch": uniq, "cands": [sorted(variant_candidates(c)) for c in uniq]},
        schema={"ch": pl.String, "cands": pl.List(pl.String)},
    )


def _equal_frame(keys: pl.DataFrame, gaiji_wildcard: bool) -> pl.Series:
    """Per row of ``keys`` (columns ``l``, ``r``): equal position by position up to 異体字 (and 外字 when
    ``gaiji_wildcard``); null where a side is null. Identical rows are settled without the per-character join."""
    keys = keys.with_row_index("row")
    todo = keys.filter(
        (pl.col("l") != pl.col("r")) & (pl.col("l").str.len_chars() == pl.col("r").str.len_chars())
    )
    chars = todo.select(
        "row", pl.col("l").str.split("").alias("lc"), pl.col("r").str.split("").alias("rc")
    ).explode("lc", "rc")
    table = _candidate_table(pl.concat([chars["lc"], chars["rc"]]))
    wildcard = (pl.col("lc").str.contains(GAIJI_PATTERN) | pl.col("rc").str.contains(GAIJI_PATTERN)) \
        if gaiji_wildcard else pl.lit(False)
    per_char = (
        chars.join(table.rename({"ch": "lc", "cands": "lcands"}), on="lc", how="left")
        .join(table.rename({"ch": "rc", "cands": "rcands"}), on="rc", how="left")
        .select(
            "row",
            (
                (pl.col("lc") == pl.col("rc"))
                | wildcard
                | (pl.col("lcands").list.set_intersection(pl.col("rcands")).list.len() > 0)
            ).alias("ok"),
        )
    )
    per_row = per_char.group_by("row").agg(pl.col("ok").all())
    out = (
        keys.join(per_row, on="row", how="left")
        .sort("row")
        .select(
            pl.when(pl.col("l").is_null() | pl.col("r").is_null())
            .then(None)
            .when(pl.col("l") == pl.col("r"))
            .then(True)
            .when(pl.col("l").str.len_chars() != pl.col("r").str.len_chars())
            .then(False)
            .otherwise(pl.col("ok"))
            .alias("漢字氏名一致")
        )
    )
    return out.to_series()


def kanji_names_equal_frame(df: pl.DataFrame, left: str, right: str) -> pl.Series:
    """Vectorised :func:`kanji_names_equal` over two columns (manual §7(6) A).

    Boolean, same length and order as ``df``, null where either side is null.

    >>> df = pl.DataFrame({"l": ["髙橋", "斎藤", "〓田太郎", None], "r": ["高橋", "斉藤", "山田太郎", "山田"]})
    >>> kanji_names_equal_frame(df, "l", "r").to_list()
    [True, False, True, None]
    """
    keys = df.select(kanji_name_key_expr(pl.col(left)).alias("l"), kanji_name_key_expr(pl.col(right)).alias("r"))
    return _equal_frame(keys, gaiji_wildcard=True)


def variants_equal_frame(df: pl.DataFrame, left: str, right: str) -> pl.Series:
    """Vectorised :func:`variants_equal` over two columns (taken as they are).

    >>> df = pl.DataFrame({"l": ["龍ケ", "〓田", None], "r": ["竜ケ", "山田", "山田"]})
    >>> variants_equal_frame(df, "l", "r").to_list()
    [True, False, None]
    """
    return _equal_frame(df.select(pl.col(left).alias("l"), pl.col(right).alias("r")), gaiji_wildcard=False)
