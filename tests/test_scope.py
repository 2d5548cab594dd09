"""Which records must be checked (「総点検マニュアル」第2.1版 §5): the body table, the record rule, the split of an
extract where nothing is lost, and ``check --scope``."""

from __future__ import annotations

import json

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from himozuke.mynumber import check_digit
from himozuke.scope import (
    AUTO,
    DOCUMENTS,
    REASONS,
    ROUTES,
    BodyType,
    Reason,
    Scope,
    body_scope,
    record_scope,
    record_scope_expr,
    run_scope,
)
from tests.cli.test_check import invoke


@pytest.mark.parametrize(("body", "installed", "used", "scope"), [
    pytest.param("都道府県", True, True, Scope.NOT_AUTO_PREFECTURE, id="イa 自動連携有、実施有・・・対象者のうち自動連携されていない者"),
    pytest.param("都道府県", True, False, Scope.EVERYONE, id="イb 自動連携有、実施無・・・対象者全員"),
    pytest.param("都道府県", False, None, Scope.EVERYONE, id="イc 自動連携無・・・対象者全員"),
    pytest.param("市区町村", True, True, Scope.NOT_AUTO_MUNICIPALITY,
                 id="ロa 自動連携有、実施有・・・対象者のうち自動連携されていない住登者、住登外者"),
    pytest.param("市区町村", True, False, Scope.EVERYONE, id="ロb 自動連携有、実施無・・・対象者全員"),
    pytest.param("市区町村", False, None, Scope.EVERYONE, id="ロc 自動連携無・・・対象者全員"),
    pytest.param("広域連合等", True, True, Scope.EVERYONE, id="ハ 広域連合、一部事務組合では対象者全員"),
    pytest.param("労働基準監督署", True, True, Scope.EVERYONE, id="定めなし-対象者全員(慎重側)"),
    pytest.param("市区町村", None, None, Scope.EVERYONE, id="自動連携の有無が不明-対象者全員(慎重側)"),
    pytest.param(None, True, True, Scope.EVERYONE, id="区分が不明-対象者全員(慎重側)"),
    pytest.param("市区町村", True, None, Scope.NOT_AUTO_MUNICIPALITY, id="実施の有無は記録の取得経路で決める"),
])
def test_body_scope_is_the_manuals_table(body, installed, used, scope):
    assert body_scope(body, installed, used)[0] is scope


@pytest.mark.parametrize(("route", "residence", "document", "footnote5", "reason"), [
    pytest.param(AUTO, "住登者", None, False, Reason.OUT_AUTO,
                 id="自動連携された当該住民に関するデータについては点検の対象から外し"),
    pytest.param("本人提出", "住登者", None, False, Reason.IN_NOT_AUTO, id="手入力の住登者は対象(住登区分だけでは決めない)"),
    pytest.param("住基照会3情報以下", "住登外者", None, False, Reason.IN_NOT_AUTO, id="住登外者等について個別データの点検"),
    pytest.param(AUTO, "住登外者", None, False, Reason.IN_NON_RESIDENT, id="住登外者が自動連携は矛盾-対象(慎重側)"),
    pytest.param(None, "住登者", None, False, Reason.IN_ROUTE_UNKNOWN, id="取得経路が空欄-対象(慎重側)"),
    pytest.param("不明", None, None, False, Reason.IN_ROUTE_UNKNOWN, id="取得経路が不明-対象(慎重側)"),
    pytest.param("自動", None, None, False, Reason.IN_ROUTE_UNKNOWN, id="知らない取得経路-対象(慎重側)"),
    pytest.param("本人提出", None, "マイナンバーカード", True, Reason.OUT_FOOTNOTE5,
                 id="注5 マイナンバーカードで4情報を確認し明確に区分"),
    pytest.param("本人提出", None, "マイナンバーカード", False, Reason.IN_NOT_AUTO,
                 id="注5 明確に区分されている場合に限る(団体が言わなければ対象)"),
    pytest.param("本人提出", None, "なし", True, Reason.IN_NOT_AUTO, id="注5 書類なしは対象"),
])
def test_record_scope_under_roa(route, residence, document, footnote5, reason):
    assert record_scope(Scope.NOT_AUTO_MUNICIPALITY, route, document, residence, footnote5=footnote5) is reason


def test_everyone_means_every_record_but_footnote5():
    assert record_scope(Scope.EVERYONE, AUTO, None, "住登者") is Reason.IN_EVERYONE
    assert record_scope(Scope.EVERYONE, AUTO, "通知カード＋本人確認書類", footnote5=True) is Reason.OUT_FOOTNOTE5


_maybe = lambda values: st.one_of(st.none(), st.sampled_from([*values, " ", "その他"]))  # noqa: E731


@settings(max_examples=300, deadline=None)
@given(scope=st.sampled_from(list(Scope)), footnote5=st.booleans(),
       rows=st.lists(st.tuples(_maybe(ROUTES), _maybe(DOCUMENTS), _maybe(("住登者", "住登外者"))), min_size=1,
                     max_size=12))
def test_record_scope_expr_equals_the_scalar(scope, footnote5, rows):
    frame = pl.DataFrame(rows, schema={"r": pl.String, "d": pl.String, "s": pl.String}, orient="row")
    got = frame.select(record_scope_expr(scope, pl.col("r"), pl.col("d"), pl.col("s"), footnote5=footnote5)
                       .alias("x"))["x"].to_list()
    assert got == [record_scope(scope, r, d, s, footnote5=footnote5).value for r, d, s in rows]


def _extract(tmp_path):
    n = [f"{i:011d}{check_digit(f'{i:011d}')}" for i in range(10, 16)]
    path = tmp_path / "抽出.csv"
    header = "個人番号,漢字氏名,カナ氏名,生年月日,性別,住所,取得経路,住登区分,確認書類\n"
    lines = [
        f"{n[0]},山田　太郎,ヤマダ　タロウ,1975-01-02,1,東京都千代田区霞が関1-1-1,自動連携,住登者,なし",
        f"{n[1]},山田　花子,ヤマダ　ハナコ,1976-01-02,2,東京都千代田区霞が関1-1-1,本人提出,住登者,マイナンバーカード",
        f"{n[2]},佐藤　一郎,サトウ　イチロウ,1990-12-31,1,東京都千代田区丸の内2-2-2,,住登外者,",
        '"broken,line',
        f"{n[3]},鈴木　次郎,スズキ　ジロウ,1960-06-06,1,東京都千代田区大手町3-3-3,不明,住登者,不明",
        f"{n[4]},田中　三郎,タナカ　サブロウ,1950-05-05,1,東京都千代田区有楽町4-4-4,自動連携,住登者,運転免許証等",
    ]
    path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    return path, n


def test_every_line_ends_in_exactly_one_list_with_its_reason(tmp_path):
    path, numbers = _extract(tmp_path)
    got = run_scope(path, tmp_path / "out", body_type="市区町村", installed=True)
    kept = pl.read_csv(tmp_path / "out" / "対象.csv", infer_schema=False)
    out = pl.read_csv(tmp_path / "out" / "対象外.csv", infer_schema=False)
    bad = pl.read_csv(tmp_path / "out" / "読めない行.csv", infer_schema=False)
    assert kept["元の行番号"].to_list() == ["3", "4", "6"]
    assert out["行番号"].to_list() == ["2", "7"] and set(out["理由"]) == {Reason.OUT_AUTO.value}
    assert bad["行番号"].to_list() == ["5"]
    assert sorted(kept["元の行番号"].cast(int).to_list() + out["行番号"].cast(int).to_list()
                  + bad["行番号"].cast(int).to_list()) == list(range(2, 8))
    assert not any(numbers[0] in v for v in out["個人番号"].to_list())  # masked
    summary = json.loads((tmp_path / "out" / "scope.json").read_text(encoding="utf-8"))
    assert summary["counts"][Reason.IN_ROUTE_UNKNOWN.value] == 2  # the blank and the 不明 stay in, counted
    assert (summary["in_scope"], summary["excluded"], summary["unreadable"]) == (3, 2, 1) == (
        got.in_scope, got.excluded, got.unreadable)
    assert set(summary["counts"]) == {r.value for r in REASONS}


def test_scope_then_check_records_the_scope_and_refuses_another_file(tmp_path):
    path, _ = _extract(tmp_path)
    res = invoke("scope", str(path), "--body-type", "市区町村", "--auto-link", "有", "--out", str(tmp_path / "s"))
    assert res.exit_code == 1 and "読めない行が 1 行" in res.output  # told to fix it, not silently dropped
    registry = tmp_path / "住基.csv"
    pl.read_csv(tmp_path / "s" / "対象.csv", infer_schema=False).select(
        "個人番号", "漢字氏名", "カナ氏名", "生年月日", "性別", "住所").write_csv(registry)
    res = invoke("check", str(tmp_path / "s" / "対象.csv"), str(registry), "--out", str(tmp_path / "c"),
                 "--scope", str(tmp_path / "s"), "--formats", "csv,xlsx")
    assert res.exit_code == 0, res.output
    assert "点検対象 3 件、対象外 2 件（対象外（自動連携で取得） 2）" in res.output
    run = json.loads((tmp_path / "c" / "run.json").read_text(encoding="utf-8"))
    assert run["scope"]["excluded"] == 2 and run["rows_in"] == run["scope"]["in_scope"]
    result = pl.read_csv(tmp_path / "c" / "result.csv", infer_schema=False)
    assert result["元の行番号"].to_list() == ["3", "4", "6"]  # traced back to the extract's lines
    import openpyxl

    cells = [v for row in openpyxl.load_workbook(tmp_path / "c" / "report.xlsx", read_only=True)["集計"].iter_rows(
        values_only=True) for v in row if v is not None]
    assert "対象外件数" in cells and "　対象外（自動連携で取得）" in cells
    res = invoke("check", str(path), str(registry), "--out", str(tmp_path / "c2"), "--scope", str(tmp_path / "s"))
    assert res.exit_code == 2 and "対象.csv" in res.output


def test_a_body_type_outside_the_survey_groups_is_a_usage_error(tmp_path):
    path, _ = _extract(tmp_path)
    res = invoke("scope", str(path), "--body-type", "町内会", "--out", str(tmp_path / "s"))
    assert res.exit_code == 2 and all(b.value in res.output for b in BodyType)


def test_the_survey_and_the_records_read_one_table(monkeypatch):
    """The survey's 点検の範囲 comes from himozuke.scope.BODY_RULES: change a row there and the survey follows."""
    import himozuke.scope as S
    from himozuke.survey.decide import scope as survey_scope

    assert survey_scope("市区町村", "①")[0].value == Scope.NOT_AUTO_MUNICIPALITY.value
    changed = tuple(S.BodyRule(r.body, r.installed, r.used, Scope.EVERYONE, r.cite) for r in S.BODY_RULES)
    monkeypatch.setattr(S, "BODY_RULES", changed)
    assert survey_scope("市区町村", "①")[0].value == Scope.EVERYONE.value


def _answer_sheet(tmp_path, variant: str, overrides: dict) -> object:
    import random

    from himozuke.survey import spec
    from himozuke.survey.demo import TECHO_ANSWERS, respondent
    from himozuke.survey.form import fill_form, write_form

    v = spec.variant(variant)
    row = respondent(v, "14神奈川県鎌倉市", "市区町村", random.Random(7)) | TECHO_ANSWERS
    row |= {q: next(c for c in v.question(q).choices if c.startswith(mark)) for q, mark in overrides.items()}
    return fill_form(write_form(variant, tmp_path / f"{variant}.xlsx"), row)


def test_the_bodys_facts_come_from_its_answer_sheet_once(tmp_path):
    path, _ = _extract(tmp_path)
    sheet = _answer_sheet(tmp_path, "techo", {"1-1": "①"})  # 障害者手帳: 点検要 whatever the answers (§3(1))
    res = invoke("scope", str(path), "--survey", str(sheet), "--out", str(tmp_path / "s"))
    assert "自動連携されていない者（住登者・住登外者）" in res.output and "techo.xlsx" in res.output
    summary = json.loads((tmp_path / "s" / "scope.json").read_text(encoding="utf-8"))
    assert summary["counts"][Reason.OUT_AUTO.value] == 2
    res = invoke("scope", str(path), "--survey", str(sheet), "--body-type", "市区町村", "--out", str(tmp_path / "x"))
    assert res.exit_code == 2 and "一度だけ" in res.output


def test_a_survey_that_decides_not_needed_leaves_every_record_out_with_that_reason(tmp_path):
    path, _ = _extract(tmp_path)
    sheet = _answer_sheet(tmp_path, "generic", {"1-1": "①", "3": "①", "5": "①"})  # Q5 ①: 確認書類とともに取得
    invoke("scope", str(path), "--survey", str(sheet), "--out", str(tmp_path / "s"))
    summary = json.loads((tmp_path / "s" / "scope.json").read_text(encoding="utf-8"))
    assert summary["scope"] == Scope.NONE.value and summary["in_scope"] == 0
    assert summary["counts"][Reason.OUT_NOT_NEEDED.value] == summary["excluded"] == 5  # listed, never nowhere
