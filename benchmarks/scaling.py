"""Scaling curve of ``himozuke check``: time and peak RSS at several sizes, one memory limit.

    .venv/bin/python benchmarks/scaling.py [--sizes 1000000,2000000,5000000,10000000] [--memory-limit 3G]
    .venv/bin/python benchmarks/scaling.py --sizes 60000000 --formats parquet      # the national-scale run

Each size is a real ``himozuke check`` subprocess on generated pairs (``_bench.make_pairs``); peak RSS is that
child's own (``os.wait4``). Rows per second should stay flat (linear time) and peak RSS should stop growing once
the input no longer fits the memory limit (bucketed engine).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _bench import make_pairs, run_child


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000000,2000000,5000000,10000000")
    ap.add_argument("--memory-limit", default="3G")
    ap.add_argument("--formats", default="csv")
    ap.add_argument("--out", type=Path, default=Path("bench-output"))
    args = ap.parse_args()
    himozuke = str(Path(sys.executable).with_name("himozuke"))
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        t0 = time.perf_counter()
        b, r = make_pairs(n, args.out)
        gen = time.perf_counter() - t0
        out = args.out / f"scaling-{n}"
        seconds, rss = run_child([himozuke, "check", str(b), str(r), "--out", str(out), "--formats", args.formats,
                                  "--memory-limit", args.memory_limit])
        run = json.loads((out / "run.json").read_text(encoding="utf-8"))
        row = {"pairs": n, "seconds": round(seconds, 1), "rows_per_second": round(n / seconds),
               "peak_rss_mib": round(rss), "engine": run["engine"], "memory_limit": args.memory_limit,
               "counts": run["counts"], "input_generation_seconds": round(gen, 1)}
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    print("\n| pairs | seconds | rows/s | peak RSS (MiB) | engine |\n|---:|---:|---:|---:|---|")
    for row in rows:
        print(f"| {row['pairs']:,} | {row['seconds']} | {row['rows_per_second']:,} | {row['peak_rss_mib']:,} | "
              f"{row['engine']} |")
    (args.out / "scaling.json").write_text(json.dumps(rows, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
