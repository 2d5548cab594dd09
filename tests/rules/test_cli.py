"""A few rules through ``himozuke check`` as a user runs it: tiny files in, ``result.csv`` read back.

The registry side is a J-LIS 結果CSVファイル (profile ``jlis-result-csv``, docs/jlis-profile.md: 処理結果コード 00 該当,
01 該当なし, 02 複数該当, 03 消除者, 99 照会エラー, any other code 照会エラー — never 該当).
"""

from __future__ import annotations

import random

import polars as pl
import pytest

from himozuke import mynumber
from himozuke.formats import columns as C
from tests.cli.test_check import invoke

from ._pairs import NUMBER

_NUMBERS = [NUMBER] + [mynumber.generate(random.Random(n)) for n in range(1, 9)]
N = dict(enumerate(_NUMBERS, start=2))  #: 行番号 → the number of that business row

_HEADER = "個人番号,漢字氏名,カナ氏名,生年月日,性別,住所\n"
_J_HEADER = "要求通番,処理結果コード,個人番号,氏名カナ,氏名漢字,生年月日,性別,住所\n"
_ADDRESS = "東京都千代田区霞が関１丁目１番１号"

# 行番号: (business line, J-LIS 処理結果コード and registry 4情報 or None, 判定, 理由, 優先度, why)
ROWS = {
    2: ("山田　太郎,ヤマダ　タロウ,1975-03-12,1", ("00", "ヤマダ　タロウ,山田　太郎,19750312,1"), "A",
        "sex.notation", None, "総点検マニュアル §7(6) A 確認不要（表記揺れを含む）: the profile reads 19750312 as 1975-03-12 "
        "and 性別 1 as 男; 男 against 1 is a notation (docs/rules.md §1)"),
    3: ("山田　花子,ヤマダ　ハナコ,1980-04-01,2", ("99", None), "E", "registry.error", None,
        "docs/rules.md §2 E 照合不能: J-LIS result error"),
    4: ("山田　次郎,ヤマダ　ジロウ,1977-07-07,1", ("42", "ヤマダ　ジロウ,山田　次郎,19770707,1"), "E", "registry.error",
        None, "docs/jlis-profile.md: any other 処理結果コード reads as 照会エラー, never as 該当"),
    5: ("佐藤　健,サトウ　ケン,1990-03-03,9", ("00", "サトウ　ケン,佐藤　健,19900303,1"), "C", "sex.unknown_business",
        4, "docs/rules.md §1.1: an unknown sex code (9 適用不能) identifies no one → 不一致 (never A); 総点検マニュアル §7(6) C "
        "「性別」が不一致; docs/rules.md §5 優先度 4: 性別 不一致"),
    6: ("鈴木　一郎,スズキ　イチロウ,1955-05-05,1", ("01", None), "E", "registry.not_found", None,
        "docs/rules.md §2 E 照合不能: J-LIS result 該当なし"),
    7: ("田中　美咲,タナカ　ミサキ,2003-09-09,2", ("00", "タナカ　ミサキ,田中　美咲,20030909,"), "C",
        "sex.missing_registry", 5, "docs/rules.md §3: a value missing on one side (here the registry's) is 未登録 = a mismatch"),
    8: ("伊藤　翔,イトウ　ショウ,1999-11-11,1", ("03", "イトウ　ショウ,伊藤　翔,19991111,1"), "E", "registry.deleted", None,
        "docs/rules.md §2 E 照合不能: J-LIS result 消除者"),
}


@pytest.fixture(scope="module")
def result(tmp_path_factory) -> dict[int, dict]:
    d = tmp_path_factory.mktemp("rules-cli")
    business = _HEADER + "".join(f"{N[i]},{b},{_ADDRESS}\n" for i, (b, *_rest) in ROWS.items())
    registry = _J_HEADER + "".join(
        f"{i},{code},{N[i]},{values or ',,,'},{_ADDRESS if values else ''}\n" for i, (_b, (code, values), *_r) in ROWS.items())
    (d / "business.csv").write_text(business, encoding="utf-8")
    (d / "registry.csv").write_bytes(registry.encode("cp932"))
    res = invoke("check", str(d / "business.csv"), str(d / "registry.csv"), "--registry-profile", "jlis-result-csv",
                 "--out", str(d / "out"), "--formats", "csv")
    assert res.exit_code == 0, res.output
    frame = pl.read_csv(d / "out" / "result.csv", infer_schema=False)
    assert frame.height == len(ROWS)  # every row in is one row out
    return {int(r[C.ROW]): r for r in frame.iter_rows(named=True)}


@pytest.mark.parametrize("line", list(ROWS), ids=lambda i: f"{i}-{ROWS[i][2]}-{ROWS[i][3]}")
def test_each_row_through_the_cli(result, line):
    _b, _r, verdict, reasons, priority, why = ROWS[line]
    got = result[line]
    assert (got[C.VERDICT], got[C.REASONS], None if got[C.PRIORITY] is None else int(got[C.PRIORITY])) == (
        verdict, reasons, priority), why
