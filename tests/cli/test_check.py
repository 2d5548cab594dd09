"""``himozuke check`` end to end: real files in, result.csv / report.xlsx / run.json out."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

from himozuke.cli import main

DATA = Path(__file__).parent / "data"
GOLDEN = DATA / "result.golden.csv"
FULL_NUMBER = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")
runner = CliRunner()

#: (行番号, 判定, 理由, 優先度) of every row of data/business.csv, written by hand from the two files and the rules —
#: the oracle for 判定, 理由 and 優先度 (the golden file below pins the bytes of everything else, and never itself).
EXPECTED = [
    (2, "A", None, None),  # the same text on every item: §7(6) A 完全一致
    (3, "A", "kanji.variant;kana.notation;birth.notation;sex.notation;address.notation", None),  # 﨑/崎, 注13, S55, 女, 注12
    (4, "A", "kanji.variant;kana.notation;birth.notation;address.notation", None),  # 髙/高, 半角カナ, 1962/12/24, 番地
    (5, "A", "kanji.variant;birth.notation;sex.notation;address.notation", None),  # a 外字 matches any one character
    (6, "B", "kanji.mismatch", 6),  # 建/健: §7(6) B 「漢字氏名」が不一致
    (7, "B", "address.number_mismatch", 6),  # ２－１－３ / ２－１－２: §7(6) B 住所（町字等）, 注12
    (8, "C", "birth.mismatch", 4),  # 2003 / 2001: one digit, like a typo
    (9, "C", "sex.mismatch", 4),  # §7(6) C 「性別」が不一致
    (10, "C", "kana.missing_business", 5),  # カナ never collected: 未登録, no evidence of another person
    (11, "C", "address.city_mismatch", 5),  # 川口市 / さいたま市浦和区: §7(6) C 住所（市区町村）が不一致
    (12, "E", "number.check_digit", None),
    (13, "E", "registry.not_in_file", None),
    (14, "E", "row.unreadable", None),  # 3 fields under a 6-column header
    (15, "C", "cross.number_shared", 1),  # one number, two people in the business file
    (16, "C", "cross.number_shared;kanji.mismatch;kana.mismatch;birth.mismatch", 1),
    (17, "A", "birth.notation;address.notation", None),  # 昭和45年, 番地 left out
    (18, "A", "birth.notation;sex.notation;address.notation", None),  # S5.1.1, M, ３番７号
]


@dataclass
class Run:
    exit_code: int
    output: str


def invoke(*args: str) -> Run:
    """Run the real console-script entry point (exit codes and error mapping as users get them)."""
    with runner.isolation() as streams:
        try:
            main(list(args))
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        output = streams[0].getvalue().decode() + streams[1].getvalue().decode()
    return Run(code, output)


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    res = invoke("check", str(DATA / "business.csv"), str(DATA / "registry.csv"), "--out", str(out))
    assert res.exit_code == 0, res.output
    return out, res.output


def test_every_row_has_the_expected_class_reasons_and_priority(checked):
    out, _ = checked
    result = pl.read_csv(out / "result.csv", infer_schema=False)
    got = [(int(r["行番号"]), r["判定"], r["理由"], None if r["優先度"] is None else int(r["優先度"]))
           for r in result.iter_rows(named=True)]
    assert got == EXPECTED


def test_rows_in_equals_a_b_c_e_and_the_summary_is_printed(checked):
    out, output = checked
    result = pl.read_csv(out / "result.csv", infer_schema=False)
    assert result.height == 17
    assert "入力 17 行 = A + B + C + E = 17 行" in output
    for label in ("確認不要", "要確認", "優先確認", "照合不能"):
        assert label in output


def test_result_csv_is_utf8_with_bom_and_matches_the_golden_file(checked):
    """The bytes of result.csv (masking, column order, 理由説明 …) against the golden file. With
    ``HIMOZUKE_UPDATE_GOLDEN`` set the golden file is rewritten and the test fails: review the diff, then run again
    without it (a test that compared the output with itself would pass on any output)."""
    out, _ = checked
    data = (out / "result.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    if os.environ.get("HIMOZUKE_UPDATE_GOLDEN"):
        GOLDEN.write_bytes(data)
        pytest.fail(f"{GOLDEN.name} rewritten: review `git diff`, then run without HIMOZUKE_UPDATE_GOLDEN")
    assert data == GOLDEN.read_bytes()


#: The golden result.csv of each rule version (the SHA-256 of its bytes). A change that alters the golden file
#: alters some 判定, 理由 or 優先度: bump ``himozuke.match.RULE_VERSION`` and add the new file's digest here.
GOLDEN_BY_RULE_VERSION = {
    "2": "865c8e7b5f28f5192d52c4f7b037d95f38c25d5ff5530bee8f852c83b467beb5",
}


def test_a_changed_outcome_bumps_the_rule_version():
    import hashlib

    from himozuke.match import RULE_VERSION

    digest = hashlib.sha256(GOLDEN.read_bytes()).hexdigest()
    assert GOLDEN_BY_RULE_VERSION.get(RULE_VERSION) == digest, (
        f"result.golden.csv changed (sha256 {digest}) under RULE_VERSION {RULE_VERSION}: bump the version")


def test_no_full_number_anywhere_a_person_reads(checked):
    out, output = checked
    assert not FULL_NUMBER.search(output)
    assert not FULL_NUMBER.search((out / "result.csv").read_text(encoding="utf-8-sig"))
    assert not FULL_NUMBER.search((out / "run.json").read_text(encoding="utf-8"))
    wb = openpyxl.load_workbook(out / "report.xlsx", read_only=True)
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                assert not (isinstance(v, str) and FULL_NUMBER.search(v)), (ws.title, v)


def test_show_number_prints_the_numbers_in_full(tmp_path):
    res = invoke("check", str(DATA / "business.csv"), str(DATA / "registry.csv"), "--out", str(tmp_path),
                 "--formats", "csv", "--show-number")
    assert res.exit_code == 0
    numbers = pl.read_csv(tmp_path / "result.csv", infer_schema=False)["個人番号"].drop_nulls()
    assert all(FULL_NUMBER.fullmatch(n) for n in numbers)
    assert not (tmp_path / "report.xlsx").exists()


def test_parquet_output(tmp_path):
    res = invoke("check", str(DATA / "business.csv"), str(DATA / "registry.csv"), "--out", str(tmp_path),
                 "--formats", "parquet")
    assert res.exit_code == 0
    assert pl.read_parquet(tmp_path / "result.parquet").height == 17


def test_a_rerun_replaces_the_outputs_it_writes_and_leaves_no_stale_rejects(tmp_path):
    """A folder never holds an earlier run's files beside this run's run.json: the chosen formats are replaced,
    a registry_rejects.csv this run does not write is removed, other formats are left alone, nothing else
    is added (no trash of the removed files)."""
    for name in ("result.csv", "registry_rejects.csv", "report.xlsx"):
        (tmp_path / name).write_text("前回の結果\n", encoding="utf-8")
    res = invoke("check", str(DATA / "business.csv"), str(DATA / "registry.csv"), "--out", str(tmp_path),
                 "--formats", "csv")
    assert res.exit_code == 0, res.output
    assert pl.read_csv(tmp_path / "result.csv", infer_schema=False).height == 17
    assert not (tmp_path / "registry_rejects.csv").exists()  # this registry file has no bad line
    assert (tmp_path / "report.xlsx").read_text(encoding="utf-8") == "前回の結果\n"  # not written by this run
    # digests.parquet: the per-row digests a later --baseline re-check reads (docs/recheck.md)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["digests.parquet", "report.xlsx", "result.csv", "run.json"]


def test_unusable_input_leaves_the_previous_outputs(tmp_path):
    (tmp_path / "result.csv").write_text("前回の結果\n", encoding="utf-8")
    res = invoke("check", str(tmp_path / "missing.csv"), str(DATA / "registry.csv"), "--out", str(tmp_path))
    assert res.exit_code == 2
    assert (tmp_path / "result.csv").read_text(encoding="utf-8") == "前回の結果\n"


@pytest.mark.parametrize(("make", "needles"), [
    pytest.param(lambda d: (d / "b.csv").write_text("個人番号,氏名\n1,2\n", encoding="utf-8"),
                 ("b.csv:1: 必要な列がありません", "漢字氏名", "カナ氏名", "生年月日", "性別", "住所"), id="列がない"),
    pytest.param(lambda d: None, ("ファイルがありません / file not found",), id="ファイルがない"),
])
def test_unusable_input_exits_2_with_one_line(tmp_path, make, needles):
    make(tmp_path)
    res = invoke("check", str(tmp_path / "b.csv"), str(DATA / "registry.csv"), "--out", str(tmp_path / "o"))
    assert res.exit_code == 2
    assert all(n in res.output for n in needles), res.output
    assert "Traceback" not in res.output
    assert len(res.output.strip().splitlines()) == 1


def test_bad_formats_option_exits_2(tmp_path):
    res = invoke("check", str(DATA / "business.csv"), str(DATA / "registry.csv"), "--formats", "pdf")
    assert res.exit_code == 2
    assert "--formats" in res.output


def test_real_subprocess_run(tmp_path):
    exe = shutil.which("himozuke", path=str(Path(sys.executable).parent))
    proc = subprocess.run([exe, "check", str(DATA / "business.csv"), str(DATA / "registry.csv"), "--out",
                           str(tmp_path), "--formats", "csv"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "result.csv").exists()
    assert not FULL_NUMBER.search(proc.stdout + proc.stderr)


def test_bad_bytes_deep_in_the_business_file_are_blamed_on_that_file(tmp_path):
    """Regression: with both inputs open, an undecodable byte in the business file (past the first MiB, so
    detection says UTF-8) was reported against the registry file."""
    good = "123456789018,山田　太郎,ヤマダ　タロウ,1975-01-02,1,東京都千代田区霞が関１－１－１\n"
    lines = ["個人番号,漢字氏名,カナ氏名,生年月日,性別,住所\n"] + [good] * 12_000
    data = "".join(lines).encode() + "123456789018,髙橋,,,,\n".encode("cp932")
    (tmp_path / "b.csv").write_bytes(data)
    res = invoke("check", str(tmp_path / "b.csv"), str(DATA / "registry.csv"), "--out", str(tmp_path / "o"))
    assert res.exit_code == 2
    assert f"b.csv:{len(lines) + 1}:" in res.output
    assert "registry.csv" not in res.output
