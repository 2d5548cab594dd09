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

#: Why a 生年月日 could not be read: key → (Japanese, English), for E rows and rejection lines.
DATE_PROBLEM_TEXT: dict[str, tuple[str, str]] = {
    "empty": ("未入力です", "empty"),
    "unreadable": ("日付として読めません", "not a date"),
    "impossible": ("存在しない日付です", "no such day in the calendar"),
    "outside_era": ("元号の期間外です", "outside the era's period"),
}

_SPACE_RE = re.compile(t.SPACE_PATTERN)
_MIDNIGHT_RE = re.compile(t.MIDNIGHT_SUFFIX_PATTERN)
_DATE_RES = tuple(re.compile(p) for p in t.DATE_PATTERNS)
_ERA_BY_LETTER = {e.letter: e for e in t.ERAS}
_ERA_END = {e.letter: nxt.start for e, nxt in zip(t.ERAS, t.ERAS[1:], strict=False)}


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
    m = next((m for r in _DATE_RES if (m := r.match(s))), None)
    if m is None:
        return "unreadable", None
    groups = m.groupdict()
    letter = t.ERA_ALIASES.get(groups.get("era") or "")
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


def _pieces_expr(e: pl.Expr) -> dict[str, pl.Expr]:
    """Vectorised :func:`_read`: the normalised text, the parsed fields, the date and the era check."""
    s = _normalise_expr(e)
    chain: pl.Expr | None = None
    for pattern in t.DATE_PATTERNS:
        g = s.str.extract_groups(pattern)
        era = g.struct.field("era") if "(?P<era>" in pattern else pl.lit(None, pl.String)
        fields = pl.struct(
            era.alias("era"), g.struct.field("y"), g.struct.field("m"), g.struct.field("d")
        )
        hit = g.struct.field("y").is_not_null()
        chain = pl.when(hit).then(fields) if chain is None else chain.when(hit).then(fields)
    parts = chain.otherwise(None)  # type: ignore[union-attr]
    y_text = parts.struct.field("y")
    letter = parts.struct.field("era").replace_strict(t.ERA_ALIASES, default=None)
    first = letter.replace_strict({e.letter: e.first_year for e in t.ERAS}, default=None,
                                  return_dtype=pl.Int32)
    start = letter.replace_strict({e.letter: e.start for e in t.ERAS}, default=None, return_dtype=pl.Date)
    end = letter.replace_strict(_ERA_END, default=None, return_dtype=pl.Date)
    year = y_text.replace("元", "1").cast(pl.Int32)
    year = pl.when(letter.is_null()).then(year).otherwise(year + first - 1)
    text = pl.concat_str(
        year.cast(pl.String).str.zfill(4), pl.lit("-"),
        parts.struct.field("m").str.zfill(2), pl.lit("-"), parts.struct.field("d").str.zfill(2),
    )
    date = pl.when(year >= 1).then(text.str.to_date("%Y-%m-%d", strict=False))
    in_era = letter.is_null() | ((date >= start) & (end.is_null() | (date < end)))
    return {"text": s, "y": y_text, "date": date, "in_era": in_era}


def parse_date_expr(e: pl.Expr) -> pl.Expr:
    """Vectorised :func:`parse_date` (``pl.Date``).

    >>> df = pl.DataFrame({"生年月日": ["S50.1.2", "H1.1.7", "令和元年5月1日", None]})
    >>> df.select(parse_date_expr(pl.col("生年月日")))["生年月日"].to_list()
    [datetime.date(1975, 1, 2), None, datetime.date(2019, 5, 1), None]
    """
    p = _pieces_expr(e)
    return pl.when(p["in_era"]).then(p["date"]).alias(e.meta.output_name(raise_if_undetermined=False) or "date")


def describe_date_problem_expr(e: pl.Expr) -> pl.Expr:
    """Vectorised :func:`describe_date_problem` (null where the date reads).

    >>> df = pl.DataFrame({"d": ["S50.1.2", "H1.1.7", "1975-02-30", "昭和", None]})
    >>> df.select(describe_date_problem_expr(pl.col("d")))["d"].to_list()
    [None, '元号の期間外です', '存在しない日付です', '日付として読めません', '未入力です']
    """
    p = _pieces_expr(e)
    ja = {k: v[0] for k, v in DATE_PROBLEM_TEXT.items()}
    return (
        pl.when(p["text"].is_null() | (p["text"] == "")).then(pl.lit(ja["empty"]))
        .when(p["y"].is_null()).then(pl.lit(ja["unreadable"]))
        .when(p["date"].is_null()).then(pl.lit(ja["impossible"]))
        .when(~p["in_era"]).then(pl.lit(ja["outside_era"]))
        .otherwise(None)
        .alias(e.meta.output_name(raise_if_undetermined=False) or "problem")
    )
