"""Who a record is about: the one "same person" key of the cross-record rules.

Two records are about the same person when their 漢字氏名, カナ氏名, 生年月日 and 性別 are equal under the
notation the manual allows (§7(6) A): the 漢字氏名 key (spaces, selectors, compatibility ideographs), the カナ氏名
key (清音処理, width, hiragana), the 生年月日 as a date (西暦・和暦) and the 性別 code. The check (one number used
for two people, one person under several numbers) and the pre-flight (the same findings before the inquiry) use
this key and no other, so they agree on every file. 異体字 are not folded: a key is an exact value, and
candidate sets do not make one (STYLE §5); 髙橋 and 高橋 under one number are reported as two people — the
cautious side, for an officer to look at.

A record identifies no one — its key is null — when it has neither name, or no readable 生年月日: such a
record is never "the same person" as another (and a number used by it and by anyone else is reported).

>>> person_key("山田　太郎", "ﾔﾏﾀﾞ ﾀﾛｳ", "昭和50年1月2日", "男") == person_key("山田太郎", "ヤマダ　タロウ", "1975-01-02", "1")
True
>>> person_key("山田太郎", "ヤマダタロウ", "不明", "1") is None
True
"""

from __future__ import annotations

import polars as pl

from himozuke.text._paths import look_up
from himozuke.text.dates import parse_date, parse_date_expr
from himozuke.text.kana import kana_key, kana_key_expr
from himozuke.text.kanji import kanji_name_key, kanji_name_key_expr
from himozuke.text.sex import parse_sex, parse_sex_expr

_SEPARATOR = "\x1f"  # no name, date or sex code holds it


def person_key(kanji: str | None, kana: str | None, birth: str | None, sex: str | None) -> str | None:
    """The person key of one record (module docstring); None when the record identifies no one.

    >>> person_key("髙橋　一", "タカハシ　ハジメ", "1990-01-01", "1") == person_key("高橋一", "タカハシハジメ", "1990-01-01", "1")
    False
    """
    names = (kanji_name_key(kanji), kana_key(kana))
    date = parse_date(birth)
    if names == (None, None) or date is None:
        return None
    return _SEPARATOR.join((names[0] or "", names[1] or "", date.isoformat(), parse_sex(sex) or ""))


def person_key_expr(kanji: pl.Expr, kana: pl.Expr, birth: pl.Expr, sex: pl.Expr) -> pl.Expr:
    """Vectorised :func:`person_key` (String, null when the record identifies no one).

    >>> df = pl.DataFrame({"k": ["山田　太郎", "山田太郎"], "n": ["ﾔﾏﾀﾞ ﾀﾛｳ", None], "b": ["S50.1.2", "1975-01-02"],
    ...                    "s": ["男", "1"]})
    >>> df.select(person_key_expr(pl.col("k"), pl.col("n"), pl.col("b"), pl.col("s")))["k"].to_list()
    ['山田太郎\\x1fヤマタタロウ\\x1f1975-01-02\\x1f1', '山田太郎\\x1f\\x1f1975-01-02\\x1f1']
    """
    kanji_key, kana_key_ = kanji_name_key_expr(kanji), kana_key_expr(kana)
    date = parse_date_expr(birth)
    key = pl.concat_str([kanji_key.fill_null(""), kana_key_.fill_null(""), date.cast(pl.String),
                         parse_sex_expr(sex).fill_null("")], separator=_SEPARATOR)
    return pl.when((kanji_key.is_not_null() | kana_key_.is_not_null()) & date.is_not_null()).then(key)


_NORMALISERS = (kanji_name_key_expr, kana_key_expr, parse_date_expr, parse_sex_expr)


#: Per person column: its distinct values and their normalised parts (the check lends them to its item
#: comparisons, which normalise the same values: :func:`himozuke.match.compare.prepare`).
PartTables = list[tuple[pl.Series, pl.Series]]


def part_tables(frame: pl.DataFrame, kanji: str, kana: str, birth: str, sex: str) -> PartTables:
    """Each distinct value of the four columns with its normalised part (normalised once: at a million rows
    about a tenth of the values are distinct), in column order."""
    out = []
    for name, normalise in zip((kanji, kana, birth, sex), _NORMALISERS, strict=True):
        distinct = frame.get_column(name).unique().drop_nulls()
        out.append((distinct, pl.select(normalise(pl.lit(distinct))).to_series()))
    return out


def _part_keys(frame: pl.DataFrame, columns: tuple[str, str, str, str], dense: bool,
               tables: PartTables | None = None) -> list[pl.Series]:
    """Per column, each row's normalised part (from :func:`part_tables`); ``dense``: as the dense rank of the
    part (equal parts, equal ranks)."""
    out = []
    for name, (distinct, keys) in zip(columns, tables or part_tables(frame, *columns), strict=True):
        if dense:
            keys = keys.rank("dense").cast(pl.UInt64)
        out.append(look_up(frame.get_column(name), distinct, keys).alias(name))
    return out


def person_hashes(frame: pl.DataFrame, kanji: str, kana: str, birth: str, sex: str, *, seed: int) -> pl.Series:
    """:func:`person_key_expr` over the named columns of ``frame`` as a 64-bit hash under ``seed`` (UInt64, null
    when the row identifies no one), the same for the same person in every frame: each distinct value normalised
    once, and the four parts hashed together without writing the key text (no normalised name is empty, so a
    missing one needs no stand-in; the cost of the key text: docs/benchmarks.md).

    >>> df = pl.DataFrame({"k": ["山田　太郎"] * 2, "n": ["ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ　タロウ"], "b": ["1975-01-02"] * 2, "s": ["1", "男"]})
    >>> person_hashes(df, "k", "n", "b", "s", seed=1).n_unique()
    1
    """
    parts = pl.DataFrame(_part_keys(frame, (kanji, kana, birth, sex), dense=False))
    k, n, b, s = (pl.col(c) for c in (kanji, kana, birth, sex))
    return parts.select(
        pl.when((k.is_not_null() | n.is_not_null()) & b.is_not_null())
        .then(pl.struct(k, n, b, s).hash(seed=seed)).alias("person")).to_series()


def person_ids(frame: pl.DataFrame, kanji: str, kana: str, birth: str, sex: str, *,
               tables: PartTables | None = None) -> pl.Series:
    """:func:`person_key_expr` as integers, for comparing rows within ``frame``: two rows have the same id exactly
    when they have the same person key (the four parts' dense ranks packed into 64 bits, or hashed together
    when they do not fit); null when the row identifies no one. Ids mean nothing across frames. ``tables``: the
    frame's :func:`part_tables`, when the caller has them.

    >>> df = pl.DataFrame({"k": ["山田　太郎", "山田太郎", "山田　花子"], "n": ["ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ　タロウ", "ヤマダ　ハナコ"],
    ...                    "b": ["1975-01-02", "S50.1.2", "1975-01-02"], "s": ["1", "男", "2"]})
    >>> ids = person_ids(df, "k", "n", "b", "s")
    >>> ids[0] == ids[1], ids[0] == ids[2]
    (True, False)
    """
    parts = _part_keys(frame, (kanji, kana, birth, sex), dense=True, tables=tables)
    bits = [max(1, int(p.max() or 0).bit_length()) for p in parts]  # a null part is 0
    k, n, b, s = (pl.col(p.name).fill_null(0) for p in parts)
    if sum(bits) <= 64:
        packed = k * 2 ** (bits[1] + bits[2] + bits[3]) + n * 2 ** (bits[2] + bits[3]) + b * 2 ** bits[3] + s
    else:  # more distinct names than 64 bits hold exactly: a 64-bit hash of the four ranks
        packed = pl.struct(k, n, b, s).hash(seed=0x6D6F)
    identifies = (pl.col(parts[0].name).is_not_null() | pl.col(parts[1].name).is_not_null()) \
        & pl.col(parts[2].name).is_not_null()
    # lazy: an eager query has no common-subexpression elimination, so a part read twice is computed twice
    return pl.DataFrame(parts).lazy().select(pl.when(identifies).then(packed).alias("person")).collect().to_series()


def shared_number_expr(number: pl.Expr, person: pl.Expr) -> pl.Expr:
    """Window rule over rows that share ``number``: they are not shown to be one person — two person keys, or a
    row that identifies no one. The check makes such rows C (優先度 1); the pre-flight blocks the inquiry.

    >>> df = pl.DataFrame({"n": [1, 1, 2, 2, 3, 3], "p": ["a", "b", "c", "c", "d", None]})
    >>> df.select(shared_number_expr(pl.col("n"), pl.col("p"))).to_series().to_list()
    [True, True, False, False, True, True]
    """
    return (person.n_unique().over(number) > 1) | person.is_null().any().over(number)


def several_numbers_expr(number: pl.Expr, person: pl.Expr) -> pl.Expr:
    """Window rule: the row's person (a non-null key) appears under more than one ``number``.

    >>> df = pl.DataFrame({"n": [1, 2, 3, 4], "p": ["a", "a", "b", None]})
    >>> df.select(several_numbers_expr(pl.col("n"), pl.col("p"))).to_series().to_list()
    [True, True, False, False]
    """
    return person.is_not_null() & (number.n_unique().over(person) > 1)


def shares_number(persons: list[str | None]) -> bool:
    """:func:`shared_number_expr` of the rows of one number, given their person keys (one row each).

    >>> shares_number(["a", "b"]), shares_number(["c", "c"]), shares_number(["d", None]), shares_number(["e"])
    (True, False, True, False)
    """
    return len(set(persons)) > 1 or None in persons


def has_several_numbers(person: str | None, numbers: set[object]) -> bool:
    """:func:`several_numbers_expr` of one row: its ``person`` (key) under the distinct ``numbers`` of every row
    of that person.

    >>> has_several_numbers("a", {1, 2}), has_several_numbers("b", {3}), has_several_numbers(None, {1, 2})
    (True, False, False)
    """
    return person is not None and len(numbers) > 1
