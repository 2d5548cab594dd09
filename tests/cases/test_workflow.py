"""The state machine: every row of the transition table is taken once, one refused action per state, four-eyes."""

from __future__ import annotations

import pytest

from himozuke.cases import workflow as W
from himozuke.cases.workflow import Action, State, act
from himozuke.errors import HimozukeError

CONTACT = {"方法": "電話", "日付": "2023-11-01", "結果": "応答なし"}
WRONG = {"確認結果": "別人のもの", "閲覧": "無", "情報連携": "有"}

#: Steps (actor, action, fields) that bring case 1 into each state.
PATHS: dict[State, list[tuple[str, Action, dict]]] = {
    State.NEW: [],
    State.SUPPRESSED: [("tanaka", Action.SUPPRESS, {"範囲": "①"})],
}
PATHS[State.CONTACTING] = [*PATHS[State.SUPPRESSED], ("tanaka", Action.CONTACT, CONTACT)]
PATHS[State.CONFIRMED] = [*PATHS[State.CONTACTING], ("tanaka", Action.RESULT, WRONG)]
PATHS[State.PROPOSED] = [*PATHS[State.CONFIRMED], ("tanaka", Action.PROPOSE, {"分岐": "④"})]
PATHS[State.CORRECTED] = [*PATHS[State.PROPOSED], ("suzuki", Action.APPROVE, {})]
PATHS[State.INQUIRING] = [*PATHS[State.CONFIRMED], ("tanaka", Action.PROPOSE, {"分岐": "⑥"}),
                          ("suzuki", Action.APPROVE, {})]
PATHS[State.UNLINKED] = [*PATHS[State.CONTACTING], ("tanaka", Action.RESULT, {**WRONG, "確認結果": "確認不能"}),
                         ("tanaka", Action.PROPOSE, {"分岐": "①"}), ("suzuki", Action.APPROVE, {})]
PATHS[State.RELEASED] = [*PATHS[State.CORRECTED], ("tanaka", Action.RELEASE, {})]
PATHS[State.DONE] = [*PATHS[State.RELEASED], ("tanaka", Action.CLOSE, {})]
PATHS[State.FINAL_PENDING] = [("admin", "final_approval", {}), *PATHS[State.PROPOSED], ("suzuki", Action.APPROVE, {})]


def walk(store, people, steps, case_id=1):
    for who, action, fields in steps:
        if action == "final_approval":
            W.set_final_approval(store, people[who], True)
        else:
            act(store, people[who], case_id, action, **fields)


#: One test per row of TRANSITIONS: (from state, action, actor, fields, expected state).
STEP_CASES = [
    (State.NEW, Action.SUPPRESS, "tanaka", {"範囲": "②"}, State.SUPPRESSED),
    (State.SUPPRESSED, Action.CONTACT, "tanaka", CONTACT, State.CONTACTING),
    (State.CONTACTING, Action.CONTACT, "tanaka", {**CONTACT, "方法": "郵送"}, State.CONTACTING),
    (State.SUPPRESSED, Action.RESULT, "tanaka", {"確認結果": "本人のもの"}, State.CONFIRMED),
    (State.CONTACTING, Action.RESULT, "tanaka", {**WRONG, "確認結果": "確認不能"}, State.CONFIRMED),
    (State.CONFIRMED, Action.PROPOSE, "tanaka", {"分岐": "②"}, State.PROPOSED),
    (State.INQUIRING, Action.INQUIRY_ANSWER, "tanaka", {"対応": "修正済"}, State.PROPOSED),
    (State.PROPOSED, Action.APPROVE, "suzuki", {}, State.CORRECTED),
    (State.FINAL_PENDING, Action.FINAL_APPROVE, "boss", {}, State.CORRECTED),
    (State.PROPOSED, Action.SEND_BACK, "suzuki", {"理由": "書類不足"}, State.CONFIRMED),
    (State.FINAL_PENDING, Action.SEND_BACK, "boss", {}, State.CONFIRMED),
    (State.CORRECTED, Action.RELEASE, "tanaka", {}, State.RELEASED),
    (State.UNLINKED, Action.RELEASE, "tanaka", {}, State.RELEASED),
    (State.RELEASED, Action.CLOSE, "tanaka", {}, State.DONE),
    # a re-check found the record A (check --baseline marks the case first: test_recheck_a_* below)
    *((s, Action.PROPOSE_CLOSE, "tanaka", {}, State.PROPOSED) for s in W.RECHECK_CLOSE_TARGET),
]


def test_every_table_row_is_tested():
    assert {(s, a) for s, a, *_ in STEP_CASES} == {(t.state, t.action) for t in W.TRANSITIONS}


def test_every_row_cites_the_manual():
    assert all(t.cite.startswith("§") for t in W.TRANSITIONS)


@pytest.mark.parametrize(("state", "action", "who", "fields", "expected"), STEP_CASES,
                         ids=[f"{s}-{a}" for s, a, *_ in STEP_CASES])
def test_allowed_transition(store, people, loaded, state, action, who, fields, expected):
    walk(store, people, PATHS[state])
    assert store.query("SELECT state FROM cases WHERE id = 1")[0][0] == state
    if action is Action.PROPOSE_CLOSE:
        _mark_case_1(store)
    out = act(store, people[who], 1, action, **fields)
    assert (out.from_state, out.to_state) == (state, expected)
    assert store.query("SELECT state FROM cases WHERE id = 1")[0][0] == expected
    at, actor = store.query("SELECT e.at, u.name FROM events e JOIN users u ON u.id = e.actor"
                            " WHERE case_id = 1 ORDER BY e.id DESC LIMIT 1")[0]
    assert actor == who and at  # who and when of every transition


#: One action per state that the table does not allow there.
REFUSED = {
    State.NEW: (Action.CONTACT, CONTACT),
    State.SUPPRESSED: (Action.PROPOSE, {"分岐": "①"}),
    State.CONTACTING: (Action.SUPPRESS, {"範囲": "①"}),
    State.CONFIRMED: (Action.APPROVE, {}),
    State.PROPOSED: (Action.RELEASE, {}),
    State.FINAL_PENDING: (Action.CLOSE, {}),
    State.CORRECTED: (Action.CLOSE, {}),
    State.UNLINKED: (Action.PROPOSE, {"分岐": "①"}),
    State.INQUIRING: (Action.RELEASE, {}),
    State.RELEASED: (Action.RESULT, {"確認結果": "本人のもの"}),
    State.DONE: (Action.SUPPRESS, {"範囲": "①"}),
}


def test_refusals_cover_every_state():
    assert set(REFUSED) == set(State)


@pytest.mark.parametrize("state", list(State), ids=[str(s) for s in State])
def test_refused_transition_names_state_and_allowed(store, people, loaded, state):
    walk(store, people, PATHS[state])
    action, fields = REFUSED[state]
    with pytest.raises(HimozukeError) as e:
        act(store, people["admin"], 1, action, **fields)
    assert f"状態「{state}」" in e.value.ja
    for t in W.allowed(state):
        assert t.action in e.value.ja
    assert store.query("SELECT state FROM cases WHERE id = 1")[0][0] == state


def test_unknown_action_is_refused(store, people, loaded):
    with pytest.raises(HimozukeError, match="可能な操作: 自動応答不可設定"):
        act(store, people["tanaka"], 1, "なんとなく")


def test_suppression_reports_its_blast_radius(store, people, loaded):
    out = act(store, people["tanaka"], 1, Action.SUPPRESS, 範囲="②")
    assert "他のデータセットも含めて" in out.notes[0]
    out = act(store, people["tanaka"], 2, Action.SUPPRESS, 範囲="3")  # "3" is read as ③
    assert "全ての情報" in out.notes[0]
    assert store.query("SELECT scope FROM cases WHERE id IN (1, 2) ORDER BY id") == [("②",), ("③",)]


def test_wrong_link_needs_viewed_and_exchanged(store, people, loaded):
    walk(store, people, PATHS[State.CONTACTING])
    with pytest.raises(HimozukeError, match="閲覧・情報連携"):
        act(store, people["tanaka"], 1, Action.RESULT, 確認結果="別人のもの")


def test_unconfirmable_needs_a_contact_attempt(store, people, loaded):
    walk(store, people, PATHS[State.SUPPRESSED])
    with pytest.raises(HimozukeError, match="§7\\(7\\)"):
        act(store, people["tanaka"], 1, Action.RESULT, 確認結果="確認不能", 閲覧="無", 情報連携="無")


@pytest.mark.parametrize(("result", "branch"), [("確認不能", "④"), ("本人のもの", "①"), ("別人のもの", "⑦")])
def test_branch_must_fit_result(store, people, loaded, result, branch):
    walk(store, people, PATHS[State.CONTACTING])
    facts = {} if result == "本人のもの" else {"閲覧": "無", "情報連携": "無"}
    act(store, people["tanaka"], 1, Action.RESULT, 確認結果=result, **facts)
    with pytest.raises(HimozukeError, match="当てはまりません"):
        act(store, people["tanaka"], 1, Action.PROPOSE, 分岐=branch)


def test_missing_and_unknown_fields(store, people, loaded):
    with pytest.raises(HimozukeError, match="範囲 が必要"):
        act(store, people["tanaka"], 1, Action.SUPPRESS)
    with pytest.raises(HimozukeError, match="指定できない項目: 氏名"):
        act(store, people["tanaka"], 1, Action.SUPPRESS, 範囲="①", 氏名="x")
    with pytest.raises(HimozukeError, match="範囲「④」"):
        act(store, people["tanaka"], 1, Action.SUPPRESS, 範囲="④")


def test_branch_is_recorded_when_approved(store, people, loaded):
    walk(store, people, PATHS[State.CORRECTED])
    assert store.query("SELECT branch, result, viewed, exchanged FROM cases WHERE id = 1") == [("④", "別人のもの",
                                                                                                 "無", "有")]


# ---- four-eyes -------------------------------------------------------------------------------------------------

def test_author_cannot_approve_own_resolution(store, people, loaded):
    steps = [(("suzuki" if who == "tanaka" else who), a, f) for who, a, f in PATHS[State.PROPOSED]]
    walk(store, people, steps)  # a 確認者 proposed it
    with pytest.raises(HimozukeError, match="自分が提案"):
        act(store, people["suzuki"], 1, Action.APPROVE)
    assert W.approve(store, people["sato"], 1).to_state == State.CORRECTED


def test_worker_cannot_approve(store, people, loaded):
    walk(store, people, PATHS[State.PROPOSED])
    with pytest.raises(HimozukeError, match="担当者 は「承認」を行えません"):
        W.approve(store, people["tanaka"], 1)
    assert store.query("SELECT state, resolved_at FROM cases WHERE id = 1") == [(State.PROPOSED, None)]


def test_approval_by_checker_applies(store, people, loaded):
    walk(store, people, PATHS[State.PROPOSED])
    out = W.approve(store, people["suzuki"], 1)
    assert out.to_state == State.CORRECTED
    author, approver, status = store.query("SELECT author, approved_by, status FROM proposals")[0]
    assert (author, approver, status) == (people["tanaka"].id, people["suzuki"].id, "適用")
    assert store.query("SELECT resolved_at IS NOT NULL FROM cases WHERE id = 1") == [(1,)]


def test_final_superior_approval(store, people, loaded):
    walk(store, people, PATHS[State.FINAL_PENDING])
    with pytest.raises(HimozukeError, match="確認者 は「上長承認」を行えません"):
        act(store, people["sato"], 1, Action.FINAL_APPROVE)
    assert W.approve(store, people["boss"], 1).to_state == State.CORRECTED


def test_only_admin_changes_settings(store, people):
    with pytest.raises(HimozukeError, match="確認者"):
        W.set_final_approval(store, people["suzuki"], True)


def test_no_action_without_a_user(store, people, loaded):
    with pytest.raises(HimozukeError, match="ログインした利用者"):
        act(store, "tanaka", 1, Action.SUPPRESS, 範囲="①")


def _mark_case_1(store) -> list[int]:
    number, body, jimu = store.query("SELECT c.my_number, r.body_code, r.jimu FROM cases c JOIN runs r"
                                     " ON r.id = c.run_id WHERE c.id = 1")[0]
    return W.mark_recheck_a(store, "check --baseline", body, jimu, [number])


def test_recheck_a_needs_the_mark(store, people, loaded):
    with pytest.raises(HimozukeError, match="再点検で一致"):
        act(store, people["tanaka"], 1, Action.PROPOSE_CLOSE)


@pytest.mark.parametrize(("state", "ends_in"), [(State.NEW, State.DONE), (State.CONTACTING, State.CORRECTED)])
def test_recheck_a_ends_a_case_only_under_four_eyes(store, people, loaded, state, ends_in):
    """A case whose record a re-check found A: marked (event + audit, state unchanged), proposed by one officer,
    applied only when another approves — to 完了 when nothing was set at the intermediate server, else to 修正済
    (the 自動応答不可設定 must still be released)."""
    walk(store, people, PATHS[state])
    assert _mark_case_1(store) == [1]
    assert _mark_case_1(store) == []  # marked once
    assert store.query("SELECT state FROM cases WHERE id = 1")[0][0] == state
    assert store.query("SELECT action, details FROM audit ORDER BY seq DESC LIMIT 1")[0][0] == W.RECHECK_A
    act(store, people["suzuki"], 1, Action.PROPOSE_CLOSE)
    with pytest.raises(HimozukeError, match="自分が提案"):
        W.approve(store, people["suzuki"], 1)
    assert W.approve(store, people["admin"], 1).to_state == ends_in
