"""The body's home prefecture (issue #16 §1): a 市区町村 name several prefectures have is resolved, never assumed.

「府中市…」 against 「広島県府中市…」: the omitted 都道府県 is the body's — ``--home-prefecture``, a profile's
``home_prefecture``, or the one most registry addresses give — and run.json and the report's 集計 sheet say which
and why. Every engine decides it the same way.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from himozuke import mynumber
from himozuke.formats import columns as C
from tests.cli.test_check import invoke

_RNG = random.Random(16)
NUMBERS = [mynumber.generate(_RNG) for _ in range(5)]
PERSON = {C.KANJI_NAME: "山田　太郎", C.KANA_NAME: "ヤマダ　タロウ", C.BIRTH_DATE: "1975-01-02", C.SEX: "1"}
REGISTRY_ADDRESSES = ["広島県府中市府川町1-1", "広島県福山市東桜町3-5", "広島県府中市元町2-2", "東京都府中市宮西町2-24",
                      "広島県広島市中区基町10-52"]


def _write(folder: Path, business_address: str, registry_addresses: list[str] = REGISTRY_ADDRESSES) -> tuple[Path, Path]:
    rows = [{C.MY_NUMBER: n, **PERSON, C.ADDRESS: a} for n, a in zip(NUMBERS, registry_addresses, strict=True)]
    registry = pl.DataFrame(rows, schema=dict.fromkeys(C.STANDARD, pl.String))
    business = registry.with_columns(pl.when(pl.int_range(pl.len()) == 0).then(pl.lit(business_address))
                                     .otherwise(pl.col(C.ADDRESS)).alias(C.ADDRESS))
    b, r = folder / "business.csv", folder / "registry.csv"
    business.write_csv(b)
    registry.write_csv(r)
    return b, r


def _first_row(out: Path) -> dict:
    return pl.read_csv(out / "result.csv", infer_schema=False).row(0, named=True)


def test_the_omitted_prefecture_is_the_one_most_registry_addresses_give(tmp_path):
    b, r = _write(tmp_path, "府中市府川町１－１")
    res = invoke("check", str(b), str(r), "--out", str(tmp_path / "out"))
    assert res.exit_code == 0, res.output
    assert _first_row(tmp_path / "out")[C.VERDICT] == "A"
    run = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    assert (run["home_prefecture"], run["home_prefecture_source"]) == ("広島県", "住基側ファイルの住所から推定（最も多い都道府県）")
    assert "広島県" in res.output
    sheet = openpyxl.load_workbook(tmp_path / "out" / "report.xlsx")["集計"]
    assert sheet["A7"].value == "団体の都道府県" and sheet["B7"].value.startswith("広島県（住基側ファイルの住所から推定")


def test_the_option_settles_it_and_another_府中市_is_c(tmp_path):
    b, r = _write(tmp_path, "府中市府川町１－１")
    res = invoke("check", str(b), str(r), "--out", str(tmp_path / "out"), "--home-prefecture", "東京都")
    assert res.exit_code == 0, res.output
    row = _first_row(tmp_path / "out")
    assert (row[C.VERDICT], row[C.item_verdict(C.ADDRESS)]) == ("C", "市区町村不一致")
    assert "address.prefecture_mismatch" in row[C.REASONS].split(";")
    run = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    assert (run["home_prefecture"], run["home_prefecture_source"]) == ("東京都", "--home-prefecture で指定")


def test_a_name_only_one_prefecture_has_needs_no_home(tmp_path):
    b, r = _write(tmp_path, "福山市東桜町３－５", ["東京都府中市宮西町2-24"] * 4 + ["広島県福山市東桜町3-5"])
    b2 = tmp_path / "b2.csv"
    pl.read_csv(b, infer_schema=False).with_columns(
        pl.when(pl.int_range(pl.len()) == 4).then(pl.lit("福山市東桜町３－５")).otherwise(pl.col(C.ADDRESS)).alias(C.ADDRESS)
    ).write_csv(b2)
    res = invoke("check", str(b2), str(r), "--out", str(tmp_path / "out"), "--home-prefecture", "東京都")
    assert res.exit_code == 0, res.output
    result = pl.read_csv(tmp_path / "out" / "result.csv", infer_schema=False)
    assert result[C.VERDICT][4] == "A"  # 福山市 is in 広島県 only


def test_a_profile_says_it(tmp_path):
    b, r = _write(tmp_path, "府中市府川町１－１")
    standard = (Path(__file__).parents[2] / "src/himozuke/formats/profiles/standard.toml").read_text(encoding="utf-8")
    profile = tmp_path / "body.toml"
    profile.write_text(standard.replace('name = "standard"', 'name = "body"\nhome_prefecture = "東京都"'), encoding="utf-8")
    res = invoke("check", str(b), str(r), "--out", str(tmp_path / "out"), "--business-profile", str(profile))
    assert res.exit_code == 0, res.output
    assert _first_row(tmp_path / "out")[C.VERDICT] == "C"
    run = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    assert (run["home_prefecture"], run["home_prefecture_source"]) == ("東京都", "プロファイル body の home_prefecture")


@pytest.mark.parametrize("where", ["option", "profile"])
def test_a_home_prefecture_that_is_none_exits_2(tmp_path, where):
    b, r = _write(tmp_path, "府中市府川町１－１")
    if where == "option":
        res = invoke("check", str(b), str(r), "--out", str(tmp_path / "out"), "--home-prefecture", "東京")
    else:
        profile = tmp_path / "bad.toml"
        profile.write_text('name = "bad"\nhome_prefecture = "東京"\n[[fields]]\ncolumn = "個人番号"\n', encoding="utf-8")
        res = invoke("check", str(b), str(r), "--out", str(tmp_path / "out"), "--business-profile", str(profile))
    assert res.exit_code == 2
    assert "都道府県名ではありません" in res.output and "Traceback" not in res.output


def test_the_bucketed_engine_decides_it_the_same_way(tmp_path):
    b, r = _write(tmp_path, "府中市府川町１－１")
    assert invoke("check", str(b), str(r), "--out", str(tmp_path / "mem"), "--formats", "csv").exit_code == 0
    res = invoke("check", str(b), str(r), "--out", str(tmp_path / "bkt"), "--formats", "csv", "--buckets", "2")
    assert res.exit_code == 0, res.output
    assert (tmp_path / "mem" / "result.csv").read_bytes() == (tmp_path / "bkt" / "result.csv").read_bytes()
    runs = [json.loads((tmp_path / d / "run.json").read_text(encoding="utf-8")) for d in ("mem", "bkt")]
    assert runs[1]["engine"] == "bucketed"
    assert {(x["home_prefecture"], x["home_prefecture_source"]) for x in runs} == {
        ("広島県", "住基側ファイルの住所から推定（最も多い都道府県）")}


def test_resume_refuses_another_home_prefecture(tmp_path):
    b, r = _write(tmp_path, "府中市府川町１－１")
    work = tmp_path / "work"
    work.mkdir()
    from himozuke import __version__
    from himozuke.match.scale import fingerprint

    manifest = {"version": __version__, "inputs": [fingerprint(b), fingerprint(r)], "home_prefecture": "広島県",
                "digests": True, "plan": {"buckets": 2, "range_rows": 10}}
    (work / "manifest.json").write_text(json.dumps(manifest))
    himozuke = str(Path(sys.executable).with_name("himozuke"))

    def resume(home: str) -> subprocess.CompletedProcess:
        return subprocess.run([himozuke, "check", str(b), str(r), "--out", str(tmp_path / "out"), "--work-dir",
                               str(work), "--resume", "--home-prefecture", home], capture_output=True, text=True,
                              timeout=300)

    proc = resume("東京都")
    assert proc.returncode == 2
    assert "再開できません" in proc.stderr
    assert resume("広島県").returncode == 0  # the manifest differs in the home prefecture only
