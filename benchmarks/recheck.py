"""Re-check of what changed (issue #19 part 5): ``check --baseline`` against a full check of the same inputs.

    PYTHONPATH=src .venv/bin/python benchmarks/recheck.py [--pairs 1000000,10000000] [--changed 0.01]
                                                          [--repeat 3] [--out bench-output] [--memory-limit 20G]

The baseline is the scheduled command's first run (``check --baseline`` with no baseline yet: a full check that
keeps the line digests a re-check by lines needs) on ``make_pairs`` files; then ``--changed`` of the rows of each side change
(business: 漢字氏名 edited, plus as many rows deleted as inserted — 1 ‰ each — so 行番号 move; registry: 住所
edited) and both the re-check and a full check of the changed files run, as real subprocesses, alternating,
``--repeat`` times each, every run with ``--formats csv --home-prefecture`` (the registry's most given
prefecture). Every size given to ``--pairs`` is measured in the same run. Printed: every time, the fastest of each and the ratio re-check / full (goal: ≤ 40 % at
1 M pairs, ≤ 25 % at 10 M), the same for CPU time (user + system of the child: less disturbed than wall time on
a shared machine), and whether the two result.csv are the same bytes (they must be).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).parent))
import _bench
from _bench import Child, byte_compiled, make_pairs

from himozuke.formats import columns as C
from himozuke.match import home as home_of


def changed_inputs(b: Path, r: Path, out: Path, share: float, seed: int = 19) -> tuple[Path, Path]:
    """Copies of ``b`` and ``r`` with ``share`` of the rows of each changed (reused when present)."""
    b2, r2 = out / f"{b.stem}-changed.csv", out / f"{r.stem}-changed.csv"
    if b2.exists() and r2.exists():
        return b2, r2
    rng = np.random.default_rng(seed)
    business = pl.read_csv(b, infer_schema=False)
    n = business.height
    edited = rng.random(n) < share
    business = business.with_columns(
        pl.when(pl.Series(edited)).then(pl.concat_str(pl.lit("改"), pl.col(C.KANJI_NAME).str.slice(1)))
        .otherwise(pl.col(C.KANJI_NAME)).alias(C.KANJI_NAME))
    gone = rng.random(n) < share / 10
    # a deleted row here and there, and as many rows added (copies under a new position: new 行番号 after them)
    inserted = business.filter(pl.Series(rng.random(n) < share / 10)).with_columns(
        pl.concat_str(pl.lit("追"), pl.col(C.KANJI_NAME).str.slice(1)).alias(C.KANJI_NAME))
    half = n // 2
    kept = business.filter(~pl.Series(gone))
    business = pl.concat([kept.head(half), inserted, kept.slice(half)])
    business.write_csv(b2)
    registry = pl.read_csv(r, infer_schema=False)
    moved = pl.Series(rng.random(registry.height) < share)
    registry.with_columns(pl.when(moved).then(pl.concat_str(pl.col(C.ADDRESS), pl.lit("号棟")))
                          .otherwise(pl.col(C.ADDRESS)).alias(C.ADDRESS)).write_csv(r2)
    return b2, r2


def _changed_and_home(b: Path, r: Path, out: Path, share: float) -> tuple[Path, Path, str]:
    """:func:`changed_inputs`, and the body's prefecture as a scheduled job gives it (a re-check by lines needs
    it: docs/recheck.md)."""
    b2, r2 = changed_inputs(b, r, out, share)
    return b2, r2, home_of.inferred(pl.scan_csv(r, infer_schema=False))[0]


def run_child(cmd: list[str], ok: tuple[int, ...] = (0,)) -> Child:
    """:func:`_bench.run_child`, started once the previous run's written pages are on the disk (a 10 M full check
    leaves ~4 GB to write back, which slowed the run after it by seconds)."""
    if hasattr(os, "sync"):
        os.sync()
    return _bench.run_child(cmd, ok)


def measure(pairs: int, args: argparse.Namespace) -> dict:
    """One size: the baseline, then ``--repeat`` full checks and re-checks of the changed files, alternating."""
    t0 = time.perf_counter()
    b, r = make_pairs(pairs, args.out)
    # in a process of its own: a child's peak RSS (ru_maxrss) counts its parent's, which reading 10 M rows here
    # raised to 4.6 GB (the full check's own peak is 2.0 GB)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        b2, r2, home = pool.submit(_changed_and_home, b, r, args.out, args.changed).result()
    print(f"inputs: {b.name}, {r.name} and their changed copies ({time.perf_counter() - t0:.1f} s)", flush=True)
    himozuke = [sys.executable, "-c", "from himozuke.cli import main; main()"]
    common = ["--formats", "csv", "--home-prefecture", home,
              *(["--memory-limit", args.memory_limit] if args.memory_limit else [])]
    base, full_out, re_out = (args.out / f"recheck-{k}-{pairs}" for k in ("base", "full", "re"))
    shutil.rmtree(base, ignore_errors=True)
    # the scheduled command itself (its first run has no baseline: a full check that keeps what the next needs)
    first = run_child([*himozuke, "check", str(b), str(r), "--out", str(base), *common, "--baseline", str(base)],
                      ok=(0, 1))
    print(f"baseline (full check of the original files): {first.seconds:.2f} s", flush=True)
    full, again = [], []
    for _ in range(args.repeat):
        full.append(run_child([*himozuke, "check", str(b2), str(r2), "--out", str(full_out), *common]))
        again.append(run_child([*himozuke, "check", str(b2), str(r2), "--out", str(re_out), *common,
                                "--baseline", str(base)], ok=(0, 1)))  # 1: new B/C, as planted
        print(f"{pairs:,} pairs: full {full[-1].seconds:.2f} s (CPU {full[-1].cpu_seconds:.2f} s, "
              f"{full[-1].page_faults:,} page faults), re-check {again[-1].seconds:.2f} s "
              f"(CPU {again[-1].cpu_seconds:.2f} s, {again[-1].page_faults:,} page faults)", flush=True)
    full_s, re_s = min(c.seconds for c in full), min(c.seconds for c in again)
    full_cpu, re_cpu = min(c.cpu_seconds for c in full), min(c.cpu_seconds for c in again)
    run = json.loads((re_out / "run.json").read_text(encoding="utf-8"))["recheck"]
    return {
        "pairs": pairs, "changed_share": args.changed,
        "full_seconds": round(full_s, 2), "recheck_seconds": round(re_s, 2), "ratio": round(re_s / full_s, 3),
        "full_cpu_seconds": round(full_cpu, 2), "recheck_cpu_seconds": round(re_cpu, 2),
        "cpu_ratio": round(re_cpu / full_cpu, 3),
        "full_peak_mib": round(max(c.peak_mib for c in full)), "recheck_peak_mib": round(max(c.peak_mib for c in again)),
        "full_page_faults": min(c.page_faults for c in full), "recheck_page_faults": min(c.page_faults for c in again),
        "memory_limit": args.memory_limit or "default",
        "engine_full": json.loads((full_out / "run.json").read_text(encoding="utf-8"))["engine"],
        "by_lines": run.get("by_lines"), "not_by_lines": run.get("not_by_lines", ""),
        "recomputed_rows": run["recomputed"], "carried_rows": run["carried"],
        "delta": run["delta"],
        "same_bytes": (full_out / "result.csv").read_bytes() == (re_out / "result.csv").read_bytes(),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", default="1000000", help="sizes, comma-separated (e.g. 1000000,10000000)")
    ap.add_argument("--changed", type=float, default=0.01, help="share of the rows changed on each side")
    ap.add_argument("--out", type=Path, default=Path("bench-output"))
    ap.add_argument("--repeat", type=int, default=3, help="runs of each; the fastest of each is compared")
    ap.add_argument("--memory-limit", help="given to every run (default: each run's own, half the free memory)")
    args = ap.parse_args()
    byte_compiled()  # as installed: no run compiles the modules first
    results = [measure(int(n), args) for n in args.pairs.split(",")]
    for figures in results:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
    for f in results:
        print(f"{f['pairs']:,} pairs: re-check / full = {f['ratio']:.3f} wall, {f['cpu_ratio']:.3f} CPU "
              f"(goal: {0.40 if f['pairs'] <= 1_000_000 else 0.25:.2f}); same bytes: {f['same_bytes']}")
    if not all(f["same_bytes"] for f in results):
        sys.exit("the re-check's result.csv differs from the full check's")


if __name__ == "__main__":
    main()
