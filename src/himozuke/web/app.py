"""Routes of ``himozuke serve``. Thin: check the session and CSRF, call one library function, render a template.

The machine API (``POST /api/v1/verify``, :mod:`himozuke.web.api`) is a separate app that the outermost layer
(:class:`himozuke.web.api.ApiFirst`) hands every ``/api/v1`` request: no session is made or read for it (its
callers authenticate with a token, never with the UI's cookie).

The case store's connection is used from one thread only (a one-worker executor, :meth:`Web.store_call`):
SQLCipher connections are not shared between threads, and the store serialises its writes anyway.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.background import BackgroundTask

from himozuke.atomic import private_folder
from himozuke.cases import audit, users, views, workflow
from himozuke.cases.store import CaseStore
from himozuke.errors import HimozukeError
from himozuke.web import access_log
from himozuke.web import explain as explain_mod
from himozuke.web.api import ApiFirst, create_api
from himozuke.web.api_guard import ApiSettings
from himozuke.web.runs import OUTPUT, Runs
from himozuke.web.security import COOKIE, HEADERS, LockOut, Session, Sessions

HERE = Path(__file__).parent
PAGE_SIZE = 50
DOWNLOADS = ("result.csv", "report.xlsx")


class LoginRequired(Exception):
    pass


class CsrfRejected(Exception):
    pass


@dataclass
class Web:
    store: CaseStore
    runs: Runs
    sessions: Sessions
    lockout: LockOut
    executor: ThreadPoolExecutor

    async def store_call(self, fn, *args, **kw):
        """Run ``fn(store, *args, **kw)`` on the store's own thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, functools.partial(fn, self.store, *args, **kw))

    def store_call_sync(self, fn, *args, **kw):
        return self.executor.submit(functools.partial(fn, self.store, *args, **kw)).result()


def create_app(open_store: Callable[[], CaseStore], runs_dir: Path, *, sessions: Sessions | None = None,
               lockout: LockOut | None = None, api: ApiSettings | None = None) -> FastAPI:
    """The app over the store ``open_store()`` opens (on the store's own thread, now: a wrong passphrase fails
    here, before anything listens); check runs go into ``runs_dir`` (one folder each); ``api``: the rate limit
    of the machine API's tokens."""
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="himozuke-store")
    store = executor.submit(open_store).result()

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI):
        access_log.install()  # after the server configured its logging: no number in what it logs
        await machine.start()
        yield
        await machine.stop()
        executor.submit(store.close).result()
        executor.shutdown(wait=True)

    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    web = Web(store, Runs(runs_dir), sessions or Sessions(), lockout or LockOut(), executor)
    app.state.web = web
    api_app, machine = create_api(web, api or ApiSettings())
    machine.load_tokens()
    app.state.api = machine
    templates = Jinja2Templates(directory=HERE / "templates")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.middleware("http")
    async def session_and_headers(request: Request, call_next):
        sid = request.cookies.get(COOKIE)
        session = web.sessions.get(sid) or web.sessions.new()
        request.state.session = session
        response = await call_next(request)
        for k, v in HEADERS.items():
            response.headers[k] = v
        if not request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"  # every page may carry personal data
        current = request.state.session
        if current is not None and current.id != sid:
            response.set_cookie(COOKIE, current.id, httponly=True, samesite="strict", path="/")
        elif current is None:
            response.delete_cookie(COOKIE, path="/")
        return response

    app.add_middleware(ApiFirst, api_app=api_app, headers=HEADERS)  # outermost: the API skips the session layer

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, _exc: LoginRequired):
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(CsrfRejected)
    async def csrf_rejected(request: Request, _exc: CsrfRejected):
        return render(request, "error.html", {"message": "フォームの有効期限が切れたか、不正な送信です。画面を開き直してください。"},
                      status=403)

    def render(request: Request, name: str, ctx: dict | None = None, status: int = 200) -> HTMLResponse:
        s: Session = request.state.session
        return templates.TemplateResponse(request, name, {"me": s.user if s else None, "csrf": s.csrf if s else "",
                                                          **(ctx or {})}, status_code=status)

    def me(request: Request) -> users.User:
        s: Session = request.state.session
        if s is None or s.user is None:
            raise LoginRequired
        return s.user

    async def form(request: Request) -> dict[str, Any]:
        data = await request.form()
        if data.get("csrf") != request.state.session.csrf:
            raise CsrfRejected
        return {k: v for k, v in data.items() if k != "csrf"}

    # ---- first start, login, logout -----------------------------------------------------------------------

    @app.get("/setup")
    async def setup_page(request: Request):
        if await web.store_call(users.list_users):
            return RedirectResponse("/login", status_code=303)
        return render(request, "setup.html")

    @app.post("/setup")
    async def setup(request: Request):
        f = await form(request)
        if await web.store_call(users.list_users):
            return RedirectResponse("/login", status_code=303)
        if f.get("password") != f.get("password2"):
            return render(request, "setup.html", {"error": "確認用のパスワードが一致しません"}, status=400)
        try:
            await web.store_call(users.add_user, None, str(f.get("name", "")), "管理者", str(f.get("password", "")))
        except HimozukeError as e:
            return render(request, "setup.html", {"error": e.ja}, status=400)
        return RedirectResponse("/login", status_code=303)

    @app.get("/login")
    async def login_page(request: Request):
        if not await web.store_call(users.list_users):
            return RedirectResponse("/setup", status_code=303)
        return render(request, "login.html")

    @app.post("/login")
    async def login(request: Request):
        f = await form(request)
        name, password = str(f.get("name", "")), str(f.get("password", ""))
        if web.lockout.locked(name):
            await web.store_call(audit.record, name, "ログイン拒否（ロック中）")
            return render(request, "login.html", {"error": "ログインの失敗が続いたため、この利用者は一時的にロックされています。"
                                                           "しばらくしてからやり直すか、管理者に連絡してください。"}, status=429)
        try:
            user = await web.store_call(users.login, name, password)
        except HimozukeError as e:
            locked = web.lockout.failed(name)
            msg = e.ja + ("。失敗が続いたため、この利用者をロックしました" if locked else "")
            return render(request, "login.html", {"error": msg}, status=401)
        web.lockout.succeeded(name)
        request.state.session = web.sessions.login(request.state.session, user)
        return RedirectResponse("/", status_code=303)

    @app.post("/logout")
    async def logout(request: Request):
        await form(request)
        web.sessions.end(request.state.session.id)
        request.state.session = None
        return RedirectResponse("/login", status_code=303)

    @app.get("/", response_class=HTMLResponse)
    async def home(request: Request):
        if not await web.store_call(users.list_users):
            return RedirectResponse("/setup", status_code=303)
        me(request)
        return render(request, "home.html", {"runs": web.runs.list()[:10]})

    # ---- users (管理者) ----------------------------------------------------------------------------------------

    @app.get("/users")
    async def users_page(request: Request):
        me(request)
        return render(request, "users.html", {"users": await web.store_call(users.list_users),
                                              "roles": list(users.Role)})

    @app.post("/users")
    async def users_add(request: Request):
        user, f = me(request), await form(request)
        error = None
        try:
            await web.store_call(users.add_user, user, str(f.get("name", "")), str(f.get("role", "")),
                                 str(f.get("password", "")))
        except HimozukeError as e:
            error = e.ja
        return render(request, "users.html", {"users": await web.store_call(users.list_users),
                                              "roles": list(users.Role), "error": error,
                                              "added": None if error else f.get("name")},
                      status=400 if error else 200)

    # ---- 新規点検 ------------------------------------------------------------------------------------------

    @app.get("/check")
    async def check_page(request: Request):
        me(request)
        return render(request, "check.html")

    @app.post("/check")
    async def check_upload(request: Request):
        me(request)
        data = await request.form()
        if data.get("csrf") != request.state.session.csrf:
            raise CsrfRejected
        files = {}
        for role in ("business", "registry"):
            up = data.get(role)
            if up is None or not getattr(up, "filename", ""):
                return render(request, "check.html", {"error": "業務側と住基側のファイルを両方選んでください"}, status=400)
            files[role] = (up.filename, await up.read())
        run_id = web.runs.new()
        web.runs.save_inputs(run_id, files, {"body_code": str(data.get("body_code") or "").strip() or None,
                                             "jimu": str(data.get("jimu") or "").strip() or None})
        return RedirectResponse(f"/check/{run_id}", status_code=303)

    @app.get("/check/{run_id}")
    async def check_preview(request: Request, run_id: str):
        me(request)
        from himozuke.formats.preview import preview

        try:
            inputs = web.runs.inputs(run_id)
        except KeyError:
            return not_found(request)
        previews, error = {}, None
        try:
            for role in ("business", "registry"):
                previews[role] = await asyncio.to_thread(preview, inputs[role], role=role)
        except HimozukeError as e:
            error = e
            web.runs.remove(run_id)  # the files cannot be checked: nothing of them is kept
        return render(request, "preview.html", {"run_id": run_id, "previews": previews, "failure": error,
                                                "meta": inputs["_meta"],
                                                "names": {r: inputs[r].name for r in ("business", "registry")}},
                      status=400 if error else 200)

    @app.post("/check/{run_id}/start")
    async def check_start(request: Request, run_id: str):
        user, _ = me(request), await form(request)
        from himozuke import identity
        from himozuke.cases.store import import_result
        from himozuke.pipeline import run_check, store_identity

        try:
            inputs = web.runs.inputs(run_id)
        except KeyError:
            return not_found(request)
        meta = inputs["_meta"]
        state = web.runs.state(run_id)

        def check(out: Path, progress, tick) -> None:
            body = identity.body(meta.get("body_code"), None, meta.get("jimu"))
            hand_over = None
            if body.code and body.jimu:
                def hand_over(cases, summary) -> None:
                    state.cases_run = web.store_call_sync(import_result, cases, store_identity(summary), actor=user)

            run_check(inputs["business"], inputs["registry"], out, formats=("csv", "xlsx", "parquet"),
                      progress=progress, tick=tick, body=body, hand_over=hand_over)

        web.runs.start(run_id, check)
        return RedirectResponse(f"/runs/{run_id}", status_code=303)

    @app.get("/runs/{run_id}/events")
    async def run_events(request: Request, run_id: str):
        me(request)
        try:
            state = web.runs.state(run_id)
        except KeyError:
            return not_found(request)

        async def stream():
            seen = -1
            while True:
                snap = state.snapshot()
                if snap["version"] != seen:
                    seen = snap["version"]
                    yield f"data: {json.dumps(snap, ensure_ascii=False)}\n\n"
                if snap["status"] in ("完了", "エラー", "待機") or await request.is_disconnected():
                    return
                await asyncio.sleep(0.2)

        return StreamingResponse(stream(), media_type="text/event-stream")

    # ---- 結果 ----------------------------------------------------------------------------------------------

    @app.get("/runs/{run_id}")
    async def run_page(request: Request, run_id: str, verdict: str = "", item: str = "", reason: str = "",
                       priority: str = "", page: int = 1):
        me(request)
        from himozuke.formats import columns as C
        from himozuke.match.reasons import REASON_TEXT
        from himozuke.report import stats

        try:
            state = web.runs.state(run_id)
        except KeyError:
            return not_found(request)
        summary = web.runs.summary(run_id)
        if state.status != "完了" or summary is None:
            return render(request, "running.html", {"run_id": run_id, "state": state.snapshot()})
        parquet = web.runs.folder(run_id) / OUTPUT / "result.parquet"
        lf = stats.scan(parquet)
        prio = int(priority) if priority.isdigit() else None
        page = max(page, 1)
        # htmx asks for the rows alone (a filter or a page link, the table replaced in place); a history restore,
        # and a browser without scripts, get the whole page
        rows_only = request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request")

        def query():
            sel = stats.filtered(lf, verdict=verdict or None, item=item or None, reason=reason or None,
                                 priority=prio)
            rows, total = stats.page(sel, (page - 1) * PAGE_SIZE, PAGE_SIZE)
            if rows_only:
                return None, None, None, rows, total
            return stats.verdict_counts(lf), stats.item_mismatches(lf), stats.reason_codes(lf), rows, total

        counts, mismatches, reasons, rows, total = await asyncio.to_thread(query)
        pages = max(1, -(-total // PAGE_SIZE))
        columns = [C.ROW, C.MY_NUMBER, C.VERDICT, C.PRIORITY, *(C.item_verdict(i) for i in C.ITEMS),
                   "理由説明"]
        table = {"run_id": run_id, "columns": [c for c in columns if c in rows.columns],
                 "rows": rows.rows(named=True), "total": total, "page": page, "pages": pages,
                 "filters": {"verdict": verdict, "item": item, "reason": reason, "priority": priority}}
        if rows_only:
            response = render(request, "_rows_partial.html", table)
            response.headers["Vary"] = "HX-Request"
            return response
        return render(request, "result.html", {
            **table, "summary": summary, "counts": counts, "mismatches": mismatches,
            "reasons": [(r, REASON_TEXT.get(r, r)) for r in reasons], "items": C.ITEMS,
            "downloads": [d for d in DOWNLOADS if d in summary["outputs"]],
            "cases_run": state.cases_run, "folder": web.runs.folder(run_id)})

    @app.post("/runs/{run_id}/delete")
    async def run_delete(request: Request, run_id: str):
        """管理者: delete the run folder (outputs, and inputs if any are left) and, when its B/C/E rows went into
        the case store, that run's cases — one :func:`himozuke.cases.retention.purge` — audited either way."""
        user, f = me(request), await form(request)
        from himozuke.cases.retention import purge
        from himozuke.cases.users import Role, require_role

        try:
            folder, case_run, state = web.runs.folder(run_id), web.runs.case_run(run_id), web.runs.state(run_id)
        except KeyError:
            return not_found(request)
        try:
            require_role(user, (Role.ADMIN,), "削除 / purge")
        except HimozukeError as e:
            return render(request, "error.html", {"message": e.ja}, status=403)
        try:
            if state.status == "実行中":
                raise HimozukeError("点検の実行中は削除できません", "a running check cannot be deleted")
            if f.get("confirm") != "yes":
                raise HimozukeError("削除してよいことを確認するチェックを入れてください", "confirm the deletion")
            if case_run is not None:
                counts = await web.store_call(purge, user, case_run, outputs=[folder])
                web.runs.forget(run_id)  # purge removed the folder
                note = (f"実行 {run_id} を削除しました（ファイル {counts['files']} 件、台帳の実行 {case_run} の案件 "
                        f"{counts['cases']} 件）")
            else:
                files = web.runs.remove(run_id)
                await web.store_call(audit.record, user.name, "削除", details={"点検フォルダ": run_id, "files": files})
                note = f"実行 {run_id} を削除しました（ファイル {files} 件）"
        except HimozukeError as e:
            return render(request, "error.html", {"message": e.ja}, status=409)
        return render(request, "home.html", {"runs": web.runs.list()[:10], "notes": [note]})

    @app.get("/runs/{run_id}/files/{name}")
    async def run_file(request: Request, run_id: str, name: str):
        me(request)
        if name not in DOWNLOADS:
            return not_found(request)
        try:
            path = web.runs.folder(run_id) / OUTPUT / name
        except KeyError:
            return not_found(request)
        if not path.is_file():
            return not_found(request)
        return FileResponse(path, filename=name)

    # ---- 個別確認 ------------------------------------------------------------------------------------------

    @app.get("/cases")
    async def cases_page(request: Request, state: str = "", verdict: str = ""):
        user = me(request)
        page = {"states": list(workflow.State), "filters": {"state": state, "verdict": verdict}}
        try:
            rows = await web.store_call(views.list_cases, user, state=state or None, verdict=verdict or None)
        except HimozukeError as e:  # a filter that names no state or 判定 (an edited address)
            return render(request, "cases.html", {**page, "cases": [], "total": 0, "error": e.ja}, status=400)
        return render(request, "cases.html", {**page, "cases": rows[:500], "total": len(rows)})

    async def case_page(request: Request, case_id: int, *, error: str | None = None, notes=(), number=None,
                        status: int = 200):
        user = me(request)
        try:
            case = await web.store_call(views.show_case, user, case_id)
        except HimozukeError as e:
            return render(request, "error.html", {"message": e.ja}, status=404)
        actions = [{"action": str(t.action), "fields": [(k, workflow.CHOICES.get(k), k in t.required)
                                                        for k in (*t.required, *t.optional)],
                    "roles": "・".join(sorted(t.roles)), "cite": t.cite}
                   for t in workflow.allowed(case.state)]
        return render(request, "case.html", {
            "case": case, "explained": explain_mod.explain(case.items, hidden=views.DV_HIDDEN if case.dv else None),
            "actions": actions, "error": error, "notes": notes, "number": number}, status=status)

    @app.get("/cases/{case_id}")
    async def case_show(request: Request, case_id: int):
        return await case_page(request, case_id)

    @app.post("/cases/{case_id}/act")
    async def case_act(request: Request, case_id: int):
        user, f = me(request), await form(request)
        action = str(f.pop("action", ""))
        fields = {k: v for k, v in f.items() if str(v).strip() != ""}
        try:
            outcome = await web.store_call(workflow.act, user, case_id, action, **fields)
        except HimozukeError as e:
            return await case_page(request, case_id, error=e.ja, status=409)
        return await case_page(request, case_id, notes=[f"「{outcome.action}」を記録しました: {outcome.from_state} → "
                                                        f"{outcome.to_state}", *outcome.notes])

    @app.post("/cases/{case_id}/reveal")
    async def case_reveal(request: Request, case_id: int):
        user, _ = me(request), await form(request)
        try:
            number = await web.store_call(views.reveal_number, user, case_id)
        except HimozukeError as e:
            return await case_page(request, case_id, error=e.ja, status=409)
        return await case_page(request, case_id, number=number,
                               notes=["個人番号の全桁を表示しました（監査証跡に記録しました）"])

    # ---- 進捗報告 -------------------------------------------------------------------------------------------

    @app.get("/progress")
    async def progress_page(request: Request, month: str = ""):
        me(request)
        from himozuke.cases.progress import progress_rows
        from himozuke.report.progress import LABELS, check_month

        rows, error = [], None
        if month:
            try:
                check_month(month)
                rows = [r for r in await web.store_call(progress_rows, month) if r.month == month]
            except HimozukeError as e:
                error = e.ja
        return render(request, "progress.html", {"month": month, "rows": rows, "labels": LABELS, "error": error})

    @app.post("/progress/download")
    async def progress_download(request: Request):
        me(request)
        f = await form(request)
        from himozuke.cases.progress import progress_rows
        from himozuke.report.progress import check_month, progress_file_name, write_progress

        month = str(f.get("month", ""))
        try:
            check_month(month)
            rows, head = await web.store_call(lambda s: (progress_rows(s, month), audit.head(s)))
        except HimozukeError as e:
            return render(request, "progress.html", {"month": month, "rows": [], "error": e.ja}, status=400)
        folder = private_folder()  # (a server killed mid-download leaves it to the next run's sweep)
        path = await asyncio.to_thread(write_progress, rows, month, folder / progress_file_name(rows, month),
                                       audit_head=head)
        # removed once sent: each download made a folder that stayed in the temporary folder
        return FileResponse(path, filename=path.name, background=BackgroundTask(shutil.rmtree, folder, True))

    def not_found(request: Request) -> Response:
        return render(request, "error.html", {"message": "見つかりません"}, status=404)

    return app
