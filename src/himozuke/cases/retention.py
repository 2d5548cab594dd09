"""Retention: delete a run's cases and outputs once they are no longer needed.

「総点検マニュアル」第2.1版 §12: 総点検の目的を達し、当データを保有する必要がなくなった場合は、当データをできるだけ速やかに
廃棄又は削除する. :func:`expired` lists runs past their ``retention_until``; :func:`purge` deletes a run's cases
(with their events, contacts and proposals; ``secure_delete`` overwrites the pages) and the output files the
caller names, and records counts — never data — in the audit trail. The run row stays, marked purged, so the
audit entries that refer to it keep their meaning. :func:`destroy_store` removes the whole store once no run is
left; deleting the salt sidecar alone already makes the database undecryptable.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from himozuke.cases import audit
from himozuke.cases.store import store_files
from himozuke.cases.users import Role, User, require_role
from himozuke.errors import HimozukeError, UsageError

if TYPE_CHECKING:
    from himozuke.cases.store import CaseStore

WORK_FOLDER = ".himozuke-work"


@dataclass(frozen=True)
class RunInfo:
    id: int
    body_code: str
    jimu: str
    created_at: str
    retention_until: str
    cases: int
    purged_at: str | None


def runs(store: CaseStore) -> list[RunInfo]:
    return [RunInfo(*r) for r in store.query(
        "SELECT r.id, r.body_code, r.jimu, r.created_at, r.retention_until,"
        " (SELECT count(*) FROM cases c WHERE c.run_id = r.id), r.purged_at FROM runs r ORDER BY r.id")]


def expired(store: CaseStore, today: date) -> list[RunInfo]:
    """Runs not yet purged whose retention_until is before ``today``."""
    return [r for r in runs(store) if r.purged_at is None and r.retention_until < today.isoformat()]


def _remove(path: Path) -> int:
    """Delete a file or a folder (with any ``.himozuke-work`` inside); the number of files removed."""
    if path.is_dir() and not path.is_symlink():
        count = sum(1 for p in path.rglob("*") if not p.is_dir())
        shutil.rmtree(path)
        return count
    if path.exists() or path.is_symlink():
        path.unlink()
        return 1
    return 0


def purge(store: CaseStore, user: User, run_id: int, *, outputs: Iterable[Path] = ()) -> dict[str, int]:
    """Delete run ``run_id``'s cases and the given output files / folders (管理者 only). Returns the counts.

    Files go first: if the process dies before the database commit, the cases are still there and the purge can
    simply be run again; the audit entry is never written for a deletion that did not happen.
    """
    require_role(user, (Role.ADMIN,), "削除 / purge")
    row = store.query("SELECT purged_at FROM runs WHERE id = ?", (run_id,))
    if not row:
        raise UsageError(f"実行 {run_id} はありません", f"no run {run_id}")
    if row[0][0] is not None:
        raise UsageError(f"実行 {run_id} は削除済みです", f"run {run_id} was already purged")
    outputs = [Path(p) for p in outputs]
    files = 0
    for p in outputs:  # a named folder goes whole, with the .himozuke-work folder a bucketed run leaves in it
        files += _remove(p)
    with store.tx() as db:
        counts = {t: db.execute(f"SELECT count(*) FROM {t} WHERE case_id IN (SELECT id FROM cases WHERE run_id = ?)",
                                (run_id,)).fetchone()[0] for t in ("events", "contacts", "proposals")}
        counts["cases"] = db.execute("DELETE FROM cases WHERE run_id = ?", (run_id,)).rowcount
        db.execute("UPDATE runs SET purged_at = ? WHERE id = ?", (store.now(), run_id))
        counts |= {"paths": len(outputs), "files": files}
        audit.append(store, user.name, "削除", run_id=run_id, details=counts)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # old pages leave the WAL file too
    return counts


def destroy_store(store: CaseStore, user: User) -> list[Path]:
    """Delete the whole store (database, WAL, salt) once every run is purged (管理者 only). Closes ``store``."""
    require_role(user, (Role.ADMIN,), "ストア削除 / destroy store")
    left = [r.id for r in runs(store) if r.purged_at is None]
    if left:
        raise HimozukeError(f"削除されていない実行があります: {', '.join(map(str, left))}",
                            f"runs not yet purged: {json.dumps(left)}")
    path = store.path
    store.close()
    removed = []
    for p in store_files(path):
        if p.exists():
            p.unlink()
            removed.append(p)
    return removed
