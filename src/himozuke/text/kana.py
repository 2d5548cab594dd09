"""カナ氏名 key (manual §7(6) A 注13: 「ヤマサキ」「ヤマザキ」のように濁点等を除いた部分が一致するもの).

Two kana names are equal (表記ゆれ一致) when their keys are equal. The key is a fold of named steps,
each a scalar function and a Polars expression fed by the same table of :mod:`himozuke.text._tables`:

1. ``nfkc`` — half-width → full-width (``ｶﾞ`` → ``ガ``), full-width Latin → ASCII;
2. ``spaces`` — every space (ASCII, U+3000, NBSP, …) removed, then NFC joins a letter and a voiced
   mark that a space had kept apart;
3. ``katakana`` — hiragana → katakana;
4. ``long_vowel`` — dash look-alikes (－ ‐ ― − …) → ー; ー itself stays (オーノ ≠ オオノ);
5. ``vu`` — ヴ → ブ, then ブァ/ブィ/ブェ/ブォ → バ/ビ/ベ/ボ (so ヴァ == バ);
6. ``small`` — small kana enlarged (ァ → ア, ッ → ツ, ャ → ヤ, …);
7. ``di_du`` — ヂ → ジ, ヅ → ズ, *before* dakuten removal (フヂ == フジ);
8. ``seion`` — 清音処理: every dakuten/handakuten removed (ガ → カ, パ → ハ, combining U+3099/U+309A);
9. ``old_kana`` — ヲ/ヰ/ヱ → オ/イ/エ.

A key that comes out empty is null: there is nothing to compare.

>>> kana_key("ヤマザキ") == kana_key("ヤマサキ")
True
>>> kana_key("ﾔﾏｻﾞｷ　ﾀﾛｳ")
'ヤマサキタロウ'
>>> kana_key("おーの") == kana_key("オオノ")
False
>>> import polars as pl
>>> pl.DataFrame({"カナ": ["ヴァイオリン", "ふぢこ", None]}).select(kana_key_expr(pl.col("カナ")))["カナ"].to_list()
['ハイオリン', 'フシコ', None]
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Mapping

import polars as pl

from himozuke.text import _tables as t
from himozuke.text._paths import two_paths

ScalarStep = Callable[[str], str]
ExprStep = Callable[[pl.Expr], pl.Expr]


def _scalar_replace(table: Mapping[str, str]) -> ScalarStep:
    """Scalar form of ``str.replace_many(table, leftmost=True)``: longest key first, left to right."""
    if all(len(k) == 1 for k in table):
        trans = str.maketrans(dict(table))
        return lambda s: s.translate(trans)
    pattern = re.compile("|".join(re.escape(k) for k in sorted(table, key=len, reverse=True)))
    return lambda s: pattern.sub(lambda m: table[m.group(0)], s)


def _expr_replace(table: Mapping[str, str]) -> ExprStep:
    """Vectorised :func:`_scalar_replace` (patterns ordered longest first, leftmost-first matching)."""
    ordered = dict(sorted(table.items(), key=lambda kv: len(kv[0]), reverse=True))
    return lambda e: e.str.replace_many(ordered, leftmost=True)


_SPACE_RE = re.compile(t.SPACE_PATTERN)
_SEION_ALL: dict[str, str] = t.SEION | t.DAKUTEN_MARKS

#: The steps of the key, in order: (name, scalar form). The vectorised key (:func:`kana_key_expr`) runs the
#: first two as expressions (:func:`_first_steps_expr`) and the rest fused into one table (:func:`_fused_table`).
KANA_STEPS: tuple[tuple[str, ScalarStep], ...] = (
    ("nfkc", lambda s: unicodedata.normalize("NFKC", s)),
    ("spaces", lambda s: unicodedata.normalize("NFC", _SPACE_RE.sub("", s))),
    ("katakana", _scalar_replace(t.HIRAGANA_TO_KATAKANA)),
    ("long_vowel", _scalar_replace(t.LONG_VOWEL_LOOKALIKES)),
    ("vu", _scalar_replace(t.VU_TO_BU)),
    ("vu_vowel", _scalar_replace(t.BU_SMALL_VOWEL)),
    ("small", _scalar_replace(t.SMALL_TO_LARGE)),
    ("di_du", _scalar_replace(t.DI_DU_TO_ZI_ZU)),
    ("seion", _scalar_replace(_SEION_ALL)),
    ("old_kana", _scalar_replace(t.OLD_KANA)),
)


def _first_steps_expr(e: pl.Expr) -> pl.Expr:
    """``nfkc`` and ``spaces`` of :data:`KANA_STEPS`, vectorised."""
    return e.str.normalize("NFKC").str.replace_all(t.SPACE_PATTERN, "").str.normalize("NFC")


def kana_key(s: str | None) -> str | None:
    """カナ氏名 key for 清音処理一致 (manual §7(6) A 注13); null in, or nothing left, → null.

    >>> kana_key("ヤマザキ"), kana_key("ヤマサキ")
    ('ヤマサキ', 'ヤマサキ')
    >>> kana_key("フヂ") == kana_key("フジ")
    True
    >>> kana_key("ｶﾞｯｺｳ")
    'カツコウ'
    >>> kana_key("　") is None
    True
    """
    if s is None:
        return None
    for _name, scalar in KANA_STEPS:
        s = scalar(s)
    return s or None


#: Steps after ``nfkc`` and ``spaces``: each maps single characters, except ``vu_vowel`` (pairs).
_TABLE_STEPS = ("katakana", "long_vowel", "vu", "vu_vowel", "small", "di_du", "seion", "old_kana")


def preload() -> None:
    """Build the fused kana table (pure Python) ahead of a first check (:func:`kana_key_expr`)."""
    _fused_table()


@functools.cache
def _fused_table() -> dict[str, str]:
    """:data:`_TABLE_STEPS` as one replace table, for one pass instead of eight (half the key's time).

    Every step but ``vu_vowel`` maps single characters, so a character's image through all of them is a table
    entry; ``vu_vowel``'s pairs (ブァ …) become entries for every pair of characters that reach them (ぶぁ,
    ゔァ …). Leftmost-first with the pairs before the characters, one left-to-right pass finds the same pairs
    the step-by-step form does (a pair's first character is never a pair's second). The property test
    ``test_expr_equals_scalar`` holds the two forms together."""
    steps = dict(KANA_STEPS)
    assert tuple(steps)[2:] == _TABLE_STEPS, "a new kana step must be added to _TABLE_STEPS"

    def run(names: tuple[str, ...], text: str) -> str:
        for name in names:
            text = steps[name](text)
        return text

    before = _TABLE_STEPS[:3]  # up to vu_vowel, whose pairs are looked for in their output
    chars = {c for table in (t.HIRAGANA_TO_KATAKANA, t.LONG_VOWEL_LOOKALIKES, t.VU_TO_BU, t.BU_SMALL_VOWEL,
                             t.SMALL_TO_LARGE, t.DI_DU_TO_ZI_ZU, _SEION_ALL, t.OLD_KANA)
             for kv in table.items() for c in "".join(kv)}
    # the steps before map single characters (``translate``), so a pair's image is its two characters' images
    assert all(len(k) == 1 for table in (t.HIRAGANA_TO_KATAKANA, t.LONG_VOWEL_LOOKALIKES, t.VU_TO_BU) for k in table)
    first = {c: run(before, c) for c in chars}
    table = {}
    for a in sorted(chars):
        for b in sorted(chars):
            if first[a] + first[b] in t.BU_SMALL_VOWEL:
                table[a + b] = run(_TABLE_STEPS, a + b)
    for c in sorted(chars):
        if (image := run(_TABLE_STEPS, c)) != c:
            table[c] = image
    return table


#: Full-width katakana letters, ー, U+3000 and the ASCII space: the characters a name written as the register
#: writes it holds. NFKC and NFC leave them as they are and the space step only removes the two spaces.
_PLAIN_KANA = "\u30a1-\u30f6\u30fc\u3000 "


def kana_key_expr(e: pl.Expr) -> pl.Expr:
    """Vectorised :func:`kana_key` (manual §7(6) A 注13).

    >>> df = pl.DataFrame({"a": ["ヤマザキ", "ｵｰﾉ", "", None]})
    >>> df.select(kana_key_expr(pl.col("a")))["a"].to_list()
    ['ヤマサキ', 'オーノ', None, None]
    """
    return two_paths(e, lambda v: ~v.str.contains(f"[^{_PLAIN_KANA}]"), _plain_key, _full_key, pl.String())


def _plain_key(e: pl.Expr) -> pl.Expr:
    """:func:`kana_key_expr` of plain katakana: NFKC, NFC and the space regex have nothing to do."""
    out = _expr_replace(_fused_table())(e.str.replace_many({"\u3000": "", " ": ""}))
    return pl.when(out != "").then(out)


def _full_key(e: pl.Expr) -> pl.Expr:
    out = _expr_replace(_fused_table())(_first_steps_expr(e))  # the other steps, fused
    return pl.when(out != "").then(out)


#: Kana letters: hiragana, katakana (with ヷヸヹヺ), the Ainu small katakana and half-width katakana.
_KANA_LETTERS = "[\u3041-\u3096\u30a1-\u30fa\u31f0-\u31ff\uff66-\uff9d]"
_KANA_LETTERS_RE = re.compile(_KANA_LETTERS)


def identifies(s: str | None) -> bool:
    """The カナ氏名 holds at least one kana letter: 「＊＊」「不明」「ー」 or a blank read no one's name and are never
    一致 (issue #16: a value that cannot identify anyone is no evidence of a match).

    >>> identifies("ヤマダ　タロウ"), identifies("ﾀﾛｳ"), identifies("不明"), identifies("　"), identifies(None)
    (True, True, False, False, False)
    """
    return s is not None and _KANA_LETTERS_RE.search(s) is not None


def identifies_expr(e: pl.Expr) -> pl.Expr:
    """Vectorised :func:`identifies` (null → False)."""
    return e.str.contains(_KANA_LETTERS).fill_null(False)


def kana_key_steps(s: str) -> list[tuple[str, str]]:
    """Every intermediate of :func:`kana_key`, to explain a カナ氏名判定 (debug output).

    >>> kana_key_steps("ゔぁ")[-1]
    ('old_kana', 'ハ')
    """
    out = []
    for name, scalar in KANA_STEPS:
        s = scalar(s)
        out.append((name, s))
    return out
