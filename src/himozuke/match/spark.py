"""The check on Apache Spark (issue 8 item 5): Spark moves Arrow batches, the engine's Polars functions decide.

Spark holds no rule: it reads lines, routes rows to buckets and writes files; every decision is made by the
functions the local engine runs, on Arrow batches (``mapInArrow``, ``applyInArrow``). Phases:

1. **lines** — raw byte lines (split on ``\n`` only, as locally); 行番号 (header = 1) = lines of the splits
   before + place in the split, so a file read by many tasks keeps its numbers. Encoding and layout profile
   are chosen by :func:`open_records` on the file's first MiB, exactly as locally.
2. **read** (``mapInArrow``) — a batch is decoded in one codec call, parsed by ``parse_lines``, mapped through
   the profile; business rows get ``business_frame``, registry rows their ``_number_key`` (the number normalised
   and parsed once, here), both sides a 個人番号 bucket (scale.py's hash of that key), business rows a bucket of
   their person key (``person_frame``).
3. **several numbers** — ``groupBy(person bucket).applyInArrow(several_numbers_rows)``; the few flagged
   行番号 are collected and broadcast.
4. **check** — ``cogroup(bucket).applyInArrow``: ``registry_frame`` + ``check_bucket`` per bucket;
   unreadable lines become ``rejected_rows``.
5. **write** — not here (this package computes, :mod:`himozuke.report` writes):
   :func:`himozuke.pipeline.run_check` writes what :func:`check_on_spark` yields — to a local folder with the
   local engines' writer, to a URI through :mod:`himozuke.report.hadoop` — and run.json either way.
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import math
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from himozuke.errors import InputFileError, UsageError
from himozuke.formats import columns as C
from himozuke.formats.profiles import Profile, resolve
from himozuke.formats.records import _apply, open_records
from himozuke.formats.tabular import LINE, REJECT_REASON, Table, parse_header, parse_lines, private_temp_path
from himozuke.match import home as home_of
from himozuke.match.engine import (
    NUMBER_KEY,
    PERSON,
    RESULT_SCHEMA,
    business_frame,
    check_bucket,
    person_frame,
    registry_frame,
    rejected_rows,
    several_numbers_rows,
    with_registry_key,
)
from himozuke.match.scale import BUCKET, bucket_expr
from himozuke.text.municipality import leading_prefecture_expr

_BYTES = "_bytes"
_KIND = "_kind"  # what a read row is: a record, a rejected line, or the first line the codec cannot read
_ROW_KIND, _REJECT_KIND, _UNDECODABLE_KIND = "row", "reject", "undecodable"
_PERSON = "_person_bucket"
_PERSON_KEY = "_person_key"  # the hashed person key as Int64 (Spark has no unsigned type); null: no valid number
#: Rows per bucket the default bucket count aims at (one bucket is one Arrow table in one Python worker).
ROWS_PER_BUCKET = 200_000
_HEAD_BYTES = 1 << 20  # what the local reader looks at to choose the encoding
_BUSINESS_SCHEMA = {C.ROW: pl.Int64(), _KIND: pl.String(), REJECT_REASON: pl.String(), C.MY_NUMBER: pl.String(),
                    NUMBER_KEY: pl.Int64(), **{C.business(i): pl.String() for i in C.ITEMS}, BUCKET: pl.Int32(),
                    _PERSON: pl.Int32(), _PERSON_KEY: pl.Int64()}
#: the registry's 個人番号 travels as its ``_number_key`` only (normalised and parsed once, when it is read)
_REGISTRY_SCHEMA = {C.ROW: pl.Int64(), _KIND: pl.String(), REJECT_REASON: pl.String(), NUMBER_KEY: pl.Int64(),
                    **{i: pl.String() for i in C.ITEMS}, C.INQUIRY_RESULT: pl.String(), BUCKET: pl.Int32()}


def spark_schema(schema: dict[str, pl.DataType]):
    """A Spark ``StructType`` for a Polars schema (text, Int64, Int32 only)."""
    from pyspark.sql import types as T

    spark = {pl.String(): T.StringType(), pl.Int64(): T.LongType(), pl.Int32(): T.IntegerType()}
    return T.StructType([T.StructField(name, spark[dtype], True) for name, dtype in schema.items()])


def to_arrow(frame: pl.DataFrame, schema: dict[str, pl.DataType]):
    """``frame`` as a ``pyarrow.Table`` with plain (not large) Arrow types, as Spark's Arrow reader expects;
    a column the frame lacks is null.

    >>> to_arrow(pl.DataFrame({"a": ["x"], "n": [1]}), {"n": pl.Int32(), "a": pl.String()}).schema.types
    [DataType(int32), DataType(string)]
    """
    import pyarrow as pa

    arrow = {pl.String(): pa.string(), pl.Int64(): pa.int64(), pl.Int32(): pa.int32()}
    table = frame.select([(pl.col(n) if n in frame.columns else pl.lit(None)).cast(t).alias(n)
                          for n, t in schema.items()]).to_arrow()
    return table.cast(pa.schema([(n, arrow[t]) for n, t in schema.items()]))


def decode_lines(frame: pl.DataFrame, codec: str) -> tuple[pl.DataFrame, int | None]:
    """Byte lines (行番号, ``_bytes``) → text lines (行番号, ``_line``), in one codec call per batch.

    Returns the first 行番号 the codec cannot read instead of the lines when there is one. cp932 never uses
    ``\\n`` as a trail byte, so decoding the joined lines equals decoding each line. 外字 F040 → U+E000:

    >>> lines = pl.DataFrame({"行番号": [2, 3], "_bytes": [b"\\xf0\\x40,x\\r", "山".encode("cp932")]})
    >>> decode_lines(lines, "cp932")[0].rows()
    [(2, '\\ue000,x'), (3, '山')]
    >>> decode_lines(lines, "utf-8")[1]
    2
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if frame.height == 0:
        return pl.DataFrame(schema={C.ROW: pl.Int64, LINE: pl.String}), None
    column = frame[_BYTES].to_arrow().cast(pa.large_binary())
    joined = pa.LargeListArray.from_arrays(pa.array([0, len(column)], pa.int64()), column)
    blob = pc.binary_join(joined, pa.scalar(b"\n", pa.large_binary()))[0].as_py()
    try:
        text = blob.decode(codec)
    except UnicodeDecodeError as e:
        return pl.DataFrame(schema={C.ROW: pl.Int64, LINE: pl.String}), int(frame[C.ROW][blob.count(b"\n", 0, e.start)])
    lines = pl.Series(LINE, [text]).str.split("\n").explode()
    return frame.select(C.ROW, lines.str.strip_chars_end("\r").alias(LINE)), None


def _read(batches: Iterator, *, table: Table, codec: str, profile: Profile, role: str, buckets: int) -> Iterator:
    """Phase 2 on one task: byte lines → standard rows (with buckets) and rejections, as in the local reader."""
    schema = _BUSINESS_SCHEMA if role == "business" else _REGISTRY_SCHEMA
    for batch in batches:
        lines, bad = decode_lines(pl.from_arrow(batch), codec)
        if bad is not None:
            yield from to_arrow(pl.DataFrame({C.ROW: [bad], _KIND: [_UNDECODABLE_KIND]}), schema).to_batches()
            continue
        rows, rejects = parse_lines(lines.lazy().filter(pl.col(C.ROW) > 1), table.header)
        standard, _ = _apply(Table(table.name, table.header, rows, rejects, table.encoding), profile, role)
        if role == "business":
            frame = business_frame(standard).collect()
            persons = person_frame(frame, portable=True).select(C.ROW, pl.col(PERSON).alias("_hash"))
            records = frame.join(persons, on=C.ROW, how="left").lazy().with_columns(
                bucket_expr(buckets), (pl.col("_hash") % buckets).cast(pl.Int32).alias(_PERSON),
                pl.col("_hash").reinterpret(signed=True).alias(_PERSON_KEY))
        else:
            records = with_registry_key(standard).with_columns(bucket_expr(buckets))
        records = records.with_columns(pl.col(BUCKET).cast(pl.Int32), pl.lit(_ROW_KIND).alias(_KIND))
        out = pl.concat([records.collect(), rejects.with_columns(pl.lit(_REJECT_KIND).alias(_KIND)).collect()],
                        how="diagonal_relaxed")
        yield from to_arrow(out, schema).to_batches()


def _several(table):
    """Phase 3 on one person bucket: 行番号 of one person under several numbers."""
    persons = pl.from_arrow(table).select(C.ROW, NUMBER_KEY, pl.col(_PERSON_KEY).reinterpret(signed=False).alias(PERSON))
    return to_arrow(several_numbers_rows(persons).to_frame(), {C.ROW: pl.Int64()})


def _prefectures(batches: Iterator) -> Iterator:
    """The 都道府県 each registry address opens with (for the home prefecture, :mod:`himozuke.match.home`)."""
    for batch in batches:
        frame = pl.from_arrow(batch).select(leading_prefecture_expr(pl.col(C.ADDRESS)).alias("p"))
        yield from to_arrow(frame, {"p": pl.String()}).to_batches()


def _checker(several, home_prefecture: str | None) -> Callable:
    """Phase 4 on one bucket: the local engine's check of that bucket's business and registry rows."""

    def check(business_table, registry_table):
        business = pl.from_arrow(business_table)
        if business.height == 0:
            return to_arrow(pl.DataFrame(schema=RESULT_SCHEMA), RESULT_SCHEMA)
        business = business.sort(C.ROW).select(C.ROW, C.MY_NUMBER, *(C.business(i) for i in C.ITEMS), NUMBER_KEY)
        registry = registry_frame(pl.from_arrow(registry_table).sort(C.ROW).select(
            NUMBER_KEY, *C.ITEMS, C.INQUIRY_RESULT)).collect()

        def flagged() -> pl.Series:
            return pl.Series(C.ROW, several.value, dtype=pl.Int64)

        return to_arrow(check_bucket(business, registry, flagged, home_prefecture), RESULT_SCHEMA)

    return check


def _rejected(batches: Iterator) -> Iterator:
    return (b for batch in batches for b in to_arrow(rejected_rows(pl.from_arrow(batch)), RESULT_SCHEMA).to_batches())


def default_session():
    """The session of ``spark-submit`` when launched by it; else a local one (``local[2]``, UI off, Arrow on,
    few shuffle partitions, quiet logs)."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("himozuke").config("spark.sql.execution.arrow.pyspark.enabled", "true")
    if "PYSPARK_GATEWAY_PORT" not in os.environ:  # not under spark-submit: its --master and --conf win there
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = builder.master("local[2]").config("spark.ui.enabled", "false").config(
            "spark.ui.showConsoleProgress", "false").config("spark.sql.shuffle.partitions", "2")
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _numbered_lines(spark, path: str):
    """Phase 1: (行番号, ``_bytes``) for every line of one file, header = 1, and the number of lines: lines of
    the splits before + place in the split, so no task sees the whole file and no row passes through Python."""
    from pyspark.errors import AnalysisException
    from pyspark.sql import functions as F

    name = Path(path.rstrip("/")).name
    try:
        raw = spark.read.option("lineSep", "\n").text(path).select(
            F.col("value").cast("binary").alias(_BYTES), F.col("_metadata.file_path").alias("_file"),
            F.col("_metadata.file_block_start").alias("_block"), F.monotonically_increasing_id().alias("_id"))
        blocks = raw.groupBy("_file", "_block").agg(F.count(F.lit(1)).alias("_n"), F.min("_id").alias("_first"))
        blocks = sorted(blocks.collect(), key=lambda b: b["_block"])  # one row per split: a few
    except AnalysisException:
        raise InputFileError("ファイルがありません", "file not found", file=path) from None
    if len({b["_file"] for b in blocks}) > 1:
        raise UsageError(f"Spark エンジンにはファイルを1つ指定してください（フォルダ不可）: {name}",
                         f"the spark engine reads one file, not a folder: {name}")
    if not blocks:
        raise InputFileError("ファイルが空です（見出し行がありません）", "the file is empty (no header line)", file=name)
    bases = [0, *itertools.accumulate(b["_n"] for b in blocks)]
    offsets = spark.createDataFrame([(b["_block"], b["_first"], base) for b, base in zip(blocks, bases, strict=False)],
                                    "_block long, _first long, _base long")
    numbered = raw.join(F.broadcast(offsets), "_block").select(
        (F.col("_base") + F.col("_id") - F.col("_first") + 1).alias(C.ROW), _BYTES)
    return numbered, bases[-1]


def _head(numbered, total: int) -> list[bytes]:
    """The whole lines that hold the file's first MiB (what the local reader looks at to choose the encoding)."""
    from pyspark.sql import functions as F

    k = 4096
    while True:
        lines = [r[_BYTES] for r in numbered.where(F.col(C.ROW) <= k).orderBy(C.ROW).collect()]
        ends = list(itertools.accumulate(len(b) + 1 for b in lines))
        if k >= total or ends[-1] >= _HEAD_BYTES:
            return lines[: bisect.bisect_left(ends, _HEAD_BYTES) + 1]
        k *= 8


def _open(spark, path: str, role: str, encoding: str | None, profile):
    """Phase 1 for one input: numbered lines, the :class:`Table` (header, encoding), the profile. Encoding and
    profile come from :func:`open_records` on a private copy of the head (mode 0600, deleted at once), so both
    engines choose them, and report a missing column, the same way."""
    name = Path(path.rstrip("/")).name
    if name.lower().endswith((".xlsx", ".xlsm")):
        raise UsageError("Spark エンジンは CSV のみ読めます（Excel は --engine local で）",
                         "the spark engine reads CSV only (use --engine local for Excel)")
    numbered, total = _numbered_lines(spark, path)
    head = _head(numbered, total)
    with private_temp_path(name) as copy:
        copy.touch(mode=0o600)
        copy.write_bytes(b"\n".join(head) + b"\n")
        with open_records(copy, role=role, encoding=encoding, profile=profile) as records:
            enc, profile, carried = records.encoding, resolve(records.profile), records.carried
    if role == "business" and carried:
        # refused, not dropped: a DV等支援対象 flag lost on the way would show a refuge address in the outputs
        raise UsageError(f"Spark エンジンはまだ業務側の持ち回り列（{'・'.join(carried)}）を結果に残せません。"
                         "--engine local で照合するか、その列を除いてください",
                         f"the spark engine cannot carry the business columns {', '.join(carried)} to the result "
                         "yet: use --engine local or leave them out")
    if profile.format != "csv":
        raise UsageError(f"Spark エンジンは固定長（プロファイル {profile.name}）を読めません",
                         f"the spark engine reads CSV only, not fixed-length profile {profile.name}")
    header = parse_header(head[0].decode(enc.removesuffix("-sig")).rstrip("\r"))
    return numbered, Table(name, header, pl.LazyFrame(), pl.LazyFrame(), enc), profile, total


def _read_side(spark, path: str, role: str, encoding: str | None, buckets: int | None, profile=None):
    """Phases 1–2 for one input, persisted: every line as a record or a rejection; and how many of each."""
    from pyspark.sql import functions as F

    numbered, table, profile, total = _open(spark, path, role, encoding, profile)
    n = buckets or max(int(spark.conf.get("spark.sql.shuffle.partitions")), math.ceil(total / ROWS_PER_BUCKET))
    codec = table.encoding.removesuffix("-sig")
    schema = _BUSINESS_SCHEMA if role == "business" else _REGISTRY_SCHEMA

    def read(batches):
        return _read(batches, table=table, codec=codec, profile=profile, role=role, buckets=n)

    frame = numbered.mapInArrow(read, spark_schema(schema)).persist()
    kinds = {k: (count, first) for k, count, first in
             frame.groupBy(_KIND).agg(F.count(F.lit(1)), F.min(C.ROW)).collect()}
    if _UNDECODABLE_KIND in kinds:
        bad = kinds[_UNDECODABLE_KIND][1]
        frame.unpersist()
        hint = ("--encoding cp932 を指定してください", "try --encoding cp932") if codec == "utf-8" else \
            ("--encoding utf-8 を試してください", "try --encoding utf-8")
        raise InputFileError(f"{codec} として読めないバイトがあります（{hint[0]}）",
                             f"bytes that are not {codec} ({hint[1]})", file=table.name, line=bad)
    return frame, table, n, {k: count for k, (count, _) in kinds.items()}, profile


@dataclass
class SparkCheck:
    """The check done on Spark, not yet written (:func:`check_on_spark`)."""

    result: object  #: Spark DataFrame of result rows (:data:`RESULT_SCHEMA`), in no order
    rejects: object | None  #: Spark DataFrame (行番号, reason) of the registry file's unreadable lines, or None
    rows_in: int  #: business rows and unreadable business lines
    registry_rows: int
    registry_rejected: int
    business_name: str
    registry_name: str
    business_profile: str
    registry_profile: str
    home_prefecture: str | None
    home_prefecture_source: str

    def collected(self) -> tuple[pl.DataFrame, pl.DataFrame | None]:
        """The result and the registry rejections as Polars frames on the driver, in 行番号 order (for a local
        folder: the driver writes them with the local engine's writers)."""
        frame = pl.from_arrow(self.result.orderBy(C.ROW).toArrow()).cast(RESULT_SCHEMA)
        rejects = None if self.rejects is None else \
            pl.from_arrow(self.rejects.orderBy(C.ROW).toArrow()).cast(REJECTS_SCHEMA)
        return frame, rejects


#: The registry file's unreadable lines, as the local engine writes them (registry_rejects.csv).
REJECTS_SCHEMA = {C.ROW: pl.Int64(), REJECT_REASON: pl.String()}


@contextlib.contextmanager
def check_on_spark(business: str, registry: str, *, spark=None, buckets: int | None = None,
                   encoding: str | None = None, business_encoding: str | None = None,
                   registry_encoding: str | None = None, business_profile=None, registry_profile=None,
                   home_prefecture: str | None = None) -> Iterator[SparkCheck]:
    """Check ``business`` against ``registry`` on Spark (phases 1–4); the outputs are the caller's
    (:func:`himozuke.pipeline.run_check` writes them, for every engine). The read inputs stay cached until the
    block ends.

    Inputs may be any Hadoop-compatible path. Results equal the local engine's. ``<side>_encoding`` and
    ``<side>_profile`` (a built-in name, a local TOML path) mean what they mean for
    :func:`himozuke.pipeline.run_check`; ``encoding`` is the default of both sides. ``home_prefecture`` and
    where it came from are decided as locally (:mod:`himozuke.match.home`).
    """
    from pyspark.sql import functions as F

    spark = spark or default_session()
    b_frame, b_table, n, kinds, b_profile = _read_side(spark, business, "business", business_encoding or encoding,
                                                       buckets, business_profile)
    persisted = [b_frame]
    try:
        r_frame, r_table, _, r_kinds, r_profile = _read_side(spark, registry, "registry",
                                                             registry_encoding or encoding, n, registry_profile)
        persisted.append(r_frame)
        rows = b_frame.where(F.col(_KIND) == _ROW_KIND)
        several = rows.where(F.col(_PERSON_KEY).isNotNull()).select(C.ROW, NUMBER_KEY, _PERSON_KEY, _PERSON).groupBy(
            _PERSON).applyInArrow(_several, spark_schema({C.ROW: pl.Int64()}))
        flagged = spark.sparkContext.broadcast(sorted(r[C.ROW] for r in several.collect()))
        registry_rows = r_frame.where(F.col(_KIND) == _ROW_KIND)
        home, home_source = home_of.given(home_prefecture, (b_profile.name, b_profile.home_prefecture),
                                          (r_profile.name, r_profile.home_prefecture))
        if home is None:
            given = registry_rows.select(C.ADDRESS).mapInArrow(_prefectures, "p string").where(F.col("p").isNotNull())
            home, home_source = home_of.of_counts({r["p"]: r["count"] for r in given.groupBy("p").count().collect()})
        checked = rows.groupBy(BUCKET).cogroup(registry_rows.groupBy(BUCKET)).applyInArrow(
            _checker(flagged, home), spark_schema(RESULT_SCHEMA))
        rejected = b_frame.where(F.col(_KIND) == _REJECT_KIND).select(C.ROW, REJECT_REASON).mapInArrow(
            _rejected, spark_schema(RESULT_SCHEMA))
        r_rejected = r_kinds.get(_REJECT_KIND, 0)
        yield SparkCheck(
            result=checked.unionByName(rejected),
            rejects=r_frame.where(F.col(_KIND) == _REJECT_KIND).select(C.ROW, REJECT_REASON) if r_rejected else None,
            rows_in=kinds.get(_ROW_KIND, 0) + kinds.get(_REJECT_KIND, 0),
            registry_rows=r_kinds.get(_ROW_KIND, 0) + r_rejected, registry_rejected=r_rejected,
            business_name=b_table.name, registry_name=r_table.name,
            business_profile=b_profile.name, registry_profile=r_profile.name,
            home_prefecture=home, home_prefecture_source=home_source)
    finally:
        for frame in persisted:
            with contextlib.suppress(Exception):
                frame.unpersist()


__all__ = ["REJECTS_SCHEMA", "ROWS_PER_BUCKET", "SparkCheck", "check_on_spark", "decode_lines", "default_session",
           "spark_schema", "to_arrow"]
