"""``himozuke demo``: the whole round trip on synthetic data, every step's file written, answer key met."""

from __future__ import annotations

import polars as pl

from himozuke.testing.demo import FILES
from tests.cli.test_check import FULL_NUMBER, invoke


def test_demo_runs_the_round_trip_and_meets_the_answer_key(tmp_path):
    res = invoke("demo", "--out", str(tmp_path), "--people", "400", "--seed", "5")
    assert res.exit_code == 0, res.output
    for name in FILES.values():
        assert (tmp_path / name).exists(), name
    assert "answer key: 400 / 400 行が期待どおり" in res.output
    assert "入力 400 行 = A + B + C + E = 400 行" in res.output
    assert "jlis-result-fixed" in res.output
    result = pl.read_csv(tmp_path / "result.csv", infer_schema=False)
    assert result.height == 400
    assert not FULL_NUMBER.search(res.output)
