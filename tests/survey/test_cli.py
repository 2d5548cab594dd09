"""``himozuke survey form / collect / decide / demo`` through the real command (Typer CliRunner)."""

from __future__ import annotations

import openpyxl
from typer.testing import CliRunner

from himozuke.cli import app
from himozuke.survey import spec
from himozuke.survey.demo import answers
from himozuke.survey.form import fill_form

runner = CliRunner()


def test_form_fill_collect_decide(tmp_path):
    sheet = tmp_path / "回収" / "a.xlsx"
    r = runner.invoke(app, ["survey", "form", "--制度", "nanbyo", "--out", str(sheet)])
    assert r.exit_code == 0, r.output
    row = answers(spec.variant("nanbyo"), "14神奈川県", "都道府県", seed=4)
    fill_form(sheet, {k: v for k, v in row.items() if not k.startswith("エラーチェック")})
    table = tmp_path / "【14神奈川県】.xlsx"
    r = runner.invoke(app, ["survey", "collect", str(tmp_path / "回収"), "--out", str(table)])
    assert r.exit_code == 0, r.output
    assert "調査票 1 件（うちエラーあり 0 件）、読込不可 0 件" in r.output
    r = runner.invoke(app, ["survey", "decide", str(table)])
    assert r.exit_code == 0, r.output
    ws = openpyxl.load_workbook(tmp_path / "【14神奈川県】_判定.xlsx")["判定"]
    assert ws["C2"].value == "14神奈川県" and ws["E2"].value in ("点検要", "点検不要")


def test_collect_exits_1_when_something_must_go_back(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "x.xls").write_bytes(b"old")
    r = runner.invoke(app, ["survey", "collect", str(tmp_path / "in"), "--out", str(tmp_path / "t.xlsx")])
    assert r.exit_code == 1
    assert "読込不可: x.xls" in r.output


def test_unknown_variant_is_a_usage_error(tmp_path):
    from himozuke.cli import main

    try:
        main(["survey", "form", "--制度", "年金", "--out", str(tmp_path / "x.xlsx")])
    except SystemExit as e:
        assert e.code == 2
    else:
        raise AssertionError("expected exit 2")


def test_demo(tmp_path):
    r = runner.invoke(app, ["survey", "demo", "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert "【14神奈川県】: 調査票 9 件（エラーあり 2 件、読込不可 2 件）" in r.output
    assert "【13東京局】" in r.output
    table = tmp_path / "【神奈川県】マイナンバーアンケート回答.xlsx"
    assert (tmp_path / "【神奈川県】マイナンバーアンケート回答_判定.xlsx").exists()
    assert table.exists() and (tmp_path / "【13東京局】_判定.xlsx").exists()
    assert len(list((tmp_path / "様式").iterdir())) == len(spec.variant_keys())
    wb = openpyxl.load_workbook(tmp_path / "【神奈川県】マイナンバーアンケート回答_判定.xlsx")
    got = {(line[2].value, line[0].value): line[4].value for line in wb["判定"].iter_rows(min_row=2)}
    # 総点検マニュアル §3(1) 「障害者手帳については…全ての紐付け実施機関を個別データの点検の対象とした」: answered ①
    assert got[("14神奈川県鎌倉市", "福祉・介護（障害者手帳）")] == "点検要"
    assert got[("14神奈川県鎌倉市", "福祉・介護（中国残留邦人支援）")] == "点検不要"
    # the official-layout workbook (no 設定 sheet) is read by its 一覧用 row 2
    assert ("14神奈川県茅ヶ崎市", "福祉・介護（中国残留邦人支援）") in got
    files = openpyxl.load_workbook(table)["補足"]
    readers = {line[3].value: line[-1].value for line in files.iter_rows(min_row=2)}
    assert readers["14神奈川県茅ヶ崎市"] == "一覧用2行目"
    assert len(list((tmp_path / "制度別").iterdir())) == 2


def test_real_subprocess_writes_a_form(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "様式.xlsx"
    done = subprocess.run([sys.executable, "-c", "from himozuke.cli import main; main()", "survey", "form",
                           "--seido", "rousai", "--out", str(out)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert openpyxl.load_workbook(out)["様式"]["C2"].value == "雇用保険・労災（労災補償）"


def test_every_command_help_has_an_example():
    for cmd in ("form", "collect", "decide", "demo"):
        r = runner.invoke(app, ["survey", cmd, "--help"])
        assert r.exit_code == 0 and "例: himozuke survey" in r.output, cmd
