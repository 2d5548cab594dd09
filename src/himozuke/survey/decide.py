"""Who must check individual data (manual §3(1)) and over which records (manual §5(2)).

§3(1): a 紐付け実施機関 need not check a 制度's individual data only when it ① always obtains the number
with confirmation documents, ② inquires with all four 基本4情報, or ③ inquires with fewer but identifies
the person by a sound method. Everything else must check. The rule table :data:`RULES` is read top to
bottom, first match wins; the two rules above ①–③ are the cautious readings recorded in docs/survey.md.

>>> d = decide({"組織区分": "市区町村", "1-1": "①", "3": "①", "4": "③", "5": "①", "10": "①"})
>>> d.need.value, d.reason
('点検不要', 'Q5①')
>>> d = decide({"組織区分": "市区町村", "1-1": "①", "3": "②", "7-1": "②", "7-2": "①", "8-1": "②", "10": "①"})
>>> d.need.value, d.scope.value
('点検要', '自動連携されていない者（住登者・住登外者）')
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


class Need(StrEnum):
    """個別データの点検の要否."""

    要 = "点検要"
    不要 = "点検不要"


class Scope(StrEnum):
    """点検の範囲 (manual §5(2))."""

    対象外 = "—"
    自動連携以外_都道府県 = "自動連携されていない者"
    自動連携以外_市区町村 = "自動連携されていない者（住登者・住登外者）"
    全員 = "対象者全員"


@dataclass(frozen=True)
class Rule:
    """One line of the decision table: the answers it matches, the outcome, why, and where it is written."""

    reason: str
    need: Need
    when: Callable[[dict[str, str]], bool]
    text: str
    cite: str


def _is(a: dict[str, str], qid: str, *marks: str) -> bool:
    return a.get(qid, "") in marks


RULES: tuple[Rule, ...] = (
    Rule("回答不備", Need.要, lambda a: a.get("_errors") == "1",
         "回答に不備があり点検不要と判定できない（差戻し・再回答の後に再判定）", "慎重な解釈 (docs/survey.md)"),
    Rule("Q10③④", Need.要, lambda a: _is(a, "10", "③", "④"),
         "未報告の紐付け誤りがあり改善されていない", "慎重な解釈 (docs/survey.md)"),
    Rule("Q4②", Need.要, lambda a: _is(a, "4", "②"),
         "本人以外（事業主等）から得たマイナンバーを確認していない（確認書類による取得に当たらない）", "manual §3(1)①"),
    Rule("Q5①", Need.不要, lambda a: _is(a, "5", "①"),
         "マイナンバーを必ず確認書類とともに取得している", "manual §3(1)①"),
    Rule("Q7-1①・Q7-2②", Need.不要, lambda a: _is(a, "7-1", "①") and _is(a, "7-2", "②"),
         "基本4情報の全部で照会し、確認できない場合は紐付けない", "manual §3(1)②"),
    Rule("Q8-1①・Q8-2①", Need.不要,
         lambda a: _is(a, "7-2", "①") and _is(a, "8-1", "①") and _is(a, "8-2", "①"),
         "一部の情報で照会するが、組織で定めた方法で本人と特定できた者に限り紐付けている", "manual §3(1)③"),
    Rule("Q8-2②", Need.要, lambda a: _is(a, "8-2", "②"),
         "別途の方法で本人と特定できなかった者も紐付けることがある", "manual §3(1)③"),
    Rule("Q8-1②", Need.要, lambda a: _is(a, "8-1", "②"),
         "一部の情報で照会し、複数該当時の対応が担当者に任されている", "manual §3(1)③"),
    Rule("Q8-1③", Need.要, lambda a: _is(a, "8-1", "③"),
         "一部の情報で照会し、単独該当なら本人特定の方法を定めずに紐付けている", "manual §3(1)③（慎重な解釈）"),
    Rule("その他", Need.要, lambda a: True,
         "確認書類・4情報全部・妥当な特定方法のいずれにも当たらない", "manual §3(1)"),
)


@dataclass(frozen=True)
class Decision:
    """The answer for one body and 制度."""

    need: Need
    scope: Scope
    reason: str
    text: str
    cite: str
    scope_note: str


def scope(kubun_group: str | None, auto_link: str) -> tuple[Scope, str]:
    """点検の範囲 (manual §5(2) イ/ロ/ハ) from the 組織区分 group and the Q1-1 / Q1-2 mark.

    The survey asks whether automatic linkage is *installed*, not whether it was *used* (§5(2) a/b):
    the note says that without use the scope is everyone.

    >>> scope("広域連合等", "")[0].value
    '対象者全員'
    """
    if kubun_group == "都道府県" and auto_link == "①":
        return Scope.自動連携以外_都道府県, "manual §5(2)イa（自動連携による紐付けを実施していなければ同b: 対象者全員）"
    if kubun_group == "市区町村" and auto_link == "①":
        return Scope.自動連携以外_市区町村, "manual §5(2)ロa（自動連携による紐付けを実施していなければ同b: 対象者全員）"
    if kubun_group == "都道府県":
        return Scope.全員, "manual §5(2)イc"
    if kubun_group == "市区町村":
        return Scope.全員, "manual §5(2)ロc"
    if kubun_group == "広域連合等":
        return Scope.全員, "manual §5(2)ハ"
    return Scope.全員, "manual §5(2)に定めなし: 対象者全員（慎重な解釈）"


def decide(answers: Row, *, has_errors: bool = False) -> Decision:
    """Decide one row (一覧表 column → value). ``has_errors``: the sheet failed validation."""
    a = {k: (choice_mark(v) or v) for k, v in answers.items()}
    a["_errors"] = "1" if has_errors else ""
    rule = next(r for r in RULES if r.when(a))
    if rule.need is Need.不要:
        return Decision(rule.need, Scope.対象外, rule.reason, rule.text, rule.cite, "")
    v = spec.variant("generic")
    group = v.group_of(answers.get("組織区分", "").strip())
    auto = a.get("1-2" if group == "都道府県" else "1-1", "")
    sc, note = scope(group, auto)
    return Decision(rule.need, sc, rule.reason, rule.text, rule.cite, note)


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


def summary(rows: list[DecidedRow]) -> list[tuple[str, int, int, int, int]]:
    """Per 制度等: (制度等, 回答数, 点検要, うち対象者全員, 点検不要)."""
    counts: Counter[tuple[str, str]] = Counter()
    for r in rows:
        seido = r.row.get("制度等", "") or "（制度等未入力）"
        counts[(seido, "n")] += 1
        counts[(seido, r.decision.need.value)] += 1
        counts[(seido, "all")] += r.decision.scope is Scope.全員
    seidos = list(dict.fromkeys(s for s, _ in counts))
    return [(s, counts[(s, "n")], counts[(s, Need.要.value)], counts[(s, "all")], counts[(s, Need.不要.value)])
            for s in seidos]


DECISION_COLUMNS = ("制度等", "組織区分", "組織名", "属性", "個別データの点検", "点検範囲", "理由（回答）", "理由",
                    "根拠", "範囲の根拠")


def write_decisions(rows: list[DecidedRow], out: Path | str) -> Path:
    """判定 sheet (one line per body and 制度) and 集計 sheet (count by 制度)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "判定"
    ws.append(DECISION_COLUMNS)
    need_fill = PatternFill("solid", fgColor="F8CBAD")
    for r in rows:
        d = r.decision
        ws.append((r.row.get("制度等", ""), r.row.get("組織区分", ""), r.row.get("組織名", ""), r.row.get("属性", ""),
                   d.need.value, d.scope.value, d.reason, d.text, d.cite, d.scope_note))
        if d.need is Need.要:
            ws.cell(ws.max_row, 5).fill = need_fill
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    agg = wb.create_sheet("集計")
    agg.append(("制度等", "回答数", "点検要", "うち対象者全員", "点検不要"))
    for line in summary(rows):
        agg.append(line)
    return save_atomic(wb, Path(out))
