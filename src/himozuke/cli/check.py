"""``himozuke check`` and ``himozuke demo``."""

from __future__ import annotations

import contextlib
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from himozuke import memory
from himozuke.cli._app import app, console
from himozuke.errors import DiskFullError, is_disk_full
from himozuke.outputs import parse_formats

if TYPE_CHECKING:
    from himozuke.pipeline import RunSummary

# Polars (through the pipeline) is imported inside the commands, once the arguments are known: how its
# allocator is set depends on them (memory.keep_freed_memory).


class Engine(StrEnum):
    """``--engine``: where the check runs (the rules are the same; docs/spark.md)."""

    local = "local"
    spark = "spark"


def print_summary(summary: RunSummary, out: Path | str) -> None:
    """The end-of-run table: counts and % per class, and the row accounting."""
    from himozuke.match.classify import VERDICT_LABEL, Verdict
    from himozuke.pipeline import verdict_table

    table = Table(title=escape(f"点検結果 / result — {summary.business_file} [{summary.business_profile}] × "
                               f"{summary.registry_file} [{summary.registry_profile}]"))
    table.add_column("判定")
    table.add_column("区分")
    table.add_column("件数", justify="right")
    table.add_column("割合", justify="right")
    for v, n, share in verdict_table(summary):
        table.add_row(v, VERDICT_LABEL[Verdict(v)], f"{n:,}", f"{share:.1%}")
    console.print(table)
    if summary.resume:
        console.print(f"再開 / resume: {summary.resume}", soft_wrap=True)
    mark = "✓" if summary.accounted else "✗"
    console.print(f"{mark} 入力 {summary.rows_in:,} 行 = A + B + C + E = {sum(summary.counts.values()):,} 行"
                  f" / rows in == A + B + C + E")
    if summary.registry_rejected:
        console.print(f"[yellow]住基側ファイルに読めない行が {summary.registry_rejected} 行あります[/] "
                      f"(registry_rejects.csv)")
    console.print(f"団体の都道府県 / home prefecture: {summary.home_prefecture or '—'}（{summary.home_prefecture_source}）",
                  soft_wrap=True)
    if summary.body_code or summary.jimu:
        console.print(f"団体・事務 / body: {' '.join(x for x in (summary.body_code, summary.body_name, summary.jimu) if x)}"
                      f"（規則の版 {summary.rule_version}）", soft_wrap=True)
    if summary.scope:
        s = summary.scope
        console.print(f"点検の範囲 / scope: {s['scope']} — 点検対象 {s['in_scope']:,} 件、対象外 {s['excluded']:,} 件"
                      f"（{'、'.join(f'{r} {n:,}' for r, n in s['counts'].items() if n and r.startswith('対象外'))}）",
                      soft_wrap=True)
    speed = f"{summary.rows_per_second:,} 行/秒 ({summary.engine})" if summary.rows_per_second else summary.engine
    console.print(f"速度 / speed: {speed}")
    console.print("出力 / outputs: " + ", ".join(f"{str(out).rstrip('/')}/{o}" for o in summary.outputs))


@app.command()
def check(
    business: str = typer.Argument(..., help="業務側の点検用元ファイル（CSV / xlsx。--engine spark なら hdfs:// なども）"),
    registry: str = typer.Argument(..., help="住基側ファイル（J-LIS 結果 CSV など）"),
    out: str = typer.Option("result", "--out", "-o", help="出力フォルダ / output folder（spark: Hadoop URI 可）"),
    formats: str = typer.Option("csv,xlsx", "--formats", help="出力形式 csv,xlsx,parquet"),
    show_number: bool = typer.Option(False, "--show-number", help="個人番号を伏せずに出力 / do not mask numbers"),
    encoding: str | None = typer.Option(None, "--encoding", help="両ファイルの文字コード（既定: 自動判定）utf-8 / cp932"),
    business_encoding: str | None = typer.Option(None, "--business-encoding", help="業務側の文字コード"),
    registry_encoding: str | None = typer.Option(None, "--registry-encoding", help="住基側の文字コード"),
    business_profile: str | None = typer.Option(None, "--business-profile",
                                                help="業務側のレイアウト（組込み名か TOML。既定: 自動判定）"),
    registry_profile: str | None = typer.Option(None, "--registry-profile",
                                                help="住基側のレイアウト（jlis-result-csv, jlis-result-fixed など。既定: 自動判定）"),
    memory_limit: str | None = typer.Option(None, "--memory-limit",
                                            help="使うメモリの上限（例 4G。既定: 空きメモリの半分）。超えるならバケット分割"),
    buckets: int | None = typer.Option(None, "--buckets", min=1, help="バケット数を指定して分割照合 / force N buckets"),
    work_dir: Path | None = typer.Option(None, "--work-dir", help="分割照合の作業フォルダ（既定: OUT/.himozuke-work）"),
    resume: bool = typer.Option(False, "--resume", help="中断した分割照合を続きから / continue an interrupted run"),
    engine: Engine = typer.Option(Engine.local, "--engine",
                                  help="照合エンジン local / spark（Apache Spark。docs/spark.md）"),
    home_prefecture: str | None = typer.Option(
        None, "--home-prefecture",
        help="団体の都道府県（例 東京都）。都道府県の書かれていない同名の市区町村（府中市・伊達市・北区など）をこれで決める。"
             "既定: プロファイルの home_prefecture、なければ住基側の住所で最も多い都道府県"),
    body_code: str | None = typer.Option(None, "--body-code",
                                         help="団体コード（全国地方公共団体コード 5 桁か 6 桁）。run.json と報告書に記録"),
    body_name: str | None = typer.Option(None, "--body-name", help="団体名（既定: 団体コードから）"),
    jimu: str | None = typer.Option(None, "--jimu", help="事務（例 障害者手帳情報）。run.json と報告書に記録"),
    store: Path | None = typer.Option(None, "--store", help="B・C・E を案件として取り込むフォローアップ台帳（暗号化 DB）。"
                                                           "--body-code・--jimu・--user が必要"),
    user: str | None = typer.Option(None, "--user", help="台帳の利用者名（パスワードは環境変数 HIMOZUKE_PASSWORD か入力）"),
    passphrase_file: Path | None = typer.Option(None, "--passphrase-file",
                                                help="台帳のパスフレーズのファイル（既定: HIMOZUKE_PASSPHRASE か入力）"),
    scope: Path | None = typer.Option(None, "--scope", help="himozuke scope の出力フォルダ（対象.csv を照合するとき）。"
                                                           "範囲と対象外の件数・理由を run.json と報告書に記録"),
    baseline: Path | None = typer.Option(None, "--baseline",
                                         help="前回の出力フォルダ（--out と同じでよい）。変わった行とその番号・人に"
                                              "関わる行だけを照合し直し、差分を delta.csv に。終了コード 0: 新規 B・C なし、"
                                              "1: 新規 B・C あり（docs/recheck.md）"),
    digest_key: Path | None = typer.Option(None, "--digest-key",
                                           help="digests.parquet の鍵ファイル（既定: HIMOZUKE_DIGEST_KEY か "
                                                "~/.config/himozuke/digest.key。出力フォルダの外に置く）"),
) -> None:
    """業務側と住基側の4情報を照合し A/B/C/E に分類する（マニュアル §7(6)）。

    Compare each business record with the registry record of the same My Number and classify it.
    Inputs larger than the memory limit are checked bucket by bucket; a killed run continues with --resume.

    例 / example:  himozuke check 抽出.csv 住基結果.csv --out result/
    例 / example:  himozuke check 抽出.csv KEKKA.DAT --registry-profile jlis-result-fixed
    例 / example:  himozuke check hdfs:///c/抽出.csv hdfs:///c/住基結果.csv --engine spark --out hdfs:///c/out
    例 / example:  himozuke check 抽出.csv 住基結果.csv --body-code 062014 --jimu 障害者手帳情報 --store 台帳.db --user tanaka
    例 / example:  himozuke check 抽出.csv 住基結果.csv --out result/ --baseline result/   （定期の再点検）
    """
    from himozuke import identity

    run_body = identity.body(body_code, body_name, jimu)
    with contextlib.ExitStack() as stack:
        hand_over = _store_hand_over(stack, store, user, passphrase_file, run_body) if store else None
        summary = _check(business, registry, out, formats, show_number, encoding, business_encoding,
                         registry_encoding, business_profile, registry_profile, memory_limit, buckets, work_dir, resume,
                         engine, home_prefecture, run_body, hand_over, scope, baseline, digest_key)
    if summary.recheck is not None and summary.recheck["delta"].get("新規"):
        raise typer.Exit(1)  # for a scheduler: new B/C to follow up


def _store_hand_over(stack: contextlib.ExitStack, store: Path, user: str | None, passphrase_file: Path | None,
                     run_body):
    """Open the case store and log in *before* the check (a wrong passphrase or password costs no check), and
    return the hand-over that imports the run's B/C/E rows into it."""
    from himozuke.cases.store import import_result, open_store, passphrase_from
    from himozuke.cases.users import password_from
    from himozuke.errors import UsageError
    from himozuke.pipeline import store_identity

    if not (run_body.code and run_body.jimu and user):
        raise UsageError("--store には --body-code・--jimu・--user が必要です（案件は団体と事務ごとに管理します）",
                         "--store needs --body-code, --jimu and --user (cases are kept per body and 事務)")
    db = stack.enter_context(open_store(store, passphrase_from(passphrase_file)))
    who = db.login(user, password_from())

    def hand_over(cases, summary, resolved=None) -> None:
        run_id = import_result(db, cases, store_identity(summary), actor=who)
        console.print(f"台帳 / case store: {store} 実行 {run_id}、案件 {cases.height:,} 件（B・C・E）", soft_wrap=True)
        if resolved is not None:
            from himozuke.cases.workflow import mark_recheck_a
            from himozuke.formats.columns import MY_NUMBER

            marked = mark_recheck_a(db, who, run_body.code, run_body.jimu,
                                    resolved.get_column(MY_NUMBER).drop_nulls().to_list())
            console.print(f"台帳 / case store: 再点検で一致（A）となった案件 {len(marked):,} 件に印を付けました"
                          "（終了は担当者の提案と別の確認者の承認で）", soft_wrap=True)

    return hand_over


def _check(business, registry, out, formats, show_number, encoding, business_encoding, registry_encoding,
           business_profile, registry_profile, memory_limit, buckets, work_dir, resume, engine, home_prefecture,
           run_body, hand_over, scope_dir, baseline, digest_key) -> RunSummary:
    from himozuke.scope import read_summary

    fmts = parse_formats(formats)
    scope = read_summary(scope_dir) if scope_dir else None
    limit = memory.parse_size(memory_limit) if memory_limit else None
    # the engine, chosen once (before Polars loads: its allocator is set for an in-memory run) and passed down
    in_memory = None
    if engine is Engine.local:
        limit = limit or memory.default_memory_limit()  # "half of the memory available now", taken once for the run
        resuming = resume and memory.interrupted(memory.work_folder(out, work_dir))
        in_memory = memory.runs_in_memory((business, registry), memory_limit=limit, buckets=buckets, resume=resuming)
        # a re-check by lines (result.csv alone) holds its digests in memory whichever engine a full check would
        # take; one from whole files holds every row, when they fit (else it checks in full: pipeline.run_check)
        fits = memory.lines_fit if fmts == ("csv",) else memory.rows_fit
        rechecked = baseline is not None and fits((business, registry), limit)
        memory.keep_freed_memory(bucketed=not (in_memory or rechecked))
    from himozuke import identity

    # the inputs' SHA-256 (run.json) begin while Polars and the engine load, which leaves a core idle
    digests = identity.Digests({"business": Path(business), "registry": Path(registry)}) \
        if engine is Engine.local and scope is None else None
    from himozuke.pipeline import run_check
    from himozuke.recheck import load_key

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[speed]}"), TimeElapsedColumn(), TimeRemainingColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("開始 / starting", total=None, speed="")
        phases = {"read": "読み込み / reading", "partition": "分割 / partition", "check": "照合 / check",
                  "write": "出力 / writing"}
        started = time.perf_counter()

        def tick(phase: str, done: int, total: int, rows: int | None = None) -> None:
            speed = ""
            if rows:  # rows checked so far, over the run's time so far (both phases)
                speed = f"{rows:,} 行 {rows / max(time.perf_counter() - started, 1e-9):,.0f} 行/秒"
            bar.update(task, description=phases.get(phase, phase), completed=done, total=total, speed=speed)

        try:
            summary, _ = run_check(
                business, registry, out, formats=fmts, show_number=show_number,
                business_encoding=business_encoding or encoding, registry_encoding=registry_encoding or encoding,
                business_profile=business_profile, registry_profile=registry_profile,
                memory_limit=limit, buckets=buckets, work_dir=work_dir, resume=resume,
                progress=lambda msg: bar.update(task, description=msg, total=None), tick=tick, engine=engine.value,
                home_prefecture=home_prefecture, body=run_body, hand_over=hand_over, scope=scope, baseline=baseline,
                digest_key=load_key(digest_key) if digest_key else None, in_memory=in_memory, input_digests=digests,
            )
        except Exception as e:
            if not is_disk_full(e):
                raise
            # a bucketed run keeps its work folder, where most of its writing goes: once there is room there, it
            # goes on from the last bucket written
            bucketed = in_memory is False
            work = memory.work_folder(out, work_dir)
            folder = e.folder if isinstance(e, DiskFullError) else None
            if bucketed and (folder is None or Path(folder).is_relative_to(work)):
                folder = str(work)
            raise DiskFullError(folder or str(out), resumable=bucketed) from e
    print_summary(summary, out)
    if summary.recheck is not None:
        print_recheck(summary.recheck)
    return summary


def print_recheck(recheck: dict) -> None:
    """What the re-check did: carried and recomputed rows, or why it checked in full; the delta counts."""
    if recheck["used"]:
        console.print(f"再点検 / re-check: 前回 {escape(recheck['baseline'])} から {recheck['carried']:,} 行を引き継ぎ、"
                      f"{recheck['recomputed']:,} 行を照合し直しました", soft_wrap=True)
    else:
        console.print(f"[yellow]前回の結果を使えないため全件を照合しました[/] / full check: {escape(recheck['reason'])}",
                      soft_wrap=True)
    delta = recheck["delta"]
    console.print("差分 / delta.csv: " + "、".join(f"{k} {n:,}" for k, n in delta.items()), soft_wrap=True)


@app.command()
def demo(
    out: Path = typer.Option(Path("demo-output"), "--out", "-o", help="出力フォルダ / output folder"),
    people: int = typer.Option(2_000, "--people", help="合成する住民の数 / synthetic residents"),
    seed: int = typer.Option(2023, "--seed", help="乱数の種 / random seed"),
) -> None:
    """サンプルデータ（合成）で照会の往復と点検を一通り実行する。

    The whole round trip (manual §7(1)–(6)) on synthetic data: case ロ exports → merge → pre-flight →
    J-LIS request → simulated J-LIS (結果CSV and JIS90 fixed-length) → check → report. Realistic synthetic
    sample data (異体字, kana variants, address notations, planted typos, family
    swaps, moves, missing kana …), run the check on it, and compare with the planted answer key.

    例 / example:  himozuke demo --out demo-output
    """
    from himozuke.testing.demo import run_demo

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("サンプルデータ作成 / generating sample data")
        result = run_demo(out, people=people, seed=seed, progress=lambda msg: bar.update(task, description=msg))
    for i, (files, what) in enumerate(result.steps, start=1):
        console.print(f"{i}. {escape(files)} — {escape(what)}")
    print_summary(result.summary, out)
    console.print(f"仕込んだ行の答え合わせ / answer key: {result.expected_matched:,} / {result.expected_total:,} 行が期待どおり")
    auc, wrong, correct = result.priority
    if wrong and correct:
        console.print(f"優先度の順位 / priority ranking: 仕込んだ紐付け誤り {wrong:,} 件が他の B・C {correct:,} 件より先に来る"
                      f"確率 (AUC) = {auc:.3f}", soft_wrap=True)
    else:
        console.print("優先度の順位 / priority ranking: 仕込んだ紐付け誤りがなく測れません（--people を増やしてください）",
                      soft_wrap=True)
    from himozuke.testing.demo_cases import DEMO_PASSPHRASE, DEMO_PASSWORD, STORE

    console.print(f"台帳を見る / the case store: HIMOZUKE_PASSPHRASE={DEMO_PASSPHRASE} HIMOZUKE_PASSWORD={DEMO_PASSWORD} "
                  f"himozuke cases --store {out / STORE} --user tanaka list --state 未着手 --verdict C",
                  soft_wrap=True, highlight=False)
    from himozuke.testing.demo import SERVE, WEB_RUNS

    console.print("画面で見る / web UI（点検の結果を読み込み済み）:", highlight=False)
    console.print(SERVE.format(passphrase=DEMO_PASSPHRASE, store=out / STORE, runs=out / WEB_RUNS),
                  soft_wrap=True, highlight=False, markup=False)
    console.print(f"→ http://127.0.0.1:8000/ （利用者 kanri（管理者）・tanaka・suzuki、パスワード {DEMO_PASSWORD}）",
                  soft_wrap=True, highlight=False)
    if result.mismatched.height:
        console.print(result.mismatched.head(20))
