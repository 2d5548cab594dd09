"""Time `himozuke.text.address`: each normalisation step, the 市区町村 head, and `address_parts_expr`.

Usage::

    .venv/bin/python benchmarks/address.py [--rows 100000] [--repeat 3] [FILE.csv ...]

Reads the 住所 column of the first ``--rows`` rows of each file (default: the 1,000,000-row bench files
in ``/tmp/bench``) and prints µs per row, best of ``--repeat`` runs: wall-clock time and process CPU
time (all threads; the steadier figure on a shared machine). Each step is timed on the output of the
previous steps, so a row shows that step alone. Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import polars as pl

from himozuke.text import address as a

DEFAULT_FILES = ("/tmp/bench/business-1000000.csv", "/tmp/bench/registry-1000000.csv")
COLUMN = "住所"


def _best(frame: pl.DataFrame, expr: pl.Expr, repeat: int) -> tuple[float, float]:
    """Best wall-clock and best CPU seconds of ``frame.select(expr)``."""
    wall = cpu = float("inf")
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        frame.select(expr)
        wall, cpu = min(wall, time.perf_counter() - start), min(cpu, time.process_time() - start_cpu)
    return wall, cpu


def _timings(values: pl.Series, repeat: int) -> list[tuple[str, tuple[float, float]]]:
    frame = pl.DataFrame({"s": values})
    out = []
    for step in a.ADDRESS_STEPS:
        out.append((step.name, _best(frame, step.expr(pl.col("s")), repeat)))
        frame = frame.select(step.expr(pl.col("s")).alias("s"))
    out.append(("municipality_head", _best(frame, a._head_expr(pl.col("s")), repeat)))
    whole = pl.DataFrame({"s": values})
    out.append(("address_parts_expr", _best(whole, a.address_parts_expr(pl.col("s")), repeat)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", default=DEFAULT_FILES)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for path in args.files:
        values = pl.read_csv(path, columns=[COLUMN], n_rows=args.rows, infer_schema=False).to_series()
        print(f"{Path(path).name}: {len(values):,} rows, µs/row (best of {args.repeat})    wall      cpu")
        for name, (wall, cpu) in _timings(values, args.repeat):
            print(f"  {name:<26} {wall / len(values) * 1e6:8.2f} {cpu / len(values) * 1e6:8.2f}")


if __name__ == "__main__":
    main()
