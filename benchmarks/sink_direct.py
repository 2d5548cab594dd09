"""A large result written into a path, past the page cache (``himozuke.atomic.DirectFile``), and into /dev/null.

    .venv/bin/python benchmarks/sink_direct.py RESULT_CSV [--rounds 2] [--format csv|parquet]

RESULT_CSV: a result.csv of a large run (e.g. 10 M pairs, 3.3 GB), read once into memory as text; then, each
round, ``sink_csv`` of it into each target in turn, the same bytes. Prints wall and CPU seconds (user + system
of this process) of every write. The page cache's cost shows in the CPU time, which varies less than the wall
time on a shared machine (docs/benchmarks.md, "a national run's result file written past the page cache").
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import polars as pl

from himozuke.atomic import DirectFile


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("result", type=Path)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--format", choices=["csv", "parquet"], default="csv", help="the file written")
    args = ap.parse_args()
    result = pl.read_csv(args.result, infer_schema=False).lazy()
    folder = Path(tempfile.mkdtemp(prefix="sink-direct-", dir=args.result.parent))
    target = folder / f"result.{args.format}"

    def sink(into) -> None:
        if args.format == "csv":
            result.sink_csv(into, include_bom=True, quote_style="never")
        else:
            result.sink_parquet(into)

    try:
        for _ in range(args.rounds):
            for kind in ("path", "direct", "null"):
                target.unlink(missing_ok=True)
                os.sync()
                t, c = time.perf_counter(), sum(os.times()[:2])
                if kind == "path":
                    sink(target)
                elif kind == "direct":
                    with DirectFile(target) as f:
                        sink(f)
                else:
                    sink(os.devnull)
                print(f"{kind:6} {time.perf_counter() - t:6.2f} s wall {sum(os.times()[:2]) - c:6.2f} s CPU", flush=True)
    finally:
        target.unlink(missing_ok=True)
        folder.rmdir()


if __name__ == "__main__":
    main()
