"""#19 part 2: API tokens in the case store — issued and revoked by a 管理者, kept only as hashes, audited."""

from __future__ import annotations

import hashlib
import json

import pytest

from himozuke.cases import audit, tokens
from himozuke.cases import store as store_mod
from himozuke.errors import HimozukeError
from himozuke.web.api_guard import RateLimit
from tests.cases.conftest import PASSPHRASE
from tests.cases.test_cli import run


def test_a_token_is_shown_once_and_stored_as_its_hash(store, people):
    token = tokens.add_token(store, people["admin"], "窓口システム")
    assert token.startswith("hmz_") and len(token) > 40
    rows = store.query("SELECT * FROM api_tokens")
    assert token not in json.dumps(rows, ensure_ascii=False)
    assert tokens.active_tokens(store) == {hashlib.sha256(token.encode()).hexdigest(): "窓口システム"}
    assert [(t.name, t.created_by, t.revoked_at) for t in tokens.list_tokens(store)] == [("窓口システム", "admin", None)]
    tokens.revoke_token(store, people["admin"], "窓口システム")
    assert tokens.active_tokens(store) == {}
    assert [a for _, a in store.query("SELECT actor, action FROM audit WHERE action LIKE 'APIトークン%'")] == [
        "APIトークン発行", "APIトークン失効"]
    with pytest.raises(HimozukeError, match="失効済み"):
        tokens.revoke_token(store, people["admin"], "窓口システム")
    with pytest.raises(HimozukeError, match="再利用できません"):  # its name stays the one in the audit trail
        tokens.add_token(store, people["admin"], "窓口システム")


@pytest.mark.parametrize("who", ["tanaka", "suzuki"])
def test_only_an_admin_issues_or_revokes(store, people, who):
    with pytest.raises(HimozukeError, match="APIトークンの発行"):
        tokens.add_token(store, people[who], "x")
    tokens.add_token(store, people["admin"], "x")
    with pytest.raises(HimozukeError, match="APIトークンの失効"):
        tokens.revoke_token(store, people[who], "x")


def test_calls_are_audited_in_one_transaction_without_the_number(store):
    seqs = tokens.record_calls(store, [tokens.Call("窓口", "1234 **** 9018", "A"),
                                       tokens.Call("窓口", "1234 **** 9018", None, outcome="入力不備")])
    assert seqs == [1, 2] and audit.verify(store) == []
    details = [json.loads(d) for (d,) in store.query("SELECT details FROM audit ORDER BY seq")]
    assert [(d["判定"], d["結果"]) for d in details] == [("A", "照合"), (None, "入力不備")]


def test_a_store_of_the_first_schema_gains_the_token_table(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    monkeypatch.setattr(store_mod, "MIGRATIONS", store_mod.MIGRATIONS[:1])
    with store_mod.open_store(path, PASSPHRASE, create=True) as old:
        assert old.schema_version() == 1
        audit.record(old, "someone", "設定")
    monkeypatch.undo()
    monkeypatch.setattr(store_mod, "SCRYPT_N", 2**10)
    with store_mod.open_store(path, PASSPHRASE) as new:
        assert new.schema_version() == len(store_mod.MIGRATIONS) >= 2
        assert new.query("SELECT count(*) FROM api_tokens") == [(0,)]
        assert audit.verify(new) == [] and audit.head(new)[0] == 1


@pytest.mark.parametrize(("times", "expected"), [
    pytest.param([0, 0, 0], [0.0, 0.0, 0.5], id="連続2件まで、3件目は0.5秒待ち"),
    pytest.param([0, 0, 0.5], [0.0, 0.0, 0.0], id="0.5秒で1件分戻る"),
    pytest.param([0, 0, 0.25, 10, 10, 10], [0.0, 0.0, 0.25, 0.0, 0.0, 0.5], id="戻るのは上限まで"),
])
def test_rate_limit_is_a_token_bucket(times, expected):
    now = [0.0]
    limit = RateLimit(rate=2.0, burst=2, clock=lambda: now[0])
    got = []
    for t in times:
        now[0] = t
        got.append(limit.take("窓口"))
    assert got == expected
    assert limit.take("税務") == 0.0  # every token has its own bucket
    assert RateLimit.retry_after(0.25) == "1" and RateLimit.retry_after(2.0) == "2"


def test_token_commands_end_to_end(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HIMOZUKE_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("HIMOZUKE_PASSWORD", "admin-pass-1")
    base = ["cases", "--store", str(tmp_path / "s.db")]
    run(capsys, monkeypatch, [*base, "init", "--admin", "yamada"])
    out = run(capsys, monkeypatch, [*base, "--user", "yamada", "token", "add", "窓口システム"])
    assert "一度だけ" in out
    token = next(w for w in out.split() if w.startswith("hmz_"))
    listed = run(capsys, monkeypatch, [*base, "token", "list"])
    assert "窓口システム" in listed and token not in listed and "hmz_" not in listed
    out = run(capsys, monkeypatch, [*base, "--user", "yamada", "token", "revoke", "窓口システム"])
    assert "失効しました" in out
    out = run(capsys, monkeypatch, [*base, "--user", "yamada", "token", "revoke", "窓口システム"], code=2)
    assert "失効済み" in out and "Traceback" not in out
