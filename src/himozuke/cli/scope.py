"""``himozuke scope`` — which records of an extract must be checked (「総点検マニュアル」第2.1版 §5)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from himozuke.cli._app import app, console
from himozuke.errors import UsageError

_YES_NO = {"有": True, "あり": True, "yes": True, "無": False, "なし": False, "no": False}


def _yes_no(value: str | None, option: str) -> bool | None:
    if value is None:
        return None
    if value.strip().lower() not in _YES_NO:
        raise UsageError(f"{option} は 有 か 無 で指定してください（指定: {value}）", f"{option} takes 有 or 無 (got {value!r})")
    return _YES_NO[value.strip().lower()]


@app.command("scope")
def scope(
    extract: Path = typer.Argument(..., help="業務側の点検用元ファイル（取得経路・住登区分・確認書類の列があれば使う）"),
    out: Path = typer.Option(..., "--out", "-o", help="出力フォルダ（対象.csv・対象外.csv・scope.json）"),
    body_type: str | None = typer.Option(None, "--body-type", help="組織区分: 都道府県 / 市区町村 / 広域連合等 / 労働基準監督署"),
    auto_link: str | None = typer.Option(None, "--auto-link", help="住基との自動連携の有無: 有 / 無"),
    auto_link_used: str | None = typer.Option(None, "--auto-link-used",
                                              help="自動連携による紐付けの実施の有無: 有 / 無（既定: 有。記録ごとの取得経路で決める）"),
    footnote5: bool = typer.Option(False, "--footnote5",
                                   help="確認書類の列で明確に区分できる（§5 注5）: 書類で4情報を確認済みの記録を対象外にする"),
    survey: Path | None = typer.Option(None, "--survey", help="実態調査の調査票（回答済み .xlsx）。団体の区分・自動連携の有無・"
                                                             "判定をここから読む（--body-type・--auto-link とは併用しない）"),
    profile: str | None = typer.Option(None, "--profile", help="レイアウトプロファイル（既定: 自動判定）"),
    encoding: str | None = typer.Option(None, "--encoding", help="文字コード（既定: 自動判定）"),
) -> None:
    """点検の範囲（マニュアル §5）で抽出を分ける: 点検する記録と、対象外の記録とその理由。

    Split an extract into the records that must be checked and the excluded ones, each with its reason
    (manual §5(2) by body type, the record's 取得経路; a missing or 不明 取得経路 stays in scope).

    例 / example:  himozuke scope 抽出.csv --body-type 市区町村 --auto-link 有 --out 範囲/
    例 / example:  himozuke scope 抽出.csv --survey 調査票_障害者手帳.xlsx --out 範囲/
    """
    from himozuke.scope import BodyType, facts_from_survey, run_scope

    facts_from, not_needed, installed = "オプション / options", False, _yes_no(auto_link, "--auto-link")
    if survey is not None:
        if body_type is not None or auto_link is not None:
            raise UsageError("--survey の調査票から読むので、--body-type・--auto-link は指定しないでください（一度だけ聞きます）",
                             "--survey gives the body's facts: leave out --body-type and --auto-link")
        facts = facts_from_survey(survey)
        body_type, installed, not_needed, facts_from = facts.body_type, facts.installed, facts.not_needed, \
            facts.description

    if body_type is not None and body_type not in [b.value for b in BodyType]:
        raise UsageError(f"--body-type は {'・'.join(b.value for b in BodyType)} のどれかです（指定: {body_type}）",
                         f"--body-type must be one of {', '.join(b.value for b in BodyType)}")
    result = run_scope(extract, out, body_type=body_type, installed=installed,
                       used=_yes_no(auto_link_used, "--auto-link-used"), footnote5=footnote5, profile=profile,
                       encoding=encoding, facts_from=facts_from, not_needed=not_needed)
    console.print(f"団体の事実 / facts: {result.facts_from}", soft_wrap=True, highlight=False)
    console.print(f"点検の範囲 / scope: {result.scope}（{result.cite}）", soft_wrap=True, highlight=False)
    table = Table("理由", "件数", title=f"対象 {result.in_scope:,} 件・対象外 {result.excluded:,} 件")
    for reason, n in result.counts.items():
        table.add_row(reason, f"{n:,}")
    console.print(table)
    if result.unreadable:
        console.print(f"[yellow]読めない行が {result.unreadable} 行あります（読めない行.csv）: 直してから範囲を決め直してください[/]")
    console.print("出力 / outputs: " + ", ".join(str(out / f) for f in result.files), soft_wrap=True)
    if result.unreadable:
        raise typer.Exit(1)
