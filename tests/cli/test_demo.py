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
    # issue #20: the records linked by the 住基 automatic linkage are left out (§5(2)ロa), the rest checked
    import json

    scope = json.loads((tmp_path / "03_点検範囲" / "scope.json").read_text(encoding="utf-8"))
    n = scope["in_scope"]
    assert 0 < scope["excluded"] < 2000 and n + scope["excluded"] == 2000
    assert f"answer key: {n:,} / {n:,} 行が期待どおり" in res.output
    assert f"入力 {n:,} 行 = A + B + C + E = {n:,} 行" in res.output
    assert f"点検対象 {n:,} 件、対象外 {scope['excluded']:,} 件" in res.output
    assert "jlis-result-fixed" in res.output
    assert "(AUC) = 1.000" in res.output  # issue #16 §3: the planted wrong links come first
    assert "団体の都道府県 / home prefecture: 東京都（住基側ファイルの住所から推定" in res.output
    result = pl.read_csv(tmp_path / "result.csv", infer_schema=False)
    assert result.height == n
    assert not FULL_NUMBER.search(res.output)
    # issue #17: the B/C/E rows in the case store, worked through every state by two users, and the report
    from himozuke.cases.audit import verify
    from himozuke.cases.store import open_store
    from himozuke.report.progress import read_progress
    from himozuke.testing.demo_cases import DEMO_PASSPHRASE

    with open_store(tmp_path / "cases.db", DEMO_PASSPHRASE) as db:
        states = dict(db.query("SELECT state, count(*) FROM cases GROUP BY state"))
        assert states["完了"] == 4 and states["確認結果記録済"] == 1  # the one sent back by the 確認者
        assert verify(db) == []
    (report,) = (tmp_path / "progress").glob("*.xlsx")
    import openpyxl

    from himozuke.cases.audit import head

    with open_store(tmp_path / "cases.db", DEMO_PASSPHRASE) as db:
        seq, digest = head(db)
    cells = [v for row in openpyxl.load_workbook(report, read_only=True)["進捗"].iter_rows(values_only=True)
             for v in row if v]
    assert any(str(c).endswith(f"{seq} 件目 {digest}") for c in cells)  # a cut tail of the trail shows later
    (row,) = [r for r in read_progress(report) if r.resolved]
    assert (row.jimu, row.targets, row.resolved, row.wrong_links) == ("障害者手帳情報", n, 2, 3)  # 別人のもの ×2 (one sent back) + 確認不能
    # the monthly report shows what §5 left out, and why, beside what was checked
    assert row.excluded == row.excluded_auto == scope["excluded"] and row.excluded_footnote5 == 0
