"""The registry 個人番号's cost on the bucketed path, per registry file: normalised and parsed once or twice.

    .venv/bin/python benchmarks/registry_key.py [--pairs 1000000]

Before issue #21 part 4 the partition normalised the number (to hash the text into a bucket) and the check pass
normalised it again and parsed it, in one expression; now the partition normalises and parses it once
(``engine.with_registry_key``) and the check reads the integer. Both on the numbers as generated (12 half-width
digits: the normaliser's cheap path) and written 1234-5678-9012 (the normaliser's full work). CPU seconds of
this process, best of 7, lazy queries collected in memory (the partition streams them to Parquet instead).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).parent))
from _bench import make_pairs

from himozuke import mynumber
from himozuke.formats import columns as C
from himozuke.match import engine


def _best(run, n: int = 7) -> float:
    times = []
    for _ in range(n):
        t = time.process_time()
        run()
        times.append(time.process_time() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=1_000_000)
    ap.add_argument("--out", type=Path, default=Path("bench-output"))
    args = ap.parse_args()
    _, r = make_pairs(args.pairs, args.out)
    registry = pl.read_csv(r, infer_schema=False).with_row_index(C.ROW)
    hyphens = registry.with_columns(pl.col(C.MY_NUMBER).str.replace(r"^(\d{4})(\d{4})(\d{4})$", "$1-$2-$3"))
    number = pl.col(C.MY_NUMBER)
    print("| numbers | before: partition + check | after: partition + check |\n|---|---:|---:|")
    for label, frame in (("12 half-width digits", registry), ("written 1234-5678-9012", hyphens)):
        partitioned_text = frame.with_columns(mynumber.normalize_expr(number).alias(C.MY_NUMBER))
        keyed = engine.with_registry_key(frame.lazy()).collect()
        before = (_best(lambda f=frame: f.lazy().select(mynumber.normalize_expr(number)).collect()),
                  _best(lambda f=partitioned_text: f.lazy().select(
                      engine.number_key_expr(mynumber.normalize_expr(number))).collect()))
        after = (_best(lambda f=frame: engine.with_registry_key(f.lazy()).collect()),
                 _best(lambda f=keyed: engine.registry_rows(f).collect()))
        print(f"| {label} | {before[0]:.3f} + {before[1]:.3f} = {sum(before):.3f} CPU-s | "
              f"{after[0]:.3f} + {after[1]:.3f} = {sum(after):.3f} CPU-s |")


if __name__ == "__main__":
    main()
