"""Inputs every output test checks, and one local SparkSession for the Spark runs (the JVM start is the slow part;
``default_session`` returns this session to the CLI too, so a ``--engine spark`` run in this process reuses it)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).parent.parent / "cli" / "data"
#: A registry person's number as a person types it on a form: full-width, grouped by a full-width space and a
#: hyphen (the reader folds it to the 12 digits; the result must still never show it whole).
TYPED = "１５１６　５０４９-６５５６"


@pytest.fixture(scope="session")
def spark():
    pytest.importorskip("pyspark")
    pytest.importorskip("pyarrow")
    from himozuke.match.spark import default_session

    session = default_session()
    yield session
    session.stop()


@pytest.fixture(scope="session")
def inputs(tmp_path_factory) -> tuple[Path, Path]:
    """tests/cli/data (named rows of every class, cp932 with a 外字) plus a number typed in disguise, and a
    registry line that cannot be read (so registry_rejects.csv is written)."""
    d = tmp_path_factory.mktemp("outputs-inputs")
    business, registry = d / "business.csv", d / "registry.csv"
    shutil.copy(DATA / "business.csv", business)
    with business.open("ab") as f:
        f.write(f"{TYPED},山田　太郎,ヤマダ　タロウ,1975-01-02,1,東京都千代田区霞が関１丁目１番１号\n".encode("cp932"))
    shutil.copy(DATA / "registry.csv", registry)
    with registry.open("a", encoding="utf-8") as f:
        f.write('999999999990,"壊れた行,ハ,1975-01-02,1,x\n')
    return business, registry


#: The job group the Spark run through the CLI is tagged with (test_spark_engine.py counts its jobs).
SPARK_GROUP = "himozuke-tests-outputs-cli"
#: Every output format: the masking tests look into each.
ALL_FORMATS = "csv,xlsx,parquet"


@pytest.fixture(scope="session")
def spark_cli_run(spark, inputs, tmp_path_factory):
    """One ``himozuke check --engine spark`` through the CLI, masked, every format: (out, screen, Spark job ids).
    The CLI runs in this thread, so the job group set here tags every job it starts on the shared session."""
    from tests.cli.test_check import invoke

    out = tmp_path_factory.mktemp("spark-cli") / "masked"
    sc = spark.sparkContext
    sc.setJobGroup(SPARK_GROUP, "the CLI's --engine spark")
    try:
        res = invoke("check", str(inputs[0]), str(inputs[1]), "--out", str(out), "--engine", "spark",
                     "--formats", ALL_FORMATS)
    finally:
        sc.setLocalProperty("spark.jobGroup.id", None)
    assert res.exit_code == 0, res.output
    return out, res.output, list(sc.statusTracker().getJobIdsForGroup(SPARK_GROUP))
