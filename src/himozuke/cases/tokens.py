"""API tokens of the business systems that call ``POST /api/v1/verify`` at data entry (issue #19), and the audit
entries of their calls.

Why separate from users: a machine client has no password to type and no session; a 管理者 issues it a token
(shown once), and revokes it when the system is retired or the token may have leaked. Only the token's SHA-256 is
stored: the token is 32 random bytes, so a fast hash is enough (a password needs scrypt because it is guessable;
a 256-bit secret is not), and the check costs microseconds on every call.

Each call is one audit entry (actor 「トークン:NAME」) with the masked number and the 判定 — never the full number
(「総点検マニュアル」第2.1版 §12). :func:`record_calls` writes a batch of them in one transaction: the server
groups the calls that arrive while the previous batch is being written (one fsync for many calls).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from himozuke.cases import audit
from himozuke.cases.users import Role, User, require_role
from himozuke.errors import HimozukeError, UsageError

if TYPE_CHECKING:
    from himozuke.cases.store import CaseStore

#: Every token starts with this (a leaked one is recognisable in a scan of logs or repositories).
PREFIX = "hmz_"
#: The audit action of one call of the API and the actor prefix of a token.
CALL_ACTION = "一件照合（API）"
ACTOR_PREFIX = "トークン:"


@dataclass(frozen=True)
class Token:
    name: str
    created_at: str
    created_by: str
    revoked_at: str | None


@dataclass(frozen=True)
class Call:
    """One call of the API as the audit trail keeps it: no full number."""

    token: str
    masked_number: str
    verdict: str | None
    reasons: str | None = None
    outcome: str = "照合"

    def details(self) -> dict[str, Any]:
        return {"個人番号": self.masked_number, "判定": self.verdict, "理由": self.reasons, "結果": self.outcome}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_token(store: CaseStore, admin: User, name: str) -> str:
    """Issue a token named ``name`` (管理者 only); returns it — the only time it is ever seen."""
    require_role(admin, (Role.ADMIN,), "APIトークンの発行 / issue an API token")
    name = name.strip()
    if not name or any(c.isspace() for c in name):
        raise UsageError("トークン名は空白を含まない文字列にしてください", "a token name is one word without spaces")
    token = PREFIX + secrets.token_urlsafe(32)
    with store.tx() as db:
        if db.execute("SELECT 1 FROM api_tokens WHERE name = ?", (name,)).fetchone():
            raise UsageError(f"トークン「{name}」は既にあります（失効したものも名前は再利用できません）",
                             f"token {name!r} exists (a revoked token's name is not reused)")
        db.execute("INSERT INTO api_tokens (name, token_sha256, created_at, created_by) VALUES (?, ?, ?, ?)",
                   (name, token_hash(token), store.now(), admin.id))
        audit.append(store, admin.name, "APIトークン発行", details={"token": name})
    return token


def revoke_token(store: CaseStore, admin: User, name: str) -> None:
    """Revoke the token ``name`` (管理者 only); the server refuses it from its next refresh (about a second)."""
    require_role(admin, (Role.ADMIN,), "APIトークンの失効 / revoke an API token")
    with store.tx() as db:
        row = db.execute("SELECT revoked_at FROM api_tokens WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise HimozukeError(f"トークン「{name}」はありません", f"no token named {name!r}")
        if row[0] is not None:
            raise HimozukeError(f"トークン「{name}」は失効済みです（{row[0]}）", f"token {name!r} is already revoked")
        db.execute("UPDATE api_tokens SET revoked_at = ?, revoked_by = ? WHERE name = ?",
                   (store.now(), admin.id, name))
        audit.append(store, admin.name, "APIトークン失効", details={"token": name})


def list_tokens(store: CaseStore) -> list[Token]:
    return [Token(*r) for r in store.query(
        "SELECT t.name, t.created_at, u.name, t.revoked_at FROM api_tokens t JOIN users u ON u.id = t.created_by"
        " ORDER BY t.id")]


def active_tokens(store: CaseStore) -> dict[str, str]:
    """SHA-256 → name of every token not revoked (what the server authenticates against)."""
    return dict(store.query("SELECT token_sha256, name FROM api_tokens WHERE revoked_at IS NULL"))


def record_calls(store: CaseStore, calls: Iterable[Call]) -> list[int]:
    """One audit entry per call, all in one transaction; their seqs."""
    with store.tx():
        return [audit.append(store, ACTOR_PREFIX + c.token, CALL_ACTION, details=c.details()) for c in calls]
