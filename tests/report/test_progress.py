"""The progress workbook (定期報告, manual §7(8)): written for an officer, read back exactly, refused when altered."""

from __future__ import annotations

from dataclasses import replace

import pytest
from openpyxl import Workbook, load_workbook

from himozuke.errors import HimozukeError, InputFileError, UsageError
from himozuke.report.progress import (
    DATA_SHEET,
    FIELDS,
    LABELS,
    SUMMARY_SHEET,
    TREND_SHEET,
    ProgressRow,
    read_progress,
    write_progress,
)

MONTHS = ("2023-09", "2023-10", "2023-11")


def body_rows(code: str, name: str, jimu: str, *, targets: int, wrong: int) -> list[ProgressRow]:
    """A body's rows for one 事務, every month through 2023-11: contacts and wrong links growing."""
    c = wrong + 3
    b = 5
    rows = []
    for k, month in enumerate(MONTHS, start=1):
        w = wrong * k // 3
        rows.append(ProgressRow(code, name, jimu, month, targets, targets - b - c - 1, b, c, 1,
                                contact_started=(b + c + 1) * k // 3, contact_done=(b + c) * k // 3,
                                wrong_links=w, viewed=min(1, w), exchanged=0, resolved=w * (k - 1) // 2))
    return rows


ROWS = [
    *body_rows("011002", "札幌市", "生活保護情報", targets=1_200, wrong=6),
    *body_rows("011002", "札幌市", "障害者手帳情報", targets=35_000, wrong=12),
    *body_rows("012025", "函館市", "生活保護情報", targets=480, wrong=0),
]


@pytest.fixture
def workbook(tmp_path):
    return write_progress(ROWS, "2023-11", tmp_path / "進捗報告_北海道_2023-11.xlsx")


def test_round_trip_returns_every_row(workbook):
    assert sorted(read_progress(workbook), key=repr) == sorted(ROWS, key=repr)


def test_round_trip_of_an_empty_report(tmp_path):
    assert read_progress(write_progress([], "2023-11", tmp_path / "空.xlsx")) == []


def test_is_a_real_xlsx_with_sheets_for_the_officer_and_for_reading(workbook):
    wb = load_workbook(workbook)
    assert wb.sheetnames == [SUMMARY_SHEET, TREND_SHEET, DATA_SHEET] == ["進捗", "月別推移", "報告データ"]
    ws = wb["進捗"]
    assert ws["A1"].value == "マイナンバー紐付け総点検 進捗報告（2023年11月末時点）"
    assert [c.value for c in ws[4]] == [
        "団体コード", "団体名", "事務", "点検対象件数", "A（確認不要）", "B（要確認）", "C（優先確認）", "E（照合不能）",
        "本人確認 着手", "本人確認 完了", "紐付け誤り件数", "うち閲覧された件数", "うち情報連携された件数",
        "誤紐付けを解消した件数", "点検対象外件数（§5）", "うち自動連携で取得", "うち確認書類で確認済み（注5）",
        "うち実態調査で点検不要",
    ]
    # Only the report month, one row per body and 事務, then the 合計 row.
    assert [c.value for c in ws[5]][:4] == ["011002", "札幌市", "生活保護情報", 1_200]
    assert [c.value for c in ws[7]][:3] == ["012025", "函館市", "生活保護情報"]
    assert ws["A8"].value == "合計"
    assert ws["D8"].value == "=SUM(D5:D7)"
    assert ws["D5"].number_format == "#,##0"
    assert ws.freeze_panes == "D5"
    assert ws.column_dimensions["C"].width > 30


def test_trend_sheet_sums_each_month_and_charts_started_done_resolved(workbook):
    ws = load_workbook(workbook)[TREND_SHEET]
    assert [c.value for c in ws[3]] == ["報告月", "本人確認 着手", "本人確認 完了", "誤紐付けを解消した件数",
                                        "紐付け誤り件数", "点検対象件数"]
    by_month = {r[0]: r[1:] for r in ws.iter_rows(min_row=4, values_only=True)}
    assert list(by_month) == list(MONTHS)
    for month, got in by_month.items():
        rows = [r for r in ROWS if r.month == month]
        assert got == tuple(sum(getattr(r, f) for r in rows)
                            for f in ("contact_started", "contact_done", "resolved", "wrong_links", "targets"))
    (chart,) = ws._charts
    assert chart.tagname == "lineChart"
    assert len(chart.series) == 3
    assert [s.tx.strRef.f for s in chart.series] == ["月別推移!$B$3", "月別推移!$C$3", "月別推移!$D$3"]


def test_data_sheet_has_fixed_english_and_japanese_headers(workbook):
    ws = load_workbook(workbook)[DATA_SHEET]
    assert [c.value for c in ws[1]] == list(FIELDS)
    assert [c.value for c in ws[2]] == [LABELS[f] for f in FIELDS]
    assert ws.max_row == 2 + len(ROWS)
    assert ws["A3"].data_type == "s"  # 団体コード stays text (leading zeros)


def _alter(path, cell: str, value) -> None:
    wb = load_workbook(path)
    wb[DATA_SHEET][cell] = value
    wb.save(path)


@pytest.mark.parametrize(("cell", "value", "at", "column", "reason"), [
    pytest.param("E4", "千二百", "E4", "点検対象件数", "0以上の整数ではありません: '千二百'", id="文字の件数"),
    pytest.param("K4", -1, "K4", "本人確認 完了", "0以上の整数ではありません: -1", id="負の件数"),
    pytest.param("F4", 10, "E4", "点検対象件数", "A+B+C+E (31) と一致しません", id="ABCE不一致"),
    pytest.param("D4", "2023/10", "D4", "報告月", "YYYY-MM ではありません", id="報告月の形"),
    pytest.param("A4", None, "A4", "団体コード", "空欄か文字列ではありません: None", id="団体コード空欄"),
    pytest.param("M4", 99, "M4", "うち閲覧された件数", "紐付け誤り件数より多い", id="閲覧が誤りより多い"),
    pytest.param("C4", "生活保護情報", "D4", "報告月", "3 行目と同じ団体・事務・報告月です", id="行の重複"),
    pytest.param("E1", "count", "E1", "点検対象件数", "見出しが「targets」ではありません: 'count'", id="英語見出し"),
    pytest.param("E2", "件数", "E2", "点検対象件数", "見出しが「点検対象件数」ではありません: '件数'", id="日本語見出し"),
])
def test_altered_workbook_names_file_sheet_row_and_column(workbook, cell, value, at, column, reason):
    _alter(workbook, cell, value)
    with pytest.raises(InputFileError) as got:
        read_progress(workbook)
    e = got.value
    row = int(at[1:])
    assert (e.file, e.line, e.column) == (workbook.name, row, column)
    assert e.message.startswith(f"{workbook.name}:{row} 列「{column}」: シート「報告データ」セル {at}: {reason} / ")
    assert f"sheet '報告データ' cell {at}" in e.en


def test_a_workbook_without_the_data_sheet_is_not_a_progress_workbook(tmp_path):
    path = tmp_path / "メモ.xlsx"
    Workbook().save(path)
    with pytest.raises(InputFileError, match="シート「報告データ」がありません") as got:
        read_progress(path)
    assert got.value.file == "メモ.xlsx"


def test_a_file_that_is_not_xlsx_is_refused_with_its_name(tmp_path):
    path = tmp_path / "壊れた.xlsx"
    path.write_text("団体コード,件数\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"^壊れた\.xlsx: Excel ブック \(\.xlsx\) として読めません"):
        read_progress(path)


@pytest.mark.parametrize(("rows", "month", "message"), [
    pytest.param(ROWS, "2023-10", "報告月 2023-11 が 2023-10 より後です", id="報告月より後の行"),
    pytest.param(ROWS + ROWS[:1], "2023-11", "の行が重複しています", id="重複"),
    pytest.param([replace(ROWS[0], a=0)], "2023-11", "2023-09 列「点検対象件数」: A\\+B\\+C\\+E \\(15\\) と一致しません", id="ABCE不一致"),
])
def test_write_refuses_unsound_rows_and_writes_nothing(tmp_path, rows, month, message):
    with pytest.raises(HimozukeError, match=message):
        write_progress(rows, month, tmp_path / "x.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_write_refuses_a_bad_month(tmp_path):
    with pytest.raises(UsageError, match="YYYY-MM"):
        write_progress(ROWS, "2023-1", tmp_path / "x.xlsx")
