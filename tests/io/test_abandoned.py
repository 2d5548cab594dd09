"""What a killed run leaves is removed by the next (DESIGN: personal data is deleted when the work is over).

A run killed while it writes (SIGKILL, a power cut, the OOM killer) cannot remove its own temporary files: the
half-written ``.<output>.<pid>-<random>.part`` beside its output, and the private folder in the system's temporary
folder that holds a decoded copy of a Shift_JIS input. Each holds the rows of both files. The next
:func:`himozuke.atomic.atomic_path` of the same output, and the next private folder, remove those whose process is
gone — never those of a run still writing."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from himozuke import atomic
from himozuke.formats.tabular import private_temp_path


@pytest.fixture(scope="module")
def gone_pid() -> int:
    """The id of a process that has ended."""
    return int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True).stdout)


@pytest.fixture
def running_pid():
    """The id of a process that is still running (another run writing the same folder)."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield proc.pid
    proc.kill()
    proc.wait()


def _write(target: Path) -> None:
    with atomic.atomic_path(target) as tmp:
        tmp.write_text("this run's rows", encoding="utf-8")


def test_a_killed_runs_temporary_output_is_removed_by_the_next_write(tmp_path, gone_pid):
    left = tmp_path / f".result.csv.{gone_pid}-abcd1234.part"
    left.write_text("rows of the killed run", encoding="utf-8")
    _write(tmp_path / "result.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.csv"]


def test_a_running_processs_temporary_output_is_left_alone(tmp_path, running_pid):
    writing = tmp_path / f".result.csv.{running_pid}-abcd1234.part"
    writing.write_text("rows another run is writing", encoding="utf-8")
    mine = tmp_path / f".result.csv.{os.getpid()}-abcd1234.part"  # this process's (another thread's) own
    mine.write_text("rows this process is writing", encoding="utf-8")
    _write(tmp_path / "result.csv")
    assert writing.exists() and mine.exists()


def test_only_the_written_outputs_temporaries_are_looked_at(tmp_path, gone_pid):
    """「a.csv」 and 「a.csv.b」 share a prefix; another output's file is for its own writer to judge."""
    other = tmp_path / f".a.csv.b.{gone_pid}-abcd1234.part"
    other.write_text("x", encoding="utf-8")
    unrelated = tmp_path / ".a.csv.notes"
    unrelated.write_text("x", encoding="utf-8")
    _write(tmp_path / "a.csv")
    assert other.exists() and unrelated.exists()


def test_a_temporary_without_a_process_id_is_removed_once_a_day_old(tmp_path):
    """Written by himozuke before its temporaries were named by process: nothing to ask, so its age decides."""
    old, fresh = tmp_path / ".result.csv.yxjw33af.part", tmp_path / ".result.csv.bzt_herw.part"
    for p in (old, fresh):
        p.write_text("rows", encoding="utf-8")
    day_ago = time.time() - atomic.ABANDONED_AFTER - 60
    os.utime(old, (day_ago, day_ago))
    _write(tmp_path / "result.csv")
    assert not old.exists() and fresh.exists()


def test_a_killed_runs_private_folder_is_removed_by_the_next(tmp_path, monkeypatch, gone_pid, running_pid):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    killed, running = tmp_path / f"himozuke-{gone_pid}-abcd1234", tmp_path / f"himozuke-{running_pid}-abcd1234"
    other = tmp_path / f"himozuke-progress-{gone_pid}"  # not a private folder of this kind
    old, fresh = tmp_path / "himozuke-yxjw33af", tmp_path / "himozuke-bzt_herw"  # before folders named a process
    for folder in (killed, running, other, old, fresh):
        folder.mkdir()
        (folder / "utf8.csv").write_text("rows", encoding="utf-8")
    day_ago = time.time() - atomic.ABANDONED_AFTER - 60
    os.utime(old, (day_ago, day_ago))
    with private_temp_path("lines.csv") as path:
        assert path.parent.name.startswith(f"himozuke-{os.getpid()}-")
        assert oct(path.parent.stat().st_mode & 0o777) == oct(0o700)
    assert not killed.exists() and not old.exists()
    assert running.exists() and other.exists() and fresh.exists()
    assert not path.parent.exists()
