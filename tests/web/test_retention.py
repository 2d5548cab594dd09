"""#18: what a check started from the browser leaves on disk — its outputs, never the uploaded files — and the
管理者's 削除 of a run folder together with its cases (himozuke.cases.retention.purge)."""

from __future__ import annotations

import io
import re
import threading
import zipfile
from pathlib import Path

import polars as pl
import pytest

from himozuke.cases.retention import runs as store_runs
from himozuke.cases.views import list_cases
from himozuke.errors import HimozukeError
from himozuke.web.runs import INPUT, Runs
from tests.web.conftest import DATA, login

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
NUMBER = re.compile(rb"(?<![0-9])[0-9]{12}(?![0-9])")


def _numbers() -> set[bytes]:
    found = set()
    for name in ("business.csv", "registry.csv"):
        found |= set(NUMBER.findall((DATA / name).read_bytes()))
    assert len(found) > 10
    return found


def _contents(path: Path) -> bytes:
    """A file's bytes as a reader would see them: an xlsx unzipped, a Parquet decoded (both compress)."""
    data = path.read_bytes()
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return b"".join(z.read(n) for n in z.namelist())
    if path.suffix == ".parquet":
        return pl.read_parquet(path).write_csv().encode()
    return data


def _check(page, base: str, *, body: bool) -> str:
    page.goto(base + "/check")
    page.get_by_label("業務側の点検用元ファイル").set_input_files(DATA / "business.csv")
    page.get_by_label("住基側ファイル").set_input_files(DATA / "registry.csv")
    if body:
        page.get_by_label("団体コード").fill("062014")
        page.get_by_label("事務").fill("障害者手帳情報")
    page.get_by_role("button", name="ファイルを読み込んで確認").click()
    page.get_by_role("button", name="点検を開始").click()
    expect(page.get_by_role("heading", name="点検結果")).to_be_visible()
    return page.url.rsplit("/", 1)[1]


def test_a_finished_check_keeps_no_uploaded_file_and_no_full_number(server, page, tmp_path):
    login(page, server.url, "tanaka")
    run_id = _check(page, server.url, body=True)
    folder = tmp_path / "runs" / run_id
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"result.csv", "report.xlsx", "result.parquet", "run.json"}
    assert not (folder / INPUT).exists()
    uploads = {(DATA / n).read_bytes() for n in ("business.csv", "registry.csv")}
    numbers = _numbers()
    for p in files:
        data = _contents(p)
        assert p.read_bytes() not in uploads, p
        assert not [n for n in numbers if n in data], p  # no full 12-digit number of the inputs, in any file
    # the run is still readable after a restart of the page: counts from the Parquet
    page.reload()
    assert int(page.get_by_test_id("count-A").inner_text().replace(",", "")) > 0


def test_a_preview_that_fails_keeps_nothing(server, page, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("番号,名前\n123456789012,2\n", encoding="utf-8")
    login(page, server.url, "tanaka")
    page.goto(server.url + "/check")
    page.get_by_label("業務側の点検用元ファイル").set_input_files(bad)
    page.get_by_label("住基側ファイル").set_input_files(DATA / "registry.csv")
    page.get_by_role("button", name="ファイルを読み込んで確認").click()
    expect(page.get_by_role("alert")).to_contain_text("必要な列がありません")
    assert [p for p in (tmp_path / "runs").rglob("*") if p.is_file()] == []


def test_admin_deletes_a_run_with_its_cases(server, page, store, people, tmp_path):
    login(page, server.url, "admin")
    run_id = _check(page, server.url, body=True)
    assert list_cases(store, people["admin"])
    expect(page.get_by_text("himozuke cases purge")).to_be_visible()  # the command that does the same
    page.get_by_role("button", name="削除", exact=True).click()  # not without the confirmation
    assert (tmp_path / "runs" / run_id).exists()
    page.get_by_label(re.compile("削除してよい")).check()
    page.get_by_role("button", name="削除", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text(f"実行 {run_id} を削除しました")
    assert not (tmp_path / "runs" / run_id).exists()
    assert list_cases(store, people["admin"]) == []
    (info,) = store_runs(store)
    assert info.purged_at is not None
    actions = [r[0] for r in store.query("SELECT action FROM audit WHERE actor = 'admin'")]
    assert "削除" in actions


def test_admin_deletes_an_upload_never_started(server, page, store, tmp_path):
    login(page, server.url, "admin")
    page.goto(server.url + "/check")
    page.get_by_label("業務側の点検用元ファイル").set_input_files(DATA / "business.csv")
    page.get_by_label("住基側ファイル").set_input_files(DATA / "registry.csv")
    page.get_by_role("button", name="ファイルを読み込んで確認").click()
    expect(page.get_by_role("button", name="点検を開始")).to_be_visible()  # … and never pressed
    (run_id,) = [p.name for p in (tmp_path / "runs").iterdir()]
    assert (tmp_path / "runs" / run_id / INPUT).exists()
    page.goto(server.url + "/")
    page.get_by_role("link", name=run_id).click()  # listed as （未完了）
    page.get_by_label(re.compile("削除してよい")).check()
    page.get_by_role("button", name="削除", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text(f"実行 {run_id} を削除しました")
    assert not (tmp_path / "runs" / run_id).exists()


def test_only_an_admin_deletes(server, page, context, tmp_path):
    login(page, server.url, "tanaka")
    run_id = _check(page, server.url, body=False)
    expect(page.get_by_role("button", name="削除", exact=True)).to_have_count(0)
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    r = page.request.post(f"{server.url}/runs/{run_id}/delete", form={"csrf": csrf, "confirm": "yes"})
    assert r.status == 403
    assert (tmp_path / "runs" / run_id).exists()


def test_a_failed_check_deletes_its_inputs(tmp_path):
    runs = Runs(tmp_path)
    run_id = runs.new()
    runs.save_inputs(run_id, {"business": ("b.csv", b"123456789012"), "registry": ("r.csv", b"x")}, {})
    finished = threading.Event()

    def check(out, progress, tick):
        try:
            raise HimozukeError("読めません", "unreadable", file="b.csv", line=2)
        finally:
            finished.set()

    runs.start(run_id, check)
    finished.wait(5)
    for _ in range(100):
        if runs.state(run_id).status == "エラー":
            break
        threading.Event().wait(0.05)
    assert runs.state(run_id).error["line"] == 2
    assert not (tmp_path / run_id / INPUT).exists()
    with pytest.raises(KeyError):
        runs.inputs(run_id)
