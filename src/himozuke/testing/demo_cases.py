"""The demo's follow-up (issue #17): the check's B/C/E rows into a case store, worked by two officers.

A 担当者 (tanaka) and a 確認者 (suzuki) take a few cases through every state of
:data:`himozuke.cases.workflow.TRANSITIONS` — 自動応答不可設定, contact attempts, 確認結果, a §9(2) branch, the
second person's approval, 自動応答不可設定解除, 完了 — one case is sent back by the 確認者 after its author
could not approve it, and the month's progress report is written. The store is encrypted with a passphrase
printed by the demo (synthetic data only: a real store's passphrase is never printed or written).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import polars as pl

from himozuke.cases import audit
from himozuke.cases import workflow as W
from himozuke.cases.progress import progress_rows
from himozuke.cases.store import import_result, open_store, store_files
from himozuke.cases.users import add_user
from himozuke.errors import HimozukeError
from himozuke.formats import columns as C
from himozuke.pipeline import RunSummary, store_identity
from himozuke.report.progress import progress_file_name, write_progress

#: The demo store's passphrase and the demo users' password (synthetic data only).
DEMO_PASSPHRASE = "himozuke-demo-passphrase"
DEMO_PASSWORD = "demo-password"
STORE = "cases.db"

#: Cases worked to the end, each by another path through the table: (確認結果, §9(2) branch, contact method).
_PATHS = (
    ("別人のもの", "④", "電話"),  # the wrong number corrected
    ("確認不能", "①", "郵送"),   # §7(7): no answer → unlinked
    ("本人のもの", "⑤", "訪問"),  # the number is right; the 4情報 corrected
    ("本人のもの", "⑦", "電話"),  # 住基 differs: asked 総務省・J-LIS, then corrected
)


def run_cases_demo(result: pl.DataFrame, summary: RunSummary, out: Path) -> tuple[list[tuple[str, str]], int]:
    """Import ``result``'s B/C/E rows into ``out/cases.db`` and work some of them; the demo's printout lines and
    the store's run id."""
    path = out / STORE
    for old in store_files(path):
        with contextlib.suppress(FileNotFoundError):
            old.unlink()  # a demo re-run starts a new store
    with open_store(path, DEMO_PASSPHRASE, create=True) as db:
        today = db.now()[:10]  # the store's date (JST): the month the progress report counts
        admin = add_user(db, None, "kanri", "管理者", DEMO_PASSWORD)
        tanaka = add_user(db, admin, "tanaka", "担当者", DEMO_PASSWORD)
        suzuki = add_user(db, admin, "suzuki", "確認者", DEMO_PASSWORD)
        cases = result.filter(pl.col(C.VERDICT).is_in(["B", "C", "E"]))
        run_id = import_result(db, cases, store_identity(summary), actor=tanaka)
        ids = [i for (i,) in db.query("SELECT id FROM cases WHERE run_id = ? AND dv = 0 ORDER BY id", (run_id,))]
        for case_id, (found, branch, method) in zip(ids, _PATHS, strict=False):
            W.act(db, tanaka, case_id, W.Action.SUPPRESS, 範囲="①")
            W.act(db, tanaka, case_id, W.Action.CONTACT, 方法=method, 日付=today,
                  結果="応答なし" if found == "確認不能" else "確認できた")
            facts = {"閲覧": "無", "情報連携": "無"} if found != "本人のもの" else {}
            W.act(db, tanaka, case_id, W.Action.RESULT, 確認結果=found, **facts)
            W.act(db, tanaka, case_id, W.Action.PROPOSE, 分岐=branch)
            W.approve(db, suzuki, case_id)
            if branch == "⑦":  # 照会中 until 総務省・J-LIS answer; the answer is approved again
                W.act(db, tanaka, case_id, W.Action.INQUIRY_ANSWER, 対応=W.State.CORRECTED.value)
                W.approve(db, suzuki, case_id)
            W.act(db, tanaka, case_id, W.Action.RELEASE)
            W.act(db, tanaka, case_id, W.Action.CLOSE)
        refused = ""
        if len(ids) > len(_PATHS):  # four-eyes: the author cannot approve; the 確認者 sends it back
            case_id = ids[len(_PATHS)]
            W.act(db, tanaka, case_id, W.Action.SUPPRESS, 範囲="③")
            W.act(db, tanaka, case_id, W.Action.RESULT, 確認結果="別人のもの", 閲覧="無", 情報連携="無")
            W.act(db, tanaka, case_id, W.Action.PROPOSE, 分岐="②")
            try:
                W.approve(db, tanaka, case_id)
            except HimozukeError:
                refused = "、作成者自身の承認は拒否"
            W.act(db, suzuki, case_id, W.Action.SEND_BACK, 理由="確認書類の写しを添付")
        month = today[:7]
        rows, audit_head = progress_rows(db, month), audit.head(db)
        done = len(ids[: len(_PATHS)])
    report = write_progress(rows, month, out / "progress" / progress_file_name(rows, month), audit_head=audit_head)
    return [
        (STORE, f"フォローアップ台帳（暗号化）: 案件 {cases.height:,} 件、{done} 件を完了まで処理"
                f"（担当 tanaka・確認 suzuki の二人{refused}）"),
        (f"progress/{report.name}", f"{month} の定期報告（着手・完了・紐付け誤り・解消の件数）"),
    ], run_id
