"""Pre-flight validation (issue 3 item 3; SPEC §4; manual §7(2))."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl
import pytest

from himozuke.formats.validate import BLOCKER, RULES, WARNING, validate, validate_file, write_xlsx

OK = {"行番号": 2, "個人番号": "123456789018", "漢字氏名": "山田　太郎", "カナ氏名": "ヤマダ タロウ",
      "生年月日": "1988-01-15", "性別": "男", "住所": "東京都千代田区霞が関1-1-1"}


@pytest.mark.parametrize(("change", "rules"), [
    pytest.param({}, [], id="問題なし"),
    pytest.param({"個人番号": "123456789010"}, ["check_digit"], id="チェックデジット誤り"),
    pytest.param({"個人番号": None}, ["no_number"], id="番号なし"),
    pytest.param({"生年月日": "1988-02-30"}, ["impossible_date", "no_inquiry"], id="2月30日"),
    pytest.param({"生年月日": None}, ["no_inquiry"], id="生年月日なし"),
    pytest.param({"性別": "3"}, ["unknown_sex"], id="性別コード3"),
    pytest.param({"性別": None}, ["no_sex"], id="性別なしは3情報"),
    pytest.param({"漢字氏名": "髙橋　𠮷"}, ["outside_jis"], id="JIS外の文字"),
    pytest.param({"住所": None}, ["no_inquiry"], id="住所なし"),
])
def test_single_row_rules(change: dict, rules: list[str]) -> None:
    v = validate(pl.DataFrame([{**OK, **change}]))
    assert sorted(v.lines["規則"].to_list()) == sorted(rules)


def test_cross_row_rules() -> None:
    df = pl.DataFrame([
        {**OK, "行番号": 2},
        {**OK, "行番号": 3, "漢字氏名": "山田　花子", "カナ氏名": "ヤマダ ハナコ"},  # same number, other person
        {**OK, "行番号": 4, "個人番号": "000000000019", "漢字氏名": "鈴木　一", "カナ氏名": "スズキ ハジメ"},
        {**OK, "行番号": 5, "個人番号": "987654321018", "漢字氏名": "鈴木　一", "カナ氏名": "スズキ ハジメ"},
        {**OK, "行番号": 6, "個人番号": "000000000027", "漢字氏名": "田中　一", "カナ氏名": "タナカ ハジメ"},
        {**OK, "行番号": 7, "個人番号": "000000000027", "漢字氏名": "田中　一", "カナ氏名": "タナカ ハジメ"},
    ])
    v = validate(df)
    assert v.lines.select("行番号", "規則", "区分").rows() == [
        (2, "one_number_two_people", BLOCKER), (3, "one_number_two_people", BLOCKER),
        (4, "one_person_two_numbers", WARNING), (5, "one_person_two_numbers", WARNING),
    ]


def test_numbers_are_masked_in_findings() -> None:
    v = validate(pl.DataFrame([{**OK, "個人番号": "123456789010"}]))
    assert v.lines["値"].to_list() == ["1234 **** 9010"]


def test_rules_have_unique_keys_and_bilingual_messages() -> None:
    keys = [r.key for r in RULES]
    assert len(keys) == len(set(keys))
    assert all(" / " in r.message for r in RULES)


def test_broken_csv_rows_block_and_xlsx_is_written(tmp_path: Path) -> None:
    f = tmp_path / "e.csv"
    f.write_text("個人番号,漢字氏名,カナ氏名,生年月日,性別,住所\n123456789018,山田,ヤマダ,1988-01-15,1,東京都\n"
                 '1,"2\n', encoding="utf-8")
    v = validate_file(f)
    assert v.blocking
    assert v.lines.select("行番号", "規則").rows() == [(3, "unreadable_row")]
    out = write_xlsx(v, tmp_path / "v.xlsx")
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames == ["集計", "明細"]
