"""空欄 — one definition of a blank value for the whole package.

A value is blank when it is null or holds nothing but spaces: the space look-alikes of
:data:`himozuke.text._tables.SPACES` (ASCII space and tab, 全角空白 U+3000, NBSP, zero-width space, a BOM left in
a cell, line breaks …). A blank value identifies no one, so it is never evidence of a match — not when it is
missing on one side, and not when it is blank on both (DESIGN.md, invariants). Around a value, blanks change
nothing: :func:`strip_blanks` removes them.

Readers (a blank line is no row), the pre-flight, the item comparisons and the cheap path of the check all ask
this module, so "blank" means the same everywhere.

>>> is_blank(None), is_blank(""), is_blank("\\u3000 \\t"), is_blank("\\u200b"), is_blank(" 山田 ")
(True, True, True, True, False)
>>> strip_blanks("\\u3000山田　太郎\\u00a0")
'山田　太郎'
"""

from __future__ import annotations

import re

import polars as pl

from himozuke.text._tables import SPACES

#: The blank characters as a regex class body (``\\uXXXX`` escapes: Python's ``re`` and Polars' Rust regex
#: read them alike).
BLANK_CLASS: str = "".join(f"\\u{ord(c):04X}" for c in SPACES)
_BLANK_RE = re.compile(f"^[{BLANK_CLASS}]*$")
_CHARS = "".join(SPACES)


def is_blank(s: str | None) -> bool:
    """Null, empty, or only blank characters.

    >>> is_blank("\\n\\u3000"), is_blank("0")
    (True, False)
    """
    return s is None or _BLANK_RE.match(s) is not None


def is_blank_expr(e: pl.Expr) -> pl.Expr:
    """Vectorised :func:`is_blank` (an anchored match, not a strip: nothing is copied); never null.

    >>> pl.DataFrame({"v": [None, "", "　", "a "]}).select(is_blank_expr(pl.col("v")))["v"].to_list()
    [True, True, True, False]
    """
    return e.is_null() | e.str.contains(f"^[{BLANK_CLASS}]*$")


def strip_blanks(s: str) -> str:
    """Blank characters removed from both ends.

    >>> strip_blanks("\\t1975-01-02\\u3000")
    '1975-01-02'
    """
    return s.strip(_CHARS)


def strip_blanks_expr(e: pl.Expr) -> pl.Expr:
    """Vectorised :func:`strip_blanks`."""
    return e.str.strip_chars(_CHARS)
