"""``report.xlsx``: the workbook an officer works from (XlsxWriter; opens in Excel and LibreOffice).

- 集計: counts and % per 判定 with a native Excel chart, item verdicts per item, 優先度 counts, the inputs.
- One sheet each for B, C and E — the rows someone must act on (A only in result.csv) — with the business and
  registry values side by side, differing items highlighted, autofilter and frozen header; C sorted by 優先度.
  A class with more rows than fit in one sheet continues in ``… (2)``; past ``row_cap`` rows the sheet says
  plainly that the rows are in result.csv / result.parquet.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from himozuke.atomic import atomic_path
from himozuke.formats import columns as C
from himozuke.match.classify import B_PRIORITY, PRIORITY_TIERS, VERDICT_LABEL, Verdict
from himozuke.match.compare import ItemVerdict
from himozuke.match.engine import RESULT_COLUMNS
from himozuke.report.tables import displayed

EXCEL_MAX_DATA_ROWS = 1_048_575  # 1,048,576 rows less the header
DEFAULT_ROW_CAP = 3_000_000
SHEET_NAMES = {Verdict.B: "B 要確認", Verdict.C: "C 優先確認", Verdict.E: "E 照合不能"}
_BAD = [str(ItemVerdict.MISMATCH), str(ItemVerdict.CITY_MISMATCH), str(ItemVerdict.MISSING)]


@dataclass
class RunInfo:
    """What the summary sheet says about the run."""

    business_file: str
    registry_file: str
    started: dt.datetime = field(default_factory=dt.datetime.now)
    notes: Sequence[str] = ()
    home_prefecture: str | None = None  #: the body's 都道府県 the run used for shared 市区町村 names
    home_source: str = ""  #: where it came from
    #: The run identity as (label, value) lines (:func:`himozuke.pipeline.identity_lines`).
    identity: Sequence[tuple[str, str]] = ()


def _detail_frame(rows: pl.DataFrame) -> pl.DataFrame:
    # the columns carried from the business file (宛名番号, the system's own key …) next to the number: what
    # an officer looks a case up by in the business system
    carried = [pl.col(c) for c in rows.columns if c not in RESULT_COLUMNS]
    cols: list[pl.Expr] = [
        pl.col(C.ROW), pl.col(C.MY_NUMBER), *carried, pl.col(C.VERDICT), pl.col(C.PRIORITY), pl.col("理由説明"),
    ]
    for item in C.ITEMS:
        cols += [
            pl.col(C.business(item)).alias(f"{item}（業務）"),
            pl.col(C.registry(item)).alias(f"{item}（住基）"),
            pl.col(C.item_verdict(item)),
        ]
    cols.append(pl.col(C.REASONS).alias("理由コード"))
    return rows.select(cols)


def _print_setup(ws, *, fit_height: int) -> None:
    """A4 landscape, one page wide (officers print these sheets)."""
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, fit_height)


def _write_rows(wb: xlsxwriter.Workbook, name: str, rows: pl.DataFrame, formats: dict) -> None:
    frame = _detail_frame(rows)
    ws = wb.add_worksheet(name)
    frame.write_excel(
        workbook=wb, worksheet=ws, autofilter=True, freeze_panes=(1, 2), table_style=None,
        header_format=formats["header"], autofit=False, include_header=True,
    )
    widths = {C.ROW: 7, C.MY_NUMBER: 16, C.VERDICT: 5, C.PRIORITY: 6, "理由説明": 48, "理由コード": 30}
    for i, col in enumerate(frame.columns):
        ws.set_column(i, i, widths.get(col, 26 if col.endswith("）") and C.ADDRESS in col else 14))
    _print_setup(ws, fit_height=0)
    ws.repeat_rows(0)
    last = frame.height
    if last == 0:
        return
    # Highlight both values of an item that does not match; notation-only matches in a paler tone.
    for item in C.ITEMS:
        b_idx = frame.columns.index(f"{item}（業務）")
        v_col = xl_col_to_name(frame.columns.index(C.item_verdict(item)))
        bad = "OR(" + ",".join(f'${v_col}2="{v}"' for v in _BAD) + ")"
        ws.conditional_format(1, b_idx, last, b_idx + 2, {"type": "formula", "criteria": f"={bad}",
                                                           "format": formats["bad"]})
        ws.conditional_format(1, b_idx, last, b_idx + 2, {"type": "formula",
                                                           "criteria": f'=${v_col}2="{ItemVerdict.NOTATION}"',
                                                           "format": formats["notation"]})


@dataclass
class Stats:
    """The aggregates the summary sheet shows, computed lazily over the whole result."""

    rows: int
    verdicts: dict[str, int]
    items: dict[str, dict[str, int]]
    priorities: dict[int, int]

    @staticmethod
    def of(result: pl.LazyFrame) -> Stats:
        frames = pl.collect_all([
            result.group_by(C.VERDICT).len(),
            *(result.group_by(C.item_verdict(i)).len().drop_nulls() for i in C.ITEMS),
            result.group_by(C.PRIORITY).len().drop_nulls(),
        ])
        verdicts = dict(frames[0].iter_rows())
        items = {i: dict(f.iter_rows()) for i, f in zip(C.ITEMS, frames[1:-1], strict=True)}
        return Stats(sum(verdicts.values()), verdicts, items, dict(frames[-1].iter_rows()))


def _summary(wb: xlsxwriter.Workbook, stats: Stats, info: RunInfo, formats: dict,
             capped: dict[Verdict, int]) -> None:
    ws = wb.add_worksheet("集計")
    _print_setup(ws, fit_height=1)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 44)
    ws.set_column(2, 7, 14)
    ws.write(0, 0, "マイナンバー紐付け点検 結果（総点検マニュアル §7(6)）", formats["title"])
    ws.write(2, 0, "業務側ファイル")
    ws.write(2, 1, info.business_file)
    ws.write(3, 0, "住基側ファイル")
    ws.write(3, 1, info.registry_file)
    ws.write(4, 0, "実行日時")
    ws.write(4, 1, info.started.strftime("%Y-%m-%d %H:%M"))
    ws.write(5, 0, "点検対象件数（入力行数）")
    ws.write_number(5, 1, stats.rows)
    ws.write(6, 0, "団体の都道府県")
    ws.write(6, 1, f"{info.home_prefecture or '—'}（{info.home_source or '不明'}）"
                   "：同名の市区町村（府中市など）で都道府県の記載がない住所に使います")

    counts = stats.verdicts
    top = 7
    for j, h in enumerate(("判定", "区分", "件数", "割合")):
        ws.write(top, j, h, formats["header"])
    total = max(stats.rows, 1)
    for i, v in enumerate(Verdict, start=1):
        n = int(counts.get(str(v), 0))
        ws.write(top + i, 0, str(v))
        ws.write(top + i, 1, VERDICT_LABEL[v])
        ws.write_number(top + i, 2, n)
        ws.write_number(top + i, 3, n / total, formats["pct"])
    ws.write(top + 5, 1, "合計", formats["bold"])
    ws.write_formula(top + 5, 2, f"=SUM(C{top + 2}:C{top + 5})", formats["bold"], stats.rows)

    chart = wb.add_chart({"type": "column"})
    chart.add_series({
        "name": "件数", "categories": ["集計", top + 1, 0, top + 4, 0], "values": ["集計", top + 1, 2, top + 4, 2],
        "data_labels": {"value": True},
        "points": [{"fill": {"color": c}} for c in ("#4caf50", "#ffc107", "#f44336", "#9e9e9e")],
    })
    chart.set_title({"name": "判定別件数"})
    chart.set_legend({"none": True})
    ws.insert_chart(top, 5, chart, {"x_scale": 1.1, "y_scale": 1.0})

    row = top + 8
    ws.write(row, 0, "項目別の判定", formats["subtitle"])
    labels = [str(v) for v in ItemVerdict]
    for j, h in enumerate(("項目", *labels)):
        ws.write(row + 1, j, h, formats["header"])
    for i, item in enumerate(C.ITEMS, start=2):
        got = stats.items[item]
        ws.write(row + i, 0, item)
        for j, lab in enumerate(labels, start=1):
            ws.write_number(row + i, j, int(got.get(lab, 0)))

    row += 9
    ws.write(row, 0, "優先度（B・C の確認順。判定とは別の目安）", formats["subtitle"])
    for j, h in enumerate(("優先度", "根拠", "件数")):
        ws.write(row + 1, j, h, formats["header"])
    prio = stats.priorities
    tiers = [(t.priority, t.evidence) for t in PRIORITY_TIERS] + [(B_PRIORITY, "B（要確認）")]
    for i, (p, text) in enumerate(tiers, start=2):
        ws.write_number(row + i, 0, p)
        ws.write(row + i, 1, text, formats["wrap"])
        ws.write_number(row + i, 2, int(prio.get(p, 0)))

    row += len(tiers) + 3
    notes = [
        "A（確認不要）の行は result.csv にあります。B・C・E は各シートにあります。",
        "色: 赤 = 不一致・市区町村不一致・未登録、黄 = 表記ゆれ一致。",
        *info.notes,
    ]
    for v, n in capped.items():
        notes.append(f"{SHEET_NAMES[v]} は {n:,} 件あり Excel で扱える量を超えるため、行は result.csv / result.parquet にのみあります。")
    for i, note in enumerate(notes):
        ws.write(row + i, 0, note)
    if info.identity:
        row += len(notes) + 1
        ws.write(row, 0, "この実行 / run identity", formats["subtitle"])
        for i, (label, value) in enumerate(info.identity, start=1):
            ws.write(row + i, 0, label)
            ws.write(row + i, 1, value)
    ws.activate()


def write_report(result: pl.DataFrame | pl.LazyFrame, path: str | os.PathLike, info: RunInfo, *,
                 show_number: bool = False, max_rows_per_sheet: int = EXCEL_MAX_DATA_ROWS,
                 row_cap: int = DEFAULT_ROW_CAP) -> Path:
    """Write ``report.xlsx`` atomically. 個人番号 masked unless ``show_number``.

    ``result`` may be lazy (a bucketed run): aggregates are computed over it, and only the classes with at
    most ``row_cap`` rows are collected.
    """
    lazy = result.lazy()
    stats = Stats.of(lazy)
    shown = displayed(lazy, show_number=show_number)
    order = {Verdict.C: [C.PRIORITY, C.ROW], Verdict.B: [C.ROW], Verdict.E: [C.ROW]}
    capped = {v: n for v in SHEET_NAMES if (n := stats.verdicts.get(str(v), 0)) > row_cap}
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp))
        formats = {
            "title": wb.add_format({"bold": True, "font_size": 14}),
            "subtitle": wb.add_format({"bold": True, "font_size": 12}),
            "header": wb.add_format({"bold": True, "bg_color": "#dde4ee", "border": 1, "text_wrap": True}),
            "bold": wb.add_format({"bold": True}),
            "pct": wb.add_format({"num_format": "0.0%"}),
            "wrap": wb.add_format({"text_wrap": True}),
            "bad": wb.add_format({"bg_color": "#ffc7ce", "font_color": "#9c0006"}),
            "notation": wb.add_format({"bg_color": "#fff2cc"}),
        }
        _summary(wb, stats, info, formats, capped)
        for v, name in SHEET_NAMES.items():
            if v in capped:
                ws = wb.add_worksheet(name)
                ws.write(0, 0, f"{capped[v]:,} 件: 行は result.csv / result.parquet にあります（Excel の上限を超えるため）")
                continue
            rows = shown.filter(pl.col(C.VERDICT) == str(v)).sort(order[v]).collect()
            for k, start in enumerate(range(0, max(rows.height, 1), max_rows_per_sheet)):
                sheet = name if k == 0 else f"{name} ({k + 1})"
                _write_rows(wb, sheet, rows.slice(start, max_rows_per_sheet), formats)
        wb.close()
    return Path(path)
