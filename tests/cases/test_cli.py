"""``himozuke cases`` end to end: init → users add → import → list → act → approve → reveal → audit → purge."""

from __future__ import annotations

import pytest

from himozuke.cli import main
from himozuke.cli._app import console
from tests.cases.conftest import PASSPHRASE, numbers, result_frame


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("HIMOZUKE_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("HIMOZUKE_PASSWORD", "admin-pass-1")
    monkeypatch.setattr(console, "width", 400)  # no wrapped cells in the tables read back
    return tmp_path


def run(capsys, monkeypatch, args, *, password=None, code=0):
    if password:
        monkeypatch.setenv("HIMOZUKE_PASSWORD", password)
    try:
        main(args)
        got = 0
    except SystemExit as e:
        got = e.code
    out = capsys.readouterr()
    assert got == code, out
    return out.out + out.err


def test_cli_end_to_end(env, capsys, monkeypatch):
    db = str(env / "山形市.db")
    base = ["cases", "--store", db]
    assert "ストアを作成しました" in run(capsys, monkeypatch, [*base, "init", "--admin", "yamada"])
    monkeypatch.setenv("HIMOZUKE_NEW_PASSWORD", "worker-pass-1")
    run(capsys, monkeypatch, [*base, "--user", "yamada", "users", "add", "tanaka", "担当者"])
    monkeypatch.setenv("HIMOZUKE_NEW_PASSWORD", "checker-pass-1")
    run(capsys, monkeypatch, [*base, "--user", "yamada", "users", "add", "suzuki", "確認者"])
    result = env / "結果.parquet"
    result_frame(dv_rows=(4,)).write_parquet(result)
    tanaka = [*base, "--user", "tanaka"]
    out = run(capsys, monkeypatch, [*tanaka, "import", str(result), "--body-code", "062014", "--body-name", "山形市",
                                    "--jimu", "障害者手帳情報"], password="worker-pass-1")
    assert "実行 1: 案件 5 件" in out
    # a mistyped filter is an error naming the right values, not an empty list read as "no cases"
    out = run(capsys, monkeypatch, [*tanaka, "list", "--state", "未着手 "], code=2)
    assert "状態「未着手 」はありません" in out and "未着手・自動応答不可設定済" in out
    out = run(capsys, monkeypatch, [*tanaka, "export", str(env / "x.csv"), "--verdict", "b"], code=2)
    assert "B・C・E" in out and not (env / "x.csv").exists()
    out = run(capsys, monkeypatch, [*tanaka, "list", "--verdict", "B"])
    n = numbers(6)[1]
    assert f"{n[:4]} **** {n[8:]}" in out and n not in out
    assert "（DV等支援対象のため非表示）" in out and "蔵王温泉" in out  # case 4 hidden, case 1 shown
    out = run(capsys, monkeypatch, [*tanaka, "act", "1", "自動応答不可設定", "--field", "範囲=②"])
    assert "未着手 → 自動応答不可設定済" in out and "他のデータセットも含めて" in out
    run(capsys, monkeypatch, [*tanaka, "act", "1", "連絡記録", "--field", "方法=電話", "--field", "日付=2023-11-01",
                              "--field", "結果=確認できた"])
    run(capsys, monkeypatch, [*tanaka, "act", "1", "確認結果", "--field", "確認結果=別人のもの", "--field", "閲覧=無",
                              "--field", "情報連携=無"])
    run(capsys, monkeypatch, [*tanaka, "act", "1", "対応提案", "--field", "分岐=④"])
    out = run(capsys, monkeypatch, [*tanaka, "approve", "1"], code=2)
    assert "担当者 は「承認」を行えません" in out
    out = run(capsys, monkeypatch, [*base, "--user", "suzuki", "approve", "1"], password="checker-pass-1")
    assert "承認待ち → 修正済" in out
    out = run(capsys, monkeypatch, [*tanaka, "show", "1"], password="worker-pass-1")
    assert "修正済" in out and "自動応答不可設定解除" in out
    out = run(capsys, monkeypatch, [*tanaka, "reveal", "1"])
    assert n in out
    out = run(capsys, monkeypatch, [*tanaka, "act", "4", "連絡記録", "--field", "方法=郵送"], code=2)
    assert "状態「未着手」" in out and "Traceback" not in out
    out = run(capsys, monkeypatch, [*base, "audit", "verify"])
    assert "監査証跡は正常です" in out
    out_dir = env / "out"
    out_dir.mkdir()
    (out_dir / "result.csv").write_text("x")
    admin = [*base, "--user", "yamada"]
    assert "上長の最終承認: 要" in run(capsys, monkeypatch, [*admin, "final-approval", "on"], password="admin-pass-1")
    assert "保存中" in run(capsys, monkeypatch, [*admin, "runs"])
    assert "削除されていない実行" in run(capsys, monkeypatch, [*admin, "destroy"], code=2)
    out = run(capsys, monkeypatch, [*admin, "purge", "1", "--output", str(out_dir)])
    assert "案件 5 件" in out and not out_dir.exists()
    assert "削除済" in run(capsys, monkeypatch, [*admin, "runs"])
    run(capsys, monkeypatch, [*admin, "destroy"])
    assert not (env / "山形市.db").exists() and not list(env.glob("山形市.db*"))


def test_cli_wrong_passphrase_is_one_line(env, capsys, monkeypatch):
    db = str(env / "s.db")
    run(capsys, monkeypatch, ["cases", "--store", db, "init", "--admin", "yamada"])
    monkeypatch.setenv("HIMOZUKE_PASSPHRASE", "a wrong passphrase")
    out = run(capsys, monkeypatch, ["cases", "--store", db, "--user", "yamada", "list"], code=2)
    assert "パスフレーズが違う" in out and "Traceback" not in out
    assert PASSPHRASE not in out


def test_cli_masked_result_is_refused(env, capsys, monkeypatch):
    import polars as pl

    db = str(env / "s.db")
    run(capsys, monkeypatch, ["cases", "--store", db, "init", "--admin", "yamada"])
    masked = env / "masked.csv"
    result_frame().with_columns(pl.lit("1234 **** 9018").alias("個人番号")).write_csv(masked)
    out = run(capsys, monkeypatch, ["cases", "--store", db, "--user", "yamada", "import", str(masked),
                                    "--body-code", "062014", "--body-name", "山形市", "--jimu", "x"], code=2)
    assert "マスクされた結果は取り込めません" in out
