"""A run that writes over its folder's previous result.csv (himozuke.atomic.set_aside / rewrite): the previous
file's pages are reused instead of new ones, and nothing else may differ — the bytes are a fresh file's whatever
the previous size, result.csv is absent until the new one is whole, another link to the previous file keeps its
bytes, and no hidden copy of the previous output outlives the run, whether it succeeds or fails."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from himozuke.atomic import atomic_path, recycled, set_aside, sink_target
from himozuke.pipeline import run_check

DATA = Path(__file__).parents[1] / "cli" / "data"
BUSINESS, REGISTRY = DATA / "business.csv", DATA / "registry.csv"


def _frame(rows: int) -> pl.DataFrame:
    return pl.DataFrame({"行番号": list(range(2, rows + 2)), "判定": ["A"] * rows})


@pytest.mark.parametrize("previous", [0, 10, 5_000_000], ids=["empty", "shorter", "longer"])
def test_written_over_the_bytes_are_a_fresh_files(tmp_path, previous):
    target = tmp_path / "result.csv"
    target.write_bytes(b"9" * previous)
    set_aside(target)
    assert not target.exists() and recycled(target).exists()
    frame = _frame(1000)
    with atomic_path(target) as tmp, sink_target(tmp, 0, reuse=target) as out:
        assert not target.exists(), "absent until the new one is whole"
        frame.write_csv(out, include_bom=True)
    fresh = tmp_path / "fresh.csv"
    frame.write_csv(fresh, include_bom=True)
    assert target.read_bytes() == fresh.read_bytes()
    assert not recycled(target).exists()
    assert oct(target.stat().st_mode & 0o777) == oct(0o600)


def test_a_previous_output_that_cannot_be_written_over_gives_way_to_a_fresh_file(tmp_path, monkeypatch):
    """A previous result.csv made read-only by its officer (a run as root would still open it: the refusal is
    simulated) is not written over: the run writes a fresh file, as it did before."""
    target = tmp_path / "result.csv"
    target.write_bytes(b"9" * 100_000)
    previous = target.open("rb")  # what the previous file holds, seen through a descriptor of its own
    set_aside(target)

    def refused(*_args, **_kwargs):
        raise PermissionError("read-only")

    monkeypatch.setattr("himozuke.atomic.open", refused, raising=False)
    with atomic_path(target) as tmp, sink_target(tmp, 0, reuse=target) as out:
        assert isinstance(out, Path)
        _frame(3).write_csv(out)
    assert target.read_bytes() == _frame(3).write_csv().encode()
    with previous:
        assert previous.read() == b"9" * 100_000, "a new file, not the one that could not be opened"
    assert not recycled(target).exists()


def test_a_previous_output_with_another_link_keeps_its_bytes(tmp_path):
    target, archived = tmp_path / "result.csv", tmp_path / "archived.csv"
    target.write_bytes(b"last week")
    os.link(target, archived)
    set_aside(target)
    assert not target.exists() and not recycled(target).exists()
    with atomic_path(target) as tmp, sink_target(tmp, 0, reuse=target) as out:
        _frame(3).write_csv(out)
    assert archived.read_bytes() == b"last week"


def test_a_symbolic_link_is_removed_not_followed(tmp_path):
    elsewhere, target = tmp_path / "elsewhere.csv", tmp_path / "result.csv"
    elsewhere.write_bytes(b"not ours")
    target.symlink_to(elsewhere)
    set_aside(target)
    assert not target.is_symlink() and not recycled(target).exists()
    assert elsewhere.read_bytes() == b"not ours"


@pytest.mark.parametrize("direct", [False, True], ids=["through the page cache", "past it (a large result)"])
def test_a_check_run_again_in_its_folder_writes_a_fresh_runs_bytes_and_leaves_nothing_hidden(tmp_path, monkeypatch,
                                                                                            direct):
    if direct:  # a result of a gigabyte or more is written past the page cache: nothing to write over
        monkeypatch.setattr("himozuke.atomic._DIRECT_FROM", 0)
    out = tmp_path / "out"
    out.mkdir()
    (out / "result.csv").write_bytes(b"x" * 1_000_000)  # longer than the result
    run_check(BUSINESS, REGISTRY, out, formats=("csv",))
    run_check(BUSINESS, REGISTRY, tmp_path / "fresh", formats=("csv",))
    assert (out / "result.csv").read_bytes() == (tmp_path / "fresh" / "result.csv").read_bytes()
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []


def test_a_run_that_fails_leaves_no_hidden_copy_of_the_previous_result(tmp_path, monkeypatch):
    """The previous outputs go as soon as the inputs are open (a failed run leaves none that looks current); the
    one set aside to be written over goes too."""
    out = tmp_path / "out"
    run_check(BUSINESS, REGISTRY, out, formats=("csv",))

    def fails(*_args, **_kwargs):
        assert recycled(out / "result.csv").exists()  # set aside by now
        raise RuntimeError("the writer failed")

    monkeypatch.setattr("himozuke.pipeline.write_outputs", fails)
    with pytest.raises(RuntimeError):
        run_check(BUSINESS, REGISTRY, out, formats=("csv",))
    assert sorted(p.name for p in out.iterdir()) == ["digests.parquet", "run.json"]  # the baseline of the run before


@pytest.mark.parametrize("writable", [True, False], ids=["written over", "read-only: a fresh file"])
def test_a_positional_writer_writes_over_what_was_set_aside_and_cuts_it_to_size(tmp_path, monkeypatch, writable):
    """The re-check by lines' writer (PositionalWriter, pieces at their offsets) takes the previous output as its
    file when it can write it — the previous file's bytes beyond the new size cut off — and a fresh file when it
    cannot (its mode)."""
    from himozuke.atomic import PositionalWriter

    target = tmp_path / "result.csv"
    target.write_bytes(b"9" * 50_000)
    previous = target.open("rb")  # what the previous file holds, seen through a descriptor of its own
    set_aside(target)
    if not writable:
        real_open, refusals = os.open, []

        def refused(path, flags, *args):  # the first open for writing only: the file set aside
            if str(path).endswith(".part") and flags == os.O_WRONLY and not refusals:
                refusals.append(path)
                raise PermissionError("read-only")
            return real_open(path, flags, *args)

        monkeypatch.setattr("himozuke.atomic.os.open", refused)
    pieces = [b"a" * 3000, b"b" * 5000, b"c" * 1234]
    with atomic_path(target) as tmp:
        writer = PositionalWriter(tmp, sum(map(len, pieces)), reuse=target)
        at = 0
        for piece in pieces:
            writer.write(np.frombuffer(piece, dtype=np.uint8), at)
            at += len(piece)
        writer.close()
        assert not target.exists(), "absent until the new one is whole"
    assert target.read_bytes() == b"".join(pieces)
    with previous:
        assert (previous.read() == b"".join(pieces)) is writable, "written over, or left alone for a fresh file"
    assert not recycled(target).exists()
