"""Check runs started from the browser: each in its own folder, in a background thread, with its progress.

A run folder ``<runs>/<id>/`` holds ``入力/`` (the two uploaded files, from the upload until the check has
finished — with or without success — or their preview failed: then they are deleted, personal data is not kept
longer than the work needs) and ``出力/`` (what :func:`himozuke.pipeline.run_check` writes: result.csv,
report.xlsx, result.parquet — kept for the 結果 page, numbers masked — and run.json), and ``case_run.json`` (the
case store's run the check's B/C/E rows went into, so that a 管理者's 削除 purges cases and folder together,
:func:`himozuke.cases.retention.purge`). The check itself is the library call; this module only keeps the state
the progress stream reads.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from himozuke.errors import HimozukeError

INPUT = "入力"
OUTPUT = "出力"
CASE_RUN = "case_run.json"
FORMATS = ("csv", "xlsx", "parquet")
_ID = re.compile(r"^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$")
#: Phase names of ``tick`` (every engine) in the officer's words.
PHASES = {"read": "読み込み", "partition": "分割", "check": "照合", "write": "出力"}


@dataclass
class RunState:
    id: str
    status: str = "待機"  #: 待機 → 実行中 → 完了 | エラー
    phase: str = ""
    done: int = 0
    total: int = 0
    error: dict[str, str | int | None] | None = None
    cases_run: int | None = None
    version: int = 0  #: bumped on every change (the event stream sends a change once)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def update(self, **kw) -> None:
        with self.lock:
            for k, v in kw.items():
                setattr(self, k, v)
            self.version += 1

    def snapshot(self) -> dict:
        with self.lock:
            return {"status": self.status, "phase": self.phase, "done": self.done, "total": self.total,
                    "error": self.error, "version": self.version}


def error_fields(e: HimozukeError) -> dict[str, str | int | None]:
    """What the page says of an error: the Japanese message and where (file, line, column)."""
    return {"message": e.ja, "file": Path(e.file).name if e.file else None, "line": e.line, "column": e.column}


class Runs:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._states: dict[str, RunState] = {}
        self._lock = threading.Lock()

    def new(self, folder: str = INPUT) -> str:
        run_id = f"{datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
        (self.root / run_id / folder).mkdir(parents=True)
        return run_id

    def adopt(self, out: Path, names: list[str], *, case_run: int | None = None) -> str:
        """A run finished elsewhere (``himozuke demo``): copy its outputs ``names`` and run.json from ``out`` into
        a new run folder; ``case_run``: the case store's run its B/C/E rows went into. Returns the run id."""
        run_id = self.new(OUTPUT)
        for name in (*names, "run.json"):
            shutil.copy2(Path(out) / name, self.root / run_id / OUTPUT / name)
        if case_run is not None:
            (self.root / run_id / CASE_RUN).write_text(json.dumps({"case_run": case_run}), encoding="utf-8")
        return run_id

    def folder(self, run_id: str) -> Path:
        """The run's folder; an id that is not one (``../`` …) is no folder."""
        if not _ID.match(run_id) or not (self.root / run_id).is_dir():
            raise KeyError(run_id)
        return self.root / run_id

    def inputs(self, run_id: str) -> dict[str, Path]:
        """The uploaded files by role (and ``_meta``); KeyError once they are deleted."""
        path = self.folder(run_id) / INPUT / "inputs.json"
        if not path.is_file():
            raise KeyError(run_id)
        meta = json.loads(path.read_text(encoding="utf-8"))
        return {role: self.folder(run_id) / INPUT / name for role, name in meta["files"].items()} | {
            "_meta": meta}

    def save_inputs(self, run_id: str, files: dict[str, tuple[str, bytes]], meta: dict) -> None:
        folder = self.folder(run_id) / INPUT
        names = {}
        for role, (filename, data) in files.items():
            safe = Path(filename or f"{role}.csv").name or f"{role}.csv"
            (folder / role).mkdir()
            (folder / role / safe).write_bytes(data)  # the officer's file name: errors name it
            names[role] = f"{role}/{safe}"
        (folder / "inputs.json").write_text(json.dumps({"files": names, **meta}, ensure_ascii=False),
                                            encoding="utf-8")

    def discard_inputs(self, run_id: str) -> None:
        """Delete the uploaded files: the run keeps only its outputs (masked) and run.json."""
        shutil.rmtree(self.folder(run_id) / INPUT, ignore_errors=True)

    def remove(self, run_id: str) -> int:
        """Delete the whole run folder (not while it runs); the number of files removed."""
        folder = self.folder(run_id)
        if self.state(run_id).status == "実行中":
            raise RuntimeError("running")
        count = sum(1 for p in folder.rglob("*") if not p.is_dir())
        shutil.rmtree(folder)
        self.forget(run_id)
        return count

    def forget(self, run_id: str) -> None:
        with self._lock:
            self._states.pop(run_id, None)

    def case_run(self, run_id: str) -> int | None:
        """The case store's run this check's B/C/E rows went into (None: not imported)."""
        path = self.folder(run_id) / CASE_RUN
        return json.loads(path.read_text(encoding="utf-8"))["case_run"] if path.is_file() else None

    def state(self, run_id: str) -> RunState:
        self.folder(run_id)
        with self._lock:
            if run_id not in self._states:
                done = (self.root / run_id / OUTPUT / "run.json").is_file()
                self._states[run_id] = RunState(run_id, status="完了" if done else "待機")
                if done:
                    self._states[run_id].cases_run = self.case_run(run_id)
            return self._states[run_id]

    def summary(self, run_id: str) -> dict | None:
        path = self.folder(run_id) / OUTPUT / "run.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

    def list(self) -> list[tuple[str, dict | None]]:
        ids = sorted((p.name for p in self.root.iterdir() if _ID.match(p.name)), reverse=True)
        return [(i, self.summary(i)) for i in ids]

    def start(self, run_id: str, check: Callable[..., object]) -> None:
        """Run ``check(out, progress=…, tick=…)`` in a thread; its state feeds the progress stream."""
        st = self.state(run_id)
        out = self.folder(run_id) / OUTPUT
        if out.exists():  # a re-run into the same folder starts clean
            shutil.rmtree(out)
        out.mkdir()
        st.update(status="実行中", phase="開始", done=0, total=0, error=None)

        def tick(phase: str, done: int, total: int, rows: int | None = None) -> None:
            st.update(phase=PHASES.get(phase, phase), done=done, total=total)

        def work() -> None:
            try:
                check(out, progress=lambda msg: st.update(phase=msg.split(" / ")[0]), tick=tick)
            except HimozukeError as e:
                self.discard_inputs(run_id)
                st.update(status="エラー", error=error_fields(e))
            except Exception as e:  # shown in plain words; the details stay out of the page (no personal data)
                self.discard_inputs(run_id)
                st.update(status="エラー", error={"message": f"点検を完了できませんでした（{type(e).__name__}）",
                                                  "file": None, "line": None, "column": None})
            else:
                self.discard_inputs(run_id)  # before 完了: whoever sees the run finished sees its inputs gone
                if st.cases_run is not None:
                    (self.folder(run_id) / CASE_RUN).write_text(json.dumps({"case_run": st.cases_run}),
                                                               encoding="utf-8")
                st.update(status="完了", phase="完了", done=1, total=1)

        threading.Thread(target=work, name=f"himozuke-run-{run_id}", daemon=True).start()
