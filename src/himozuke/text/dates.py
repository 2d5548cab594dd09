"""生年月日 parsing: 西暦, 和暦 (元号) and the 7-digit era-code form, both as scalar and as expression.

Text is read after NFKC (full-width digits → ASCII, ㍼ → 昭和), upper-casing, removal of a midnight
time (Excel date cells) and removal of spaces; then the layouts of ``_tables.DATE_PATTERNS`` are tried
in order. A date is null when it is unreadable, impossible in the calendar (2月30日) or outside its
era (平成元年1月7日, 昭和64年1月8日). 元号 boundaries are exact (``_tables.ERAS``); 明治 is counted from
1868-01-25 in the Gregorian calendar, without converting the lunar dates of 明治1–5年.

>>> parse_date("昭和５０年１月２日"), parse_date("3500102"), parse_date("1975-01-02 00:00:00")
(datetime.date(1975, 1, 2), datetime.date(1975, 1, 2), datetime.date(1975, 1, 2))
>>> parse_date("平成元年1月7日") is None, describe_date_problem("平成元年1月7日")
(True, '元号の期間外です')
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import polars as pl

from himozuke.text import _tables as t
from himozuke.text._paths import two_paths

#: Why a 生年月日 could not be read: key → (Japanese, English), for E rows and rejection lines.
DATE_PROBLEM_TEXT: dict[str, tuple[str, str]] = {
    "empty": ("未入力です", "empty"),
    "unreadable": ("日付として読めません", "not a date"),
    "impossible": ("存在しない日付です", "no such day in the calendar"),
    "outside_era": ("元号の期間外です", "outside the era's period"),
}

_SPACE_RE = re.compile(t.SPACE_PATTERN)
_MIDNIGHT_RE = re.compile(t.MIDNIGHT_SUFFIX_PATTERN)
_ERA_BY_LETTER = {e.letter: e for e in t.ERAS}
_ERA_END = {e.letter: nxt.start for e, nxt in zip(t.ERAS, t.ERAS[1:], strict=False)}


def _combine(patterns: tuple[str, ...]) -> tuple[str, dict[str, list[str]]]:
    """One alternation of all layouts (first match wins in ``re`` and in Rust regex alike), each
    layout's groups renamed ``y_3`` …, and the renamed groups of every field (era, y, m, d)."""
    fields: dict[str, list[str]] = {"era": [], "y": [], "m": [], "d": []}

    def rename(i: int, m: re.Match[str]) -> str:
        fields[m.group(1)].append(f"{m.group(1)}_{i}")
        return f"(?P<{m.group(1)}_{i}>"

    alternatives = [
        "(?:" + re.sub(r"\(\?P<(\w+)>", lambda m, i=i: rename(i, m), p) + ")" for i, p in enumerate(patterns)
    ]
    return "|".join(alternatives), fields


_LAYOUTS, _LAYOUT_FIELDS = _combine(t.DATE_PATTERNS)
_LAYOUTS_RE = re.compile(_LAYOUTS)


def _normalise(s: str) -> str:
    s = _SPACE_RE.sub(" ", unicodedata.normalize("NFKC", s)).strip(" ").upper()
    return _SPACE_RE.sub("", _MIDNIGHT_RE.sub("", s, count=1))


def _normalise_expr(e: pl.Expr) -> pl.Expr:
    s = e.str.normalize("NFKC").str.replace_all(t.SPACE_PATTERN, " ").str.strip_chars(" ").str.to_uppercase()
    return s.str.replace(t.MIDNIGHT_SUFFIX_PATTERN, "").str.replace_all(t.SPACE_PATTERN, "")


def _read(s: str | None) -> tuple[str, dt.date | None]:
    """(problem key or "", date) for one text: the scalar form of every rule in this module."""
    if s is None or not (s := _normalise(s)):
        return "empty", None
    m = _LAYOUTS_RE.match(s)
    if m is None:
        return "unreadable", None
    groups = {f: next((m[n] for n in names if m[n] is not None), None) for f, names in _LAYOUT_FIELDS.items()}
    letter = t.ERA_ALIASES.get(groups["era"] or "")
    year = 1 if groups["y"] == "元" else int(groups["y"])
    if letter is not None:
        year += _ERA_BY_LETTER[letter].first_year - 1
    try:
        date = dt.date(year, int(groups["m"]), int(groups["d"]))
    except ValueError:
        return "impossible", None
    if letter is not None:
        end = _ERA_END.get(letter)
        if date < _ERA_BY_LETTER[letter].start or (end is not None and date >= end):
            return "outside_era", None
    return "", date


def parse_date(s: str | None) -> dt.date | None:
    """生年月日 as a date; null when empty, unreadable, impossible or outside its 元号.

    >>> parse_date("19750102"), parse_date("1975/1/2"), parse_date("s50.01.02")
    (datetime.date(1975, 1, 2), datetime.date(1975, 1, 2), datetime.date(1975, 1, 2))
    >>> parse_date("平成元年1月8日"), parse_date("昭和64年1月7日")
    (datetime.date(1989, 1, 8), datetime.date(1989, 1, 7))
    >>> parse_date("昭和64年1月8日") is None, parse_date("2023-02-30") is None
    (True, True)
    """
    return _read(s)[1]


def describe_date_problem(s: str | None) -> str | None:
    """Short Japanese reason why :func:`parse_date` gives null for ``s``; None when it reads.

    >>> describe_date_problem("S6x.13.01"), describe_date_problem("2月30日")
    ('日付として読めません', '日付として読めません')
    >>> describe_date_problem("2023-02-30"), describe_date_problem("1975-01-02") is None
    ('存在しない日付です', True)
    """
    problem = _read(s)[0]
    return DATE_PROBLEM_TEXT[problem][0] if problem else None


def _read_expr(e: pl.Expr) -> pl.Expr:
    """Vectorised :func:`_read`: a struct built in stages (``struct.with_fields``), so that no piece
    is computed twice; fields ``problem`` (a key of DATE_PROBLEM_TEXT or null) and ``date``."""
    f = pl.field
    st = pl.struct(_normalise_expr(e).alias("text"))
    st = st.struct.with_fields(f("text").str.extract_groups(_LAYOUTS).alias("g"))
    st = st.struct.with_fields(
        pl.coalesce([f("g").struct.field(n) for n in names]).alias(field) for field, names in _LAYOUT_FIELDS.items()
    )
    st = st.struct.with_fields(
        f("era").replace_strict(t.ERA_ALIASES, default=None).alias("letter"),
        f("y").replace("元", "1").cast(pl.Int32).alias("ey"),
    )
    st = st.struct.with_fields(
        pl.when(f("letter").is_null()).then(f("ey"))
        .otherwise(f("ey") + f("letter").replace_strict(
            {e.letter: e.first_year - 1 for e in t.ERAS}, default=None, return_dtype=pl.Int32))
        .alias("year"),
        f("letter").replace_strict({e.letter: e.start for e in t.ERAS}, default=None, return_dtype=pl.Date)
        .alias("start"),
        f("letter").replace_strict(_ERA_END, default=None, return_dtype=pl.Date).alias("end"),
    )
    iso = pl.concat_str(
        f("year").cast(pl.String).str.zfill(4), pl.lit("-"), f("m").str.zfill(2), pl.lit("-"), f("d").str.zfill(2)
    )
    st = st.struct.with_fields(pl.when(f("year") >= 1).then(iso.str.to_date("%Y-%m-%d", strict=False)).alias("cal"))
    st = st.struct.with_fields(
        (f("letter").is_null() | ((f("cal") >= f("start")) & (f("end").is_null() | (f("cal") < f("end")))))
        .alias("in_era")
    )
    return st.struct.with_fields(
        pl.when(f("text").is_null() | (f("text") == "")).then(pl.lit("empty"))
        .when(f("y").is_null()).then(pl.lit("unreadable"))
        .when(f("cal").is_null()).then(pl.lit("impossible"))
        .when(~f("in_era")).then(pl.lit("outside_era"))
        .alias("problem"),
        pl.when(f("in_era")).then(f("cal")).alias("date"),
    )


def _name(e: pl.Expr, default: str) -> str:
    return e.meta.output_name(raise_if_undetermined=False) or default


def parse_date_expr(e: pl.Expr) -> pl.Expr:
    """Vectorised :func:`parse_date` (``pl.Date``).

    >>> df = pl.DataFrame({"生年月日": ["S50.1.2", "H1.1.7", "令和元年5月1日", None]})
    >>> df.select(parse_date_expr(pl.col("生年月日")))["生年月日"].to_list()
    [datetime.date(1975, 1, 2), None, datetime.date(2019, 5, 1), None]
    """
    # cheap path: 1975-01-02 and 19750102 (a year from 1000) read natively; the layouts only for the rest
    return two_paths(e, lambda v: v.str.contains("^[1-9][0-9]{3}(?:-[0-9]{2}-[0-9]{2}|[0-9]{4})$"), _plain_date,
                     lambda v: _read_expr(v).struct.field("date"), pl.Date()).alias(_name(e, "date"))


def _plain_date(e: pl.Expr) -> pl.Expr:
    return pl.coalesce(e.str.to_date("%Y-%m-%d", strict=False), e.str.to_date("%Y%m%d", strict=False))


def identifies(s: str | None) -> bool:
    """The 生年月日 reads as a date (「不明」「不詳」 or 「1950年 月 日」 do not, and are never 一致).

    >>> identifies("S50.1.2"), identifies("不詳"), identifies(None)
    (True, False, False)
    """
    return parse_date(s) is not None


def identifies_expr(e: pl.Expr) -> pl.Expr:
    """Vectorised :func:`identifies`."""
    return parse_date_expr(e).is_not_null()


def describe_date_problem_expr(e: pl.Expr) -> pl.Expr:
    """Vectorised :func:`describe_date_problem` (null where the date reads).

    >>> df = pl.DataFrame({"d": ["S50.1.2", "H1.1.7", "1975-02-30", "昭和", None]})
    >>> df.select(describe_date_problem_expr(pl.col("d")))["d"].to_list()
    [None, '元号の期間外です', '存在しない日付です', '日付として読めません', '未入力です']
    """
    ja = {k: v[0] for k, v in DATE_PROBLEM_TEXT.items()}
    problem = _read_expr(e).struct.field("problem")
    return problem.replace_strict(ja, default=None, return_dtype=pl.String).alias(_name(e, "problem"))
