"""A simulated J-LIS: answers a 個人番号検索要求CSVファイル from a synthetic resident register (manual §7(3)).

For tests and ``make demo`` only. The register is a frame with the standard columns (生年月日 as ``pl.Date`` or
text) and optionally ``状態`` (``住民`` / ``消除者``), e.g. from :func:`himozuke.testing.population.generate_population`.
Each request row is answered (ASSUMPTION, docs/jlis-profile.md):

- with a valid 個人番号: the register row of that number (該当; an item the register holds blank, named by its
  ``住基空欄`` column, left blank), 消除者 when the person is deleted, 照会エラー when ``状態`` says so (a record J-LIS
  cannot answer for: :data:`himozuke.testing.population.INQUIRY_FAILS`), else 該当なし;
- without one: the 4-information lookup (:mod:`himozuke.match.lookup`: every item the request gives agrees at
  the check's A level, notation variants included; 性別 only in a 4情報 request) — one hit 該当, several
  複数該当 (one row per hit, each with its number and 4情報), none 該当なし.

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
STATE_ERROR = "照会エラー"  # himozuke.testing.population.INQUIRY_FAILS
BLANK = "住基空欄"  # himozuke.testing.population.REGISTRY_BLANK


@dataclass(frozen=True)
class Simulation:
    """What the simulated J-LIS answered: the result frame (standard names; a 複数該当 request has a row per
    candidate) and how many requests got each 照会結果."""

    results: pl.DataFrame
    counts: dict[str, int]


def _register(register: pl.DataFrame) -> pl.DataFrame:
    register = register.with_columns(
        pl.col(C.BIRTH_DATE).cast(pl.String),
        *([] if STATE in register.columns else [pl.lit("住民").alias(STATE)]),
    )
    if BLANK in register.columns:  # the items the register holds blank
        register = register.with_columns(pl.when(pl.col(BLANK).fill_null("") != c).then(pl.col(c)).alias(c)
                                         for c in C.ITEMS)
    return register.select(*C.STANDARD, STATE)


def _searched(by_info: pl.DataFrame, living: pl.DataFrame) -> pl.DataFrame:
    """Requests without a valid number, answered by :func:`himozuke.match.lookup.lookup_frame` — the lookup's
    tolerance (the check's own levels, 異体字・清音・住所の表記ゆれ) on the items the request gives; 性別 only in a
    4情報 request. Every hit is a row (複数該当: one per candidate, sharing the 要求通番)."""
    from himozuke.match.lookup import CANDIDATES, Outcome, load_register, lookup_frame

    apps = by_info.with_columns(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias(C.ROW),
        pl.when(pl.col(INQUIRY_KIND) == KIND_THREE).then(None).otherwise(pl.col(C.SEX)).alias(C.SEX),
    )
    found = lookup_frame(apps.select(C.ROW, *C.ITEMS), load_register(living.select(*C.STANDARD)))
    status = pl.col(C.INQUIRY_RESULT).replace_strict(
        {str(Outcome.FOUND): C.INQUIRY_FOUND, str(Outcome.SEVERAL): C.INQUIRY_MULTIPLE,
         str(Outcome.NONE): C.INQUIRY_NOT_FOUND}, default=C.INQUIRY_ERROR)
    hit = pl.col(CANDIDATES).fill_null(0) > 0
    return found.join(apps.select(C.ROW, REQUEST_SERIAL), on=C.ROW, how="left").select(
        REQUEST_SERIAL, status.alias(C.INQUIRY_RESULT), pl.col(C.MY_NUMBER),
        *(pl.when(hit).then(pl.col(C.registry(i))).alias(i) for i in C.ITEMS))


def answer(requests: pl.DataFrame, register: pl.DataFrame) -> pl.DataFrame:
    """Answer request rows (standard names + 要求通番 + 照会区分) from ``register``: 要求通番, 照会結果,
    個人番号 and the registry's 4情報 (empty unless 該当 or 複数該当). A 複数該当 request has one row per
    candidate (its number and 4情報); a request without a number that finds no one echoes the number asked."""
    reg = _register(register)
    by_number = requests.filter(is_valid_expr(pl.col(C.MY_NUMBER)))
    by_info = requests.filter(~is_valid_expr(pl.col(C.MY_NUMBER)))
    items = list(C.ITEMS)
    hit = by_number.select(REQUEST_SERIAL, C.MY_NUMBER).join(
        reg.select(C.MY_NUMBER, *items, STATE), on=C.MY_NUMBER, how="left"
    ).with_columns(
        pl.when(pl.col(STATE).is_null()).then(pl.lit(C.INQUIRY_NOT_FOUND))
        .when(pl.col(STATE) == STATE_DELETED).then(pl.lit(C.INQUIRY_DELETED))
        .when(pl.col(STATE) == STATE_ERROR).then(pl.lit(C.INQUIRY_ERROR))
        .otherwise(pl.lit(C.INQUIRY_FOUND)).alias(C.INQUIRY_RESULT)
    )
    found = pl.col(C.INQUIRY_RESULT) == C.INQUIRY_FOUND
    hit = hit.with_columns(pl.when(found).then(pl.col(c)).otherwise(None).alias(c) for c in items).select(
        REQUEST_SERIAL, C.INQUIRY_RESULT, *C.STANDARD)
    searched = _searched(by_info, reg.filter(~pl.col(STATE).is_in([STATE_DELETED, STATE_ERROR]))) \
        if by_info.height else None
    out = pl.concat([hit, *([searched.select(hit.columns)] if searched is not None else [])], how="vertical_relaxed")
    # echo the requested number for not-found answers of a search
    echoed = out.join(requests.select(REQUEST_SERIAL, pl.col(C.MY_NUMBER).alias("_req")), on=REQUEST_SERIAL,
                      how="left")
    return echoed.with_columns(pl.coalesce(C.MY_NUMBER, "_req").alias(C.MY_NUMBER)).drop("_req").sort(
        pl.col(REQUEST_SERIAL).cast(pl.Int64, strict=False), maintain_order=True)


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
    per_request = results.unique(REQUEST_SERIAL, keep="first", maintain_order=True)  # 複数該当: one row per hit
    return Simulation(results=results, counts=dict(Counter(per_request[C.INQUIRY_RESULT].to_list())))


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

