"""Case ロ: merge 宛名番号 + 4情報 with 個人番号 + 宛名番号 into the check extract (manual §7(1) ロ).

The business system exports 団体内宛名番号 + 基本4情報, the 団体内統合宛名システム exports マイナンバー + 宛名番号;
the two are joined on 宛名番号. Nothing is dropped and nothing is guessed:

- an address-book row without a number, or whose 宛名番号 has two different numbers, stays in the extract with
  an empty 個人番号 (the check makes it E) and is listed;
- a number-map row without an address-book partner is listed;
- a 宛名番号 on two address-book rows is merged but listed (one number would sit on two people);
- unreadable rows of either file are listed.

>>> book = pl.DataFrame({"行番号": [2, 3, 4], "宛名番号": ["A1", "A2", "A3"], "漢字氏名": ["甲", "乙", "丙"]})
>>> nums = pl.DataFrame({"行番号": [2, 3, 4, 5], "個人番号": ["123456789018", "123456789026", "000000000019", "1"],
...                      "宛名番号": ["A1", "A2", "A2", "Z9"]})
>>> m = merge(book, nums)
>>> m.extract.select("宛名番号", "個人番号").rows()
[('A1', '123456789018'), ('A2', None), ('A3', None)]
>>> m.problems.select("ファイル", "行番号", "宛名番号").rows()
[('宛名', 3, 'A2'), ('宛名', 4, 'A3'), ('番号', 5, 'Z9')]
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from himozuke.formats import columns as C
from himozuke.formats.records import csv_bytes, open_records, write_atomic
from himozuke.formats.tabular import REJECT_REASON
from himozuke.mynumber import mask_expr

SOURCE = "ファイル"
ADDRESS_SIDE = "宛名"
NUMBER_SIDE = "番号"
#: Why a row is listed (Japanese / English), one entry per merge rule.
MERGE_REASONS: dict[str, str] = {
    "no_number": "宛名番号に対応する個人番号がありません / no My Number for this 宛名番号",
    "two_numbers": "宛名番号に異なる個人番号が2つ以上あります（個人番号は空欄にしました） / "
                   "this 宛名番号 has two or more different My Numbers (left empty)",
    "no_address": "個人番号の宛名番号が宛名ファイルにありません / 宛名番号 not in the address book",
    "shared_atena": "同じ宛名番号の行が宛名ファイルに2つ以上あります / 宛名番号 on two or more address-book rows",
}
_PROBLEM_SCHEMA = {SOURCE: pl.String, C.ROW: pl.Int64, C.ATENA_NUMBER: pl.String, "個人番号（マスク）": pl.String,
                   REJECT_REASON: pl.String}


@dataclass(frozen=True)
class MergeResult:
    """The merged extract (standard columns + 宛名番号, address-book order) and the listed rows."""

    extract: pl.DataFrame
    problems: pl.DataFrame


def _listed(frame: pl.DataFrame, side: str, reason: str, number: pl.Expr | None = None) -> pl.DataFrame:
    return frame.select(
        pl.lit(side).alias(SOURCE), pl.col(C.ROW).cast(pl.Int64), pl.col(C.ATENA_NUMBER),
        (mask_expr(number) if number is not None else pl.lit(None, dtype=pl.String)).alias("個人番号（マスク）"),
        pl.lit(MERGE_REASONS[reason]).alias(REJECT_REASON),
    )


def merge(address_book: pl.DataFrame, numbers: pl.DataFrame) -> MergeResult:
    """Join ``address_book`` (行番号, 宛名番号, 4情報 …) with ``numbers`` (行番号, 個人番号, 宛名番号)."""
    nums = numbers.filter(pl.col(C.ATENA_NUMBER).is_not_null())
    per_atena = nums.group_by(C.ATENA_NUMBER).agg(
        pl.col(C.MY_NUMBER).drop_nulls().unique().alias("_numbers"))
    single = per_atena.filter(pl.col("_numbers").list.len() == 1).select(
        C.ATENA_NUMBER, pl.col("_numbers").list.first().alias(C.MY_NUMBER))
    conflicted = per_atena.filter(pl.col("_numbers").list.len() > 1)
    book = address_book.drop(C.MY_NUMBER, strict=False)
    extract = book.join(single, on=C.ATENA_NUMBER, how="left", maintain_order="left")
    no_number = extract.filter(pl.col(C.MY_NUMBER).is_null() & ~pl.col(C.ATENA_NUMBER).is_in(
        conflicted[C.ATENA_NUMBER].implode()).fill_null(False))
    two = book.filter(pl.col(C.ATENA_NUMBER).is_in(conflicted[C.ATENA_NUMBER].implode()))
    no_address = numbers.filter(~pl.col(C.ATENA_NUMBER).is_in(book[C.ATENA_NUMBER].drop_nulls().implode())
                                | pl.col(C.ATENA_NUMBER).is_null())
    shared = book.filter(pl.col(C.ATENA_NUMBER).is_not_null() & pl.col(C.ATENA_NUMBER).is_duplicated())
    problems = pl.concat([
        _listed(no_number, ADDRESS_SIDE, "no_number"),
        _listed(two, ADDRESS_SIDE, "two_numbers"),
        _listed(shared, ADDRESS_SIDE, "shared_atena"),
        _listed(no_address, NUMBER_SIDE, "no_address", pl.col(C.MY_NUMBER)),
    ]).sort(SOURCE, C.ROW)
    order = [c for c in (*C.STANDARD, *C.OPTIONAL) if c in extract.columns]
    return MergeResult(extract=extract.select(C.ROW, *order), problems=problems)


def _rejects(rejects: pl.DataFrame, side: str) -> pl.DataFrame:
    return rejects.select(pl.lit(side).alias(SOURCE), pl.col(C.ROW), pl.lit(None, dtype=pl.String).alias(C.ATENA_NUMBER),
                          pl.lit(None, dtype=pl.String).alias("個人番号（マスク）"), pl.col(REJECT_REASON))


def merge_files(address_book: str | os.PathLike, numbers: str | os.PathLike, out: str | os.PathLike, *,
                address_profile: str | Path | None = None, numbers_profile: str | Path | None = None,
                problems_out: str | os.PathLike | None = None, encoding: str = "utf-8") -> MergeResult:
    """Read both files, :func:`merge` them, write the extract (and the listed rows) atomically.

    The problem list goes to ``problems_out`` (default: ``<out stem>.problems.csv``) even when empty, so a run
    always leaves its evidence.
    """
    with open_records(address_book, role="address", profile=address_profile or "standard") as a:
        book, book_rejects = pl.collect_all([a.rows.sort(C.ROW), a.rejects.sort(C.ROW)])
    with open_records(numbers, role="numbers", profile=numbers_profile or "standard") as n:
        nums, num_rejects = pl.collect_all([n.rows.sort(C.ROW), n.rejects.sort(C.ROW)])
    result = merge(book, nums)
    problems = pl.concat([
        result.problems, _rejects(book_rejects, ADDRESS_SIDE), _rejects(num_rejects, NUMBER_SIDE)
    ]).cast(_PROBLEM_SCHEMA)  # type: ignore[arg-type]
    result = MergeResult(extract=result.extract, problems=problems)
    out_path = Path(out)
    write_atomic(out_path, csv_bytes(result.extract.drop(C.ROW), encoding))
    listing = Path(problems_out) if problems_out else out_path.with_name(f"{out_path.stem}.problems.csv")
    write_atomic(listing, csv_bytes(problems, encoding))
    return result
