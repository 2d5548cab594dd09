"""``himozuke cases …`` — the follow-up case store (see docs/cases.md). Thin: parse → one library call → Rich.

The store and the user are given once, before the command::

    himozuke cases --store 山形市.db --user tanaka list --state 未着手

Passphrase: ``--passphrase-file`` or env ``HIMOZUKE_PASSPHRASE`` (else a prompt on a terminal). Password: env
``HIMOZUKE_PASSWORD`` (else a prompt on a terminal). Neither is ever printed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from himozuke.cli._app import app, console
from himozuke.errors import UsageError

cases_app = typer.Typer(help="追跡ストア: B/C/E 案件の確認・対応・承認・監査 / the follow-up case store",
                        no_args_is_help=True)
users_app = typer.Typer(help="利用者の管理 / users", no_args_is_help=True)
audit_app = typer.Typer(help="監査証跡 / the audit trail", no_args_is_help=True)
token_app = typer.Typer(help="業務システムの APIトークン（POST /api/v1/verify）/ API tokens", no_args_is_help=True)
cases_app.add_typer(users_app, name="users")
cases_app.add_typer(audit_app, name="audit")
cases_app.add_typer(token_app, name="token")
app.add_typer(cases_app, name="cases")

PASSWORD_ENV = "HIMOZUKE_PASSWORD"


class _Opts:
    store: Path | None
    passphrase_file: Path | None
    user: str | None


opts = _Opts()


@cases_app.callback()
def _cases(
    store: Annotated[Path | None, typer.Option("--store", envvar="HIMOZUKE_STORE", help="ストアのファイル (.db)")] = None,
    passphrase_file: Annotated[Path | None, typer.Option("--passphrase-file", help="パスフレーズのファイル")] = None,
    user: Annotated[str | None, typer.Option("--user", help="利用者名（パスワードは HIMOZUKE_PASSWORD か入力）")] = None,
) -> None:
    opts.store, opts.passphrase_file, opts.user = store, passphrase_file, user


def _password(prompt: str = "パスワード / password: ") -> str:
    from himozuke.cases.users import password_from

    return password_from(prompt)


@contextlib.contextmanager
def _session(*, create: bool = False) -> Iterator:
    from himozuke.cases.store import open_store, passphrase_from

    if opts.store is None:
        raise UsageError("--store で台帳のファイルを指定してください", "give --store FILE (the case store)")
    with open_store(opts.store, passphrase_from(opts.passphrase_file), create=create) as store:
        yield store


def _login(store):
    if not opts.user:
        raise UsageError("--user で利用者名を指定してください", "give --user NAME")
    return store.login(opts.user, _password())


@cases_app.command("init")
def init(admin: Annotated[str, typer.Option("--admin", help="最初の管理者の名前")]) -> None:
    """ストアを作成し最初の管理者を登録する / create the store and its first 管理者.

    例: HIMOZUKE_PASSPHRASE=… HIMOZUKE_PASSWORD=… himozuke cases --store 山形市.db init --admin yamada
    """
    from himozuke.cases.users import add_user

    password = _password()
    with _session(create=True) as store:
        add_user(store, None, admin, "管理者", password)
    console.print(f"ストアを作成しました: {opts.store}（管理者: {admin}）")


@cases_app.command("import")
def import_(
    result: Annotated[Path, typer.Argument(help="完全な個人番号の結果 (.parquet / .csv)")],
    body_code: Annotated[str, typer.Option("--body-code", help="団体コード（5桁か6桁）")],
    jimu: Annotated[str, typer.Option("--jimu", help="事務（例: 障害者手帳情報）")],
    body_name: Annotated[str | None, typer.Option("--body-name", help="団体名（既定: 団体コードから）")] = None,
    inputs_sha256: Annotated[str | None, typer.Option("--inputs-sha256", help="入力の SHA-256（既定: 結果ファイルの)")] = None,
    home_prefecture: Annotated[str | None, typer.Option("--home-prefecture", help="都道府県")] = None,
) -> None:
    """点検結果の B/C/E 行を案件として取り込む / import the B, C, E rows of a result.

    結果は個人番号が完全なもの（ライブラリで書き出したもの）に限ります。マスクされた結果は取り込めません。
    同じ入力（SHA-256）の再取込は何もせず、既存の実行番号を返します。

    例: himozuke cases --store 山形市.db --user tanaka import 結果.parquet --body-code 062014 --body-name 山形市 --jimu 障害者手帳情報
    """
    import polars as pl

    from himozuke import identity as identity_of
    from himozuke.cases.store import import_result
    from himozuke.errors import InputFileError
    from himozuke.match import RULE_VERSION
    from himozuke.match.engine import RESULT_SCHEMA

    try:
        if result.suffix.lower() == ".parquet":
            frame = pl.read_parquet(result)
        else:
            frame = pl.read_csv(result, infer_schema=False, encoding="utf8-lossy")
            frame = frame.with_columns(pl.col(c).cast(t, strict=False) for c, t in RESULT_SCHEMA.items()
                                       if c in frame.columns and t != pl.String())
    except (OSError, pl.exceptions.PolarsError) as e:
        raise InputFileError("結果ファイルを読めません", f"cannot read the result ({type(e).__name__})",
                             file=str(result)) from None
    sha = inputs_sha256 or hashlib.sha256(result.read_bytes()).hexdigest()
    body = identity_of.body(body_code, body_name, jimu)
    identity = {"body_code": body.code, "body_name": body.name, "jimu": body.jimu, "inputs_sha256": sha,
                "rule_version": RULE_VERSION, "home_prefecture": home_prefecture, "engine": "import"}
    with _session() as store:
        run_id = import_result(store, frame, identity, actor=_login(store))
        count = store.query("SELECT count(*) FROM cases WHERE run_id = ?", (run_id,))[0][0]
    console.print(f"実行 {run_id}: 案件 {count} 件")


@cases_app.command("list")
def list_(
    state: Annotated[str | None, typer.Option("--state", help="状態（例: 未着手）")] = None,
    verdict: Annotated[str | None, typer.Option("--verdict", help="判定 B / C / E")] = None,
) -> None:
    """案件の一覧（番号はマスク、DV等支援対象の住所は非表示）/ list cases.

    例: himozuke cases --store 山形市.db --user tanaka list --state 未着手 --verdict C
    """
    from himozuke.cases.views import list_cases

    with _session() as store:
        rows = list_cases(store, _login(store), state=state, verdict=verdict)
    t = Table("案件", "行番号", "個人番号", "判定", "優先度", "状態", "漢字氏名(業務)", "住所(住基)", "DV")
    for v in rows:
        t.add_row(str(v.id), str(v.row_no), v.number, v.verdict, str(v.priority or ""), v.state,
                  v.items.get("漢字氏名", {}).get("業務") or "", v.items.get("住所", {}).get("住基") or "",
                  "対象" if v.dv else "")
    console.print(t)


@cases_app.command("show")
def show(case_id: Annotated[int, typer.Argument(help="案件番号")]) -> None:
    """案件の詳細と経過 / one case with its history.

    例: himozuke cases --store 山形市.db --user tanaka show 12
    """
    from himozuke.cases.views import show_case
    from himozuke.cases.workflow import allowed

    with _session() as store:
        v = show_case(store, _login(store), case_id)
    console.print(f"案件 {v.id}  行番号 {v.row_no}  個人番号 {v.number}  判定 {v.verdict}  状態 {v.state}"
                  + ("  DV等支援対象" if v.dv else ""), highlight=False)
    t = Table("項目", "判定", "業務", "住基")
    for item, d in v.items.items():
        t.add_row(item, d.get("判定") or "", d.get("業務") or "", d.get("住基") or "")
    console.print(t)
    for k, val in v.extras.items():
        console.print(f"{k}: {val or ''}", highlight=False)
    h = Table("日時", "利用者", "操作", "前", "後", "項目")
    for e in v.events:
        h.add_row(e["at"], e["actor"] or "", e["action"], e["from"] or "", e["to"],
                  " ".join(f"{k}={x}" for k, x in e["fields"].items()))
    console.print(h)
    console.print("可能な操作: " + "・".join(t.action for t in allowed(v.state)), highlight=False)


def _fields(pairs: list[str]) -> dict[str, str]:
    out = {}
    for p in pairs:
        key, sep, value = p.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--field は 項目=値 で指定してください（{p}）", f"--field takes key=value (got {p!r})")
        out[key.strip()] = value.strip()
    return out


@cases_app.command("act")
def act_(
    case_id: Annotated[int, typer.Argument(help="案件番号")],
    action: Annotated[str, typer.Argument(help="操作（例: 自動応答不可設定、連絡記録、確認結果、対応提案）")],
    field: Annotated[list[str] | None, typer.Option("--field", help="項目=値（繰り返し可）")] = None,
) -> None:
    """案件に操作を記録する / take a workflow step.

    例: himozuke cases --store 山形市.db --user tanaka act 12 自動応答不可設定 --field 範囲=①
    """
    from himozuke.cases.workflow import act

    fields = _fields(field or [])
    with _session() as store:
        out = act(store, _login(store), case_id, action, **fields)
    console.print(f"案件 {out.case_id}: {out.from_state} → {out.to_state}", highlight=False)
    for note in out.notes:
        console.print(note, highlight=False)


@cases_app.command("approve")
def approve_(case_id: Annotated[int, typer.Argument(help="案件番号")]) -> None:
    """他の利用者が提案した対応を承認する（確認者・管理者、上長）/ approve another user's resolution.

    例: himozuke cases --store 山形市.db --user suzuki approve 12
    """
    from himozuke.cases.workflow import approve

    with _session() as store:
        out = approve(store, _login(store), case_id)
    console.print(f"案件 {out.case_id}: {out.from_state} → {out.to_state}", highlight=False)


@cases_app.command("reveal")
def reveal(case_id: Annotated[int, typer.Argument(help="案件番号")]) -> None:
    """完全な個人番号を表示する（監査証跡に記録）/ show the full number (audited).

    例: himozuke cases --store 山形市.db --user tanaka reveal 12
    """
    from himozuke.cases.views import reveal_number

    with _session() as store:
        number = reveal_number(store, _login(store), case_id)
    console.print(number, highlight=False)


@cases_app.command("export")
def export(out: Annotated[Path, typer.Argument(help="書き出す CSV")],
           state: Annotated[str | None, typer.Option("--state")] = None,
           verdict: Annotated[str | None, typer.Option("--verdict")] = None) -> None:
    """案件を CSV に書き出す（番号マスク、DV 住所非表示、監査記録）/ export cases.

    例: himozuke cases --store 山形市.db --user tanaka export 案件.csv --state 本人確認中
    """
    from himozuke.cases.views import export_cases

    with _session() as store:
        n = export_cases(store, _login(store), out, state=state, verdict=verdict)
    console.print(f"{n} 件を書き出しました: {out}")


@cases_app.command("purge")
def purge_(run_id: Annotated[int, typer.Argument(help="実行番号")],
           output: Annotated[list[Path] | None, typer.Option("--output", help="一緒に削除する出力ファイル・フォルダ")] = None,
           ) -> None:
    """実行の案件と出力を削除する（管理者、§12）/ delete a run's cases and outputs.

    例: himozuke cases --store 山形市.db --user yamada purge 1 --output 結果/
    """
    from himozuke.cases.retention import purge

    with _session() as store:
        counts = purge(store, _login(store), run_id, outputs=output or [])
    console.print(f"実行 {run_id} を削除しました: 案件 {counts['cases']} 件、ファイル {counts['files']} 件")


@cases_app.command("runs")
def runs_() -> None:
    """取り込んだ実行と保存期限の一覧。期限を過ぎたものに印（§12 速やかに廃棄又は削除）/ runs and their retention.

    例: himozuke cases --store 山形市.db --user yamada runs
    """
    from himozuke.cases.retention import runs

    table = Table("実行", "団体コード", "事務", "取込", "保存期限", "案件", "状態")
    with _session() as store:
        _login(store)
        today = store.now()[:10]  # JST: a retention date is a Japanese date
        for r in runs(store):
            state = (f"削除済 {r.purged_at[:10]}" if r.purged_at
                     else "[red]期限切れ: purge してください[/]" if r.retention_until < today else "保存中")
            table.add_row(str(r.id), r.body_code, r.jimu, r.created_at[:10], r.retention_until[:10], f"{r.cases:,}",
                          state)
    console.print(table)


@cases_app.command("final-approval")
def final_approval(on: Annotated[bool, typer.Argument(help="on / off")]) -> None:
    """確認者の承認のあとに上長の最終承認を求めるか（管理者）/ require a final 上長 approval (or not).

    例: himozuke cases --store 山形市.db --user yamada final-approval on
    """
    from himozuke.cases.workflow import set_final_approval

    with _session() as store:
        set_final_approval(store, _login(store), on)
    console.print(f"上長の最終承認: {'要' if on else '不要'}")


@cases_app.command("destroy")
def destroy() -> None:
    """すべての実行を削除したあと、台帳そのもの（DB・鍵の塩）を削除する（管理者、§12）/ delete the whole store.

    例: himozuke cases --store 山形市.db --user yamada destroy
    """
    from himozuke.cases.retention import destroy_store

    with _session() as store:
        removed = destroy_store(store, _login(store))
    console.print("削除しました / removed: " + ", ".join(p.name for p in removed))


@users_app.command("add")
def users_add(name: Annotated[str, typer.Argument(help="利用者名")],
              role: Annotated[str, typer.Argument(help="担当者 / 確認者 / 管理者 / 上長")]) -> None:
    """利用者を追加する（管理者）。新しい利用者のパスワードは HIMOZUKE_NEW_PASSWORD か入力 / add a user.

    例: HIMOZUKE_NEW_PASSWORD=… himozuke cases --store 山形市.db --user yamada users add tanaka 担当者
    """
    from himozuke.cases.users import add_user

    with _session() as store:
        admin = _login(store)
        new = os.environ.get("HIMOZUKE_NEW_PASSWORD") or _password("新しい利用者のパスワード / new user's password: ")
        user = add_user(store, admin, name, role, new)
    console.print(f"利用者を追加しました: {user.name}（{user.role}）")


@audit_app.command("verify")
def audit_verify() -> None:
    """監査証跡の連鎖を検証する / verify the audit chain.

    例: himozuke cases --store 山形市.db audit verify

    終了コード 1: 改変・削除・順序の入れ替えが見つかった。
    """
    from himozuke.cases.audit import head, verify

    with _session() as store:
        problems = verify(store)
        seq, digest = head(store)
    for p in problems:
        console.print(str(p), highlight=False)
    if problems:
        raise typer.Exit(1)
    console.print(f"監査証跡は正常です: {seq} 件、先頭 {digest} / the chain holds")


@token_app.command("add")
def token_add(name: Annotated[str, typer.Argument(help="トークン名（呼び出す業務システムの名前。監査証跡に残ります）")]) -> None:
    """APIトークンを発行する（管理者）。トークンはこのときだけ表示されます / issue an API token (shown once).

    台帳にはトークンのハッシュだけが残ります。控えたトークンは業務システムの設定にだけ置いてください。

    例: himozuke cases --store 山形市.db --user yamada token add 窓口システム
    """
    from himozuke.cases.tokens import add_token

    with _session() as store:
        token = add_token(store, _login(store), name)
    console.print(f"APIトークンを発行しました: {name}（この表示は一度だけです。再表示はできません）", highlight=False)
    console.print(token, highlight=False, soft_wrap=True)


@token_app.command("revoke")
def token_revoke(name: Annotated[str, typer.Argument(help="トークン名")]) -> None:
    """APIトークンを失効させる（管理者）。動いているサーバーも約1秒で拒否します / revoke an API token.

    例: himozuke cases --store 山形市.db --user yamada token revoke 窓口システム
    """
    from himozuke.cases.tokens import revoke_token

    with _session() as store:
        revoke_token(store, _login(store), name)
    console.print(f"APIトークンを失効しました: {name}", highlight=False)


@token_app.command("list")
def token_list() -> None:
    """APIトークンの一覧（名前・発行日時・発行者・失効日時。トークンそのものは表示できません）/ list tokens.

    例: himozuke cases --store 山形市.db token list
    """
    from himozuke.cases.tokens import list_tokens

    with _session() as store:
        rows = list_tokens(store)
    table = Table("トークン名", "発行", "発行者", "失効")
    for t in rows:
        table.add_row(t.name, t.created_at, t.created_by, t.revoked_at or "")
    console.print(table)
