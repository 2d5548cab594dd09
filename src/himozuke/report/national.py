"""全国集計: many bodies' progress rows → the two tables of 「マイナンバー情報総点検について（全体像）」 (デジタル庁).

- Table (a), 「総点検で判明した紐付け誤り」: per 事務 点検対象件数, 紐付け誤り 件数 and 割合; the 事務 without a wrong
  link folded into 「その他（N事務）」; a 合計 row.
- Table (b): per 事務 点検対象機関数 (distinct bodies reporting it) and 点検対象件数; a 合計 row.

Both are rendered the way that document prints them (:func:`format_count`, :func:`format_rate`), as
tab-separated text and as a workbook (:func:`write_national`). Each body counts with its latest month per 事務
(or its latest through ``month``). The folder reader (:func:`national_from_dir`) lists a file it cannot read
instead of stopping.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path

import polars as pl
import xlsxwriter

from himozuke.atomic import atomic_path
from himozuke.errors import InputFileError, UsageError
from himozuke.report.progress import COUNT_FIELDS, FIELDS, LABELS, ProgressRow, check_month, read_progress

#: The 事務 in the order 「マイナンバー情報総点検について（全体像）」 (デジタル庁) lists them in its table of
#: 点検対象機関数 / 点検対象件数; its table of 紐付け誤り keeps the same order. Others follow, by name.
JIMU_ORDER: tuple[str, ...] = (
    "健康保険証情報",
    "共済年金情報",
    "公金受取口座情報",
    "所得・個人住民税情報",
    "児童手当支給情報",
    "介護保険資格・給付情報",
    "障害支援区分認定情報",
    "補装具費支給情報",
    "障害者自立支援に関する給付情報（更生医療）",
    "障害者自立支援に関する給付情報（育成医療）",
    "障害者自立支援に関する給付情報（精神通院医療）",
    "障害福祉サービス受給者証情報",
    "障害児通所支援給付情報",
    "養育医療費の給付情報",
    "生活保護情報",
    "中国残留邦人等支援給付支給情報等",
    "障害者手帳情報",
    "小児慢性特定疾病医療費助成の支給情報",
    "障害児入所支援・措置情報（ひとり親支援関係等）",
    "障害児入所支援・措置、生活援助情報（ひとり親支援関係等）",
    "障害児福祉手当・特別障害者手当・経過的福祉手当情報",
    "障害児入所支援・小児慢性特定疾病医療等情報（ひとり親支援関係等）",
    "難病患者に対する特定医療費の支給情報",
    "労働者災害補償給付情報",
)

#: Header lines of the two tables as the document prints them (its footnote marks ※1… left out).
WRONG_LINKS_HEADER: tuple[tuple[str, ...], ...] = (
    ("事務※それぞれの情報に関する事務", "点検対象件数", "紐付け誤り", ""),
    ("", "", "件数", "割合"),
)
BODIES_HEADER: tuple[tuple[str, ...], ...] = (("事務 (それぞれの情報に関する事務)", "点検対象機関数", "点検対象件数"),)
OTHERS = "その他（{n}事務）"
TOTAL = "合計"
DASH = "—"  # U+2014 EM DASH, as the document prints an empty 割合 and the 合計 of 点検対象機関数

#: Counts from this size on are printed in 万 (「1,571万件」); smaller ones in full (「157,763件」).
MAN_FROM = 1_000_000
MAN = 10_000


def _half_up(x: Fraction) -> int:
    """Round a non-negative fraction to the nearest whole number, halves up (not Python's half-to-even).

    >>> _half_up(Fraction(5, 2)), _half_up(Fraction(7, 2)), _half_up(Fraction(249, 100))
    (3, 4, 2)
    """
    return int(x + Fraction(1, 2))


def format_count(n: int, unit: str = "件") -> str:
    """A count as 「マイナンバー情報総点検について（全体像）」 prints it: from 1,000,000 in 万 (half-up), else in full.

    Table (a) prints the unit 件, table (b) none (``unit=""``).

    >>> format_count(15_713_895), format_count(5_066_114), format_count(56_216_466), format_count(4_798_087)
    ('1,571万件', '507万件', '5,622万件', '480万件')
    >>> format_count(157_763), format_count(0), format_count(82_076_482)
    ('157,763件', '0件', '8,208万件')
    >>> format_count(15_713_895, unit=""), format_count(7_789, unit="")
    ('1,571万', '7,789')
    """
    if n >= MAN_FROM:
        return f"{_half_up(Fraction(n, MAN)):,}万{unit}"
    return f"{n:,}{unit}"


def format_rate(wrong_links: int, targets: int) -> str:
    """割合 of wrong links in 点検対象件数: percent with three decimals, half-up; 「—」 when there is none.

    The document's detail table prints 0.0119% for 障害者手帳情報, its §2 table 0.119%: 5,689 / 4,798,087 is
    0.1186 %, so §2 is right and the detail table has a typo.

    >>> format_rate(1_142, 15_713_895), format_rate(5_689, 4_798_087), format_rate(66, 37_820)
    ('0.007%', '0.119%', '0.175%')
    >>> format_rate(1, 263), format_rate(8_395, 82_076_482), format_rate(0, 6_089)
    ('0.380%', '0.010%', '—')
    """
    if wrong_links == 0 or targets == 0:
        return DASH
    thousandths = _half_up(Fraction(100_000 * wrong_links, targets))
    return f"{thousandths // 1000}.{thousandths % 1000:03d}%"


def _order(jimu: str) -> tuple[int, str]:
    return (JIMU_ORDER.index(jimu), "") if jimu in JIMU_ORDER else (len(JIMU_ORDER), jimu)


@dataclass(frozen=True)
class JimuTotal:
    """One 事務 summed over the bodies reporting it (each body's latest month)."""

    jimu: str
    bodies: int  #: 点検対象機関数: distinct 団体コード
    month: str  #: the latest 報告月 among them
    targets: int
    a: int
    b: int
    c: int
    e: int
    contact_started: int
    contact_done: int
    wrong_links: int
    viewed: int
    exchanged: int
    resolved: int
    excluded: int = 0  #: 点検対象外件数 (§5), summed, and per reason
    excluded_auto: int = 0
    excluded_footnote5: int = 0
    excluded_not_needed: int = 0


@dataclass(frozen=True)
class NationalTables:
    """The national roll-up: per-事務 totals in the document's order, and the two tables rendered from them."""

    totals: tuple[JimuTotal, ...]
    month: str | None = None  #: the month asked for (each body's latest through it), or None (latest)
    #: A note printed after a 事務's 点検対象機関数, as the document's 「7（全団体）」: the rows cannot say that every
    #: body holding the 事務 was checked, so the caller does.
    body_notes: Mapping[str, str] = field(default_factory=dict)
    problems: tuple[str, ...] = ()  #: files that could not be read, rows two files report differently

    def wrong_links_rows(self) -> list[tuple[str, str, str, str]]:
        """Table (a): 事務, 点検対象件数, 紐付け誤り 件数, 割合 — strings as the document prints them."""
        shown = [t for t in self.totals if t.wrong_links]
        others = [t for t in self.totals if not t.wrong_links]
        rows = [(t.jimu, format_count(t.targets), format_count(t.wrong_links),
                 format_rate(t.wrong_links, t.targets)) for t in shown]
        if others:
            n = sum(t.targets for t in others)
            rows.append((OTHERS.format(n=len(others)), format_count(n), format_count(0), DASH))
        targets, wrong = self.total_targets, self.total_wrong_links
        rows.append((TOTAL, format_count(targets), format_count(wrong), format_rate(wrong, targets)))
        return rows

    def bodies_rows(self) -> list[tuple[str, str, str]]:
        """Table (b): 事務, 点検対象機関数, 点検対象件数 (in 万 without 件, as the document prints this table)."""
        rows = []
        for t in self.totals:
            note = self.body_notes.get(t.jimu)
            rows.append((t.jimu, f"{t.bodies:,}" + (f"（{note}）" if note else ""), format_count(t.targets, unit="")))
        rows.append((TOTAL, DASH, format_count(self.total_targets, unit="")))
        return rows

    @property
    def total_targets(self) -> int:
        return sum(t.targets for t in self.totals)

    @property
    def total_wrong_links(self) -> int:
        return sum(t.wrong_links for t in self.totals)

    def wrong_links_text(self) -> str:
        """Table (a) as the document's lines: cells separated by tabs, header first."""
        return "\n".join("\t".join(r) for r in (*WRONG_LINKS_HEADER, *self.wrong_links_rows()))

    def bodies_text(self) -> str:
        """Table (b) as the document's lines: cells separated by tabs, header first."""
        return "\n".join("\t".join(r) for r in (*BODIES_HEADER, *self.bodies_rows()))


_KEY = ["body_code", "jimu", "month"]
_SCHEMA = {name: (pl.String if name not in COUNT_FIELDS else pl.Int64) for name in FIELDS}


def national_tables(rows: list[ProgressRow], *, month: str | None = None,
                    body_notes: Mapping[str, str] | None = None) -> NationalTables:
    """Merge many bodies' rows into the national tables.

    Each body counts once per 事務, with its latest 報告月 — through ``month`` when given. The same body,
    事務 and month reported twice with different counts is a :class:`UsageError` (identical repeats are fine).

    >>> rows = [ProgressRow("011002", "札幌市", "生活保護情報", m, 100, 97, 1, 1, 1, 3, k, k, 0, 0, k)
    ...         for m, k in (("2023-10", 0), ("2023-11", 2))]
    >>> national_tables(rows).wrong_links_rows()
    [('生活保護情報', '100件', '2件', '2.000%'), ('合計', '100件', '2件', '2.000%')]
    >>> national_tables(rows, month="2023-10").wrong_links_rows()[0]
    ('その他（1事務）', '100件', '0件', '—')
    """
    if month is not None:
        check_month(month)
    frame = pl.DataFrame({name: [getattr(r, name) for r in rows] for name in FIELDS}, schema=_SCHEMA)
    if month is not None:
        frame = frame.filter(pl.col("month") <= month)
    frame = frame.unique()
    clash = frame.filter(pl.struct(_KEY).is_duplicated()).sort(_KEY)
    if clash.height:
        code, jimu, mon = clash.select(_KEY).row(0)
        raise UsageError(f"団体 {code} の {jimu} {mon} に件数の異なる行が2つ以上あります",
                         f"body {code} reports {mon} twice with different counts")
    latest = frame.sort("month").group_by(["body_code", "jimu"]).last()
    per_jimu = latest.group_by("jimu").agg(
        pl.col("body_code").n_unique().alias("bodies"), pl.col("month").max(), pl.col(list(COUNT_FIELDS)).sum(),
    )
    totals = sorted((JimuTotal(**d) for d in per_jimu.to_dicts()), key=lambda t: _order(t.jimu))
    return NationalTables(tuple(totals), month=month, body_notes=dict(body_notes or {}))


def national_from_dir(folder: str | os.PathLike, *, month: str | None = None,
                      body_notes: Mapping[str, str] | None = None) -> NationalTables:
    """Read every progress workbook (``*.xlsx``) in ``folder`` and roll them up.

    A file that is not a progress workbook, or is unsound, is listed in ``problems`` with its name and the
    reason (file, sheet, row, column), and left out. When two files report the same body, 事務 and month
    with different counts, the first file by name is kept and the clash listed.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputFileError("フォルダがありません", "no such folder", file=str(folder))
    rows: list[ProgressRow] = []
    problems: list[str] = []
    first: dict[tuple[str, str, str], tuple[str, ProgressRow]] = {}
    for path in sorted(folder.glob("*.xlsx")):
        if path.name.startswith(("~$", ".")):  # Excel's lock file, a temporary file
            continue
        try:
            got = read_progress(path)
        except InputFileError as e:
            problems.append(e.message)
            continue
        clashes: dict[str, list[ProgressRow]] = {}
        for row in got:
            key = (row.body_code, row.jimu, row.month)
            if key not in first:
                first[key] = (path.name, row)
                rows.append(row)
            elif first[key][1] != row:
                clashes.setdefault(first[key][0], []).append(row)
        for kept, rows_out in clashes.items():
            r = rows_out[0]
            more = f" ほか {len(rows_out) - 1} 行" if len(rows_out) > 1 else ""
            problems.append(f"{path.name}: 団体 {r.body_code} の {r.jimu} {r.month}{more}が {kept} と異なるため"
                            f" {kept} を採用しました / {len(rows_out)} row(s) (body {r.body_code} {r.month} …)"
                            f" differ from {kept}; kept {kept}")
    tables = national_tables(rows, month=month, body_notes=body_notes)
    return replace(tables, problems=tuple(problems))


def write_national(tables: NationalTables, path: str | os.PathLike) -> Path:
    """Write ``national.xlsx`` atomically: the two tables as printed, the exact per-事務 sums, any problems."""
    as_of = f"{tables.month} 末時点（各団体のその月までの最新の報告）" if tables.month else "各団体の最新の報告"
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp))
        title = wb.add_format({"bold": True, "font_size": 14})
        header = wb.add_format({"bold": True, "bg_color": "#dde4ee", "border": 1, "text_wrap": True,
                                "align": "center", "valign": "vcenter"})
        name = wb.add_format({"border": 1})
        cell = wb.add_format({"border": 1, "align": "right"})
        count = wb.add_format({"border": 1, "num_format": "#,##0"})
        bold_name = wb.add_format({"border": 1, "bold": True})
        bold_cell = wb.add_format({"border": 1, "bold": True, "align": "right"})

        def table(sheet: str, heading: str, head: tuple[tuple[str, ...], ...], body: list[tuple[str, ...]]) -> None:
            ws = wb.add_worksheet(sheet)
            ws.write(0, 0, heading, title)
            ws.write(1, 0, f"「マイナンバー情報総点検について（全体像）」の様式。{as_of}。")
            for i, line in enumerate(head, start=3):
                for j, text in enumerate(line):
                    ws.write_string(i, j, text, header)
            top = 3 + len(head)
            for i, line in enumerate(body, start=top):
                last = i == top + len(body) - 1
                ws.write_string(i, 0, line[0], bold_name if last else name)
                for j, text in enumerate(line[1:], start=1):
                    ws.write_string(i, j, text, bold_cell if last else cell)
            ws.set_column(0, 0, 58)
            ws.set_column(1, len(head[0]) - 1, 16)
            ws.freeze_panes(top, 1)

        table("紐付け誤り", "総点検で判明した紐付け誤り", WRONG_LINKS_HEADER, tables.wrong_links_rows())
        table("点検対象機関数", "点検対象機関数・点検対象件数", BODIES_HEADER, tables.bodies_rows())

        ws = wb.add_worksheet("事務別集計")
        ws.write(0, 0, f"事務別の集計（件数そのまま）。{as_of}。", title)
        cols = ["事務", "点検対象機関数", "報告月（最新）", *(LABELS[c] for c in COUNT_FIELDS), "割合"]
        for j, text in enumerate(cols):
            ws.write_string(2, j, text, header)
        for i, t in enumerate(tables.totals, start=3):
            ws.write_string(i, 0, t.jimu, name)
            ws.write_number(i, 1, t.bodies, count)
            ws.write_string(i, 2, t.month, name)
            for j, c in enumerate(COUNT_FIELDS, start=3):
                ws.write_number(i, j, getattr(t, c), count)
            ws.write_string(i, len(cols) - 1, format_rate(t.wrong_links, t.targets), cell)
        ws.set_row(2, 32)
        ws.set_column(0, 0, 58)
        ws.set_column(1, len(cols) - 1, 13)
        ws.freeze_panes(3, 1)

        if tables.problems:
            ws = wb.add_worksheet("読込エラー")
            ws.write(0, 0, "集計に含めなかったファイル・行", title)
            for i, text in enumerate(tables.problems, start=2):
                ws.write_string(i, 0, text)
            ws.set_column(0, 0, 120)
        wb.close()
    return Path(path)
