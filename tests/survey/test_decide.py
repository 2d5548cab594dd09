"""Who must check individual data (総点検マニュアル §3(1)) and the scope (§5(2)), against an independent reading.

デジタル庁「地方自治体におけるマイナンバーの紐付け誤りに関する総点検マニュアル」【第2.1版】.
"""

from __future__ import annotations

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from himozuke.survey import spec
from himozuke.survey.collect import Collection, Sheet, write_collection
from himozuke.survey.decide import (
    RULES,
    SUMMARY_COLUMNS,
    DecidedRow,
    Need,
    Outcome,
    Scope,
    decide,
    decide_collection,
    summary,
    write_decisions,
)
from himozuke.survey.demo import MISTAKES, answers, prefecture_collection, with_mistake
from himozuke.survey.validate import ERROR, validate

MUNI = {"組織区分": "市区町村", "1-1": "①", "2": "①", "10": "①"}


@pytest.mark.parametrize(("answers_", "need", "reason"), [
    pytest.param({"3": "①", "4": "③", "5": "①"}, Need.不要, "Q5①", id="§3(1)①確認書類とともに取得"),
    pytest.param({"3": "②", "7-1": "①", "7-2": "②"}, Need.不要, "Q7-1①・Q7-2②", id="§3(1)②4情報の全部で照会"),
    pytest.param({"3": "②", "7-1": "②", "7-2": "①", "8-1": "①", "8-2": "①"}, Need.不要, "Q8-1①・Q8-2①",
                 id="§3(1)③一部の情報だが妥当な方法で本人特定"),
    pytest.param({"3": "②", "7-1": "①", "7-2": "①", "8-1": "②"}, Need.要, "Q8-1②", id="担当者に事実上任されている"),
    pytest.param({"3": "②", "7-1": "①", "7-2": "①", "8-1": "③"}, Need.要, "Q8-1③",
                 id="慎重な解釈:複数該当なら紐付けないが単独該当は紐付け"),
    pytest.param({"3": "②", "7-2": "①", "8-1": "①", "8-2": "②"}, Need.要, "Q8-2②", id="特定できなかった者も紐付け"),
    pytest.param({"3": "②", "7-1": "②", "7-2": "②"}, Need.要, "Q7-1②・Q7-2②", id="4情報全部でも確認書類でもない"),
    pytest.param({"3": "①", "4": "②", "5": "①"}, Need.要, "Q4②", id="慎重な解釈:事業主等からの番号を未確認"),
    pytest.param({"3": "①", "4": "①", "5": "①", "10": "③"}, Need.要, "Q10③④", id="慎重な解釈:未報告の誤り未改善"),
    pytest.param({"3": "①", "4": "①", "5": "①", "10": "②"}, Need.不要, "Q5①", id="未報告の誤りは改善済み"),
])
def test_rules(answers_, need, reason):
    d = decide(MUNI | answers_)
    assert (d.need, d.reason) == (need, reason)


def test_incomplete_sheet_is_never_not_needed():
    assert decide(MUNI | {"3": "①", "5": "①"}, has_errors=True).need is Need.要


@pytest.mark.parametrize(("kubun", "q1", "scope", "cite"), [
    pytest.param("都道府県", {"1-2": "①"}, Scope.自動連携以外_都道府県, "総点検マニュアル §5(2)イa", id="§5(2)イa"),
    pytest.param("都道府県", {"1-2": "②"}, Scope.全員, "総点検マニュアル §5(2)イc", id="§5(2)イc"),
    pytest.param("中核市", {"1-1": "①"}, Scope.自動連携以外_市区町村, "総点検マニュアル §5(2)ロa", id="§5(2)ロa"),
    pytest.param("特別区", {"1-1": "②"}, Scope.全員, "総点検マニュアル §5(2)ロc", id="§5(2)ロc"),
    pytest.param("広域連合", {}, Scope.全員, "総点検マニュアル §5(2)ハ", id="§5(2)ハ広域連合"),
    pytest.param("一部事務組合", {"1-1": "①"}, Scope.全員, "総点検マニュアル §5(2)ハ", id="§5(2)ハ一部事務組合"),
    pytest.param("労働基準監督署", {}, Scope.全員, "総点検マニュアル §5(2)に定めなし", id="慎重な解釈:国の機関は全員"),
])
def test_scope(kubun, q1, scope, cite):
    d = decide({"組織区分": kubun, "3": "②", "7-2": "①", "8-1": "②"} | q1)
    assert d.scope is scope and d.scope_note.startswith(cite)


def test_rule_table_ends_with_catch_all():
    assert RULES[-1].need is Need.要 and RULES[-1].when({})


def _mark(row, q):
    return spec.choice_mark(row.get(q, ""))


def independent_reading(row, incomplete):
    """The manual read afresh: 障害者手帳 always in; §3(1) ①②③ exempt, everything else in (the manual's 点検要);
    an error, or Q4②, Q10③④, Q8-1③ on a sheet §3(1) would exempt, keep a body in as a class of its own."""
    manual_exempt = (_mark(row, "5") == "①"
                     or (_mark(row, "7-1") == "①" and _mark(row, "7-2") == "②")
                     or (_mark(row, "8-1") == "①" and _mark(row, "8-2") == "①")
                     or _mark(row, "8-1") == "③")  # the permissive reading of §3(1)③
    if "障害者手帳" in row.get("制度等", ""):
        outcome = "点検要"
    elif incomplete:
        outcome = "点検要（回答不備のため）"
    elif not manual_exempt:
        outcome = "点検要"
    elif _mark(row, "10") in ("③", "④") or _mark(row, "4") == "②" or _mark(row, "8-1") == "③":
        outcome = "点検要（慎重な解釈のため）"
    else:
        return "点検不要", "—"
    kubun = row["組織区分"]
    if kubun == "都道府県":
        return outcome, "自動連携されていない者" if _mark(row, "1-2") == "①" else "対象者全員"
    if kubun in ("指定都市", "中核市", "市区町村", "特別区"):
        return outcome, "自動連携されていない者（住登者・住登外者）" if _mark(row, "1-1") == "①" else "対象者全員"
    return outcome, "対象者全員"


def test_47_prefectures_against_independent_reading(tmp_path):
    v = spec.variant("zanryu")
    rows = prefecture_collection(v, per_prefecture=4, seed=1)
    mistakes = list(MISTAKES)
    rows = [with_mistake(r, mistakes[i % len(mistakes)]) if i % 7 == 0 else r for i, r in enumerate(rows)]
    sheets = [Sheet(f"{i:03d}.xlsx", v, r, validate(v, r)) for i, r in enumerate(rows)]
    table = write_collection(Collection(sheets, [], "【一覧表】"), tmp_path / "一覧表.xlsx")
    decided = decide_collection(table)
    assert len(decided) == 47 * 4
    got = [(d.decision.outcome.value, d.decision.scope.value) for d in decided]
    expected = [independent_reading(s.row, any(p.level == ERROR for p in s.problems)) for s in sheets]
    assert got == expected
    assert {n for n, _ in got} == {"点検要", "点検要（回答不備のため）", "点検要（慎重な解釈のため）", "点検不要"}
    [(seido, n, need, manual, incomplete, cautious, _, not_needed)] = summary(decided)
    assert (seido, n, need + not_needed, manual + incomplete + cautious) == (v.seido, 188, 188, need)
    out = write_decisions(decided, tmp_path / "判定.xlsx")
    assert openpyxl.load_workbook(out).sheetnames == ["判定", "集計"]


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 10**6), kubun=st.sampled_from(["都道府県", "指定都市", "市区町村", "一部事務組合"]))
def test_random_valid_sheets_agree_with_independent_reading(seed, kubun):
    v = spec.variant("yobou")
    row = answers(v, "14神奈川県" if kubun == "都道府県" else "14神奈川県相模原市", kubun, seed=seed)
    assert validate(v, row) == []
    d = decide(row)
    assert (d.outcome.value, d.scope.value) == independent_reading(row, False)


# Issue 23 §1 — 総点検マニュアル §3(1): 「障害者手帳については、紐付けの正確性が強く懸念される状況であったため、
# 全ての紐付け実施機関を個別データの点検の対象とした」. 制度等 is an input of the rule table.
EXEMPT_ANSWERS = {
    "Q5①": {"3": "①", "4": "③", "5": "①"},
    "Q7-1①・Q7-2②": {"3": "②", "7-1": "①", "7-2": "②"},
    "Q8-1①・Q8-2①": {"3": "②", "7-1": "②", "7-2": "①", "8-1": "①", "8-2": "①"},
}


@pytest.mark.parametrize("seido", [
    pytest.param("福祉・介護（障害者手帳）", id="§3(1)「障害者手帳については…全ての紐付け実施機関を個別データの点検の対象とした」"),
    pytest.param("障害者手帳", id="制度等を入力:障害者手帳"),
    pytest.param("身体障害者手帳", id="慎重な解釈:身体障害者手帳"),
    pytest.param("療育手帳", id="慎重な解釈:療育手帳"),
    pytest.param("精神障害者保健福祉手帳", id="慎重な解釈:精神障害者保健福祉手帳"),
])
@pytest.mark.parametrize("exempt", list(EXEMPT_ANSWERS))
def test_techo_is_always_checked(seido, exempt):
    row = MUNI | {"制度等": seido} | EXEMPT_ANSWERS[exempt]
    d = decide(row)
    assert (d.outcome, d.reason) == (Outcome.要, "障害者手帳")
    assert d.cite.startswith("総点検マニュアル §3(1)「障害者手帳については") and d.outcome.by_manual
    assert d.scope is Scope.自動連携以外_市区町村  # §5(2)ロa still gives the range
    assert decide(row | {"制度等": "福祉・介護（中国残留邦人支援）"}).outcome is Outcome.不要, "the same answers elsewhere"


def test_techo_rule_is_a_row_of_the_table():
    [rule] = [r for r in RULES if r.reason == "障害者手帳"]
    assert RULES.index(rule) == 0 and rule.when({"制度等": "福祉・介護（障害者手帳）"}) and not rule.when({"5": "①"})


# Issue 23 §2 — decisions beyond §3(1) keep 点検要 but carry a class of their own, so that a ministry can tell
# them from the manual's; a body the manual already keeps in stays the manual's.
@pytest.mark.parametrize(("answers_", "errors", "outcome", "reason", "also"), [
    pytest.param({"3": "①", "4": "③", "5": "①"}, True, Outcome.要_回答不備, "回答不備", (), id="回答不備:点検要（回答不備のため）"),
    pytest.param({"3": "①", "4": "①", "5": "①", "10": "④"}, False, Outcome.要_慎重, "Q10③④", (),
                 id="Q10④「事例はある。原因が特定されず、改善されていない」"),
    pytest.param({"3": "①", "4": "②", "5": "①"}, False, Outcome.要_慎重, "Q4②",
                 (), id="Q4②「確認していない（事業主等が…確認を求めていない場合も含む。）」"),
    pytest.param({"3": "②", "7-1": "①", "7-2": "①", "8-1": "③"}, False, Outcome.要_慎重, "Q8-1③", (),
                 id="Q8-1③「紐付けを行わない。（Q9へ）」"),
    pytest.param({"3": "①", "4": "②", "5": "①", "10": "③"}, False, Outcome.要_慎重, "Q10③④", ("Q4②",),
                 id="慎重な理由が二つ:一つ目が判定・二つ目はほかに該当"),
    pytest.param({"3": "②", "7-1": "①", "7-2": "①", "8-1": "②", "10": "③"}, False, Outcome.要, "Q8-1②", ("Q10③④",),
                 id="§3(1)③で既に点検要ならマニュアルによる"),
    pytest.param({"3": "②", "7-1": "②", "7-2": "②"}, True, Outcome.要_回答不備, "回答不備", (),
                 id="不備のある回答はマニュアルで判定しない"),
])
def test_beyond_manual_has_its_own_class(answers_, errors, outcome, reason, also):
    d = decide(MUNI | answers_, has_errors=errors)
    assert (d.outcome, d.need, d.reason, d.also) == (outcome, Need.要, reason, also)
    assert d.outcome.by_manual is (outcome is Outcome.要)


def test_every_rule_class_and_cite():
    for r in RULES:
        assert r.text
        if r.outcome.by_manual:
            assert r.cite.startswith("総点検マニュアル §3(1)") and "慎重" not in r.cite, r.reason
        else:
            assert "慎重な解釈" in r.cite, r.reason
    assert {r.outcome for r in RULES} == set(Outcome)


def test_summary_counts_manual_and_beyond(tmp_path):
    rows = [DecidedRow("s", MUNI | {"制度等": "X"} | a, decide(MUNI | a, has_errors=e)) for a, e in [
        ({"3": "①", "4": "③", "5": "①"}, False),                      # 点検不要
        ({"3": "②", "7-1": "②", "7-2": "②"}, False),                  # 点検要 (manual)
        ({"3": "①", "4": "③", "5": "①"}, True),                       # 点検要（回答不備のため）
        ({"3": "①", "4": "③", "5": "①", "10": "③"}, False),          # 点検要（慎重な解釈のため）
        ({"3": "①", "4": "②", "5": "①"}, False),                      # 点検要（慎重な解釈のため）
    ]]
    assert summary(rows) == [("X", 5, 4, 1, 1, 2, 0, 1)]  # Q1-1 ①: none 対象者全員
    wb = openpyxl.load_workbook(write_decisions(rows, tmp_path / "判定.xlsx"))
    assert [c.value for c in wb["集計"][1]] == list(SUMMARY_COLUMNS)
    assert [c.value for c in wb["集計"][2]] == ["X", 5, 4, 1, 1, 2, 0, 1]
    head = [c.value for c in wb["判定"][1]]
    got = [dict(zip(head, (c.value for c in line), strict=True)) for line in wb["判定"].iter_rows(min_row=2)]
    assert [(g["個別データの点検"], g["判定の区分"]) for g in got] == [
        ("点検不要", "マニュアルによる"), ("点検要", "マニュアルによる"),
        ("点検要（回答不備のため）", "マニュアル外（慎重な判断）"), ("点検要（慎重な解釈のため）", "マニュアル外（慎重な判断）"),
        ("点検要（慎重な解釈のため）", "マニュアル外（慎重な判断）")]
