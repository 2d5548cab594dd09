"""Crash safety (DESIGN invariant: the follow-up store survives SIGKILL with every acknowledged change).

A child process imports runs and takes workflow steps in a loop; it is SIGKILLed at a random moment 200 times.
After each kill the store must open, pass ``integrity_check``, hold every change the child acknowledged (printed
after commit), hold no workflow event without its audit entry, and its audit chain must verify.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from himozuke.cases import audit
from himozuke.cases import store as store_mod
from himozuke.cases import users as users_mod
from himozuke.match.engine import RESULT_COLUMNS
from tests.cases.conftest import PASSPHRASE, PASSWORD, identity, result_rows

KILLS = 200
CHILD = Path(__file__).with_name("_crash_child.py")
ROOT = Path(__file__).resolve().parents[2]


def _check(db: Path, acked: list[str]) -> None:
    with store_mod.open_store(db, PASSPHRASE) as store:
        assert store.query("PRAGMA integrity_check") == [("ok",)]
        assert audit.verify(store) == []
        for line in acked:
            kind, *rest = line.split()
            if kind == "IMPORT":
                sha, run_id = rest
                assert store.query("SELECT id FROM runs WHERE inputs_sha256 = ?", (sha,)) == [(int(run_id),)]
                assert store.query("SELECT count(*) FROM cases WHERE run_id = ?", (int(run_id),)) == [(5,)]
            elif kind == "ACT":
                case_id, action, to_state, seq = rest
                assert store.query("SELECT action, case_id FROM audit WHERE seq = ?", (int(seq),)) == [
                    (action, int(case_id))]
                assert store.query("SELECT count(*) FROM events WHERE case_id = ? AND action = ? AND to_state = ?",
                                   (int(case_id), action, to_state))[0][0] >= 1
        events = store.query("SELECT count(*) FROM events WHERE action != '取込'")[0][0]
        audited = store.query("SELECT count(*) FROM audit WHERE case_id IS NOT NULL")[0][0]
        assert events == audited  # a change and its audit entry commit together
        imports = store.query("SELECT count(*) FROM audit WHERE action = '取込'")[0][0]
        assert imports == store.query("SELECT count(*) FROM runs")[0][0]


def test_sigkill_at_random_moments(tmp_path, monkeypatch):
    db = tmp_path / "crash.db"
    with store_mod.open_store(db, PASSPHRASE, create=True) as store:
        users_mod.add_user(store, None, "admin", "管理者", PASSWORD)
        admin = store.login("admin", PASSWORD)
        users_mod.add_user(store, admin, "tanaka", "担当者", PASSWORD)
        users_mod.add_user(store, admin, "suzuki", "確認者", PASSWORD)
    data = tmp_path / "spec.json"
    ident = identity() | {"counts": {"A": 1, "B": 2, "C": 2, "E": 1}}
    data.write_text(json.dumps({"rows": result_rows(), "columns": list(RESULT_COLUMNS), "identity": ident},
                               ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
           "HIMOZUKE_PASSPHRASE": PASSPHRASE, "HIMOZUKE_PASSWORD": PASSWORD}  # not in argv (visible in ps)
    rng = random.Random(2023)
    started = time.monotonic()
    total_acked = 0
    for i in range(KILLS):
        child = subprocess.Popen([sys.executable, str(CHILD), str(db), str(data), str(i)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        ready = child.stdout.readline()
        assert ready == "READY\n", child.stderr.read()
        time.sleep(rng.uniform(0, 0.04))
        os.kill(child.pid, signal.SIGKILL)
        out, err = child.communicate()
        assert child.returncode == -signal.SIGKILL, err
        acked = [line for line in out.splitlines(keepends=True) if line.endswith("\n")]
        total_acked += len(acked)
        _check(db, [line.strip() for line in acked])
    assert total_acked > KILLS  # the kills did land among changes, not only before the first
    assert time.monotonic() - started < 120
