"""One run writes into an output folder at a time (himozuke.atomic.folder_held). A scheduler that starts the next
re-check while the last still runs got a traceback from one of them and a folder written by both; the second run is
now refused at once — exit code 2, one line naming the folder — and the first run's files are left as they are."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from himozuke.atomic import folder_held
from himozuke.errors import FolderBusyError
from tests.cli.test_check import DATA, invoke

ROOT = Path(__file__).parents[2]
HOLD = "import sys; from pathlib import Path; from himozuke.atomic import folder_held\n" \
       "with folder_held(Path(sys.argv[1])):\n    print('HELD', flush=True); sys.stdin.read()"


def _check(out: Path):
    return invoke("check", str(DATA / "business.csv"), str(DATA / "registry.csv"), "--out", str(out),
                  "--formats", "csv", "--baseline", str(out))


def test_a_run_into_a_folder_another_run_holds_is_refused_and_touches_nothing(tmp_path):
    out = tmp_path / "out"
    assert _check(out).exit_code in (0, 1)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(out)], cwd=ROOT, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "HELD"
        refused = _check(out)
        assert refused.exit_code == 2
        assert "別の照合が同じ出力フォルダー" in refused.output and "another run is writing" in refused.output
        assert str(out) in refused.output and "Traceback" not in refused.output
        assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    finally:
        holder.kill()  # SIGKILL: the system lets go of the folder however the holder ends
        holder.wait()
    assert _check(out).exit_code in (0, 1)


def test_the_folder_is_held_for_the_run_only(tmp_path):
    with folder_held(tmp_path), pytest.raises(FolderBusyError), folder_held(tmp_path):
        pass
    with folder_held(tmp_path):  # released
        pass
    assert list(tmp_path.iterdir()) == []  # no lock file left behind


def test_a_folder_made_for_a_run_that_wrote_nothing_is_removed_again(tmp_path):
    """As before the lock: a run that fails before it writes (a missing input, no Java) leaves no folder behind."""
    new = tmp_path / "new"
    with pytest.raises(FolderBusyError), folder_held(new):
        raise FolderBusyError("stand-in for any early failure")
    assert not new.exists()
    with folder_held(new):
        (new / "run.json").write_text("{}", encoding="utf-8")
    assert (new / "run.json").exists()


def test_a_file_system_without_locks_runs_unheld(tmp_path, monkeypatch):
    import errno
    import fcntl

    def no_locks(fd, op):
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    with folder_held(tmp_path):  # not a traceback: the run goes on
        (tmp_path / "result.csv").write_text("x", encoding="utf-8")
    assert (tmp_path / "result.csv").exists()


@pytest.mark.parametrize("where", ["a file", "under a file"])
def test_an_output_folder_that_cannot_be_made_is_one_line(tmp_path, where):
    blocker = tmp_path / "kekka"
    blocker.write_text("not a folder", encoding="utf-8")
    out = blocker if where == "a file" else blocker / "out"
    res = invoke("check", str(DATA / "business.csv"), str(DATA / "registry.csv"), "--out", str(out))
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert "出力フォルダー" in res.output and str(out) in res.output.replace("\n", "")
    assert blocker.read_text(encoding="utf-8") == "not a folder"
