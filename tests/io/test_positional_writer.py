"""The writer a re-check by lines assembles result.csv with (himozuke.atomic.PositionalWriter): pieces written at
their offsets, from several threads, in any order, bypassing the page cache where the file system allows — the
file holds exactly the bytes given, whatever the pieces' sizes and alignment, and the size asked for."""

from __future__ import annotations

import itertools
import random
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from himozuke import atomic


@pytest.fixture(params=["direct", "through the page cache"])
def mode(request, monkeypatch):
    # a small file goes through the page cache (atomic._DIRECT_FROM); here both ways are taken at any size
    monkeypatch.setattr(atomic, "_DIRECT_FROM", 0 if request.param == "direct" else 1 << 62)
    return request.param


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(size=st.integers(1, 40_000), cuts=st.lists(st.integers(0, 40_000), max_size=12),
       seed=st.integers(0, 2**32 - 1), via_scratch=st.booleans())
def test_the_file_holds_the_bytes_given(tmp_path, mode, size, cuts, seed, via_scratch):
    rng = np.random.default_rng(seed)
    data = rng.integers(0, 256, size, dtype=np.uint8)
    bounds = sorted({0, size, *(c for c in cuts if c < size)})
    pieces = list(itertools.pairwise(bounds))
    random.Random(seed).shuffle(pieces)
    path = tmp_path / "out.bin"
    path.write_bytes(b"old contents, longer than some of the files written here" * 1000)
    writer = atomic.PositionalWriter(path, size)

    def put(piece: tuple[int, int]) -> None:
        lo, hi = piece
        buf = writer.scratch(hi - lo, lo) if via_scratch else np.empty(hi - lo, dtype=np.uint8)
        buf[:] = data[lo:hi]
        writer.write(buf, lo)

    try:
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(put, pieces))
    finally:
        writer.close()
    assert path.read_bytes() == data.tobytes()
