"""Browser tests of ``himozuke serve``: Playwright (sync API) drives Debian's chromium against the app served by
uvicorn on a free localhost port in a background thread. Stores use cheap KDF costs (as tests/cases do)."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

from himozuke.cases import store as store_mod
from himozuke.cases import users as users_mod

CHROMIUM = "/usr/bin/chromium"
PASSPHRASE = "correct horse battery staple"
PASSWORD = "pass-word-1"
DATA = Path(__file__).parent.parent / "cli" / "data"

if not Path(CHROMIUM).exists():  # make test installs it (APT_PACKAGES); say so rather than fail obscurely
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch):
    monkeypatch.setattr(store_mod, "SCRYPT_N", 2**10)
    monkeypatch.setattr(users_mod, "PASSWORD_N", 2**10)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, store, runs: Path, *, passphrase: str = PASSPHRASE, **kw) -> None:
        """``store``: an open store (its path is opened again on the app's own thread) or a store's path."""
        import uvicorn

        from himozuke.web.app import create_app

        path = Path(store) if isinstance(store, str | Path) else store.path
        self.app = create_app(lambda: store_mod.open_store(path, passphrase), runs, **kw)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def store(tmp_path):
    s = store_mod.open_store(tmp_path / "cases.db", PASSPHRASE, create=True)
    yield s
    s.close()


@pytest.fixture
def people(store):
    """管理者 admin, 担当者 tanaka, 確認者 suzuki."""
    users_mod.add_user(store, None, "admin", "管理者", PASSWORD)
    admin = store.login("admin", PASSWORD)
    for name, role in (("tanaka", "担当者"), ("suzuki", "確認者")):
        users_mod.add_user(store, admin, name, role, PASSWORD)
    return {n: store.login(n, PASSWORD) for n in ("admin", "tanaka", "suzuki")}


@pytest.fixture
def make_server(store, tmp_path):
    servers = []

    def make(**kw) -> Server:
        s = Server(store, tmp_path / "runs", **kw).__enter__()
        servers.append(s)
        return s

    yield make
    for s in servers:
        s.__exit__()


@pytest.fixture
def server(make_server, people):
    return make_server()


@pytest.fixture(scope="session")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield b
        b.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="ja-JP", accept_downloads=True)
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()


def login(page, base: str, name: str, password: str = PASSWORD) -> None:
    page.goto(base + "/login")
    page.get_by_label("利用者名").fill(name)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
