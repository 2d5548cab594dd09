"""``himozuke demo``: the whole round trip on synthetic data, every step's file written, answer key met."""

from __future__ import annotations

import polars as pl

from himozuke.testing.demo import FILES
from tests.cli.test_check import FULL_NUMBER, invoke


def test_demo_runs_the_round_trip_and_meets_the_answer_key(tmp_path):
    res = invoke("demo", "--out", str(tmp_path), "--people", "2000", "--seed", "5")
    assert res.exit_code == 0, res.output
    for name in FILES.values():
        assert (tmp_path / name).exists(), name
    assert "answer key: 2,000 / 2,000 行が期待どおり" in res.output
    assert "入力 2,000 行 = A + B + C + E = 2,000 行" in res.output
    assert "jlis-result-fixed" in res.output
    assert "(AUC) = 1.000" in res.output  # issue #16 §3: the planted wrong links come first
    assert "団体の都道府県 / home prefecture: 東京都（住基側ファイルの住所から推定" in res.output
    result = pl.read_csv(tmp_path / "result.csv", infer_schema=False)
    assert result.height == 2000
    assert not FULL_NUMBER.search(res.output)
