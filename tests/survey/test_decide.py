"""Who must check individual data (manual §3(1)) and the scope (manual §5(2)), against an independent reading."""

from __future__ import annotations

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from himozuke.survey import spec
from himozuke.survey.collect import Collection, Sheet, write_collection
from himozuke.survey.decide import RULES, Need, Scope, decide, decide_collection, summary, write_decisions
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
    pytest.param({"3": "②", "7-1": "②", "7-2": "②"}, Need.要, "その他", id="4情報全部でも確認書類でもない"),
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
    pytest.param("都道府県", {"1-2": "①"}, Scope.自動連携以外_都道府県, "manual §5(2)イa", id="§5(2)イa"),
    pytest.param("都道府県", {"1-2": "②"}, Scope.全員, "manual §5(2)イc", id="§5(2)イc"),
    pytest.param("中核市", {"1-1": "①"}, Scope.自動連携以外_市区町村, "manual §5(2)ロa", id="§5(2)ロa"),
    pytest.param("特別区", {"1-1": "②"}, Scope.全員, "manual §5(2)ロc", id="§5(2)ロc"),
    pytest.param("広域連合", {}, Scope.全員, "manual §5(2)ハ", id="§5(2)ハ広域連合"),
    pytest.param("一部事務組合", {"1-1": "①"}, Scope.全員, "manual §5(2)ハ", id="§5(2)ハ一部事務組合"),
    pytest.param("労働基準監督署", {}, Scope.全員, "manual §5(2)に定めなし", id="慎重な解釈:国の機関は全員"),
])
def test_scope(kubun, q1, scope, cite):
    d = decide({"組織区分": kubun, "3": "②", "7-2": "①", "8-1": "②"} | q1)
    assert d.scope is scope and d.scope_note.startswith(cite)


def test_rule_table_ends_with_catch_all():
    assert RULES[-1].need is Need.要 and RULES[-1].when({})


def _mark(row, q):
    return spec.choice_mark(row.get(q, ""))


def independent_reading(row, incomplete):
    """The manual read afresh: §3(1) ①②③ exempt; Q4②, Q10③④ and any error keep a body in (cautious)."""
    if incomplete or _mark(row, "10") in ("③", "④") or _mark(row, "4") == "②":
        exempt = False
    else:
        exempt = (_mark(row, "5") == "①"
                  or (_mark(row, "7-1") == "①" and _mark(row, "7-2") == "②")
                  or (_mark(row, "8-1") == "①" and _mark(row, "8-2") == "①"))
    if exempt:
        return "点検不要", "—"
    kubun = row["組織区分"]
    if kubun == "都道府県":
        return "点検要", "自動連携されていない者" if _mark(row, "1-2") == "①" else "対象者全員"
    if kubun in ("指定都市", "中核市", "市区町村", "特別区"):
        return "点検要", "自動連携されていない者（住登者・住登外者）" if _mark(row, "1-1") == "①" else "対象者全員"
    return "点検要", "対象者全員"


def test_47_prefectures_against_independent_reading(tmp_path):
    v = spec.variant("zanryu")
    rows = prefecture_collection(v, per_prefecture=4, seed=1)
    mistakes = list(MISTAKES)
    rows = [with_mistake(r, mistakes[i % len(mistakes)]) if i % 7 == 0 else r for i, r in enumerate(rows)]
    sheets = [Sheet(f"{i:03d}.xlsx", v, r, validate(v, r)) for i, r in enumerate(rows)]
    table = write_collection(Collection(sheets, [], "【一覧表】"), tmp_path / "一覧表.xlsx")
    decided = decide_collection(table)
    assert len(decided) == 47 * 4
    got = [(d.decision.need.value, d.decision.scope.value) for d in decided]
    expected = [independent_reading(s.row, any(p.level == ERROR for p in s.problems)) for s in sheets]
    assert got == expected
    needs = {n for n, _ in got}
    assert needs == {"点検要", "点検不要"}
    [(seido, n, need, _, not_needed)] = summary(decided)
    assert (seido, n, need + not_needed) == (v.seido, 188, 188)
    out = write_decisions(decided, tmp_path / "判定.xlsx")
    assert openpyxl.load_workbook(out).sheetnames == ["判定", "集計"]


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 10**6), kubun=st.sampled_from(["都道府県", "指定都市", "市区町村", "一部事務組合"]))
def test_random_valid_sheets_agree_with_independent_reading(seed, kubun):
    v = spec.variant("yobou")
    row = answers(v, "14神奈川県" if kubun == "都道府県" else "14神奈川県相模原市", kubun, seed=seed)
    assert validate(v, row) == []
    d = decide(row)
    assert (d.need.value, d.scope.value) == independent_reading(row, False)
