"""#18 done-when: ``make demo`` leaves the UI one command away with the demo run loaded — the command the demo
prints serves its store and its run, and the 結果 page shows the run's counts."""

from __future__ import annotations

import json
import re
import shlex

import pytest

from tests.cli.test_check import invoke
from tests.web.conftest import Server, login

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def test_the_printed_serve_command_shows_the_demo_run(tmp_path, page):
    from himozuke.testing.demo_cases import DEMO_PASSWORD

    out = tmp_path / "demo-output"
    res = invoke("demo", "--out", str(out), "--people", "600", "--seed", "7")
    assert res.exit_code == 0, res.output
    # the exact command: HIMOZUKE_PASSPHRASE=… himozuke serve --store … --runs …
    line = next(x for x in res.output.splitlines() if " himozuke serve " in x)
    env, *argv = shlex.split(line)
    passphrase = env.removeprefix("HIMOZUKE_PASSPHRASE=")
    assert argv[:2] == ["himozuke", "serve"]
    opts = dict(zip(argv[2::2], argv[3::2], strict=True))
    assert opts == {"--store": str(out / "cases.db"), "--runs": str(out / "web-runs")}
    (run_dir,) = (out / "web-runs").iterdir()
    summary = json.loads((run_dir / "出力" / "run.json").read_text(encoding="utf-8"))

    server = Server(opts["--store"], opts["--runs"], passphrase=passphrase).__enter__()
    try:
        login(page, server.url, "tanaka", DEMO_PASSWORD)
        page.get_by_role("link", name=run_dir.name).click()  # the home page lists the demo run
        expect(page.get_by_role("heading", name="点検結果")).to_be_visible()
        for v, n in summary["counts"].items():
            expect(page.get_by_test_id(f"count-{v}")).to_have_text(f"{n:,}")
        assert sum(summary["counts"].values()) == summary["rows_in"]
        with page.expect_download() as d:
            page.get_by_role("link", name="report.xlsx").click()
        assert d.value.path().read_bytes()[:2] == b"PK"
        page.get_by_label("判定", exact=True).select_option("C")
        page.get_by_role("button", name="絞り込む").click()
        expect(page.locator("#total")).to_contain_text(re.compile(rf"^{summary['counts']['C']:,} 行"))
        # its cases are the store's: the 個別確認 list holds the demo's B / C / E
        page.get_by_role("navigation", name="メニュー").get_by_role("link", name="個別確認").click()
        expect(page.get_by_role("link", name=re.compile(r"^案件 \d+$")).first).to_be_visible()
    finally:
        server.__exit__()
