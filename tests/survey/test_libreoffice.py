"""The sheet's formulas really compute (Excel-compatible, checked in LibreOffice): status cells and 一覧用
agree with the collector's reading (調査要領 2.(5): 「情報入力完了」「回答完了」を確認した上で提出)."""

from __future__ import annotations

import shutil
import subprocess

import openpyxl

from himozuke.survey import spec
from himozuke.survey.demo import answers
from himozuke.survey.form import fill_form, write_form
from himozuke.survey.validate import status

CASES = {
    "complete": {},
    "q3_skip_then_q4_answered": {"3": "②求めていない。（Q6へ）", "4": "③本人以外（事業主等）からの届出は無い。"},
    "q6_no_mark": {"3": "②求めていない。（Q6へ）", "5": "", "4": "", "6①": "", "6②": ""},
    "no_phone": {"電話番号": ""},
    "q10_text_missing": {"10": "②事例はある。", "10 記載": ""},
}


def _soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    assert exe, "LibreOffice (soffice) is not on PATH: apt-get install -y libreoffice-calc-nogui fonts-noto-cjk"
    return exe


def test_formulas_compute_like_the_collector(tmp_path):
    v = spec.variant("kenshin")
    base = answers(v, "14神奈川県相模原市", "指定都市", seed=11)
    base = {k: x for k, x in base.items() if k not in (spec.ERROR_CHECK_1, spec.ERROR_CHECK_2)}
    src = tmp_path / "src"
    rows = {}
    for name, change in CASES.items():
        rows[name] = base | change
        fill_form(write_form("kenshin", src / f"{name}.xlsx"), rows[name])
    out = tmp_path / "out"
    subprocess.run([_soffice(), f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(out), *map(str, sorted(src.iterdir()))],
                   check=True, capture_output=True, timeout=120)
    for name, row in rows.items():
        wb = openpyxl.load_workbook(out / f"{name}.xlsx", data_only=True)
        computed = (wb["様式"]["C12"].value, wb["様式"]["C14"].value)
        assert computed == status(v, row), name
        summary = dict(zip((c.value for c in wb["一覧用"][1]), (c.value for c in wb["一覧用"][2]), strict=True))
        assert (summary[spec.ERROR_CHECK_1], summary[spec.ERROR_CHECK_2]) == computed
        assert summary["組織名"] == "14神奈川県相模原市"
    assert status(v, rows["complete"]) == ("情報入力完了", "回答完了")
    assert status(v, rows["no_phone"])[0] == "情報未入力あり"
    assert {status(v, rows[n])[1] for n in CASES if n not in ("complete", "no_phone")} == {"未回答あり"}
