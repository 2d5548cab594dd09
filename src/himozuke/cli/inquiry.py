"""The inquiry round trip: ``himozuke profiles``, ``profile check``, ``extract merge``, ``validate``,
``jlis request`` / ``jlis simulate`` (issue 3, manual §7(1)–(4)). Commands register themselves on ``app``."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import typer
from rich.table import Table

from himozuke.cli._app import app, console, err_console
from himozuke.formats import columns as C
from himozuke.formats.merge import merge_files
from himozuke.formats.preview import preview
from himozuke.formats.profiles import builtin_profiles, load_profile
from himozuke.formats.tabular import REJECT_REASON

profile_app = typer.Typer(help="レイアウトプロファイル / layout profiles", no_args_is_help=True)
extract_app = typer.Typer(help="点検用元ファイルの作成 / building the check extract", no_args_is_help=True)
jlis_app = typer.Typer(help="住基ネット一括照会のファイル / J-LIS inquiry files", no_args_is_help=True)
app.add_typer(profile_app, name="profile")
app.add_typer(extract_app, name="extract")
app.add_typer(jlis_app, name="jlis")

_PROFILE_HELP = "プロファイル名または TOML ファイル（既定: 自動判定）/ profile name or TOML path"


def _frame_table(df: pl.DataFrame, title: str) -> Table:
    table = Table(title=title)
    for c in df.columns:
        table.add_column(c)
    for row in df.rows():
        table.add_row(*["" if v is None else str(v) for v in row])
    return table


@app.command("profiles")
def profiles() -> None:
    """組込みのレイアウトプロファイルを一覧する。List the built-in layout profiles.

    例 / example:  himozuke profiles
    """
    rows = [(p.name, p.format, p.encoding, p.role, "想定" if p.assumption else "", p.description)
            for p in (load_profile(n) for n in builtin_profiles())]
    console.print(_frame_table(pl.DataFrame(rows, schema=["名前", "形式", "文字コード", "役割", "仕様", "説明"],
                                            orient="row"), "プロファイル / profiles"))


@profile_app.command("check")
def profile_check(
    file: Path = typer.Argument(..., help="確認するファイル / file to map"),
    profile: str | None = typer.Option(None, "--profile", "-p", help=_PROFILE_HELP),
    rows: int = typer.Option(5, "--rows", "-n", help="表示する行数 / rows to show"),
    role: str = typer.Option("business", "--role", help="business / registry"),
) -> None:
    """ファイルの先頭行がどう標準レコードに対応するかを表示する（個人番号は伏せ字）。

    Show how the first rows of FILE map onto the standard record (numbers masked).

    例 / example:  himozuke profile check 福祉抽出.csv --profile vendor-fukushi-csv
    """
    v = preview(file, profile=profile, rows=rows, role=role)  # type: ignore[arg-type]
    console.print(f"プロファイル / profile: [bold]{v.profile}[/]（{'自動判定' if v.detected else '指定'}）文字コード: {v.encoding}")
    console.print(_frame_table(v.mapping, "対応 / mapping"))
    console.print(_frame_table(v.head, f"{file.name}: 先頭 {v.head.height} 行 / first rows"))
    if v.rejected:
        console.print(f"[yellow]読めない行 / unreadable rows: {v.rejected}[/]")


@extract_app.command("merge")
def extract_merge(
    address_book: Path = typer.Argument(..., help="宛名番号＋4情報のファイル / 宛名番号 + 4情報"),
    number_map: Path = typer.Argument(..., help="個人番号＋宛名番号のファイル / My Number + 宛名番号"),
    out: Path = typer.Option(..., "--out", "-o", help="出力する点検用元ファイル / merged extract"),
    address_profile: str | None = typer.Option(None, "--address-profile", help=_PROFILE_HELP),
    numbers_profile: str | None = typer.Option(None, "--numbers-profile", help=_PROFILE_HELP),
    encoding: str = typer.Option("utf-8", "--out-encoding", help="出力の文字コード utf-8 / cp932"),
) -> None:
    """ケースロ: 宛名番号で2つのファイルを結合する（マニュアル §7(1) ロ）。相手のない行は一覧に出す。

    Case ロ: join the address book and the number map on 宛名番号; rows without a partner and 宛名番号 with two
    numbers are listed in OUT.problems.csv, never dropped. Exit 1 when anything is listed.

    例 / example:  himozuke extract merge AddressBook.csv NumberMap.csv --out extract.csv
    """
    result = merge_files(address_book, number_map, out, address_profile=address_profile,
                         numbers_profile=numbers_profile, encoding=encoding)
    console.print(f"結合 / merged: {result.extract.height:,} 行 → {out}")
    if result.problems.height:
        counts = result.problems.group_by(REJECT_REASON).len("件数").sort("件数", descending=True)
        console.print(_frame_table(counts, "一覧に出した行 / listed rows"))
        console.print(f"一覧 / listing: {out.with_name(out.stem + '.problems.csv')}")
        raise typer.Exit(1)


@app.command("validate")
def validate_cmd(
    extract: Path = typer.Argument(..., help="点検用元ファイル / the extract"),
    profile: str | None = typer.Option(None, "--profile", "-p", help=_PROFILE_HELP),
    out: Path | None = typer.Option(None, "--out", "-o", help="明細 xlsx（既定: EXTRACT.validate.xlsx）"),
    encoding: str | None = typer.Option(None, "--encoding", help="文字コード utf-8 / cp932（既定: 自動判定）"),
) -> None:
    """照会前の点検: チェックデジット、欠けた項目、重複、日付、性別コード、外字、壊れた行。

    Pre-flight checks before the inquiry; a summary here and a line-by-line xlsx. Exit 1 when anything blocks
    the inquiry.

    例 / example:  himozuke validate extract.csv --out validate.xlsx
    """
    from himozuke.formats.validate import BLOCKER, KIND, validate_file, write_xlsx

    v = validate_file(extract, profile=profile, encoding=encoding)
    target = write_xlsx(v, out or extract.with_name(extract.stem + ".validate.xlsx"))
    console.print(_frame_table(v.summary(), f"{extract.name}: {v.rows:,} 行の点検 / pre-flight"))
    blockers = v.lines.filter(pl.col(KIND) == BLOCKER)[C.ROW].n_unique()
    console.print(f"照会できない行 / rows blocking the inquiry: {blockers:,}　明細 / details: {target}")
    if v.blocking:
        raise typer.Exit(1)


@jlis_app.command("request")
def jlis_request(
    extract: Path = typer.Argument(..., help="点検用元ファイル / the extract"),
    out: Path = typer.Option(..., "--out", "-o", help="個人番号検索要求CSVファイル / request CSV"),
    profile: str = typer.Option("jlis-request", "--profile", "-p", help="要求ファイルのプロファイル"),
    business_profile: str | None = typer.Option(None, "--business-profile", help=_PROFILE_HELP),
    encoding: str | None = typer.Option(None, "--encoding", help="抽出の文字コード（既定: 自動判定）"),
) -> None:
    """個人番号検索要求CSVファイル（Shift_JIS）を作る（マニュアル §7(2)①）。

    Write the J-LIS request CSV (layout: a profile; see docs/jlis-profile.md). Records that cannot make a
    4-information (or 3 without 性別) inquiry are not written but listed in OUT.blocked.csv.

    例 / example:  himozuke jlis request extract.csv --out request.csv
    """
    from himozuke.formats.jlis import write_request
    from himozuke.formats.records import csv_bytes, write_atomic

    s = write_request(extract, out, profile=profile, business_profile=business_profile, encoding=encoding)
    console.print(f"要求 / request: 4情報 {s.four:,} 件、3情報 {s.three:,} 件 → {out}")
    listed = pl.concat([s.blocked, s.rejects])
    if listed.height:
        target = out.with_name(out.stem + ".blocked.csv")
        write_atomic(target, csv_bytes(listed, "utf-8"))
        err_console.print(f"[yellow]照会できない行 / not requested: {listed.height:,} 件[/] → {target}")


@jlis_app.command("simulate")
def jlis_simulate(
    request: Path = typer.Argument(..., help="個人番号検索要求CSVファイル / request CSV"),
    register: Path = typer.Option(..., "--register", help="合成住民票 CSV（標準列＋状態）/ synthetic register"),
    out: Path = typer.Option(..., "--out", "-o", help="結果CSVファイル / result CSV (cp932)"),
    out_fixed: Path | None = typer.Option(None, "--out-fixed", help="本人確認情報照会結果ファイル（JIS90固定長）"),
) -> None:
    """テスト用: 合成住民票から J-LIS の回答を作る（結果CSV と JIS90 固定長）。

    For tests and demos: answer a request file from a synthetic register, in both result forms.

    例 / example:  himozuke jlis simulate request.csv --register register.csv --out result.csv --out-fixed result.dat
    """
    from himozuke.testing.jlis import read_register, simulate_jlis

    sim = simulate_jlis(request, read_register(register), out, out_fixed)
    console.print("回答 / answers: " + "、".join(f"{k} {v:,}" for k, v in sim.counts.items()) + f" → {out}"
                  + (f", {out_fixed}" if out_fixed else ""))
