"""``himozuke demo``: the whole inquiry round trip on synthetic data, with the answer key compared.

Manual §7(1)–(6), in order, each step's file written into ``out``:

1. ``01_宛名簿.csv`` (cp932, 宛名番号 + 4情報) and ``02_番号対応.csv`` (個人番号 + 宛名番号) — case ロ exports;
2. ``03_点検用元ファイル.csv`` — their merge (rows without a partner listed in ``…problems.csv``);
   ``03_点検範囲/`` — its records in scope (manual §5(2)ロa, a 市区町村 with automatic linkage: the records linked
   by it are left out), ``対象.csv`` being what the following steps check;
3. ``04_事前点検.xlsx`` — pre-flight validation;
4. ``05_照会要求.csv`` — the 個人番号検索要求CSVファイル (cp932; layout profile ``jlis-request``);
5. ``06_照会結果.csv`` / ``06_照会結果.DAT`` — the simulated J-LIS's answer, as 結果CSV and as the
   fixed-length JIS90 本人確認情報照会結果ファイル;
6. ``result.csv``, ``report.xlsx`` — the check of the extract against the JIS90 result file;
7. ``cases.db``, ``progress/`` — the B/C/E rows in the encrypted case store, a few worked by two officers,
   and the month's progress report (:mod:`himozuke.testing.demo_cases`);
8. ``web-runs/<id>/`` — the check's outputs (with ``result.parquet``) as a run of ``himozuke serve --runs
   web-runs``, its 結果 page one command away (:data:`SERVE`);

plus ``answer_key.csv`` (the planted kind of every row and the class it must get — E for a row the request could
not carry, e.g. an unreadable 生年月日: J-LIS never answered it). Everything is synthetic: no real person's data.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from himozuke import identity
from himozuke.formats import columns as C
from himozuke.formats.jlis import write_request
from himozuke.formats.merge import merge_files
from himozuke.formats.validate import validate_file, write_xlsx
from himozuke.match.classify import Verdict
from himozuke.pipeline import RunSummary, run_check
from himozuke.report.tables import write_csv
from himozuke.scope import AUTO, DOCUMENTS, IN_FILE, Reason, read_summary, run_scope
from himozuke.testing.jlis import simulate_jlis, write_case_ro
from himozuke.testing.perturb import EXPECTED, PLANTED, business_copy, priority_auc
from himozuke.testing.population import generate_population

#: The folder of ``himozuke serve --runs`` the demo leaves its run in.
WEB_RUNS = "web-runs"
#: The one command that shows the demo in the browser (format with ``out``; the passphrase is the demo's own).
SERVE = ("HIMOZUKE_PASSPHRASE={passphrase} himozuke serve --store {store} --runs {runs}")

#: The demo's body and 事務 (a synthetic register: the code only names the run).
DEMO_BODY, DEMO_JIMU = "13101", "障害者手帳情報"
FILES = {
    "book": "01_宛名簿.csv",
    "map": "02_番号対応.csv",
    "extract": "03_点検用元ファイル.csv",
    "scope": "03_点検範囲",
    "validation": "04_事前点検.xlsx",
    "request": "05_照会要求.csv",
    "result_csv": "06_照会結果.csv",
    "result_fixed": "06_照会結果.DAT",
}


@dataclass
class DemoResult:
    summary: RunSummary
    out: Path
    steps: list[tuple[str, str]]  # (file, what happened) per step, for the printout
    expected_matched: int
    expected_total: int
    mismatched: pl.DataFrame  # planted rows whose 判定 differs from the answer key (should be empty)
    #: 優先度 against the planted truth: (AUC, wrong links, other B/C rows) — see ``perturb.priority_auc``
    priority: tuple[float, int, int] = (float("nan"), 0, 0)


def run_demo(out: str | os.PathLike, *, people: int = 2_000, seed: int = 2023,
             progress: Callable[[str], None] | None = None) -> DemoResult:
    """Generate a register and a business copy, then run every step of the round trip and the check."""
    say = progress or (lambda _msg: None)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    f = {k: out / v for k, v in FILES.items()}
    say("合成データ / synthetic data")
    pop = generate_population(people, seed=seed)
    business = business_copy(pop, seed=seed)
    steps: list[tuple[str, str]] = []

    write_case_ro(with_linkage(business, seed).select(*C.STANDARD, *LINKAGE), f["book"], f["map"])
    steps.append((f"{FILES['book']}, {FILES['map']}", f"業務システムと統合宛名の出力（ケースロ） {business.height:,} 行"))
    say("マージ / merge")
    merged = merge_files(f["book"], f["map"], f["extract"])
    steps.append((FILES["extract"], f"宛名番号でマージ {merged.extract.height:,} 行、要確認 {merged.problems.height} 行"))
    say("点検範囲 / scope")
    scope = run_scope(f["extract"], f["scope"], body_type="市区町村", installed=True)
    checked = f["scope"] / IN_FILE
    steps.append((f"{FILES['scope']}/", f"点検の範囲（§5(2)ロa）: 対象 {scope.in_scope:,} 件・対象外 {scope.excluded:,} 件"
                                       f"（自動連携で取得 {scope.counts[Reason.OUT_AUTO.value]:,}、取得経路不明で対象に残す "
                                       f"{scope.counts[Reason.IN_ROUTE_UNKNOWN.value]:,}）"))
    say("事前点検 / pre-flight")
    validation = validate_file(checked)
    write_xlsx(validation, f["validation"])
    steps.append((FILES["validation"], f"事前点検の指摘 {validation.lines.height:,} 件"
                                       f"（照会を止めるもの {'あり' if validation.blocking else 'なし'}）"))
    say("照会要求 / request")
    request = write_request(checked, f["request"])
    steps.append((FILES["request"], f"4情報 {request.four:,} 件・3情報 {request.three:,} 件、"
                                    f"照会できない {request.blocked.height} 件"))
    say("住基ネット（模擬） / simulated J-LIS")
    answer = simulate_jlis(f["request"], pop, f["result_csv"], f["result_fixed"])
    counts = "、".join(f"{k} {v:,}" for k, v in answer.counts.items())
    steps.append((f"{FILES['result_csv']}, {FILES['result_fixed']}", f"照会結果 {counts}"))
    say("照合 / check")
    summary, result = run_check(checked, f["result_fixed"], out, formats=("csv", "xlsx", "parquet"), progress=progress,
                                body=identity.body(DEMO_BODY, jimu=DEMO_JIMU), scope=read_summary(f["scope"]))
    steps.append(("result.csv, report.xlsx", "照合と A/B/C/E の分類（JIS90 固定長の結果ファイルから）"))
    say("フォローアップ / follow-up")
    from himozuke.testing.demo_cases import run_cases_demo  # the case store loads SQLCipher: only here

    case_steps, case_run = run_cases_demo(result, summary, out)
    steps.extend(case_steps)
    from himozuke.web.runs import Runs  # the folder layout of himozuke serve (no web framework imported)

    if (out / WEB_RUNS).exists():  # a demo re-run starts a new store: the earlier runs' cases are gone with it
        shutil.rmtree(out / WEB_RUNS)
    web_run = Runs(out / WEB_RUNS).adopt(out, summary.outputs, case_run=case_run)
    steps.append((f"{WEB_RUNS}/{web_run}/", "画面（himozuke serve）の「結果」で開ける実行（result.parquet・run.json ほか）"))

    key = business.select(PLANTED, EXPECTED).with_row_index(C.ROW, offset=2).with_columns(pl.col(C.ROW).cast(pl.Int64))
    # a row the request could not carry (manual §7(2): no readable 生年月日 …) has no J-LIS answer: E
    unasked = result.filter(pl.col(C.ROW).is_in(request.blocked.get_column(C.ROW).implode()))
    unasked = unasked.get_column(C.SOURCE_ROW).cast(pl.Int64).implode()
    key = key.with_columns(pl.when(pl.col(C.ROW).is_in(unasked)).then(pl.lit(str(Verdict.E)))
                           .otherwise(pl.col(EXPECTED)).alias(EXPECTED))
    write_csv(key, out / "answer_key.csv", show_number=True)
    # the key is by the extract's lines; the checked rows carry theirs (元の行番号)
    by_extract = result.with_columns(pl.col(C.SOURCE_ROW).cast(pl.Int64).alias(C.ROW))
    joined = key.join(by_extract.select(C.ROW, C.VERDICT, C.REASONS), on=C.ROW).filter(pl.col(EXPECTED).is_not_null())
    wrong = joined.filter(pl.col(EXPECTED) != pl.col(C.VERDICT))
    return DemoResult(summary, out, steps, joined.height - wrong.height, joined.height, wrong,
                      priority_auc(by_extract, key))


#: The columns manual §5 reads (himozuke.scope), which the demo's business system exports.
LINKAGE = (C.ROUTE, C.RESIDENCE, C.DOCUMENT)


def with_linkage(business: pl.DataFrame, seed: int) -> pl.DataFrame:
    """How each record's number was linked, for the §5 scope: about 70 % of the records without a planted
    difference came by 自動連携 from the 住基 system (a 住登者); the others, and every record with a planted
    difference, were linked otherwise (本人提出, a 住基 inquiry), some as 住登外者, some not known (left blank or
    不明: they stay in scope); a 確認書類 where the officer noted one."""
    draw = pl.int_range(pl.len(), dtype=pl.UInt64).hash(seed) % 100
    auto = (pl.col(PLANTED) == "") & (draw < 70)
    route = (pl.when(auto).then(pl.lit(AUTO)).when(draw % 10 == 0).then(pl.lit("不明")).when(draw % 10 == 1)
             .then(pl.lit(None, dtype=pl.String)).when(draw % 4 == 0).then(pl.lit("住基照会4情報"))
             .otherwise(pl.lit("本人提出")))
    residence = pl.when(~auto & (draw % 7 == 0)).then(pl.lit("住登外者")).otherwise(pl.lit("住登者"))
    document = pl.when(auto).then(pl.lit("なし")).otherwise(
        pl.lit(list(DOCUMENTS)).list.get((draw % len(DOCUMENTS)).cast(pl.Int64)))
    return business.with_columns(route.alias(C.ROUTE), residence.alias(C.RESIDENCE), document.alias(C.DOCUMENT))
