"""定期報告 figures (「総点検マニュアル」第2.1版 §7(8)) from the store: one row per body, 事務 and month.

Why from recorded times: a month's report must show the state *at the end of that month*, even when it is made
later. Each case carries the times of its milestones (left 未着手, 確認結果 recorded, counted as 紐付け誤り, wrong
link removed), set by :mod:`himozuke.cases.workflow` when the step committed; a month counts the milestones up to
its end (JST). Runs of the same body and 事務 add up (they are separate extracts of one 事務). Purged runs are
no longer counted.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from himozuke.errors import UsageError
from himozuke.report.progress import ProgressRow
from himozuke.scope import Reason

if TYPE_CHECKING:
    from himozuke.cases.store import CaseStore

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _next_month(month: str) -> str:
    y, m = int(month[:4]), int(month[5:])
    return f"{y + m // 12:04d}-{m % 12 + 1:02d}"


def _end(month: str) -> str:
    """The first instant after ``month`` in the store's time text (JST), for ``at < end`` comparisons."""
    return f"{_next_month(month)}-01T00:00:00+09:00"


def _replaced(members: list[tuple[int, dict, str]]) -> dict[int, set[int]]:
    """For each run of one body and 事務, the later runs that check its records again: a run made with
    ``check --baseline`` names its baseline's run (``replaces``: inputs and rule version, as the store keys a run).
    Separate runs without a baseline are separate records (several files of one 事務): each counts."""
    key = {rid: (ident.get("inputs_sha256"), ident.get("rule_version")) for rid, ident, _ in members}
    out: dict[int, set[int]] = {}
    for rid, ident, created in members:
        named = ident.get("replaces")
        if not named:
            continue
        target = (named.get("inputs_sha256"), named.get("rule_version"))
        for old, _, old_created in members:
            if old != rid and old_created <= created and key[old] == target:
                out.setdefault(old, set()).add(rid)
    return out


def progress_rows(store: CaseStore, month: str) -> list[ProgressRow]:
    """Every (body, 事務, month) from the first run's month through ``month`` ("YYYY-MM")."""
    if not _MONTH.match(month):
        raise UsageError(f"月「{month}」は YYYY-MM で指定してください", f"month must be YYYY-MM (got {month!r})")
    runs = store.query("SELECT id, identity, created_at FROM runs WHERE purged_at IS NULL ORDER BY id")
    if not runs:
        return []
    first = min(created[:7] for _, _, created in runs)
    months = []
    m = first
    while m <= month:
        months.append(m)
        m = _next_month(m)
    rows: list[ProgressRow] = []
    groups: dict[tuple[str, str, str], list[tuple[int, dict, str]]] = {}
    for run_id, identity, created in runs:
        ident = json.loads(identity)
        groups.setdefault((ident["body_code"], ident["body_name"], ident["jimu"]), []).append((run_id, ident, created))
    for (code, name, jimu), members in sorted(groups.items()):
        replaced = _replaced(members)
        for m in months:
            end = _end(m)
            live = [(rid, ident) for rid, ident, created in members if created < end]
            # the records checked: a re-check (--baseline) counts in its baseline's place, not beside it; the cases
            # of every run are followed up
            now = {rid for rid, _ in live}
            checked = [(rid, ident) for rid, ident in live if not (replaced.get(rid, set()) & now)]
            counts = {k: sum(int(ident["counts"][k]) for _, ident in checked) for k in ("A", "B", "C", "E")}
            ids = [rid for rid, _ in live] or [-1]
            marks = ",".join("?" * len(ids))
            (started, done, wrong, viewed, exchanged, resolved), = store.query(
                "SELECT"
                " coalesce(sum(started_at < ?), 0), coalesce(sum(result_at < ?), 0), coalesce(sum(wrong_at < ?), 0),"
                " coalesce(sum(wrong_at < ? AND viewed = '有'), 0), coalesce(sum(wrong_at < ? AND exchanged = '有'), 0),"
                f" coalesce(sum(resolved_at < ?), 0) FROM cases WHERE run_id IN ({marks})",
                (end, end, end, end, end, end, *ids))
            # §5: the records himozuke scope left out, in all and per reason
            excluded = [sum(int(ident.get("excluded") or 0) for _, ident in checked)] + [
                sum(int((ident.get("excluded_counts") or {}).get(reason.value, 0)) for _, ident in checked)
                for reason in (Reason.OUT_AUTO, Reason.OUT_FOOTNOTE5, Reason.OUT_NOT_NEEDED)]
            rows.append(ProgressRow(code, name, jimu, m, sum(counts.values()), counts["A"], counts["B"], counts["C"],
                                    counts["E"], started, done, wrong, viewed, exchanged, resolved, *excluded))
    return rows
