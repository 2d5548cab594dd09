"""``himozuke demo``: realistic sample data, checked end to end, with the answer key compared.

Writes into ``out``: ``business.csv`` (cp932 — as most Japanese business systems export, with 外字 bytes in
the F040–F9FC area), ``registry.csv`` (UTF-8), the check's outputs, and ``answer_key.csv`` (the planted kind of
every row and the class it must get). Everything is synthetic: no real person's data.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from himozuke.atomic import atomic_path
from himozuke.formats import columns as C
from himozuke.pipeline import RunSummary, run_check
from himozuke.testing.perturb import business_copy
from himozuke.testing.population import generate_population

PLANTED = "仕込み"
EXPECTED = "期待判定"


@dataclass
class DemoResult:
    summary: RunSummary
    out: Path
    expected_matched: int
    expected_total: int
    mismatched: pl.DataFrame  # planted rows whose 判定 differs from the answer key (should be empty)


def write_csv(df: pl.DataFrame, path: Path, *, encoding: str) -> None:
    """Write ``df`` as CSV in ``encoding`` (cp932 keeps private-use 外字 as F040– bytes), atomically."""
    text = df.write_csv()
    with atomic_path(path) as tmp:
        tmp.write_bytes(text.encode(encoding, errors="strict"))


def run_demo(out: str | os.PathLike, *, people: int = 2_000, seed: int = 2023,
             progress=None) -> DemoResult:
    """Generate a register and a business copy, write both, run the check, compare with the answer key."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    pop = generate_population(people, seed=seed)
    business = business_copy(pop, seed=seed)
    registry = pop.filter(pl.col("状態") != "消除者").select(C.STANDARD).with_columns(
        pl.col(C.BIRTH_DATE).cast(pl.String)
    )
    business_rows = business.select(C.STANDARD)
    write_csv(business_rows, out / "business.csv", encoding="cp932")
    write_csv(registry, out / "registry.csv", encoding="utf-8")
    summary, result = run_check(out / "business.csv", out / "registry.csv", out, progress=progress)

    key = business.select(PLANTED, EXPECTED).with_row_index(C.ROW, offset=2).with_columns(pl.col(C.ROW).cast(pl.Int64))
    with atomic_path(out / "answer_key.csv") as tmp:
        key.write_csv(tmp, include_bom=True)
    joined = key.join(result.select(C.ROW, C.VERDICT, C.REASONS), on=C.ROW).filter(pl.col(EXPECTED).is_not_null())
    wrong = joined.filter(pl.col(EXPECTED) != pl.col(C.VERDICT))
    return DemoResult(summary, out, joined.height - wrong.height, joined.height, wrong)
