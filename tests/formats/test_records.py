"""Reading through profiles (issue 3 items 1, 5): vendor CSVs, result codes, detection."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from himozuke.formats import columns as C
from himozuke.formats.records import detect_profile, open_records

RESULT_HEADER = "要求通番,処理結果コード,個人番号,氏名カナ,氏名漢字,生年月日,性別,住所\n"


def _write(path: Path, text: str, encoding: str = "cp932") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(("code", "status"), [
    pytest.param("00", "該当", id="00-該当"),
    pytest.param("01", "該当なし", id="01-該当なし"),
    pytest.param("02", "複数該当", id="02-複数該当"),
    pytest.param("03", "消除者", id="03-消除者"),
    pytest.param("99", "照会エラー", id="99-照会エラー"),
    pytest.param("42", "照会エラー", id="未知のコードは照会エラー（該当にしない）"),
    pytest.param("", "照会エラー", id="空のコードは照会エラー"),
])
def test_result_codes_become_statuses_and_rows(tmp_path: Path, code: str, status: str) -> None:
    f = _write(tmp_path / "r.csv", RESULT_HEADER + f"1,{code},123456789018,ヤマダ,山田,19880115,1,東京都\n")
    with open_records(f, role="registry", profile="jlis-result-csv") as r:
        row = r.rows.collect().row(0, named=True)
    assert row[C.INQUIRY_RESULT] == status
    assert row[C.MY_NUMBER] == "123456789018"
    assert (row[C.KANJI_NAME] is None) == (status != "該当")


def test_vendor_csv_joins_split_names_and_reads_wareki(tmp_path: Path) -> None:
    f = _write(tmp_path / "v.csv", "宛名番号,マイナンバー,氏,名,氏カナ,名カナ,生年月日（和暦）,性別コード,住所,番地,方書\n"
               "101,123456789018,山田,花子,ヤマダ,ハナコ,S63.01.15,2,東京都千代田区霞が関,1-1-1,\n"
               "102,000000000019,鈴木,一,スズキ,ハジメ,平成元年1月7日,9,大阪府,1,A棟\n")
    assert detect_profile(f) == "vendor-fukushi-csv"
    with open_records(f, role="business") as r:
        rows = r.rows.collect()
    assert rows.select(C.KANJI_NAME, C.KANA_NAME, C.BIRTH_DATE, C.SEX, C.ADDRESS, C.KATAGAKI).rows() == [
        ("山田　花子", "ヤマダ ハナコ", "1988-01-15", "女", "東京都千代田区霞が関1-1-1", None),
        # 平成元年1月7日 is outside 平成: kept as written for the check to report; code 9 kept as written
        ("鈴木　一", "スズキ ハジメ", "平成元年1月7日", "9", "大阪府1", "A棟"),
    ]


@pytest.mark.parametrize(("content", "expected"), [
    pytest.param("個人番号,漢字氏名,カナ氏名,生年月日,性別,住所\n", "standard", id="標準"),
    pytest.param(RESULT_HEADER, "jlis-result-csv", id="結果CSV"),
    pytest.param("要求通番,照会区分,個人番号,氏名カナ,氏名漢字,生年月日,性別,住所\n", "jlis-request", id="要求CSV"),
    pytest.param("a,b,c\n", None, id="不明"),
    pytest.param("D" + "0" * 319 + "\r\n", "jlis-result-fixed", id="結果固定長"),
    pytest.param("X" + "0" * 319 + "\r\n", None, id="固定長だが区分違い"),
])
def test_detect_profile(tmp_path: Path, content: str, expected: str | None) -> None:
    assert detect_profile(_write(tmp_path / "f", content)) == expected


def test_standard_profile_keeps_values_as_written(tmp_path: Path) -> None:
    f = _write(tmp_path / "s.csv", "個人番号,漢字氏名,カナ氏名,生年月日,性別,住所\n1,甲,コウ,S63.1.15,1,x\n", "utf-8")
    with open_records(f, role="business") as r:
        assert r.rows.collect().select(C.BIRTH_DATE, C.SEX).row(0) == ("S63.1.15", "1")


def test_registry_without_result_column_is_all_found(tmp_path: Path) -> None:
    f = _write(tmp_path / "s.csv", "個人番号,漢字氏名,カナ氏名,生年月日,性別,住所\n1,甲,コウ,1990-01-01,1,x\n", "utf-8")
    with open_records(f, role="registry") as r:
        assert r.rows.collect()[C.INQUIRY_RESULT].to_list() == ["該当"]


def test_xlsx_through_vendor_profile(tmp_path: Path) -> None:
    df = pl.DataFrame({"宛名番号": ["1"], "マイナンバー": ["123456789018"], "氏": ["山田"], "名": ["花子"],
                       "氏カナ": ["ヤマダ"], "名カナ": ["ハナコ"], "生年月日（和暦）": ["昭和63年1月15日"],
                       "性別コード": ["2"], "住所": ["東京都"], "番地": ["1"], "方書": [None]})
    df.write_excel(tmp_path / "v.xlsx")
    assert detect_profile(tmp_path / "v.xlsx") == "vendor-fukushi-csv"
    with open_records(tmp_path / "v.xlsx", role="business") as r:
        assert r.rows.collect().select(C.KANJI_NAME, C.BIRTH_DATE).row(0) == ("山田　花子", "1988-01-15")


_STANDARD_HEADER = "個人番号,漢字氏名,カナ氏名,生年月日,性別,住所\n"


@pytest.mark.parametrize("body", [
    pytest.param("123456789018, 山田　太郎 ,ヤマダ ,1975-01-02,1,霞が関\n", id="padded values"),
    pytest.param("123456789018,山田　太郎,   ,1975-01-02,1,霞が関\n", id="a value of spaces only"),
    pytest.param("123456789018,山田　太郎,ヤマダ,1975-01-02,1,霞が関\n", id="nothing to strip"),
    pytest.param("123456789018,,ヤマダ,1975-01-02,,霞が関 \n", id="empty values and one padded"),
])
def test_whole_file_read_strips_exactly_like_the_line_by_line_read(tmp_path: Path, body: str) -> None:
    """The fast paths (the whole file read at once, or streamed for the bucketed engine) skip the strip for columns
    with no padded value; records must not tell them from the line-by-line read."""
    f = _write(tmp_path / "b.csv", _STANDARD_HEADER + body + "123456789018,a,b,c,d,e\n", "utf-8")
    got = []
    for whole, streamed in ((True, False), (False, True), (False, False)):
        with open_records(f, role="business", whole=whole, streamed=streamed) as r:
            got.append(r.rows.collect().sort(C.ROW))
    assert got[0].to_dicts() == got[2].to_dicts()
    assert got[1].to_dicts() == got[2].to_dicts()
    assert all(v is None or (v == v.strip(" ") and v != "") for row in got[0].iter_rows() for v in row[1:])
