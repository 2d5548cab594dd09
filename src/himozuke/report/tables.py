"""Result files for machines and for Excel users: CSV (UTF-8 with BOM) and Parquet, written atomically.

個人番号 is masked (``1234 **** 9018``) unless ``show_number`` — the file is opened by people, in Excel.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from himozuke import mynumber
from himozuke.atomic import atomic_path, sink_target
from himozuke.formats import columns as C

Frame = pl.DataFrame | pl.LazyFrame


#: Columns an output never shows for a DV等支援対象 record (its refuge address may be either side's, or the 方書).
DV_HIDDEN_COLUMNS: tuple[str, ...] = (C.business(C.ADDRESS), C.registry(C.ADDRESS), C.KATAGAKI)


def displayed(result: Frame, *, show_number: bool) -> Frame:
    """``result`` as a person may read it: 個人番号 masked unless ``show_number``, and the addresses of a
    DV等支援対象 record replaced by :data:`himozuke.formats.columns.DV_HIDDEN` whatever ``show_number`` says
    (「総点検マニュアル」第2.1版 §7(6) ※: 避難先の住所等が加害者等に特定されないよう)."""
    names = result.collect_schema().names()
    if C.DV_FLAG in names:
        flagged = C.is_dv_expr(pl.col(C.DV_FLAG))
        result = result.with_columns(pl.when(flagged).then(pl.lit(C.DV_HIDDEN)).otherwise(pl.col(c)).alias(c)
                                     for c in DV_HIDDEN_COLUMNS if c in names)
    if show_number:
        return result
    return result.with_columns(mynumber.mask_expr(pl.col(C.MY_NUMBER)).alias(C.MY_NUMBER))


def write_csv(result: Frame, path: str | os.PathLike, *, show_number: bool = False, plain: bool = False,
              size: int = 0) -> Path:
    """``result.csv``: UTF-8 with BOM (Excel opens it as UTF-8), one row per business row; streams a lazy result.

    ``plain``: the caller knows no value holds a comma, quote or line break (both inputs were plain CSVs, and
    himozuke's own labels and texts never do), so no field is searched for characters to quote — the same
    bytes in less time. The result holds no empty strings (only nulls), which is what makes the bytes equal.
    ``size``: the bytes the caller expects; a file of a gigabyte or more is written past the page cache
    (:func:`himozuke.atomic.sink_target`).
    """
    quote = "never" if plain else "necessary"
    eager = isinstance(result, pl.DataFrame)  # a frame in memory: the eager writer is faster than the streaming sink
    with atomic_path(path) as tmp, sink_target(tmp, size, reuse=Path(path) if eager else None) as target:
        if eager:
            displayed(result.lazy(), show_number=show_number).collect().write_csv(target, include_bom=True,
                                                                                   quote_style=quote)
        else:
            displayed(result, show_number=show_number).sink_csv(target, include_bom=True, quote_style=quote)
    return Path(path)


def write_parquet(result: Frame, path: str | os.PathLike, *, show_number: bool = False, size: int = 0) -> Path:
    """``result.parquet`` for result sets too large for a CSV reader; streams. ``size`` as for :func:`write_csv`."""
    with atomic_path(path) as tmp, sink_target(tmp, size) as target:
        displayed(result.lazy(), show_number=show_number).sink_parquet(target)
    return Path(path)
