"""Layout profiles (issue 3 item 1): built-ins load; a bad profile reports every problem at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from himozuke.errors import InputFileError, ProfileError
from himozuke.formats.profiles import builtin_profiles, load_profile, parse_profile
from himozuke.formats.records import open_records

BUILTINS = ["jlis-request", "jlis-result-csv", "jlis-result-fixed", "standard", "vendor-fukushi-csv",
            "vendor-kokuho-fixed"]


def test_builtin_names() -> None:
    assert sorted(builtin_profiles()) == BUILTINS


@pytest.mark.parametrize("name", BUILTINS)
def test_builtins_load_and_map_every_standard_column(name: str) -> None:
    p = load_profile(name)
    assert {"個人番号", "漢字氏名", "カナ氏名", "生年月日", "性別", "住所"} <= set(p.columns)


@pytest.mark.parametrize(("data", "fragments"), [
    pytest.param({"format": "tsv", "fields": [{"column": "個人番号"}]}, ["format:"], id="未知の形式"),
    pytest.param({"fields": [{"column": "年齢"}]}, ["列「年齢」"], id="標準にない列"),
    pytest.param({"fields": []}, ["[[fields]]"], id="項目なし"),
    pytest.param({"format": "fixed", "fields": [{"column": "個人番号", "offset": 0, "length": 12}]},
                 ["record_length"], id="固定長でレコード長なし"),
    pytest.param({"format": "fixed", "record_length": 10, "encoding": "jis90",
                  "fields": [{"column": "漢字氏名", "offset": 0, "length": 11, "type": "n"}]},
                 ["偶数", "past record_length"], id="2バイト奇数長とはみ出し"),
    pytest.param({"colums": {}, "fields": [{"column": "個人番号", "hedaer": "x"}]},
                 ["colums", "hedaer"], id="綴り誤りのキー"),
    pytest.param({"fields": [{"column": "漢字氏名", "header": "氏名"}, {"column": "カナ氏名", "header": "氏名"}]},
                 ["used twice"], id="同じ見出しが2回"),
    pytest.param({"dates": {"生年月日": "mmddyyyy"}, "fields": [{"column": "生年月日"}]}, ["[dates]"],
                 id="未知の日付形式"),
])
def test_invalid_profiles_report_all_problems(data: dict, fragments: list[str]) -> None:
    with pytest.raises(ProfileError) as e:
        parse_profile(data, source="bad.toml")
    assert e.value.file == "bad.toml"
    for fragment in fragments:
        assert fragment in e.value.message


def test_unknown_profile_name_lists_builtins() -> None:
    with pytest.raises(ProfileError, match="jlis-result-csv"):
        load_profile("no-such-profile")


def test_bad_toml_is_a_profile_error(tmp_path: Path) -> None:
    p = tmp_path / "x.toml"
    p.write_text("name = [", encoding="utf-8")
    with pytest.raises(ProfileError, match="TOML"):
        load_profile(p)


def test_missing_headers_name_profile_column_and_header(tmp_path: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_text("宛名番号,マイナンバー,氏,名,住所\n1,2,3,4,5\n", encoding="utf-8")
    with pytest.raises(InputFileError) as e, open_records(f, role="business", profile="vendor-fukushi-csv"):
        pass
    msg = e.value.message
    assert "vendor-fukushi-csv.toml [fields] カナ氏名: 「氏カナ」" in msg
    assert "生年月日: 「生年月日（和暦）」" in msg
    assert e.value.line == 1


def test_custom_profile_file(tmp_path: Path) -> None:
    toml = tmp_path / "mine.toml"
    toml.write_text('name = "mine"\n[[fields]]\ncolumn = "個人番号"\nheader = "番号"\n', encoding="utf-8")
    assert load_profile(toml).headers_for("個人番号") == ("番号",)
