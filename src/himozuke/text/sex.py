"""性別 codes: every accepted spelling → the registry's code "1" (男) or "2" (女).

Accepted (after NFKC, space removal and upper-casing; table ``_tables.SEX_CODES``): 1/2 (also full-width),
男/女, 男性/女性, M/F and MALE/FEMALE in any case. Refused on purpose, so that 性別 is reported as not
comparable rather than guessed: 0 and 9 (ISO 5218 不明・適用不能), 3 (その他 in some systems), 不明,
anything else. Null in → null out.

>>> parse_sex("１"), parse_sex("女性"), parse_sex("m"), parse_sex("9")
('1', '2', '1', None)
>>> SEX_LABELS[parse_sex("F")]
'女'
"""

from __future__ import annotations

import re
import unicodedata

import polars as pl

from himozuke.text import _tables as t

SEX_LABELS: dict[str, str] = t.SEX_LABELS
_SPACE_RE = re.compile(t.SPACE_PATTERN)


def parse_sex(s: str | None) -> str | None:
    """性別 as the registry's code "1" (男) / "2" (女); None when missing or refused (0, 9, 不明 …).

    >>> parse_sex(" 男 "), parse_sex("Female"), parse_sex("0"), parse_sex(None)
    ('1', '2', None, None)
    """
    if s is None:
        return None
    return t.SEX_CODES.get(_SPACE_RE.sub("", unicodedata.normalize("NFKC", s)).upper())


def parse_sex_expr(e: pl.Expr) -> pl.Expr:
    """Vectorised :func:`parse_sex`.

    >>> df = pl.DataFrame({"性別": ["２", "女", "f", "不明", None]})
    >>> df.select(parse_sex_expr(pl.col("性別")))["性別"].to_list()
    ['2', '2', '2', None, None]
    """
    # cheap path: the registry's own codes need no normalising
    plain = e.is_in(["1", "2"])
    key = pl.when(~plain).then(e).str.normalize("NFKC").str.replace_all(t.SPACE_PATTERN, "").str.to_uppercase()
    return pl.when(plain).then(e).otherwise(key.replace_strict(t.SEX_CODES, default=None, return_dtype=pl.String))


def identifies(s: str | None) -> bool:
    """The 性別 is a code the registry uses (0, 9, 不明 and blanks are not, and are never 一致).

    >>> identifies("男"), identifies("9"), identifies("0"), identifies(" ")
    (True, False, False, False)
    """
    return parse_sex(s) is not None


def identifies_expr(e: pl.Expr) -> pl.Expr:
    """Vectorised :func:`identifies`."""
    return parse_sex_expr(e).is_not_null()


def sex_label_expr(e: pl.Expr) -> pl.Expr:
    """Display label (男/女) of a parsed code column, for reports.

    >>> pl.DataFrame({"c": ["1", "2", None]}).select(sex_label_expr(pl.col("c")))["c"].to_list()
    ['男', '女', None]
    """
    return e.replace_strict(SEX_LABELS, default=None, return_dtype=pl.String)
