"""Throughput of ``himozuke check`` against a bare DuckDB read + join + write of the same two files.

    .venv/bin/python benchmarks/throughput.py [--pairs 1000000] [--repeat 3] [--out bench-output]

Both runs are real subprocesses in the same run, on the same generated files (a synthetic register and a
business copy with the planted error mix of ``himozuke.testing.perturb``, 80 % of whose addresses are written as
business systems write them: ``--notation``, ``_bench.business_notation``), so the ratio is comparable across
machines. Each side runs ``--repeat`` times, alternating, and the ratio is of the fastest run of each (on a shared
virtual machine single runs of the same program vary by ±15 %; the minimum is the least disturbed). Every
time is printed, and the same ratio of CPU time (user + system of each child, the least of each side), which the
machine's other tenants disturb less: two versions of himozuke compare better by it. Peak memory is each child's
max RSS (the highest over its runs). The xlsx report is timed separately (``--formats xlsx``).
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
    ap.add_argument("--pairs", type=int, default=1_000_000)
    ap.add_argument("--notation", type=float, default=0.8,
                    help="share of business addresses written as business systems do (「9-14-2」, no 都道府県); 0: as the register")
    ap.add_argument("--out", type=Path, default=Path("bench-output"))
    ap.add_argument("--repeat", type=int, default=3, help="runs of each side; the fastest of each is compared")
    ap.add_argument("--skip-xlsx", action="store_true")
    args = ap.parse_args()
    byte_compiled()  # as installed: no run compiles the modules first
    t0 = time.perf_counter()
    b, r = make_pairs(args.pairs, args.out, notation=args.notation)
    print(f"inputs: {b.name}, {r.name} ({time.perf_counter() - t0:.1f} s to generate or reuse)")
    himozuke = str(Path(sys.executable).with_name("himozuke"))

    duck, ours = [], []
    for _ in range(args.repeat):
        duck.append(run_duckdb(b, r, args.out / "duckdb.csv"))
        ours.append(run_child([himozuke, "check", str(b), str(r), "--out", str(args.out / "csv"),
                               "--formats", "csv"]))
    duck_s, ours_s = min(c.seconds for c in duck), min(c.seconds for c in ours)
    duck_cpu, ours_cpu = min(c.cpu_seconds for c in duck), min(c.cpu_seconds for c in ours)
    figures = {
        "pairs": args.pairs,
        "duckdb_seconds": round(duck_s, 2),
        "himozuke_csv_seconds": round(ours_s, 2),
        "ratio": round(ours_s / duck_s, 2),
        "duckdb_cpu_seconds": round(duck_cpu, 2),
        "himozuke_cpu_seconds": round(ours_cpu, 2),
        "cpu_ratio": round(ours_cpu / duck_cpu, 2),
        "himozuke_peak_rss_mib": round(max(c.peak_mib for c in ours)),
        "duckdb_peak_rss_mib": round(max(c.peak_mib for c in duck)),
        "runs_seconds": {"duckdb": [round(c.seconds, 2) for c in duck], "himozuke": [round(c.seconds, 2) for c in ours]},
        "runs_cpu_seconds": {"duckdb": [round(c.cpu_seconds, 2) for c in duck],
                             "himozuke": [round(c.cpu_seconds, 2) for c in ours]},
        "runs_system_seconds": {"duckdb": [round(c.system_seconds, 2) for c in duck],
                                "himozuke": [round(c.system_seconds, 2) for c in ours]},
        "page_faults": {"duckdb": min(c.page_faults for c in duck), "himozuke": min(c.page_faults for c in ours)},
    }
    if not args.skip_xlsx:
        xlsx = run_child([himozuke, "check", str(b), str(r), "--out", str(args.out / "xlsx"), "--formats", "xlsx"])
        figures["himozuke_xlsx_seconds"] = round(xlsx.seconds, 2)
    run = json.loads((args.out / "csv" / "run.json").read_text(encoding="utf-8"))
    figures["counts"] = run["counts"]
    figures["phase_seconds"] = run["seconds"]
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    (args.out / f"throughput-{args.pairs}.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
