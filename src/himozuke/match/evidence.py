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
import functools
import operator
import re

import polars as pl

from himozuke.formats import columns as C
from himozuke.match import scratch as S
from himozuke.text.blank import BLANK_CLASS
from himozuke.text.kana import kana_key, kana_key_expr
from himozuke.text.kanji import kanji_name_key, kanji_name_key_expr

#: the evidence columns (:mod:`himozuke.match.scratch`): 名 differs, 姓 agrees, 生年月日 same / typo / far
GIVEN_DIFFERS, SURNAME_AGREES, BIRTH = S.GIVEN_DIFFERS, S.SURNAME_AGREES, S.BIRTH
COLUMNS: tuple[str, ...] = (GIVEN_DIFFERS, SURNAME_AGREES, BIRTH)
SCHEMA: dict[str, pl.DataType] = {GIVEN_DIFFERS: pl.Boolean(), SURNAME_AGREES: pl.Boolean(), BIRTH: pl.String()}

_SPLIT = re.compile(f"[{BLANK_CLASS}]+")
#: The evidence is looked for only where one of these items is 不一致 (few pairs); elsewhere it is null.
LOOKED_AT: tuple[str, ...] = (C.KANA_NAME, C.BIRTH_DATE)
_MISMATCH = "不一致"


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


def _name_parts_frame(business: pl.Series, registry: pl.Series, key) -> pl.DataFrame:
    """(姓 agrees, 名 agrees) of each pair, like :func:`name_parts`: the business names and the registry's 姓 and
    名 go through ``key`` in one call (each call of a normaliser compiles its regexes again)."""
    pieces = pl.select(registry.str.replace_all(f"[{BLANK_CLASS}]+", " ").str.strip_chars()
                       .str.split_exact(" ", 1).alias("p")).unnest("p")
    n = business.len()
    keys = pl.select(key(pl.lit(pl.concat([business, pieces["field_0"], pieces["field_1"]])))).to_series()
    whole, surname, given = keys.slice(0, n), keys.slice(n, n), keys.slice(2 * n, n)
    split = pieces["field_1"].is_not_null() & whole.is_not_null()
    frame = pl.DataFrame({"w": whole, "s": surname, "g": given, "split": split})
    return frame.select(
        pl.when(pl.col("split") & pl.col("s").is_not_null()).then(pl.col("w").str.starts_with(pl.col("s")))
        .alias("surname"),
        pl.when(pl.col("split") & pl.col("g").is_not_null()).then(pl.col("w").str.ends_with(pl.col("g")))
        .alias("given"))


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
    """Vectorised :func:`birth_relation` of two ``pl.Date`` columns: the digits of YYYYMMDD by integer arithmetic,
    in struct stages (one expression tree with every digit repeated took 30× longer to plan than to run)."""
    f = pl.field
    st = pl.struct(a.alias("a"), b.alias("b")).struct.with_fields(
        (f(d).dt.year() * 10_000 + f(d).dt.month().cast(pl.Int32) * 100 + f(d).dt.day().cast(pl.Int32)).alias(f"{d}8")
        for d in "ab")
    st = st.struct.with_fields((f(f"{d}8") // 10 ** (7 - i) % 10).alias(f"{d}{i}") for d in "ab" for i in range(8))
    st = st.struct.with_fields((f(f"a{i}") != f(f"b{i}")).alias(f"n{i}") for i in range(8))
    st = st.struct.with_fields(
        pl.sum_horizontal(f(f"n{i}").cast(pl.Int8) for i in range(8)).alias("count"),
        pl.any_horizontal(f(f"n{i}") & f(f"n{i + 1}") & (f(f"a{i}") == f(f"b{i + 1}")) & (f(f"a{i + 1}") == f(f"b{i}"))
                          for i in range(7)).alias("adjacent"),
        ((f("a") - f("b")).dt.total_days().abs() == 1).alias("one_day"),
        ((f("a").dt.year() == f("b").dt.year()) & (f("a").dt.month() == f("b").dt.day())
         & (f("a").dt.day() == f("b").dt.month())).alias("transposed"),
    )
    typo = (f("count") == 1) | ((f("count") == 2) & f("adjacent")) | f("one_day") | f("transposed")
    return st.struct.with_fields(
        pl.when(f("a").is_null() | f("b").is_null()).then(None).when(f("a") == f("b")).then(pl.lit("same"))
        .when(typo).then(pl.lit("typo")).otherwise(pl.lit("far")).alias("out")).struct.field("out")


def evidence(compared: pl.DataFrame, dates: tuple[str, str]) -> pl.DataFrame:
    """The evidence columns (:data:`COLUMNS`) of compared pairs (business and registry values, item verdicts;
    ``dates``: the two parsed 生年月日 columns). Only the rows whose カナ氏名 or 生年月日 is 不一致 are looked at
    (few): the others get nulls."""
    looked_at = functools.reduce(operator.or_, (pl.col(C.item_verdict(i)) == _MISMATCH for i in LOOKED_AT))
    todo = compared.select(looked_at.fill_null(False)).to_series()
    names = (C.KANA_NAME, C.KANJI_NAME)
    # narrow, then filter: the few pairs that can use it (an eager filter would gather every column)
    pairs = compared.select(*(f(n) for n in names for f in (C.business, C.registry)), *dates).filter(todo)
    kana = _name_parts_frame(pairs.get_column(C.business(C.KANA_NAME)), pairs.get_column(C.registry(C.KANA_NAME)),
                             kana_key_expr)
    kanji = _name_parts_frame(pairs.get_column(C.business(C.KANJI_NAME)),
                              pairs.get_column(C.registry(C.KANJI_NAME)), kanji_name_key_expr)
    found = pl.DataFrame({
        GIVEN_DIFFERS: ~kana.get_column("given"),  # null stays null: no 姓・名 split
        SURNAME_AGREES: kana.get_column("surname").fill_null(False) | kanji.get_column("surname").fill_null(False),
        BIRTH: pairs.select(birth_relation_expr(pl.col(dates[0]), pl.col(dates[1]))).to_series(),
    }, schema=SCHEMA)
    out = pl.DataFrame({name: pl.repeat(None, compared.height, dtype=dtype, eager=True) for name, dtype in SCHEMA.items()})
    at = todo.arg_true()
    return out.with_columns(out.get_column(name).scatter(at, found.get_column(name)) for name in SCHEMA)


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


def evidence_record(row: dict, dates: tuple[str, str]) -> dict:
    """:func:`evidence` of one compared record (a mapping with the values, the item verdicts and the two parsed
    生年月日 named by ``dates``): the same columns, null where :func:`evidence` leaves them null."""
    if not any(row.get(C.item_verdict(i)) == _MISMATCH for i in LOOKED_AT):
        return dict.fromkeys(COLUMNS)
    kana_surname, given = name_parts(row.get(C.business(C.KANA_NAME)), row.get(C.registry(C.KANA_NAME)))
    kanji_surname, _ = name_parts(row.get(C.business(C.KANJI_NAME)), row.get(C.registry(C.KANJI_NAME)),
                                  kanji_name_key)
    return {
        GIVEN_DIFFERS: None if given is None else not given,
        SURNAME_AGREES: bool(kana_surname) or bool(kanji_surname),
        BIRTH: birth_relation(row.get(dates[0]), row.get(dates[1])),
    }
