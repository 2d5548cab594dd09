"""``himozuke check --engine spark`` runs the check on Spark — through the real CLI, not only ``run_check``
(issue #21 part 3; docs/spark.md). A CLI that dropped the option would still write a correct result.csv from the
local engine, so the test counts the Spark jobs the command started (``spark_cli_run`` in conftest.py: a job group
on the shared session). The message for a machine without the spark extra or Java is tested in
tests/cli/test_spark_engine.py."""

from __future__ import annotations

import json

from tests.cli.test_check import invoke
from tests.outputs.conftest import ALL_FORMATS, SPARK_GROUP


def test_engine_spark_through_the_cli_runs_spark_jobs(spark, spark_cli_run, inputs, tmp_path):
    out, _, jobs = spark_cli_run
    assert jobs, "no Spark job ran: --engine spark was not used"
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["engine"] == "spark"
    # the same result as the local engine, by the same writer — and the local engine starts no Spark job
    local = invoke("check", str(inputs[0]), str(inputs[1]), "--out", str(tmp_path / "local"), "--formats", ALL_FORMATS)
    assert local.exit_code == 0, local.output
    assert (out / "result.csv").read_bytes() == (tmp_path / "local" / "result.csv").read_bytes()
    assert run["counts"] == json.loads((tmp_path / "local" / "run.json").read_text(encoding="utf-8"))["counts"]
    assert list(spark.sparkContext.statusTracker().getJobIdsForGroup(SPARK_GROUP)) == jobs
