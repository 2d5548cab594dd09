"""report.xlsx: what an officer sees when opening it."""

from __future__ import annotations

import polars as pl
import pytest
from openpyxl import load_workbook

from himozuke.formats import columns as C
from himozuke.match.engine import RESULT_COLUMNS
from himozuke.report.xlsx import RunInfo, write_report


def result_rows(verdicts: list[str]) -> pl.DataFrame:
    n = len(verdicts)
    data = {c: [None] * n for c in RESULT_COLUMNS}
    data[C.ROW] = list(range(2, n + 2))
    data[C.MY_NUMBER] = ["123456789018"] * n
    data[C.VERDICT] = verdicts
    data[C.PRIORITY] = [{"C": 3, "B": 5}.get(v) for v in verdicts]
    for item in C.ITEMS:
        data[C.item_verdict(item)] = ["一致" if v in "AE" else "不一致" for v in verdicts]
        data[C.business(item)] = ["業務"] * n
        data[C.registry(item)] = ["住基"] * n
    data["理由説明"] = [""] * n
    schema = {c: pl.String for c in RESULT_COLUMNS} | {C.ROW: pl.Int64, C.PRIORITY: pl.Int32}
    return pl.DataFrame(data, schema=schema)


@pytest.fixture
def report(tmp_path):
    path = tmp_path / "report.xlsx"
    write_report(result_rows(["A"] * 6 + ["B"] * 2 + ["C"] * 3 + ["E"]), path, RunInfo("業務.csv", "住基.csv"))
    return load_workbook(path)


def test_sheets_are_summary_then_b_c_e(report):
    assert report.sheetnames == ["集計", "B 要確認", "C 優先確認", "E 照合不能"]


def test_summary_counts_and_shares(report):
    ws = report["集計"]
    cells = {ws.cell(r, 1).value: (ws.cell(r, 3).value, ws.cell(r, 4).value) for r in range(9, 13)}
    assert cells == {"A": (6, 0.5), "B": (2, pytest.approx(2 / 12)), "C": (3, 0.25), "E": (1, pytest.approx(1 / 12))}
    assert ws._charts, "a native Excel chart on the summary sheet"


def test_action_sheets_have_both_sides_filter_and_frozen_header(report):
    ws = report["C 優先確認"]
    header = [c.value for c in ws[1]]
    assert header[:5] == ["行番号", "個人番号", "判定", "優先度", "理由説明"]
    assert header[5:8] == ["漢字氏名（業務）", "漢字氏名（住基）", "漢字氏名判定"]
    assert ws.max_row == 4
    assert [t.autoFilter.ref for t in ws.tables.values()] == ["A1:U4"], "filter buttons on every column"
    assert ws.freeze_panes == "C2"
    assert len(ws.conditional_formatting) >= 5


def test_numbers_are_masked_unless_asked(report, tmp_path):
    assert report["B 要確認"]["B2"].value == "1234 **** 9018"
    path = tmp_path / "shown.xlsx"
    write_report(result_rows(["B"]), path, RunInfo("b", "r"), show_number=True)
    assert load_workbook(path)["B 要確認"]["B2"].value == "123456789018"


def test_a_class_split_across_sheets_at_the_row_limit(tmp_path):
    path = tmp_path / "split.xlsx"
    write_report(result_rows(["C"] * 5), path, RunInfo("b", "r"), max_rows_per_sheet=2)
    wb = load_workbook(path)
    assert [n for n in wb.sheetnames if n.startswith("C")] == ["C 優先確認", "C 優先確認 (2)", "C 優先確認 (3)"]
    assert sum(wb[n].max_row - 1 for n in wb.sheetnames if n.startswith("C")) == 5


def test_too_many_rows_for_a_workbook_says_where_they_are(tmp_path):
    path = tmp_path / "capped.xlsx"
    write_report(result_rows(["C"] * 5), path, RunInfo("b", "r"), row_cap=3)
    wb = load_workbook(path)
    assert "result.csv" in wb["C 優先確認"]["A1"].value
    notes = [c.value for row in wb["集計"].iter_rows() for c in row if isinstance(c.value, str)]
    assert any("result.csv / result.parquet にのみあります" in n for n in notes)
