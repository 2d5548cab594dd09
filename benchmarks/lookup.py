"""The 4-information lookup in batch (issue #19 part 3): how long a file of applications takes against a register.

    .venv/bin/python benchmarks/lookup.py [--register 1000000] [--applications 100000] [--repeat 3] [--loop 200]

A synthetic register (``generate_population``, no deleted residents) and applications drawn from it with the
notation variants the manual allows and some items never collected (``business_copy``, 個人番号 dropped). Timed in
this process, best of ``--repeat``, each beside the others in the same run:

- himozuke: :func:`himozuke.match.lookup.lookup_frame` (blocking join on 生年月日 / 性別, then the check's own
  comparison of the pairs); the register is loaded once beforehand (:func:`load_register`, timed apart);
- baseline: the literal lookup the simulated J-LIS used to do — one Polars join on カナ氏名 without spaces +
  生年月日 + 性別 as written, and a count per application (no tolerance: the floor of any join-based lookup);
- per application: :func:`himozuke.lookup` called once per application for ``--loop`` of them, extrapolated —
  what a Python loop over the applications would cost.

Printed: the times, the ratios to the baseline, and how often each finds the true person (the baseline misses
every application written with a notation variant).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import fields

import polars as pl

from himozuke.formats import columns as C
from himozuke.match.lookup import CANDIDATES, load_register, lookup, lookup_frame
from himozuke.testing.perturb import Perturbation, business_copy
from himozuke.testing.population import generate_population

_KEEP = ("kana_halfwidth", "kana_hiragana", "kana_seion", "name_no_space", "name_halfwidth_space", "kanji_variant",
         "gaiji_geta", "address_hyphen", "address_no", "chome_digits", "no_prefecture", "no_gun", "halfwidth_digits",
         "birth_wareki", "birth_wareki_short", "birth_slash", "sex_kanji", "kana_missing", "sex_missing",
         "kanji_typo", "moved_away")


def _best(fn, repeat: int):
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _literal(apps: pl.DataFrame, register: pl.DataFrame) -> pl.DataFrame:
    key = [pl.col(C.KANA_NAME).str.replace_all(r"[\s\u3000]", "").alias("_kana"), pl.col(C.BIRTH_DATE).cast(pl.String),
           pl.col(C.SEX).cast(pl.String)]
    reg = register.select(C.MY_NUMBER, *key)
    return apps.select(C.ROW, *key).join(reg, on=["_kana", C.BIRTH_DATE, C.SEX], how="left").with_columns(
        pl.col(C.MY_NUMBER).count().over(C.ROW).alias(CANDIDATES))


def _recall(found: pl.DataFrame, truth: pl.DataFrame) -> float:
    hit = truth.join(found.select(C.ROW, C.MY_NUMBER), on=[C.ROW, C.MY_NUMBER], how="semi")
    return hit.height / truth.height


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--register", type=int, default=1_000_000)
    ap.add_argument("--applications", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--loop", type=int, default=200, help="applications looked up one by one (extrapolated)")
    args = ap.parse_args()

    t0 = time.perf_counter()
    pop = generate_population(args.register, seed=19, deleted_rate=0.0)
    rates = Perturbation(**{f.name: (getattr(Perturbation(), f.name) if f.name in _KEEP else 0.0)
                            for f in fields(Perturbation)})
    sample = pop.sample(args.applications, seed=19)
    apps = business_copy(sample, seed=19, rates=rates).with_columns(
        pl.int_range(2, args.applications + 2, dtype=pl.Int64).alias(C.ROW))
    truth = apps.select(C.ROW, C.MY_NUMBER)
    apps = apps.drop(C.MY_NUMBER)
    register_frame = pop.select(*C.STANDARD)
    print(f"inputs: register {args.register:,}, applications {args.applications:,} "
          f"(generated in {time.perf_counter() - t0:.1f} s)")

    load, register = _best(lambda: load_register(register_frame), 1)
    ours, result = _best(lambda: lookup_frame(apps.select(C.ROW, *C.ITEMS), register), args.repeat)
    base, literal = _best(lambda: _literal(apps, register_frame), args.repeat)
    few = apps.head(args.loop).select(*C.ITEMS).to_dicts()
    loop, _ = _best(lambda: [lookup(items, register) for items in few], 1)
    per_app = loop / len(few)

    counts = result.unique(C.ROW).group_by("照会結果").len().sort("照会結果")
    print(f"register load (once):        {load:8.2f} s")
    print(f"himozuke lookup_frame:       {ours:8.2f} s  ({args.applications / ours:,.0f} applications/s)")
    print(f"baseline literal join:       {base:8.2f} s")
    print(f"per-application loop:        {per_app * args.applications:8.2f} s  (extrapolated from {len(few)}: "
          f"{per_app * 1000:.1f} ms each)")
    print(f"ratio himozuke / baseline:   {ours / base:8.2f}")
    print(f"ratio loop / himozuke:       {per_app * args.applications / ours:8.1f}")
    print("outcomes: " + ", ".join(f"{o} {n:,}" for o, n in counts.iter_rows()))
    print(f"true person among candidates: himozuke {_recall(result, truth):.1%}, "
          f"literal {_recall(literal.filter(pl.col(CANDIDATES) > 0), truth):.1%}")


if __name__ == "__main__":
    main()
