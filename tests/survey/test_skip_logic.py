"""Every skip-logic branch of the 調査項目 (別添1 調査項目), as a table that quotes the question."""

from __future__ import annotations

import pytest

from himozuke.survey.spec import MARK, variant, visibility
from himozuke.survey.validate import answer_flags, status

NANBYO = variant("nanbyo")
KENSHIN = variant("kenshin")
ALWAYS = {"2", "3", "10"}


def shown(v, row):
    return {q for q, ok in visibility(v, row).items() if ok and v.question(q).kind in ("choice", "multi")}


@pytest.mark.parametrize(("row", "expected"), [
    pytest.param({"組織区分": "市区町村", "3": "①"}, ALWAYS | {"1-1", "4", "5"}, id="Q1-1【市町村問】"),
    pytest.param({"組織区分": "都道府県", "3": "①"}, ALWAYS | {"1-2", "4", "5"}, id="Q1-2【都道府県問】"),
    pytest.param({"組織区分": "広域連合", "3": "①"}, ALWAYS | {"4", "5"}, id="広域連合はQ1なし"),
    pytest.param({"組織区分": "", "3": "①"}, ALWAYS | {"4", "5"}, id="組織区分未入力"),
    pytest.param({"組織区分": "都道府県", "3": "②"}, ALWAYS | {"1-2", "6", "7-1", "7-2", "9"},
                 id="Q3②求めていない（Q6へ）"),
    pytest.param({"組織区分": "都道府県", "3": "①", "5": "①"}, ALWAYS | {"1-2", "4", "5"},
                 id="Q5①必ず上記方法により取得（Q10へ）"),
    pytest.param({"組織区分": "都道府県", "3": "①", "5": "②", "7-2": "②"},
                 ALWAYS | {"1-2", "4", "5", "6", "7-1", "7-2", "9"}, id="Q7-2②紐付けを行わない（Q9へ）"),
    pytest.param({"組織区分": "都道府県", "3": "②", "7-2": "①", "7-3": "②", "8-1": "②"},
                 ALWAYS | {"1-2", "6", "7-1", "7-2", "7-3", "8-1", "9"}, id="Q7-3②決めていない→Q7-4なし"),
    pytest.param({"組織区分": "都道府県", "3": "②", "7-2": "①", "7-3": "①", "8-1": "③"},
                 ALWAYS | {"1-2", "6", "7-1", "7-2", "7-3", "7-4", "8-1", "9"},
                 id="Q7-4【Q7-3において①と回答した場合】"),
    pytest.param({"組織区分": "都道府県", "3": "②", "7-2": "①", "8-1": "①"},
                 ALWAYS | {"1-2", "6", "7-1", "7-2", "7-3", "8-1", "8-2", "9"},
                 id="Q8-2【Q8-1において①と回答した場合】"),
    pytest.param({"組織区分": "都道府県", "3": "①", "5": "①", "7-2": "①", "8-1": "①"},
                 ALWAYS | {"1-2", "4", "5"}, id="飛ばされた設問の回答は後続を開かない"),
])
def test_skip_logic(row, expected):
    assert shown(NANBYO, row) == expected


@pytest.mark.parametrize(("qid", "answer", "needs_text"), [
    pytest.param("2", "③定める予定である。", True, id="Q2③予定年月"),
    pytest.param("2", "①定めている。", False, id="Q2①"),
    pytest.param("8-1", "①組織で定めた別途の方法に基づき対応している。", True, id="Q8-1①別途の方法の概要"),
    pytest.param("10", "④事例はある。", True, id="Q10④概要を添付"),
    pytest.param("10", "①事例はない。", False, id="Q10①"),
    pytest.param("b", "⑤その他", True, id="b⑤その方法を記載"),
    pytest.param("c", "⑤その他", True, id="c⑤その方法を記載"),
    pytest.param("d", "②求めている。", True, id="d②その理由を記載"),
    pytest.param("d", "①求めていない。", False, id="d①"),
])
def test_free_text_required(qid, answer, needs_text):
    row = {"組織区分": "市区町村", "3": "②", "7-2": "①", qid: answer}
    assert visibility(KENSHIN, row)[f"{qid} 記載"] is needs_text


def test_kenshin_block_only_for_kenshin():
    assert "a" in visibility(KENSHIN, {}) and "a" not in visibility(NANBYO, {})


@pytest.mark.parametrize(("row", "flags"), [
    pytest.param({"3": "②", "6①": MARK}, {"7-1": "未回答"}, id="Q6に〇があれば回答済み"),
    pytest.param({"3": "②"}, {"6": "未回答", "7-1": "未回答"}, id="Q6の〇なしは未回答"),
    pytest.param({"3": "①", "5": "①", "6②": MARK}, {"4": "未回答", "6": "回答不要"}, id="Q5①なのにQ6回答"),
])
def test_flags(row, flags):
    got = answer_flags(NANBYO, {"組織区分": "広域連合", "2": "①", "10": "①"} | row)
    assert {k: got[k] for k in flags} == flags
    assert status(NANBYO, row)[1] == "未回答あり"
