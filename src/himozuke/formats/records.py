"""Standard records (DESIGN.md data contract) from an input file, through a layout profile (manual §7(1), (4)).

``open_records`` yields the rows of a business extract or a registry (J-LIS result) file as the standard
columns — 行番号, 個人番号, 漢字氏名, カナ氏名, 生年月日, 性別, 住所 (+ optional columns present) — strings as the
file has them, except where the profile says how to read them: value maps (性別 ``1`` → ``男``), dates
(→ ``YYYY-MM-DD`` when the date is valid, else the text as written) and split columns (氏 + 名). Rejections
list the rows that could not be read. Missing columns are reported together, before any row is read.

A registry file's ``照会結果`` is one of the statuses of ``columns.INQUIRY_STATUSES``; an unknown code reads as
照会エラー (never as 該当), and a row that is not 該当 keeps its 個人番号 but no 4情報 — it is still a row.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "result.csv"
>>> _ = p.write_bytes("要求通番,処理結果コード,個人番号,氏名カナ,氏名漢字,生年月日,性別,住所\\n"
...                   "1,00,123456789018,ヤマダ タロウ,山田　太郎,19880115,1,東京都千代田区霞が関1-1-1\\n"
...                   "2,01,123456789026,,,,,\\n".encode("cp932"))
>>> detect_profile(p)
'jlis-result-csv'
>>> with open_records(p, role="registry") as r:
...     df = r.rows.collect()
>>> df.select("生年月日", "性別", "照会結果").rows()
[('1988-01-15', '男', '該当'), (None, None, '該当なし')]
"""

from __future__ import annotations

import codecs
import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polars as pl

from himozuke.atomic import atomic_path
from himozuke.errors import InputFileError
from himozuke.formats import columns as C
from himozuke.formats.profiles import DEFAULT_ERAS, Profile, builtin_profiles, load_profile, resolve
from himozuke.formats.tabular import (
    REJECT_REASON,
    Table,
    blank_to_null,
    compressed_error,
    detect_encoding,
    open_table,
)
from himozuke.text import dates as text_dates
from himozuke.text._tables import ERAS

Role = Literal["business", "registry", "address", "numbers", "application"]
#: Columns each role needs (case ロ: the address book lacks 個人番号, the number map has only two columns; an
#: application to look up by its 4情報 has no number, and may lack 性別 or one 氏名 form: himozuke.match.lookup).
REQUIRED: dict[str, tuple[str, ...]] = {"business": C.STANDARD, "registry": C.STANDARD, "any": C.STANDARD,
                                        "address": (C.ATENA_NUMBER, *C.ITEMS), "numbers": (C.MY_NUMBER, C.ATENA_NUMBER),
                                        "application": (C.BIRTH_DATE, C.ADDRESS)}

_COMPRESSION_ERROR = re.compile(r"deflate|gzip|zlib|zstd|decompress|compress", re.IGNORECASE)


@dataclass(frozen=True)
class Records:
    """Rows in the standard layout and the rows that could not be read (行番号, 理由)."""

    name: str
    rows: pl.LazyFrame
    rejects: pl.LazyFrame
    encoding: str
    profile: str = "standard"
    #: No value holds a comma, quote or line break (a plain CSV read through a profile that adds none).
    plain: bool = False
    #: The profile's ``home_prefecture`` (None when it has none).
    home_prefecture: str | None = None
    #: Columns of ``rows`` carried through to the result and never compared (宛名番号, 方書, DV等支援対象 and the
    #: profile's ``passthrough`` fields that the file has).
    carried: tuple[str, ...] = ()


def parse_date_expr(e: pl.Expr, eras: dict[str, str]) -> pl.Expr:
    """A 生年月日 in any spelling :mod:`himozuke.text.dates` reads → ``YYYY-MM-DD``; null when unreadable.

    A profile's ``[eras]`` renames era-code digits first (``5630115`` with ``{"5": "昭和"}``).

    >>> df = pl.DataFrame({"d": ["3630115", "S63.1.15", "昭和63年1月15日", "19880231", "1988/1/15"]})
    >>> df.select(parse_date_expr(pl.col("d"), DEFAULT_ERAS).alias("d"))["d"].to_list()
    ['1988-01-15', '1988-01-15', '1988-01-15', None, '1988-01-15']
    """
    if eras != DEFAULT_ERAS:
        digit = {era.name: era.digit for era in ERAS}
        remap = {code: digit[name] for code, name in eras.items() if name in digit}
        lead = e.str.slice(0, 1).replace_strict(remap, default=None, return_dtype=pl.String)
        e = pl.when(e.str.contains(r"^\d{7}$") & lead.is_not_null()).then(lead + e.str.slice(1)).otherwise(e)
    return text_dates.parse_date_expr(e).dt.strftime("%Y-%m-%d")


def format_date_expr(iso: pl.Expr, fmt: str, eras: dict[str, str]) -> pl.Expr:
    """``YYYY-MM-DD`` → the profile's spelling (``yyyymmdd`` or ``era-yymmdd``); anything else unchanged.

    >>> df = pl.DataFrame({"d": ["1988-01-15", "2019-05-01", "S63.1.15"]})
    >>> df.select(format_date_expr(pl.col("d"), "era-yymmdd", {"3": "昭和", "5": "令和"}).alias("d"))["d"].to_list()
    ['3630115', '5010501', 'S63.1.15']
    """
    ok = iso.str.contains(r"^\d{4}-\d{2}-\d{2}$").fill_null(False)
    if fmt == "yyyymmdd":
        return pl.when(ok).then(iso.str.replace_all("-", "")).otherwise(iso)
    if fmt != "era-yymmdd":
        return iso
    code_of = {name: code for code, name in eras.items()}
    era = pl.lit(None, dtype=pl.String)
    for e in ERAS:
        era = pl.when(iso >= e.start.isoformat()).then(pl.lit(e.name)).otherwise(era)
    first_year = {e.name: e.first_year for e in ERAS}
    year = iso.str.slice(0, 4).cast(pl.Int32, strict=False) + 1 - era.replace_strict(
        first_year, default=None, return_dtype=pl.Int32)
    code = era.replace_strict(code_of, default=None, return_dtype=pl.String)
    text = pl.concat_str([code, year.cast(pl.String).str.zfill(2), iso.str.slice(5, 2), iso.str.slice(8, 2)])
    return pl.when(ok & text.is_not_null()).then(text).otherwise(iso)


def _column_expr(profile: Profile, column: str, unpadded: frozenset[str] = frozenset()) -> pl.Expr:
    """One standard column from the file's columns; surrounding ASCII spaces stripped, blank → null.

    ``unpadded``: file columns known to need no strip (:attr:`Table.unpadded`; "" is null already)."""
    headers = profile.headers_for(column)
    if len(headers) == 1:
        e = pl.col(headers[0])
    else:
        e = pl.concat_str([pl.col(h) for h in headers], separator=profile.join.get(column, ""), ignore_nulls=True)
    if len(headers) > 1 or headers[0] not in unpadded:
        e = blank_to_null(e.str.strip_chars(" "))
    if column == C.INQUIRY_RESULT:
        table = {**{s: s for s in C.INQUIRY_STATUSES}, **profile.values.get(column, {})}
        return e.replace_strict(table, default=pl.lit(C.INQUIRY_ERROR), return_dtype=pl.String)
    if column == "要求通番":
        return e.str.strip_chars_start("0").replace("", "0")
    if column in profile.values:
        e = e.replace(profile.values[column])
    if column in profile.dates:
        e = pl.coalesce([parse_date_expr(e, profile.eras), e])
    return e


def missing_headers(profile: Profile, header: tuple[str, ...], role: str) -> list[str]:
    """Problems ``[fields] 生年月日: "BIRTH_YMD" not in the header`` for the standard columns the file lacks."""
    required = REQUIRED[role]
    return [f"{profile.source} [fields] {c}: 「{h}」が見出しにありません / {h!r} not in the file header"
            for c in required for h in (profile.headers_for(c) or (c,)) if h not in header]


def answered_items_expr(column: str) -> pl.Expr:
    """A registry item as the check reads it: kept where the 照会結果 is 該当, else null (a 該当なし or 消除者 row
    carries no 4情報 to show). :func:`answered_item` is the same of one record."""
    return pl.when(pl.col(C.INQUIRY_RESULT) == C.INQUIRY_FOUND).then(pl.col(column)).otherwise(None).alias(column)


def answered_item(value: str | None, status: str | None) -> str | None:
    """:func:`answered_items_expr` of one record's ``value`` and 照会結果 ``status`` (None: not 該当 either)."""
    return value if status == C.INQUIRY_FOUND else None


def _apply(table: Table, profile: Profile, role: str) -> tuple[pl.LazyFrame, list[str]]:
    present = [c for c in profile.columns
               if profile.headers_for(c) and all(h in table.header for h in profile.headers_for(c))]
    rows = table.rows.select(C.ROW, *[_column_expr(profile, c, table.unpadded).alias(c) for c in present])
    if role == "registry":
        if C.INQUIRY_RESULT not in present:
            rows = rows.with_columns(pl.lit(C.INQUIRY_FOUND).alias(C.INQUIRY_RESULT))
        rows = rows.with_columns(answered_items_expr(c) for c in C.ITEMS if c in present)
        present = [*present, C.INQUIRY_RESULT] if C.INQUIRY_RESULT not in present else present
    order = [C.ROW, *[c for c in (*C.STANDARD, *C.OPTIONAL, C.INQUIRY_RESULT) if c in present],
             *[c for c in present if c not in (*C.STANDARD, *C.OPTIONAL, C.INQUIRY_RESULT)]]
    return rows.select(order), present


@contextlib.contextmanager
def open_records(path: str | os.PathLike, *, role: Role, encoding: str | None = None, sheet: str | None = None,
                 profile: str | Path | Profile | None = None, whole: bool = False,
                 streamed: bool = False) -> Iterator[Records]:
    """Open ``path`` as :class:`Records` through ``profile`` (a built-in name, a TOML path; by default the
    detected built-in profile, else ``standard``). ``whole``: the caller collects every row into memory;
    ``streamed``: the caller streams every row (see :func:`himozuke.formats.tabular.open_table`).

    A registry file may carry ``照会結果``; without it every row counts as 該当.
    """
    if profile is None:
        profile = detect_profile(path) or "standard"
    prof = resolve(profile)
    if prof.format == "fixed":
        from himozuke.formats.fixed import open_fixed

        ctx = open_fixed(path, prof)
    else:
        # The profile's encoding is the default; a file that reads as UTF-8 (or has a BOM) is taken as UTF-8.
        enc = encoding or (None if prof.encoding == "auto" or not Path(path).is_file()
                           or detect_encoding(Path(path)) != "cp932"
                           else prof.encoding)
        if Path(path).suffix.lower() in (".xlsx", ".xlsm"):
            enc = None
        ctx = open_table(path, encoding=enc, sheet=sheet, whole=whole, streamed=streamed)
    try:
        with ctx as t:
            missing = missing_headers(prof, t.header, role)
            if missing:
                raise InputFileError(
                    f"必要な列がありません（プロファイル {prof.name}、見出し: {'、'.join(t.header)}）",
                    "missing required columns: " + "; ".join(missing), file=t.name, line=1,
                )
            rows, present = _apply(t, prof, role)
            yield Records(name=t.name, rows=rows, rejects=t.rejects.select(C.ROW, REJECT_REASON),
                          encoding=t.encoding, profile=prof.name, plain=t.plain and _adds_no_specials(prof),
                          home_prefecture=prof.home_prefecture,
                          carried=tuple(c for c in prof.passthrough_columns if c in present))
    except OSError as e:
        # Polars takes a file starting with compression magic bytes (zlib "x\x01", gzip, zstd) for a
        # compressed file and fails when it is not one (while reading the header or collecting the rows).
        if not _COMPRESSION_ERROR.search(str(e)):
            raise
        raise compressed_error(Path(path).name, e) from None


#: Characters that make a CSV field need quotes.
CSV_SPECIALS = frozenset(',"\r\n')


def _adds_no_specials(profile: Profile) -> bool:
    """Neither the profile's join separators nor its value mappings put a :data:`CSV_SPECIALS` into a value."""
    texts = [*profile.join.values(), *(v for table in profile.values.values() for v in table.values())]
    return not any(CSV_SPECIALS & set(text) for text in texts)


def _first_line(path: Path) -> bytes:
    with path.open("rb") as f:
        head = f.read(1 << 16)
    return head.split(b"\n", 1)[0].rstrip(b"\r")


def _csv_header(line: bytes) -> set[str]:
    for enc in ("utf-8-sig", "cp932"):
        try:
            text = line.decode(enc)
        except UnicodeDecodeError:
            continue
        return {h.strip().strip('"').strip() for h in text.split(",")}
    return set()


def detect_profile(path: str | os.PathLike) -> str | None:
    """The built-in profile a file looks like (header names, or record length + constant fields), else None.

    The most specific match wins: a CSV matched by more mapped headers beats ``standard``.
    """
    p = Path(path)
    if not p.is_file():
        return None
    profiles = [load_profile(n) for n in builtin_profiles()]
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            with open_table(p) as t:
                header = set(t.header)
        except InputFileError:
            return None
    else:
        line = _first_line(p)
        for prof in profiles:
            if prof.format == "fixed" and len(line) == prof.record_length and all(
                line[f.offset : (f.offset or 0) + (f.length or 0)] == f.const.encode("ascii")
                for f in prof.fields if f.const is not None
            ):
                return prof.name
        header = _csv_header(line)
    best: tuple[int, str] | None = None
    for prof in profiles:
        if prof.format != "csv":
            continue
        needed = [h for f in prof.fields if f.column and f.const is None and f.column not in C.OPTIONAL
                  and (prof.name != "standard" or f.column in C.STANDARD) for h in (f.header,)]
        if not all(h in header for h in needed):
            continue
        score = sum(h in header for h in prof.read_headers)
        if best is None or score > best[0]:
            best = (score, prof.name)
    return best[1] if best else None


def _geta(err: UnicodeError) -> tuple[str, int]:
    if not isinstance(err, UnicodeEncodeError):
        raise err
    return "〓" * (err.end - err.start), err.end


codecs.register_error("himozuke-geta", _geta)


def csv_bytes(frame: pl.DataFrame, encoding: str) -> bytes:
    """``frame`` as CSV in ``encoding``; characters the encoding lacks become 〓 (cp932 keeps 外字 F040–F9FC)."""
    text = frame.write_csv(quote_style="necessary", line_terminator="\r\n" if encoding == "cp932" else "\n")
    return text.encode(encoding, errors="himozuke-geta")


def write_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (:func:`himozuke.atomic.atomic_path`: temp file + ``os.replace``)."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)
