"""住所 — split an address into 都道府県 / 市区町村 / 町字 / 地番 / 方書 for manual §7(6) A 注11・注12, B, C.

The normalised text is a fold of named pure steps (`ADDRESS_STEPS`); each step exists as a scalar
``str -> str`` and as a Polars ``Expr -> Expr``, and the two agree (property-tested). `address_steps`
shows every intermediate, to explain a 住所判定 to an officer. Tables live in `_address_tables`.

>>> normalize_address("東京都千代田区霞が関１丁目１番１号　コーポ山田１０１")
'東京都千代田区霞が関1-1-1コーポ山田101'
>>> normalize_address("京都市 下京区烏丸通七条下る東塩小路町７２１－１　２０１")
'京都市下京区烏丸通七条下る東塩小路町721-1 201'
>>> address_parts("北海道虻田郡倶知安町北一条東二丁目3番地").municipality
'倶知安町'
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from typing import NamedTuple

import polars as pl

from himozuke.text import _address_tables as t
from himozuke.text import municipality as m
from himozuke.text._paths import look_up
from himozuke.text._tables import VARIATION_SELECTOR_PATTERN


class Step(NamedTuple):
    """One normalisation step in both forms."""

    name: str
    scalar: Callable[[str], str]
    expr: Callable[[pl.Expr], pl.Expr]


# ---- 1. 全角半角 ---------------------------------------------------------------------------------

def unify_width(s: str) -> str:
    """全角英数字・半角カナ → NFKC (「１－１」 → 「1-1」, 「ｺｰﾎﾟ」 → 「コーポ」).

    >>> unify_width("霞が関１丁目１－１")
    '霞が関1丁目1-1'
    """
    return unicodedata.normalize("NFKC", s)


def unify_width_expr(e: pl.Expr) -> pl.Expr:
    """Vectorised `unify_width`."""
    return e.str.normalize("NFKC")


# ---- 2. 異体字セレクタ -------------------------------------------------------------------------------

def drop_selectors(s: str) -> str:
    """Variation selectors (U+FE00–FE0F) and IVS selectors (U+E0100–E01EF) removed: they pick a glyph, not a
    character (「葛\\U000e0100飾区」 → 「葛飾区」).

    >>> drop_selectors("葛\\U000e0100飾区")
    '葛飾区'
    """
    return _SELECTOR_RE.sub("", s)


_SELECTOR_RE = re.compile(VARIATION_SELECTOR_PATTERN)


def drop_selectors_expr(e: pl.Expr) -> pl.Expr:
    """Vectorised `drop_selectors`. Cheap path: only the (rare) texts holding a selector are rewritten."""
    return _stages(e, lambda v: _only_where(v, VARIATION_SELECTOR_PATTERN,
                                            lambda x: x.str.replace_all(VARIATION_SELECTOR_PATTERN, "")))


def _only_where(e: pl.Expr, pattern: str, rewrite) -> pl.Expr:
    """``rewrite(e)`` where ``e`` matches ``pattern`` (a search without captures: a fast DFA), ``e`` elsewhere.
    The rewrite reads nulls elsewhere (cheap), where ``pl.when`` around it would run on every text. ``e`` is read
    three times: cheap for a column or a struct field, not for a chain of steps (`_stages`)."""
    return pl.coalesce(rewrite(pl.when(e.str.contains(pattern)).then(e)), e)


# ---- 3. 空白 -----------------------------------------------------------------------------------

_SPACE_CLASS = "[" + "".join(t.SPACES) + "]+"
_NUMERAL_CHARS = "0-9" + "".join(t.KANJI_DIGITS) + "".join(t.KANJI_MULTIPLIERS) + "".join(t.OLD_NUMERALS)
# A space is kept only between a number (or its 番・地・号) and the next number: 「1-1-1 101」, 「1番地 101」
# keep their room apart. Anywhere else it says nothing (「京都市 下京区」, 「霞が関 1-1」, 「1丁目 1番」).
_KEEP_AFTER = f"{_NUMERAL_CHARS}番地号"
_KEPT_SPACE = f"([{_KEEP_AFTER}]) ([{_NUMERAL_CHARS}])"
_SPACE_MARK = "\ufdd2"  # a noncharacter, held for a kept space between the two passes


def unify_spaces(s: str) -> str:
    """空白類 → one U+0020, and kept only between a number and the next (「1-1-1 101」); elsewhere removed.

    >>> unify_spaces(" 京都市\\u3000下京区 1-1 "), unify_spaces("1番地　101"), unify_spaces("1丁目 1番")
    ('京都市下京区1-1', '1番地 101', '1丁目1番')
    """
    s = re.sub(_SPACE_CLASS, " ", s).strip(" ")
    return re.sub(f"(?<![{_KEEP_AFTER}]) | (?![{_NUMERAL_CHARS}])", "", s)


def unify_spaces_expr(e: pl.Expr) -> pl.Expr:
    """Vectorised `unify_spaces` (no look-around in Rust regex: kept spaces are marked in two passes)."""
    keep = f"${{1}}{_SPACE_MARK}${{2}}"

    def rewrite(x: pl.Expr) -> pl.Expr:
        x = x.str.replace_all(_SPACE_CLASS, " ").str.strip_chars(" ")
        x = x.str.replace_all(_KEPT_SPACE, keep).str.replace_all(_KEPT_SPACE, keep)
        return x.str.replace_all(" ", "", literal=True).str.replace_all(_SPACE_MARK, " ", literal=True)

    # cheap path: most addresses hold no space at all (and NFKC has made U+3000 one)
    return _stages(e, lambda v: _only_where(v, _SPACE_CLASS, rewrite))


# ---- 4. ダッシュ ---------------------------------------------------------------------------------

#: 漢数字 (旧字 too: 壱弐参拾 are numbers in a number context, 「弐拾参番地」 == 「二十三番地」; 「壱岐市」 keeps its 壱).
_KANJI_NUMERALS = "".join(t.KANJI_DIGITS) + "".join(t.KANJI_MULTIPLIERS) + "".join(t.OLD_NUMERALS)
_NUMERALS = "0-9" + _KANJI_NUMERALS
_PROLONGED = "[" + "".join(t.PROLONGED_SOUND_MARKS) + "]"
_BEFORE_PROLONGED = f"[{_NUMERALS}目番地号]"  # 「1ー2」「5丁目ー4」
_AFTER_PROLONGED = f"[{_NUMERALS}]"


def unify_dashes(s: str) -> str:
    """ダッシュ類 → 「-」; 長音符 「ー」 only between numbers (manual §7(6) A 注12: 「１－１－１」).

    >>> unify_dashes("1‐1−1"), unify_dashes("5丁目ー4ー3"), unify_dashes("コーポ1")
    ('1-1-1', '5丁目-4-3', 'コーポ1')
    """
    s = s.translate(_DASH_TRANS)
    return re.sub(f"(?<={_BEFORE_PROLONGED}){_PROLONGED}(?={_AFTER_PROLONGED})", "-", s)


_DASH_TRANS = str.maketrans(dict.fromkeys(t.DASHES, "-"))


def unify_dashes_expr(e: pl.Expr) -> pl.Expr:
    """Vectorised `unify_dashes` (no look-around in Rust regex: two passes cover 「1ー2ー3」).

    Cheap path: the two capture passes run only on texts holding a 長音符 at all (few addresses do; a null
    skips the regex), the rest are taken as they are (docs/benchmarks.md)."""
    f = pl.field
    pattern = f"({_BEFORE_PROLONGED}){_PROLONGED}({_AFTER_PROLONGED})"
    return (
        pl.struct(e.str.replace_many(dict.fromkeys(t.DASHES, "-")).alias("dashed"))
        .struct.with_fields(pl.when(f("dashed").str.contains(_PROLONGED)).then(f("dashed"))
                            .str.replace_all(pattern, "${1}-${2}").str.replace_all(pattern, "${1}-${2}")
                            .alias("prolonged"))
        .struct.with_fields(pl.coalesce(f("prolonged"), f("dashed")).alias("out"))
        .struct.field("out")
    )


# ---- 5. 漢数字 ---------------------------------------------------------------------------------

# Digits and 漢数字 are runs of their own: 「六分一７番地」 is the 町名 六分一 and the 番地 7, not 17.
_TOKENS = f"[0-9]+|[{_KANJI_NUMERALS}]+|[^{_NUMERALS}]+"
_NUMERAL_RUN = f"^[{_NUMERALS}]+$"
_WORD_SEPS = "|".join(sep for sep in t.NUMBER_SEPARATORS if sep != "-")
# Separators between two numbers; a space is allowed only around a dash: 「1-1-1 101」 keeps its room apart.
_SEP_RUN = f"(?:{_WORD_SEPS}| ?- ?)+"
# The same, except a bare 「-」 (already done): the two passes of the Rust form must not spend one on it.
_SEP_ONE = f"(?:{_WORD_SEPS}| ?- ?)"
_SEP_RUN_NOT_BARE_DASH = f"(?:-{_SEP_ONE}+|(?:{_WORD_SEPS}| - ?|- ){_SEP_ONE}*)"
_SEP_TOKEN = f"^{_SEP_RUN}$"
# A run is a number when a strong separator follows: 丁目, 番地, 号, -, 番 (but not 番町 / 番丁 / 番館 …).
_STRONG_NEXT = f"^(?:丁目|番地|号| ?-|番(?:$|[^{t.WORD_AFTER_SUFFIX}]))"


def _is_number_context(tokens: list[str], i: int) -> bool:
    """Token ``i`` (a run of numerals) is a 地番 number, not part of a 町名 such as 「一番町」「八丁堀」."""
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    prev = tokens[i - 1] if i >= 1 else None
    return bool(
        (nxt is not None and re.match(_STRONG_NEXT, nxt))
        or (i >= 2 and prev is not None and re.match(_SEP_TOKEN, prev))
        or (i + 2 < len(tokens) and nxt is not None and re.match(_SEP_TOKEN, nxt))
    )


def kanji_numerals_to_digits(s: str) -> str:
    """漢数字 → 算用数字, only in a number context (manual §7(6) A 注12: 「五丁目四番三号」 == 「5-4-3」).

    A run of 〇一二…十百千 (or digits) is a number when 丁目, 番地, 号, a dash or 番 (not 番町/番丁/番館/番通)
    follows it, or when it is chained to another number by a separator (丁目 番地 番 号 の ノ 之 -).
    Place names keep their kanji: 千代田, 三軒茶屋, 八丁堀, 四日市, 北一条東, 一番町, 一之江.

    >>> kanji_numerals_to_digits("五丁目四番三号")
    '5丁目4番3号'
    >>> kanji_numerals_to_digits("千代田区一番町二十三番地"), kanji_numerals_to_digits("五の四の三")
    ('千代田区一番町23番地', '5の4の3')
    """
    tokens = re.findall(_TOKENS, s)
    return "".join(
        t.kanji_number(tok) if re.match(_NUMERAL_RUN, tok) and _is_number_context(tokens, i) else tok
        for i, tok in enumerate(tokens)
    )


# Polars: mark each run holding a 漢数字 in a number context (3 regex passes, no look-around in Rust), convert
# marked runs by one table, split rows with a rarer run (「一〇五〇」「三百」「十十」) at the markers (noncharacters).
_OPEN, _CLOSE = "\ufdd0", "\ufdd1"
_KANJI_RUN = f"[{_KANJI_NUMERALS}]+"
# Chained to the number before it (「5の四」): the number's last character, separators, the run.
_AFTER_NUMBER = f"([{_NUMERALS}])({_SEP_RUN})({_KANJI_RUN})"
_AFTER_MARKED = f"({_CLOSE})({_SEP_RUN})({_KANJI_RUN})"  # 「一の二の三」: the 三 a first pass skips
# A strong suffix (_STRONG_NEXT) or separators chaining it to the next number (digit or marked run).
_STRONG = f"丁目|番地|号| ?-|番$|番[^{t.WORD_AFTER_SUFFIX}]"
_BEFORE_NUMBER = f"({_KANJI_RUN})({_STRONG}|{_SEP_RUN}[{_NUMERALS}{_OPEN}])"


def preload(home: str | None = None) -> None:
    """Build the tables the vectorised normaliser and parser read — the numerals', the 市区町村 list's (pure
    Python) — ahead of a first check, which would build them in its address item, the last to finish."""
    _marked_numbers()
    _traditional_series()
    m.preload(home)


@functools.cache
def _marked_numbers() -> dict[str, str]:
    """Marked runs → digits for the usual numbers: 1–99 with 十, positional runs of 1–2 characters."""
    runs = [*t.KANJI_DIGITS, *(a + b for a in t.KANJI_DIGITS for b in t.KANJI_DIGITS)]
    usual = {run: t.kanji_number(run) for run in runs} | {r: v for r, v in t.traditional_numbers().items() if len(v) < 3}
    return {f"{_OPEN}{run}{_CLOSE}": value for run, value in usual.items()}


@functools.cache
def _traditional_series() -> tuple[pl.Series, pl.Series]:  # built once: a dict becomes a Series per call
    return pl.Series(t.traditional_numbers().keys()), pl.Series(t.traditional_numbers().values())


def _convert_marked_expr(e: pl.Expr) -> pl.Expr:
    """Every marked run read like `t.kanji_number` (the pieces of the split are one flat column)."""
    piece = pl.element().str.split_exact(_CLOSE, 1)
    run, after = piece.struct.field("field_0").str.replace_many(t.OLD_NUMERALS), piece.struct.field("field_1")
    value = (
        pl.when(run.str.contains(f"[{''.join(t.KANJI_MULTIPLIERS)}]"))
        .then(run.replace_strict(*_traditional_series(), default=run))
        .otherwise(run.str.replace_many({k: str(v) for k, v in t.KANJI_DIGITS.items()}))
    )
    piece = pl.when(after.is_null()).then(pl.element()).otherwise(value + after)
    return e.str.split(_OPEN).list.eval(piece).list.join("")


def kanji_numerals_to_digits_expr(e: pl.Expr) -> pl.Expr:
    """Vectorised `kanji_numerals_to_digits`: mark runs in a number context, convert them by table."""
    marked = (
        e.str.replace_all(_AFTER_NUMBER, f"${{1}}${{2}}{_OPEN}${{3}}{_CLOSE}")
        .str.replace_all(_AFTER_MARKED, f"${{1}}${{2}}{_OPEN}${{3}}{_CLOSE}")
        .str.replace_all(_BEFORE_NUMBER, f"{_OPEN}${{1}}{_CLOSE}${{2}}")
    )
    f = pl.field  # the struct keeps `marked` for the rare rows: each regex runs once
    rare = pl.when(f("by_table").str.contains(_OPEN, literal=True)).then(f("marked"))
    return (
        pl.struct(marked.alias("marked"))
        .struct.with_fields(f("marked").str.replace_many(_marked_numbers()).alias("by_table"))
        .struct.with_fields(pl.coalesce(_convert_marked_expr(rare), f("by_table")).alias("out"))
        .struct.field("out")
    )


# ---- 6. 区切り -------------------------------------------------------------------------------------

_SUFFIXES = "|".join(t.NUMBER_SUFFIXES)


_PARCEL_LETTERS = "ァ-ヺ" + t.PARCEL_LETTERS
_PARCEL = f"([{_PARCEL_LETTERS}])(?:{'|'.join(t.PARCEL_JOINERS)})([0-9])"
_PARCEL_SEARCH = f"[{_PARCEL_LETTERS}](?:{'|'.join(t.PARCEL_JOINERS)})[0-9]"


def unify_separators(s: str) -> str:
    """丁目・番地・番・の・ノ・之・丿・- between numbers → 「-」; a trailing 丁目/番地/番/号 is dropped.

    Manual §7(6) A 注12 「１丁目１番１号」と「１－１－１」; SPEC 「５丁目－４－３、５－４－３、５の４の３」.
    The suffix stays where it is part of a word: 「101号室」, 「1番館」, 「1番町」. 号 after 番 ends the 地番: a
    number right after it is a room (「1番1号101」 → 「1-1 101」); 号 before a 番地 is a 町名 (北海道の 「10号」).
    A parcel letter keeps its number: 「ハの74」 → 「ハ74」.

    >>> unify_separators("5の4の3"), unify_separators("5丁目-4-3"), unify_separators("1丁目1番地1")
    ('5-4-3', '5-4-3', '1-1-1')
    >>> unify_separators("1丁目1番1号 101号室"), unify_separators("1丁目1番1号101"), unify_separators("字東ハの74")
    ('1-1-1 101号室', '1-1-1 101', '字東ハ74')
    """
    s = re.sub(f"(?<![ァ-ヺー]){_PARCEL}", r"\1\2", s)
    s = re.sub("(番[0-9]+)号(?=[0-9])", r"\1 ", s)
    s = re.sub(f"(?<=[0-9]){_SEP_RUN}(?=[0-9])", "-", s)
    s = re.sub(f"(?<=[0-9])(?:{_SUFFIXES})+(?![0-9{t.WORD_AFTER_SUFFIX}])", "", s)
    return re.sub(f"(?<=[0-9]){_SEP_RUN}(?=[0-9])", "-", s)  # a 号 dropped before 「之0」 (「0号之0」)


def unify_separators_expr(e: pl.Expr) -> pl.Expr:
    """Vectorised `unify_separators` (two passes stand in for look-behind: 「1の2の3」). The parcel letter and
    the room after 号 are rare: each rewrite with captures runs only on the texts a plain search finds."""
    chain = f"([0-9]){_SEP_RUN_NOT_BARE_DASH}([0-9])"
    return _stages(
        e,
        lambda v: _only_where(v, _PARCEL_SEARCH, lambda x: x.str.replace_all(f"(^|[^ァ-ヺー]){_PARCEL}", "${1}${2}${3}")),
        lambda v: _only_where(v, "番[0-9]+号[0-9]", lambda x: x.str.replace_all("(番[0-9]+)号([0-9])", "${1} ${2}")),
        lambda v: v.str.replace_all(chain, "${1}-${2}").str.replace_all(chain, "${1}-${2}")
        .str.replace_all(f"([0-9])(?:{_SUFFIXES})+($|[^0-9{t.WORD_AFTER_SUFFIX}])", "${1}${2}"),
        # a 号 dropped before 「之0」 leaves a chain the first passes could not see (「0号之0」): rare, searched first
        lambda v: _only_where(v, f"[0-9]{_SEP_RUN_NOT_BARE_DASH}[0-9]",
                              lambda x: x.str.replace_all(chain, "${1}-${2}").str.replace_all(chain, "${1}-${2}")),
    )


def _stages(e: pl.Expr, *stages) -> pl.Expr:
    """``e`` through ``stages`` (functions of one expression), each reading the previous one's output as a struct
    field: a stage that reads its input several times (`_only_where`) does not compute the stages before again."""
    st = pl.struct(e.alias("v"))
    for stage in stages:
        st = st.struct.with_fields(stage(pl.field("v")).alias("v"))
    return st.struct.field("v")


ADDRESS_STEPS: tuple[Step, ...] = (
    Step("unify_width", unify_width, unify_width_expr),
    Step("drop_selectors", drop_selectors, drop_selectors_expr),
    Step("unify_spaces", unify_spaces, unify_spaces_expr),
    Step("unify_dashes", unify_dashes, unify_dashes_expr),
    Step("kanji_numerals_to_digits", kanji_numerals_to_digits, kanji_numerals_to_digits_expr),
    Step("unify_separators", unify_separators, unify_separators_expr),
)


def normalize_address(s: str) -> str:
    """All `ADDRESS_STEPS` in order: 「５の４の３」 → 「5-4-3」.

    >>> normalize_address("５の４の３"), normalize_address("五丁目四番三号"), normalize_address("５丁目－４－３")
    ('5-4-3', '5-4-3', '5-4-3')
    """
    return functools.reduce(lambda acc, step: step.scalar(acc), ADDRESS_STEPS, s)


def normalize_address_expr(e: pl.Expr) -> pl.Expr:
    """Vectorised `normalize_address`, as one expression: each step reads a struct field, not the chain of steps
    before it (a step reads its input up to three times: nested, the chain would be computed 3ⁿ times).
    `addresses` and `normalized` are the faster form for a column."""
    return _stages(e, *(step.expr for step in ADDRESS_STEPS))


def _normalize_each(frame: pl.DataFrame) -> pl.DataFrame:
    """`normalize_address_expr` of every column of ``frame``, step by step: each step reads a column, not the
    chain of steps before it (a step that reads its input twice would compute that chain twice). The columns of a
    step run side by side. Lazy: a step's expression repeats its own parts, which only a lazy query computes once
    (eager ``select`` leaves out common-subexpression elimination: twice the time)."""
    query = frame.lazy()
    for step in ADDRESS_STEPS:
        query = query.select(step.expr(pl.col(c)).alias(c) for c in frame.columns)
    return query.collect()


def _distinct(values: pl.Series) -> tuple[pl.Series, pl.Series]:
    """The distinct values of ``values`` (no null) and each row's index into them (null where a value is null)."""
    distinct = values.unique().drop_nulls()
    return distinct, look_up(values, distinct, pl.int_range(distinct.len(), dtype=pl.UInt32, eager=True))


def _each_distinct(values: pl.Series, compute: Callable[[pl.LazyFrame], pl.LazyFrame]) -> pl.DataFrame:
    """``compute`` (a query of one column ``v`` → a query of its results) of each distinct value once, in the
    rows of ``values`` (null where a value is null). Collected lazily: an eager query computes twice a part its
    expressions read twice."""
    distinct, index = _distinct(values)
    return compute(distinct.to_frame("v").lazy()).collect().select(pl.all().gather(index))


def address_steps(s: str) -> list[tuple[str, str]]:
    """Every intermediate of `normalize_address`, for explaining a 住所判定.

    >>> address_steps("５の四の三")[-2:]
    [('kanji_numerals_to_digits', '5の4の3'), ('unify_separators', '5-4-3')]
    """
    out = [("input", s)]
    for step in ADDRESS_STEPS:
        out.append((step.name, step.scalar(out[-1][1])))
    return out


# ---- 頭と尾 (head and tail) -----------------------------------------------------------------------

def _span(first: str, last: str) -> set[int]:
    """The code points from ``first`` to ``last``."""
    return set(range(ord(first), ord(last) + 1))


def _class(points: set[int]) -> str:
    """A regex character class of ``points``, written out as ranges (Python's `re` has no class subtraction)."""
    def char(p: int) -> str:
        return "\\" + chr(p) if chr(p) in "\\]-^[" else chr(p)

    runs: list[str] = []
    for p in sorted(points):
        if runs and runs[-1][1] == p - 1:
            runs[-1] = (runs[-1][0], p)
        else:
            runs.append((p, p))
    return "[" + "".join(char(a) if a == b else f"{char(a)}-{char(b)}" for a, b in runs) + "]"


# What the steps read around a number — numerals, 丁目・番地・号 and separators, dashes, 長音符, spaces, parcel
# letters (katakana, 甲乙丙丁) — in raw text as in normalised text.
_AROUND_NUMBERS = _span("0", "9") | _span("０", "９") | _span("ｦ", "ﾟ") | _span("ァ", "ヺ") | set(map(ord, (
    "ヽヾ" + _KANJI_NUMERALS + "丁目番地号" + "".join(t.PARCEL_JOINERS) + t.PARCEL_LETTERS
    + "".join(t.DASHES) + "".join(t.PROLONGED_SOUND_MARKS) + "".join(t.SPACES))))
# A character no step reads as part of a number: 漢字 and ひらがな (not 〇一二…, 丁目番地号, の); not the CJK
# compatibility ideographs, which NFKC turns into others (「參」 into 参).
_QUIET = _class((_span("々", "々") | _span("㐀", "䶿") | _span("一", "鿿") | _span("ぁ", "ゖ")) - _AROUND_NUMBERS)
_AROUND = _class(_AROUND_NUMBERS)
#: The head: everything up to the last quiet character before the first digit, when only characters that
#: surround numbers stand between the two (「東京都千代田区霞が関」 of 「…霞が関１丁目１－１」).
_HEAD = f"^[^0-9０-９]*{_QUIET}"
_TAIL_START = f"^{_AROUND}*[0-9０-９]"


def split_head(s: str) -> tuple[str, str]:
    """(head, tail) of an address, so that ``normalize_address(s) == normalize_address(head) +
    normalize_address(tail)``: no step reads a number's context across a quiet character (a 漢字 or ひらがな that is
    no numeral, suffix or separator). Without a digit, or with another character before the numbers, the head
    is empty.

    >>> split_head("東京都千代田区霞が関１丁目１－１"), split_head("札幌市中央区北十一条西二丁目3-4")
    (('東京都千代田区霞が関', '１丁目１－１'), ('札幌市中央区北十一条西', '二丁目3-4'))
    >>> split_head("字東ハの74"), split_head("五丁目四番三号")
    (('字東', 'ハの74'), ('', '五丁目四番三号'))
    """
    head = re.match(_HEAD, s)
    if head is None or re.match(_TAIL_START, s[head.end():]) is None:
        return "", s
    return s[:head.end()], s[head.end():]


def split_head_expr(e: pl.Expr) -> pl.Expr:
    """Vectorised `split_head`: a struct whose fields ``head`` (null where the head is empty) and ``tail`` are
    the split (the others are its steps). Searches without captures (a fast DFA); the head is what the tail
    leaves."""
    f = pl.field
    return (
        pl.struct(e.alias("text"))
        .struct.with_fields(f("text").str.replace(_HEAD, "").alias("rest"))
        .struct.with_fields(
            pl.when(f("rest").str.contains(_TAIL_START))
            .then(f("text").str.len_chars() - f("rest").str.len_chars()).alias("n"))
        .struct.with_fields(pl.when(f("n") > 0).then(f("text").str.head(f("n"))).alias("head"))
        .struct.with_fields(pl.when(f("head").is_not_null()).then(f("rest")).otherwise(f("text")).alias("tail"))
    )


# ---- 住所の分解 ---------------------------------------------------------------------------------

class AddressParts(NamedTuple):
    """An address split for comparison; every text is the normalised form (`normalize_address`)."""

    prefecture: str | None  #: 都道府県, None when the address leaves it out
    municipality: str | None  #: 市区町村 as the list spells it (政令指定都市の区, 特別区; no 郡); None: not recognised
    city: str | None  #: the place (`municipality.resolve`): its code, "?" when several fit, None when not recognised
    machiaza: str  #: 町字: after the 市区町村, up to the 地番
    machiaza_key: str  #: 注11: first two characters of the 町字 (大字/字 left out, ケ folded, a number as 「#」)
    banchi: str  #: 地番 as 「1-1-1」, "" when there is none
    numbers: str  #: 注12: every number of the 町字 and the 地番, in order (「北11条西2丁目3-4」 → 「11-2-3-4」)
    rest: str  #: 方書 and whatever follows the 地番


# The 地番 is the last chain of numbers (「5-3川平3-21-2」: 弥富市 五之三川平 三丁目; 「10号1-5」: 東神楽町 10号) after
# which nothing but a 方書 without a chain follows; with no chain, the first lone number that no 漢字 or の/ノ
# continues (「北1条西2」, 「太田1の通り」 is a 町名). What comes before it is the 町字.
_TAIL = (
    r"^(?:(?P<machiaza>(?:.*[^0-9-])?)(?P<chain>[0-9]+(?:-[0-9]+)+)(?P<chain_rest>(?:[^0-9-][^-]*)?)"
    f"|(?P<machiaza1>(?:.*?[^0-9-])??)(?P<single>[0-9]+)(?P<single_rest>(?:[^{t.HAN}0-9のノ-].*)?))$"
)
_MACHIAZA_PREFIX = f"^(?:{'|'.join(t.MACHIAZA_PREFIXES)}) ?"
_NUMBER_RUN = f"[0-9]+|[{_KANJI_NUMERALS}]+"
_KEY_FOLD = {**t.KE_VARIANTS, " ": ""}
_KEY_TRANS = str.maketrans(_KEY_FOLD)


@functools.cache
def _head() -> re.Pattern[str]:
    return re.compile(m.head_pattern())


def machiaza_key(machiaza: str) -> str:
    """The part of the 町字 that manual §7(6) A 注11 compares: its first two characters.

    「大字」「字」 are left out (「大字山田」 == 「山田」), ヶ/ヵ/が/ガ fold to ケ (「霞が関」 == 「霞ヶ関」) and a number
    in a 町名 is 「#」: its value is compared with the other numbers (注12), so 「北1条」 == 「北一条」 == 「北十条」 here
    and 「北1条」 ≠ 「北十条」 there. 異体字 are *not* folded here (`match` compares the keys with them).

    >>> machiaza_key("霞が関"), machiaza_key("霞ヶ関"), machiaza_key("大字山田字東"), machiaza_key("北10条西")
    ('霞ケ', '霞ケ', '山田', '北#')
    """
    key = re.sub(_MACHIAZA_PREFIX, "", machiaza).translate(_KEY_TRANS)
    return re.sub(_NUMBER_RUN, "#", re.sub(_LAST_SUFFIX, "#", key))[:2]


# A number that ends the 町字 with its suffix (「20号」 before 「28番地」, or written 「20 28-13」) is one 「#」.
_LAST_SUFFIX = f"(?:{_NUMBER_RUN})(?:{_SUFFIXES})$"


def _plain_machiaza_key_expr(e: pl.Expr) -> pl.Expr:
    """`_machiaza_key_expr` of a 町字 without a number."""
    return e.str.replace(_MACHIAZA_PREFIX, "").str.replace_many(_KEY_FOLD).str.slice(0, 2)


def _machiaza_key_expr(e: pl.Expr) -> pl.Expr:
    return e.str.replace(_MACHIAZA_PREFIX, "").str.replace_many(_KEY_FOLD).str.replace(_LAST_SUFFIX, "#") \
        .str.replace_all(_NUMBER_RUN, "#").str.slice(0, 2)


def machiaza_numbers(machiaza: str) -> list[str]:
    """The numbers of a 町名, each by its value (条, 線, 地割, 通り名の数字; 漢数字 or digits alike).

    >>> machiaza_numbers("北十一条西"), machiaza_numbers("河原町通四条上る米屋町"), machiaza_numbers("霞が関")
    (['11'], ['4'], [])
    """
    return [t.kanji_number(run) for run in re.findall(_NUMBER_RUN, machiaza)]


def _join_numbers(*parts: str | list[str]) -> str:
    return "-".join(x for part in parts for x in ([part] if isinstance(part, str) else part) if x)


def address_parts(s: str | None, home: str | None = None) -> AddressParts | None:
    """都道府県 / 市区町村 / 町字 / 地番 / 方書 of one address; None for a missing or blank address.

    The 市区町村 is recognised and resolved by `himozuke.text.municipality` (``home``: the body's 都道府県, for a
    name several prefectures have, when the address leaves its own out). The 地番 is the first run of numbers
    joined by separators; a lone number directly followed by a 漢字 belongs to the 町名 (「北1条西」). What
    follows the 地番 is ``rest`` (方書). ``numbers`` holds every number of the 町名 and the 地番 (注12).

    >>> address_parts("東京都千代田区霞が関１丁目１番１号　コーポ山田１０１")
    AddressParts(prefecture='東京都', municipality='千代田区', city='13101', machiaza='霞が関', machiaza_key='霞ケ', \
banchi='1-1-1', numbers='1-1-1', rest='コーポ山田101')
    >>> address_parts("府中市宮町1-1").city, address_parts("府中市宮町1-1", home="東京都").city
    ('?', '13206')
    """
    if s is None:
        return None
    norm = normalize_address(s)
    if not norm:
        return None
    head = _head().match(norm)
    assert head is not None  # every group is optional
    prefecture, found = head["prefecture"], head["municipality"]
    city = m.resolve(prefecture, found, home)
    municipality = m.name_by_code().get(city) if city != m.AMBIGUOUS else m.fold(found)
    tail = head["tail"]
    match = re.match(_TAIL, tail)
    if match is None:
        machiaza, banchi, rest = tail, "", ""
    elif match["chain"] is not None:
        machiaza, banchi, rest = match["machiaza"], match["chain"], match["chain_rest"]
    else:
        machiaza, banchi, rest = match["machiaza1"], match["single"], match["single_rest"]
    machiaza = machiaza.strip(" ")
    return AddressParts(prefecture, municipality, city, machiaza, machiaza_key(machiaza), banchi,
                        _join_numbers(machiaza_numbers(machiaza), banchi), rest.strip(" "))


def city_of_normalized_expr(norm: pl.Expr, home: str | None = None) -> pl.Expr:
    """`AddressParts.city` alone of a text already normalised by `normalize_address_expr` (null when blank): the
    head of `parts_of_normalized_expr` without the 町字 and 地番. Two texts that normalise alike have the same parts,
    so the check asks of them only this — is the 市区町村 recognised (`match.compare`).

    >>> df = pl.DataFrame({"n": ["府中市宮町1-1", "東京都千代田区霞が関1-1-1", "架空市1-1", ""]})
    >>> df.select(city_of_normalized_expr(pl.col("n"), home="東京都"))["city"].to_list()
    ['13206', '13101', None, None]
    """
    f = pl.field
    head = f("_head").struct.field
    city = (
        pl.struct(norm.alias("_norm"))
        .struct.with_fields(_head_expr(f("_norm")).alias("_head"))
        .struct.with_fields(m.resolve_expr(head("prefecture"), head("found"), home).alias("city"))
        .struct.field("city")
    )
    return pl.when(norm.is_not_null() & (norm != "")).then(city).alias("city")


def _name_before(whole: pl.Expr, rest: pl.Expr) -> pl.Expr:
    """What ``whole`` holds before its suffix ``rest`` (a name and its space), null when nothing."""
    name = whole.str.head(whole.str.len_chars() - rest.str.len_chars()).str.strip_chars_end(" ")
    return pl.when(name != "").then(name)


def _head_expr(norm: pl.Expr) -> pl.Expr:
    """`m.head_pattern` as anchored replaces, no capture groups: struct of prefecture, found, tail."""
    prefectures, guns, names = m.name_patterns()
    f = pl.field
    return (
        pl.struct(norm.alias("norm"))
        .struct.with_fields(f("norm").str.replace(f"^(?:{prefectures}) ?", "").alias("after_prefecture"))
        .struct.with_fields(f("after_prefecture").str.replace(f"^(?:{guns}) ?", "").alias("after_gun"))
        .struct.with_fields(f("after_gun").str.replace(f"^(?:{names}) ?", "").alias("tail"))
        .struct.with_fields(
            _name_before(f("norm"), f("after_prefecture")).alias("prefecture"),
            _name_before(f("after_gun"), f("tail")).alias("found"),
        )
    )


def address_parts_expr(e: pl.Expr, home: str | None = None) -> pl.Expr:
    """Vectorised `address_parts`: a ``pl.Struct`` with the fields of `AddressParts`, null when blank.

    Intermediates are struct fields (``struct.with_fields``), so each regex runs once per row.

    >>> df = pl.DataFrame({"住所": ["千代田区霞が関１－１－１", None]})
    >>> df.select(address_parts_expr(pl.col("住所")).struct.field("numbers")).to_series().to_list()
    ['1-1-1', None]
    """
    return parts_of_normalized_expr(normalize_address_expr(e), home)


def _numbers_of_runs_expr(runs: pl.Expr) -> pl.Expr:
    """Each run of 漢数字 or digits (a list) by its value, like `t.kanji_number`, joined by 「-」."""
    run = pl.element().str.replace_many(t.OLD_NUMERALS)
    value = (
        pl.when(run.str.contains(f"[{''.join(t.KANJI_MULTIPLIERS)}]"))
        .then(run.replace_strict(*_traditional_series(), default=run))
        .otherwise(run.str.replace_many({k: str(v) for k, v in t.KANJI_DIGITS.items()}))
    )
    return runs.list.eval(value).list.join("-")


def _place_expr(norm: pl.Expr, home: str | None) -> pl.Expr:
    """The 都道府県 and 市区町村 of a normalised text: a struct of ``prefecture``, ``_found`` (the name as
    written), ``city``, ``municipality`` and ``_after`` (what follows the 市区町村)."""
    f = pl.field
    head = f("_head").struct.field
    return (
        pl.struct(_head_expr(norm).alias("_head"))
        .struct.with_fields(head("prefecture").alias("prefecture"), head("found").alias("_found"),
                            head("tail").alias("_after"))
        .struct.with_fields(m.resolve_expr(f("prefecture"), f("_found"), home).alias("city"))
        .struct.with_fields(
            pl.when(f("city") == m.AMBIGUOUS).then(m.fold_expr(f("_found")))
            .otherwise(f("city").replace_strict(m.name_by_code(), default=None, return_dtype=pl.String))
            .alias("municipality"))
    )


def _tail_expr(text: pl.Expr) -> pl.Expr:
    """The 地番 (`_TAIL`) of what follows a 市区町村: a struct of ``_machiaza`` (what comes before the 地番, null
    when there is no 地番), ``banchi`` and ``rest`` (方書)."""
    f = pl.field
    tail = f("_groups").struct.field
    return (
        pl.struct(text.str.extract_groups(_TAIL).alias("_groups"))
        .struct.with_fields(
            pl.coalesce(tail("machiaza"), tail("machiaza1")).alias("_machiaza"),
            pl.coalesce(tail("chain"), tail("single"), pl.lit("")).alias("banchi"),
            pl.coalesce(tail("chain_rest"), tail("single_rest"), pl.lit("")).str.strip_chars(" ").alias("rest"),
        )
    )


def _machiaza_expr(machiaza: pl.Expr) -> pl.Expr:
    """注11 and 注12 of a 町字: a struct of ``machiaza_key`` and ``_numbers`` (its numbers, null when none)."""
    f = pl.field
    return (
        pl.struct(machiaza.alias("_m"))
        .struct.with_fields(f("_m").str.contains(_NUMBER_RUN).alias("_has_numbers"))
        .struct.with_fields(
            # cheap path: a 町字 without a number (most) needs neither the number runs nor their 「#」
            pl.coalesce(_machiaza_key_expr(pl.when(f("_has_numbers")).then(f("_m"))),
                        _plain_machiaza_key_expr(f("_m"))).alias("machiaza_key"),
            _numbers_of_runs_expr(pl.when(f("_has_numbers")).then(f("_m")).str.extract_all(_NUMBER_RUN))
            .alias("_numbers"),
        )
    )


def _parts(place: pl.Expr, tail: pl.Expr, machiaza: pl.Expr, numbers: pl.Expr,
           fields: tuple[str, ...] = AddressParts._fields) -> pl.Expr:
    """`AddressParts` (its ``fields``) as a struct, from the stages' structs (``numbers``: the 町字's, or null)."""
    banchi = tail.struct.field("banchi")
    parts = {
        "prefecture": place.struct.field("prefecture"), "municipality": place.struct.field("municipality"),
        "city": place.struct.field("city"), "machiaza": machiaza.struct.field("_m").alias("machiaza"),
        "machiaza_key": machiaza.struct.field("machiaza_key"), "banchi": banchi,
        "numbers": pl.coalesce(pl.concat_str([numbers, banchi], separator="-").str.strip_chars("-"), banchi)
        .alias("numbers"),
        "rest": tail.struct.field("rest"),
    }
    return pl.struct(parts[name] for name in fields)


def parts_of_normalized_expr(norm: pl.Expr, home: str | None = None) -> pl.Expr:
    """`address_parts_expr` of a text already normalised by `normalize_address_expr` (the split lets a caller
    parse once when two texts normalise alike). `parts_of` is the faster form for a column."""
    f = pl.field
    parts = (
        pl.struct(norm.alias("_norm"))
        .struct.with_fields(_place_expr(f("_norm"), home).alias("_place"))
        .struct.with_fields(_tail_expr(f("_place").struct.field("_after")).alias("_tail"))
        .struct.with_fields(_machiaza_expr(
            pl.coalesce(f("_tail").struct.field("_machiaza"), f("_place").struct.field("_after")).str.strip_chars(" ")
        ).alias("_machiaza"))
        .struct.with_fields(
            pl.when(f("_norm").is_not_null() & (f("_norm") != ""))
            .then(_parts(f("_place"), f("_tail"), f("_machiaza"), f("_machiaza").struct.field("_numbers")))
            .alias("_out"))
    )
    return parts.struct.field("_out")  # one field: selecting several would re-run the whole chain per field


class Addresses(NamedTuple):
    """A column of addresses, each cut into its head and tail (`split_head`), each distinct head and tail
    normalised once (`addresses`): a register repeats its 都道府県・市区町村・町名 for thousands of residents and its
    「1丁目2番3号」 across 町名, while nearly every whole text is distinct."""

    head: pl.Series  #: index into ``heads`` (UInt32); null where the text is not cut (or is null)
    tail: pl.Series  #: index into ``tails``; the whole text where it is not cut; null where the text is null
    heads: pl.Series  #: each distinct head, normalised
    tails: pl.Series  #: each distinct tail, normalised
    #: each distinct head's place by home prefecture (`_head_places`), filled when first read and shared by the
    #: column's filtered copies: a check reads a column's places three times (`same_parts`, `parts_of`, `city_of`)
    places: dict

    def filter(self, mask: pl.Series) -> Addresses:
        return self._replace(head=self.head.filter(mask), tail=self.tail.filter(mask))


# The queries below are collected lazily where their expressions read a part twice (a struct's fields, a
# step's own pieces): an eager query computes such a part twice (no common-subexpression elimination).


def addresses(texts: pl.Series) -> Addresses:
    """Cut each text of ``texts`` (`split_head`) and normalise each distinct head and tail once. Every text is
    cut: listing the distinct texts first costs more than cutting the repeats (docs/benchmarks.md)."""
    split = texts.to_frame("v").lazy().select(split_head_expr(pl.col("v")).alias("s")).collect().unnest("s")
    (heads, head), (tails, tail) = (_distinct(split.get_column(part)) for part in ("head", "tail"))
    # heads and tails normalised in one query: each query compiles the normaliser's regexes again
    both = _normalize_each(pl.concat([heads, tails]).to_frame("v")).to_series()
    return Addresses(head, tail, both.head(heads.len()), both.slice(heads.len()), {})


def normalized(column: Addresses) -> pl.Series:
    """`normalize_address` of each text: its head's and its tail's, joined — no step reads across the cut, so
    the two make the whole (property-tested)."""
    return pl.select(pl.concat_str([pl.lit(column.heads).gather(column.head).fill_null(""),
                                    pl.lit(column.tails).gather(column.tail)])).to_series()


def _normalized_where(column: Addresses, rows: pl.Series) -> pl.Series:
    """`normalized` of the texts where ``rows`` holds, null elsewhere — joined for those texts only: in most
    columns every text is cut, and nothing is left to join."""
    return pl.repeat(None, rows.len(), dtype=pl.String, eager=True).scatter(
        rows.arg_true(), normalized(column.filter(rows)))


def _head_places(column: Addresses, home: str | None, fields: tuple[str, ...] | None = None) -> pl.DataFrame:
    """`_place_expr` (its ``fields``) of each distinct head, as ``_place`` (null where none). A head whose
    normalised text holds a digit (「五号棟」 → 「5号棟」) is not used: the 地番 must be the tail's."""
    quiet = column.places.get(home)
    if quiet is None:  # once per column: each query compiles the 市区町村 pattern again
        quiet = column.places[home] = _narrowed(column.heads.to_frame("v").select(
            pl.when(~pl.col("v").str.contains("[0-9]")).then(_place_expr(pl.col("v"), home)).alias("_place")),
            "_place", _PLACE_FIELDS)
    return quiet if fields is None else _narrowed(quiet, "_place", fields)


def _places(column: Addresses, home: str | None) -> pl.DataFrame:
    """`_place_expr` of each row's head (null where none), each distinct head read once (`_head_places`)."""
    return _head_places(column, home).select(pl.all().gather(column.head))


#: The fields of `_place_expr` and `_tail_expr` that `parts_of` and `city_of` read: only these are gathered into
#: the rows (the steps' own fields would be copied for every row too: ~0.3 GB of memory per million addresses).
_PLACE_FIELDS = ("prefecture", "municipality", "city", "_after")
_TAIL_FIELDS = ("_machiaza", "banchi", "rest")


def _narrowed(frame: pl.DataFrame | pl.LazyFrame, name: str, fields: tuple[str, ...]) -> pl.DataFrame | pl.LazyFrame:
    """``frame`` with its struct column ``name`` cut to ``fields`` (null where it was null)."""
    struct = pl.col(name)
    return frame.with_columns(pl.when(struct.is_not_null()).then(pl.struct(struct.struct.field(*fields))).alias(name))


def parts_of(column: Addresses, home: str | None = None, fields: tuple[str, ...] = AddressParts._fields) -> pl.Series:
    """`parts_of_normalized_expr` of each text, each distinct part parsed once: the 市区町村 of each distinct head,
    the 地番 (`_TAIL`) of each distinct tail, the 注11・注12 of each distinct 町字 — a text's 町字 is its head's rest
    followed by what precedes its tail's 地番 (the head holds no digit, so the 地番 is the tail's). A text that is
    not cut is parsed whole. ``fields``: the parts to give (a caller that reads a few need not hold a string of
    each other part for every row)."""
    places = _places(column, home)
    tails = column.tails.to_frame("v").lazy().select(pl.col("v").alias("_text"), _tail_expr(pl.col("v")).alias("_tail")).collect()
    rows = pl.concat([places, _narrowed(tails, "_tail", _TAIL_FIELDS).select(pl.all().gather(column.tail))],
                     how="horizontal")
    cut = rows.get_column("_place").is_not_null()
    machiaza = rows.lazy().select(pl.when(cut).then(pl.concat_str([
        pl.col("_place").struct.field("_after"),
        pl.coalesce(pl.col("_tail").struct.field("_machiaza"), pl.col("_text"))]).str.strip_chars(" "))).collect().to_series()
    frames = [rows, _each_distinct(machiaza, lambda v: v.select(_machiaza_expr(pl.col("v")).alias("_machiaza")))]
    parts = pl.when(pl.col("_place").is_not_null()).then(
        _parts(pl.col("_place"), pl.col("_tail"), pl.col("_machiaza"), pl.col("_machiaza").struct.field("_numbers"),
               fields))
    if not cut.all():  # (most columns: every text is cut, and a column of null parts would still take memory)
        frames.append(_each_distinct(_normalized_where(column, ~cut), lambda v: _narrowed(
            v.select(parts_of_normalized_expr(pl.col("v"), home).alias("_whole")), "_whole", fields)))
        parts = pl.coalesce(parts, pl.col("_whole"))
    return pl.concat(frames, how="horizontal").lazy().select(parts).collect().to_series().alias("parts")


def same_parts(b: Addresses, r: Addresses, home: str | None = None) -> pl.Series:
    """Row by row: the texts of ``b`` and ``r`` parse to the same `AddressParts` but for ``prefecture`` — both are
    cut, their heads name the same place (the same 市区町村 and what follows it up to the cut, whatever
    都道府県 each writes or leaves out) and their tails normalise alike; `parts_of` reads nothing else of a cut text.
    The common pair of a business address and the register's (「川口市栄町3-29-2」 and 「埼玉県川口市栄町三丁目２９番２号」)
    is such a pair, though the two do not normalise alike. Read with integers: each distinct place and each
    distinct tail of either side gets one id (equal values, equal ids), so no text is gathered into the rows."""
    place = ("city", "municipality", "_after")
    places = [_head_places(c, home, place).to_series() for c in (b, r)]
    place_ids, tail_ids = _shared_ids(*places), _shared_ids(b.tails, r.tails)
    return pl.select(
        (pl.lit(place_ids[0]).gather(pl.lit(b.head)) == pl.lit(place_ids[1]).gather(pl.lit(r.head)))
        & (pl.lit(tail_ids[0]).gather(pl.lit(b.tail)) == pl.lit(tail_ids[1]).gather(pl.lit(r.tail)))
    ).to_series().fill_null(False).alias("same_parts")


def _shared_ids(first: pl.Series, second: pl.Series) -> tuple[pl.Series, pl.Series]:
    """An id for each value of ``first`` and ``second``: equal values (of either) have equal ids; null stays null."""
    ids = pl.concat([first, second]).rank("dense")
    return ids.slice(0, first.len()), ids.slice(first.len())


def city_of(column: Addresses, home: str | None = None) -> pl.Series:
    """`city_of_normalized_expr` of each text, the 市区町村 of each distinct head resolved once."""
    place = _places(column, home).to_series()
    city = pl.select(pl.lit(place).struct.field("city")).to_series()
    if place.is_null().any():
        whole = _each_distinct(_normalized_where(column, place.is_null()),
                               lambda v: v.select(city_of_normalized_expr(pl.col("v"), home))).to_series()
        city = pl.select(pl.when(pl.lit(place).is_not_null()).then(pl.lit(city)).otherwise(pl.lit(whole))).to_series()
    return city.alias("city")
