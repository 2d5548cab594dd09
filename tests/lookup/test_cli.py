"""``himozuke lookup one / batch / choose`` end to end: real files in, the result file and the audit trail out."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from himozuke import mynumber
from himozuke.cases import store as store_mod
from himozuke.cases import users as users_mod
from himozuke.cases.audit import verify
from himozuke.cases.choice import ACTION, choices
from himozuke.cli._app import console
from tests.cli.test_check import invoke
from tests.lookup.test_table import KASUMIGASEKI, PEOPLE, N

FULL_NUMBER = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")
PASSPHRASE = "correct horse battery staple"
PASSWORD = "pass-word-1"

#: (application line, expected 照会結果, candidates) — one line per kind of outcome
APPLICATIONS = [
    ("山田太郎,ﾔﾏﾀﾞ ﾀﾛｳ,H12.5.5,男,千代田区霞が関1-1-1", "該当", ["taro"]),
    ("髙橋花子,タカハシハナコ,1970-01-01,2,新宿区西新宿2-8-1", "複数該当", ["hanako_old", "hanako"]),
    ("佐藤ひかる,,1990-09-09,,千代田区大手町1-1-1", "複数該当", ["ichiro", "ichika"]),
    ("山田次郎,ヤマダジロウ,2000-05-05,1,", "照会不可", []),
    ("山田三郎,ヤマダサブロウ,2000-05-05,1,東京都千代田区霞が関1-1-1", "該当なし", []),
    ('"壊れた,行', "読めない行", []),
    ("山崎悟,ヤマサキサトル,昭和60年3月3日,1,東京都千代田区丸の内2-2-2", "該当", ["yamasaki"]),
]


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch):
    monkeypatch.setattr(store_mod, "SCRYPT_N", 2**10)
    monkeypatch.setattr(users_mod, "PASSWORD_N", 2**10)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("lookup")
    rows = [p + ("該当", "0")[len(p) - 6:] if len(p) < 8 else p for p in PEOPLE]
    register = pl.DataFrame({
        "個人番号": [N[p[0]] for p in rows], "漢字氏名": [p[1] for p in rows], "カナ氏名": [p[2] for p in rows],
        "生年月日": [p[3] for p in rows], "性別": [p[4] for p in rows], "住所": [p[5] for p in rows],
        "照会結果": [p[6] for p in rows], "DV等支援対象": [p[7] for p in rows]})
    reg = d / "住基.csv"
    register.write_csv(reg)
    apps = d / "申請.csv"
    text = "漢字氏名,カナ氏名,生年月日,性別,住所\r\n" + "".join(line + "\r\n" for line, _, _ in APPLICATIONS)
    apps.write_bytes(text.encode("cp932"))  # as business systems export it
    return apps, reg


@pytest.fixture(scope="module")
def batch(files, tmp_path_factory):
    apps, reg = files
    out = tmp_path_factory.mktemp("out") / "照会結果.csv"
    res = invoke("lookup", "batch", str(apps), str(reg), "--out", str(out))
    assert res.exit_code == 0, res.output
    return out, pl.read_csv(out, infer_schema=False), res.output


def test_batch_every_line_ends_in_one_outcome(batch):
    _, result, output = batch
    per_line = result.group_by("行番号", maintain_order=True).agg(pl.col("照会結果").unique(), pl.len())
    assert per_line["行番号"].to_list() == [str(i) for i in range(2, 2 + len(APPLICATIONS))]
    assert [r[0] for r in per_line["照会結果"].to_list()] == [o for _, o, _ in APPLICATIONS]
    assert per_line["len"].to_list() == [max(len(w), 1) for _, _, w in APPLICATIONS]
    for outcome in ("該当", "複数該当", "該当なし", "照会不可", "読めない行"):
        assert outcome in output


def test_batch_several_share_an_inquiry_and_say_what_differs(batch):
    _, result, _ = batch
    glyph = result.filter(pl.col("行番号") == "3")
    assert glyph["照会番号"].n_unique() == 1 and glyph["候補番号"].to_list() == ["1", "2"]
    assert glyph["相違項目"].unique().to_list() == ["漢字氏名"]
    assert sorted(glyph["個人番号"].to_list()) == sorted(mynumber.mask(N[k]) for k in ("hanako_old", "hanako"))
    sex = result.filter(pl.col("行番号") == "4")
    assert sex["照会区分"].unique().to_list() == ["3情報"] and sex["相違項目"].unique().to_list() == ["性別"]


def test_batch_rejections_name_file_line_and_reason(batch):
    _, result, _ = batch
    refused = result.filter(pl.col("照会結果") == "照会不可").row(0, named=True)
    assert refused["判定"] == "E" and refused["理由説明"].startswith("申請.csv:5: 住所がありません")
    none = result.filter(pl.col("照会結果") == "該当なし").row(0, named=True)
    assert none["判定"] == "E" and none["理由"] == "lookup.none" and "照合不能" in none["理由説明"]
    unread = result.filter(pl.col("照会結果") == "読めない行").row(0, named=True)
    assert unread["理由説明"].startswith("申請.csv:7: ")


def test_batch_masks_numbers_unless_asked(batch, files, tmp_path):
    out, result, output = batch
    assert not FULL_NUMBER.search(out.read_text(encoding="utf-8-sig")) and not FULL_NUMBER.search(output)
    assert result.filter(pl.col("行番号") == "2")["個人番号"].to_list() == [mynumber.mask(N["taro"])]
    shown = tmp_path / "shown.csv"
    assert invoke("lookup", "batch", *map(str, files), "--out", str(shown), "--show-number").exit_code == 0
    assert pl.read_csv(shown, infer_schema=False).filter(pl.col("行番号") == "2")["個人番号"].to_list() == [N["taro"]]


def test_one_exit_codes_and_refusal(files):
    _, reg = files
    found = invoke("lookup", "one", str(reg), "-f", "漢字氏名=山田太郎", "-f", "カナ氏名=ヤマダタロウ",
                   "-f", "生年月日=2000-05-05", "-f", "性別=1", "-f", f"住所={KASUMIGASEKI}")
    assert found.exit_code == 0 and mynumber.mask(N["taro"]) in found.output and N["taro"] not in found.output
    several = invoke("lookup", "one", str(reg), "-f", "漢字氏名=佐藤ひかる", "-f", "生年月日=1990-09-09",
                     "-f", "住所=千代田区大手町1-1-1")
    assert several.exit_code == 1 and "複数該当" in several.output and "性別" in several.output
    refused = invoke("lookup", "one", str(reg), "-f", "漢字氏名=山田太郎", "-f", "生年月日=2000-05-05")
    assert refused.exit_code == 2 and "住所がありません（4情報照会ができません）" in refused.output
    assert "Traceback" not in refused.output
    bad = invoke("lookup", "one", str(reg), "-f", "名前=山田")
    assert bad.exit_code == 2 and "--field は 項目=値" in bad.output


@pytest.fixture
def store(tmp_path, monkeypatch):
    db = tmp_path / "台帳.db"
    with store_mod.open_store(db, PASSPHRASE, create=True) as s:
        users_mod.add_user(s, None, "yamada", "管理者", PASSWORD)
        admin = s.login("yamada", PASSWORD)
        users_mod.add_user(s, admin, "tanaka", "担当者", PASSWORD)
    monkeypatch.setenv("HIMOZUKE_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("HIMOZUKE_PASSWORD", PASSWORD)
    monkeypatch.setattr(console, "width", 400)  # no wrapped cells in the tables read back
    return db


def test_choose_records_who_which_and_why_in_the_audit_trail(batch, store):
    out, result, _ = batch
    inquiry = result.filter(pl.col("行番号") == "3")["照会番号"][0]
    res = invoke("lookup", "choose", "--store", str(store), "--user", "tanaka", "--result", str(out),
                 "--inquiry", inquiry, "--candidate", "2", "--basis", "窓口で運転免許証を確認（旧字体の髙）")
    assert res.exit_code == 0, res.output
    chosen = result.filter((pl.col("照会番号") == inquiry) & (pl.col("候補番号") == "2"))["個人番号"][0]
    assert chosen in res.output
    with store_mod.open_store(store, PASSPHRASE) as s:
        [entry] = choices(s, inquiry)
        assert verify(s) == []
        (_seq, actor, action, details), = s.query("SELECT seq, actor, action, details FROM audit WHERE seq = ?",
                                                 (entry["seq"],))
    assert (actor, action) == ("tanaka", ACTION)
    recorded = json.loads(details)
    assert recorded["candidate"] == 2 and recorded["candidates"] == 2 and recorded["number"] == chosen
    assert recorded["basis"] == "窓口で運転免許証を確認（旧字体の髙）" and recorded["differing"] == "漢字氏名"
    assert not FULL_NUMBER.search(details)
    listed = invoke("lookup", "choices", "--store", str(store), "--user", "yamada", "--inquiry", inquiry)
    assert listed.exit_code == 0 and "tanaka" in listed.output and chosen in listed.output
    assert "運転免許証" in listed.output and not FULL_NUMBER.search(listed.output)


@pytest.mark.parametrize(("row", "candidate", "basis", "message"), [
    ("2", "1", "運転免許証", "選ぶのは「複数該当」の候補だけです"),
    ("3", "3", "運転免許証", "候補は 1〜2 です"),
    ("3", "1", "  ", "選んだ根拠"),
    ("3", "1", "番号 1234 5678 9018 を確認", "個人番号を書かないでください"),
])
def test_choose_refuses_what_is_no_choice(batch, store, row, candidate, basis, message):
    out, result, _ = batch
    inquiry = result.filter(pl.col("行番号") == row)["照会番号"][0]
    res = invoke("lookup", "choose", "--store", str(store), "--user", "tanaka", "--result", str(out),
                 "--inquiry", inquiry, "--candidate", candidate, "--basis", basis)
    assert res.exit_code == 2 and message in res.output, res.output
    with store_mod.open_store(store, PASSPHRASE) as s:
        assert choices(s) == []


def test_a_real_subprocess_runs_this_worktrees_code(files, tmp_path):
    out = tmp_path / "r.csv"
    exe = shutil.which("himozuke", path=str(Path(sys.executable).parent))
    proc = subprocess.run([exe, "lookup", "batch", *map(str, files), "--out", str(out)], capture_output=True,
                          text=True, timeout=120)  # inherits PYTHONPATH: this worktree's sources, not main's
    assert proc.returncode == 0, proc.stderr
    assert not FULL_NUMBER.search(proc.stdout + proc.stderr)
    assert pl.read_csv(out, infer_schema=False)["行番号"].n_unique() == len(APPLICATIONS)
