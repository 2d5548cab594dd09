"""``POST /api/v1/verify``: the one-record check for a business system at data entry (issue #19 part 2).

Thin, like the UI: authenticate the token, take one call from its rate, run :func:`himozuke.verification.verify`
(off the event loop), wait for the call's audit entry, answer ``Verification.as_json()``. No rule of the manual
lives here. A separate ASGI app mounted under ``/api/v1`` of ``himozuke serve``: its own OpenAPI document
(``/api/v1/openapi.json``), its own JSON errors, no session and no cookie — the UI's login cookie is not an
authentication here, and the UI's CSRF check (a form field of its session) never applies to it.

Errors are JSON ``{"error": {"code", "ja", "en"}}`` and never echo a value (a 422 names the field, not what was in
it): the number a client sent must not come back in an error body, a log or a proxy's cache.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import FastAPI, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, create_model

from himozuke import __version__, mynumber
from himozuke.cases import tokens
from himozuke.errors import HimozukeError
from himozuke.formats import columns as C
from himozuke.web.api_guard import ApiSettings, AuditWriter, RateLimit, TokenTable

if TYPE_CHECKING:
    from himozuke.web.app import Web

PREFIX = "/api/v1"
#: A request body larger than this is refused (one record and the few others of the same person are a few KiB).
MAX_BODY = 1024 * 1024
log = logging.getLogger("uvicorn.error")
#: ``Authorization: Bearer <token>`` (read by hand after validation: a missing one is our 401, not FastAPI's 403).
Credentials = Annotated[HTTPAuthorizationCredentials | None,
                        Security(HTTPBearer(auto_error=False, description="管理者が発行した APIトークン（hmz_…）"))]

#: An obviously made-up number (sequential digits) for the documentation's examples.
_EXAMPLE_NUMBER = "123456789018"
_DESCRIPTIONS = {
    C.MY_NUMBER: "個人番号（12桁）。本文にだけ書き、URL には決して書かないでください",
    C.KANJI_NAME: "漢字氏名（外字・異体字は「総点検マニュアル」第2.1版 §7(6) A のとおり扱います）",
    C.KANA_NAME: "カナ氏名（全角・半角どちらでも）",
    C.BIRTH_DATE: "生年月日（西暦 1980-04-01、和暦 S55.4.1 など）",
    C.SEX: "性別（1 / 2、男 / 女 など）",
    C.ADDRESS: "住所",
    C.DV_FLAG: "DV等支援対象（比較はせず、結果にそのまま付きます。住所の扱いは業務システムの側で）",
    C.INQUIRY_RESULT: "照会結果（住基側のみ。省略時は 該当）",
}
_OTHER = "任意の列（比較はせず、結果にそのまま付きます）"
_EXAMPLE_BUSINESS = {C.MY_NUMBER: _EXAMPLE_NUMBER, C.KANJI_NAME: "山﨑　花子", C.KANA_NAME: "ヤマサキ　ハナコ",
                     C.BIRTH_DATE: "S55.4.1", C.SEX: "女", C.ADDRESS: "千代田区霞が関１－１－１"}
_EXAMPLE_REGISTRY = {C.MY_NUMBER: _EXAMPLE_NUMBER, C.KANJI_NAME: "山崎　花子", C.KANA_NAME: "ヤマザキ　ハナコ",
                     C.BIRTH_DATE: "1980-04-01", C.SEX: "2", C.ADDRESS: "東京都千代田区霞が関１丁目１番１号"}


def _record_model(name: str, doc: str, columns: tuple[str, ...]) -> type[BaseModel]:
    """A record with the data contract's column names (``himozuke.formats.columns``) as its keys; every value a
    string or null. Unknown keys are refused (a misspelt 「生年月日」 must not pass as an empty item)."""
    fields = {c: (str | None, Field(None, description=_DESCRIPTIONS.get(c, _OTHER))) for c in columns}
    return create_model(name, __doc__=doc, __config__=ConfigDict(extra="forbid"), **fields)


BusinessRecord = _record_model("BusinessRecord", "業務側の記録（点検用元ファイルの1行と同じ列名）",
                               (*C.STANDARD, *C.OPTIONAL))
RegistryRecord = _record_model("RegistryRecord", "住基側の記録（本人確認情報照会結果の1件と同じ列名）",
                               (*C.STANDARD, *C.OPTIONAL, C.INQUIRY_RESULT))


class VerifyRequest(BaseModel):
    """一件照合の依頼。列名はデータ契約（点検用元ファイル・照会結果）と同じです。"""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"business": _EXAMPLE_BUSINESS, "registry": _EXAMPLE_REGISTRY, "others": []}]})

    business: BusinessRecord = Field(description="照合する業務側の記録（申請で受け付けた個人番号と基本4情報）")
    registry: RegistryRecord | None = Field(
        description="同じ個人番号の住基側の記録。住基に該当がなかったときは null（判定 E）")
    others: list[BusinessRecord] = Field(
        default_factory=list, description="業務システムが既に持つ、同じ個人番号か同じ4情報の記録（番号の共有・"
                                          "一人に複数の番号を見つけるため）")
    household: list[RegistryRecord] = Field(default_factory=list,
                                            description="住基側の同じ世帯の記録（世帯番号があるとき）")
    home_prefecture: str | None = Field(None, description="団体の都道府県（都道府県を書かない住所の比較に使います）",
                                        examples=["東京都"])


def _result_model() -> type[BaseModel]:
    from himozuke.match.engine import RESULT_COLUMNS

    columns = [c for c in RESULT_COLUMNS if c != C.ROW]
    fields = {c: (Any, Field(None)) for c in columns}
    return create_model("Verification", __doc__="照合の結果: result.csv の1行から行番号を除いたもの。個人番号は依頼"
                        "のとおり（完全な番号は依頼した業務システムにだけ返ります）",
                        __config__=ConfigDict(extra="allow"), **fields)


class ApiError(Exception):
    def __init__(self, status: int, code: str, ja: str, en: str, headers: Mapping[str, str] | None = None) -> None:
        self.status, self.code, self.ja, self.en, self.headers = status, code, ja, en, dict(headers or {})

    def response(self) -> JSONResponse:
        return JSONResponse({"error": {"code": self.code, "ja": self.ja, "en": self.en}}, status_code=self.status,
                            headers=self.headers)


_ERRORS = {401: "認証に失敗しました", 429: "呼び出しが多すぎます", 400: "依頼の誤り", 503: "一時的に応答できません"}
_ERROR_RESPONSES = {status: {"description": text, "content": {"application/json": {"example": {
    "error": {"code": "…", "ja": text, "en": "…"}}}}} for status, text in _ERRORS.items()}


class Api:
    """The state of the API in one server: tokens, rates and the audit writer over the UI's store thread."""

    def __init__(self, web: Web, settings: ApiSettings) -> None:
        self.web, self.settings = web, settings
        self.tokens = TokenTable()
        self.rates = RateLimit(settings.rate, settings.burst)
        self.audit: AuditWriter | None = None
        self._refresh: asyncio.Task | None = None

    def load_tokens(self) -> None:
        self.tokens.load(self.web.store_call_sync(tokens.active_tokens))

    async def start(self) -> None:
        self.audit = AuditWriter(lambda calls: self.web.store_call(tokens.record_calls, calls))
        self.audit.start()
        self._refresh = asyncio.get_running_loop().create_task(self._refresh_tokens(), name="himozuke-api-tokens")

    async def stop(self) -> None:
        if self._refresh is not None:
            self._refresh.cancel()
        if self.audit is not None:
            await self.audit.stop()

    async def _refresh_tokens(self) -> None:
        while True:
            await asyncio.sleep(self.settings.refresh_seconds)
            try:
                self.tokens.load(await self.web.store_call(tokens.active_tokens))
            except Exception as e:  # keep the last table; the next refresh tries again
                log.warning("APIトークンを読み直せません / cannot refresh the API tokens: %s", type(e).__name__)

    def caller(self, token: str | None) -> str:
        name = self.tokens.name_of(token)
        if name is None:
            raise ApiError(401, "unauthorized", "トークンがないか、無効か、失効しています（Authorization: Bearer …）",
                           "missing, unknown or revoked token (Authorization: Bearer …)",
                           {"WWW-Authenticate": 'Bearer realm="himozuke"'})
        return name

    def take(self, name: str) -> None:
        wait = self.rates.take(name)
        if wait:
            raise ApiError(429, "rate_limited", f"このトークンの呼び出しが上限（毎秒 {self.settings.rate:g} 件、"
                           f"連続 {self.settings.burst} 件）を超えました。Retry-After 秒後にやり直してください",
                           f"rate limit of this token exceeded ({self.settings.rate:g}/s, burst "
                           f"{self.settings.burst}): retry after Retry-After seconds",
                           {"Retry-After": RateLimit.retry_after(wait)})


def create_api(web: Web, settings: ApiSettings) -> tuple[FastAPI, Api]:
    api = Api(web, settings)
    app = FastAPI(title="himozuke API", version=__version__, openapi_url="/openapi.json", docs_url=None,
                  redoc_url=None, description=(
                      "受付時の一件照合（「マイナンバー情報総点検について」再発防止対策: 申請時に個人番号を基本4情報と"
                      "照合）。「総点検マニュアル」第2.1版 §7(6) の規則で A/B/C/E を判定します。"
                      "トークンは管理者が `himozuke cases token add 名前` で発行します。個人番号は本文にだけ書き、"
                      "URL（クエリ文字列）には書かないでください。例の番号は架空（連番）です。"))

    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError):
        return exc.response()

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        header = request.headers.get("authorization", "")
        try:  # an unauthenticated caller learns nothing about the body's shape; a malformed call counts too
            name = api.caller(header[7:] if header[:7].lower() == "bearer " else None)
            api.take(name)
            await _audit(tokens.Call(name, "", None, outcome="形式不備"))
        except ApiError as e:
            return e.response()
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return ApiError(422, "invalid_request", f"依頼の形が違います: {where or '本文'}（{first.get('type', '')}）",
                        f"invalid request at {where or 'body'}: {first.get('msg', '')}").response()

    async def authenticated(request: Request, credentials: HTTPAuthorizationCredentials | None) -> str:
        name = api.caller(credentials.credentials if credentials else None)
        api.take(name)
        if request.url.query:
            raise ApiError(400, "query_string", "クエリ文字列は使えません。依頼は本文の JSON だけで送ってください",
                           "no query string: send the request as the JSON body only")
        return name

    @app.get("/ping", summary="トークンの確認（監視用）", responses=_ERROR_RESPONSES)
    async def ping(request: Request, credentials: Credentials):
        """トークンが有効かを返します。照合はせず、監査証跡にも記録しません（呼び出し回数の上限には数えます）。"""
        name = await authenticated(request, credentials)
        return {"token": name}

    @app.post("/verify", summary="一件照合", response_model=None, responses={
        200: {"model": _result_model(), "description": "照合の結果（Verification.as_json()）"}, **_ERROR_RESPONSES})
    async def verify_one(request: Request, body: VerifyRequest, credentials: Credentials):
        """業務側の1件を住基側の記録と照合し、判定（A/B/C/E）・項目ごとの判定・理由を返します。

        呼び出しごとに監査証跡へ、トークン名・マスクした個人番号・判定を記録します（完全な番号は記録しません）。
        記録できなかったときは結果を返さず 503 になります。"""
        from himozuke.verification import verify

        name = await authenticated(request, credentials)
        business = _values(body.business)
        masked = mynumber.mask(business.get(C.MY_NUMBER))
        try:
            verification = await asyncio.to_thread(
                verify, business, None if body.registry is None else _values(body.registry),
                others=[_values(o) for o in body.others], home_prefecture=body.home_prefecture,
                household=[_values(h) for h in body.household])
        except HimozukeError as e:
            await _audit(tokens.Call(name, masked, None, outcome="入力不備"))
            where = f"{e.where}: " if e.where else ""
            raise ApiError(400, "bad_record", where + e.ja, where + e.en) from None
        except Exception as e:  # a bug: the caller gets no detail, the log only the kind (the message may hold data)
            log.error("一件照合に失敗しました / verify failed: %s", type(e).__name__)
            await _audit(tokens.Call(name, masked, None, outcome="内部エラー"))
            raise ApiError(500, "internal", "照合に失敗しました（サーバーのログを確認してください）",
                           "the check failed (see the server log)") from None
        result = verification.as_json()
        await _audit(tokens.Call(name, masked, result.get(C.VERDICT), result.get(C.REASONS)))
        return JSONResponse(result)

    async def _audit(call: tokens.Call) -> None:
        try:
            await api.audit.record(call)
        except Exception as e:
            log.error("監査証跡に記録できません / cannot write the audit trail: %s", type(e).__name__)
            raise ApiError(503, "audit_unavailable", "監査証跡に記録できないため、結果を返せません",
                           "the call cannot be audited, so no result is returned") from None

    return app, api


class ApiFirst:
    """The outermost ASGI layer of ``himozuke serve``: a request under :data:`PREFIX` goes straight to the API app —
    the UI's session middleware never sees it (no session made, no cookie read or set) — with the UI's security
    headers and ``Cache-Control: no-store``; a body declared larger than :data:`MAX_BODY` is refused (413) before
    it is read, and a chunked one as soon as it grows past it. Everything else (the UI, lifespan) passes through
    untouched."""

    def __init__(self, app, api_app, headers: Mapping[str, str]) -> None:
        self.app, self.api_app = app, api_app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in {**headers, "Cache-Control": "no-store"}.items()]

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path == PREFIX or path.startswith(PREFIX + "/")):
            return await self.app(scope, receive, send)

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                names = {k for k, _ in self.headers}
                message = {**message, "headers": [h for h in message.get("headers", []) if h[0] not in names]
                           + self.headers}
            await send(message)

        too_large = ApiError(413, "too_large", f"本文が大きすぎます（{MAX_BODY} バイトまで）",
                             f"request body too large (at most {MAX_BODY} bytes)").response()
        length = dict(scope["headers"]).get(b"content-length", b"0")
        if not length.isdigit() or int(length) > MAX_BODY:
            return await too_large(scope, receive, send_with_headers)
        # read the body here, counting (a chunked one declares no length), and hand it on whole
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > MAX_BODY:
                return await too_large(scope, receive, send_with_headers)
        handed = False

        async def replay():
            nonlocal handed
            if handed:
                return await receive()  # after the body: wait for the disconnect
            handed = True
            return {"type": "http.request", "body": body, "more_body": False}

        scope = {**scope, "root_path": scope.get("root_path", "") + PREFIX}
        await self.api_app(scope, replay, send_with_headers)


def _values(record: BaseModel) -> dict[str, str | None]:
    """The record as the check takes it: every standard column (null when not given) and the optional columns
    the caller gave."""
    given = record.model_dump(exclude_unset=True)
    return {**{c: None for c in C.STANDARD}, **given}
