"""#18: the local web UI in a real browser (Playwright + Debian chromium, 1366×768)."""

from __future__ import annotations

import re
import time

import pytest

from himozuke.cases import audit
from himozuke.cases.views import list_cases
from tests.web.conftest import DATA, PASSWORD, login

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


@pytest.fixture
def loaded(store, people, tmp_path):
    """The test data checked (in memory, full numbers) and its B / C / E imported as cases."""
    from himozuke import identity
    from himozuke.cases.store import import_result
    from himozuke.pipeline import run_check, store_identity

    summary, result = run_check(DATA / "business.csv", DATA / "registry.csv", tmp_path / "seed", formats=(),
                                body=identity.body("062014", None, "障害者手帳情報"))
    import_result(store, result, store_identity(summary), actor=people["tanaka"])
    return list_cases(store, people["admin"])


def _first_open_case(cases):
    return next(c for c in cases if not c.dv and c.number)


def test_first_start_asks_for_the_first_admin(make_server, page, store):
    server = make_server()
    page.goto(server.url + "/")
    expect(page.get_by_role("heading", name="最初の管理者の登録")).to_be_visible()
    page.get_by_label("利用者名").fill("yamada")
    page.get_by_label("パスワード（8文字以上）").fill(PASSWORD)
    page.get_by_label("パスワード（確認）").fill(PASSWORD)
    page.get_by_role("button", name="管理者を登録").click()
    expect(page.get_by_role("heading", name="ログイン")).to_be_visible()
    login(page, server.url, "yamada")
    expect(page.get_by_role("heading", name="ホーム")).to_be_visible()
    expect(page.get_by_text("yamada（管理者）")).to_be_visible()


def test_login_sets_security_headers_and_no_store(server, page):
    response = page.goto(server.url + "/login")
    h = response.headers
    assert "script-src 'self'" in h["content-security-policy"]
    assert "unsafe-inline" not in h["content-security-policy"]
    assert "frame-ancestors 'none'" in h["content-security-policy"]
    assert h["cache-control"] == "no-store"
    assert h["x-frame-options"] == "DENY"
    login(page, server.url, "tanaka")
    expect(page.get_by_text("tanaka（担当者）")).to_be_visible()
    cookie = next(c for c in page.context.cookies() if c["name"] == "himozuke_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"


def test_check_from_file_choice_to_download(server, page, store, people):
    login(page, server.url, "tanaka")
    page.get_by_role("navigation", name="メニュー").get_by_role("link", name="新規点検").click()
    page.get_by_label("業務側の点検用元ファイル").set_input_files(DATA / "business.csv")
    page.get_by_label("住基側ファイル").set_input_files(DATA / "registry.csv")
    page.get_by_label("団体コード").fill("062014")
    page.get_by_label("事務").fill("障害者手帳情報")
    page.get_by_role("button", name="ファイルを読み込んで確認").click()
    # the profile is detected and shown, the first rows as they will be read, numbers masked
    expect(page.get_by_test_id("profile-business")).to_have_text("standard")
    expect(page.get_by_text("自動判定").first).to_be_visible()
    expect(page.get_by_text("cp932")).to_be_visible()
    expect(page.locator("table").first).to_contain_text("1516 **** 6556")
    expect(page.locator("table").first).not_to_contain_text("151650496556")
    page.get_by_role("button", name="点検を開始").click()
    expect(page.get_by_role("heading", name="点検結果")).to_be_visible()
    counts = {v: int(page.get_by_test_id(f"count-{v}").inner_text().replace(",", "")) for v in "ABCE"}
    assert sum(counts.values()) == 17  # rows in == A + B + C + E
    assert counts["C"] > 0
    expect(page.get_by_text("B・C・E を台帳に取り込みました")).to_be_visible()
    # filter by class: only C rows
    page.get_by_label("判定", exact=True).select_option("C")
    page.get_by_role("button", name="絞り込む").click()
    expect(page.locator("#total")).to_contain_text(f"{counts['C']} 行")
    verdicts = page.locator("#rows tbody tr td:nth-child(3)").all_inner_texts()
    assert verdicts and set(verdicts) == {"C"}
    with page.expect_download() as d:
        page.get_by_role("link", name="result.csv").click()
    text = d.value.path().read_text(encoding="utf-8-sig")
    assert text.startswith("行番号,個人番号,判定") and "151650496556" not in text
    with page.expect_download() as d:
        page.get_by_role("link", name="report.xlsx").click()
    assert d.value.path().read_bytes()[:2] == b"PK"
    assert len(list_cases(store, people["admin"])) == counts["B"] + counts["C"] + counts["E"]


def test_check_error_names_file_line_and_column(server, page, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("番号,名前\n1,2\n", encoding="utf-8")
    login(page, server.url, "tanaka")
    page.goto(server.url + "/check")
    page.get_by_label("業務側の点検用元ファイル").set_input_files(bad)
    page.get_by_label("住基側ファイル").set_input_files(DATA / "registry.csv")
    page.get_by_role("button", name="ファイルを読み込んで確認").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("必要な列がありません")
    expect(alert).to_contain_text("ファイルbad.csv")  # the officer's file name, and the line
    expect(alert).to_contain_text("行1")
    expect(page.get_by_role("button", name="点検を開始")).to_have_count(0)


def test_a_case_filter_that_names_nothing_says_so(server, page, loaded):
    """An edited address (?state=…) naming no state: the page says which states there are — not "0 件"."""
    login(page, server.url, "tanaka")
    response = page.goto(server.url + "/cases?state=" + "不明")
    assert response.status == 400
    expect(page.get_by_role("alert")).to_contain_text("状態「不明」はありません")
    expect(page.get_by_label("状態")).to_be_visible()  # the filters stay, to choose again


def _work_to_proposal(page, base: str, case_id: int) -> None:
    page.goto(f"{base}/cases/{case_id}")
    g = page.get_by_role("group", name="自動応答不可設定", exact=True)
    g.get_by_label("範囲（必須）").select_option("①")
    g.get_by_role("button", name="自動応答不可設定", exact=True).click()
    expect(page.locator("#state")).to_have_text("自動応答不可設定済")
    g = page.get_by_role("group", name="確認結果", exact=True)
    g.get_by_label("確認結果（必須）").select_option("本人のもの")
    g.get_by_role("button", name="確認結果").click()
    expect(page.locator("#state")).to_have_text("確認結果記録済")
    g = page.get_by_role("group", name="対応提案", exact=True)
    g.get_by_label("分岐（必須）").select_option("⑤")
    g.get_by_role("button", name="対応提案").click()
    expect(page.locator("#state")).to_have_text("承認待ち")


def test_case_worked_by_one_user_and_approved_by_another(server, page, context, loaded):
    case = _first_open_case(loaded)
    login(page, server.url, "tanaka")
    page.get_by_role("navigation", name="メニュー").get_by_role("link", name="個別確認").click()
    page.get_by_role("link", name=f"案件 {case.id}", exact=True).click()
    expect(page.get_by_role("heading", name=f"案件 {case.id}")).to_be_visible()
    _work_to_proposal(page, server.url, case.id)
    page.get_by_role("button", name="ログアウト").click()
    login(page, server.url, "suzuki")
    page.goto(f"{server.url}/cases/{case.id}")
    page.get_by_role("button", name="承認", exact=True).click()
    expect(page.locator("#state")).to_have_text("修正済")
    expect(page.get_by_role("status").first).to_contain_text("承認")


def test_approval_by_the_author_is_refused(server, page, store, loaded):
    case = _first_open_case(loaded)
    login(page, server.url, "admin")
    _work_to_proposal(page, server.url, case.id)
    page.get_by_role("button", name="承認", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("自分が提案（または承認）した対応は承認できません")
    expect(page.locator("#state")).to_have_text("承認待ち")


def test_masked_number_and_the_audited_reveal(server, page, store, people, loaded):
    case = _first_open_case(loaded)
    full = next(r[0] for r in store.query("SELECT my_number FROM cases WHERE id = ?", (case.id,)))
    login(page, server.url, "tanaka")
    page.goto(f"{server.url}/cases/{case.id}")
    expect(page.locator("#number")).to_have_text(re.compile(r"^\d{4} \*{4} \d{4}$"))
    assert full not in page.content()
    before = audit.head(store)[0]
    page.get_by_role("button", name=re.compile("個人番号の全桁を表示")).click()
    expect(page.locator("#number")).to_have_text(full)
    rows = store.query("SELECT actor, action, case_id, details FROM audit WHERE seq > ?", (before,))
    assert ("tanaka", "番号表示", case.id) in [r[:3] for r in rows]
    assert all(full not in r[3] for r in rows)  # the audit trail never holds the number
    assert not audit.verify(store)


def test_dv_case_hides_the_address(server, page, store, people, tmp_path):
    from himozuke.cases.store import import_result
    from tests.cases.conftest import identity, result_frame

    import_result(store, result_frame("C", dv_rows=(0,)), identity(), actor=people["tanaka"])
    case = list_cases(store, people["admin"])[0]
    login(page, server.url, "tanaka")
    page.goto(f"{server.url}/cases/{case.id}")
    expect(page.locator("#compare")).to_contain_text("（DV等支援対象のため非表示）")
    assert "蔵王温泉" not in page.content() and "ひもづけ荘" not in page.content()


def test_csrf_rejection(server, page):
    login(page, server.url, "tanaka")
    r = page.request.post(server.url + "/cases/1/reveal", form={"csrf": "forged"})
    assert r.status == 403
    r = page.request.post(server.url + "/logout", form={})
    assert r.status == 403
    page.goto(server.url + "/")
    expect(page.get_by_text("tanaka（担当者）")).to_be_visible()  # still logged in: the forged logout did nothing


def test_lock_out_after_repeated_failed_logins(server, page, store):
    for _ in range(5):
        login(page, server.url, "tanaka", "wrong-password")
        expect(page.get_by_role("alert")).to_contain_text("利用者名かパスワードが違います")
    login(page, server.url, "tanaka")  # the right password no longer helps
    expect(page.get_by_role("alert")).to_contain_text("ロックされています")
    expect(page.get_by_role("heading", name="ログイン")).to_be_visible()
    actions = [r[0] for r in store.query("SELECT action FROM audit WHERE actor = 'tanaka'")]
    assert actions.count("ログイン失敗") == 5 and "ログイン拒否（ロック中）" in actions
    login(page, server.url, "suzuki")  # another user is not locked
    expect(page.get_by_text("suzuki（確認者）")).to_be_visible()


def test_session_expires(make_server, people, page):
    from himozuke.web.security import Sessions

    now = [0.0]
    server = make_server(sessions=Sessions(idle=60, clock=lambda: now[0]))
    login(page, server.url, "tanaka")
    expect(page.get_by_text("tanaka（担当者）")).to_be_visible()
    now[0] += 59
    page.goto(server.url + "/cases")
    expect(page.get_by_role("heading", name="個別確認")).to_be_visible()  # in use: still logged in
    now[0] += 61
    page.goto(server.url + "/cases")
    expect(page.get_by_role("heading", name="ログイン")).to_be_visible()


def test_progress_report_and_download(server, page, loaded, tmp_path, monkeypatch):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(temporary))
    login(page, server.url, "tanaka")
    page.get_by_role("navigation", name="メニュー").get_by_role("link", name="進捗報告").click()
    from datetime import date

    month = date.today().strftime("%Y-%m")
    page.get_by_label("報告月").fill(month)
    page.get_by_role("button", name="表示").click()
    expect(page.locator("#progress")).to_contain_text("062014")
    with page.expect_download() as d:
        page.get_by_role("button", name=re.compile("進捗報告ブック")).click()
    assert d.value.suggested_filename.endswith(".xlsx")
    d.value.path()  # the whole file received
    deadline = time.monotonic() + 5
    while list(temporary.iterdir()) and time.monotonic() < deadline:  # removed once the response is sent
        time.sleep(0.05)
    assert list(temporary.iterdir()) == []


def test_keyboard_and_labels_at_1366x768(server, page, loaded):
    page.goto(server.url + "/login")
    expect(page.get_by_label("利用者名")).to_be_focused()  # the login form takes the keyboard at once
    page.keyboard.type("tanaka")
    page.keyboard.press("Tab")
    expect(page.get_by_label("パスワード")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="ホーム")).to_be_visible()
    page.keyboard.press("Tab")  # the skip link comes first, then the menu
    expect(page.get_by_role("link", name="本文へ移動")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("navigation", name="メニュー").get_by_role("link", name="ホーム")).to_be_focused()
    # every form control of the case page has an accessible name; nothing scrolls sideways at 1366 px
    page.goto(f"{server.url}/cases/{_first_open_case(loaded).id}")
    unnamed = page.evaluate("""() => [...document.querySelectorAll('input:not([type=hidden]), select, button')]
        .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
        .map(e => e.outerHTML)""")
    assert unnamed == []
    snapshot = page.locator("main").aria_snapshot()
    assert "combobox \"範囲（必須）\"" in snapshot
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
