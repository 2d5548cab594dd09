"""Item comparisons (manual §7(6) A): one ordered table of levels per item; the first level that holds wins.

Each item compares the business value (``<item>_業務``) with the registry value (``<item>_住基``) of the same
個人番号. A level is (label, reason, condition, cite). ``一致`` means the two texts are identical (after trimming
surrounding blanks); ``表記ゆれ一致`` means equal under the notational variants the manual allows; a value
missing on either side is ``未登録`` — a mismatch (the cautious reading: マイナンバー情報総点検本部「マイナンバー情報総点検について」
reports that kana or sex that was never collected landed in C).

Normalised keys are computed by :func:`prepare` (only for rows that are not identical — the cheap path is in
``match.engine``); the conditions below only read prepared columns, so a new level is a row, not an ``elif``.
Each condition is written once (:mod:`himozuke.match.conditions`) and read two ways: as a Polars expression
over a prepared frame (:meth:`Comparison.level_expr`), and as the value of one record prepared by
:func:`prepare_record` with the scalar forms of the same normalisers (:meth:`Comparison.level_of`, for
:func:`himozuke.verify`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum

import polars as pl

from himozuke.formats import columns as C
from himozuke.match import scratch as S
from himozuke.match.conditions import (
    Always,
    And,
    Col,
    Cond,
    Differ,
    Eq,
    Field,
    IsNull,
    IsTrue,
    Lit,
    Ne,
    Not,
    Or,
    Predicate,
    Truth,
    first_holding,
)
from himozuke.match.reasons import Reason
from himozuke.text import dates, kana, kanji, sex
from himozuke.text.address import (
    Addresses,
    address_parts,
    addresses,
    city_of,
    normalize_address,
    normalized,
    parts_of,
    same_parts,
)
from himozuke.text.blank import is_blank, is_blank_expr, strip_blanks, strip_blanks_expr
from himozuke.text.dates import identifies_expr as date_identifies
from himozuke.text.dates import parse_date_expr
from himozuke.text.kana import identifies_expr as kana_identifies
from himozuke.text.kana import kana_key_expr
from himozuke.text.kanji import identifies_expr as kanji_identifies
from himozuke.text.kanji import (
    kanji_name_key_expr,
    kanji_names_equal,
    kanji_names_equal_frame,
    variants_equal,
    variants_equal_frame,
)
from himozuke.text.municipality import AMBIGUOUS
from himozuke.text.municipality import fold as fold_municipality_name
from himozuke.text.municipality import fold_expr as fold_municipality
from himozuke.text.sex import identifies_expr as sex_identifies
from himozuke.text.sex import parse_sex_expr


class ItemVerdict(StrEnum):
    EXACT = "一致"
    NOTATION = "表記ゆれ一致"
    MISMATCH = "不一致"
    CITY_MISMATCH = "市区町村不一致"
    MISSING = "未登録"


#: Item verdicts that count as a match for the classification (§7(6) A).
MATCHING: frozenset[ItemVerdict] = frozenset({ItemVerdict.EXACT, ItemVerdict.NOTATION})


#: Prepared flags beside the keys (:func:`prepare`, :func:`prepare_record`; null where not computed).
KANJI_VARIANT, MACHIAZA_VARIANT, SAME_NAME = S.KANJI_VARIANT, S.MACHIAZA_VARIANT, S.SAME_NAME


def _b(item: str) -> pl.Expr:
    return pl.col(C.business(item))


def _r(item: str) -> pl.Expr:
    return pl.col(C.registry(item))


def same_text(item: str) -> pl.Expr:
    """Identical after trimming surrounding blanks — the ``一致`` level (:func:`prepare` applies it only to
    pairs whose texts are not already identical)."""
    return strip_blanks_expr(_b(item)) == strip_blanks_expr(_r(item))


@dataclass(frozen=True)
class Level:
    label: ItemVerdict
    reason: Reason | None
    #: over the prepared columns (:func:`prepare` for a frame, :func:`prepare_record` for one record)
    condition: Cond
    cite: str


@dataclass(frozen=True)
class Comparison:
    item: str
    levels: tuple[Level, ...]
    #: normaliser producing the prepared key of one side; None for an item with a ``split`` (the address)
    keys: Callable[[pl.Expr], pl.Expr] | None
    #: ``keys`` of one text (its scalar form in :mod:`himozuke.text`, property-tested to agree), and the home
    #: prefecture (read by the address only): :func:`prepare_record`
    key_of: Callable[[str | None, str | None], object] = lambda s, _home: s
    #: Does a value (raw text) identify anyone? A value that does not — blank, only 外字, no kana, an unreadable
    #: date, an unknown sex code — is never 一致, not even against the same text (issue #16): the levels before
    #: 一致 catch it, and the engine's cheap path (all five texts identical → A) leaves such rows to them.
    identifies: Callable[[pl.Expr], pl.Expr] = lambda e: ~is_blank_expr(e)
    #: ``identifies`` of one text (the scalar form)
    identifies_of: Callable[[str | None], bool] = lambda s: not is_blank(s)
    #: ``identifies`` is "``keys`` reads it" (a parse: dates, codes): each distinct value is tested once, not every
    #: row (a regex is cheaper over every row than a distinct pass), and not at all where its key is at hand.
    identified_by_key: bool = False
    #: Instead of ``keys``, for the address: (cut a column of texts, normalise, parse, the 市区町村 alone of
    #: such a column, do two columns' texts have the same parts). Parsing costs enough to be avoided for a pair
    #: whose two texts have the same parts — they normalise alike, or only one leaves its 都道府県 out (most
    #: address pairs that differ only in notation): only its 市区町村 is read, and ``_alike:<item>`` says so to
    #: the levels. The other items' keys are
    #: computed once per distinct text (names and dates repeat across pairs); an address is nearly always
    #: distinct, but its head (市区町村, 町名) and its tail (「1丁目2番3号」) each repeat: they are normalised and
    #: parsed once each (:class:`himozuke.text.address.Addresses`).
    split: tuple[Callable[[pl.Series], Addresses], Callable[[Addresses], pl.Series], Callable[..., pl.Series],
                 Callable[..., pl.Series], Callable[..., pl.Series]] | None = None
    #: the first step of ``split`` for one text (:func:`prepare_record`)
    normalise_of: Callable[[str], str] | None = None

    def level_expr(self) -> pl.Expr:
        """Index of the first level that holds (``pl.when`` chain over the conditions, each evaluated once)."""
        first, *rest = self.levels
        chain = pl.when(first.condition.expr()).then(pl.lit(0, dtype=pl.UInt8))
        for i, lv in enumerate(rest, start=1):
            chain = chain.when(lv.condition.expr()).then(pl.lit(i, dtype=pl.UInt8))
        return chain.otherwise(pl.lit(None, dtype=pl.UInt8))

    def level_of(self, row: Mapping[str, object]) -> Level | None:
        """The first level that holds for one prepared record (:func:`prepare_record`) — :meth:`level_expr`'s
        answer for that row, from the same conditions."""
        i = first_holding([lv.condition for lv in self.levels], row)
        return None if i is None else self.levels[i]

    def verdict_of(self, level: pl.Expr) -> pl.Expr:
        """Level index → the item verdict (String)."""
        return level.replace_strict(list(range(len(self.levels))), [str(lv.label) for lv in self.levels],
                                    default=None, return_dtype=pl.String).alias(C.item_verdict(self.item))

    def reason_of(self, level: pl.Expr) -> pl.Expr:
        """Level index → the reason code of that level (null for a plain ``一致``)."""
        return level.replace_strict(list(range(len(self.levels))),
                                    [lv.reason and str(lv.reason) for lv in self.levels],
                                    default=None, return_dtype=pl.String).alias(S.reason(self.item))


_BLANK_CITE = "issue #2: 空欄は不一致（慎重側）"
_NO_ONE_CITE = "issue #16: 人を特定できない値は、両側が同じでも一致としない（慎重側）"


def _blank(column: str) -> Cond:  # pragma: no mutate block (runs at import only; docs/testing.md)
    return Predicate(Col(column), is_blank, is_blank_expr)


def _missing_levels(item: str, business_reason: Reason, registry_reason: Reason) -> tuple[Level, ...]:  # pragma: no mutate block (runs at import only; docs/testing.md)
    return (
        Level(ItemVerdict.MISSING, business_reason, _blank(C.business(item)), _BLANK_CITE),
        Level(ItemVerdict.MISSING, registry_reason, _blank(C.registry(item)), _BLANK_CITE),
    )


def _unusable_levels(business: tuple[Reason, Cond], registry: tuple[Reason, Cond]) -> tuple[Level, ...]:  # pragma: no mutate block (runs at import only; docs/testing.md)
    """不一致 when a side's value identifies no one (checked before 一致: the same unusable text on both sides
    is no match)."""
    return tuple(Level(ItemVerdict.MISMATCH, reason, condition, _NO_ONE_CITE) for reason, condition in (business, registry))


def _identifies_not(item: str, side: str, scalar: Callable[[str | None], bool],
                    vectorised: Callable[[pl.Expr], pl.Expr]) -> Cond:  # pragma: no mutate block (runs at import only; docs/testing.md)
    """A side's raw text identifies no one (the item's ``identifies`` test)."""
    return Not(Predicate(Col(C.business(item) if side == "b" else C.registry(item)), scalar, vectorised))


def _unreadable(item: str, side: str) -> Cond:  # pragma: no mutate block (runs at import only; docs/testing.md)
    """A side's value does not read (its key is null where the texts differ; where they are the same the
    business side says it for both: :func:`_same_unusable`)."""
    differ = And((Not(Truth(Col(S.same(item)))), IsNull(Col(S.key(item, side)))))
    return Or((differ, IsTrue(Col(S.unusable(item))))) if side == "b" else differ


def _keys_equal(item: str) -> Cond:  # pragma: no mutate block (runs at import only; docs/testing.md)
    return Eq(Col(S.key(item, "b")), Col(S.key(item, "r")))


def _exact_level(item: str) -> Level:  # pragma: no mutate block (runs at import only; docs/testing.md)
    return Level(ItemVerdict.EXACT, None, Truth(Col(S.same(item))),
                 "§7(6) A 完全一致（same_text: 前後の空白を除いて同じ文字列）")


def _one(scalar: Callable[[str | None], object]) -> Callable[[str | None, str | None], object]:  # pragma: no mutate block (runs at import only; docs/testing.md)
    """A key of one text that reads no home prefecture."""
    return lambda s, _home: scalar(s)


KANJI = Comparison(
    C.KANJI_NAME,
    (
        *_missing_levels(C.KANJI_NAME, Reason.KANJI_MISSING_BUSINESS, Reason.KANJI_MISSING_REGISTRY),
        *_unusable_levels(
            (Reason.KANJI_ONLY_GAIJI_BUSINESS, _identifies_not(C.KANJI_NAME, "b", kanji.identifies, kanji_identifies)),
            (Reason.KANJI_ONLY_GAIJI_REGISTRY, _identifies_not(C.KANJI_NAME, "r", kanji.identifies, kanji_identifies))),
        _exact_level(C.KANJI_NAME),
        Level(ItemVerdict.NOTATION, Reason.KANJI_NOTATION, _keys_equal(C.KANJI_NAME), "§7(6) A 表記揺れ（空白・互換漢字）"),
        Level(ItemVerdict.NOTATION, Reason.KANJI_VARIANT, IsTrue(Col(KANJI_VARIANT)),
              "§7(6) A ※漢字氏名の一致は、表記揺れ（外字を除いた文字が一致・読みが同一で字形の異なる文字を除いた漢字氏名が一致）を含む"),
        Level(ItemVerdict.MISMATCH, Reason.KANJI_MISMATCH, Always(), "§7(6) B"),
    ),
    kanji_name_key_expr,
    key_of=_one(kanji.kanji_name_key),
    identifies=kanji_identifies,
    identifies_of=kanji.identifies,
)

KANA = Comparison(
    C.KANA_NAME,
    (
        *_missing_levels(C.KANA_NAME, Reason.KANA_MISSING_BUSINESS, Reason.KANA_MISSING_REGISTRY),
        *_unusable_levels(
            (Reason.KANA_UNREADABLE_BUSINESS, _identifies_not(C.KANA_NAME, "b", kana.identifies, kana_identifies)),
            (Reason.KANA_UNREADABLE_REGISTRY, _identifies_not(C.KANA_NAME, "r", kana.identifies, kana_identifies))),
        _exact_level(C.KANA_NAME),
        Level(ItemVerdict.NOTATION, Reason.KANA_NOTATION, _keys_equal(C.KANA_NAME),
              "§7(6) A 注13 「ヤマサキ」「ヤマザキ」のように濁点等を除いた部分が一致するもの"),
        Level(ItemVerdict.MISMATCH, Reason.KANA_MISMATCH, Always(), "§7(6) C"),
    ),
    kana_key_expr,
    key_of=_one(kana.kana_key),
    identifies=kana_identifies,
    identifies_of=kana.identifies,
)

BIRTH = Comparison(
    C.BIRTH_DATE,
    (
        *_missing_levels(C.BIRTH_DATE, Reason.BIRTH_MISSING_BUSINESS, Reason.BIRTH_MISSING_REGISTRY),
        # the prepared key is the parsed date (null: it does not read); the same text on both sides has no key,
        # and its own flag (:func:`_same_unusable`)
        *_unusable_levels((Reason.BIRTH_UNREADABLE_BUSINESS, _unreadable(C.BIRTH_DATE, "b")),
                          (Reason.BIRTH_UNREADABLE_REGISTRY, _unreadable(C.BIRTH_DATE, "r"))),
        _exact_level(C.BIRTH_DATE),
        Level(ItemVerdict.NOTATION, Reason.BIRTH_NOTATION, _keys_equal(C.BIRTH_DATE), "和暦・西暦など表記の違い"),
        Level(ItemVerdict.MISMATCH, Reason.BIRTH_MISMATCH, Always(), "§7(6) C"),
    ),
    parse_date_expr,
    key_of=_one(dates.parse_date),
    identifies=date_identifies,
    identifies_of=dates.identifies,
    identified_by_key=True,
)

SEX = Comparison(
    C.SEX,
    (
        *_missing_levels(C.SEX, Reason.SEX_MISSING_BUSINESS, Reason.SEX_MISSING_REGISTRY),
        # the prepared key is the parsed code (null: it does not read); the same text on both sides has no key,
        # and its own flag (:func:`_same_unusable`)
        *_unusable_levels((Reason.SEX_UNKNOWN_BUSINESS, _unreadable(C.SEX, "b")),
                          (Reason.SEX_UNKNOWN_REGISTRY, _unreadable(C.SEX, "r"))),
        _exact_level(C.SEX),
        Level(ItemVerdict.NOTATION, Reason.SEX_NOTATION, _keys_equal(C.SEX), "1/2・男/女など表記の違い"),
        Level(ItemVerdict.MISMATCH, Reason.SEX_MISMATCH, Always(), "§7(6) C"),
    ),
    parse_sex_expr,
    key_of=_one(sex.parse_sex),
    identifies=sex_identifies,
    identifies_of=sex.identifies,
    identified_by_key=True,
)


def _addr(side: str, field: str) -> Field:  # pragma: no mutate block (runs at import only; docs/testing.md)
    return Field(S.key(C.ADDRESS, side), field)


#: Both sides name the 市区町村 alike (異体字 and ケ folded): 府中市 and 府中市, whichever prefecture. The same place
#: is the same name; the names are compared only where the places differ (:func:`_address_extras`).
_SAME_NAME = Or((Eq(_addr("b", "city"), _addr("r", "city")), IsTrue(Col(SAME_NAME))))

#: The two texts have the same parts: they normalise alike, or differ only in a 都道府県 one leaves out (a
#: :attr:`Comparison.split` item; false where they are the same text).
_ALIKE = IsTrue(Col(S.alike(C.ADDRESS)))

#: 注11: the first two characters of the 町字 agree — the same, or 異体字 of each other (龍/竜, 澤/沢).
_MACHIAZA_ALIKE = Or((Eq(_addr("b", "machiaza_key"), _addr("r", "machiaza_key")),
                      IsTrue(Col(MACHIAZA_VARIANT))))

#: The parts of an address that the levels below and `_address_extras` read: a frame's keys hold no others (each
#: is a string for every pair; a level that read another would fail on the missing field, never read a null).
_ADDRESS_PARTS = ("municipality", "city", "machiaza_key", "numbers")

ADDRESS = Comparison(
    C.ADDRESS,
    (
        *_missing_levels(C.ADDRESS, Reason.ADDRESS_MISSING_BUSINESS, Reason.ADDRESS_MISSING_REGISTRY),
        _exact_level(C.ADDRESS),
        Level(ItemVerdict.CITY_MISMATCH, Reason.ADDRESS_CITY_UNKNOWN,
              Or((IsNull(_addr("b", "city")), IsNull(_addr("r", "city")))),
              "市区町村を特定できないときは市区町村不一致（慎重側）"),
        Level(ItemVerdict.CITY_MISMATCH, Reason.ADDRESS_CITY_MISMATCH, Not(_SAME_NAME),
              "§7(6) C 住所（市区町村）が不一致"),
        Level(ItemVerdict.CITY_MISMATCH, Reason.ADDRESS_CITY_AMBIGUOUS,
              Differ(Eq(_addr("b", "city"), Lit(AMBIGUOUS)), Eq(_addr("r", "city"), Lit(AMBIGUOUS))),
              "issue #16: 複数の都道府県にある市区町村名は、都道府県（記載か団体の都道府県）で決まらなければ"
              "市区町村不一致（慎重側）"),
        Level(ItemVerdict.CITY_MISMATCH, Reason.ADDRESS_PREFECTURE_MISMATCH,
              Ne(_addr("b", "city"), _addr("r", "city")),
              "§7(6) C 住所（市区町村）が不一致 — 同名の市区町村で、都道府県が異なる"),
        Level(ItemVerdict.NOTATION, Reason.ADDRESS_NOTATION,
              Or((_ALIKE, And((_MACHIAZA_ALIKE, Eq(_addr("b", "numbers"), _addr("r", "numbers")))))),
              "§7(6) A 表記揺れ（町字の前方２文字一致（注11）かつ数字一致（注12）: 町字と地番のすべての数字。"
              "正規化して同じ文字列なら町字も地番も同じ）"),
        Level(ItemVerdict.MISMATCH, Reason.ADDRESS_MACHIAZA_MISMATCH, Not(_MACHIAZA_ALIKE),
              "§7(6) B 住所（町字等）が不一致（市区町村までは一致）"),
        Level(ItemVerdict.MISMATCH, Reason.ADDRESS_NUMBER_MISMATCH, Always(),
              "§7(6) B 住所（町字等）が不一致（市区町村までは一致）"),
    ),
    None,
    key_of=address_parts,
    split=(addresses, normalized, functools.partial(parts_of, fields=_ADDRESS_PARTS), city_of, same_parts),
    normalise_of=normalize_address,
)

COMPARISONS: tuple[Comparison, ...] = (KANJI, KANA, BIRTH, SEX, ADDRESS)



#: Texts per piece of an item's normalising work: pieces run side by side in one ``collect_all``. Large on
#: purpose: each piece compiles every regex of the normaliser again and warms its lazy DFA from cold.
#: Parallelism does not need small pieces: the address computes both sides as two expressions
#: (evaluated side by side) and every item runs in its own thread (:func:`prepare`).
KEY_PIECE = 500_000


def _key_pieces(differs: pl.DataFrame, cmp: Comparison, known: tuple[pl.Series, pl.Series] | None = None
                ) -> list[pl.LazyFrame]:
    """The normalising work of one item, in pieces of about ``KEY_PIECE`` texts.

    Each distinct text of either side with its key (``_v`` → ``_k``), each normalised once (names and dates
    repeat across pairs) — or looked up in ``known`` (texts, keys) when it is there."""
    b, r = C.business(cmp.item), C.registry(cmp.item)
    values = pl.concat([differs.get_column(b), differs.get_column(r)]).unique().drop_nulls()
    pieces = []
    if known is not None:
        texts, keys = known
        had = texts.is_in(values.implode())
        pieces.append(pl.LazyFrame({S.VALUE: texts.filter(had), S.VALUE_KEY: keys.filter(had)}))
        values = values.filter(~values.is_in(texts.implode()))
    return pieces + [pl.LazyFrame({S.VALUE: values.slice(start, KEY_PIECE)}).with_columns(cmp.keys(pl.col(S.VALUE)).alias(S.VALUE_KEY))
                     for start in range(0, max(len(values), 1), KEY_PIECE)]


def _split_keys(differs: pl.DataFrame, cmp: Comparison, home: str | None) -> pl.DataFrame:
    """``_pair``, both sides' keys and ``_alike:<item>`` of a :attr:`Comparison.split` item: a pair whose texts
    have the same parts (the pieces of the two alike, :func:`himozuke.text.address.same_parts`, or the whole
    texts normalised alike) has one set of parts, so only its 市区町村 is read (the 町字 and 地番 are most of the
    parsing, and their answer is known: the same); the other pairs are parsed on both sides."""
    cut, normalise, parse, city, same = cmp.split
    b, r = C.business(cmp.item), C.registry(cmp.item)
    kb, kr, alike_col = S.key(cmp.item, "b"), S.key(cmp.item, "r"), S.alike(cmp.item)
    sides = cut(differs.get_column(b)), cut(differs.get_column(r))
    # cheap path: the parts alike by their pieces' ids (most pairs: one side leaves its 都道府県 out); only the
    # other pairs are normalised whole and compared
    alike = same(*sides, home)
    other = ~alike
    if other.any():
        alike = alike.scatter(other.arg_true(), (normalise(sides[0].filter(other))
                                                 == normalise(sides[1].filter(other))).fill_null(False))
    rows = differs.get_column(S.PAIR)
    parsed = parse(sides[0].filter(~alike), home), parse(sides[1].filter(~alike), home)
    city_of_same = city(sides[0].filter(alike), home)
    places = pl.DataFrame({S.PAIR: rows.filter(alike)}).with_columns(pl.struct(
        pl.lit(city_of_same).alias(name) if name == "city" else pl.lit(None, dtype=pl.String).alias(name)
        for name in parsed[0].struct.fields).alias(kb))
    return pl.concat([
        places.with_columns(pl.col(kb).alias(kr), pl.lit(True).alias(alike_col)),
        pl.DataFrame({S.PAIR: rows.filter(~alike), kb: parsed[0], kr: parsed[1],
                      alike_col: pl.repeat(False, parsed[0].len(), eager=True)}),
    ], how="vertical_relaxed")


def _item_keys(differs: pl.DataFrame, table: pl.DataFrame, cmp: Comparison) -> pl.DataFrame:
    """``_pair`` + both sides' keys of ``cmp.item``, looked up in the (already computed) key ``table``."""
    b, r = C.business(cmp.item), C.registry(cmp.item)
    kb, kr = S.key(cmp.item, "b"), S.key(cmp.item, "r")
    return (
        differs.join(table.rename({S.VALUE: b, S.VALUE_KEY: kb}), on=b, how="left")
        .join(table.rename({S.VALUE: r, S.VALUE_KEY: kr}), on=r, how="left")
        .select(S.PAIR, kb, kr)
    )


def _same_flag(df: pl.DataFrame, cmp: Comparison) -> pl.Series:
    """``_same:<item>`` (:func:`same_text`; true where a side is null: the 未登録 levels decide those). Cheap
    path: identical texts are the same without trimming; only the pairs whose texts differ are trimmed and
    compared again."""
    eq = pl.col(S.equal(cmp.item)) if S.equal(cmp.item) in df.columns else _b(cmp.item) == _r(cmp.item)
    flag = df.select(eq.fill_null(True).alias(S.same(cmp.item))).to_series()
    differ = ~flag
    # lazy: an eager query has no common-subexpression elimination, so a part read twice is computed twice
    trimmed = df.select(_b(cmp.item), _r(cmp.item)).filter(differ).lazy().select(same_text(cmp.item)).collect().to_series()
    return flag.scatter(differ.arg_true(), trimmed) if trimmed.any() else flag


def _row_index(df: pl.DataFrame) -> pl.DataFrame:
    """``_pair`` = 0 … n-1: the row order keys are joined back into."""
    return pl.DataFrame({S.PAIR: pl.int_range(df.height, dtype=pl.UInt32, eager=True)})


def _prepared_item(df: pl.DataFrame, cmp: Comparison, home: str | None,
                   extra: Callable[[pl.DataFrame], pl.Series | list[pl.Series]] | None = None,
                   known: Callable[[], dict] | None = None) -> pl.DataFrame:
    """``_same:<item>`` and both sides' keys of one item, in ``df``'s row order; keys are null where the texts
    are the same. ``extra``: one more column computed from those (in the same thread); ``known``: texts
    already normalised, by item (see :func:`prepare`)."""
    flag = _same_flag(df, cmp)
    index = _row_index(df)
    differs = df.select(_b(cmp.item), _r(cmp.item)).with_columns(index.to_series()).filter(~flag)
    lent = known().get(cmp.item) if known is not None and cmp.split is None else None
    if cmp.split is not None:
        keyed = _split_keys(differs, cmp, home)
    else:
        got = pl.concat(pl.collect_all(_key_pieces(differs, cmp, lent)))
        keyed = _item_keys(differs, got, cmp)
    # narrow join: only this item's two key columns are gathered into df's row order
    part = index.join(keyed, on=S.PAIR, how="left", maintain_order="left").drop(S.PAIR).with_columns(flag)
    if cmp.identified_by_key:
        part = part.with_columns(_same_unusable(df, cmp, flag, lent))
    return part.with_columns(extra(part)) if extra is not None else part  # one Series or several


def _same_unusable(df: pl.DataFrame, cmp: Comparison, same: pl.Series,
                   lent: tuple[pl.Series, pl.Series] | None = None) -> pl.Series:
    """``_unusable:<item>``: the two texts are the same and identify no one (``Comparison.identifies``), each
    distinct text tested once — the levels before 一致 need it, and the same texts get no key. ``lent``: every
    business text of the item with its key (:func:`prepare`'s ``known``)."""
    values = df.select(pl.when(same).then(_b(cmp.item))).to_series()
    bad = no_one(cmp, *(lent or (values.unique().drop_nulls(), None)))
    return values.is_in(bad.implode()).fill_null(False).alias(S.unusable(cmp.item))


def no_one(cmp: Comparison, values: pl.Series, keys: pl.Series | None = None) -> pl.Series:
    """The ``values`` (distinct, no null) that identify no one (``Comparison.identifies``); ``keys``: their keys
    (``Comparison.keys``), which say it for an item identified by its key without parsing again."""
    if keys is not None and cmp.identified_by_key:
        return values.filter(keys.is_null())
    return values.filter(~pl.select(cmp.identifies(pl.lit(values))).to_series())


def prepare(df: pl.DataFrame, home: str | None = None, known: Callable[[], dict] | None = None) -> pl.DataFrame:
    """Add the normalised key of both sides of every item (and the 異体字/外字 equality of 漢字氏名).

    Keys are null where the item's texts are identical or missing: the levels before the key levels
    (未登録, 一致) decide those pairs. Cheap paths: identical texts get no key, and (names, dates) each distinct
    text is normalised once. Each item runs in a thread of its own (Polars releases the GIL): one item's
    serial steps (flags, distinct texts, the join back) overlap the others' parallel normalising, so both
    cores stay busy. The wide frame is never copied. ``known`` gives texts already normalised by the same
    normaliser, by item (item → (texts, keys): the person pass's), so that only the others are normalised.
    """
    items = COMPARISONS
    extras = {KANJI.item: _kanji_variant, ADDRESS.item: _address_extras}
    with ThreadPoolExecutor(max_workers=len(items), thread_name_prefix="himozuke-prepare") as pool:
        parts = list(pool.map(lambda cmp: _prepared_item(df, cmp, home, extras.get(cmp.item), known), items))
    return pl.concat([df, *parts], how="horizontal")  # _same:<item> is the 一致 level


def _kanji_variant(part: pl.DataFrame) -> pl.Series:
    """``_kanji_variant_equal`` (異体字/外字 equality) of the pairs whose 漢字氏名 keys differ; computed in the
    漢字氏名 item's thread, so it overlaps the address normalising instead of following it."""
    kb, kr = S.key(C.KANJI_NAME, "b"), S.key(C.KANJI_NAME, "r")
    index = _row_index(part)
    candidates = part.select(kb, kr).with_columns(index.to_series()).filter(
        pl.col(kb).is_not_null() & pl.col(kr).is_not_null() & (pl.col(kb) != pl.col(kr)))
    return index.join(
        candidates.select(S.PAIR, kanji_names_equal_frame(candidates, kb, kr).alias(KANJI_VARIANT)),
        on=S.PAIR, how="left", maintain_order="left").get_column(KANJI_VARIANT)




def _address_extras(part: pl.DataFrame) -> list[pl.Series]:
    """Computed in the 住所 item's thread, each for the few pairs that need it (null elsewhere):
    ``_machiaza_variant_equal`` — the 注11 keys of the pairs whose keys differ, equal up to 異体字; and
    ``_same_municipality_name`` — the 市区町村 names of the pairs whose places differ, alike once folded."""
    kb, kr = S.key(C.ADDRESS, "b"), S.key(C.ADDRESS, "r")
    index = _row_index(part)
    fields = part.select(*(pl.col(k).struct.field(f).alias(f"{f}:{side}") for k, side in ((kb, "b"), (kr, "r"))
                           for f in ("machiaza_key", "city", "municipality"))).with_columns(index.to_series())
    keys = fields.filter(pl.col("machiaza_key:b") != pl.col("machiaza_key:r"))
    places = fields.filter(pl.col("city:b") != pl.col("city:r")).select(
        S.PAIR, (fold_municipality(pl.col("municipality:b")) == fold_municipality(pl.col("municipality:r")))
        .alias(SAME_NAME))
    variant = keys.select(S.PAIR, variants_equal_frame(keys, "machiaza_key:b", "machiaza_key:r").alias(MACHIAZA_VARIANT))
    return [index.join(found, on=S.PAIR, how="left", maintain_order="left").get_column(name)
            for found, name in ((variant, MACHIAZA_VARIANT), (places, SAME_NAME))]


def levels(df: pl.DataFrame) -> pl.DataFrame:
    """``_level:<item>`` of prepared pairs: the index of each item's first level that holds (a small integer),
    each item's level chain run once. :func:`verdicts` turns them into verdicts and reason codes; the check
    does so once per distinct combination instead of once per row (``match.engine``)."""
    return df.with_columns(c.level_expr().alias(S.level(c.item)) for c in COMPARISONS).drop(
        *(S.same(c.item) for c in COMPARISONS), *(S.alike(c.item) for c in COMPARISONS if c.split),
        *(S.unusable(c.item) for c in COMPARISONS if c.identified_by_key))


def verdicts(items: tuple[str, ...] = tuple(c.item for c in COMPARISONS), *, reasons: bool = True) -> list[pl.Expr]:
    """``<item>判定`` (and, with ``reasons``, ``_reason:<item>``) of the ``items`` from their ``_level:<item>``
    (:func:`levels`)."""
    chosen = [c for c in COMPARISONS if c.item in items]
    return ([c.verdict_of(pl.col(S.level(c.item))) for c in chosen]
            + [c.reason_of(pl.col(S.level(c.item))) for c in chosen if reasons])


def compare(df: pl.DataFrame) -> pl.DataFrame:
    """Item verdicts (``<item>判定``) and per-item reason columns for prepared pairs (:func:`levels`, then
    :func:`verdicts` of every row)."""
    return levels(df).with_columns(verdicts()).drop(S.level(c.item) for c in COMPARISONS)


# --- one record at a time ----------------------------------------------------------------------------
def prepare_record(values: Mapping[str, str | None], home: str | None = None) -> dict[str, object]:
    """:func:`prepare` of one pair, without a frame: ``values`` holds ``<item>_業務`` and ``<item>_住基`` of every
    item; the result adds the same prepared columns (``_same:``, ``_key:``, ``_alike:``, ``_unusable:``, the
    異体字 and 市区町村-name flags), each computed by the scalar form of the normaliser the frame uses (the text
    modules keep both and property-test that they agree) and null exactly where :func:`prepare` leaves it null —
    so that the same level conditions (:meth:`Comparison.level_of`) give the same answer."""
    row: dict[str, object] = dict(values)
    for cmp in COMPARISONS:
        b, r = values.get(C.business(cmp.item)), values.get(C.registry(cmp.item))
        same = True if b is None or r is None else (b == r or strip_blanks(b) == strip_blanks(r))
        row[S.same(cmp.item)] = same
        kb = kr = None
        if not same:
            kb = cmp.key_of(b, home)
            if cmp.normalise_of is not None:  # a split item: texts that normalise alike have one set of parts
                alike = cmp.normalise_of(b) == cmp.normalise_of(r)
                row[S.alike(cmp.item)] = alike
                kr = kb if alike else cmp.key_of(r, home)
            else:
                kr = cmp.key_of(r, home)
        row[S.key(cmp.item, "b")], row[S.key(cmp.item, "r")] = kb, kr
        if cmp.identified_by_key:
            row[S.unusable(cmp.item)] = same and b is not None and not cmp.identifies_of(b)
    kb, kr = row[S.key(C.KANJI_NAME, "b")], row[S.key(C.KANJI_NAME, "r")]
    if kb is not None and kr is not None and kb != kr:
        row[KANJI_VARIANT] = kanji_names_equal(kb, kr)
    ab, ar = row[S.key(C.ADDRESS, "b")], row[S.key(C.ADDRESS, "r")]
    if ab is not None and ar is not None:
        if ab.machiaza_key is not None and ar.machiaza_key is not None and ab.machiaza_key != ar.machiaza_key:
            row[MACHIAZA_VARIANT] = variants_equal(ab.machiaza_key, ar.machiaza_key)
        if ab.city is not None and ar.city is not None and ab.city != ar.city:
            row[SAME_NAME] = (None if ab.municipality is None or ar.municipality is None
                              else fold_municipality_name(ab.municipality) == fold_municipality_name(ar.municipality))
    return row


def compare_record(row: dict[str, object]) -> dict[str, object]:
    """:func:`compare` of one prepared record (:func:`prepare_record`): adds ``<item>判定`` and
    ``_reason:<item>`` from the first level of each item that holds."""
    for cmp in COMPARISONS:
        level = cmp.level_of(row)
        row[C.item_verdict(cmp.item)] = None if level is None else str(level.label)
        row[S.reason(cmp.item)] = None if level is None or level.reason is None else str(level.reason)
    return row
