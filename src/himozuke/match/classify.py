"""A / B / C / E classification (manual §7(6)) and 優先度, each one ordered rule table.

The rules read only the item verdicts (``<item>判定``) and two flags, so the vectorised ``pl.when`` chain and
the scalar :func:`classify` are both read from the same table (:mod:`himozuke.match.conditions`: each condition
is a Polars expression and a value of one record — there is no second copy of any rule).

>>> classify({"漢字氏名": "一致", "カナ氏名": "表記ゆれ一致", "生年月日": "一致", "性別": "一致", "住所": "表記ゆれ一致"})
<Verdict.A: 'A'>
>>> classify({"漢字氏名": "不一致", "カナ氏名": "一致", "生年月日": "一致", "性別": "一致", "住所": "一致"})
<Verdict.B: 'B'>
>>> classify({"漢字氏名": "一致", "カナ氏名": "一致", "生年月日": "一致", "性別": "一致", "住所": "市区町村不一致"})
<Verdict.C: 'C'>
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import polars as pl

from himozuke.formats import columns as C
from himozuke.match import evidence as ev
from himozuke.match import scratch as S
from himozuke.match.compare import MATCHING, ItemVerdict
from himozuke.match.conditions import AllOf, Always, AnyOf, Cond, Not, Row, first_holding


class Verdict(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    E = "E"


VERDICT_LABEL: dict[Verdict, str] = {
    Verdict.A: "確認不要（完全一致）",
    Verdict.B: "要確認（入力ミス等による不一致の可能性あり）",
    Verdict.C: "優先確認（別人への紐付けの可能性が高い）",
    Verdict.E: "照合不能（番号不正・住基側になし等）",
}

#: Flag columns the rules may read besides the item verdicts.
E_REASON, NUMBER_SHARED = S.E_REASON, S.NUMBER_SHARED


# --- conditions on the item verdicts and flags (the language: himozuke.match.conditions) --------------
_MATCHING = tuple(str(v) for v in MATCHING)


@dataclass(frozen=True)
class NotMatching(Cond):
    """The item is not 一致/表記ゆれ一致 (不一致, 市区町村不一致 or 未登録)."""

    item: str

    def expr(self) -> pl.Expr:
        return ~pl.col(C.item_verdict(self.item)).is_in(list(_MATCHING))

    def value(self, row: Row) -> bool | None:
        v = row.get(C.item_verdict(self.item))
        return None if v is None else v not in _MATCHING


@dataclass(frozen=True)
class VerdictIs(Cond):
    item: str
    verdicts: tuple[ItemVerdict, ...]

    def expr(self) -> pl.Expr:
        return pl.col(C.item_verdict(self.item)).is_in([str(v) for v in self.verdicts])

    def value(self, row: Row) -> bool | None:
        v = row.get(C.item_verdict(self.item))
        return None if v is None else v in {str(x) for x in self.verdicts}


@dataclass(frozen=True)
class Flag(Cond):
    column: str

    def expr(self) -> pl.Expr:
        col = pl.col(self.column)
        return col.fill_null(False) if self.column == NUMBER_SHARED else col.is_not_null()

    def value(self, row: Row) -> bool:
        v = row.get(self.column)
        return v is True if self.column == NUMBER_SHARED else v is not None


@dataclass(frozen=True)
class Rule:
    verdict: Verdict
    condition: Cond
    cite: str


_STRONG = (C.SEX, C.BIRTH_DATE, C.KANA_NAME)

#: §7(6), in order; the first rule that holds gives the 判定.
RULES: tuple[Rule, ...] = (
    Rule(Verdict.E, Flag(E_REASON), "照合不能: 番号不正・住基側になし・照会結果エラー・読めない行（DESIGN 'E'）"),
    Rule(Verdict.C, Flag(NUMBER_SHARED), "§7(6) C 別人への紐付けの可能性が高い — 同じ番号が業務側で別人に使われている"),
    Rule(Verdict.C, AnyOf(tuple(NotMatching(i) for i in _STRONG)), "§7(6) C 「性別 or 生年月日 or カナ氏名」が不一致"),
    Rule(Verdict.C, VerdictIs(C.ADDRESS, (ItemVerdict.CITY_MISMATCH, ItemVerdict.MISSING)),
         "§7(6) C 「性別 and 生年月日 and カナ氏名」が一致し、かつ、住所（市区町村）が不一致"
         "（住所の空欄は市区町村を確かめられないので慎重側に同じ扱い）"),
    Rule(Verdict.B, AnyOf((NotMatching(C.KANJI_NAME), NotMatching(C.ADDRESS))),
         "§7(6) B 「性別 and 生年月日 and カナ氏名」が一致し、かつ「漢字氏名」or「住所（町字等）」が不一致"),
    Rule(Verdict.A, Always(), "§7(6) A 確認不要（完全一致、表記揺れを含む）"),
)


def verdict_expr() -> pl.Expr:
    """The 判定 column from :data:`RULES`."""
    first, *rest = RULES
    chain = pl.when(first.condition.expr()).then(pl.lit(str(first.verdict)))
    for rule in rest:
        chain = chain.when(rule.condition.expr()).then(pl.lit(str(rule.verdict)))
    return chain.otherwise(pl.lit(None, dtype=pl.String)).alias(C.VERDICT)


# --- 優先度: how likely a B/C row is a real wrong link (kept apart from the official class) ----------
@dataclass(frozen=True)
class Tier:
    priority: int
    condition: Cond
    evidence: str


@dataclass(frozen=True)
class Is(Cond):
    """An evidence column (:mod:`himozuke.match.evidence`) holds ``value`` (null: it does not)."""

    column: str
    value_: bool | str

    def expr(self) -> pl.Expr:
        return (pl.col(self.column) == self.value_).fill_null(False)

    def value(self, row: Row) -> bool:
        return row.get(self.column) == self.value_


_REAL_MISMATCH = (ItemVerdict.MISMATCH,)

#: Lower = look first; integers; the first tier that holds. Evidence: 「マイナンバー情報総点検について（全体像）」
#: (デジタル庁 マイナンバー情報総点検本部, 令和5年12月) — the 健康保険証 trial found 17 wrong links among the
#: mismatches, 4 pairs of twins and 2 of family members; a 生年月日・性別 mismatch was a wrong link in 3.6 % of
#: cases, an 氏名等 mismatch in 0.025 % (144× apart); the causes were a family member's number on the same form,
#: same-name people, several people answering a 2-information inquiry, typos in the number; most C were an
#: unreported marriage or move, or カナ・性別 never collected. A value that is merely missing (未収集) is no
#: evidence of another person: tiers 2–4 need a real 不一致.
PRIORITY_TIERS: tuple[Tier, ...] = (
    Tier(1, Flag(NUMBER_SHARED), "同じ番号が業務側で別人に使われている: 少なくとも一方は誤り"),
    Tier(2, AllOf((Is(ev.GIVEN_DIFFERS, True), Is(ev.SURNAME_AGREES, True), Not(Is(ev.BIRTH, "typo")))),
         "姓は同じで名（カナ）が違い、生年月日は同じか別人のように違う: 双子・家族の取り違えの形"
         "（総点検の試行実施で誤登録 17 件のうち双子 4 組・家族内 2 組。申請書の家族の番号）"),
    Tier(3, AnyOf((Is(ev.BIRTH, "far"), AllOf((Is(ev.GIVEN_DIFFERS, True), Not(Is(ev.SURNAME_AGREES, True)))))),
         "生年月日が入力誤りでは説明できないほど違う、または姓も名も違う: 別人の形"
         "（同姓同名の別人・複数人該当からの選び違い。生年月日・性別不一致の 3.6 % が誤登録）"),
    Tier(4, AnyOf((VerdictIs(C.SEX, _REAL_MISMATCH), Is(ev.BIRTH, "typo"))),
         "性別の不一致、または生年月日が一桁違い・隣り合う数字の入れ違い・一日違い・月日の入れ違い: 入力誤りの形"),
    Tier(5, Always(), "姓だけの違い（改姓の未届）・市区町村の違い（転居の未届）・カナや性別の未収集など: "
                      "C の多くはこれ（氏名等不一致の誤登録は 0.025 %）"),
)
B_PRIORITY = 6


def priority_expr() -> pl.Expr:
    """``優先度`` for B and C rows (1 = most likely a real wrong link); null for A and E."""
    verdict = pl.col(C.VERDICT)
    chain = pl.when(verdict == str(Verdict.B)).then(pl.lit(B_PRIORITY))
    for tier in PRIORITY_TIERS:
        chain = chain.when((verdict == str(Verdict.C)) & tier.condition.expr()).then(pl.lit(tier.priority))
    return chain.otherwise(pl.lit(None, dtype=pl.Int32)).cast(pl.Int32).alias(C.PRIORITY)


def verdict_of(row: Row) -> Verdict | None:
    """:func:`verdict_expr` of one record (item verdicts ``<item>判定`` and the flags): the first of :data:`RULES`
    that holds."""
    i = first_holding([rule.condition for rule in RULES], row)
    return None if i is None else RULES[i].verdict


def priority_of(row: Row) -> int | None:
    """:func:`priority_expr` of one record (判定, item verdicts, flags and evidence columns)."""
    verdict = row.get(C.VERDICT)
    if verdict == str(Verdict.B):
        return B_PRIORITY
    if verdict != str(Verdict.C):
        return None
    i = first_holding([tier.condition for tier in PRIORITY_TIERS], row)
    return None if i is None else PRIORITY_TIERS[i].priority


def classify(items: Mapping[str, str], *, e_reason: str | None = None, number_shared: bool = False) -> Verdict:
    """Scalar classification of one pair from its item verdicts — the same :data:`RULES`."""
    row: dict[str, object] = {C.item_verdict(i): items.get(i) for i in C.ITEMS}
    row[E_REASON] = e_reason
    row[NUMBER_SHARED] = number_shared
    verdict = verdict_of(row)
    assert verdict is not None  # the last rule always holds
    return verdict
