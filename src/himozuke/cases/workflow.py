"""The follow-up of a case as an explicit state machine: the table :data:`TRANSITIONS` is the whole rule.

Why a table: every step an officer takes on a B / C / E case is prescribed by 「総点検マニュアル」第2.1版 §7(6) B)・C),
§7(7) and §9(2); one row per allowed (state, action) with its role, fields and citation is reviewable line by line,
and :func:`act` refuses anything not in it (naming the state and what is allowed there).

Four-eyes: a resolution (the step reaching 修正済 / 紐付け削除 / 照会中) is only *proposed* by its author
(state 承認待ち) and takes effect when a different 確認者 or 管理者 approves it; with the store setting
``final_approval`` on, a 上長 must approve last. The author can never approve their own proposal.

DV・虐待等被害者 (§7(6) ※): a 郵送 contact attempt on a DV-flagged case is refused — a letter to the registered
address can reveal the victim's refuge to the abuser.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from himozuke.cases import audit
from himozuke.cases.users import Role, User, require_role
from himozuke.errors import HimozukeError, UsageError

if TYPE_CHECKING:
    from himozuke.cases.store import CaseStore


class State(StrEnum):
    NEW = "未着手"
    SUPPRESSED = "自動応答不可設定済"
    CONTACTING = "本人確認中"
    CONFIRMED = "確認結果記録済"
    PROPOSED = "承認待ち"
    FINAL_PENDING = "上長承認待ち"
    CORRECTED = "修正済"
    UNLINKED = "紐付け削除"
    INQUIRING = "照会中（総務省・J-LIS）"
    RELEASED = "自動応答不可設定解除済"
    DONE = "完了"


class Action(StrEnum):
    SUPPRESS = "自動応答不可設定"
    CONTACT = "連絡記録"
    RESULT = "確認結果"
    PROPOSE = "対応提案"
    INQUIRY_ANSWER = "照会回答"
    APPROVE = "承認"
    FINAL_APPROVE = "上長承認"
    SEND_BACK = "差戻し"
    RELEASE = "自動応答不可設定解除"
    CLOSE = "完了"
    #: A re-check (``check --baseline``) found the record 判定 A: the officer proposes to end the case (four-eyes).
    PROPOSE_CLOSE = "再点検一致による終了提案"


#: The event a re-check records on an open case whose record is now A (no state change; :func:`mark_recheck_a`).
RECHECK_A = "再点検で一致（A）"
#: States a re-check's A can end a case from, and where the approved proposal leads: with 自動応答不可設定 in
#: place the case is 修正済 (the data were corrected) and the setting must still be released before 完了.
RECHECK_CLOSE_TARGET: dict[State, State] = {
    State.NEW: State.DONE,
    State.SUPPRESSED: State.CORRECTED,
    State.CONTACTING: State.CORRECTED,
    State.CONFIRMED: State.CORRECTED,
}


WORKERS = frozenset({Role.WORKER, Role.CHECKER, Role.ADMIN})
APPROVERS = frozenset({Role.CHECKER, Role.ADMIN})
SUPERIORS = frozenset({Role.SUPERIOR})
#: ``next`` of a row whose target comes from the pending proposal rather than from the table.
BY_PROPOSAL = "提案による"
BACK_TO_ORIGIN = "提案前の状態"


@dataclass(frozen=True)
class Transition:
    state: State
    action: Action
    next: State | str
    roles: frozenset[Role]
    required: tuple[str, ...]
    cite: str
    optional: tuple[str, ...] = ("備考",)
    guards: tuple[str, ...] = ()


T = Transition
#: Every allowed step. A step not here is refused.
TRANSITIONS: tuple[Transition, ...] = (
    T(State.NEW, Action.SUPPRESS, State.SUPPRESSED, WORKERS, ("範囲",),
      "§7(6) B)・C)「中間サーバにおいて自動応答不可設定を行う」・自動応答不可設定についての留意点"),
    T(State.SUPPRESSED, Action.CONTACT, State.CONTACTING, WORKERS, ("方法", "日付", "結果"),
      "§7(6) B)・C) ※「電話・郵送・訪問等の確認」, §7(7)③", guards=("dv_no_post",)),
    T(State.CONTACTING, Action.CONTACT, State.CONTACTING, WORKERS, ("方法", "日付", "結果"),
      "§7(7)「郵送の返答がなく…12月以降も作業が継続」: several attempts", guards=("dv_no_post",)),
    T(State.SUPPRESSED, Action.RESULT, State.CONFIRMED, WORKERS, ("確認結果",),
      "§7(6) B)・C)「本人確認書類に記載の情報を確認」", optional=("閲覧", "情報連携", "備考"),
      guards=("result_facts", "no_unconfirmable_without_contact")),
    T(State.CONTACTING, Action.RESULT, State.CONFIRMED, WORKERS, ("確認結果",),
      "§7(6) B)・C)「不明な場合は、本人等に確認」, §7(7)「確認不能と判断されたもの」",
      optional=("閲覧", "情報連携", "備考"), guards=("result_facts",)),
    T(State.CONFIRMED, Action.PROPOSE, State.PROPOSED, WORKERS, ("分岐",),
      "§9(2) ①–⑦ 紐付け誤りが確認された際の対応", guards=("branch_fits_result",)),
    T(State.INQUIRING, Action.INQUIRY_ANSWER, State.PROPOSED, WORKERS, ("対応",),
      "§9(2) ⑥⑦「制度所管省庁より総務省・J-LISに確認」の回答"),
    T(State.PROPOSED, Action.APPROVE, BY_PROPOSAL, APPROVERS, (),
      "§12 安全管理措置 (four-eyes)", guards=("not_author",)),
    T(State.FINAL_PENDING, Action.FINAL_APPROVE, BY_PROPOSAL, SUPERIORS, (),
      "§12 安全管理措置 (上長 final approval)", guards=("not_author",)),
    T(State.PROPOSED, Action.SEND_BACK, BACK_TO_ORIGIN, APPROVERS, (), "§12 安全管理措置 (four-eyes)",
      optional=("理由",)),
    T(State.FINAL_PENDING, Action.SEND_BACK, BACK_TO_ORIGIN, SUPERIORS, (), "§12 安全管理措置 (上長)",
      optional=("理由",)),
    T(State.CORRECTED, Action.RELEASE, State.RELEASED, WORKERS, (),
      "§7(6) B)・C)「自動応答不可設定の解除」, §9(2)④⑤「自動応答不可設定を解除する」"),
    T(State.UNLINKED, Action.RELEASE, State.RELEASED, WORKERS, (),
      "§7(6) B)・C)「削除、再登録、自動応答不可設定の解除」"),
    T(State.RELEASED, Action.CLOSE, State.DONE, WORKERS, (), "§7(7)③ 確認作業の完了"),
    *(T(state, Action.PROPOSE_CLOSE, State.PROPOSED, WORKERS, (),
        "§7(6) A)「確認不要」: 再点検（「マイナンバー情報総点検について」§3 定期的な確認）で一致; §12 (four-eyes)",
        guards=("recheck_a",)) for state in RECHECK_CLOSE_TARGET),
)
_TABLE: dict[tuple[State, Action], Transition] = {(t.state, t.action): t for t in TRANSITIONS}

#: 自動応答不可設定の単位 and its blast radius (§7(6)「自動応答不可設定についての留意点」).
SCOPES: dict[str, tuple[str, str]] = {
    "①": ("特定個人情報単位",
          "団体内の該当の特定個人情報が自動応答不可となる。マイナポータルでは該当の特定個人情報が「該当情報なし」となる。"),
    "②": ("データセット単位",
          "団体内の該当のデータセットが自動応答不可となる。注意: マイナポータルでは他のデータセットも含めて"
          "「該当情報なし」となる（例: 療育手帳を設定すると身体障害者手帳・精神障害者保健福祉手帳も表示されない）。"
          "①と②は同じ状態となる。"),
    "③": ("団体内統合宛名番号単位（個人単位）",
          "当該者に係る団体内の全ての情報（予防接種や手帳情報、税情報等）が自動応答不可となり、"
          "マイナポータル上の全ての自己情報表示で「該当情報なし」となる。"),
}

#: 確認結果 → whether it is a 紐付け誤り (needs 閲覧 / 情報連携 facts) and the §9(2) branches that fit it.
RESULTS: dict[str, tuple[bool, tuple[str, ...]]] = {
    "本人のもの": (False, ("⑤", "⑦")),            # the number is right; 4情報 to fix (⑤) or 住基 differs (⑦)
    "別人のもの": (True, ("②", "③", "④", "⑤", "⑥")),  # a wrong link: remove or correct the number
    "確認不能": (True, ("①",)),                    # §7(7): cannot confirm → unlink (§9(2)①)
}
#: §9(2) branch → where its resolution leads.
BRANCH_OUTCOME: dict[str, State] = {
    "①": State.UNLINKED,   # 書類が得られない: 閲覧・情報連携を確認の上、中間サーバ情報とマイナンバーを削除
    "②": State.UNLINKED,   # 書類と申請書等の4情報が不一致: 削除
    "③": State.CORRECTED,  # 申請書等のマイナンバーを修正
    "④": State.CORRECTED,  # 業務システムのマイナンバーを修正、中間サーバ削除・再登録
    "⑤": State.CORRECTED,  # 業務システムのマイナンバー / 基本4情報を修正
    "⑥": State.INQUIRING,  # 修正後も住基と不一致: 総務省・J-LISに確認
    "⑦": State.INQUIRING,  # 申請書等と業務は一致、住基と不一致: 総務省・J-LISに確認
}
BRANCH_TEXT: dict[str, str] = {
    "①": "本人からマイナンバー確認書類が得られない → 中間サーバ情報・マイナンバーを削除",
    "②": "確認書類と申請書等の基本4情報が不一致 → 中間サーバ情報・マイナンバーを削除",
    "③": "確認書類と申請書等のマイナンバーが不一致 → 申請書等のマイナンバーを修正",
    "④": "業務システムのマイナンバーを修正し住基ネット照会で一致 → 中間サーバ削除・再登録",
    "⑤": "業務システムのマイナンバー・基本4情報を修正",
    "⑥": "修正後のマイナンバーで住基ネットと不一致 → 総務省・J-LISに確認",
    "⑦": "申請書等と業務システムは一致、住基ネットと不一致 → 総務省・J-LISに確認",
}
_NUMERAL = dict(zip("1234567", "①②③④⑤⑥⑦", strict=True))

#: Choices of the enum-valued fields (their values are no personal data and go into the audit trail).
CHOICES: dict[str, tuple[str, ...]] = {
    "範囲": tuple(SCOPES),
    "方法": ("電話", "郵送", "訪問"),
    "結果": ("確認できた", "応答なし", "不在", "宛所不明", "拒否", "その他"),
    "確認結果": tuple(RESULTS),
    "閲覧": ("有", "無"),
    "情報連携": ("有", "無"),
    "分岐": tuple(BRANCH_OUTCOME),
    "対応": (State.CORRECTED.value, State.UNLINKED.value),
}
#: Free-text fields: stored with the case (encrypted), never copied into the audit trail.
FREE_TEXT = ("備考", "理由")


@dataclass
class Outcome:
    """What :func:`act` did: the new state and anything the officer must be told (e.g. the blast radius)."""

    case_id: int
    action: str
    from_state: str
    to_state: str
    notes: list[str] = field(default_factory=list)


def allowed(state: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.state == state]


def _normalise(name: str, value: Any) -> str:
    text = str(value).strip()
    if name in ("範囲", "分岐"):
        text = _NUMERAL.get(text[:1], text[:1]) if text else text
    if name == "日付":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise UsageError(f"日付「{text}」は YYYY-MM-DD で指定してください",
                             f"日付 must be YYYY-MM-DD (got {text!r})") from None
    if name in CHOICES and text not in CHOICES[name]:
        raise UsageError(f"{name}「{text}」は指定できません（{'・'.join(CHOICES[name])}）",
                         f"{name} must be one of {', '.join(CHOICES[name])}")
    return text


# ---- guards: named checks a table row refers to ----------------------------------------------------------------

def _dv_no_post(case: Mapping, fields: dict, user: User, proposal: Mapping | None, store: CaseStore) -> None:
    if case["dv"] and fields.get("方法") == "郵送":
        raise HimozukeError("DV等支援対象者への郵送による確認はできません（§7(6)※: 直接本人に確認してください）",
                            "no postal contact for a DV-flagged case (manual §7(6) ※): confirm with the person directly")


def _result_facts(case: Mapping, fields: dict, user: User, proposal: Mapping | None, store: CaseStore) -> None:
    wrong, _ = RESULTS[fields["確認結果"]]
    missing = [k for k in ("閲覧", "情報連携") if wrong and k not in fields]
    if missing:
        raise UsageError(f"紐付け誤り（{fields['確認結果']}）には {'・'.join(missing)} の有無が必要です（§9(2)）",
                         f"a wrong link needs {', '.join(missing)} (有/無) recorded (manual §9(2))")
    if not wrong and any(k in fields for k in ("閲覧", "情報連携")):
        raise UsageError("本人のものには閲覧・情報連携を記録しません", "閲覧/情報連携 is recorded for wrong links only")


def _no_unconfirmable_without_contact(case: Mapping, fields: dict, user: User, proposal: Mapping | None,
                                      store: CaseStore) -> None:
    if fields["確認結果"] == "確認不能":
        raise HimozukeError("確認不能は本人への確認（連絡記録）の後でのみ記録できます（§7(7)）",
                            "確認不能 needs at least one contact attempt first (manual §7(7))")


def _branch_fits_result(case: Mapping, fields: dict, user: User, proposal: Mapping | None, store: CaseStore) -> None:
    fits = RESULTS[case["result"]][1]
    if fields["分岐"] not in fits:
        raise HimozukeError(f"確認結果「{case['result']}」に分岐{fields['分岐']}は当てはまりません（可: {'・'.join(fits)}）",
                            f"branch {fields['分岐']} does not fit result {case['result']} (allowed: {', '.join(fits)})")


def _not_author(case: Mapping, fields: dict, user: User, proposal: Mapping | None, store: CaseStore) -> None:
    if proposal is not None and user.id in (proposal["author"], proposal["approved_by"]):
        raise HimozukeError("自分が提案（または承認）した対応は承認できません（別の確認者が必要です）",
                            "you cannot approve a resolution you proposed or already approved: another user must")


def _recheck_a(case: Mapping, fields: dict, user: User, proposal: Mapping | None, store: CaseStore) -> None:
    if not case["recheck_a_at"]:
        raise HimozukeError("再点検で一致（A）となっていない案件は、この操作で終了できません",
                            "only a case a re-check found to be A can be ended this way")


GUARDS: dict[str, Callable[..., None]] = {
    "recheck_a": _recheck_a,
    "dv_no_post": _dv_no_post,
    "result_facts": _result_facts,
    "no_unconfirmable_without_contact": _no_unconfirmable_without_contact,
    "branch_fits_result": _branch_fits_result,
    "not_author": _not_author,
}


# ---- the one entry point --------------------------------------------------------------------------------------

_CASE_COLS = ("id", "state", "dv", "result", "started_at", "recheck_a_at")


def act(store: CaseStore, user: User, case_id: int, action: str, **fields: Any) -> Outcome:
    """Take ``action`` on a case as ``user``; refuse anything :data:`TRANSITIONS` does not allow.

    One transaction: the case row, its event, any contact / proposal row and the audit entry commit together.
    """
    if not isinstance(user, User):
        raise UsageError("ログインした利用者が必要です", "an authenticated user is required")
    with store.tx() as db:
        row = db.execute(f"SELECT {', '.join(_CASE_COLS)} FROM cases WHERE id = ?", (case_id,)).fetchone()
        if row is None:
            raise UsageError(f"案件 {case_id} はありません", f"no case {case_id}")
        case = dict(zip(_CASE_COLS, row, strict=True))
        state = State(case["state"])
        rule = _TABLE.get((state, action)) if action in Action.__members__.values() else None
        if rule is None:
            names = "・".join(t.action for t in allowed(state)) or "なし"
            raise HimozukeError(f"状態「{state}」では「{action}」はできません（可能な操作: {names}）",
                                f"action {action!r} is not allowed in state {state} (allowed: {names})")
        require_role(user, rule.roles, rule.action)
        unknown = [k for k in fields if k not in (*rule.required, *rule.optional)]
        if unknown:
            raise UsageError(f"「{rule.action}」に指定できない項目: {'、'.join(unknown)}",
                             f"fields not taken by {rule.action}: {', '.join(unknown)}")
        missing = [k for k in rule.required if fields.get(k) in (None, "")]
        if missing:
            raise UsageError(f"「{rule.action}」には {'、'.join(missing)} が必要です",
                             f"{rule.action} needs: {', '.join(missing)}")
        values = {k: (str(v) if k in FREE_TEXT else _normalise(k, v)) for k, v in fields.items()}
        proposal = _open_proposal(db, case_id)
        for g in rule.guards:
            GUARDS[g](case, values, user, proposal, store)
        now = store.now()
        outcome = Outcome(case_id, rule.action, state, "")
        to = _apply(store, db, rule, case, values, user, proposal, now, outcome)
        outcome.to_state = to
        db.execute("UPDATE cases SET state = ?, updated_at = ?, started_at = coalesce(started_at, ?) WHERE id = ?",
                   (to, now, now, case_id))
        db.execute("INSERT INTO events (case_id, at, actor, action, from_state, to_state, fields)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (case_id, now, user.id, rule.action, state, to, json.dumps(values, ensure_ascii=False)))
        audit.append(store, user.name, rule.action, case_id=case_id,
                     details={"from": str(state), "to": str(to),
                              "fields": {k: v for k, v in values.items() if k not in FREE_TEXT}})
    return outcome


def _open_proposal(db: Any, case_id: int) -> dict | None:
    row = db.execute("SELECT id, origin_state, target_state, branch, author, approved_by FROM proposals"
                     " WHERE case_id = ? AND status IN ('提案中', '上長承認待ち')", (case_id,)).fetchone()
    keys = ("id", "origin_state", "target_state", "branch", "author", "approved_by")
    return dict(zip(keys, row, strict=True)) if row else None


def _apply(store: CaseStore, db: Any, rule: Transition, case: dict, values: dict, user: User,
           proposal: dict | None, now: str, outcome: Outcome) -> State:
    """The side effects of one step; returns the state it leads to."""
    cid = case["id"]
    if rule.action is Action.SUPPRESS:
        db.execute("UPDATE cases SET scope = ? WHERE id = ?", (values["範囲"], cid))
        label, effect = SCOPES[values["範囲"]]
        outcome.notes.append(f"{values['範囲']}{label}: {effect}")
    elif rule.action is Action.CONTACT:
        db.execute("INSERT INTO contacts (case_id, at, actor, method, contact_date, outcome, note)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (cid, now, user.id, values["方法"], values["日付"], values["結果"], values.get("備考")))
    elif rule.action is Action.RESULT:
        fits = RESULTS[values["確認結果"]][1]
        db.execute("UPDATE cases SET result = ?, viewed = ?, exchanged = ?, result_at = ?,"
                   " wrong_at = CASE WHEN ? = '別人のもの' THEN ? END WHERE id = ?",
                   (values["確認結果"], values.get("閲覧"), values.get("情報連携"), now, values["確認結果"], now, cid))
        outcome.notes.append("§9(2) の分岐: " + " / ".join(f"{b} {BRANCH_TEXT[b]}" for b in fits))
    elif rule.action in (Action.PROPOSE, Action.INQUIRY_ANSWER, Action.PROPOSE_CLOSE):
        target = (BRANCH_OUTCOME[values["分岐"]] if rule.action is Action.PROPOSE
                  else RECHECK_CLOSE_TARGET[State(case["state"])] if rule.action is Action.PROPOSE_CLOSE
                  else State(values["対応"]))
        branch = values.get("分岐")
        db.execute("INSERT INTO proposals (case_id, origin_state, target_state, branch, author, proposed_at, status)"
                   " VALUES (?, ?, ?, ?, ?, ?, '提案中')", (cid, case["state"], target, branch, user.id, now))
        outcome.notes.append(f"提案: {target}（別の確認者の承認で確定します）")
    elif rule.action is Action.APPROVE:
        if store.setting("final_approval") == "on":
            db.execute("UPDATE proposals SET approved_by = ?, approved_at = ?, status = '上長承認待ち' WHERE id = ?",
                       (user.id, now, proposal["id"]))
            return State.FINAL_PENDING
        db.execute("UPDATE proposals SET approved_by = ?, approved_at = ?, status = '適用' WHERE id = ?",
                   (user.id, now, proposal["id"]))
        return _take_effect(db, case, proposal, now)
    elif rule.action is Action.FINAL_APPROVE:
        db.execute("UPDATE proposals SET final_by = ?, final_at = ?, status = '適用' WHERE id = ?",
                   (user.id, now, proposal["id"]))
        return _take_effect(db, case, proposal, now)
    elif rule.action is Action.SEND_BACK:
        db.execute("UPDATE proposals SET status = '差戻し' WHERE id = ?", (proposal["id"],))
        return State(proposal["origin_state"])
    assert isinstance(rule.next, State)
    return rule.next


def _take_effect(db: Any, case: dict, proposal: dict, now: str) -> State:
    """An approved resolution applies: its branch is recorded; removing a wrong link counts as resolved (§7(8))."""
    target = State(proposal["target_state"])
    if proposal["branch"]:
        db.execute("UPDATE cases SET branch = ? WHERE id = ?", (proposal["branch"], case["id"]))
    if target in (State.CORRECTED, State.UNLINKED):
        # 確認不能 becomes a 紐付け誤り when it is unlinked (§7(7)); 本人のもの is never one.
        db.execute("UPDATE cases SET resolved_at = CASE WHEN result != '本人のもの' THEN ? END,"
                   " wrong_at = coalesce(wrong_at, CASE WHEN result = '確認不能' THEN ? END) WHERE id = ?",
                   (now, now, case["id"]))
    return target


def set_final_approval(store: CaseStore, user: User, on: bool) -> None:
    """Require (or stop requiring) a final 上長 approval after the 確認者's. 管理者 only; audited."""
    require_role(user, (Role.ADMIN,), "設定変更 / settings")
    with store.tx() as db:
        db.execute("INSERT INTO settings (key, value) VALUES ('final_approval', ?)"
                   " ON CONFLICT(key) DO UPDATE SET value = excluded.value", ("on" if on else "off",))
        audit.append(store, user.name, "設定変更", details={"final_approval": on})


def approve(store: CaseStore, user: User, case_id: int) -> Outcome:
    """Approve the pending resolution of a case: 承認 (確認者 / 管理者) or, when pending, 上長承認."""
    row = store.query("SELECT state FROM cases WHERE id = ?", (case_id,))
    final = bool(row) and row[0][0] == State.FINAL_PENDING
    return act(store, user, case_id, Action.FINAL_APPROVE if final else Action.APPROVE)


def mark_recheck_a(store: CaseStore, actor: User | str, body_code: str, jimu: str, numbers: list[str]) -> list[int]:
    """Mark every open case of ``body_code`` / ``jimu`` whose 個人番号 is in ``numbers`` (rows a re-check found
    判定 A, 解消) for the officer to end under four-eyes (:data:`Action.PROPOSE_CLOSE`). The state is left as it
    is — nothing ends without an officer and an approver; one event and one audit entry per case (no number in
    the audit). Returns the marked case ids."""
    if not numbers:
        return []
    name = actor.name if isinstance(actor, User) else str(actor)
    actor_id = actor.id if isinstance(actor, User) else None
    marks = ",".join("?" * len(numbers))
    with store.tx() as db:
        rows = db.execute(
            "SELECT c.id, c.state FROM cases c JOIN runs r ON r.id = c.run_id WHERE r.body_code = ? AND r.jimu = ?"
            f" AND r.purged_at IS NULL AND c.recheck_a_at IS NULL AND c.state != ? AND c.my_number IN ({marks})",
            (body_code, jimu, State.DONE.value, *numbers)).fetchall()
        now = store.now()
        for case_id, state in rows:
            db.execute("UPDATE cases SET recheck_a_at = ?, updated_at = ? WHERE id = ?", (now, now, case_id))
            db.execute("INSERT INTO events (case_id, at, actor, action, from_state, to_state, fields)"
                       " VALUES (?, ?, ?, ?, ?, ?, '{}')", (case_id, now, actor_id, RECHECK_A, state, state))
            audit.append(store, name, RECHECK_A, case_id=case_id, details={"state": state, "判定": "A"})
    return [r[0] for r in rows]
