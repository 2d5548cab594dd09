"""The audit trail: an append-only hash chain of every change, approval, export, login failure and reveal.

Why a chain: 「総点検マニュアル」第2.1版 §12 (安全管理措置) asks that handling of 特定個人情報 be controlled; a log a
user with the passphrase could quietly edit proves nothing. Each entry's ``hash`` is
``sha256(prev_hash + canonical JSON of (seq, at, actor, action, case_id, run_id, details))``, so editing, removing
or reordering an entry breaks the chain at that ``seq``. Triggers refuse UPDATE / DELETE on the table; the chain
catches whoever drops them. Removing the *newest* entries leaves a valid shorter chain: compare the head hash
(:func:`head`) with one written down elsewhere (e.g. in the monthly 定期報告 file) to catch that.

``details`` never holds personal data: counts, states, enum-valued fields, ids — no number, name or address.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from himozuke.cases.store import CaseStore

GENESIS = "0" * 64


def _canonical(entry: dict[str, Any]) -> str:
    return json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def entry_hash(prev_hash: str, seq: int, at: str, actor: str, action: str, case_id: int | None,
               run_id: int | None, details: dict[str, Any]) -> str:
    entry = {"seq": seq, "at": at, "actor": actor, "action": action, "case_id": case_id, "run_id": run_id,
             "details": details}
    return hashlib.sha256((prev_hash + _canonical(entry)).encode("utf-8")).hexdigest()


def append(store: CaseStore, actor: str, action: str, *, case_id: int | None = None, run_id: int | None = None,
           details: dict[str, Any] | None = None) -> int:
    """Append one entry; call inside the transaction of the change it records. Returns its seq."""
    details = details or {}
    last = store.conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    at = store.now()
    digest = entry_hash(prev, seq, at, actor, action, case_id, run_id, details)
    store.conn.execute("INSERT INTO audit (seq, at, actor, action, case_id, run_id, details, prev_hash, hash)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (seq, at, actor, action, case_id, run_id, _canonical(details), prev, digest))
    return seq


def record(store: CaseStore, actor: str, action: str, **kw: Any) -> int:
    """:func:`append` in a transaction of its own (for events that change nothing else: a reveal, a failed login)."""
    with store.tx():
        return append(store, actor, action, **kw)


@dataclass(frozen=True)
class Problem:
    seq: int
    what: str

    def __str__(self) -> str:
        return f"seq {self.seq}: {self.what}"


def verify(store: CaseStore) -> list[Problem]:
    """Every break of the chain, by seq: a gap (removed entry), a wrong ``prev_hash`` (removed or reordered) or a
    wrong ``hash`` (edited or reordered). An empty list means the chain holds."""
    problems: list[Problem] = []
    prev_hash, expected_seq = GENESIS, 1
    rows = store.conn.execute(
        "SELECT seq, at, actor, action, case_id, run_id, details, prev_hash, hash FROM audit ORDER BY seq")
    for seq, at, actor, action, case_id, run_id, details, stored_prev, stored_hash in rows:
        if seq != expected_seq:
            problems.append(Problem(seq, f"seq {expected_seq}–{seq - 1} がありません / entries missing before it"))
        if stored_prev != prev_hash:
            problems.append(Problem(seq, "前の項目とつながりません / prev_hash does not match the previous entry"))
        try:
            parsed = json.loads(details)
        except ValueError:
            parsed = None
        if parsed is None or entry_hash(stored_prev, seq, at, actor, action, case_id, run_id, parsed) != stored_hash:
            problems.append(Problem(seq, "内容が改変されています / entry content does not match its hash"))
        prev_hash, expected_seq = stored_hash, seq + 1
    return problems


def head(store: CaseStore) -> tuple[int, str]:
    """(seq, hash) of the newest entry: write it down to detect a truncated tail later."""
    row = store.conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, GENESIS)
