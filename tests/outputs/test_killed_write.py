"""A run killed while it works (SIGKILL: no clean-up of any kind) leaves the rows of both files behind — a
half-written ``.result.csv.<pid>-….part`` in the output folder, or the decoded copy of a Shift_JIS input in a
private temporary folder. The next run removes them and writes the same result as a run never interrupted (DESIGN:
personal data is deleted when the work is over; himozuke.atomic.clear_abandoned and private_folder)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent.parent / "cli" / "data"  # business.csv: cp932 with a 外字
ROOT = Path(__file__).parents[2]


def _check(out: Path, env: dict, killed_at: str | None = None) -> subprocess.CompletedProcess:
    args = ["check", str(DATA / "business.csv"), str(DATA / "registry.csv"), "--out", str(out), "--formats", "csv"]
    command = ["-m", "tests.outputs._killed_write", killed_at] if killed_at else ["-m", "himozuke"]
    return subprocess.run([sys.executable, *command, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


def _left(folder: Path) -> list[Path]:
    """What a killed run leaves: hidden temporaries in the output folder, private folders in the temporary one."""
    return [p for p in folder.iterdir() if p.name.startswith((".result.csv.", "himozuke-"))] if folder.exists() else []


@pytest.mark.parametrize("killed_at", ["result", "private"])
def test_the_run_after_a_killed_one_removes_what_it_left_and_writes_the_same_result(tmp_path, killed_at):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = dict(os.environ, TMPDIR=str(temporary))
    out = tmp_path / "out"

    killed = _check(out, env, killed_at)
    assert killed.returncode == -signal.SIGKILL, (killed.returncode, killed.stdout, killed.stderr)
    left = _left(out if killed_at == "result" else temporary)
    assert sum(f.stat().st_size for p in left for f in ([p] if p.is_file() else p.iterdir())) > 0  # rows, hidden
    assert not (out / "result.csv").exists()

    again = _check(out, env)
    assert again.returncode in (0, 1), again.stderr
    assert _left(out) == [] and list(temporary.iterdir()) == []

    clean = tmp_path / "clean"
    assert _check(clean, env).returncode in (0, 1)
    assert (out / "result.csv").read_bytes() == (clean / "result.csv").read_bytes()
