"""Fixed-length records (cp932 or JIS90), read and written through a layout profile (manual §7(3)–(4)).

Every record becomes a row (行番号 = record number, counted from 1) or a rejection naming the record and the
first field that cannot be read; nothing is dropped. The file is read as Latin-1 (one byte = one character) into
a private temporary UTF-8 copy, so Polars cuts fields at byte offsets with ``str.slice`` and the two-byte codes
are decoded by table lookups (:mod:`himozuke.formats.jis90`), all vectorised.

>>> import tempfile, pathlib
>>> from himozuke.formats.profiles import parse_profile
>>> prof = parse_profile({"format": "fixed", "encoding": "jis90", "record_length": 8, "fields": [
...     {"column": "個人番号", "header": "番号", "offset": 0, "length": 4},
...     {"column": "漢字氏名", "header": "氏名", "offset": 4, "length": 4, "type": "n"}]})
>>> p = pathlib.Path(tempfile.mkdtemp()) / "r.dat"
>>> p.write_bytes(b"1234\\x30\\x21\\x21\\x21\\r\\n12\\r\\n")
14
>>> with open_fixed(p, prof) as t:
...     t.rows.collect().to_dicts(), t.rejects.collect()["理由"].to_list()
([{'行番号': 1, '番号': '1234', '氏名': '亜'}], ['レコード長が 2 バイトです（8 バイトのはず） / record is 2 bytes, expected 8'])
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from himozuke.errors import InputFileError
from himozuke.formats import jis90
from himozuke.formats.columns import ROW
from himozuke.formats.profiles import Field, Profile
from himozuke.formats.tabular import REJECT_REASON, Table, blank_to_null, private_temp_path

_CHUNK = 1 << 20
_ASCII = r"^[\x20-\x7e]*$"
_PAD_CHARS = " \u3000"


@contextlib.contextmanager
def _latin1_copy(path: Path, profile: Profile) -> Iterator[Path]:
    """A private UTF-8 copy of ``path`` with one character per byte (and one line per record)."""
    size = profile.record_length or 1
    split = re.compile(rb"(?s)(.{%d})" % size) if profile.newline == "none" else None
    with private_temp_path("latin1.txt") as out:
        with path.open("rb") as src, out.open("w", encoding="utf-8", newline="") as dst:
            os.chmod(out, 0o600)
            # A blank first line (skipped as blank): Polars would take a file starting with bytes like
            # "x\x01" (zlib) or "\x1f\x8b" (gzip) for a compressed file and try to inflate it.
            dst.write("\n")
            chunk_size = (_CHUNK // size + 1) * size
            while chunk := src.read(chunk_size):
                if split is not None:
                    chunk = split.sub(rb"\1\n", chunk)
                dst.write(chunk.decode("latin-1"))
        yield out


def _decode_field(raw: pl.Expr, f: Field, encoding: str) -> pl.Expr:
    """The text of one field (trailing padding removed; "" → null); null for undecodable bytes."""
    if encoding == "jis90" and f.type == "n":
        text = jis90.decode_jis90_expr(raw)
    elif encoding == "jis90":
        text = pl.when(raw.str.contains(_ASCII)).then(raw).otherwise(None)
    else:
        text = jis90.decode_cp932_expr(raw)
    return text.str.strip_chars_end(_PAD_CHARS)


def _marked(text: pl.Expr) -> pl.Expr:
    """A field decoded with U+FFFD marks: null when marked, else the text without trailing padding."""
    return pl.when(text.str.contains(jis90.UNDEFINED, literal=True)).then(None).otherwise(text).str.strip_chars_end(
        _PAD_CHARS)


def _two_byte_field(two_byte: list[Field], f: Field) -> pl.Expr:
    """Field ``f`` cut out of the ``_jis`` column, where all two-byte fields were decoded together."""
    start = sum((g.length or 0) for g in two_byte[: two_byte.index(f)]) // 2
    return _marked(pl.col("_jis").str.slice(start, (f.length or 0) // 2))


def _bad_message(f: Field) -> str:
    return (f"項目「{f.header}」（{f.offset}バイト目から{f.length}バイト）の文字コードが読めません / "
            f"field {f.header!r} (bytes {f.offset}–{(f.offset or 0) + (f.length or 0) - 1}) has invalid bytes")


@contextlib.contextmanager
def open_fixed(path: str | os.PathLike, profile: Profile) -> Iterator[Table]:
    """Open a fixed-length file as a :class:`~himozuke.formats.tabular.Table` whose header is the field labels."""
    p = Path(path)
    if not p.is_file():
        raise InputFileError("ファイルがありません", "file not found", file=str(path))
    length = profile.record_length or 0
    fields = [f for f in profile.fields if f.column and f.const is None]
    with _latin1_copy(p, profile) as copy:
        lines = pl.scan_lines(copy, name="_rec", row_index_name=ROW, row_index_offset=0).with_columns(
            pl.col(ROW).cast(pl.Int64), pl.col("_rec").str.strip_chars_end("\r")
        ).filter(pl.col("_rec") != "")
        sized = pl.col("_rec").str.len_chars() == length
        two_byte = [f for f in fields if profile.encoding == "jis90" and f.type == "n"]
        sjis = [f for f in fields if profile.encoding == "cp932"]
        decoded = lines.filter(sized).with_columns(
            jis90.decode_jis90_marked_expr(
                pl.concat_str([pl.col("_rec").str.slice(f.offset or 0, f.length) for f in two_byte])
            ).alias("_jis") if two_byte else pl.lit(None, dtype=pl.String).alias("_jis"),
            # cp932: all fields in one pass, joined by "\n" (never inside a record, never a trail byte)
            jis90.decode_cp932_marked_expr(
                pl.concat_str([pl.col("_rec").str.slice(f.offset or 0, f.length) for f in sjis], separator="\n")
            ).str.split("\n").alias("_sjis") if sjis else pl.lit(None, dtype=pl.List(pl.String)).alias("_sjis"),
        ).with_columns(
            (_two_byte_field(two_byte, f) if f in two_byte else _marked(pl.col("_sjis").list.get(sjis.index(f)))
             if f in sjis else
             _decode_field(pl.col("_rec").str.slice(f.offset or 0, f.length), f, profile.encoding)).alias(f"_{i}")
            for i, f in enumerate(fields)
        )
        bad = [pl.col(f"_{i}").is_null() for i in range(len(fields))]
        any_bad = pl.any_horizontal(bad) if bad else pl.lit(False)
        rows = decoded.filter(~any_bad).select(
            ROW, *[blank_to_null(pl.col(f"_{i}")).alias(f.header) for i, f in enumerate(fields)]
        )
        reason = pl.coalesce([pl.when(b).then(pl.lit(_bad_message(f))) for b, f in zip(bad, fields, strict=True)])
        rejects = pl.concat([
            lines.filter(~sized).select(
                ROW,
                pl.format("レコード長が {} バイトです（{} バイトのはず） / record is {} bytes, expected {}",
                          pl.col("_rec").str.len_chars(), pl.lit(length), pl.col("_rec").str.len_chars(),
                          pl.lit(length)).alias(REJECT_REASON),
            ),
            decoded.filter(any_bad).select(ROW, reason.alias(REJECT_REASON)),
        ]).sort(ROW)
        header = tuple(f.header for f in fields)
        yield Table(name=p.name, header=header, rows=rows, rejects=rejects, encoding=profile.encoding)


def _cp932_units() -> dict[str, str]:
    back: dict[str, str] = {}
    for unit, ch in jis90.CP932_TO_UNICODE.items():
        back.setdefault(ch, unit)
    return back


_UNICODE_TO_CP932 = _cp932_units()
_ASCII_TABLE = {chr(c): chr(c) for c in range(0x20, 0x7F)}
_CP932_GETA = _UNICODE_TO_CP932[jis90.GETA]


def _encode_field(value: pl.Expr, f: Field, encoding: str) -> pl.Expr:
    """One field's bytes (Latin-1 spelling), cut to ``f.length`` at a character boundary and padded."""
    length = f.length or 0
    if encoding == "jis90" and f.type == "n":
        table, default, pad = jis90.UNICODE_TO_JIS, jis90.GETA_JIS, "!"  # 0x2121 = ideographic space
    elif encoding == "jis90":
        table, default, pad = _ASCII_TABLE, "?", " "
    else:
        table, default, pad = _UNICODE_TO_CP932, _CP932_GETA, " "
    units = value.fill_null("").str.extract_all(r"(?s).").list.eval(jis90._lookup(pl.element(), table, default))
    fits = units.list.eval(pl.element().filter(pl.element().str.len_chars().cum_sum() <= length))
    joined = fits.list.join("")
    if f.pad == "zero":
        return joined.str.pad_start(length, "0")
    return joined.str.pad_end(length, pad)


def fixed_bytes(frame: pl.DataFrame, profile: Profile) -> bytes:
    """Render ``frame`` (one column per field header or column, strings) as the profile's fixed-length bytes."""
    parts: list[pl.Expr] = []
    pos = 0
    for f in sorted(profile.fields, key=lambda f: f.offset or 0):
        if (f.offset or 0) > pos:
            parts.append(pl.lit(" " * ((f.offset or 0) - pos)))
        src = pl.lit(f.const) if f.const is not None else (
            pl.col(f.header) if f.header in frame.columns else pl.col(f.column) if f.column in frame.columns
            else pl.lit(None, dtype=pl.String))
        parts.append(_encode_field(src.cast(pl.String), f, profile.encoding))
        pos = (f.offset or 0) + (f.length or 0)
    if (profile.record_length or 0) > pos:
        parts.append(pl.lit(" " * ((profile.record_length or 0) - pos)))
    records = frame.select(pl.concat_str(parts).alias("r"))["r"]
    sep = {"crlf": "\r\n", "lf": "\n", "none": ""}[profile.newline]
    body = sep.join(records.to_list()) + (sep if records.len() else "")
    return body.encode("latin-1")
