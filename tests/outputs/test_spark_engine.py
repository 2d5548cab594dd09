"""``himozuke check --engine spark`` runs the check on Spark — through the real CLI, not only ``run_check``
(issue #21 part 3; docs/spark.md). A CLI that dropped the option would still write a correct result.csv from the
local engine, so the test counts the Spark jobs the command started: the CLI runs in this thread, and a job group
set here tags every job it starts on the shared session (``default_session`` returns it). The message for a
machine without the spark extra or Java is tested in tests/cli/test_spark_engine.py."""

from __future__ import annotations

import json

from tests.cli.test_check import invoke

GROUP = "himozuke-tests-outputs-cli"


def _jobs(spark) -> list[int]:
    return list(spark.sparkContext.statusTracker().getJobIdsForGroup(GROUP))


def test_engine_spark_through_the_cli_runs_spark_jobs(spark, inputs, tmp_path):
    sc = spark.sparkContext
    sc.setJobGroup(GROUP, "the CLI's --engine spark")
    try:
        res = invoke("check", str(inputs[0]), str(inputs[1]), "--out", str(tmp_path / "spark"), "--engine", "spark",
                     "--formats", "csv")
    finally:
        sc.setLocalProperty("spark.jobGroup.id", None)
    assert res.exit_code == 0, res.output
    jobs = _jobs(spark)
    assert jobs, "no Spark job ran: --engine spark was not used"
    run = json.loads((tmp_path / "spark" / "run.json").read_text(encoding="utf-8"))
    assert run["engine"] == "spark"
    # the same result as the local engine, by the same writer
    local = invoke("check", str(inputs[0]), str(inputs[1]), "--out", str(tmp_path / "local"), "--formats", "csv")
    assert local.exit_code == 0, local.output
    assert (tmp_path / "spark" / "result.csv").read_bytes() == (tmp_path / "local" / "result.csv").read_bytes()
    assert _jobs(spark) == jobs, "the local engine started Spark jobs"
    assert run["counts"] == json.loads((tmp_path / "local" / "run.json").read_text(encoding="utf-8"))["counts"]
