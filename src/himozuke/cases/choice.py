"""The officer's choice among the candidates of a 4-information lookup, kept in the audit trail.

「マイナンバー情報総点検について」§3 再発防止対策: when a 4情報 inquiry answers several people, the body chooses on
further information, never by guess. The lookup (:mod:`himozuke.match.lookup`) lists every candidate and never
picks one; this module records who chose which candidate of which inquiry, and on what information, as one
entry of the tamper-evident audit chain (:mod:`himozuke.cases.audit`). The entry names the inquiry (照会番号),
the candidate, how many there were, the chosen number masked, the basis as the officer wrote it, and the
result file's SHA-256 — so the choice can be traced to the exact list it was made from.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from himozuke import mynumber
from himozuke.cases import audit
from himozuke.cases.store import CaseStore
from himozuke.cases.users import User
from himozuke.errors import InputFileError, UsageError
from himozuke.formats import columns as C
from himozuke.match.lookup import CANDIDATE, CANDIDATES, DIFFERING, INQUIRY_ID, Outcome

ACTION = "照会候補選択"
#: A run of 12 digits (spaces allowed between groups): a My Number has no place in the basis text.
_NUMBER_LIKE = re.compile(r"(?:\d[\s\-－]?){11}\d")


@dataclass(frozen=True)
class Choice:
    """A recorded choice: audit seq, inquiry, candidate (1-based) of how many, the number as the file has it."""

    seq: int
    inquiry: str
    candidate: int
    candidates: int
    number: str
    differing: str | None

    @property
    def masked(self) -> str:
        return mynumber.mask(self.number) if mynumber.is_valid(self.number) else self.number


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def record_choice(store: CaseStore, actor: User | str, result: str | os.PathLike, inquiry: str, candidate: int,
                  basis: str) -> Choice:
    """Record that ``actor`` chose ``candidate`` of the 複数該当 inquiry ``inquiry`` in the lookup result file
    ``result``, on ``basis`` (what was checked: a document, a call …). Refused, with the reason: an unknown
    inquiry, one that is not 複数該当 (one candidate needs no choice; none has nothing to choose), a candidate
    that is not on the list, an empty basis, a basis that holds a number."""
    if not basis.strip():
        raise UsageError("--basis に選んだ根拠（確認した書類・本人への確認など）を書いてください",
                         "--basis must say what the choice rests on (a document checked, a call to the person …)")
    if _NUMBER_LIKE.search(basis):
        raise UsageError("--basis に個人番号を書かないでください（監査証跡に残ります）",
                         "--basis must not hold a My Number (it goes to the audit trail)")
    path = Path(result)
    try:
        rows = pl.read_csv(path, infer_schema=False, encoding="utf8")
    except (OSError, pl.exceptions.PolarsError) as e:
        raise InputFileError("照会結果ファイルを読めません", f"cannot read the lookup result ({type(e).__name__})",
                             file=path.name) from None
    if INQUIRY_ID not in rows.columns or C.INQUIRY_RESULT not in rows.columns:
        raise InputFileError("4情報照会の結果ファイルではありません（照会番号・照会結果の列がありません）",
                             "not a lookup result file (no 照会番号 / 照会結果 column)", file=path.name, line=1)
    mine = rows.filter(pl.col(INQUIRY_ID) == inquiry)
    if mine.height == 0:
        raise UsageError(f"照会番号 {inquiry} は {path.name} にありません", f"no inquiry {inquiry!r} in {path.name}")
    outcome = mine.get_column(C.INQUIRY_RESULT)[0]
    if outcome != Outcome.SEVERAL:
        raise UsageError(f"照会 {inquiry} は「{outcome}」です。選ぶのは「{Outcome.SEVERAL}」の候補だけです",
                         f"inquiry {inquiry} is {outcome!r}: only a {Outcome.SEVERAL} inquiry has candidates to choose from")
    chosen = mine.filter(pl.col(CANDIDATE) == str(candidate))
    if chosen.height != 1:
        raise UsageError(f"照会 {inquiry} の候補は 1〜{mine.height} です（指定: {candidate}）",
                         f"inquiry {inquiry} has candidates 1–{mine.height} (got {candidate})")
    row = chosen.row(0, named=True)
    number = row[C.MY_NUMBER] or ""
    shown = mynumber.mask(number) if len(number) == 12 else number  # a result written with --show-number
    name = actor.name if isinstance(actor, User) else actor
    details = {"inquiry": inquiry, "candidate": candidate, "candidates": int(row[CANDIDATES]), "number": shown,
               "differing": row[DIFFERING], "basis": basis.strip(), "result_file": path.name,
               "result_sha256": _digest(path)}
    seq = audit.record(store, name, ACTION, details=details)
    return Choice(seq=seq, inquiry=inquiry, candidate=candidate, candidates=int(row[CANDIDATES]), number=number,
                  differing=row[DIFFERING])


def choices(store: CaseStore, inquiry: str | None = None) -> list[dict]:
    """The recorded choices (seq, at, actor and the entry's details), oldest first; ``inquiry``: only its own."""
    import json

    rows = store.query("SELECT seq, at, actor, details FROM audit WHERE action = ? ORDER BY seq", (ACTION,))
    out = [{"seq": seq, "at": at, "actor": actor, **json.loads(details)} for seq, at, actor, details in rows]
    return [c for c in out if inquiry is None or c["inquiry"] == inquiry]
