"""The file object large result files are sunk into (himozuke.atomic.DirectFile): bytes given in pieces of any
size, gathered in page-aligned buffers and written past the page cache by a thread — the file holds exactly the
bytes given; a failed write is said, never a hang or a short file; and the result writers give the same bytes
through it as through a path."""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from himozuke import atomic
from himozuke.atomic import DirectFile, atomic_path
from himozuke.errors import DiskFullError
from himozuke.report.tables import write_csv, write_parquet

PAGE = 4096


@pytest.fixture(params=["direct", "refused by the file system"])
def mode(request, monkeypatch):
    if request.param != "direct":
        monkeypatch.setattr(atomic, "_open_direct", lambda _path, _size: -1)
    return request.param


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(st.integers(0, 3 * PAGE + 7), max_size=14), seed=st.integers(0, 2**32 - 1),
       hint=st.sampled_from([0, 1, 1 << 16]))
def test_the_file_holds_the_bytes_given(tmp_path, mode, pieces, seed, hint):
    rng = np.random.default_rng(seed)
    data = rng.integers(0, 256, sum(pieces), dtype=np.uint8).tobytes()
    path = tmp_path / "out.bin"
    path.write_bytes(b"old contents, longer than some of the files written here" * 1000)
    # buffers of two pages, so that pieces cross buffer and page boundaries and all buffers go out
    with DirectFile(path, hint, buffer=2 * PAGE) as f:
        at = 0
        for n in pieces:
            assert f.write(data[at:at + n]) == n
            at += n
        assert f.written == len(data)
    assert path.read_bytes() == data


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="O_DIRECT and /proc are Linux's")
def test_a_large_file_really_bypasses_the_page_cache_where_the_file_system_allows(tmp_path):
    path = tmp_path / "out.bin"
    path.touch()
    with DirectFile(path) as f:
        if f._file is not None:  # this file system refuses direct writes: the ordinary file is the promise
            assert atomic._open_direct(path, 0) == -1
            return
        info = Path(f"/proc/self/fdinfo/{f._fd}").read_text()
        flags = int(info.split("flags:")[1].split()[0], 8)
        assert flags & os.O_DIRECT


def test_a_failed_write_is_said_and_the_file_closed(tmp_path, monkeypatch):
    calls = {"n": 0}
    real = atomic._write_fully

    def full_after_one(fd, data, at):
        calls["n"] += 1
        if calls["n"] > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd, data, at)

    monkeypatch.setattr(atomic, "_write_fully", full_after_one)
    target = tmp_path / "result.csv"
    with pytest.raises(DiskFullError), atomic_path(target) as tmp, DirectFile(tmp, buffer=PAGE) as f:
        for _ in range(50):
            f.write(b"x" * PAGE)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == [], "the temporary file is removed"


@pytest.fixture
def result() -> pl.DataFrame:
    n = 5_000
    return pl.DataFrame({
        "行番号": range(2, n + 2),
        "個人番号": [f"{123456789012 + i:012d}" for i in range(n)],
        "判定": ["A", "B", "C", None] * (n // 4),
        "理由": ["氏名, 表記ゆれ", "住所", None, "生年月日\n改行"] * (n // 4),
    })


@pytest.mark.parametrize("lazy", [False, True], ids=["frame in memory", "streamed"])
def test_the_result_files_are_the_same_past_the_page_cache(tmp_path, monkeypatch, result, lazy):
    frame = result.lazy() if lazy else result
    write_csv(frame, tmp_path / "cache.csv", size=0)
    write_parquet(frame, tmp_path / "cache.parquet", size=0)
    monkeypatch.setattr(atomic, "_DIRECT_FROM", 1)
    opened = []

    class Seen(DirectFile):
        def __init__(self, path, size=0, **kw):
            super().__init__(path, size, **kw)
            opened.append(Path(path).suffix)

    monkeypatch.setattr(atomic, "DirectFile", Seen)
    write_csv(frame, tmp_path / "direct.csv", size=1)
    write_parquet(frame, tmp_path / "direct.parquet", size=1)
    assert opened == [".part", ".part"], "both written through a DirectFile"
    assert (tmp_path / "direct.csv").read_bytes() == (tmp_path / "cache.csv").read_bytes()
    assert pl.read_parquet(tmp_path / "direct.parquet").equals(pl.read_parquet(tmp_path / "cache.parquet"))
