"""In memory or bucket by bucket, and the allocator setting an in-memory check gets (himozuke.memory)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from himozuke import memory

DATA = Path(__file__).parent / "cli" / "data"
INPUTS = (DATA / "business.csv", DATA / "registry.csv")


@pytest.mark.parametrize(("options", "in_memory"), [
    pytest.param({}, True, id="小さい入力"),
    pytest.param({"memory_limit": 1024}, False, id="上限より大きい"),
    pytest.param({"buckets": 4}, False, id="--buckets"),
    pytest.param({"resume": True}, False, id="--resume"),
])
def test_runs_in_memory(options, in_memory):
    assert memory.runs_in_memory(INPUTS, **options) is in_memory


@pytest.mark.parametrize(("width", "lines"), [(60, 2_000_000), (240, 500_000)], ids=["狭い行", "広い行"])
def test_a_recheck_by_lines_is_sized_by_its_lines_not_its_bytes(tmp_path, width, lines):
    """What a re-check by lines holds grows with the lines (a digest and an offset each), so two files of the same
    size need more when their lines are narrower; the estimate counts the lines of the file's head."""
    path = tmp_path / "input.csv"
    with path.open("wb") as f:
        f.write(b"x" * (width - 1) + b"\n")
        f.truncate(width * lines)  # the rest a sparse hole: no newline, but only the head is read
    need = memory.lines_need([path])
    assert need == memory.LINES_FIXED_BYTES + memory.LINES_BYTES_PER_LINE * lines
    assert memory.lines_fit([path], need) and not memory.lines_fit([path], need - 1)
    assert memory.lines_need([tmp_path / "missing.csv"]) == memory.LINES_FIXED_BYTES
    assert memory.lines_need([tmp_path]) == memory.LINES_FIXED_BYTES  # not a file: the reader says so, not this


def test_an_input_that_cannot_be_read_is_left_to_its_reader(tmp_path, monkeypatch):
    """The estimate runs in the CLI before any reader: a file it cannot open (its mode; root reads anything, so the
    refusal is simulated) counts no lines instead of ending the command in a traceback."""
    path = tmp_path / "input.csv"
    path.write_bytes(b"a,b\n1,2\n")

    def refused(self, *_args, **_kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refused)
    assert memory.lines_need([path]) == memory.LINES_FIXED_BYTES


def test_the_allocator_is_not_touched_once_polars_is_loaded(monkeypatch):
    import polars  # noqa: F401

    monkeypatch.delenv("_RJEM_MALLOC_CONF", raising=False)
    assert memory.keep_freed_memory() is False
    assert "_RJEM_MALLOC_CONF" not in os.environ


_PROBE = """
import os, sys
from himozuke.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print("ALLOC=" + os.environ.get("_RJEM_MALLOC_CONF", "-"))
"""


@pytest.mark.parametrize(("extra", "inherited", "kept"), [
    pytest.param([], None, memory.allocator_setting(), id="in-memory"),
    pytest.param([], "dirty_decay_ms:500,muzzy_decay_ms:1000", memory.allocator_setting(),
                 id="Polars の既定を親から継承"),
    pytest.param([], "narenas:2", None, id="利用者の設定は残す"),
    pytest.param(["--buckets", "2"], None, memory.allocator_setting(bucketed=True), id="bucketed"),
    pytest.param(["--buckets", "2"], "narenas:2", None, id="bucketed・利用者の設定は残す"),
])
def test_check_sets_the_allocator_for_the_engine(tmp_path, extra, inherited, kept):
    """Polars puts its own setting first and appends ours (the later one wins in jemalloc): for good in an
    in-memory run, a few seconds in a bucketed one, never over a user's own."""
    env = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"}
    if inherited:
        env["_RJEM_MALLOC_CONF"] = inherited
    done = subprocess.run([sys.executable, "-c", _PROBE, "check", *map(str, INPUTS), "--out", str(tmp_path),
                           "--formats", "csv", *extra], capture_output=True, text=True, env=env, check=True)
    out = done.stdout
    assert "<jemalloc>" not in done.stderr  # jemalloc says so of a setting it does not know, and ignores it
    setting = next(line for line in out.splitlines() if line.startswith("ALLOC="))
    if kept is None:
        assert setting.startswith("ALLOC=") and memory.KEEP_FREED not in setting and memory.KEEP_FREED_A_WHILE not in setting
        assert setting.endswith(inherited)
    else:
        assert setting.endswith("," + kept)
    assert (tmp_path / "result.csv").exists()
