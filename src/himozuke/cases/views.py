"""What an officer sees of a case: list, show, export, and the audited reveal of a full My Number.

Why one module: every view of a case goes through :func:`_view`, the one place that masks the number
(``1234 **** 9018``) and hides the 住所 and 方書 of a DV・虐待等被害者 (「総点検マニュアル」第2.1版 §7(6) ※: 避難先の
住所等が加害者等に特定されないよう). A full number is shown only by :func:`reveal_number`, which writes an audit entry.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from himozuke import mynumber
from himozuke.atomic import atomic_path
from himozuke.cases import audit
from himozuke.cases.store import CASE_VERDICTS
from himozuke.cases.users import User, require_role
from himozuke.cases.workflow import State
from himozuke.errors import UsageError
from himozuke.formats import columns as C

if TYPE_CHECKING:
    from himozuke.cases.store import CaseStore

DV_HIDDEN = "（DV等支援対象のため非表示）"
#: Fields a DV flag hides in every view: the address and its 方書 (building / room).
DV_HIDDEN_ITEMS = (C.ADDRESS,)
DV_HIDDEN_EXTRAS = (C.KATAGAKI,)
ALL_ROLES = ("担当者", "確認者", "管理者", "上長")


@dataclass
class CaseView:
    id: int
    run_id: int
    row_no: int
    number: str  #: masked
    verdict: str
    reasons: str | None
    priority: int | None
    state: str
    dv: bool
    items: dict[str, dict[str, Any]]
    extras: dict[str, Any]
    scope: str | None = None
    result: str | None = None
    viewed: str | None = None
    exchanged: str | None = None
    branch: str | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)


_COLS = ("id", "run_id", "row_no", "my_number", "verdict", "reasons", "priority", "state", "dv", "items", "extras",
         "scope", "result", "viewed", "exchanged", "branch")


def _view(row: tuple) -> CaseView:
    r = dict(zip(_COLS, row, strict=True))
    items, extras = json.loads(r["items"]), json.loads(r["extras"])
    if r["dv"]:
        for item in DV_HIDDEN_ITEMS:
            items[item] = {**items.get(item, {}), "業務": DV_HIDDEN, "住基": DV_HIDDEN}
        for key in DV_HIDDEN_EXTRAS:
            if key in extras:
                extras[key] = DV_HIDDEN
    return CaseView(r["id"], r["run_id"], r["row_no"], mynumber.mask(r["my_number"]), r["verdict"], r["reasons"],
                    r["priority"], r["state"], bool(r["dv"]), items, extras, r["scope"], r["result"], r["viewed"],
                    r["exchanged"], r["branch"])


def list_cases(store: CaseStore, user: User, *, state: str | None = None, verdict: str | None = None,
               run_id: int | None = None) -> list[CaseView]:
    """Cases by 優先度 then 行番号, optionally of one state / 判定 / run; numbers masked, DV addresses hidden."""
    require_role(user, ALL_ROLES, "一覧 / list")
    # a mistyped filter matched nothing: an officer read "no cases" where there were some
    if state is not None and state not in set(State):
        raise UsageError(f"状態「{state}」はありません（{'・'.join(State)}）",
                         f"no state {state!r} (one of: {', '.join(State)})")
    if verdict is not None and verdict not in CASE_VERDICTS:
        raise UsageError(f"案件の判定は {'・'.join(CASE_VERDICTS)} のいずれかです（指定: {verdict}）",
                         f"a case's 判定 is one of {', '.join(CASE_VERDICTS)} (got {verdict!r})")
    where, params = ["1 = 1"], []
    for col, value in (("state", state), ("verdict", verdict), ("run_id", run_id)):
        if value is not None:
            where.append(f"{col} = ?")
            params.append(value)
    rows = store.query(f"SELECT {', '.join(_COLS)} FROM cases WHERE {' AND '.join(where)}"
                       " ORDER BY priority IS NULL, priority, run_id, row_no", params)
    return [_view(r) for r in rows]


def show_case(store: CaseStore, user: User, case_id: int) -> CaseView:
    """One case with its events and contact attempts (number masked, DV address hidden)."""
    require_role(user, ALL_ROLES, "表示 / show")
    rows = store.query(f"SELECT {', '.join(_COLS)} FROM cases WHERE id = ?", (case_id,))
    if not rows:
        raise UsageError(f"案件 {case_id} はありません", f"no case {case_id}")
    view = _view(rows[0])
    view.events = [
        {"at": at, "actor": actor, "action": action, "from": f, "to": t, "fields": json.loads(fields)}
        for at, actor, action, f, t, fields in store.query(
            "SELECT e.at, u.name, e.action, e.from_state, e.to_state, e.fields FROM events e"
            " LEFT JOIN users u ON u.id = e.actor WHERE case_id = ? ORDER BY e.id", (case_id,))]
    view.contacts = [
        {"date": d, "method": m, "outcome": o, "actor": a}
        for d, m, o, a in store.query("SELECT c.contact_date, c.method, c.outcome, u.name FROM contacts c"
                                      " JOIN users u ON u.id = c.actor WHERE case_id = ? ORDER BY c.id", (case_id,))]
    return view


def export_cases(store: CaseStore, user: User, out: str | Path, **filters: Any) -> int:
    """Write the listed cases as a UTF-8 (BOM) CSV, atomically; masked and DV-hidden like the list. Audited."""
    views = list_cases(store, user, **filters)
    items = C.ITEMS
    extra_keys = sorted({k for v in views for k in v.extras})
    header = ["案件番号", "実行", C.ROW, C.MY_NUMBER, C.VERDICT, C.REASONS, C.PRIORITY, "状態", "DV等支援対象",
              *(f"{i}_{side}" for i in items for side in ("業務", "住基")), *extra_keys]
    with atomic_path(out) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for v in views:
            w.writerow([v.id, v.run_id, v.row_no, v.number, v.verdict, v.reasons, v.priority, v.state,
                        "対象" if v.dv else "",
                        *(v.items.get(i, {}).get(side) for i in items for side in ("業務", "住基")),
                        *(v.extras.get(k) for k in extra_keys)])
    audit.record(store, user.name, "出力", details={"cases": len(views),
                                                  "filters": {k: v for k, v in filters.items() if v is not None}})
    return len(views)


def reveal_number(store: CaseStore, user: User, case_id: int) -> str:
    """The full 個人番号 of one case, for keying it into the 中間サーバ; every call is an audit entry."""
    require_role(user, ALL_ROLES, "番号表示 / reveal")
    rows = store.query("SELECT my_number FROM cases WHERE id = ?", (case_id,))
    if not rows:
        raise UsageError(f"案件 {case_id} はありません", f"no case {case_id}")
    audit.record(store, user.name, "番号表示", case_id=case_id)
    return rows[0][0]
