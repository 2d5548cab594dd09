"""``himozuke lookup …`` — find a 個人番号 from the 4情報 (「マイナンバー情報総点検について」§3 再発防止対策), one
application or a file of them, and record the officer's choice among several candidates (docs/lookup.md)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import typer
from rich.table import Table

from himozuke.cli._app import app, console, err_console
from himozuke.errors import UsageError

lookup_app = typer.Typer(help="4情報による個人番号の照会 / look a My Number up by the 4 information items",
                         no_args_is_help=True)
app.add_typer(lookup_app, name="lookup")

_REGISTRY_PROFILE = "住基側のレイアウトプロファイル（既定: 自動判定）/ register layout profile"
_HOME = "団体の都道府県（既定: 住基側の住所で最も多い都道府県）/ the body's prefecture"
_SHOW = "個人番号を全桁で表示・出力 / show full numbers"


def _fields(values: list[str]) -> dict[str, str]:
    from himozuke.formats import columns as C

    items: dict[str, str] = {}
    for v in values:
        key, sep, value = v.partition("=")
        if not sep or key.strip() not in C.ITEMS:
            raise UsageError(f"--field は 項目=値 の形で、項目は {'・'.join(C.ITEMS)} です（指定: {key.strip()}）",
                             f"--field takes ITEM=VALUE with ITEM one of {', '.join(C.ITEMS)}")
        items[key.strip()] = value
    return items


def _candidates_table(result, title: str, show_number: bool) -> Table:
    """項目 × (申請, 候補1, 候補2 …): each cell the value and, for a candidate, the item verdict."""
    from himozuke.formats import columns as C
    from himozuke.match import lookup as L

    rows = L.displayed(result, show_number=show_number).to_dicts()  # the candidates of one application: a handful
    table = Table("項目", "申請", *(f"候補{r[L.CANDIDATE]}" for r in rows), title=title)
    table.add_row(C.MY_NUMBER, "", *(r[C.MY_NUMBER] for r in rows))
    for i in C.ITEMS:
        cells = [f"{r[C.registry(i)] or ''}（{r[C.item_verdict(i)] or '照会に使わない'}）" for r in rows]
        table.add_row(i, rows[0][C.business(i)] or "", *cells)
    return table


@lookup_app.command("one")
def lookup_one(
    register: Path = typer.Argument(..., help="住基側の抽出（check と同じ形式）/ resident-register extract"),
    field: list[str] = typer.Option([], "--field", "-f", help="項目=値（漢字氏名・カナ氏名・生年月日・性別・住所）"),
    out: Path | None = typer.Option(None, "--out", "-o", help="結果を CSV にも書く（lookup choose で使う）"),
    registry_profile: str | None = typer.Option(None, "--registry-profile", help=_REGISTRY_PROFILE),
    registry_encoding: str | None = typer.Option(None, "--registry-encoding", help="住基側の文字コード"),
    home_prefecture: str | None = typer.Option(None, "--home-prefecture", help=_HOME),
    show_number: bool = typer.Option(False, "--show-number", help=_SHOW),
) -> None:
    """一件の申請の4情報（性別がなければ3情報）で住基側を照会する。

    One application's items → 該当 (its number), 複数該当 (every candidate and what tells them apart — never
    one picked; choose with `himozuke lookup choose`), 該当なし (E). Fewer items than a 3-information inquiry
    needs are refused with the reason. Exit 0 該当, 1 複数該当 or 該当なし, 2 refused or unusable input.

    例 / example:  himozuke lookup one 住基.csv -f 漢字氏名=山田太郎 -f カナ氏名=ヤマダタロウ -f 生年月日=S63.1.15 -f 性別=男 -f 住所=千代田区霞が関1-1-1
    """
    import polars as pl

    from himozuke.formats import columns as C
    from himozuke.formats.jlis import INQUIRY_KIND
    from himozuke.match import lookup as L

    items = _fields(field)
    reg = L.load_register(register, profile=registry_profile, encoding=registry_encoding,
                          home_prefecture=home_prefecture)
    frame = pl.DataFrame({C.ROW: [1], **{i: pl.Series([items.get(i)], dtype=pl.String) for i in C.ITEMS}})
    result = L.lookup_frame(frame, reg, prefix=L.single_prefix())
    first = result.row(0, named=True)
    outcome = L.Outcome(first[C.INQUIRY_RESULT])
    if outcome is L.Outcome.REFUSED:
        raise UsageError(f"照会できません: {first[L.REASON_DETAIL]}", "the inquiry is refused (fewer than 3 items)")
    if out is not None:
        L.write_result(result, out, show_number=show_number)
    console.print(f"照会番号 / inquiry: {first[L.INQUIRY_ID]}（{first[INQUIRY_KIND]}） 照会結果 / outcome: {outcome}",
                  soft_wrap=True, highlight=False)
    if outcome is L.Outcome.NONE:
        console.print(first[L.REASON_DETAIL], soft_wrap=True, highlight=False)
        raise typer.Exit(1)
    console.print(_candidates_table(result, f"候補 {result.height} 人 / candidates", show_number))
    for r in result.iter_rows(named=True):  # a handful of rows
        if r[L.REASON_DETAIL]:
            console.print(f"候補{r[L.CANDIDATE]}: {r[L.REASON_DETAIL]}", soft_wrap=True, highlight=False)
    if outcome is L.Outcome.SEVERAL:
        console.print(f"[yellow]複数該当: 候補を区別する項目 / differing items: {first[L.DIFFERING] or '（なし）'}。"
                      "追加の情報で本人を確かめ、himozuke lookup choose で選んだ候補と根拠を記録してください[/]",
                      soft_wrap=True, highlight=False)
        raise typer.Exit(1)


@lookup_app.command("batch")
def lookup_batch(
    applications: Path = typer.Argument(..., help="申請のファイル（CSV cp932 / UTF-8、xlsx。4情報の列）"),
    register: Path = typer.Argument(..., help="住基側の抽出（check と同じ形式）/ resident-register extract"),
    out: Path = typer.Option(..., "--out", "-o", help="照会結果ファイル（CSV、BOM 付き UTF-8）"),
    profile: str | None = typer.Option(None, "--profile", help="申請ファイルのレイアウトプロファイル"),
    encoding: str | None = typer.Option(None, "--encoding", help="申請ファイルの文字コード（既定: 自動判定）"),
    registry_profile: str | None = typer.Option(None, "--registry-profile", help=_REGISTRY_PROFILE),
    registry_encoding: str | None = typer.Option(None, "--registry-encoding", help="住基側の文字コード"),
    home_prefecture: str | None = typer.Option(None, "--home-prefecture", help=_HOME),
    show_number: bool = typer.Option(False, "--show-number", help=_SHOW),
) -> None:
    """申請のファイルをまとめて4情報で照会し、照会結果ファイルを書く。

    A file of applications → one result row per application per outcome (複数該当: one row per candidate,
    sharing a 照会番号), written atomically. Every input line ends in 該当 / 複数該当 / 該当なし / 照会不可
    (with the guideline's reason) / 読めない行 (with the reader's reason).

    例 / example:  himozuke lookup batch 申請.csv 住基.csv --out 照会結果.csv
    """
    from himozuke.match import lookup as L

    s = L.lookup_file(applications, register, out, profile=profile, encoding=encoding,
                      registry_profile=registry_profile, registry_encoding=registry_encoding,
                      home_prefecture=home_prefecture, show_number=show_number)
    console.print(f"住基側 / register: {s.register.name} 使える行 {s.register.rows.height:,}"
                  + (f"（使えない行 {s.register.unusable:,}: 読めない・該当以外・番号不正）" if s.register.unusable else "")
                  + f"、団体の都道府県 {s.register.home_prefecture or '不明'}（{s.register.home_source}）",
                  soft_wrap=True, highlight=False)
    table = Table("照会結果", "件数", title=f"申請 {s.rows:,} 件（照会番号 {s.prefix}-行番号）")
    for outcome, n in s.counts.items():
        table.add_row(outcome, f"{n:,}")
    console.print(table)
    console.print(f"出力 / output: {out}", soft_wrap=True, highlight=False)
    if s.counts[str(L.Outcome.SEVERAL)]:
        err_console.print("[yellow]複数該当は候補を自動では選びません。追加の情報で確かめ、himozuke lookup choose で"
                          "記録してください[/]", soft_wrap=True, highlight=False)


@lookup_app.command("choose")
def lookup_choose(
    store: Path = typer.Option(..., "--store", envvar="HIMOZUKE_STORE", help="フォローアップ台帳（暗号化 DB）"),
    user: str = typer.Option(..., "--user", help="台帳の利用者名（パスワードは環境変数 HIMOZUKE_PASSWORD か入力）"),
    result: Path = typer.Option(..., "--result", help="lookup batch / one --out が書いた照会結果ファイル"),
    inquiry: str = typer.Option(..., "--inquiry", help="照会番号（例 L1a2b3c4d-12）"),
    candidate: int = typer.Option(..., "--candidate", help="選んだ候補番号（1 から）"),
    basis: str = typer.Option(..., "--basis", help="選んだ根拠（確認した書類・本人への確認など。個人番号は書かない）"),
    passphrase_file: Path | None = typer.Option(None, "--passphrase-file", help="パスフレーズのファイル"),
) -> None:
    """複数該当の候補から選んだ一人を、誰が・何を根拠に選んだかとともに監査証跡に記録する。

    Record the officer's choice among the candidates of a 複数該当 inquiry — who, which candidate, on what
    information — in the case store's tamper-evident audit trail (the number masked).

    例 / example:  himozuke lookup choose --store 台帳.db --user tanaka --result 照会結果.csv --inquiry L1a2b3c4d-12 --candidate 2 --basis "窓口で運転免許証を確認"
    """
    from himozuke.cases.choice import record_choice
    from himozuke.cases.store import open_store, passphrase_from
    from himozuke.cases.users import password_from

    with contextlib.ExitStack() as stack:
        db = stack.enter_context(open_store(store, passphrase_from(passphrase_file)))
        who = db.login(user, password_from())
        c = record_choice(db, who, result, inquiry, candidate, basis)
    console.print(f"記録しました / recorded: 照会 {c.inquiry} 候補 {c.candidate}/{c.candidates}（{c.masked}）"
                  f" 選択者 {who.name}、監査 seq {c.seq}", soft_wrap=True, highlight=False)


@lookup_app.command("choices")
def lookup_choices(
    store: Path = typer.Option(..., "--store", envvar="HIMOZUKE_STORE", help="フォローアップ台帳（暗号化 DB）"),
    user: str = typer.Option(..., "--user", help="台帳の利用者名（パスワードは環境変数 HIMOZUKE_PASSWORD か入力）"),
    inquiry: str | None = typer.Option(None, "--inquiry", help="この照会番号の選択だけ"),
    passphrase_file: Path | None = typer.Option(None, "--passphrase-file", help="パスフレーズのファイル"),
) -> None:
    """記録された候補の選択（誰が・いつ・どの照会のどの候補を・何を根拠に）を一覧する。

    List the recorded choices among 複数該当 candidates, from the audit trail (numbers masked).

    例 / example:  himozuke lookup choices --store 台帳.db --user tanaka --inquiry L1a2b3c4d-12
    """
    from himozuke.cases.choice import choices
    from himozuke.cases.store import open_store, passphrase_from
    from himozuke.cases.users import password_from

    with open_store(store, passphrase_from(passphrase_file)) as db:
        db.login(user, password_from())
        found = choices(db, inquiry)
    table = Table("seq", "日時", "選択者", "照会番号", "候補", "個人番号", "相違項目", "根拠", "照会結果ファイル",
                  title=f"候補の選択 {len(found):,} 件")
    for c in found:
        table.add_row(str(c["seq"]), c["at"], c["actor"], c["inquiry"], f"{c['candidate']}/{c['candidates']}",
                      c["number"], c["differing"] or "", c["basis"], c["result_file"])
    console.print(table)
