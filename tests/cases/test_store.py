"""The encrypted store: key handling, refusal of a wrong passphrase, nothing readable on disk, import."""

from __future__ import annotations

import pytest

from himozuke.cases import store as store_mod
from himozuke.cases import users as users_mod
from himozuke.errors import HimozukeError
from tests.cases.conftest import PASSPHRASE, PASSWORD, PLANTED_NAME, identity, numbers, result_frame


def test_wrong_passphrase_opens_nothing(tmp_path, store, loaded):
    path = store.path
    store.close()
    with pytest.raises(HimozukeError, match="パスフレーズが違う"):
        store_mod.open_store(path, "wrong passphrase!!")
    with store_mod.open_store(path, PASSPHRASE) as again:  # the right one still works
        assert again.query("SELECT count(*) FROM cases")[0][0] == 5


def test_missing_store_and_salt_are_errors(tmp_path, store):
    with pytest.raises(HimozukeError, match="ストアがありません"):
        store_mod.open_store(tmp_path / "none.db", PASSPHRASE)
    path = store.path
    store.close()
    store_mod.salt_path(path).unlink()
    with pytest.raises(HimozukeError, match="ソルトファイル"):
        store_mod.open_store(path, PASSPHRASE)


def test_create_refuses_existing(store):
    with pytest.raises(HimozukeError, match="既にあります"):
        store_mod.open_store(store.path, PASSPHRASE, create=True)


def test_salt_sidecar_holds_salt_only(store):
    text = store_mod.salt_path(store.path).read_text()
    assert PASSPHRASE not in text
    assert set(__import__("json").loads(text)) == {"kdf", "n", "r", "p", "salt"}


def test_schema_version_is_latest(store):
    assert store.schema_version() == len(store_mod.MIGRATIONS)


def test_database_file_holds_no_readable_name_or_number(tmp_path, store, loaded):
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = store.path
    store.close()
    data = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("cases.db"))
    assert PLANTED_NAME.encode("utf-8") not in data
    assert "蔵王堂".encode() not in data
    for number in numbers(6):
        assert number.encode("ascii") not in data
    assert b"SQLite format 3" not in data
    assert path.stat().st_mode & 0o077 == 0


def test_import_makes_one_case_per_bce_row(store, people, loaded):
    rows = store.query("SELECT row_no, verdict, state, dv, extras FROM cases ORDER BY id")
    assert [(r[0], r[1], r[2]) for r in rows] == [(3, "B", "未着手"), (4, "C", "未着手"), (5, "E", "未着手"),
                                                   (6, "B", "未着手"), (7, "C", "未着手")]
    assert [r[3] for r in rows] == [0, 0, 0, 1, 0]
    assert '"宛名番号": "A00001"' in rows[0][4]
    identity_json = store.query("SELECT identity FROM runs")[0][0]
    assert '"counts": {"A": 1, "B": 2, "C": 2, "E": 1}' in identity_json


def test_import_same_identity_is_a_no_op(store, people, loaded):
    again = store_mod.import_result(store, result_frame(), identity(), actor=people["tanaka"])
    assert again == loaded
    assert store.query("SELECT count(*) FROM cases")[0][0] == 5
    other = store_mod.import_result(store, result_frame(), identity(sha="b" * 64), actor=people["tanaka"])
    assert other != loaded


def test_import_refuses_masked_numbers(store, people):
    import polars as pl

    frame = result_frame().with_columns(pl.lit("1234 **** 9018").alias("個人番号"))
    with pytest.raises(HimozukeError, match="マスク"):
        store_mod.import_result(store, frame, identity(), actor=people["tanaka"])


@pytest.mark.parametrize("value", ["1", "１", "有", "○", "対象", "true", "TRUE"])
def test_dv_truthy_values(value):
    assert store_mod.is_dv(value)


@pytest.mark.parametrize("value", ["", "0", "無", None, "false"])
def test_dv_falsy_values(value):
    assert not store_mod.is_dv(value)


def test_first_user_must_be_admin(store):
    with pytest.raises(HimozukeError, match="管理者"):
        users_mod.add_user(store, None, "tanaka", "担当者", PASSWORD)


def test_only_admin_adds_users(store, people):
    with pytest.raises(HimozukeError, match="担当者"):
        users_mod.add_user(store, people["tanaka"], "x", "担当者", PASSWORD)
    with pytest.raises(HimozukeError, match="管理者のログイン"):
        users_mod.add_user(store, None, "y", "管理者", PASSWORD)


def test_wrong_password_is_refused_and_audited(store, people):
    with pytest.raises(HimozukeError, match="パスワードが違います"):
        store.login("tanaka", "not-the-password")
    with pytest.raises(HimozukeError, match="パスワードが違います"):
        store.login("nobody", "not-the-password")
    assert store.query("SELECT actor, action FROM audit WHERE action = 'ログイン失敗'") == [
        ("tanaka", "ログイン失敗"), ("nobody", "ログイン失敗")]


def test_passwords_are_not_stored_in_clear(store, people):
    stored = store.query("SELECT password FROM users")
    assert all(PASSWORD not in p for (p,) in stored)
    assert all(p.startswith("scrypt$") for (p,) in stored)


def test_passphrase_sources(tmp_path, monkeypatch):
    f = tmp_path / "pass.txt"
    f.write_text("from the file\n")
    assert store_mod.passphrase_from(f) == "from the file"
    monkeypatch.setenv("HIMOZUKE_PASSPHRASE", "from the env")
    assert store_mod.passphrase_from(None) == "from the env"
    monkeypatch.delenv("HIMOZUKE_PASSPHRASE")
    monkeypatch.setattr("sys.stdin", None)
    with pytest.raises(HimozukeError, match="パスフレーズがありません"):
        store_mod.passphrase_from(None)
