"""Evidence for 優先度 beyond the item verdicts: what kind of difference a mismatch is.

The national results (「マイナンバー情報総点検について（全体像）」) name the signatures of real wrong links — twins
and family members swapped (the 健康保険証 trial: of 17 wrong links, 4 pairs of twins and 2 of family members),
same-name people, a number taken from a family member on the same form — and of the benign C that are most of
them: an unreported marriage (改姓) or move, カナ or 性別 never collected. Three facts tell them apart, each
computed here once, as a scalar function and a vectorised form that agree (property-tested):

- **which part of the カナ differs** (:func:`name_parts`): the 名 (another person of the family, a twin) or only
  the 姓 (a marriage); the registry writes 姓 and 名 apart (J-LIS: a 全角空白 between them);
- **whether the 姓 agrees** — in カナ or in 漢字: the same household;
- **how the 生年月日 differs** (:func:`birth_relation`): like a typo (one digit, two adjacent digits swapped,
  one day, 月 and 日 swapped) or like another person.

:data:`himozuke.match.classify.PRIORITY_TIERS` reads the columns; this module holds no tier.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from himozuke.formats import columns as C
from himozuke.text.blank import BLANK_CLASS
from himozuke.text.kana import kana_key, kana_key_expr
from himozuke.text.kanji import kanji_name_key, kanji_name_key_expr

GIVEN_DIFFERS = "_ev_given_differs"  #: the 名 (カナ) differs: another person's given name (null: no 姓・名 split)
SURNAME_AGREES = "_ev_surname_agrees"  #: the 姓 agrees (カナ or 漢字): the same family
BIRTH = "_ev_birth"  #: 生年月日: "same", "typo" or "far" (null when a side is unreadable)
COLUMNS: tuple[str, ...] = (GIVEN_DIFFERS, SURNAME_AGREES, BIRTH)
SCHEMA: dict[str, pl.DataType] = {GIVEN_DIFFERS: pl.Boolean(), SURNAME_AGREES: pl.Boolean(), BIRTH: pl.String()}

_SPLIT = re.compile(f"[{BLANK_CLASS}]+")


def _parts(registry: str | None) -> tuple[str, str] | None:
    if registry is None:
        return None
    pieces = _SPLIT.split(registry.strip(), maxsplit=1)
    return (pieces[0], pieces[1]) if len(pieces) == 2 else None


def name_parts(business: str | None, registry: str | None, key=kana_key) -> tuple[bool | None, bool | None]:
    """(姓 agrees, 名 agrees) of a business name against the registry's, which writes 姓 and 名 apart: the
    business name's key (:func:`himozuke.text.kana.kana_key`, or the 漢字 key) starts with the registry 姓's key,
    ends with its 名's. (None, None) when the registry name has no 姓・名 split or a side has no key.

    >>> name_parts("ヤマダ　ジロウ", "ヤマダ　タロウ"), name_parts("ｻﾄｳﾊﾅｺ", "ヤマダ　ハナコ"), name_parts("ヤマダ", "ヤマダ")
    ((True, False), (False, True), (None, None))
    """
    parts = _parts(registry)
    whole = key(business)
    if parts is None or whole is None:
        return None, None
    surname, given = key(parts[0]), key(parts[1])
    return (None if surname is None else whole.startswith(surname), None if given is None else whole.endswith(given))


def _name_parts_expr(business: pl.Expr, registry: pl.Expr, key) -> tuple[pl.Expr, pl.Expr]:
    pieces = registry.str.strip_chars().str.split_exact(" ", 1)  # blanks are made one space first (below)
    whole = key(business)
    surname, given = key(pieces.struct.field("field_0")), key(pieces.struct.field("field_1"))
    split = pieces.struct.field("field_1").is_not_null() & whole.is_not_null()
    return (pl.when(split & surname.is_not_null()).then(whole.str.starts_with(surname)),
            pl.when(split & given.is_not_null()).then(whole.str.ends_with(given)))


def birth_relation(a: dt.date | None, b: dt.date | None) -> str | None:
    """How two 生年月日 differ: ``same``; ``typo`` — one digit of YYYYMMDD, two adjacent digits swapped, one day,
    or 月 and 日 swapped (an entry error of the same person's date); ``far`` otherwise (another person's). None
    when a side is missing.

    >>> d = dt.date
    >>> [birth_relation(d(1975, 3, 12), x) for x in (d(1975, 3, 12), d(1975, 3, 13), d(1957, 3, 12), d(1975, 12, 3),
    ...                                               d(1985, 3, 12), d(2003, 7, 9))]
    ['same', 'typo', 'typo', 'typo', 'typo', 'far']
    """
    if a is None or b is None:
        return None
    if a == b:
        return "same"
    x, y = f"{a:%Y%m%d}", f"{b:%Y%m%d}"
    diff = [i for i in range(8) if x[i] != y[i]]
    swapped = len(diff) == 2 and diff[1] == diff[0] + 1 and x[diff[0]] == y[diff[1]] and x[diff[1]] == y[diff[0]]
    transposed = a.year == b.year and (a.month, a.day) == (b.day, b.month)
    return "typo" if len(diff) == 1 or swapped or abs((a - b).days) == 1 or transposed else "far"


def birth_relation_expr(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    """Vectorised :func:`birth_relation` of two ``pl.Date`` columns."""
    x, y = a.dt.strftime("%Y%m%d"), b.dt.strftime("%Y%m%d")
    differs = [x.str.slice(i, 1) != y.str.slice(i, 1) for i in range(8)]
    count = pl.sum_horizontal([d.cast(pl.Int8) for d in differs])
    swapped = (count == 2) & pl.any_horizontal([
        differs[i] & differs[i + 1] & (x.str.slice(i, 1) == y.str.slice(i + 1, 1))
        & (x.str.slice(i + 1, 1) == y.str.slice(i, 1)) for i in range(7)])
    transposed = (a.dt.year() == b.dt.year()) & (a.dt.month() == b.dt.day()) & (a.dt.day() == b.dt.month())
    typo = (count == 1) | swapped | ((a - b).dt.total_days().abs() == 1) | transposed
    return (pl.when(a.is_null() | b.is_null()).then(None).when(a == b).then(pl.lit("same"))
            .when(typo).then(pl.lit("typo")).otherwise(pl.lit("far")))


def _one_space(e: pl.Expr) -> pl.Expr:
    return e.str.replace_all(f"[{BLANK_CLASS}]+", " ")


def evidence(compared: pl.DataFrame, dates: tuple[str, str]) -> pl.DataFrame:
    """The evidence columns (:data:`COLUMNS`) of compared pairs (business and registry values, item verdicts;
    ``dates``: the two parsed 生年月日 columns). Only the rows whose カナ氏名 or 生年月日 is 不一致 are looked at
    (few): the others get nulls."""
    kana_b, kana_r = pl.col(C.business(C.KANA_NAME)), pl.col(C.registry(C.KANA_NAME))
    kanji_b, kanji_r = pl.col(C.business(C.KANJI_NAME)), pl.col(C.registry(C.KANJI_NAME))
    mismatch = "不一致"
    index = pl.int_range(pl.len(), dtype=pl.UInt32).alias("_row")
    rows = compared.select(index, kana_b, kana_r, kanji_b, kanji_r, *(pl.col(d) for d in dates),
                           pl.col(C.item_verdict(C.KANA_NAME)).alias("_kana"),
                           pl.col(C.item_verdict(C.BIRTH_DATE)).alias("_birth"))
    todo = rows.filter((pl.col("_kana") == mismatch) | (pl.col("_birth") == mismatch))
    kana_surname, kana_given = _name_parts_expr(kana_b, _one_space(kana_r), kana_key_expr)
    kanji_surname, _ = _name_parts_expr(kanji_b, _one_space(kanji_r), kanji_name_key_expr)
    found = todo.select(
        "_row",
        (kana_given == False).alias(GIVEN_DIFFERS),  # noqa: E712 (null stays null: no 姓・名 split)
        pl.any_horizontal(kana_surname.fill_null(False), kanji_surname.fill_null(False)).alias(SURNAME_AGREES),
        birth_relation_expr(pl.col(dates[0]), pl.col(dates[1])).alias(BIRTH),
    )
    return rows.select("_row").join(found, on="_row", how="left", maintain_order="left").drop("_row")


def evidence_of(business: dict, registry: dict) -> dict:
    """:func:`evidence` of one pair (values by item, as in a result row), for a record at a time and for tests.

    >>> evidence_of({"カナ氏名": "ヤマダ　ジロウ", "漢字氏名": "山田　次郎", "生年月日": "2001-04-01"},
    ...             {"カナ氏名": "ヤマダ　タロウ", "漢字氏名": "山田　太郎", "生年月日": "2001-04-01"})
    {'_ev_given_differs': True, '_ev_surname_agrees': True, '_ev_birth': 'same'}
    """
    from himozuke.text.dates import parse_date

    kana_surname, given = name_parts(business.get(C.KANA_NAME), registry.get(C.KANA_NAME))
    kanji_surname, _ = name_parts(business.get(C.KANJI_NAME), registry.get(C.KANJI_NAME), kanji_name_key)
    return {
        GIVEN_DIFFERS: None if given is None else not given,
        SURNAME_AGREES: bool(kana_surname) or bool(kanji_surname),
        BIRTH: birth_relation(parse_date(business.get(C.BIRTH_DATE)), parse_date(registry.get(C.BIRTH_DATE))),
    }
