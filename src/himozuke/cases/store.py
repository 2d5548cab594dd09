"""The follow-up case store: one SQLCipher database per body, encrypted at rest.

Why encrypted: every B / C / E case carries a full 個人番号 and both sides' 基本4情報 for months of follow-up, and
「総点検マニュアル」第2.1版 §12 asks for 漏えい防止 of exactly this data. The key never touches the disk: it is
derived from a passphrase with scrypt (memory-hard, stdlib) and a random salt kept in ``<db>.salt`` (salt and
cost parameters only). Deleting that sidecar makes the database unreadable even with the passphrase
(:func:`himozuke.cases.retention.destroy_store`).

Durability: WAL journal with ``synchronous=FULL``; every change is one ``BEGIN IMMEDIATE`` transaction that also
appends its audit entry, so a SIGKILL leaves either the whole change (with its audit entry) or none of it.

This module must not import Polars (nor anything that does, such as ``himozuke.formats.columns``) at import time:
a small command or the crash test opens a store in a few milliseconds. The import functions load the column
names and the check engine only when they are called.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import os
import re
import secrets
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from himozuke.atomic import atomic_path
from himozuke.errors import HimozukeError, InputFileError, UsageError

if TYPE_CHECKING:
    import polars as pl

    from himozuke.cases.users import User

JST = timezone(timedelta(hours=9), "JST")
#: scrypt cost of the database key (N = 2**15, r = 8: 32 MiB, ≈ 0.1 s). Written into the sidecar at creation, so a
#: store keeps the cost it was made with; tests lower it.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
PASSPHRASE_ENV = "HIMOZUKE_PASSPHRASE"
#: How long a run is kept by default. 「総点検マニュアル」第2.1版 §12 asks to delete the data as soon as it is no
#: longer needed; follow-up of unanswered letters takes months (§7(7)), so a year is the default ceiling.
DEFAULT_RETENTION_DAYS = 365
#: 判定 values that become cases (「総点検マニュアル」第2.1版 §7(6) B)・C), and E = could not be compared).
CASE_VERDICTS = ("B", "C", "E")
INITIAL_STATE = "未着手"

#: Numbered migrations, applied in order, all pending ones in one transaction. Never edit a shipped entry:
#: append a new one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('担当者', '確認者', '管理者', '上長')),
        password TEXT NOT NULL,            -- 'scrypt$n$r$p$salt_hex$hash_hex'
        created_at TEXT NOT NULL,
        created_by INTEGER REFERENCES users(id)
    );
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        identity TEXT NOT NULL,            -- JSON, no personal data
        body_code TEXT NOT NULL,
        jimu TEXT NOT NULL,
        inputs_sha256 TEXT NOT NULL,
        rule_version TEXT NOT NULL,
        created_at TEXT NOT NULL,
        retention_until TEXT NOT NULL,
        purged_at TEXT
    );
    CREATE UNIQUE INDEX runs_identity ON runs (body_code, jimu, inputs_sha256, rule_version)
        WHERE purged_at IS NULL;
    CREATE TABLE cases (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        row_no INTEGER NOT NULL,           -- 行番号
        my_number TEXT,                    -- 個人番号 (full)
        verdict TEXT NOT NULL CHECK (verdict IN ('B', 'C', 'E')),
        reasons TEXT,
        priority INTEGER,
        items TEXT NOT NULL,               -- JSON {item: {"判定", "業務", "住基"}}
        extras TEXT NOT NULL,              -- JSON of pass-through columns (宛名番号, 方書 …)
        dv INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL,
        scope TEXT,                        -- 自動応答不可設定の単位 ① / ② / ③
        result TEXT,                       -- 確認結果
        viewed TEXT,                       -- 閲覧 有 / 無 (紐付け誤り only)
        exchanged TEXT,                    -- 情報連携 有 / 無 (紐付け誤り only)
        branch TEXT,                       -- §9(2) ①–⑦
        started_at TEXT,                   -- left 未着手
        result_at TEXT,                    -- 確認結果 recorded
        wrong_at TEXT,                     -- counted as 紐付け誤り
        resolved_at TEXT,                  -- 修正済 / 紐付け削除 took effect
        updated_at TEXT NOT NULL,
        UNIQUE (run_id, row_no)
    );
    CREATE INDEX cases_state ON cases (state);
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        actor INTEGER REFERENCES users(id),
        action TEXT NOT NULL,
        from_state TEXT,
        to_state TEXT NOT NULL,
        fields TEXT NOT NULL
    );
    CREATE INDEX events_case ON events (case_id);
    CREATE TABLE contacts (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        actor INTEGER NOT NULL REFERENCES users(id),
        method TEXT NOT NULL CHECK (method IN ('電話', '郵送', '訪問')),
        contact_date TEXT NOT NULL,
        outcome TEXT NOT NULL,
        note TEXT
    );
    CREATE TABLE proposals (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        origin_state TEXT NOT NULL,
        target_state TEXT NOT NULL,
        branch TEXT,
        author INTEGER NOT NULL REFERENCES users(id),
        proposed_at TEXT NOT NULL,
        approved_by INTEGER REFERENCES users(id),
        approved_at TEXT,
        final_by INTEGER REFERENCES users(id),
        final_at TEXT,
        status TEXT NOT NULL CHECK (status IN ('提案中', '上長承認待ち', '適用', '差戻し'))
    );
    CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        case_id INTEGER,
        run_id INTEGER,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
    """,
    # 2: tokens of the business systems that call POST /api/v1/verify (himozuke.cases.tokens): only the SHA-256
    # of each token; a revoked token keeps its row (its name stays in the audit trail) and is never reused.
    """
    CREATE TABLE api_tokens (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        token_sha256 TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        created_by INTEGER NOT NULL REFERENCES users(id),
        revoked_at TEXT,
        revoked_by INTEGER REFERENCES users(id)
    );
    """,
    # 3: a re-check (check --baseline) found the record 判定 A: the officer may propose to end the case (four-eyes)
    """
    ALTER TABLE cases ADD COLUMN recheck_a_at TEXT;
    CREATE INDEX cases_number ON cases (my_number);
    """,
)


def _now() -> datetime:
    return datetime.now(JST)


class CaseStore:
    """An open store. Use as a context manager; all changes go through :meth:`tx`."""

    def __init__(self, path: Path, conn: Any, clock: Callable[[], datetime] = _now) -> None:
        self.path = path
        self.conn = conn
        #: Source of transition times (tests replace it to walk through months).
        self.clock = clock

    def __enter__(self) -> CaseStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def now(self) -> str:
        """The current time as ISO text in JST (month ends are Japanese month ends, and text compares)."""
        return self.clock().astimezone(JST).isoformat(timespec="seconds")

    @contextlib.contextmanager
    def tx(self) -> Iterator[Any]:
        """One write transaction (``BEGIN IMMEDIATE``): the change and its audit entry commit together."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return self.conn.execute(sql, params).fetchall()

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.query("SELECT value FROM settings WHERE key = ?", (key,))
        return row[0][0] if row else default

    def login(self, name: str, password: str) -> User:
        """The authenticated user, or a :class:`HimozukeError` (the failure is audited)."""
        from himozuke.cases.users import login

        return login(self, name, password)

    def schema_version(self) -> int:
        return self.query("SELECT version FROM schema_version")[0][0]


# ---- key handling -------------------------------------------------------------------------------------------

def salt_path(db: Path) -> Path:
    """The sidecar holding the scrypt salt and cost (never the key or the passphrase)."""
    return db.with_name(db.name + ".salt")


def store_files(db: Path) -> tuple[Path, ...]:
    """Every file a store at ``db`` consists of: the salt, the database and SQLite's WAL and shared memory."""
    return (salt_path(db), db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"))


def _derive_key(passphrase: str, kdf: Mapping[str, Any]) -> str:
    n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
    key = hashlib.scrypt(passphrase.encode("utf-8"), salt=bytes.fromhex(kdf["salt"]), n=n, r=r, p=p,
                         maxmem=256 * n * r + 1024 * 1024, dklen=32)
    return key.hex()


def passphrase_from(file: Path | None) -> str:
    """The store passphrase: ``--passphrase-file``, else env ``HIMOZUKE_PASSPHRASE``, else a prompt on a tty.

    Never echoed or logged. A non-interactive run without either is an error rather than a hang.
    """
    if file is not None:
        try:
            text = Path(file).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as e:
            raise InputFileError("パスフレーズファイルを読めません", f"cannot read the passphrase file ({e.strerror})",
                                 file=str(file)) from None
        if not text:
            raise UsageError("パスフレーズファイルが空です", "the passphrase file is empty", file=str(file))
        return text
    env = os.environ.get(PASSPHRASE_ENV)
    if env:
        return env
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass("ストアのパスフレーズ / store passphrase: ")
    raise UsageError("パスフレーズがありません。--passphrase-file か環境変数 HIMOZUKE_PASSPHRASE で指定してください",
                     "no passphrase: give --passphrase-file or set HIMOZUKE_PASSPHRASE")


def _connect(path: Path, key_hex: str) -> Any:
    import sqlcipher3

    conn = sqlcipher3.connect(str(path), isolation_level=None, timeout=30)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{key_hex}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the first read proves the key
    except sqlcipher3.DatabaseError:
        conn.close()
        raise HimozukeError("ストアを開けません。パスフレーズが違うか、ストアのファイルではありません",
                            "cannot open the store: wrong passphrase, or not a store file", file=str(path)) from None
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA secure_delete = ON")  # purged rows are overwritten, not left in free pages
    return conn


def _migrate(conn: Any) -> None:
    """Apply every pending migration and the new version in one transaction (all or nothing)."""
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = conn.execute("SELECT version FROM schema_version").fetchone()
    if row is None:
        conn.execute("INSERT INTO schema_version VALUES (0)")
        current = 0
    else:
        current = row[0]
    if current > len(MIGRATIONS):
        raise HimozukeError(f"ストアの版 {current} はこの himozuke より新しいものです",
                            f"store schema {current} is newer than this himozuke ({len(MIGRATIONS)})")
    if current == len(MIGRATIONS):
        return
    script = "BEGIN IMMEDIATE;\n" + "\n".join(MIGRATIONS[current:]) + \
        f"\nUPDATE schema_version SET version = {len(MIGRATIONS)};\nCOMMIT;"
    try:
        conn.executescript(script)
    except Exception:
        with contextlib.suppress(Exception):
            conn.execute("ROLLBACK")
        raise


def open_store(path: str | os.PathLike, passphrase: str, *, create: bool = False,
               clock: Callable[[], datetime] = _now) -> CaseStore:
    """Open (or with ``create=True`` make) the store at ``path``.

    A missing file without ``create``, an existing one with it, a missing salt sidecar and a wrong passphrase are
    each a one-line :class:`HimozukeError`; nothing is created by a failed open.
    """
    path = Path(path)
    sidecar = salt_path(path)
    if create:
        if path.exists():
            raise UsageError("ストアは既にあります", "the store already exists", file=str(path))
        if len(passphrase) < 12:
            raise UsageError("パスフレーズは12文字以上にしてください", "the passphrase must be at least 12 characters")
        kdf = {"kdf": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": secrets.token_hex(16)}
        with atomic_path(sidecar) as tmp:
            tmp.write_text(json.dumps(kdf), encoding="utf-8")
    else:
        if not path.exists():
            raise HimozukeError("ストアがありません（作成は himozuke cases init）",
                                "no such store (create it with: himozuke cases init)", file=str(path))
        try:
            kdf = json.loads(sidecar.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise HimozukeError("ソルトファイルがないか壊れているため、ストアを開けません",
                                "the salt sidecar is missing or damaged: the store cannot be opened",
                                file=str(sidecar)) from None
    conn = _connect(path, _derive_key(passphrase, kdf))
    try:
        _migrate(conn)
    except BaseException:
        conn.close()
        raise
    if create:
        os.chmod(path, 0o600)
    return CaseStore(path, conn, clock)


# ---- import ------------------------------------------------------------------------------------------------

IDENTITY_REQUIRED = ("body_code", "body_name", "jimu", "inputs_sha256", "rule_version")
_MASKED = re.compile(r"\*")


def is_dv(value: object) -> bool:
    """DV等支援対象 flag (「総点検マニュアル」第2.1版 §7(6) ※): the package's one reading,
    :func:`himozuke.formats.columns.is_dv` (the one the outputs hide addresses by) — any value but blank or a known
    'no' marks a DV・虐待等被害者."""
    from himozuke.formats.columns import is_dv as flagged

    return flagged(None if value is None else str(value))


def import_result(store: CaseStore, result: pl.DataFrame, identity: Mapping[str, Any], *, actor: User | str) -> int:
    """Make one case per B / C / E row of a check result; return the run id.

    ``result`` has the columns of :data:`himozuke.match.engine.RESULT_COLUMNS` with *full* numbers (a masked
    number is refused: a case must be linkable to the 中間サーバ record), plus any pass-through columns, kept as
    extras. Idempotent: the same run identity (body_code, jimu, inputs_sha256, rule_version) imported again is a
    no-op that returns the existing run id, so a re-run ``check --store`` never duplicates cases. The run's
    A / B / C / E counts (for 定期報告, §7(8)) are computed from ``result`` unless ``identity["counts"]`` has them.
    ``actor`` is a logged-in :class:`~himozuke.cases.users.User`, or for ``check --store`` (the check itself
    importing its own result) the name recorded in the audit trail.
    """
    from himozuke.formats import columns as C
    from himozuke.match.engine import RESULT_COLUMNS

    missing = [c for c in RESULT_COLUMNS if c not in result.columns]
    if missing:
        raise InputFileError(f"結果に列がありません: {'、'.join(missing)}",
                             f"the result lacks columns: {', '.join(missing)}")
    identity = dict(identity)
    if "counts" not in identity:
        counts = result.get_column(C.VERDICT).value_counts()
        found = dict(zip(counts.get_column(C.VERDICT).to_list(), counts.get_column("count").to_list(), strict=True))
        identity["counts"] = {v: int(found.get(v, 0)) for v in ("A", "B", "C", "E")}
    import polars as pl

    rows = result.filter(pl.col(C.VERDICT).is_in(CASE_VERDICTS)).to_dicts()
    return import_rows(store, rows, identity, actor=actor, result_columns=RESULT_COLUMNS)


def import_rows(store: CaseStore, rows: Sequence[Mapping[str, Any]], identity: Mapping[str, Any], *,
                actor: User | str, result_columns: Sequence[str]) -> int:
    """:func:`import_result` without Polars: ``rows`` are result rows as dicts (only B / C / E are kept)."""
    from himozuke.cases import audit
    from himozuke.cases.users import User, require_role
    from himozuke.formats import columns as C

    if isinstance(actor, User):
        require_role(actor, ("担当者", "確認者", "管理者"), "取込 / import")
        actor_id, actor_name = actor.id, actor.name
    elif isinstance(actor, str) and actor.strip():
        actor_id, actor_name = None, actor.strip()
    else:
        raise UsageError("取込には実行者が必要です", "an import needs an actor")
    missing = [k for k in IDENTITY_REQUIRED if not identity.get(k)]
    if missing:
        raise UsageError(f"実行の識別情報に項目がありません: {', '.join(missing)}",
                         f"the run identity lacks: {', '.join(missing)}")
    counts = identity.get("counts") or {}
    if sorted(counts) != ["A", "B", "C", "E"]:
        raise UsageError("実行の識別情報に A/B/C/E の件数がありません", "the run identity lacks the A/B/C/E counts")
    rows = [r for r in rows if r.get(C.VERDICT) in CASE_VERDICTS]
    if any(_MASKED.search(str(r.get(C.MY_NUMBER) or "")) for r in rows):
        raise InputFileError("個人番号がマスクされた結果は取り込めません（完全な番号の結果が必要です）",
                             "a result with masked numbers cannot be imported (full numbers are needed)")
    known = set(result_columns)
    items = C.ITEMS
    now = store.now()
    key = (identity["body_code"], identity["jimu"], identity["inputs_sha256"], identity["rule_version"])
    retention = identity.get("retention_until") or (
        date.fromisoformat(now[:10]) + timedelta(days=DEFAULT_RETENTION_DAYS)).isoformat()
    stored_identity = {k: identity.get(k) for k in (*IDENTITY_REQUIRED, "home_prefecture", "engine", "excluded",
                                                    "excluded_counts", "replaces")}
    stored_identity |= {"counts": {k: int(v) for k, v in counts.items()}, "created_at": now}
    with store.tx() as db:
        existing = db.execute("SELECT id FROM runs WHERE body_code = ? AND jimu = ? AND inputs_sha256 = ? "
                              "AND rule_version = ? AND purged_at IS NULL", key).fetchone()
        if existing:
            return existing[0]
        run_id = db.execute(
            "INSERT INTO runs (identity, body_code, jimu, inputs_sha256, rule_version, created_at, retention_until)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (json.dumps(stored_identity, ensure_ascii=False), *key, now, retention)).lastrowid
        for r in rows:
            item_json = {i: {"判定": r.get(C.item_verdict(i)), "業務": r.get(C.business(i)),
                             "住基": r.get(C.registry(i))} for i in items}
            extras = {k: (None if v is None else str(v)) for k, v in r.items() if k not in known}
            case_id = db.execute(
                "INSERT INTO cases (run_id, row_no, my_number, verdict, reasons, priority, items, extras, dv, state,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run_id, int(r[C.ROW]), r.get(C.MY_NUMBER), r[C.VERDICT], r.get(C.REASONS), r.get(C.PRIORITY),
                 json.dumps(item_json, ensure_ascii=False), json.dumps(extras, ensure_ascii=False),
                 int(is_dv(r.get(C.DV_FLAG))), INITIAL_STATE, now)).lastrowid
            db.execute("INSERT INTO events (case_id, at, actor, action, from_state, to_state, fields)"
                       " VALUES (?, ?, ?, '取込', NULL, ?, '{}')", (case_id, now, actor_id, INITIAL_STATE))
        audit.append(store, actor_name, "取込", run_id=run_id,
                     details={"cases": len(rows), "counts": stored_identity["counts"], "jimu": identity["jimu"],
                              "inputs_sha256": identity["inputs_sha256"]})
    return run_id
