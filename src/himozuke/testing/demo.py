"""``himozuke demo``: the whole inquiry round trip on synthetic data, with the answer key compared.

Manual §7(1)–(6), in order, each step's file written into ``out``:

1. ``01_宛名簿.csv`` (cp932, 宛名番号 + 4情報) and ``02_番号対応.csv`` (個人番号 + 宛名番号) — case ロ exports;
2. ``03_点検用元ファイル.csv`` — their merge (rows without a partner listed in ``…problems.csv``);
3. ``04_事前点検.xlsx`` — pre-flight validation;
4. ``05_照会要求.csv`` — the 個人番号検索要求CSVファイル (cp932; layout profile ``jlis-request``);
5. ``06_照会結果.csv`` / ``06_照会結果.DAT`` — the simulated J-LIS's answer, as 結果CSV and as the
   fixed-length JIS90 本人確認情報照会結果ファイル;
6. ``result.csv``, ``report.xlsx`` — the check of the extract against the JIS90 result file;
7. ``cases.db``, ``progress/`` — the B/C/E rows in the encrypted case store, a few worked by two officers,
   and the month's progress report (:mod:`himozuke.testing.demo_cases`);

plus ``answer_key.csv`` (the planted kind of every row and the class it must get). Everything is synthetic: no
real person's data.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from himozuke import identity
from himozuke.formats import columns as C
from himozuke.formats.jlis import write_request
from himozuke.formats.merge import merge_files
from himozuke.formats.validate import validate_file, write_xlsx
from himozuke.pipeline import RunSummary, run_check
from himozuke.report.tables import write_csv
from himozuke.testing.jlis import simulate_jlis, write_case_ro
from himozuke.testing.perturb import EXPECTED, PLANTED, business_copy, priority_auc
from himozuke.testing.population import generate_population

#: The demo's body and 事務 (a synthetic register: the code only names the run).
DEMO_BODY, DEMO_JIMU = "13101", "障害者手帳情報"
FILES = {
    "book": "01_宛名簿.csv",
    "map": "02_番号対応.csv",
    "extract": "03_点検用元ファイル.csv",
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

    write_case_ro(business.select(C.STANDARD), f["book"], f["map"])
    steps.append((f"{FILES['book']}, {FILES['map']}", f"業務システムと統合宛名の出力（ケースロ） {business.height:,} 行"))
    say("マージ / merge")
    merged = merge_files(f["book"], f["map"], f["extract"])
    steps.append((FILES["extract"], f"宛名番号でマージ {merged.extract.height:,} 行、要確認 {merged.problems.height} 行"))
    say("事前点検 / pre-flight")
    validation = validate_file(f["extract"])
    write_xlsx(validation, f["validation"])
    steps.append((FILES["validation"], f"事前点検の指摘 {validation.lines.height:,} 件"
                                       f"（照会を止めるもの {'あり' if validation.blocking else 'なし'}）"))
    say("照会要求 / request")
    request = write_request(f["extract"], f["request"])
    steps.append((FILES["request"], f"4情報 {request.four:,} 件・3情報 {request.three:,} 件、"
                                    f"照会できない {request.blocked.height} 件"))
    say("住基ネット（模擬） / simulated J-LIS")
    answer = simulate_jlis(f["request"], pop, f["result_csv"], f["result_fixed"])
    counts = "、".join(f"{k} {v:,}" for k, v in answer.counts.items())
    steps.append((f"{FILES['result_csv']}, {FILES['result_fixed']}", f"照会結果 {counts}"))
    say("照合 / check")
    summary, result = run_check(f["extract"], f["result_fixed"], out, progress=progress,
                                body=identity.body(DEMO_BODY, jimu=DEMO_JIMU))
    steps.append(("result.csv, report.xlsx", "照合と A/B/C/E の分類（JIS90 固定長の結果ファイルから）"))
    say("フォローアップ / follow-up")
    from himozuke.testing.demo_cases import run_cases_demo  # the case store loads SQLCipher: only here

    steps.extend(run_cases_demo(result, summary, out))

    key = business.select(PLANTED, EXPECTED).with_row_index(C.ROW, offset=2).with_columns(pl.col(C.ROW).cast(pl.Int64))
    write_csv(key, out / "answer_key.csv", show_number=True)
    joined = key.join(result.select(C.ROW, C.VERDICT, C.REASONS), on=C.ROW).filter(pl.col(EXPECTED).is_not_null())
    wrong = joined.filter(pl.col(EXPECTED) != pl.col(C.VERDICT))
    return DemoResult(summary, out, steps, joined.height - wrong.height, joined.height, wrong,
                      priority_auc(result, key))
