"""Users and roles of a store. Every action takes a :class:`User` that :func:`login` returned.

Roles (「総点検マニュアル」第2.1版 §12 安全管理措置: who may do what with 特定個人情報):
担当者 works cases; 確認者 approves another's resolution (four-eyes); 管理者 manages users, settings and purges
and may approve; 上長 gives the optional final approval. The first user of a store is a 管理者, so a store is
never without someone who can manage it.

Passwords: scrypt with a per-user salt, compared with :func:`hmac.compare_digest` (constant time).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from himozuke.cases import audit
from himozuke.errors import HimozukeError, UsageError

if TYPE_CHECKING:
    from himozuke.cases.store import CaseStore


class Role(StrEnum):
    WORKER = "担当者"
    CHECKER = "確認者"
    ADMIN = "管理者"
    SUPERIOR = "上長"


#: scrypt cost of a password (N = 2**14: 16 MiB, ≈ 50 ms per login). Stored with each hash; tests lower it.
PASSWORD_N = 2**14
MIN_PASSWORD = 8


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: Role


def _hash(password: str, salt: bytes, n: int, r: int = 8, p: int = 1) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * n * r + 1024 * 1024,
                          dklen=32)


def _encode(password: str) -> str:
    salt = secrets.token_bytes(16)
    return f"scrypt${PASSWORD_N}$8$1${salt.hex()}${_hash(password, salt, PASSWORD_N).hex()}"


def _matches(password: str, encoded: str) -> bool:
    _, n, r, p, salt, digest = encoded.split("$")
    return hmac.compare_digest(_hash(password, bytes.fromhex(salt), int(n), int(r), int(p)), bytes.fromhex(digest))


#: A hash to compare against when the name is unknown, so a failed login takes as long either way.
_DUMMY: dict[int, str] = {}


def require_role(user: User, roles: Iterable[str], what: str) -> None:
    roles = tuple(roles)
    if not isinstance(user, User):
        raise UsageError("ログインした利用者が必要です", "an authenticated user is required")
    if user.role not in roles:
        raise HimozukeError(f"{user.role} は「{what}」を行えません（可: {'・'.join(roles)}）",
                            f"role {user.role} may not do {what} (allowed: {', '.join(roles)})")


def add_user(store: CaseStore, actor: User | None, name: str, role: str, password: str) -> User:
    """Add a user. Without an ``actor`` only the first user, who must be a 管理者; afterwards a 管理者 adds users."""
    name = name.strip()
    try:
        role = Role(role)
    except ValueError:
        raise UsageError(f"役割「{role}」はありません（{'・'.join(Role)}）",
                         f"unknown role {role!r} (one of {', '.join(Role)})") from None
    if not name:
        raise UsageError("利用者名が空です", "the user name is empty")
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"パスワードは{MIN_PASSWORD}文字以上にしてください",
                         f"the password must be at least {MIN_PASSWORD} characters")
    encoded = _encode(password)
    with store.tx() as db:
        count = db.execute("SELECT count(*) FROM users").fetchone()[0]
        if actor is None:
            if count:
                raise HimozukeError("利用者の追加には管理者のログインが必要です",
                                    "adding a user needs a logged-in 管理者")
            if role is not Role.ADMIN:
                raise UsageError("最初の利用者は管理者にしてください", "the first user of a store must be a 管理者")
        else:
            require_role(actor, (Role.ADMIN,), "利用者の追加 / add user")
        if db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise UsageError(f"利用者「{name}」は既にあります", f"user {name!r} already exists")
        uid = db.execute("INSERT INTO users (name, role, password, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
                         (name, str(role), encoded, store.now(), actor.id if actor else None)).lastrowid
        audit.append(store, actor.name if actor else name, "利用者追加", details={"user": name, "role": str(role)})
    return User(uid, name, role)


def login(store: CaseStore, name: str, password: str) -> User:
    """The user if the password matches; otherwise the failure is audited and a :class:`HimozukeError` raised."""
    row = store.conn.execute("SELECT id, role, password FROM users WHERE name = ?", (name,)).fetchone()
    if row is None:
        if PASSWORD_N not in _DUMMY:
            _DUMMY[PASSWORD_N] = _encode(secrets.token_hex(8))
        _matches(password, _DUMMY[PASSWORD_N])
        ok = False
    else:
        ok = _matches(password, row[2])
    if not ok:
        audit.record(store, name, "ログイン失敗", details={"known_user": row is not None})
        raise HimozukeError("利用者名かパスワードが違います", "wrong user name or password")
    return User(row[0], name, Role(row[1]))


def list_users(store: CaseStore) -> list[User]:
    return [User(i, n, Role(r)) for i, n, r in store.query("SELECT id, name, role FROM users ORDER BY id")]


PASSWORD_ENV = "HIMOZUKE_PASSWORD"


def password_from(prompt: str = "パスワード / password: ") -> str:
    """A user's password: env ``HIMOZUKE_PASSWORD``, else a prompt on a terminal (never an option: a command line
    is visible to every process of the machine)."""
    import getpass
    import os
    import sys

    env = os.environ.get(PASSWORD_ENV)
    if env:
        return env
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(prompt)
    raise UsageError("パスワードがありません。環境変数 HIMOZUKE_PASSWORD で指定してください",
                     "no password: set HIMOZUKE_PASSWORD")
