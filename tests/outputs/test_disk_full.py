"""A full disk ends a run with one line in Japanese and English that names the folder written to — never a
traceback — and a bucketed run, whose work folder is kept, then goes on with ``--resume`` to the same result.

The writes fail for real: the file handed to the writer is ``/dev/full``, on which every write fails with
ENOSPC, as on a full disk (Polars reports it as ``… No space left on device (os error 28)``)."""

from __future__ import annotations

import contextlib
import errno
import shutil
from pathlib import Path

import polars as pl
import pytest

from himozuke import atomic
from himozuke.errors import DiskFullError, is_disk_full
from tests.cli.test_check import DATA, invoke

FULL = Path("/dev/full")
pytestmark = pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full (Linux)")


@pytest.fixture
def inputs(tmp_path):
    for name in ("business.csv", "registry.csv"):
        shutil.copy(DATA / name, tmp_path / name)
    return tmp_path / "business.csv", tmp_path / "registry.csv"


def full_at(module, monkeypatch, nth: int = 1) -> list[Path]:
    """From the ``nth`` atomic write of ``module`` on, the writer is handed ``/dev/full`` (the real
    :func:`himozuke.atomic.atomic_path` around it); returns the targets of the failed writes."""
    real, seen, failed = atomic.atomic_path, [], []

    @contextlib.contextmanager
    def filling(target):
        with real(target) as tmp:
            seen.append(target)
            if len(seen) >= nth:
                failed.append(Path(target))
                yield FULL
            else:
                yield tmp

    monkeypatch.setattr(module, "atomic_path", filling)
    return failed


def said_disk_full(res, folder: Path) -> None:
    assert res.exit_code == 2, res.output
    assert "ディスクの空きがありません" in res.output and "no space left on the disk" in res.output
    assert str(folder) in res.output.replace("\n", "")
    assert "Traceback" not in res.output


def _polars_full():
    pl.DataFrame({"a": range(100_000)}).write_parquet(FULL)


def _file_full():
    with FULL.open("wb") as f:
        f.write(b"x" * 100_000)


@pytest.mark.parametrize("nth", [3, 12], ids=["partitioning", "checking the second bucket"])
def test_a_bucketed_run_on_a_full_disk_says_so_and_resumes_to_the_same_result(inputs, tmp_path, monkeypatch, nth):
    from himozuke.match import scale

    out, whole = tmp_path / "out", tmp_path / "whole"
    with monkeypatch.context() as m:
        failed = full_at(scale, m, nth=nth)  # the disk fills at the work folder's nth file (of 19 with 4 buckets)
        # a bucket's sorted run has several row groups, whose failed write Polars reports without the system's
        # error ("Invalid thrift: transport error"): it is then the disk's free space that tells
        m.setattr(atomic, "_FULL_BELOW", 1 << 62)
        res = invoke("check", *map(str, inputs), "--out", str(out), "--formats", "csv", "--buckets", "4")
    assert failed, "no bucket was written"
    said_disk_full(res, out / ".himozuke-work")  # the work folder, where the run needs the room
    assert failed[0].is_relative_to(out / ".himozuke-work") and "--resume" in res.output
    assert not (out / "result.csv").exists() and not list(failed[0].parent.glob(".*.part"))

    res = invoke("check", *map(str, inputs), "--out", str(out), "--formats", "csv", "--resume")
    assert res.exit_code == 0, res.output
    assert "continued the interrupted run" in res.output
    assert invoke("check", *map(str, inputs), "--out", str(whole), "--formats", "csv").exit_code == 0
    assert (out / "result.csv").read_bytes() == (whole / "result.csv").read_bytes()


def test_an_in_memory_run_on_a_full_disk_names_the_output_folder(inputs, tmp_path, monkeypatch):
    from himozuke.report import tables

    out = tmp_path / "out"
    full_at(tables, monkeypatch)
    res = invoke("check", *map(str, inputs), "--out", str(out), "--formats", "csv")
    said_disk_full(res, out)
    assert "--resume" not in res.output  # nothing to go on from: run again
    assert not (out / "result.csv").exists() and not (out / "run.json").exists()


def test_a_full_disk_met_outside_an_atomic_write_is_one_line_too(inputs, tmp_path, monkeypatch):
    """A write the check does not make through an atomic file (a copy, a work file): the output folder named."""
    import himozuke.pipeline

    monkeypatch.setattr(himozuke.pipeline, "run_check", lambda *_a, **_k: _polars_full())
    out = tmp_path / "out"
    said_disk_full(invoke("check", *map(str, inputs), "--out", str(out), "--formats", "csv"), out)


def test_any_command_on_a_full_disk_is_one_line(monkeypatch):
    from himozuke.cli import _app

    monkeypatch.setattr(_app, "app", lambda **_k: _file_full())
    res = invoke("check")
    assert res.exit_code == 2 and "ディスクの空きがありません" in res.output and "Traceback" not in res.output
    assert "free some space and run again" in res.output  # a write's error names no file: no folder to name


@pytest.mark.parametrize(("write", "full"), [
    (_polars_full, True),  # ComputeError: "parquet: … underlying IO error: No space left on device (os error 28)"
    (lambda: pl.DataFrame({"a": [1]}).lazy().sink_csv(FULL), True),  # OSError without errno, Polars' text
    (_file_full, True),  # OSError(ENOSPC)
    (lambda: Path("/nonexistent/x").write_text("x"), False),
    (lambda: pl.DataFrame({"a": [1]}).select(pl.col("b")), False),
])
def test_a_full_disk_is_told_from_other_errors(write, full):
    with pytest.raises(Exception) as caught:
        write()
    assert is_disk_full(caught.value) is full


def test_the_message_names_the_folder_and_what_to_do():
    assert DiskFullError("/data/out").message == (
        "ディスクの空きがありません（書き込み先: /data/out）。空きを作ってからやり直してください / "
        "no space left on the disk writing to /data/out: free some space and run again")
    assert "--resume" in DiskFullError("/w", resumable=True).message
    assert is_disk_full(OSError(errno.ENOSPC, "x")) and not is_disk_full(OSError(errno.EACCES, "x"))


def test_an_atomic_write_on_a_full_disk_names_its_folder_and_leaves_nothing(tmp_path):
    target = tmp_path / "reports" / "x.parquet"
    with pytest.raises(DiskFullError) as caught, atomic.atomic_path(target):
        _polars_full()
    assert caught.value.folder == str(target.parent) and not list(target.parent.iterdir())


def test_a_failed_write_is_a_full_disk_only_when_the_disk_has_no_room(tmp_path, monkeypatch):
    """Polars loses the system's error when a parquet file of several row groups (a bucket's sorted run) fails;
    the free space decides."""
    def small():
        pl.DataFrame({"a": range(1000), "b": ["x"] * 1000}).write_parquet(FULL, row_group_size=10)

    with pytest.raises(pl.exceptions.ComputeError) as caught, atomic.atomic_path(tmp_path / "x.parquet"):
        small()
    assert not is_disk_full(caught.value)  # a disk with room: the error stays what it was
    monkeypatch.setattr(atomic, "_FULL_BELOW", 1 << 62)  # as if the folder's disk had no room left
    with pytest.raises(DiskFullError), atomic.atomic_path(tmp_path / "x.parquet"):
        small()
    with pytest.raises(ValueError), atomic.atomic_path(tmp_path / "x.parquet"):  # not a writer's error
        raise ValueError("a bug")


def test_a_recheck_by_lines_on_a_full_disk_names_the_output_folder(tmp_path, monkeypatch):
    """The re-check by lines writes result.csv at offsets (atomic.PositionalWriter): the first failed write is the
    one told — finishing the file (its kept pages, its size) would fail again and hide it behind a traceback."""
    from tests.cli.test_recheck import PEOPLE, _with, _write

    business, registry = _write(PEOPLE, tmp_path / "b1.csv"), _write(PEOPLE, tmp_path / "r1.csv")
    edited = _write([PEOPLE[0], _with(PEOPLE[1], 住所="東京都千代田区丸の内2-2-9"), *PEOPLE[2:]], tmp_path / "b2.csv")
    out = tmp_path / "out"
    scheduled = ["--out", str(out), "--formats", "csv", "--home-prefecture", "東京都", "--baseline", str(out)]
    assert invoke("check", str(business), str(registry), *scheduled).exit_code in (0, 1)
    failed = full_at(atomic, monkeypatch)  # recheck_lines.write_result imports atomic_path as it writes
    res = invoke("check", str(edited), str(registry), *scheduled)
    said_disk_full(res, out)
    assert [p.name for p in failed] == ["result.csv"]
    assert not list(out.glob(".*.part"))
