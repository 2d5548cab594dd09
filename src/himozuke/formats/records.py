"""Standard records (DESIGN.md data contract) from an input file.

``open_records`` yields the rows of a business extract or a registry (J-LIS result) file as the standard
columns — 行番号, 個人番号, 漢字氏名, カナ氏名, 生年月日, 性別, 住所 (+ optional columns present) — all strings as
the file has them (normalisation happens in ``match``), plus rejections for rows that could not be read.
Missing required columns are reported together, before any row is read.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import polars as pl

from himozuke.errors import InputFileError
from himozuke.formats import columns as C
from himozuke.formats.tabular import REJECT_REASON, open_table

Role = Literal["business", "registry"]


@dataclass(frozen=True)
class Records:
    """Rows in the standard layout and the rows that could not be read (行番号, 理由)."""

    name: str
    rows: pl.LazyFrame
    rejects: pl.LazyFrame
    encoding: str


def _required(role: Role) -> tuple[str, ...]:
    return C.STANDARD


@contextlib.contextmanager
def open_records(path: str | os.PathLike, *, role: Role, encoding: str | None = None,
                 sheet: str | None = None) -> Iterator[Records]:
    """Open ``path`` (standard header names) as :class:`Records`.

    A registry file may carry ``照会結果``; without it every row counts as 該当.
    """
    with open_table(path, encoding=encoding, sheet=sheet) as t:
        missing = [c for c in _required(role) if c not in t.header]
        if missing:
            cols = "、".join(f"「{c}」" for c in missing)
            raise InputFileError(
                f"必要な列がありません: {cols}（見出し: {'、'.join(t.header)}）",
                f"missing required columns: {', '.join(missing)}",
                file=t.name, line=1,
            )
        keep = [C.ROW, *C.STANDARD, *[c for c in (*C.OPTIONAL, C.INQUIRY_RESULT) if c in t.header]]
        rows = t.rows.select(keep)
        if role == "registry" and C.INQUIRY_RESULT not in t.header:
            rows = rows.with_columns(pl.lit(C.INQUIRY_FOUND).alias(C.INQUIRY_RESULT))
        yield Records(name=t.name, rows=rows, rejects=t.rejects.select(C.ROW, REJECT_REASON), encoding=t.encoding)
