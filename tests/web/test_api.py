"""#19 part 2: ``POST /api/v1/verify`` through the running server (uvicorn on a free port, real HTTP)."""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

from himozuke.cases import audit
from himozuke.cases.tokens import CALL_ACTION, add_token
from himozuke.formats import columns as C
from himozuke.match.engine import RESULT_COLUMNS
from himozuke.web.api_guard import ApiSettings
from tests.web.conftest import PASSPHRASE, PASSWORD, _free_port

NUMBER = "205878835680"  # from tests/cli/data (synthetic)
BUSINESS = {C.MY_NUMBER: NUMBER, C.KANJI_NAME: "山﨑　花子", C.KANA_NAME: "ヤマサキ　ハナコ", C.BIRTH_DATE: "S55.4.1",
            C.SEX: "女", C.ADDRESS: "千代田区霞が関１－１－１"}
REGISTRY = {C.MY_NUMBER: NUMBER, C.KANJI_NAME: "山崎　花子", C.KANA_NAME: "ヤマザキ　ハナコ", C.BIRTH_DATE: "1980-04-01",
            C.SEX: "2", C.ADDRESS: "東京都千代田区霞が関１丁目１番１号"}


def call(url: str, path: str, body: dict | None = None, *, token: str | None = None,
         headers: dict | None = None, method: str | None = None) -> tuple[int, dict, dict]:
    """(status, headers lower-cased, JSON) of one request on a fresh connection."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    h = {"Content-Type": "application/json", **(headers or {})}
    if token:
        h["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
    conn.request(method or ("GET" if body is None else "POST"), path, body=data, headers=h)
    r = conn.getresponse()
    raw = r.read()
    conn.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, json.loads(raw) if raw else {}


@pytest.fixture
def token(store, people):
    return add_token(store, people["admin"], "窓口システム")


def test_verify_answers_the_check_of_one_record(make_server, token):
    server = make_server()
    status, headers, got = call(server.url, "/api/v1/verify", {"business": BUSINESS, "registry": REGISTRY}, token=token)
    assert status == 200, got
    # a result.csv row without 行番号, the number as the caller gave it
    assert set(RESULT_COLUMNS) - {C.ROW} <= set(got) and C.ROW not in got
    assert got[C.MY_NUMBER] == NUMBER
    # 「総点検マニュアル」第2.1版 §7(6) A: 異体字・清音・和暦・性別コード・住所の表記ゆれは一致
    assert got[C.VERDICT] == "A"
    assert {got[C.item_verdict(i)] for i in C.ITEMS} == {"表記ゆれ一致"}
    assert headers["cache-control"] == "no-store" and "set-cookie" not in headers
    # §7(6) C: 生年月日 differs → 優先確認
    status, _, got = call(server.url, "/api/v1/verify",
                          {"business": {**BUSINESS, C.BIRTH_DATE: "S55.4.2"}, "registry": REGISTRY}, token=token)
    assert (status, got[C.VERDICT], got[C.item_verdict(C.BIRTH_DATE)]) == (200, "C", "不一致")
    # no registry record → E, never dropped
    status, _, got = call(server.url, "/api/v1/verify", {"business": BUSINESS, "registry": None}, token=token)
    assert (status, got[C.VERDICT]) == (200, "E")
    # another record the business system holds under the same number → the cross-record rule fires
    other = {**BUSINESS, C.KANJI_NAME: "紐付　別人", C.KANA_NAME: "ヒモツケ　ベツジン", C.BIRTH_DATE: "1990-01-01"}
    status, _, got = call(server.url, "/api/v1/verify", {"business": BUSINESS, "registry": REGISTRY, "others": [other]},
                          token=token)
    assert status == 200 and "cross.number_shared" in got[C.REASONS]


def test_missing_wrong_or_revoked_token_is_401_json(make_server, token, store, people, monkeypatch, capsys):
    server = make_server(api=ApiSettings(refresh_seconds=0.05))
    body = {"business": BUSINESS, "registry": REGISTRY}
    for bad in (None, "hmz_wrong", token + "x"):
        status, headers, got = call(server.url, "/api/v1/verify", body, token=bad)
        assert status == 401 and headers["www-authenticate"].startswith("Bearer")
        assert got["error"]["code"] == "unauthorized" and "トークン" in got["error"]["ja"]
    # a malformed body does not tell an unauthenticated caller what is wrong with it
    assert call(server.url, "/api/v1/verify", {"business": 1})[0] == 401
    assert call(server.url, "/api/v1/verify", body, token=token)[0] == 200
    # revoked through the CLI (another connection) while the server runs: refused from its next refresh
    from himozuke.cli import main

    monkeypatch.setenv("HIMOZUKE_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("HIMOZUKE_PASSWORD", PASSWORD)
    try:
        main(["cases", "--store", str(store.path), "--user", "admin", "token", "revoke", "窓口システム"])
    except SystemExit as e:
        assert e.code == 0, capsys.readouterr()
    assert "失効しました" in capsys.readouterr().out
    deadline = time.monotonic() + 10
    while call(server.url, "/api/v1/verify", body, token=token)[0] != 401:
        assert time.monotonic() < deadline, "the revoked token is still accepted"
        time.sleep(0.05)


def _login_cookie(url: str) -> str:
    """Log in through the UI's form (CSRF token included): the session cookie of a logged-in 管理者."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request("GET", "/login")
    r = conn.getresponse()
    page = r.read().decode()
    cookie = r.getheader("set-cookie").split(";")[0]
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    conn.request("POST", "/login", body=urlencode({"csrf": csrf, "name": "admin", "password": PASSWORD}),
                 headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    r = conn.getresponse()
    r.read()
    assert r.status == 303 and r.getheader("location") == "/"
    conn.close()
    return r.getheader("set-cookie").split(";")[0]


def test_the_ui_cookie_is_no_authentication_and_csrf_does_not_apply(make_server, token):
    server = make_server()
    cookie = _login_cookie(server.url)
    body = {"business": BUSINESS, "registry": REGISTRY}
    status, headers, got = call(server.url, "/api/v1/verify", body, headers={"Cookie": cookie})
    assert status == 401 and got["error"]["code"] == "unauthorized"
    # with its token a machine client needs no CSRF field, and its cookie (if any) is neither read nor set
    status, headers, _ = call(server.url, "/api/v1/verify", body, token=token,
                              headers={"Cookie": cookie, "Origin": "http://elsewhere.example"})
    assert status == 200 and "set-cookie" not in headers
    assert "script-src 'self'" in headers["content-security-policy"] and headers["x-frame-options"] == "DENY"


def test_rate_limit_per_token_is_429_with_retry_after(make_server, token, store, people):
    second = add_token(store, people["admin"], "税務システム")
    server = make_server(api=ApiSettings(rate=0.01, burst=2))  # one call refills in 100 s
    body = {"business": BUSINESS, "registry": REGISTRY}
    assert [call(server.url, "/api/v1/verify", body, token=token)[0] for _ in range(2)] == [200, 200]
    status, headers, got = call(server.url, "/api/v1/verify", body, token=token)
    assert status == 429 and got["error"]["code"] == "rate_limited"
    assert 90 <= int(headers["retry-after"]) <= 100
    assert call(server.url, "/api/v1/ping", token=token)[0] == 429
    # another system's token has its own bucket
    assert call(server.url, "/api/v1/verify", body, token=second)[0] == 200


def test_each_call_is_audited_with_the_masked_number(make_server, token, store):
    server = make_server()
    masked = f"{NUMBER[:4]} **** {NUMBER[8:]}"
    bodies = [{"business": BUSINESS, "registry": REGISTRY},
              {"business": {**BUSINESS, C.SEX: "男"}, "registry": REGISTRY}] * 4
    with ThreadPoolExecutor(8) as pool:  # concurrent calls: grouped into fewer transactions, none lost
        statuses = list(pool.map(lambda b: call(server.url, "/api/v1/verify", b, token=token)[0], bodies))
    assert statuses == [200] * 8
    rows = store.query("SELECT actor, action, details FROM audit WHERE action = ? ORDER BY seq", (CALL_ACTION,))
    assert len(rows) == 8
    assert {(a, json.loads(d)["個人番号"]) for a, _, d in rows} == {("トークン:窓口システム", masked)}
    assert sorted(json.loads(d)["判定"] for _, _, d in rows) == ["A"] * 4 + ["C"] * 4
    everything = json.dumps(store.query("SELECT * FROM audit"), ensure_ascii=False)
    assert NUMBER not in everything
    assert audit.verify(store) == []  # the chain holds


def test_errors_never_echo_the_number(make_server, token, store):
    server = make_server()
    status, _, got = call(server.url, "/api/v1/verify", {"business": {**BUSINESS, C.SEX: 2}, "registry": REGISTRY},
                          token=token)
    assert status == 422 and "性別" in got["error"]["ja"] and NUMBER not in json.dumps(got, ensure_ascii=False)
    status, _, got = call(server.url, "/api/v1/verify", {"business": {**BUSINESS, "生年月目": "x"}, "registry": None},
                          token=token)
    assert status == 422 and "生年月目" in got["error"]["ja"] and NUMBER not in json.dumps(got, ensure_ascii=False)
    status, _, got = call(server.url, f"/api/v1/verify?{quote(C.MY_NUMBER)}={NUMBER}",
                          {"business": BUSINESS, "registry": REGISTRY}, token=token)
    assert status == 400 and got["error"]["code"] == "query_string"
    huge = {"business": {**BUSINESS, C.KATAGAKI: "あ" * 400_000}, "registry": REGISTRY}
    status, _, got = call(server.url, "/api/v1/verify", huge, token=token)
    assert status == 413 and got["error"]["code"] == "too_large"
    # chunked: no declared length, refused once it grows past the limit
    host, port = server.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    chunks = (json.dumps(huge, ensure_ascii=False).encode()[i:i + 65536] for i in range(0, 1_300_000, 65536))
    conn.request("POST", "/api/v1/verify", body=chunks, encode_chunked=True,
                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    r = conn.getresponse()
    assert r.status == 413 and json.loads(r.read())["error"]["code"] == "too_large"
    conn.close()
    # every authenticated call is in the audit trail, the malformed ones too; none with the number
    outcomes = [json.loads(d)["結果"] for (d,) in store.query("SELECT details FROM audit WHERE action = ?",
                                                              (CALL_ACTION,))]
    assert outcomes == ["形式不備", "形式不備"]


def test_openapi_documents_the_endpoint_in_japanese(make_server):
    server = make_server()
    status, _, doc = call(server.url, "/api/v1/openapi.json")
    assert status == 200
    op = doc["paths"]["/verify"]["post"]
    assert op["summary"] == "一件照合" and {"401", "429", "422"} <= set(op["responses"])
    assert doc["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    record = doc["components"]["schemas"]["BusinessRecord"]["properties"]
    assert set(C.STANDARD) <= set(record) and "URL" in record[C.MY_NUMBER]["description"]
    text = json.dumps(doc, ensure_ascii=False)
    assert set(re.findall(r"(?<!\d)\d{12}(?!\d)", text)) == {"123456789018"}  # only the made-up sequential one
    assert "/check" not in doc["paths"] and "/login" not in doc["paths"]  # the UI's pages are no API


def test_served_process_logs_no_number(store, token, tmp_path):
    """The real ``himozuke serve`` (a subprocess, its access log on): the number of a body, of a query string and
    of a path never reaches its output."""
    port = _free_port()
    env = {**os.environ, "HIMOZUKE_PASSPHRASE": PASSPHRASE,
           "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    proc = subprocess.Popen([sys.executable, "-c", "from himozuke.cli import main; main()", "serve", "--store", str(store.path), "--runs",
                             str(tmp_path / "runs"), "--port", str(port)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                call(url, "/api/v1/openapi.json")
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "himozuke serve did not start"
                time.sleep(0.1)
        body = {"business": BUSINESS, "registry": REGISTRY}
        assert call(url, "/api/v1/verify", body, token=token)[0] == 200
        assert call(url, f"/api/v1/verify?{quote(C.MY_NUMBER)}={NUMBER}&n={NUMBER}", body, token=token)[0] == 400
        assert call(url, f"/api/v1/verify/{NUMBER}", body, token=token)[0] == 404
        assert call(url, f"/api/v1/verify?n={NUMBER}", body)[0] == 401
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    # the access log is on, formatted as uvicorn formats it (the filter keeps its arguments apart)
    assert re.search(r'INFO: +127\.0\.0\.1:\d+ - "POST /api/v1/verify HTTP/1\.1" 200 OK', out), out
    assert '"POST /api/v1/verify?… HTTP/1.1" 400 Bad Request' in out
    assert "Logging error" not in out and "Traceback" not in out
    # the server's own numbers (its process id, the clients' ports) are not the My Number, though their digits may
    # hold its middle four by chance (process [27883] held 7883 once)
    own = re.sub(r"process \[\d+\]|127\.0\.0\.1:\d+", "", out)
    assert NUMBER not in own and NUMBER[4:8] not in own
