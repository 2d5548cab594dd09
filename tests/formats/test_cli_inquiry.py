"""The inquiry commands end to end (issue 3): run them, read what they wrote, check exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from himozuke.cli import app
from himozuke.testing.population import generate_population

runner = CliRunner()
N1 = "123456789018"


def _run(*args: str | Path) -> tuple[int, str]:
    r = runner.invoke(app, [str(a) for a in args])
    return r.exit_code, r.output


def test_profiles_lists_builtins() -> None:
    code, out = _run("profiles")
    assert code == 0
    for name in ("jlis-request", "jlis-result-csv", "jlis-result-fixed", "standard"):
        assert name in out


def test_profile_check_masks_numbers(tmp_path: Path) -> None:
    f = tmp_path / "e.csv"
    f.write_text(f"個人番号,漢字氏名,カナ氏名,生年月日,性別,住所\n{N1},山田,ヤマダ,1988-01-15,1,東京都\n", encoding="utf-8")
    code, out = _run("profile", "check", f)
    assert code == 0
    assert "standard" in out and "1234" in out and N1 not in out


def test_round_trip_commands(tmp_path: Path) -> None:
    pop = generate_population(30, seed=3).filter(pl.col("状態") == "住民")
    register = tmp_path / "register.csv"
    pop.write_csv(register)
    book = pop.select("宛名番号" if "宛名番号" in pop.columns else pl.int_range(pl.len()).cast(pl.String).alias("宛名番号"),
                      "漢字氏名", "カナ氏名", pl.col("生年月日").cast(pl.String), "性別", "住所")
    book.write_csv(tmp_path / "book.csv")
    pop.select("個人番号", book["宛名番号"]).write_csv(tmp_path / "map.csv")
    assert _run("extract", "merge", tmp_path / "book.csv", tmp_path / "map.csv", "--out", tmp_path / "ex.csv")[0] == 0
    code, out = _run("validate", tmp_path / "ex.csv")
    assert code == 0, out
    assert (tmp_path / "ex.validate.xlsx").exists()
    assert _run("jlis", "request", tmp_path / "ex.csv", "--out", tmp_path / "req.csv")[0] == 0
    code, out = _run("jlis", "simulate", tmp_path / "req.csv", "--register", register, "--out", tmp_path / "res.csv",
                     "--out-fixed", tmp_path / "res.dat")
    assert code == 0 and f"該当 {pop.height}" in out
    assert (tmp_path / "res.dat").stat().st_size == pop.height * 322


def test_validate_exits_1_on_blockers(tmp_path: Path) -> None:
    f = tmp_path / "e.csv"
    f.write_text("個人番号,漢字氏名,カナ氏名,生年月日,性別,住所\n123456789010,山田,ヤマダ,1988-01-15,1,東京都\n",
                 encoding="utf-8")
    code, out = _run("validate", f, "--out", tmp_path / "v.xlsx")
    assert code == 1
    assert "check_digit" in out


def test_merge_exits_1_when_rows_are_listed(tmp_path: Path) -> None:
    (tmp_path / "b.csv").write_text("宛名番号,漢字氏名,カナ氏名,生年月日,性別,住所\nA,山田,ヤマダ,1988-01-15,1,東京都\n",
                                    encoding="utf-8")
    (tmp_path / "m.csv").write_text("個人番号,宛名番号\n", encoding="utf-8")
    code, out = _run("extract", "merge", tmp_path / "b.csv", tmp_path / "m.csv", "--out", tmp_path / "x.csv")
    assert code == 1
    assert "宛名番号に対応する個人番号がありません" in out


@pytest.mark.parametrize(("args", "message"), [
    pytest.param(["validate", "missing.csv"], "ファイルがありません", id="ファイルなし"),
    pytest.param(["validate", "{bad}", "--profile", "nope"], "プロファイル「nope」がありません", id="プロファイルなし"),
])
def test_errors_are_one_line_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a\n1\n", encoding="utf-8")
    argv = [a.replace("{bad}", str(bad)) for a in args]
    r = subprocess.run([sys.executable, "-c", "from himozuke.cli import main; main()", *argv],
                       capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert r.returncode == 2
    assert message in r.stderr
    assert "Traceback" not in r.stderr
