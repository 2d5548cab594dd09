"""The first rows of a file exactly as the check will read them: the profile (detected or given), the encoding,
the column mapping and the head of the standard records, numbers masked.

Why here: ``himozuke profile check`` and the web UI's 新規点検 page show the same preview; both call
:func:`preview`, so what an officer sees before a run is what :func:`himozuke.formats.records.open_records` reads.

>>> import pathlib, tempfile
>>> p = pathlib.Path(tempfile.mkdtemp()) / "extract.csv"
>>> _ = p.write_text("個人番号,漢字氏名,カナ氏名,生年月日,性別,住所\\n123456789018,山田　太郎,ヤマダ　タロウ,"
...                  "1988-01-15,1,東京都千代田区霞が関1-1-1\\n", encoding="utf-8")
>>> v = preview(p)
>>> v.profile, v.detected, v.head["個人番号"].to_list()
('standard', True, ['1234 **** 9018'])
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from himozuke.formats import columns as C
from himozuke.formats.profiles import load_profile
from himozuke.formats.records import Role, detect_profile, open_records
from himozuke.mynumber import mask_expr


@dataclass(frozen=True)
class Preview:
    profile: str  #: the layout profile used
    detected: bool  #: True when it was detected (not given)
    encoding: str
    head: pl.DataFrame  #: the first standard records, 個人番号 masked
    rejected: int  #: lines that could not be read (they become E rows / rejection lines)
    mapping: pl.DataFrame  #: 標準列 → the file's headers, code maps and date formats


def preview(file: str | os.PathLike, *, profile: str | None = None, rows: int = 5, role: Role = "business",
            encoding: str | None = None) -> Preview:
    """The first ``rows`` standard records of ``file`` through ``profile`` (default: detected, else standard)."""
    name = profile or detect_profile(file) or "standard"
    with open_records(Path(file), role=role, profile=name, encoding=encoding) as r:
        head = r.rows.head(rows).collect()
        rejected = r.rejects.select(pl.len()).collect().item()
        enc = r.encoding
    if C.MY_NUMBER in head.columns:
        head = head.with_columns(mask_expr(pl.col(C.MY_NUMBER)).alias(C.MY_NUMBER))
    prof = load_profile(name)
    mapping = pl.DataFrame(
        [(c, " + ".join(prof.headers_for(c)), "、".join(f"{k}→{v}" for k, v in prof.values.get(c, {}).items()),
          prof.dates.get(c, "")) for c in prof.columns if prof.headers_for(c)],
        schema=["標準列", "ファイルの見出し", "コード", "日付"], orient="row")
    return Preview(name, profile is None, enc, head, rejected, mapping)
