"""``himozuke survey …`` — the fact-finding survey (実態調査). See issues 6 and 23."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from himozuke.cli._app import app, console
from himozuke.survey import spec

# The workbook modules (openpyxl: 0.2 s to import) are imported by the commands that use them, so that
# ``himozuke check`` does not pay for them.

survey_app = typer.Typer(help="実態調査: 調査票の作成・回収・判定 / the fact-finding survey", no_args_is_help=True)
app.add_typer(survey_app, name="survey")


@survey_app.command("form")
def form(
    seido: Annotated[str, typer.Option("--制度", "--seido", help=f"制度: {', '.join(spec.variant_keys())} か制度等の名称")],
    out: Annotated[Path, typer.Option("--out", help="書き出す調査票 (.xlsx)")],
) -> None:
    """調査票様式を作成する / write an answer sheet.

    例: himozuke survey form --制度 kenshin --out 調査票様式_自治体検診.xlsx
    """
    from himozuke.survey.form import write_form

    path = write_form(seido, out)
    console.print(f"調査票を作成しました: {path}")


def _summary_table(rows) -> Table:
    from himozuke.survey.decide import SUMMARY_COLUMNS, summary

    t = Table(*SUMMARY_COLUMNS)
    for line in summary(rows):
        t.add_row(*(str(x) for x in line))
    return t


@survey_app.command("collect")
def collect(
    folder: Annotated[Path, typer.Argument(help="回収した調査票のフォルダ")],
    out: Annotated[Path, typer.Option("--out", help="一覧表 (.xlsx)、またはフォルダ（「【神奈川県】マイナンバーアンケート回答.xlsx」"
                                                    "のように提出用の名前で書き出す）。差戻し用のエラー一覧は <名前>_差戻し/ に出力")],
    name: Annotated[str | None, typer.Option("--name", help="一覧表のシート名（例: 13東京 → 【13東京局】）")] = None,
    per_seido: Annotated[bool, typer.Option("--制度ごと", "--per-seido",
                                            help="制度等ごとに一覧表を分ける（--out のフォルダに <制度等>/ を作る）")] = False,
) -> None:
    """回収した調査票を検証し一覧表（別添4）にまとめる / validate returned sheets into the 一覧表.

    himozuke の調査票様式も、省庁の調査票様式（別添3）も読む（「一覧用」シートの2行目）。

    例: himozuke survey collect 回収/ --out 提出/

    例: himozuke survey collect 回収/ --out 提出/ --制度ごと

    終了コード 1: エラーのある調査票または読めないファイルがある。
    """
    from himozuke.survey.collect import collect as _collect
    from himozuke.survey.collect import split_by_seido, write_collection

    c = _collect(folder, name=name)
    parts = [(out / seido, part) for seido, part in split_by_seido(c)] if per_seido else [(out, c)]
    for target, part in parts:
        path = write_collection(part, target)
        console.print(f"{part.name}: 調査票 {len(part.sheets)} 件 → {path}", highlight=False)
    bad = sum(s.errors > 0 for s in c.sheets)
    console.print(f"{c.name}: 調査票 {len(c.sheets)} 件（うちエラーあり {bad} 件）、読込不可 {len(c.unreadable)} 件",
                  highlight=False)
    for f, reason in c.unreadable:
        console.print(f"  読込不可: {f}: {reason}", highlight=False)
    if bad or c.unreadable:
        raise typer.Exit(1)


@survey_app.command("decide")
def decide(
    table: Annotated[Path, typer.Argument(help="一覧表 (.xlsx)")],
    out: Annotated[Path | None, typer.Option("--out", help="判定結果 (.xlsx)。既定: <一覧表>_判定.xlsx")] = None,
) -> None:
    """個別データの点検の要否と範囲を判定する (総点検マニュアル §3(1), §5(2)) / decide who must check.

    判定の区分: 点検要・点検不要（マニュアルによる）、点検要（回答不備のため）・点検要（慎重な解釈のため）（マニュアル外）。

    例: himozuke survey decide 【神奈川県】マイナンバーアンケート回答.xlsx
    """
    from himozuke.survey.decide import decide_collection, write_decisions

    rows = decide_collection(table)
    path = write_decisions(rows, out or table.with_name(f"{table.stem}_判定.xlsx"))
    console.print(_summary_table(rows))
    console.print(f"判定結果: {path}")


@survey_app.command("demo")
def demo(out: Annotated[Path, typer.Option("--out", help="出力フォルダ")] = Path("demo-output/survey")) -> None:
    """調査票の作成→記入→回収→判定を生成データで実演する / run the whole survey on generated sheets.

    例: himozuke survey demo --out demo-output/survey
    """
    from himozuke.survey.demo import run_demo

    for run in run_demo(out):
        console.print(f"{run.collector}: 調査票 {run.sheets} 件（エラーあり {run.with_errors} 件、"
                      f"読込不可 {run.unreadable} 件） → {run.table.name}, {run.decisions.name}", highlight=False)
        console.print(_summary_table(run.decided))
    console.print(f"出力: {out}")
