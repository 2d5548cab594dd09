"""The leak detector finds a full My Number in every disguise and in every file kind, and flags no masked one —
or the masking tests (test_masking.py) would pass on outputs full of numbers."""

from __future__ import annotations

import json

import polars as pl
import pytest
import xlsxwriter

from himozuke import mynumber
from tests.outputs.detector import full_numbers, in_file, in_folder

NUMBER = "123456789018"  # valid check digit (SPEC §4)


@pytest.mark.parametrize("text", [
    pytest.param("123456789018", id="ASCII"),
    pytest.param("個人番号:123456789018。", id="in-a-sentence"),
    pytest.param("１２３４５６７８９０１８", id="full-width"),
    pytest.param("1234 5678 9018", id="spaced"),
    pytest.param("1234-5678-9018", id="hyphens"),
    pytest.param("１２３４　５６７８　９０１８", id="full-width-spaces"),
    pytest.param("１２３４－５６７８－９０１８", id="full-width-hyphens"),
    pytest.param("1 2 3 4 5 6 7 8 9 0 1 8", id="every-digit-spaced"),
    pytest.param("1234\u00a05678\u20109018", id="no-break-space-and-hyphen"),
    pytest.param("12３４ 5678-９０18", id="mixed"),
    pytest.param('"行番号":2,"個人番号":"123456789018"', id="json"),
    pytest.param("2,123456789018,A", id="csv-field"),
    pytest.param("│ 123456789018 │", id="screen-table"),
    pytest.param("123456789010", id="wrong-check-digit-is-still-a-number"),
])
def test_finds_a_number_in_every_disguise(text):
    found = full_numbers(text)
    assert len(found) == 1 and len(found[0]) == 12 and found[0].isascii() and found[0].isdigit(), found


@pytest.mark.parametrize("text", [
    pytest.param(mynumber.mask(NUMBER), id="masked"),
    pytest.param(f"2,{mynumber.mask(NUMBER)},A,1975-01-02,1", id="masked-in-a-csv-line"),
    pytest.param(mynumber.mask("12345678901"), id="masked-11-digits"),
    pytest.param("1234 **** 9018 1234 **** 9018", id="two-masked-side-by-side"),
    pytest.param("12345678901", id="11-digits"),
    pytest.param("1234567890185", id="13-digits"),
    pytest.param("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", id="sha256"),
    pytest.param("0123456789012345678901234", id="long-digit-run"),
    pytest.param("abc123456789018", id="glued-to-a-word"),
    pytest.param("2026-12-04T13:43:29", id="timestamp"),
    pytest.param("入力 12,000 行 = A + B + C + E = 12,000 行", id="summary-line"),
    pytest.param("東京都千代田区霞が関１丁目１番１号", id="address"),
    pytest.param("1975-01-02,1,1975-01-02", id="dates-in-csv"),
])
def test_flags_no_masked_number_nor_other_digits(text):
    assert full_numbers(text) == []


def test_every_file_kind(tmp_path):
    wide = NUMBER.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    (tmp_path / "a.csv").write_text(f"\ufeff行番号,個人番号\n2,{mynumber.mask(NUMBER)}\n3,{wide}\n", encoding="utf-8")
    (tmp_path / "b.csv").write_bytes(f"個人番号\n{NUMBER[:4]} {NUMBER[4:8]} {NUMBER[8:]}\n".encode("cp932"))
    (tmp_path / "run.json").write_text(json.dumps({"x": [{"y": wide}]}), encoding="utf-8")  # \uff11 escapes
    pl.DataFrame({"行番号": [2], "n": [int(NUMBER)]}).write_parquet(tmp_path / "int.parquet")
    pl.DataFrame({"l": [[mynumber.mask(NUMBER), NUMBER]]}).write_parquet(tmp_path / "nested.parquet")
    with xlsxwriter.Workbook(tmp_path / "report.xlsx") as wb:
        wb.add_worksheet("集計").write(0, 0, "masked " + mynumber.mask(NUMBER))
        wb.add_worksheet("C").write_number(5, 3, int(NUMBER))  # a number cell on a later sheet
    found = in_folder(tmp_path)
    assert sorted(found) == ["a.csv", "b.csv", "int.parquet", "nested.parquet", "report.xlsx", "run.json"]
    assert found["report.xlsx"] == [("C", NUMBER)]
    assert in_file(tmp_path / "a.csv") == [NUMBER]


def test_masked_files_are_clean(tmp_path):
    frame = pl.DataFrame({"行番号": [2, 3], "個人番号": [mynumber.mask(NUMBER), mynumber.mask("9" * 11)]})
    frame.write_csv(tmp_path / "result.csv")
    frame.write_parquet(tmp_path / "result.parquet")
    with xlsxwriter.Workbook(tmp_path / "report.xlsx") as wb:
        ws = wb.add_worksheet("A")
        for r, row in enumerate(frame.iter_rows()):
            ws.write_row(r, 0, row)
    assert in_folder(tmp_path) == {}
