"""Counts and pages of a check result, read lazily from its Parquet (no xlsxwriter, no whole-file load).

Why: the web UI's 結果 page shows the counts, the mismatches per item and one page of filtered rows of a run that
may have a million rows. :func:`scan` opens the run's ``result.parquet`` lazily; every function here is one
query over it, so a page costs one filtered slice, not a read of the file.

>>> import polars as pl
>>> lf = pl.LazyFrame({"行番号": [2, 3, 4], "判定": ["A", "C", "B"], "理由": [None, "R1;R2", "R2"],
...                    "優先度": [None, 1, 2], "漢字氏名判定": ["一致", "不一致", "表記ゆれ一致"]})
>>> [(v, n) for v, _label, n, _share in verdict_counts(lf)]
[('A', 1), ('B', 1), ('C', 1), ('E', 0)]
>>> rows, total = page(filtered(lf, reason="R2"), 0, 10)
>>> total, rows["行番号"].to_list()
(2, [3, 4])
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from himozuke.formats import columns as C
from himozuke.match.classify import VERDICT_LABEL, Verdict
from himozuke.match.compare import MATCHING, ItemVerdict

#: Item verdicts that are no match, in the order the page lists them.
NOT_MATCHING: tuple[str, ...] = tuple(str(v) for v in ItemVerdict if v not in MATCHING)


def scan(path: str | os.PathLike) -> pl.LazyFrame:
    """The result rows of a run's ``result.parquet``, lazily."""
    return pl.scan_parquet(Path(path))


def verdict_counts(lf: pl.LazyFrame) -> list[tuple[str, str, int, float]]:
    """(判定, 区分, 件数, 割合) for every class, in A B C E order."""
    found = dict(lf.group_by(C.VERDICT).len().collect().iter_rows())
    total = max(sum(found.values()), 1)
    return [(str(v), VERDICT_LABEL[v], int(found.get(str(v), 0)), found.get(str(v), 0) / total) for v in Verdict]


def item_mismatches(lf: pl.LazyFrame) -> list[tuple[str, dict[str, int]]]:
    """Per item (漢字氏名 … 住所): how many rows have each non-matching item verdict."""
    names = lf.collect_schema().names()
    items = [i for i in C.ITEMS if C.item_verdict(i) in names]
    exprs = [(pl.col(C.item_verdict(i)) == v).sum().alias(f"{i}\t{v}") for i in items for v in NOT_MATCHING]
    got = lf.select(exprs).collect().row(0, named=True) if exprs else {}
    return [(i, {v: int(got[f"{i}\t{v}"]) for v in NOT_MATCHING}) for i in items]


def reason_codes(lf: pl.LazyFrame) -> list[str]:
    """The distinct 理由 codes of the result (a row's 理由 is ``;``-separated)."""
    codes = (lf.select(pl.col(C.REASONS).str.split(";").explode().alias("code")).drop_nulls()
             .unique().sort("code").collect())
    return [c for c in codes.get_column("code").to_list() if c]


def filtered(lf: pl.LazyFrame, *, verdict: str | None = None, item: str | None = None,
             reason: str | None = None, priority: int | None = None) -> pl.LazyFrame:
    """Rows of one 判定, with a non-matching ``item``, carrying the 理由 code ``reason``, of one 優先度."""
    if verdict:
        lf = lf.filter(pl.col(C.VERDICT) == verdict)
    if item:
        lf = lf.filter(pl.col(C.item_verdict(item)).is_in(NOT_MATCHING))
    if reason:
        lf = lf.filter(pl.col(C.REASONS).str.split(";").list.contains(reason))
    if priority is not None:
        lf = lf.filter(pl.col(C.PRIORITY) == priority)
    return lf


def page(lf: pl.LazyFrame, offset: int, limit: int) -> tuple[pl.DataFrame, int]:
    """One page of rows (in file order) and the number of rows in all pages."""
    rows, total = pl.collect_all([lf.slice(offset, limit), lf.select(pl.len())])
    return rows, int(total.item())
