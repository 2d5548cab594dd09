"""Generated benchmark inputs: a synthetic register and a business copy, written in chunks.

Chunks keep memory flat for 60 M pairs; each chunk's numbers are moved into their own range
(``chunk × 10⁹ + a permutation``) so numbers stay unique across chunks, then get a fresh check digit.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from himozuke.formats import columns as C
from himozuke.testing.perturb import business_copy
from himozuke.testing.population import generate_population, number_strings

CHUNK = 2_000_000


def _append_csv(frame: pl.DataFrame, path: Path, first: bool) -> None:
    with path.open("ab" if not first else "wb") as f:
        frame.write_csv(f, include_header=first)


def make_pairs(pairs: int, out: Path, *, seed: int = 1, chunk: int = CHUNK) -> tuple[Path, Path]:
    """``business-N.csv`` and ``registry-N.csv`` in ``out`` (reused when present)."""
    out.mkdir(parents=True, exist_ok=True)
    b_path, r_path = out / f"business-{pairs}.csv", out / f"registry-{pairs}.csv"
    if b_path.exists() and r_path.exists():
        return b_path, r_path
    tmp_b, tmp_r = b_path.with_suffix(".part"), r_path.with_suffix(".part")
    for k, start in enumerate(range(0, pairs, chunk)):
        m = min(chunk, pairs - start)
        pop = generate_population(m, seed=seed * 1000 + k)
        rng = np.random.default_rng(seed * 1000 + k)
        payload = k * 10**9 + rng.permutation(m).astype(np.int64)
        pop = pop.with_columns(number_strings(payload).alias(C.MY_NUMBER))
        business = business_copy(pop, seed=seed * 1000 + k).select(C.STANDARD)
        registry = pop.select(C.STANDARD).with_columns(pl.col(C.BIRTH_DATE).cast(pl.String))
        _append_csv(business, tmp_b, k == 0)
        _append_csv(registry, tmp_r, k == 0)
    tmp_b.rename(b_path)
    tmp_r.rename(r_path)
    return b_path, r_path


def run_child(cmd: list[str]) -> tuple[float, float]:
    """Run ``cmd``; return (seconds, peak RSS in MiB) of that child alone (``os.wait4``)."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            err.seek(0)
            sys.exit(f"failed: {' '.join(cmd)}\n{err.read().decode(errors='replace')[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


