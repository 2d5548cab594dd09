"""A simulated J-LIS: answers a 個人番号検索要求CSVファイル from a synthetic resident register (manual §7(3)).

For tests and ``make demo`` only. The register is a frame with the standard columns (生年月日 as ``pl.Date`` or
text) and optionally ``状態`` (``住民`` / ``消除者``), e.g. from :func:`himozuke.testing.population.generate_population`.
Each request row is answered (ASSUMPTION, docs/jlis-profile.md):

- with a valid 個人番号: the register row of that number (該当), 消除者 when the person is deleted, else 該当なし;
- without one: a search on カナ氏名 (spaces ignored) + 生年月日 (+ 性別 for a 4情報 request) — one hit 該当,
  several 複数該当, none 該当なし.

The answer is written in both result forms: the 結果CSVファイル (cp932) and the 本人確認情報照会結果ファイル
(JIS90 fixed-length).

>>> import tempfile, pathlib, datetime as dt
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> reg = pl.DataFrame({"個人番号": ["123456789018"], "漢字氏名": ["山田　太郎"], "カナ氏名": ["ヤマダ タロウ"],
...     "生年月日": [dt.date(1988, 1, 15)], "性別": ["男"], "住所": ["東京都千代田区霞が関一丁目1番1号"]})
>>> _ = (d / "req.csv").write_bytes("要求通番,照会区分,個人番号,氏名カナ,氏名漢字,生年月日,性別,住所\\n"
...     "2,4,123456789018,ヤマダ タロウ,山田 太郎,19880115,1,霞が関1-1-1\\n3,4,123456789026,,x,19880115,1,x\\n"
...     .encode("cp932"))
>>> s = simulate_jlis(d / "req.csv", reg, d / "res.csv", d / "res.dat")
>>> s.counts
{'該当': 1, '該当なし': 1}
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from himozuke.formats import columns as C
from himozuke.formats.jlis import INQUIRY_KIND, KIND_THREE, REQUEST_SERIAL, layout_bytes
from himozuke.formats.profiles import Profile, resolve
from himozuke.formats.records import csv_bytes, open_records, write_atomic
from himozuke.formats.tabular import read_table
from himozuke.mynumber import is_valid_expr

STATE = "状態"
STATE_DELETED = "消除者"
_KANA_KEY = "_kana_key"


@dataclass(frozen=True)
class Simulation:
    """What the simulated J-LIS answered: the result frame (standard names) and counts per 照会結果."""

    results: pl.DataFrame
    counts: dict[str, int]


def _register(register: pl.DataFrame) -> pl.DataFrame:
    reg = register.with_columns(
        pl.col(C.BIRTH_DATE).cast(pl.String),
        *([] if STATE in register.columns else [pl.lit("住民").alias(STATE)]),
    ).select(*C.STANDARD, STATE)
    return reg.with_columns(pl.col(C.KANA_NAME).str.replace_all(r"[\s\u3000]", "").alias(_KANA_KEY))


def answer(requests: pl.DataFrame, register: pl.DataFrame) -> pl.DataFrame:
    """Answer request rows (standard names + 要求通番 + 照会区分) from ``register``: 要求通番, 照会結果,
    個人番号 and the registry's 4情報 (empty unless 該当)."""
    reg = _register(register)
    by_number = requests.filter(is_valid_expr(pl.col(C.MY_NUMBER)))
    by_info = requests.filter(~is_valid_expr(pl.col(C.MY_NUMBER)))
    items = list(C.ITEMS)
    hit = by_number.select(REQUEST_SERIAL, C.MY_NUMBER).join(
        reg.select(C.MY_NUMBER, *items, STATE), on=C.MY_NUMBER, how="left"
    ).with_columns(
        pl.when(pl.col(STATE).is_null()).then(pl.lit(C.INQUIRY_NOT_FOUND))
        .when(pl.col(STATE) == STATE_DELETED).then(pl.lit(C.INQUIRY_DELETED))
        .otherwise(pl.lit(C.INQUIRY_FOUND)).alias(C.INQUIRY_RESULT)
    )
    keyed = by_info.with_columns(pl.col(C.KANA_NAME).str.replace_all(r"[\s\u3000]", "").alias(_KANA_KEY))
    living = reg.filter(pl.col(STATE) != STATE_DELETED)
    four = keyed.filter(pl.col(INQUIRY_KIND) != KIND_THREE).select(REQUEST_SERIAL, _KANA_KEY, C.BIRTH_DATE, C.SEX)
    three = keyed.filter(pl.col(INQUIRY_KIND) == KIND_THREE).select(REQUEST_SERIAL, _KANA_KEY, C.BIRTH_DATE)
    candidates = pl.concat([
        four.join(living, on=[_KANA_KEY, C.BIRTH_DATE, C.SEX], how="left"),
        three.join(living, on=[_KANA_KEY, C.BIRTH_DATE], how="left"),
    ], how="diagonal_relaxed")
    n = pl.col(C.MY_NUMBER).count().over(REQUEST_SERIAL)
    searched = candidates.with_columns(
        pl.when(n == 0).then(pl.lit(C.INQUIRY_NOT_FOUND)).when(n > 1).then(pl.lit(C.INQUIRY_MULTIPLE))
        .otherwise(pl.lit(C.INQUIRY_FOUND)).alias(C.INQUIRY_RESULT)
    ).unique(REQUEST_SERIAL, keep="first", maintain_order=True)
    out = pl.concat([hit, searched], how="diagonal_relaxed").select(REQUEST_SERIAL, C.INQUIRY_RESULT, *C.STANDARD)
    found = pl.col(C.INQUIRY_RESULT) == C.INQUIRY_FOUND
    out = out.with_columns(
        pl.when(found | pl.col(C.INQUIRY_RESULT).is_in([C.INQUIRY_NOT_FOUND, C.INQUIRY_DELETED]))
        .then(pl.col(C.MY_NUMBER)).otherwise(None).alias(C.MY_NUMBER),
        *[pl.when(found).then(pl.col(c)).otherwise(None).alias(c) for c in items],
    )
    # echo the requested number for not-found / deleted answers
    echoed = out.join(requests.select(REQUEST_SERIAL, pl.col(C.MY_NUMBER).alias("_req")), on=REQUEST_SERIAL,
                      how="left")
    return echoed.with_columns(pl.coalesce(C.MY_NUMBER, "_req").alias(C.MY_NUMBER)).drop("_req").sort(
        pl.col(REQUEST_SERIAL).cast(pl.Int64, strict=False))


def simulate_jlis(request_path: str | os.PathLike, register: pl.DataFrame, out_csv: str | os.PathLike | None,
                  out_fixed: str | os.PathLike | None, *, request_profile: str | Path | Profile = "jlis-request",
                  csv_profile: str | Path | Profile = "jlis-result-csv",
                  fixed_profile: str | Path | Profile = "jlis-result-fixed") -> Simulation:
    """Answer the request file at ``request_path`` from ``register``; write the 結果CSVファイル to ``out_csv``
    and the JIS90 本人確認情報照会結果ファイル to ``out_fixed`` (either may be None), atomically."""
    with open_records(request_path, role="business", profile=resolve(request_profile)) as r:
        requests = r.rows.collect()
    results = answer(requests, register)
    if out_csv is not None:
        write_atomic(out_csv, layout_bytes(results, resolve(csv_profile)))
    if out_fixed is not None:
        write_atomic(out_fixed, layout_bytes(results, resolve(fixed_profile)))
    return Simulation(results=results, counts=dict(Counter(results[C.INQUIRY_RESULT].to_list())))


def read_register(path: str | os.PathLike) -> pl.DataFrame:
    """A register saved as CSV / xlsx (standard headers + optional 状態) as a frame for :func:`simulate_jlis`."""
    rows, _, _ = read_table(path)
    return rows.drop(C.ROW)


def write_case_ro(business: pl.DataFrame, address_book: str | os.PathLike, number_map: str | os.PathLike, *,
                  first_atena: int = 100_001) -> None:
    """Split a business extract into the two case ロ files (manual §7(1) ロ), for the demo: the address book
    ``宛名番号 + 4情報`` (and any optional column of ``business``: 取得経路 …) in cp932 (as business systems export it) and the number map ``個人番号 + 宛名番号`` in
    UTF-8. 宛名番号 are 10 digits, in row order from ``first_atena``."""
    atena = pl.int_range(first_atena, first_atena + pl.len()).cast(pl.String).str.zfill(10).alias(C.ATENA_NUMBER)
    frame = business.with_columns(pl.col(C.BIRTH_DATE).cast(pl.String), atena)
    book = frame.select(C.ATENA_NUMBER, *C.ITEMS, *(c for c in C.OPTIONAL if c in frame.columns and c != C.ATENA_NUMBER))
    numbers = frame.select(C.MY_NUMBER, C.ATENA_NUMBER)
    write_atomic(address_book, csv_bytes(book, "cp932"))
    write_atomic(number_map, csv_bytes(numbers, "utf-8"))

