"""The request file (manual §7(2)①; issue 3 item 4): 4 information, or 3 without 性別; others are listed."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from himozuke.formats import columns as C
from himozuke.formats.jlis import build_request, write_request
from himozuke.formats.profiles import parse_profile

BASE = {"行番号": 2, "個人番号": "123456789018", "漢字氏名": "山田　太郎", "カナ氏名": "ヤマダ タロウ",
        "生年月日": "1988-01-15", "性別": "男", "住所": "東京都千代田区霞が関1-1-1"}


@pytest.mark.parametrize(("change", "kind", "blocked"), [
    pytest.param({}, "4情報", None, id="4情報そろい"),
    pytest.param({"性別": None}, "3情報", None, id="性別なしは3情報"),
    pytest.param({"性別": "9"}, "3情報", None, id="不明コード9は3情報"),
    pytest.param({"性別": "F"}, "4情報", None, id="F→女"),
    pytest.param({"漢字氏名": None}, "4情報", None, id="カナだけでも氏名あり"),
    pytest.param({"漢字氏名": None, "カナ氏名": None}, None, "氏名がありません", id="氏名なし"),
    pytest.param({"生年月日": "昭和64年1月8日"}, None, "生年月日が日付として読めません", id="元号期間外"),
    pytest.param({"生年月日": "S63.1.15"}, "4情報", None, id="和暦は西暦に"),
    pytest.param({"住所": " "}, None, "住所がありません", id="住所空白"),
    pytest.param({"個人番号": None}, "4情報", None, id="番号なしでも4情報照会は可"),
])
def test_build_request(change: dict, kind: str | None, blocked: str | None) -> None:
    request, blocked_rows = build_request(pl.DataFrame([{**BASE, **change}]))
    if kind is None:
        assert request.height == 0
        assert blocked_rows[C.ROW].to_list() == [2]
        assert blocked_rows["理由"][0].startswith(blocked)
    else:
        assert blocked_rows.height == 0
        assert request.row(0, named=True)["照会区分"] == kind
        assert request.row(0, named=True)["要求通番"] == "2"


def test_request_layout_is_a_profile(tmp_path: Path) -> None:
    """Every field, order and code changeable without code changes (issue 3 item 4)."""
    extract = tmp_path / "e.csv"
    extract.write_text(pl.DataFrame([BASE]).drop(C.ROW).write_csv(), encoding="utf-8")
    profile = parse_profile({
        "format": "csv", "encoding": "utf-8", "header_line": False, "header_record": ["H", "0001", "KJ"],
        "fields": [{"column": "個人番号", "header": "NO"}, {"const": "R", "header": "TYPE"},
                   {"column": "性別", "header": "SEX"}, {"column": "生年月日", "header": "BD"}],
        "values": {"性別": {"M": "男", "F": "女"}}, "dates": {"生年月日": "era-yymmdd"},
    })
    s = write_request(extract, tmp_path / "r.csv", profile=profile)
    assert (s.four, s.three, s.blocked.height) == (1, 0, 0)
    assert (tmp_path / "r.csv").read_text(encoding="utf-8").splitlines() == ["H,0001,KJ", "123456789018,R,M,3630115"]


def test_write_request_accounts_for_every_row(tmp_path: Path) -> None:
    extract = tmp_path / "e.csv"
    extract.write_text("個人番号,漢字氏名,カナ氏名,生年月日,性別,住所\n"
                       "123456789018,山田,ヤマダ,1988-01-15,1,東京都\n"
                       "123456789018,,,1988-01-15,1,東京都\n"
                       "1,2\n", encoding="utf-8")
    s = write_request(extract, tmp_path / "r.csv")
    assert (s.rows, s.four, s.blocked[C.ROW].to_list(), s.rejects[C.ROW].to_list()) == (2, 1, [3], [4])
    assert (tmp_path / "r.csv").read_bytes().decode("cp932").count("\r\n") == 2
