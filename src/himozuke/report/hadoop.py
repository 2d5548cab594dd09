"""Outputs on a Hadoop path (``hdfs://``, ``s3a://``, ``file://`` …) for a check done on Spark (issue #21 part 3).

A local folder gets the local engine's files from the local engine's writers (:func:`himozuke.pipeline.run_check`
collects the Spark result on the driver). A URI is written by Spark itself, so that no row passes through the
driver, with the same masking (:func:`himozuke.report.tables.displayed`) and Polars' own CSV text:

* ``out/result.csv/part-00000-….txt`` — one part file (one task writes it): BOM, header, then the CSV text of each
  batch written by Polars, so its bytes equal the local ``result.csv``;
* ``out/result.parquet/part-*.parquet`` — sorted by 行番号 across parts in name order;
* ``out/registry_rejects.csv/part-….txt`` when the registry file had unreadable lines;
* ``out/run.json`` — one file, written through the Hadoop FileSystem API (to a temporary name, then renamed).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import polars as pl

from himozuke.formats import columns as C
from himozuke.match.spark import spark_schema, to_arrow
from himozuke.outputs import is_uri
from himozuke.report.tables import displayed

#: What a Spark run can write to a URI (a workbook is for a person: write it to a local folder).
FORMATS = ("csv", "parquet")


def _csv_text(batches: Iterator, *, show_number: bool, schema: dict[str, pl.DataType]) -> Iterator:
    """BOM and header, then the CSV text of each batch written by Polars (the local writer's quoting)."""
    import pyarrow as pa

    texts = itertools.chain(["\ufeff" + pl.DataFrame(schema=schema).write_csv()], (
        displayed(pl.from_arrow(b), show_number=show_number).write_csv(include_header=False) for b in batches))
    return (pa.record_batch([pa.array([t.removesuffix("\n")], pa.string())], names=["value"]) for t in texts if t)


def write_frame(frame, out: str, name: str, *, show_number: bool, schema: dict[str, pl.DataType]) -> None:
    """``out/name``: CSV as one part file (BOM, header, Polars quoting), Parquet as parts sorted by 行番号."""
    from pyspark.sql import functions as F

    target = f"{out.rstrip('/')}/{name}"
    if name.endswith(".csv"):
        def text(batches):
            return _csv_text(batches, show_number=show_number, schema=schema)

        single = frame.repartition(1).sortWithinPartitions(C.ROW)
        single.mapInArrow(text, "value string").write.mode("overwrite").option("lineSep", "\n").text(target)
    else:
        def masked(batches):
            for batch in batches:
                yield from to_arrow(displayed(pl.from_arrow(batch), show_number=show_number), schema).to_batches()

        frame.mapInArrow(masked, spark_schema(schema)).orderBy(F.col(C.ROW)).write.mode("overwrite").parquet(target)


def write_text(spark, out: str, name: str, text: str) -> None:
    """``out/name`` holding ``text`` (UTF-8), through the Hadoop FileSystem API of ``spark``'s JVM: written under a
    temporary name and renamed, so a reader never sees half a file."""
    jvm = spark.sparkContext._jvm
    target = jvm.org.apache.hadoop.fs.Path(f"{out.rstrip('/')}/{name}")
    fs = target.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    tmp = jvm.org.apache.hadoop.fs.Path(f"{out.rstrip('/')}/.{name}.part")
    stream = fs.create(tmp, True)
    try:
        stream.write(bytearray(text.encode("utf-8")))
    finally:
        stream.close()
    if fs.exists(target):
        fs.delete(target, False)
    if not fs.rename(tmp, target):
        raise OSError(f"could not rename {tmp} to {target}")


__all__ = ["FORMATS", "is_uri", "write_frame", "write_text"]
