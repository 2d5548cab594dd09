"""Scaling curve of ``himozuke check``: time and peak RSS at several sizes, one memory limit.

    .venv/bin/python benchmarks/scaling.py [--sizes 1000000,2000000,5000000,10000000] [--memory-limit 3G]
    .venv/bin/python benchmarks/scaling.py --sizes 60000000 --formats parquet      # the national-scale run
    .venv/bin/python benchmarks/scaling.py --sizes 60000000 --formats parquet --memory-limit default --no-duckdb

Each size is a real ``himozuke check`` subprocess on generated pairs (``_bench.make_pairs``); peak RSS is that
child's own (``os.wait4``). Rows per second should stay flat (linear time) and peak RSS should stop growing once
the input no longer fits the memory limit (bucketed engine). After each size a bare DuckDB read + join + write of
the same files runs (``_bench.run_duckdb``; ``--no-duckdb`` skips it) and the ratio of the two times is printed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _bench import byte_compiled, make_pairs, run_child, run_duckdb


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000000,2000000,5000000,10000000")
    ap.add_argument("--memory-limit", default="3G",
                    help="passed to himozuke check; 'default': not passed (half the memory available, as a user runs it)")
    ap.add_argument("--formats", default="csv")
    ap.add_argument("--out", type=Path, default=Path("bench-output"))
    ap.add_argument("--no-duckdb", action="store_true", help="skip the DuckDB peer (it holds the join in memory)")
    args = ap.parse_args()
    byte_compiled()  # as installed: no run compiles the modules first
    himozuke = str(Path(sys.executable).with_name("himozuke"))
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        t0 = time.perf_counter()
        b, r = make_pairs(n, args.out)
        gen = time.perf_counter() - t0
        out = args.out / f"scaling-{n}"
        limit = [] if args.memory_limit == "default" else ["--memory-limit", args.memory_limit]
        ours = run_child([himozuke, "check", str(b), str(r), "--out", str(out), "--formats", args.formats, *limit])
        seconds, rss = ours.seconds, ours.peak_mib
        run = json.loads((out / "run.json").read_text(encoding="utf-8"))
        row = {"pairs": n, "seconds": round(seconds, 1), "rows_per_second": round(n / seconds),
               "peak_rss_mib": round(rss), "system_seconds": round(ours.system_seconds, 1),
               "page_faults": ours.page_faults, "engine": run["engine"], "memory_limit": args.memory_limit,
               "counts": run["counts"], "phase_seconds": run["seconds"], "input_generation_seconds": round(gen, 1)}
        if not args.no_duckdb:
            duck = run_duckdb(b, r, args.out / f"duckdb-{n}.csv")
            duck_s, duck_rss = duck.seconds, duck.peak_mib
            (args.out / f"duckdb-{n}.csv").unlink()
            row |= {"duckdb_seconds": round(duck_s, 1), "duckdb_peak_rss_mib": round(duck_rss),
                    "ratio": round(seconds / duck_s, 2)}
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    print("\n| pairs | seconds | rows/s | peak RSS (MiB) | engine | DuckDB seconds | ratio |\n"
          "|---:|---:|---:|---:|---|---:|---:|")
    for row in rows:
        print(f"| {row['pairs']:,} | {row['seconds']} | {row['rows_per_second']:,} | {row['peak_rss_mib']:,} | "
              f"{row['engine']} | {row.get('duckdb_seconds', '—')} | {row.get('ratio', '—')} |")
    (args.out / "scaling.json").write_text(json.dumps(rows, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
