"""Sheets generated, filled with openpyxl as a respondent would, collected into the 一覧表 and read back."""

from __future__ import annotations

import csv

import openpyxl
import pytest

from himozuke.survey import spec
from himozuke.survey.collect import (
    ERROR_SHEET,
    EXTRA_SHEET,
    FILES_SHEET,
    collect,
    read_collection,
    split_by_seido,
    write_collection,
)
from himozuke.survey.demo import answers, with_mistake
from himozuke.survey.form import fill_form, write_form

ZANRYU = spec.variant("zanryu")


def _values(row):
    return {k: v for k, v in row.items() if k not in (spec.ERROR_CHECK_1, spec.ERROR_CHECK_2)}


@pytest.mark.parametrize("key", spec.variant_keys())
def test_form_has_every_column_and_dropdowns(tmp_path, key):
    wb = openpyxl.load_workbook(write_form(key, tmp_path / "f.xlsx"))
    v = spec.variant(key)
    assert [c.value for c in wb["一覧用"][1]] == list(v.headers())
    assert wb["一覧用"].protection.sheet and wb["様式"].protection.sheet
    lists = [dv for dv in wb["様式"].data_validations.dataValidation if dv.type == "list"]
    answer_cells = [q for q in v.questions if q.kind in ("choice", "mark") and q.id not in v.prefilled]
    assert len(lists) >= len(answer_cells)


def test_roundtrip_filled_sheet(tmp_path):
    row = answers(ZANRYU, "14神奈川県相模原市", "指定都市", seed=5)
    fill_form(write_form("zanryu", tmp_path / "in" / "a.xlsx"), _values(row))
    c = collect(tmp_path / "in")
    [sheet] = c.sheets
    assert sheet.problems == []
    assert {k: sheet.row.get(k, "") for k in row if k not in (spec.ERROR_CHECK_1, spec.ERROR_CHECK_2)} == _values(row)
    assert (sheet.row[spec.ERROR_CHECK_1], sheet.row[spec.ERROR_CHECK_2]) == ("情報入力完了", "回答完了")


def test_blank_sheet_shows_incomplete_status(tmp_path):
    write_form("zanryu", tmp_path / "in" / "blank.xlsx")
    [sheet] = collect(tmp_path / "in").sheets
    assert (sheet.row[spec.ERROR_CHECK_1], sheet.row[spec.ERROR_CHECK_2]) == ("情報未入力あり", "未回答あり")


def test_rousai_prefilled_by_ministry(tmp_path):
    p = write_form("rousai", tmp_path / "in" / "r.xlsx")
    ws = openpyxl.load_workbook(p)["様式"]
    assert ws["C2"].value == "雇用保険・労災（労災補償）" and ws["C3"].value == "労働基準監督署"
    [sheet] = collect(tmp_path / "in").sheets
    assert sheet.row["2"].startswith("①")  # 調査要領 2.(2) 「項番２は…本省において①と入力済である」


def test_collection_order_names_and_nothing_dropped(tmp_path):
    folder = tmp_path / "回収"
    bodies = [("14神奈川県横浜市", "指定都市", None), ("14神奈川県", "都道府県", None),
              ("14神奈川県 相模原市", "指定都市", None), ("14神奈川県大磯町", "市区町村", "未回答")]
    for i, (org, kubun, mistake) in enumerate(bodies):
        row = answers(ZANRYU, org, kubun, seed=i)
        fill_form(write_form("zanryu", folder / f"{i}.xlsx"), _values(with_mistake(row, mistake) if mistake else row))
    (folder / "壊れた.xlsx").write_bytes(b"not a zip")
    (folder / "古い.xls").write_bytes(b"\xd0\xcf")
    (folder / "~$0.xlsx").write_bytes(b"")
    other = openpyxl.Workbook()
    other.save(folder / "別の表.xlsx")
    c = collect(folder)
    assert c.name == "【14神奈川県】"
    assert c.sheets[0].row["組織名"] == "14神奈川県"
    assert {f for f, _ in c.unreadable} == {"壊れた.xlsx", "古い.xls", "~$0.xlsx", "別の表.xlsx"}
    out = write_collection(c, tmp_path / "【14神奈川県】.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["【14神奈川県】", EXTRA_SHEET, ERROR_SHEET, FILES_SHEET]
    assert wb[FILES_SHEET].max_row - 1 == 8  # every file listed
    assert len(read_collection(out)) == 4
    back = sorted((tmp_path / "【14神奈川県】_差戻し").iterdir())
    # 0 横浜市 (指定都市: 確認 — it submits directly), 2 相模原市, 3 大磯町
    assert [p.name for p in back] == ["0_エラー一覧.csv", "2_エラー一覧.csv", "3_エラー一覧.csv"]
    with back[2].open(encoding="utf-8-sig") as fh:
        assert ["3.xlsx", "14神奈川県大磯町", "10", "エラー", "Q10の回答がありません"] in list(csv.reader(fh))


@pytest.mark.parametrize(("orgs", "variant", "expected"), [
    pytest.param(["1301中央労働基準監督署", "1302上野労働基準監督署"], "rousai", "【13東京局】", id="【00●●局】"),
    pytest.param(["0101札幌中央労働基準監督署"], "rousai", "【01北海道局】", id="北海道局"),
    pytest.param(["13東京都", "14神奈川県"], "zanryu", "【一覧表】", id="都道府県混在"),
])
def test_collection_name(tmp_path, orgs, variant, expected):
    v = spec.variant(variant)
    for i, org in enumerate(orgs):
        kubun = "労働基準監督署" if variant == "rousai" else "都道府県"
        fill_form(write_form(variant, tmp_path / f"{i}.xlsx"), _values(answers(v, org, kubun, seed=i)))
    assert collect(tmp_path).name == expected


def test_labour_offices_sorted_by_office_number(tmp_path):
    v = spec.variant("rousai")
    for i, org in enumerate(["1310足立労働基準監督署", "1302上野労働基準監督署", "1301中央労働基準監督署"]):
        fill_form(write_form("rousai", tmp_path / f"{i}.xlsx"), _values(answers(v, org, "労働基準監督署", seed=i)))
    assert [s.row["組織名"][:4] for s in collect(tmp_path).sheets] == ["1301", "1302", "1310"]


# Issue 23 §5 — routing and naming.
def _fill(folder, key, bodies):
    v = spec.variant(key)
    for i, (org, kubun) in enumerate(bodies):
        fill_form(write_form(key, folder / f"{key}{i}.xlsx"), _values(answers(v, org, kubun, seed=i)))


@pytest.mark.parametrize(("bodies", "flagged"), [
    pytest.param([("14神奈川県", "都道府県"), ("14神奈川県横浜市", "指定都市"), ("14神奈川県藤沢市", "中核市"),
                  ("14神奈川県鎌倉市", "市区町村")], {"14神奈川県横浜市", "14神奈川県藤沢市"},
                 id="「指定都市及び中核市担当者の作業について…調査票様式を直接ご提出ください」"),
    pytest.param([("14神奈川県横浜市", "指定都市")], set(), id="指定都市が自ら回収"),
])
def test_direct_submitters_in_a_prefecture_collection_are_flagged(tmp_path, bodies, flagged):
    _fill(tmp_path, "zanryu", bodies)
    c = collect(tmp_path)
    got = {s.row["組織名"] for s in c.sheets for p in s.problems if p.column == "組織区分"}
    assert got == flagged
    assert all(p.level == "確認" for s in c.sheets for p in s.problems)  # a reminder: the sheet itself is valid


@pytest.mark.parametrize(("key", "bodies", "name"), [
    pytest.param("zanryu", [("13東京都", "都道府県"), ("13東京都八王子市", "中核市"), ("13東京都青梅市", "市区町村")],
                 "【東京都】マイナンバーアンケート回答.xlsx", id="（記載例）東京都の場合:【東京都】マイナンバーアンケート回答"),
    pytest.param("zanryu", [("14神奈川県相模原市", "指定都市")], "【相模原市】マイナンバーアンケート回答.xlsx",
                 id="【指定都市名】マイナンバーアンケート回答"),
    pytest.param("rousai", [("1301中央労働基準監督署", "労働基準監督署")], "【13東京局】.xlsx",
                 id="ファイル名及びシート名は【00●●局】"),
])
def test_file_name(tmp_path, key, bodies, name):
    _fill(tmp_path / "in", key, bodies)
    out = write_collection(collect(tmp_path / "in"), tmp_path / "提出")
    assert out == tmp_path / "提出" / name


def test_each_seido_on_its_own(tmp_path):
    """「①～③についてそれぞれ上記の提出先までご提出をお願いいたします」: one workbook per 制度 as well as one sheet each."""
    _fill(tmp_path / "in", "nanbyo", [("14神奈川県", "都道府県")])
    _fill(tmp_path / "in", "yobou", [("14神奈川県", "都道府県"), ("14神奈川県鎌倉市", "市区町村")])
    c = collect(tmp_path / "in")
    together = openpyxl.load_workbook(write_collection(c, tmp_path / "all"))
    assert together.sheetnames[:2] == ["【14神奈川県】健康・医療（難病）", "【14神奈川県】健康・医療（予防接種）"]
    parts = split_by_seido(c)
    assert [(seido, len(part.sheets)) for seido, part in parts] == [("健康・医療（難病）", 1), ("健康・医療（予防接種）", 2)]
    from typer.testing import CliRunner

    from himozuke.cli import app

    r = CliRunner().invoke(app, ["survey", "collect", str(tmp_path / "in"), "--out", str(tmp_path / "提出"), "--制度ごと"])
    assert r.exit_code == 0, r.output
    for seido, n in (("健康・医療（難病）", 1), ("健康・医療（予防接種）", 2)):
        wb = openpyxl.load_workbook(tmp_path / "提出" / seido / "【神奈川県】マイナンバーアンケート回答.xlsx")
        assert wb.sheetnames[0] == "【14神奈川県】" and wb.worksheets[0].max_row == 1 + n
