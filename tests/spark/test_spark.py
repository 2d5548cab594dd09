"""``run_check(engine="spark")``: the Spark engine gives the local engine's result, row for row (issue 8 item 5), and
writes it through the same writers (issue #21 part 3)."""

from __future__ import annotations

import filecmp
import inspect
import json
import re
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from himozuke.errors import InputFileError, UsageError
from himozuke.formats import columns as C
from himozuke.formats.tabular import read_table
from himozuke.match import spark as spark_engine
from himozuke.match.classify import Verdict
from himozuke.match.spark import decode_lines
from himozuke.pipeline import RunSummary, run_check
from himozuke.testing.perturb import business_copy
from himozuke.testing.population import generate_population

pytest.importorskip("pyspark")
pytest.importorskip("pyarrow")

DATA = Path(__file__).parent.parent / "cli" / "data"
VERDICTS = [str(v) for v in Verdict]


def _local(business: Path, registry: Path, out: Path, **kw) -> tuple[dict, pl.DataFrame]:
    summary, result = run_check(business, registry, out, formats=("csv", "parquet"), memory_limit=1 << 40, **kw)
    return summary, result


def _spark(business, registry, out, *, formats=("csv",), encoding=None, **kw) -> RunSummary:
    """The check on Spark (the session the ``spark`` fixture made: ``default_session`` returns it)."""
    summary, rows = run_check(business, registry, out, engine="spark", formats=formats, business_encoding=encoding,
                              registry_encoding=encoding, **kw)
    assert rows is None  # the rows stay on Spark (or in the files)
    return summary


def _accounted(summary: RunSummary) -> None:
    assert summary.rows_in == sum(summary.counts[v] for v in VERDICTS)


def test_sample_files_cp932_with_gaiji_equal_the_local_engine(spark, tmp_path):
    """tests/cli/data: cp932 business file with a 外字 byte (F040 → U+E000), named rows of every class."""
    assert b"\xf0\x40" in (DATA / "business.csv").read_bytes()
    on_spark = _spark(DATA / "business.csv", DATA / "registry.csv", tmp_path / "spark", formats=("csv", "parquet"))
    summary, _ = _local(DATA / "business.csv", DATA / "registry.csv", tmp_path / "local")
    assert on_spark.counts == summary.counts and on_spark.rows_in == summary.rows_in
    _accounted(on_spark)
    assert filecmp.cmp(tmp_path / "spark" / "result.csv", tmp_path / "local" / "result.csv", shallow=False)
    spark_rows = pl.read_parquet(tmp_path / "spark" / "result.parquet")
    assert spark_rows.equals(pl.read_parquet(tmp_path / "local" / "result.parquet"))
    assert spark_rows.filter(pl.col(C.business(C.KANJI_NAME)).str.contains("\ue000")).height == 1


def test_jlis_result_layout_through_its_profile_equals_the_local_engine(spark, tmp_path):
    """A J-LIS result CSV (cp932, codes for 性別 and 処理結果, yyyymmdd dates) read through its profile."""
    registry = tmp_path / "kekka.csv"
    registry.write_bytes(("要求通番,処理結果コード,個人番号,氏名カナ,氏名漢字,生年月日,性別,住所\n"
                          "1,00,151650496556,ヤマダ　タロウ,山田　太郎,19750102,1,東京都千代田区霞が関１丁目１番１号\n"
                          "2,01,205878835680,,,,,\n").encode("cp932"))
    on_spark = _spark(DATA / "business.csv", registry, tmp_path / "spark", registry_profile="jlis-result-csv",
                      buckets=3)
    summary, _ = _local(DATA / "business.csv", registry, tmp_path / "local", registry_profile="jlis-result-csv")
    assert on_spark.counts == summary.counts
    assert on_spark.registry_rows == summary.registry_rows == 2
    assert filecmp.cmp(tmp_path / "spark" / "result.csv", tmp_path / "local" / "result.csv", shallow=False)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, Path]:
    """20,000 generated residents and their business copy, with blank, short and badly quoted lines mixed in."""
    folder = tmp_path_factory.mktemp("generated")
    pop = generate_population(20_000, seed=8)
    registry = pop.select(*C.STANDARD).with_columns(pl.col(C.BIRTH_DATE).cast(pl.String))
    twice = registry.head(3).with_columns(pl.lit("別人　太郎").alias(C.KANJI_NAME))  # 住基 duplicates: first wins
    pl.concat([registry, twice]).write_csv(folder / "registry.csv")
    business = business_copy(pop, seed=8).select(*C.STANDARD)
    lines = business.write_csv().splitlines()
    lines[100:100] = ["", "  ", "\u3000"]  # blank lines: not rows, but counted in 行番号
    lines[5000:5000] = ["1,2,3", 'x,"unclosed,a,b,c,d'] # unreadable lines: E with the reader's reason
    (folder / "business.csv").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return folder / "business.csv", folder / "registry.csv"


def test_generated_population_split_over_tasks_equals_the_local_engine(spark, generated, tmp_path):
    """Several splits per file, odd bucket count, Hadoop URI output: same rows, same CSV bytes."""
    business, registry = generated
    spark.conf.set("spark.sql.files.maxPartitionBytes", "400k")
    try:
        on_spark = _spark(business, registry, f"file://{tmp_path}/spark", buckets=7, formats=("csv", "parquet"))
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
    summary, local = _local(business, registry, tmp_path / "local")
    assert on_spark.counts == summary.counts
    assert (on_spark.rows_in, on_spark.registry_rows) == (summary.rows_in, summary.registry_rows) == (20_002, 20_003)
    _accounted(on_spark)
    # run.json on the URI too, written through Hadoop's FileSystem: the run's identity and counts
    run = json.loads((tmp_path / "spark" / "run.json").read_text(encoding="utf-8"))
    assert (run["engine"], run["counts"], run["rows_in"]) == ("spark", summary.counts, 20_002)
    assert run["outputs"] == ["result.csv", "result.parquet"] and not list((tmp_path / "spark").glob(".run.json.part*"))
    (part,) = (tmp_path / "spark" / "result.csv").glob("part-*")
    assert part.read_bytes() == (tmp_path / "local" / "result.csv").read_bytes()
    parts = sorted((tmp_path / "spark" / "result.parquet").glob("part-*.parquet"))
    assert pl.concat([pl.read_parquet(p) for p in parts]).equals(pl.read_parquet(tmp_path / "local" /
                                                                                 "result.parquet"))
    assert local.filter(pl.col(C.ROW).is_in([101, 102, 103])).height == 0  # the blank lines


_HEADER = "個人番号,漢字氏名,カナ氏名,生年月日,性別,住所\n"
_LONG = (_HEADER + "123456789018,山田　太郎,ヤマダ　タロウ,1975-01-02,1,東京都千代田区霞が関１丁目１番１号\n" * 14_000
         ).encode() + b"1,\xff,a,b,c,d\n"


@pytest.mark.parametrize(("content", "encoding", "line"), [
    pytest.param(_LONG, None, 14_002, id="最初の1MiBより後の読めないバイト"),
    pytest.param(_HEADER.encode() + b"1,\xff,a,b,c,d\n", "utf-8", 2,
                 id="utf-8に読めないバイト"),
    pytest.param(_HEADER.encode("cp932") + b"1,a,b,c,d,e\n2,\x81\n",
                 "cp932", 3, id="cp932の途中で切れた文字"),
])
def test_undecodable_line_is_reported_like_the_local_reader(spark, tmp_path, content, encoding, line):
    path = tmp_path / "business.csv"
    path.write_bytes(content)
    with pytest.raises(InputFileError) as local:
        read_table(path, encoding=encoding)
    with pytest.raises(InputFileError) as remote:
        _spark(path, DATA / "registry.csv", tmp_path / "spark", encoding=encoding)
    assert (remote.value.line, remote.value.message) == (local.value.line, local.value.message)
    assert remote.value.line == line


def test_carried_business_columns_are_refused_not_dropped(spark, tmp_path):
    """Spark does not carry 宛名番号 / 方書 / DV等支援対象 yet: a run with them stops with a one-line message rather
    than write outputs without them (a lost DV flag would show a refuge address)."""
    business = tmp_path / "business.csv"
    pl.read_csv(DATA / "registry.csv", infer_schema=False).with_columns(
        pl.lit("1").alias(C.DV_FLAG)).write_csv(business)
    with pytest.raises(UsageError, match="DV等支援対象"):
        _spark(business, DATA / "registry.csv", tmp_path / "spark")


@pytest.mark.parametrize(("formats", "out"), [
    pytest.param(("pdf",), "result", id="未知の形式"),
    pytest.param(("xlsx",), "hdfs://nn/out", id="HadoopにExcelは書かない"),
])
def test_formats_the_spark_engine_cannot_write_are_a_usage_error(formats, out, tmp_path):
    with pytest.raises(UsageError):
        run_check(tmp_path / "b.csv", tmp_path / "r.csv", out, engine="spark", formats=formats)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(st.characters(codec="cp932", exclude_characters="\n¢£¬‖−〜"), max_size=8), min_size=1, max_size=20))
def test_decode_lines_equals_decoding_each_line(texts):
    """One codec call per batch == one per line (cp932 never has ``\\n`` as a trail byte)."""
    encoded = [t.encode("cp932") for t in texts]
    frame = pl.DataFrame({C.ROW: range(1, len(texts) + 1), "_bytes": encoded},
                         schema={C.ROW: pl.Int64, "_bytes": pl.Binary})
    lines, bad = decode_lines(frame, "cp932")
    assert bad is None
    assert lines["_line"].to_list() == [b.decode("cp932").rstrip("\r") for b in encoded]


def test_no_row_by_row_python_udf():
    """STYLE §1: Spark ships Arrow batches to the engine's functions; no pandas_udf or udf()."""
    source = inspect.getsource(spark_engine)
    assert not re.search(r"pandas_udf|\budf\(", source)
    assert "mapInArrow" in source and "applyInArrow" in source
