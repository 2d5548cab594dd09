"""Latency of ``himozuke.verify`` (one record, in process, warm) against the same records through a one-row
``check_frames`` — the way a one-record check would run without the per-record rule tables.

    .venv/bin/python benchmarks/verify_latency.py [--people 2000] [--baseline 300] [--repeat 2]

Inputs: the demo's synthetic register and its business copy with the planted error mix
(``himozuke.testing.perturb``), every record with the records of the same file that share its number or person
(``others``, as a business system holds them). Each record is verified once to warm the caches (the scalar
normalisers compile their regexes on first use), then ``--repeat`` rounds are timed one call at a time;
p50/p99/max are over every timed call. The baseline times ``check_frames`` on a one-row frame for the first
``--baseline`` records (slow: a sample is enough), in the same run. The goal of issue #19 is p99 ≤ 5 ms.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import time
from collections import defaultdict

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import polars as pl

from himozuke import mynumber, verify
from himozuke.formats import columns as C
from himozuke.formats.records import answered_items_expr
from himozuke.match.engine import check_frames
from himozuke.testing.perturb import business_copy
from himozuke.testing.population import DELETED, STATUS, generate_population
from himozuke.text.person import person_key


def _twelve(value):
    n = mynumber.normalize(value)
    return n if n is not None and len(n) == 12 and n.isdigit() else None


def _person(r):
    return person_key(r.get(C.KANJI_NAME), r.get(C.KANA_NAME), r.get(C.BIRTH_DATE), r.get(C.SEX))


def _quantiles(ms: list[float]) -> str:
    ms = sorted(ms)
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return f"p50 {q[49]:.3f} ms  p99 {q[98]:.3f} ms  max {ms[-1]:.3f} ms  ({len(ms):,} calls)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=2_000)
    ap.add_argument("--seed", type=int, default=2023)
    ap.add_argument("--repeat", type=int, default=2, help="timed rounds over every record")
    ap.add_argument("--baseline", type=int, default=300, help="records timed through a one-row check_frames")
    ap.add_argument("--home-prefecture", default=None)
    args = ap.parse_args()

    pop = generate_population(args.people, seed=args.seed)
    records = business_copy(pop, seed=args.seed).select(C.STANDARD).to_dicts()
    registry = pop.select(*C.STANDARD, pl.when(pl.col(STATUS) == DELETED).then(pl.lit(C.INQUIRY_DELETED))
                          .otherwise(pl.lit(C.INQUIRY_FOUND)).alias(C.INQUIRY_RESULT)) \
        .with_columns(pl.col(C.BIRTH_DATE).cast(pl.String)).with_columns(answered_items_expr(c) for c in C.ITEMS)
    by_number = {_twelve(r[C.MY_NUMBER]): r for r in registry.to_dicts()}
    near = defaultdict(set)
    for i, r in enumerate(records):
        for key in (("n", _twelve(r[C.MY_NUMBER])), ("p", _person(r))):
            if key[1] is not None:
                near[key].add(i)
    calls = []
    for i, r in enumerate(records):
        others = [records[j] for j in sorted((near[("n", _twelve(r[C.MY_NUMBER]))] | near[("p", _person(r))]) - {i})]
        calls.append((r, by_number.get(_twelve(r[C.MY_NUMBER])), others))
    print(f"{len(records):,} records ({sum(1 for c in calls if c[2]):,} with others), "
          f"home prefecture {args.home_prefecture or '—'}")

    gc.freeze()  # the inputs live as long as the run: out of the collector's sight, as in the CLI
    for record, reg, others in calls:  # warm-up
        verify(record, reg, others=others, home_prefecture=args.home_prefecture)
    timed, differing, cpu = [], [], []
    for _ in range(args.repeat):
        for record, reg, others in calls:
            c0, t0 = time.thread_time(), time.perf_counter()
            verify(record, reg, others=others, home_prefecture=args.home_prefecture)
            ms = (time.perf_counter() - t0) * 1000
            cpu.append((time.thread_time() - c0) * 1000)
            timed.append(ms)
            if reg is None or any(record[i] != reg[i] for i in C.ITEMS):
                differing.append(ms)
    print(f"verify (warm, in process):      {_quantiles(timed)}")
    print(f"  of which differ in some item: {_quantiles(differing)}")
    print(f"  CPU time of the calling thread (the wall time less waiting for a core): {_quantiles(cpu)}")
    print(f"  load average before the baseline: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} cores")

    schema = dict.fromkeys(C.STANDARD, pl.String)
    base = []
    for record, reg, _others in calls[:args.baseline]:
        b = pl.DataFrame([record], schema=schema).with_columns(pl.lit(2, dtype=pl.Int64).alias(C.ROW))
        r = pl.DataFrame([reg] if reg else [], schema={**schema, C.INQUIRY_RESULT: pl.String})
        check_frames(b, r, home_prefecture=args.home_prefecture)  # warm this shape once
        t0 = time.perf_counter()
        check_frames(b, r, home_prefecture=args.home_prefecture)
        base.append((time.perf_counter() - t0) * 1000)
    print(f"check_frames, one-row frame:    {_quantiles(base)}")
    print(f"ratio of medians (one-row check_frames / verify): "
          f"{statistics.median(base) / statistics.median(timed):.0f}×")


if __name__ == "__main__":
    main()
