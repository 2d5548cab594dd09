"""``himozuke report …`` — the monthly progress report (定期報告, manual §7(8)) and the national roll-up."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from himozuke.cli._app import app, console
from himozuke.errors import UsageError

report_app = typer.Typer(help="定期報告と全国集計 / monthly progress report and national roll-up",
                         no_args_is_help=True)
app.add_typer(report_app, name="report")


@report_app.command("progress")
def progress(
    store: Annotated[Path, typer.Option("--store", help="フォローアップ台帳 (暗号化 DB)")],
    month: Annotated[str, typer.Option("--month", help="報告月 YYYY-MM")],
    out: Annotated[Path, typer.Option("--out", help="出力フォルダ")],
    passphrase_file: Annotated[Path | None, typer.Option(
        "--passphrase-file", help="台帳のパスフレーズのファイル（既定: 環境変数 HIMOZUKE_PASSPHRASE か入力）")] = None,
) -> None:
    """月次の進捗報告ブックを作成する (manual §7(8)) / write the monthly progress workbook.

    例: himozuke report progress --store 台帳.db --month 2023-11 --out 報告/
    """
    # The case store (and SQLCipher) load only for this command.
    from himozuke.cases.progress import progress_rows
    from himozuke.cases.store import open_store, passphrase_from
    from himozuke.report.progress import check_month, progress_file_name, write_progress

    check_month(month)
    from himozuke.cases.audit import head

    with open_store(store, passphrase_from(passphrase_file)) as db:
        rows, audit_head = progress_rows(db, month), head(db)
    path = write_progress(rows, month, out / progress_file_name(rows, month), audit_head=audit_head)
    console.print(f"進捗報告（{month}、{len({r.body_code for r in rows})} 団体・{len(rows)} 行）: {path}",
                  highlight=False)


def _notes(values: list[str]) -> dict[str, str]:
    notes = {}
    for value in values:
        jimu, sep, note = value.partition("=")
        if not sep or not jimu or not note:
            raise UsageError(f"--note は 事務=注記 の形で指定してください: {value}",
                             f"--note must be 事務=note: {value!r}")
        notes[jimu] = note
    return notes


def _table(header: tuple[tuple[str, ...], ...], rows: list[tuple[str, ...]], title: str) -> Table:
    t = Table(*(" ".join(filter(None, col)) for col in zip(*header, strict=True)), title=title)
    t.columns[0].overflow = "fold"  # a 事務 name is read whole, never cut to 「…」
    for col in t.columns[1:]:
        col.justify = "right"
        col.no_wrap = True
    for row in rows:
        t.add_row(*row)
    return t


@report_app.command("national")
def national(
    folder: Annotated[Path, typer.Argument(help="各団体の進捗報告ブック (.xlsx) のフォルダ")],
    out: Annotated[Path, typer.Option("--out", help="出力フォルダ (national.xlsx)")],
    month: Annotated[str | None, typer.Option("--month", help="この月までの最新の報告で集計 (YYYY-MM)")] = None,
    note: Annotated[list[str] | None, typer.Option(
        "--note", help="点検対象機関数の注記 事務=注記（例: 共済年金情報=全団体）。繰り返し可")] = None,
) -> None:
    """進捗報告を全国集計し「マイナンバー情報総点検について（全体像）」の表にする / national roll-up.

    例: himozuke report national 報告/ --out 集計/ --note 障害者手帳情報=全自治体

    終了コード 1: 読めないファイルまたは食い違う報告がある（集計からは除外）。
    """
    from himozuke.report.national import (
        BODIES_HEADER,
        WRONG_LINKS_HEADER,
        national_from_dir,
        write_national,
    )

    tables = national_from_dir(folder, month=month, body_notes=_notes(note or []))
    path = write_national(tables, out / "national.xlsx")
    console.print(_table(WRONG_LINKS_HEADER, tables.wrong_links_rows(), "総点検で判明した紐付け誤り"))
    console.print(_table(BODIES_HEADER, tables.bodies_rows(), "点検対象機関数・点検対象件数"))
    console.print(f"全国集計: {path}", highlight=False)
    for problem in tables.problems:
        console.print(f"  除外: {problem}", highlight=False, soft_wrap=True)
    if tables.problems:
        raise typer.Exit(1)
