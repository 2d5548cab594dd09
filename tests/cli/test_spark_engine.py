"""``himozuke check --engine spark`` on a machine that cannot run Spark: one line naming what to install, never a
traceback (issue #21 part 3). The Spark runs themselves are in tests/spark."""

from __future__ import annotations

import shutil
import sys

from tests.cli.test_check import DATA, invoke


def _check(tmp_path):
    return invoke("check", str(DATA / "business.csv"), str(DATA / "registry.csv"), "--out", str(tmp_path / "out"),
                  "--engine", "spark", "--formats", "csv")


def test_without_the_spark_extra_the_error_names_it(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "pyspark", None)  # as when it is not installed
    res = _check(tmp_path)
    assert res.exit_code == 2, res.output
    assert "pip install 'himozuke[spark]'" in res.output and "pyspark" in res.output
    assert "Traceback" not in res.output and not (tmp_path / "out").exists()


def test_without_java_the_error_says_so(monkeypatch, tmp_path):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.delenv("PYSPARK_GATEWAY_PORT", raising=False)
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    res = _check(tmp_path)
    assert res.exit_code == 2, res.output
    assert "Java" in res.output and "Traceback" not in res.output and not (tmp_path / "out").exists()
