"""Who must check individual data (総点検マニュアル §3(1)) and over which records (§5(2)).

デジタル庁「地方自治体におけるマイナンバーの紐付け誤りに関する総点検マニュアル」【第2.1版】 §3(1): a
紐付け実施機関 need not check a 制度's individual data only when it ① always obtains the number with
confirmation documents, ② inquires with all four 基本4情報, or ③ inquires with fewer but identifies the
person by a sound method; and 「障害者手帳については、紐付けの正確性が強く懸念される状況であったため、全ての
紐付け実施機関を個別データの点検の対象とした」. The rule table :data:`RULES` takes the 制度等 and the answers
and is read top to bottom, first match wins. Each row carries an :class:`Outcome`: 点検要 / 点検不要 as the
manual decides, or 点検要（回答不備のため） / 点検要（慎重な解釈のため） where himozuke keeps a body in that a
reading of §3(1) alone might let go (docs/survey.md). Rows the manual decides come before the cautious
ones, so a cautious class marks exactly the bodies whose result it changes.

>>> d = decide({"組織区分": "市区町村", "1-1": "①", "3": "①", "4": "③", "5": "①", "10": "①"})
>>> d.outcome.value, d.reason
('点検不要', 'Q5①')
>>> d = decide({"制度等": "福祉・介護（障害者手帳）", "組織区分": "市区町村", "1-1": "①", "3": "①", "4": "③", "5": "①"})
>>> d.outcome.value, d.reason
('点検要', '障害者手帳')
>>> d = decide({"組織区分": "市区町村", "1-1": "①", "3": "②", "7-1": "②", "7-2": "①", "8-1": "②", "10": "①"})
>>> d.outcome.value, d.scope.value
('点検要', '自動連携されていない者（住登者・住登外者）')
>>> decide({"組織区分": "市区町村", "3": "①", "4": "③", "5": "①", "10": "③"}).outcome.value
'点検要（慎重な解釈のため）'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from himozuke.survey import spec
from himozuke.survey.collect import read_collection
from himozuke.survey.form import save_atomic
from himozuke.survey.spec import Row, choice_mark
from himozuke.survey.validate import ERROR, validate

MANUAL = "総点検マニュアル"


class Need(StrEnum):
    """個別データの点検の要否."""

    要 = "点検要"
    不要 = "点検不要"


class Outcome(StrEnum):
    """The class of a decision: the manual's, or one himozuke adds beyond it (still 点検要)."""

    要 = "点検要"
    要_回答不備 = "点検要（回答不備のため）"
    要_慎重 = "点検要（慎重な解釈のため）"
    不要 = "点検不要"

    @property
    def need(self) -> Need:
        return Need.不要 if self is Outcome.不要 else Need.要

    @property
    def by_manual(self) -> bool:
        """Whether the manual itself decides it (not a decision beyond §3(1))."""
        return self in (Outcome.要, Outcome.不要)


class Scope(StrEnum):
    """点検の範囲 (総点検マニュアル §5(2))."""

    対象外 = "—"
    自動連携以外_都道府県 = "自動連携されていない者"
    自動連携以外_市区町村 = "自動連携されていない者（住登者・住登外者）"
    全員 = "対象者全員"


@dataclass(frozen=True)
class Rule:
    """One line of the decision table: what it matches (制度等 and answers), the outcome, why, and where it
    is written."""

    reason: str
    outcome: Outcome
    when: Callable[[dict[str, str]], bool]
    text: str
    cite: str

    @property
    def need(self) -> Need:
        return self.outcome.need


def _is(a: dict[str, str], qid: str, *marks: str) -> bool:
    return a.get(qid, "") in marks


TECHO = ("障害者手帳", "療育手帳", "精神障害者保健福祉手帳")
"""制度等 names that are 障害者手帳 (§3(1)): the label itself and the three 手帳 it usually stands for."""


def _techo(a: dict[str, str]) -> bool:
    seido = spec.normalize_label(a.get("制度等", ""))
    return any(t in seido for t in TECHO)


_CAUTIOUS = "慎重な解釈 (docs/survey.md)"
RULES: tuple[Rule, ...] = (
    Rule("障害者手帳", Outcome.要, _techo,
         "障害者手帳は全ての紐付け実施機関が個別データの点検の対象（回答によらない）",
         f"{MANUAL} §3(1)「障害者手帳については、紐付けの正確性が強く懸念される状況であったため、"
         "全ての紐付け実施機関を個別データの点検の対象とした」"),
    Rule("回答不備", Outcome.要_回答不備, lambda a: a.get("_errors") == "1",
         "回答に不備があり点検不要と判定できない（差戻し・再回答の後に再判定）", _CAUTIOUS),
    Rule("Q8-2②", Outcome.要, lambda a: _is(a, "8-2", "②"),
         "別途の方法で本人と特定できなかった者も紐付けることがある", f"{MANUAL} §3(1)③"),
    Rule("Q8-1②", Outcome.要, lambda a: _is(a, "8-1", "②"),
         "一部の情報で照会し、複数該当時の対応が担当者に任されている", f"{MANUAL} §3(1)③"),
    Rule("Q7-1②・Q7-2②", Outcome.要, lambda a: _is(a, "7-1", "②") and _is(a, "7-2", "②"),
         "確認書類による取得でも4情報全部での照会でもない", f"{MANUAL} §3(1)①②"),
    Rule("Q10③④", Outcome.要_慎重, lambda a: _is(a, "10", "③", "④"),
         "未報告の紐付け誤りがあり改善されていない", _CAUTIOUS),
    Rule("Q4②", Outcome.要_慎重, lambda a: _is(a, "4", "②"),
         "本人以外（事業主等）から得たマイナンバーを確認していない（確認書類による取得に当たらない）",
         f"{MANUAL} §3(1)①（{_CAUTIOUS}）"),
    Rule("Q8-1③", Outcome.要_慎重, lambda a: _is(a, "8-1", "③"),
         "一部の情報で照会し、単独該当なら本人特定の方法を定めずに紐付けている", f"{MANUAL} §3(1)③（{_CAUTIOUS}）"),
    Rule("Q5①", Outcome.不要, lambda a: _is(a, "5", "①"),
         "マイナンバーを必ず確認書類とともに取得している", f"{MANUAL} §3(1)①"),
    Rule("Q7-1①・Q7-2②", Outcome.不要, lambda a: _is(a, "7-1", "①") and _is(a, "7-2", "②"),
         "基本4情報の全部で照会し、確認できない場合は紐付けない", f"{MANUAL} §3(1)②"),
    Rule("Q8-1①・Q8-2①", Outcome.不要,
         lambda a: _is(a, "7-2", "①") and _is(a, "8-1", "①") and _is(a, "8-2", "①"),
         "一部の情報で照会するが、組織で定めた方法で本人と特定できた者に限り紐付けている", f"{MANUAL} §3(1)③"),
    Rule("その他", Outcome.要, lambda a: True,
         "確認書類・4情報全部・妥当な特定方法のいずれにも当たらない", f"{MANUAL} §3(1)"),
)


@dataclass(frozen=True)
class Decision:
    """The answer for one body and 制度; ``also``: rules beyond the manual that matched too but did not decide."""

    outcome: Outcome
    scope: Scope
    reason: str
    text: str
    cite: str
    scope_note: str
    also: tuple[str, ...] = ()

    @property
    def need(self) -> Need:
        return self.outcome.need


def scope(kubun_group: str | None, auto_link: str) -> tuple[Scope, str]:
    """点検の範囲 (総点検マニュアル §5(2) イ/ロ/ハ) from the 組織区分 group and the Q1-1 / Q1-2 mark, read off the one
    §5(2) table the records are cut with too (:data:`himozuke.scope.BODY_RULES`).

    The survey asks whether automatic linkage is *installed* (①), not whether it was *used* (§5(2) a/b): a body
    with it installed is in row a, and each record's 取得経路 then says whether it was made by it
    (``himozuke scope``); a record that does not say stays in.

    >>> scope("広域連合等", "")[0].value, scope("市区町村", "①")[0].value
    ('対象者全員', '自動連携されていない者（住登者・住登外者）')
    """
    from himozuke.scope import body_scope

    installed = {"①": True, "②": False}.get(auto_link)
    if installed is None and kubun_group in ("都道府県", "市区町村"):
        installed = False  # not answered: §5(2) c, 対象者全員 (the cautious side either way)
    found, cite = body_scope(kubun_group, installed)
    return Scope(found.value), f"{MANUAL} {cite}"


def decide(answers: Row, *, has_errors: bool = False) -> Decision:
    """Decide one row (一覧表 column → value, 制度等 included). ``has_errors``: the sheet failed validation."""
    a = {k: (choice_mark(v) or v) for k, v in answers.items()}
    a["_errors"] = "1" if has_errors else ""
    rule = next(r for r in RULES if r.when(a))
    also = tuple(r.reason for r in RULES if r is not rule and not r.outcome.by_manual and r.when(a))
    if rule.need is Need.不要:
        return Decision(rule.outcome, Scope.対象外, rule.reason, rule.text, rule.cite, "", also)
    v = spec.variant("generic")
    group = v.group_of(answers.get("組織区分", "").strip())
    auto = a.get("1-2" if group == "都道府県" else "1-1", "")
    sc, note = scope(group, auto)
    return Decision(rule.outcome, sc, rule.reason, rule.text, rule.cite, note, also)


@dataclass(frozen=True)
class DecidedRow:
    """A 一覧表 row and its decision."""

    sheet: str
    row: Row
    decision: Decision


def decide_collection(path: Path | str) -> list[DecidedRow]:
    """Decide every row of a 一覧表; a row whose sheet has errors never comes out 点検不要."""
    out = []
    for v, row, sheet in read_collection(path):
        errors = any(p.level == ERROR for p in validate(v, row))
        out.append(DecidedRow(sheet, row, decide(row, has_errors=errors)))
    return out


SUMMARY_COLUMNS = ("制度等", "回答数", "点検要", "うちマニュアルによる", "うち回答不備のため",
                   "うち慎重な解釈のため", "うち対象者全員", "点検不要")


def summary(rows: list[DecidedRow]) -> list[tuple[str, int, int, int, int, int, int, int]]:
    """Per 制度等, as :data:`SUMMARY_COLUMNS`: 点検要 split into the manual's and the two classes beyond it."""
    counts: Counter[tuple[str, str, str]] = Counter()  # (制度等, what is counted, value)
    for r in rows:
        seido = r.row.get("制度等", "") or "（制度等未入力）"
        counts[(seido, "n", "")] += 1
        counts[(seido, "need", r.decision.need.value)] += 1
        counts[(seido, "outcome", r.decision.outcome.value)] += 1
        counts[(seido, "all", "")] += r.decision.scope is Scope.全員
    seidos = list(dict.fromkeys(s for s, _, _ in counts))
    return [(s, counts[(s, "n", "")], counts[(s, "need", Need.要.value)], counts[(s, "outcome", Outcome.要.value)],
             counts[(s, "outcome", Outcome.要_回答不備.value)], counts[(s, "outcome", Outcome.要_慎重.value)],
             counts[(s, "all", "")], counts[(s, "need", Need.不要.value)]) for s in seidos]


DECISION_COLUMNS = ("制度等", "組織区分", "組織名", "属性", "個別データの点検", "判定の区分", "点検範囲", "理由（回答）",
                    "理由", "根拠", "範囲の根拠", "ほかに該当（マニュアル外）")


def write_decisions(rows: list[DecidedRow], out: Path | str) -> Path:
    """判定 sheet (one line per body and 制度) and 集計 sheet (count by 制度)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "判定"
    ws.append(DECISION_COLUMNS)
    need_fill = PatternFill("solid", fgColor="F8CBAD")
    cautious_fill = PatternFill("solid", fgColor="FFE699")
    for r in rows:
        d = r.decision
        ws.append((r.row.get("制度等", ""), r.row.get("組織区分", ""), r.row.get("組織名", ""), r.row.get("属性", ""),
                   d.outcome.value, "マニュアルによる" if d.outcome.by_manual else "マニュアル外（慎重な判断）",
                   d.scope.value, d.reason, d.text, d.cite, d.scope_note, "・".join(d.also)))
        if d.need is Need.要:
            ws.cell(ws.max_row, 5).fill = need_fill if d.outcome.by_manual else cautious_fill
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    agg = wb.create_sheet("集計")
    agg.append(SUMMARY_COLUMNS)
    for line in summary(rows):
        agg.append(line)
    return save_atomic(wb, Path(out))
