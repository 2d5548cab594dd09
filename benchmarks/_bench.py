"""Generated benchmark inputs: a synthetic register and a business copy, written in chunks.

Chunks keep memory flat for 60 M pairs; each chunk's numbers are moved into their own range
(``chunk × 10⁹ + a permutation``) so numbers stay unique across chunks, then get a fresh check digit.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import NamedTuple

import numpy as np
import polars as pl

from himozuke.formats import columns as C
from himozuke.testing.perturb import business_copy
from himozuke.testing.population import generate_population, kanji_numeral, number_strings

CHUNK = 2_000_000


def _append_csv(frame: pl.DataFrame, path: Path, first: bool) -> None:
    with path.open("ab" if not first else "wb") as f:
        frame.write_csv(f, include_header=first)


#: 漢数字 of a 丁目 → its digits (the generator's 丁目 stay under 100)
_CHOME = {kanji_numeral(k): str(k) for k in range(1, 100)}
_PREFECTURE = "^(?:北海道|東京都|(?:京都|大阪)府|[^都道府県]{2,3}県)"


def business_notation(business: pl.DataFrame, share: float, seed: int) -> pl.DataFrame:
    """``share`` of the business rows with the 住所 written as business systems write it, not as the 住民基本台帳
    does: the 都道府県 left out and the numbers as 「9-14-2」 for 「九丁目１４番２号」 (「646」 for 「６４６番地」).

    Every such address means the same place (manual §7(6) A 注11・注12: still 一致), but its text differs from the
    registry's, so the check normalises and parses both sides of most pairs — as on real extracts."""
    rng = np.random.default_rng(seed)
    address = pl.col(C.ADDRESS)
    chome = address.str.extract("([一二三四五六七八九十]+)丁目", 1)
    numbers = (
        pl.concat_str([address.str.extract("^(.*?)[一二三四五六七八九十]+丁目", 1),
                       chome.replace_strict(_CHOME, default=None), pl.lit("-"),
                       address.str.extract("[一二三四五六七八九十]+丁目(.*)$", 1)])
    )
    written = (
        pl.coalesce(numbers, address)
        .str.replace(_PREFECTURE, "")
        .str.replace_many({chr(0xFF10 + d): str(d) for d in range(10)})
        .str.replace("([0-9])番地$", "$1").str.replace("([0-9])号$", "$1").str.replace_all("([0-9])番地?([0-9])", "$1-$2")
    )
    pick = pl.Series(rng.random(business.height) < share)
    return business.with_columns(pl.when(pick & address.is_not_null()).then(written).otherwise(address).alias(C.ADDRESS))


def make_pairs(pairs: int, out: Path, *, seed: int = 1, chunk: int = CHUNK, notation: float = 0.0
               ) -> tuple[Path, Path]:
    """``business-N.csv`` and ``registry-N.csv`` in ``out`` (reused when present). ``notation``: the share of
    business addresses written another way (:func:`business_notation`; files ``business-N-notationP.csv``)."""
    out.mkdir(parents=True, exist_ok=True)
    suffix = f"-notation{round(notation * 100)}" if notation else ""
    b_path, r_path = out / f"business-{pairs}{suffix}.csv", out / f"registry-{pairs}{suffix}.csv"
    if b_path.exists() and r_path.exists():
        return b_path, r_path
    # generated in a process of its own: a child forked from a parent that grew while generating reports the
    # parent's size as its own peak RSS (ru_maxrss counts the forked copy before exec)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        pool.submit(_generate, pairs, b_path, r_path, seed=seed, chunk=chunk, notation=notation).result()
    return b_path, r_path


def _generate(pairs: int, b_path: Path, r_path: Path, *, seed: int, chunk: int, notation: float) -> None:
    tmp_b, tmp_r = b_path.with_suffix(".part"), r_path.with_suffix(".part")
    for k, start in enumerate(range(0, pairs, chunk)):
        m = min(chunk, pairs - start)
        pop = generate_population(m, seed=seed * 1000 + k)
        rng = np.random.default_rng(seed * 1000 + k)
        payload = k * 10**9 + rng.permutation(m).astype(np.int64)
        pop = pop.with_columns(number_strings(payload).alias(C.MY_NUMBER))
        business = business_copy(pop, seed=seed * 1000 + k).select(C.STANDARD)
        if notation:
            business = business_notation(business, notation, seed * 1000 + k)
        registry = pop.select(C.STANDARD).with_columns(pl.col(C.BIRTH_DATE).cast(pl.String))
        _append_csv(business, tmp_b, k == 0)
        _append_csv(registry, tmp_r, k == 0)
    tmp_b.rename(b_path)
    tmp_r.rename(r_path)


def byte_compiled(src: Path | None = None) -> None:
    """Write the byte-code of himozuke's modules (of the package under ``src``, default the one imported), as
    installing a package does: on a machine that sets ``PYTHONDONTWRITEBYTECODE`` (this one does) every timed run
    would otherwise compile ~60 modules first, ~0.2 s of each run that an installed himozuke never pays."""
    import compileall

    import himozuke

    compileall.compile_dir(src / "himozuke" if src else Path(himozuke.__file__).parent, quiet=1)


class Child(NamedTuple):
    """What :func:`run_child` measured of one child alone (``os.wait4``)."""

    seconds: float  #: wall time
    peak_mib: float  #: its max RSS
    #: user + system time: on a shared machine it varies less than the wall time, which waits on other tenants
    cpu_seconds: float
    #: the system (kernel) part of it: on this project's virtual machines mostly the pages a run touches first
    #: (docs/benchmarks.md, "memory the host takes back")
    system_seconds: float
    page_faults: int  #: minor page faults: pages the child touched for the first time, a count that does not vary


def run_child(cmd: list[str], ok: tuple[int, ...] = (0,)) -> Child:
    """Run ``cmd``; exit with its error output if its exit code is not one of ``ok``."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in ok:
            err.seek(0)
            sys.exit(f"failed: {' '.join(cmd)}\n{err.read().decode(errors='replace')[-2000:]}")
    return Child(seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, usage.ru_stime, usage.ru_minflt)


_DUCKDB = """
import duckdb, sys
b, r, out = sys.argv[1:4]
con = duckdb.connect()
con.execute(f\"\"\"
COPY (
  SELECT b.*, r.漢字氏名 AS 漢字氏名_住基, r.カナ氏名 AS カナ氏名_住基, r.生年月日 AS 生年月日_住基,
         r.性別 AS 性別_住基, r.住所 AS 住所_住基
  FROM read_csv('{b}', all_varchar=true) b
  LEFT JOIN read_csv('{r}', all_varchar=true) r USING (個人番号)
) TO '{out}' (HEADER, DELIMITER ',')
\"\"\")
"""


def run_duckdb(business: Path, registry: Path, out: Path) -> Child:
    """The peer: a bare DuckDB read + join + write of the same two files (:func:`run_child`'s figures)."""
    return run_child([sys.executable, "-c", _DUCKDB, str(business), str(registry), str(out)])
