"""A rates of the real-address corpus (issue #16 §2), as the tables of docs/address.md.

    .venv/bin/python benchmarks/address_corpus.py [--old 00b3b31]

Every 町域 of Japan Post's data written two ways (himozuke.testing.address_corpus): the share judged A for the
same place per notation, and for a different real place per kind (must be 0). ``--old REV`` also runs an older
revision (a temporary ``git worktree``) through ``himozuke check`` on the same pairs as files — one run without a
home prefecture, as older revisions had none — and prints its rates beside.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import polars as pl

from himozuke import mynumber
from himozuke.formats import columns as C
from himozuke.testing import address_corpus as A

REPO = Path(__file__).resolve().parent.parent


def _old_rates(rev: str, pairs: pl.DataFrame, by: str) -> pl.DataFrame:
    """A rate per ``by`` of ``pairs`` judged by revision ``rev`` (its CLI on CSV files, no home prefecture)."""
    with tempfile.TemporaryDirectory(prefix="himozuke-corpus-") as tmp:
        tmp = Path(tmp)
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(tmp / "old"), rev], check=True,
                       capture_output=True)
        try:
            n = pairs.height
            numbers = [f"{i:011d}{mynumber.check_digit(f'{i:011d}')}" for i in range(n)]
            person = {C.KANJI_NAME: "山田　太郎", C.KANA_NAME: "ヤマダ　タロウ", C.BIRTH_DATE: "1975-01-02", C.SEX: "1"}
            base = pl.DataFrame({C.MY_NUMBER: numbers, **{k: [v] * n for k, v in person.items()}})
            base.with_columns(pairs[A.BUSINESS].alias(C.ADDRESS)).write_csv(tmp / "business.csv")
            base.with_columns(pairs[A.REGISTRY].alias(C.ADDRESS)).write_csv(tmp / "registry.csv")
            env = {**os.environ, "PYTHONPATH": str(tmp / "old" / "src")}
            subprocess.run([sys.executable, "-c", "from himozuke.cli import main; main()", "check",
                            str(tmp / "business.csv"), str(tmp / "registry.csv"), "--out", str(tmp / "out"),
                            "--formats", "csv", "--show-number"], env=env, check=True, capture_output=True)
            result = pl.read_csv(tmp / "out" / "result.csv", infer_schema=False).sort(pl.col(C.ROW).cast(pl.Int64))
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tmp / "old")], check=False,
                           capture_output=True)
    judged = pairs.with_columns(result[C.VERDICT].alias("判定"))
    return A._table(judged, by)


def _markdown(table: pl.DataFrame, by: str, old: pl.DataFrame | None) -> str:
    head = f"| {by} | 組 | A | A率 |" + (" A率（旧） |" if old is not None else "")
    lines = [head, "|---|---:|---:|---:|" + ("---:|" if old is not None else "")]
    before = dict(zip(old[by], old["A率"], strict=True)) if old is not None else {}
    for row in table.iter_rows(named=True):
        line = f"| {row[by]} | {row['組']:,} | {row['A']:,} | {row['A率']:.2%} |"
        if old is not None:
            line += f" {before[row[by]]:.2%} |" if row[by] in before else " — |"
        lines.append(line)
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", help="an older revision to measure beside the working tree")
    args = ap.parse_args()
    same, other = A.rates()
    old_same = old_other = None
    if args.old:
        towns = A.towns()
        old_same = _old_rates(args.old, A.same_place_pairs(towns), A.NOTATION)
        old_other = _old_rates(args.old, A.different_place_pairs(towns), A.KIND)
    print(f"町域 {A.towns().height:,}\n")
    print(_markdown(same, A.NOTATION, old_same), end="\n\n")
    print(_markdown(other, A.KIND, old_other))


if __name__ == "__main__":
    main()
