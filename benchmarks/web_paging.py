"""The web UI's 結果 page at 1 M rows (issue #18): how long its queries take on a run's result.parquet.

    .venv/bin/python benchmarks/web_paging.py [--pairs 1000000] [--out bench-output] [--repeat 5]

The check of the generated pairs (``_bench.make_pairs``) is written as result.parquet once (reused), then each query
the page issues (:mod:`himozuke.report.stats`: the counts and per-item mismatches of a page load, one page of 50
rows first / in the middle / last, filtered by 判定, by item, by 理由) is timed ``--repeat`` times in this process,
beside a baseline in the same process: reading the first 50 rows of the same file with Polars and nothing else.
Printed: the best time of each and its ratio to the baseline.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import polars as pl
from _bench import make_pairs

from himozuke.formats import columns as C
from himozuke.pipeline import run_check
from himozuke.report import stats

PAGE = 50


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=1_000_000)
    ap.add_argument("--out", type=Path, default=Path("bench-output"))
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    b, r = make_pairs(args.pairs, args.out)
    run = args.out / f"web-{args.pairs}"
    path = run / "result.parquet"
    if not path.exists():
        run_check(b, r, run, formats=("parquet",))
    lf = stats.scan(path)
    total = lf.select(pl.len()).collect().item()
    queries = {
        "page load: counts + per item + reason codes": lambda: (stats.verdict_counts(lf), stats.item_mismatches(lf),
                                                                stats.reason_codes(lf)),
        "first page": lambda: stats.page(lf, 0, PAGE),
        "middle page": lambda: stats.page(lf, total // 2, PAGE),
        "last page": lambda: stats.page(lf, total - PAGE, PAGE),
        "判定 C, page 10": lambda: stats.page(stats.filtered(lf, verdict="C"), 10 * PAGE, PAGE),
        "住所 not matching, page 10": lambda: stats.page(stats.filtered(lf, item=C.ADDRESS), 10 * PAGE, PAGE),
        "理由 address.number_mismatch": lambda: stats.page(stats.filtered(lf, reason="address.number_mismatch"), 0, PAGE),
    }
    baseline = _best(lambda: pl.scan_parquet(path).slice(0, PAGE).collect(), args.repeat)
    print(f"{total:,} rows; baseline (first {PAGE} rows, Polars alone): {baseline * 1000:.1f} ms")
    print("| query | best ms | ratio to baseline |\n|---|---:|---:|")
    for name, fn in queries.items():
        t = _best(fn, args.repeat)
        print(f"| {name} | {t * 1000:.1f} | {t / baseline:.1f} |")


if __name__ == "__main__":
    main()
