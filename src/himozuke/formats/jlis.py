"""The J-LIS inquiry files: the 個人番号検索要求CSVファイル we write, the result files we read (manual §7(2)–(4)).

The J-LIS interface specification is not public: every layout is a profile (``jlis-request``,
``jlis-result-csv``, ``jlis-result-fixed``; docs/jlis-profile.md lists each ASSUMPTION). Results are read by
:func:`himozuke.formats.records.open_records` with ``role="registry"``.

Since 2023-12 J-LIS answers only 4-information inquiries (氏名, 生年月日, 性別, 住所), or 3 without 性別. The
request is built from every available item; a record that cannot make even a 3-information inquiry is not
written but listed with its reason (:func:`inquiry_blocker_expr`).

>>> df = pl.DataFrame({"行番号": [2, 3, 4], "個人番号": ["123456789018"] * 3, "漢字氏名": ["山田　太郎", "山田　花子", None],
...                    "カナ氏名": ["ヤマダ タロウ", None, None], "生年月日": ["1988-01-15", "S63.1.15", "1990-02-03"],
...                    "性別": ["男", None, "女"], "住所": ["東京都千代田区霞が関1-1-1"] * 3})
>>> req, blocked = build_request(df)
>>> req.select("要求通番", "照会区分", "生年月日").rows()
[('2', '4情報', '1988-01-15'), ('3', '3情報', '1988-01-15')]
>>> blocked.rows()
[(4, '氏名がありません（4情報照会ができません） / no name: a 4-information inquiry is impossible')]
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from himozuke.formats import columns as C
from himozuke.formats.fixed import fixed_bytes
from himozuke.formats.profiles import DEFAULT_ERAS, Profile, resolve
from himozuke.formats.records import (
    csv_bytes,
    format_date_expr,
    open_records,
    parse_date_expr,
    write_atomic,
)
from himozuke.formats.tabular import REJECT_REASON
from himozuke.text.sex import parse_sex_expr, sex_label_expr

REQUEST_SERIAL = "要求通番"
INQUIRY_KIND = "照会区分"
KIND_FOUR = "4情報"
KIND_THREE = "3情報"

def inquiry_blocker_expr(birth: pl.Expr | None = None) -> pl.Expr:
    """Why a record cannot make a 4- (or 3-, without 性別) information inquiry (manual §7(2); J-LIS since
    2023-12); null when it can. ``birth`` is the 生年月日 already read (null when unreadable; default the
    生年月日 column). 氏名 is there when 漢字氏名 or カナ氏名 is.

    >>> df = pl.DataFrame({"漢字氏名": [None], "カナ氏名": ["ヤマダ"], "生年月日": [None], "住所": ["東京都"]})
    >>> df.select(inquiry_blocker_expr().alias("r"))["r"].to_list()
    ['生年月日が日付として読めません（4情報照会ができません） / no valid birth date: a 4-information inquiry is impossible']
    """
    birth = pl.col(C.BIRTH_DATE) if birth is None else birth
    needed = (
        (pl.col(C.KANJI_NAME).is_null() & pl.col(C.KANA_NAME).is_null(),
         "氏名がありません（4情報照会ができません） / no name: a 4-information inquiry is impossible"),
        (birth.is_null(),
         "生年月日が日付として読めません（4情報照会ができません） / no valid birth date: a 4-information inquiry is impossible"),
        (pl.col(C.ADDRESS).is_null(),
         "住所がありません（4情報照会ができません） / no address: a 4-information inquiry is impossible"),
    )
    return pl.coalesce([pl.when(cond).then(pl.lit(msg)) for cond, msg in needed])


def build_request(records: pl.DataFrame | pl.LazyFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Standard records → ``(request rows, blocked rows)``.

    Request rows carry 要求通番 (the business 行番号, so each answer finds its row again), 照会区分 (4情報, or
    3情報 when 性別 is missing or unknown), 個人番号 and the 4情報 with 生年月日 as ``YYYY-MM-DD`` and 性別 as
    男 / 女 (read by :mod:`himozuke.text.sex`; an unknown code makes it a 3情報 inquiry). Blocked rows are ``(行番号, 理由)``.
    """
    lf = records.lazy()
    names = lf.collect_schema().names()
    lf = lf.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in C.STANDARD if c not in names)
    lf = lf.with_columns(
        pl.col(c).cast(pl.String).str.strip_chars().replace("", None) for c in C.STANDARD
    ).with_columns(
        parse_date_expr(pl.col(C.BIRTH_DATE), DEFAULT_ERAS).alias(C.BIRTH_DATE),
        sex_label_expr(parse_sex_expr(pl.col(C.SEX))).alias(C.SEX),
    ).with_columns(inquiry_blocker_expr().alias(REJECT_REASON))
    ok = pl.col(REJECT_REASON).is_null()
    request = lf.filter(ok).select(
        pl.col(C.ROW).cast(pl.String).alias(REQUEST_SERIAL),
        pl.when(pl.col(C.SEX).is_null()).then(pl.lit(KIND_THREE)).otherwise(pl.lit(KIND_FOUR)).alias(INQUIRY_KIND),
        *C.STANDARD,
    )
    blocked = lf.filter(~ok).select(C.ROW, REJECT_REASON)
    return tuple(pl.collect_all([request, blocked]))  # type: ignore[return-value]


def to_layout(frame: pl.DataFrame, profile: Profile) -> pl.DataFrame:
    """Standard-named columns → the profile's file columns (codes and dates as the profile spells them),
    in file order, named by the file headers."""
    out = []
    for f in profile.fields:
        if f.const is not None:
            value = pl.lit(f.const)
        elif f.column is None or f.column not in frame.columns:
            value = pl.lit(None, dtype=pl.String)
        else:
            value = pl.col(f.column).cast(pl.String)
            codes = profile.values.get(f.column, {})
            if codes:
                back = {v: k for k, v in reversed(codes.items())}
                value = value.replace(back)
            if f.column in profile.dates:
                value = format_date_expr(value, profile.dates[f.column], profile.eras)
        out.append(value.alias(f.header))
    return frame.select(out)


def layout_bytes(frame: pl.DataFrame, profile: Profile) -> bytes:
    """Standard-named columns → the bytes of a file in ``profile``'s layout (CSV or fixed-length)."""
    laid = to_layout(frame, profile)
    if profile.format == "fixed":
        return fixed_bytes(laid, profile)
    enc = "utf-8" if profile.encoding == "auto" else profile.encoding
    body = csv_bytes(laid, enc)
    if not profile.header_line:
        body = body.split(b"\r\n" if enc == "cp932" else b"\n", 1)[1]
    if profile.header_record:
        nl = "\r\n" if enc == "cp932" else "\n"
        body = (",".join(profile.header_record) + nl).encode(enc, errors="himozuke-geta") + body
    return body


@dataclass(frozen=True)
class RequestSummary:
    """What ``write_request`` did: rows read, written (4情報 / 3情報), blocked (行番号, 理由), rejected."""

    rows: int
    four: int
    three: int
    blocked: pl.DataFrame
    rejects: pl.DataFrame


def write_request(extract: str | os.PathLike, out: str | os.PathLike, *,
                  profile: str | Path | Profile | None = "jlis-request",
                  business_profile: str | Path | None = None, encoding: str | None = None) -> RequestSummary:
    """Write the 個人番号検索要求CSVファイル for ``extract`` (manual §7(2)①) atomically to ``out``."""
    prof = resolve(profile, "jlis-request")
    with open_records(extract, role="business", profile=business_profile, encoding=encoding) as r:
        rows, rejects = pl.collect_all([r.rows.sort(C.ROW), r.rejects.sort(C.ROW)])
    request, blocked = build_request(rows)
    write_atomic(out, layout_bytes(request, prof))
    kinds = request[INQUIRY_KIND]
    return RequestSummary(rows=rows.height, four=int((kinds == KIND_FOUR).sum()),
                          three=int((kinds == KIND_THREE).sum()), blocked=blocked, rejects=rejects)
