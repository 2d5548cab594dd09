"""#18 done-when: ``make demo`` leaves the UI one command away with the demo run loaded — the command the demo
prints serves its store and its run, and the 結果 page shows the run's counts. The demo's run (over 50 rows: more
than one page) also shows 結果's filters and paging replacing the table in place (htmx), and working without
JavaScript."""

from __future__ import annotations

import json
import re
import shlex

import pytest

from tests.cli.test_check import invoke
from tests.web.conftest import Server, login

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo's output, and the serve command it printed: (passphrase, --store, --runs)."""
    out = tmp_path_factory.mktemp("demo") / "demo-output"
    res = invoke("demo", "--out", str(out), "--people", "600", "--seed", "7")
    assert res.exit_code == 0, res.output
    # the exact command: HIMOZUKE_PASSPHRASE=… himozuke serve --store … --runs …
    line = next(x for x in res.output.splitlines() if " himozuke serve " in x)
    env, *argv = shlex.split(line)
    assert argv[:2] == ["himozuke", "serve"]
    opts = dict(zip(argv[2::2], argv[3::2], strict=True))
    assert opts == {"--store": str(out / "cases.db"), "--runs": str(out / "web-runs")}
    return out, env.removeprefix("HIMOZUKE_PASSPHRASE="), opts


@pytest.fixture
def demo_server(demo):
    _out, passphrase, opts = demo
    server = Server(opts["--store"], opts["--runs"], passphrase=passphrase).__enter__()
    yield server
    server.__exit__()


def _open_run(page, server, demo):
    from himozuke.testing.demo_cases import DEMO_PASSWORD

    out = demo[0]
    (run_dir,) = (out / "web-runs").iterdir()
    login(page, server.url, "tanaka", DEMO_PASSWORD)
    page.get_by_role("link", name=run_dir.name).click()  # the home page lists the demo run
    expect(page.get_by_role("heading", name="点検結果")).to_be_visible()
    return json.loads((run_dir / "出力" / "run.json").read_text(encoding="utf-8"))


def test_the_printed_serve_command_shows_the_demo_run(demo, demo_server, page):
    summary = _open_run(page, demo_server, demo)
    for v, n in summary["counts"].items():
        expect(page.get_by_test_id(f"count-{v}")).to_have_text(f"{n:,}")
    assert sum(summary["counts"].values()) == summary["rows_in"]
    with page.expect_download() as d:
        page.get_by_role("link", name="report.xlsx").click()
    assert d.value.path().read_bytes()[:2] == b"PK"
    # its cases are the store's: the 個別確認 list holds the demo's B / C / E
    page.get_by_role("navigation", name="メニュー").get_by_role("link", name="個別確認").click()
    expect(page.get_by_role("link", name=re.compile(r"^案件 \d+$")).first).to_be_visible()


def _verdicts(page) -> set[str]:
    return set(page.locator("#rows tbody tr td:nth-child(3)").all_inner_texts())


def test_filters_and_paging_replace_the_table_in_place(demo, demo_server, page):
    refused = []  # the CSP (script-src 'self', no inline style or script) lets htmx do all of it
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    summary = _open_run(page, demo_server, demo)
    n = summary["rows_in"]
    pages = -(-n // 50)
    page.evaluate("window.notReloaded = true")  # gone if the page loads again
    expect(page.locator("#total")).to_have_text(f"{n:,} 行（1 / {pages} ページ）")
    page.get_by_role("link", name="次のページ").click()
    expect(page.locator("#total")).to_have_text(f"{n:,} 行（2 / {pages} ページ）")
    assert "page=2" in page.url
    page.get_by_label("判定", exact=True).select_option("A")  # a change is enough: no button to press
    b = summary["counts"]["A"]
    assert b > 50
    expect(page.locator("#total")).to_contain_text(f"{b:,} 行（1 / ")
    assert _verdicts(page) == {"A"} and "verdict=A" in page.url
    page.get_by_role("link", name="次のページ").click()  # the page link keeps the filter
    expect(page.locator("#total")).to_contain_text(f"{b:,} 行（2 / ")
    assert _verdicts(page) == {"A"}
    assert page.evaluate("window.notReloaded") is True  # all of it without loading the page again
    assert page.get_by_test_id("count-A").is_visible()  # the counts stayed
    page.go_back()  # the address followed each step; going back reloads that step's page whole
    expect(page.locator("#total")).to_contain_text(f"{b:,} 行（1 / ")
    expect(page.get_by_test_id("count-A")).to_be_visible()
    assert not page.evaluate("sessionStorage.getItem('htmx-history-cache')")  # no copy of a page kept
    assert refused == []


def test_filters_and_paging_work_without_javascript(demo, demo_server, browser):
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, java_script_enabled=False)
    ctx.set_default_timeout(15_000)
    try:
        page = ctx.new_page()
        summary = _open_run(page, demo_server, demo)
        c = summary["counts"]["A"]
        page.get_by_label("判定", exact=True).select_option("A")
        page.get_by_role("button", name="絞り込む").click()
        expect(page.locator("#total")).to_contain_text(f"{c:,} 行（1 / ")
        assert _verdicts(page) == {"A"}
        page.get_by_role("link", name="次のページ").click()
        expect(page.locator("#total")).to_contain_text(f"{c:,} 行（2 / ")
        assert _verdicts(page) == {"A"} and "page=2" in page.url
    finally:
        ctx.close()
