"""定期報告 (manual §7(8)): a body's monthly progress per 事務, and the rows the national roll-up merges.

One :class:`ProgressRow` per body, 事務 and month. The case store (:mod:`himozuke.cases`) computes them from its
runs and cases; this module writes them as the progress workbook and reads them back.
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass, fields
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from himozuke.atomic import atomic_path
from himozuke.errors import HimozukeError, InputFileError, UsageError
from himozuke.match.classify import VERDICT_LABEL, Verdict


@dataclass(frozen=True)
class ProgressRow:
    """What a body reports for one 事務 at the end of one month (counts, never personal data)."""

    body_code: str  #: 団体コード (全国地方公共団体コード, 6 digits; a 労働基準監督署 its own code)
    body_name: str  #: 団体名
    jimu: str  #: 事務 (as 「マイナンバー情報総点検について」 names it, e.g. 「障害者手帳情報」)
    month: str  #: 報告月, "YYYY-MM"
    targets: int  #: 点検対象件数 (rows checked: A + B + C + E)
    a: int
    b: int
    c: int
    e: int
    contact_started: int  #: 本人確認 着手 (B/C/E cases past 未着手)
    contact_done: int  #: 本人確認 完了 (cases with a 確認結果)
    wrong_links: int  #: 紐付け誤り件数 (確認結果 別人のもの, and 確認不能 unlinked)
    viewed: int  #: 紐付け誤りのうち閲覧された件数
    exchanged: int  #: 紐付け誤りのうち情報連携された件数
    resolved: int  #: 誤紐付けを解消した件数 (修正済 or 紐付け削除, through 完了)
    #: 点検対象外件数: the records ``himozuke scope`` left out (manual §5), beside the checked ``targets``, and
    #: per reason (:class:`himozuke.scope.Reason`)
    excluded: int = 0
    excluded_auto: int = 0
    excluded_footnote5: int = 0
    excluded_not_needed: int = 0


# --- the progress workbook ------------------------------------------------------------------------------------
#
# Three sheets: 「進捗」 (the report month, one row per body and 事務, for the officer), 「月別推移」 (every month
# summed, with a line chart of 着手・完了・解消) and 「報告データ」 (every ProgressRow, fixed headers: what
# read_progress and the national roll-up read back).

SUMMARY_SHEET = "進捗"
TREND_SHEET = "月別推移"
DATA_SHEET = "報告データ"

#: ProgressRow field → Japanese label, in the order of every sheet. Row 1 of 「報告データ」 holds the field names,
#: row 2 the labels; read_progress requires both exactly.
LABELS: dict[str, str] = {
    "body_code": "団体コード",
    "body_name": "団体名",
    "jimu": "事務",
    "month": "報告月",
    "targets": "点検対象件数",
    "a": f"A（{VERDICT_LABEL[Verdict.A].split('（')[0]}）",
    "b": f"B（{VERDICT_LABEL[Verdict.B].split('（')[0]}）",
    "c": f"C（{VERDICT_LABEL[Verdict.C].split('（')[0]}）",
    "e": f"E（{VERDICT_LABEL[Verdict.E].split('（')[0]}）",
    "contact_started": "本人確認 着手",
    "contact_done": "本人確認 完了",
    "wrong_links": "紐付け誤り件数",
    "viewed": "うち閲覧された件数",
    "exchanged": "うち情報連携された件数",
    "resolved": "誤紐付けを解消した件数",
    "excluded": "点検対象外件数（§5）",
    "excluded_auto": "うち自動連携で取得",
    "excluded_footnote5": "うち確認書類で確認済み（注5）",
    "excluded_not_needed": "うち実態調査で点検不要",
}
FIELDS: tuple[str, ...] = tuple(f.name for f in fields(ProgressRow))
TEXT_FIELDS = ("body_code", "body_name", "jimu", "month")
COUNT_FIELDS: tuple[str, ...] = tuple(f for f in FIELDS if f not in TEXT_FIELDS)
#: The monthly trend: these sums per month, the chart draws the first three.
TREND_FIELDS = ("contact_started", "contact_done", "resolved", "wrong_links", "targets")
_DATA_FIRST_ROW = 3  # 1-based: two header rows
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def check_month(month: str) -> str:
    """A report month ``YYYY-MM``, or a :class:`UsageError`.

    >>> check_month("2023-11")
    '2023-11'
    >>> check_month("2023-13")
    Traceback (most recent call last):
    ...
    himozuke.errors.UsageError: 報告月は YYYY-MM で指定してください / the report month must be YYYY-MM: '2023-13'
    """
    if not isinstance(month, str) or not _MONTH.fullmatch(month):
        raise UsageError("報告月は YYYY-MM で指定してください", f"the report month must be YYYY-MM: {month!r}")
    return month


def month_label(month: str) -> str:
    """``"2023-11"`` → ``"2023年11月"``.

    >>> month_label("2023-09")
    '2023年9月'
    """
    year, mon = check_month(month).split("-")
    return f"{year}年{int(mon)}月"


def row_problems(row: ProgressRow) -> list[tuple[str, str, str]]:
    """What makes a row unusable, as (field, Japanese, English); empty when the row is sound.

    Counts are whole numbers ≥ 0, A + B + C + E = 点検対象件数, and 閲覧・情報連携・解消 are each at most the
    紐付け誤り件数 (they count wrong links).

    >>> row = ProgressRow("011002", "札幌市", "生活保護情報", "2023-11", 10, 7, 1, 1, 1, 3, 2, 1, 0, 0, 1)
    >>> row_problems(row)
    []
    >>> from dataclasses import replace
    >>> row_problems(replace(row, a=8))
    [('targets', 'A+B+C+E (11) と一致しません', 'targets is not A+B+C+E (11)')]
    """
    problems: list[tuple[str, str, str]] = []
    for name in TEXT_FIELDS:
        if not isinstance(getattr(row, name), str) or not getattr(row, name).strip():
            problems.append((name, "空欄です", "empty"))
    if isinstance(row.month, str) and row.month and not _MONTH.fullmatch(row.month):
        problems.append(("month", "YYYY-MM ではありません", "not YYYY-MM"))
    bad = [n for n in COUNT_FIELDS if isinstance(getattr(row, n), bool) or not isinstance(getattr(row, n), int)
           or getattr(row, n) < 0]
    problems += [(n, "0以上の整数ではありません", "not a whole number ≥ 0") for n in bad]
    if bad:
        return problems
    if (abcde := row.a + row.b + row.c + row.e) != row.targets:
        problems.append(("targets", f"A+B+C+E ({abcde:,}) と一致しません",
                         f"targets is not A+B+C+E ({abcde:,})"))
    for name in ("viewed", "exchanged", "resolved"):
        if getattr(row, name) > row.wrong_links:
            problems.append((name, "紐付け誤り件数より多い", "more than wrong_links"))
    return problems


def _formats(wb: xlsxwriter.Workbook) -> dict:
    return {
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "note": wb.add_format({"font_color": "#555555"}),
        "header": wb.add_format({"bold": True, "bg_color": "#dde4ee", "border": 1, "text_wrap": True,
                                 "valign": "vcenter"}),
        "key": wb.add_format({"bg_color": "#f3f3f3", "border": 1}),
        "text": wb.add_format({"num_format": "@"}),
        "count": wb.add_format({"num_format": "#,##0"}),
        "total_label": wb.add_format({"bold": True, "top": 1}),
        "total": wb.add_format({"bold": True, "top": 1, "num_format": "#,##0"}),
    }


AUDIT_HEAD_LABEL = "監査証跡の末尾 / audit head"


def _sort_key(row: ProgressRow) -> tuple[str, str, str]:
    return (row.body_code, row.jimu, row.month)


def _summary_sheet(wb: xlsxwriter.Workbook, rows: list[ProgressRow], month: str, fm: dict,
                   audit_head: tuple[int, str] | None = None) -> None:
    ws = wb.add_worksheet(SUMMARY_SHEET)
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.write(0, 0, f"マイナンバー紐付け総点検 進捗報告（{month_label(month)}末時点）", fm["title"])
    ws.write(1, 0, "総点検マニュアル §7(8) の定期報告。件数のみを記載しています（個人情報は含みません）。"
                   "月ごとの推移は「月別推移」、読み込み用のデータは「報告データ」にあります。", fm["note"])
    top = 3
    ws.set_row(top, 32)
    shown = [n for n in FIELDS if n != "month"]
    for j, name in enumerate(shown):
        ws.write(top, j, LABELS[name], fm["header"])
    current = sorted((r for r in rows if r.month == month), key=_sort_key)
    for i, row in enumerate(current, start=top + 1):
        _write_row(ws, i, row, shown, fm["key"], fm["count"])
    if not current:
        ws.write(top + 1, 0, f"{month_label(month)} の報告行はありません")
    elif len(current) > 1:
        last = top + len(current)
        ws.write(last + 1, 0, "合計", fm["total_label"])
        ws.write(last + 1, 1, "", fm["total_label"])
        ws.write(last + 1, 2, "", fm["total_label"])
        for j, name in enumerate(shown):
            if name in COUNT_FIELDS:
                col = xl_col_to_name(j)
                total = sum(getattr(r, name) for r in current)
                ws.write_formula(last + 1, j, f"=SUM({col}{top + 2}:{col}{last + 1})", fm["total"], total)
    ws.set_column(0, 0, 11)
    ws.set_column(1, 1, 16)
    ws.set_column(2, 2, 40)
    ws.set_column(3, len(shown) - 1, 13)
    if audit_head is not None:
        below = top + len(current) + (3 if len(current) > 1 else 2)
        ws.write(below, 0, f"{AUDIT_HEAD_LABEL}: {audit_head[0]} 件目 {audit_head[1]}", fm["note"])
    ws.freeze_panes(top + 1, 3)
    ws.repeat_rows(top)
    ws.activate()


def _trend_sheet(wb: xlsxwriter.Workbook, rows: list[ProgressRow], fm: dict) -> None:
    ws = wb.add_worksheet(TREND_SHEET)
    ws.write(0, 0, "月別推移（この報告の全団体・全事務の合計）", fm["title"])
    top = 2
    ws.set_row(top, 32)
    ws.write(top, 0, LABELS["month"], fm["header"])
    for j, name in enumerate(TREND_FIELDS, start=1):
        ws.write(top, j, LABELS[name], fm["header"])
    months = sorted({r.month for r in rows})
    for i, m in enumerate(months, start=top + 1):
        ws.write_string(i, 0, m, fm["key"])
        for j, name in enumerate(TREND_FIELDS, start=1):
            ws.write_number(i, j, sum(getattr(r, name) for r in rows if r.month == m), fm["count"])
    ws.set_column(0, 0, 10)
    ws.set_column(1, len(TREND_FIELDS), 14)
    ws.freeze_panes(top + 1, 1)
    if not months:
        return
    first, last = top + 1, top + len(months)
    chart = wb.add_chart({"type": "line"})
    for j in range(1, 4):  # 着手, 完了, 解消
        chart.add_series({
            "name": [TREND_SHEET, top, j],
            "categories": [TREND_SHEET, first, 0, last, 0],
            "values": [TREND_SHEET, first, j, last, j],
            "marker": {"type": "circle"},
        })
    chart.set_title({"name": "本人確認の着手・完了と誤紐付けの解消（月末時点）"})
    chart.set_y_axis({"num_format": "#,##0", "min": 0})
    chart.set_legend({"position": "bottom"})
    ws.insert_chart(top, len(TREND_FIELDS) + 2, chart, {"x_scale": 1.3, "y_scale": 1.2})


def _write_row(ws, i: int, row: ProgressRow, names, text_format, count_format) -> None:
    """One ProgressRow into row ``i``: its text fields as text (a 団体コード keeps its leading zero), counts as numbers."""
    for j, name in enumerate(names):
        value = getattr(row, name)
        if name in TEXT_FIELDS:
            ws.write_string(i, j, value, text_format)
        else:
            ws.write_number(i, j, value, count_format)


def _data_sheet(wb: xlsxwriter.Workbook, rows: list[ProgressRow], fm: dict) -> None:
    ws = wb.add_worksheet(DATA_SHEET)
    for j, name in enumerate(FIELDS):
        ws.write_string(0, j, name, fm["header"])
        ws.write_string(1, j, LABELS[name], fm["header"])
    for i, row in enumerate(sorted(rows, key=lambda r: (r.month, *_sort_key(r))), start=_DATA_FIRST_ROW - 1):
        _write_row(ws, i, row, FIELDS, fm["text"], fm["count"])
    ws.set_column(0, 0, 11)
    ws.set_column(1, 1, 16)
    ws.set_column(2, 2, 40)
    ws.set_column(3, len(FIELDS) - 1, 13)
    ws.freeze_panes(_DATA_FIRST_ROW - 1, 0)
    ws.autofilter(1, 0, max(1, len(rows) + 1), len(FIELDS) - 1)


def write_progress(rows: list[ProgressRow], month: str, path: str | os.PathLike, *,
                   audit_head: tuple[int, str] | None = None) -> Path:
    """Write the progress workbook for report month ``month`` (manual §7(8)) atomically; return its path.

    ``rows`` are one or more bodies' rows for every month through ``month`` (a body writes its own; a
    都道府県 or ministry collecting several bodies may write them together). A row that is unsound (see
    :func:`row_problems`), repeats a (団体, 事務, 月), or lies after ``month`` raises :class:`HimozukeError`
    before anything is written. ``audit_head``: the case store's newest audit entry (seq, hash) when the rows
    were taken, written on the 進捗 sheet: an auditor who keeps the reports can tell later whether entries were
    cut from the end of the trail (``himozuke cases audit verify`` prints the head to compare).
    """
    check_month(month)
    seen: set[tuple[str, str, str]] = set()
    for row in rows:
        if problems := row_problems(row):
            name, ja, en = problems[0]
            raise HimozukeError(f"{row.body_code} {row.jimu} {row.month} 列「{LABELS[name]}」: {ja}",
                                f"{row.body_code} {row.month} {name}: {en}")
        if row.month > month:
            raise HimozukeError(f"{row.body_code} {row.jimu} の報告月 {row.month} が {month} より後です",
                                f"{row.body_code} row month {row.month} is after the report month {month}")
        if (key := _sort_key(row)) in seen:
            raise HimozukeError(f"{row.body_code} {row.jimu} {row.month} の行が重複しています",
                                f"duplicate row for {row.body_code} {row.month}")
        seen.add(key)
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp))
        wb.set_properties({"title": f"マイナンバー紐付け総点検 進捗報告 {month}", "subject": "himozuke progress",
                           "comments": "件数のみ（個人情報なし）"})
        fm = _formats(wb)
        _summary_sheet(wb, rows, month, fm, audit_head)
        _trend_sheet(wb, rows, fm)
        _data_sheet(wb, rows, fm)
        wb.close()
    return Path(path)


def progress_file_name(rows: list[ProgressRow], month: str) -> str:
    """The file name ``report progress`` gives a workbook: one body's code, or 「複数団体」.

    >>> row = ProgressRow("011002", "札幌市", "生活保護情報", "2023-11", 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    >>> progress_file_name([row], "2023-11")
    '進捗報告_011002_2023-11.xlsx'
    """
    codes = sorted({r.body_code for r in rows})
    return f"進捗報告_{codes[0] if len(codes) == 1 else '複数団体'}_{check_month(month)}.xlsx"


# --- reading it back ------------------------------------------------------------------------------------------


def _cell_error(path: Path, row: int, col: int, ja: str, en: str) -> InputFileError:
    ref = f"{xl_col_to_name(col)}{row}"
    name = FIELDS[col] if col < len(FIELDS) else ""
    return InputFileError(f"シート「{DATA_SHEET}」セル {ref}: {ja}", f"sheet '{DATA_SHEET}' cell {ref}: {en}",
                          file=path.name, line=row, column=LABELS.get(name, xl_col_to_name(col)))


def _text(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _count(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    return None


def read_progress(path: str | os.PathLike) -> list[ProgressRow]:
    """Read the 「報告データ」 sheet of a workbook written by :func:`write_progress`.

    Anything else — not an xlsx, no such sheet, other headers, a cell that is not a count, an unsound or
    repeated row — raises :class:`InputFileError` naming the file, the sheet, the row (header = 1) and the
    column as the file labels it.
    """
    import openpyxl  # 0.2 s to import: only for reading back (the case store imports ProgressRow from here)
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError as e:
        raise InputFileError("ファイルがありません", "no such file", file=path.name) from e
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as e:
        raise InputFileError("Excel ブック (.xlsx) として読めません", f"not a readable .xlsx workbook ({e})",
                             file=path.name) from e
    try:
        if DATA_SHEET not in wb.sheetnames:
            raise InputFileError(f"シート「{DATA_SHEET}」がありません（進捗報告のブックではありません）",
                                 f"no sheet '{DATA_SHEET}': not a progress workbook", file=path.name)
        return _read_data(path, wb[DATA_SHEET].iter_rows(values_only=True))
    finally:
        wb.close()


def _read_data(path: Path, cells) -> list[ProgressRow]:
    header = [list(next(cells, ()) or ()), list(next(cells, ()) or ())]
    for r, expected in enumerate((list(FIELDS), [LABELS[f] for f in FIELDS]), start=1):
        got = header[r - 1] + [None] * max(0, len(FIELDS) - len(header[r - 1]))
        for j, want in enumerate(expected):
            if got[j] != want:
                raise _cell_error(path, r, j, f"見出しが「{want}」ではありません: {got[j]!r}",
                                  f"header is {got[j]!r}, expected {want!r}")
    rows: list[ProgressRow] = []
    where: dict[tuple[str, str, str], int] = {}
    for r, values in enumerate(cells, start=_DATA_FIRST_ROW):
        values = list(values[: len(FIELDS)]) + [None] * max(0, len(FIELDS) - len(values))
        if all(v is None or v == "" for v in values):
            continue
        parsed: dict[str, object] = {}
        for j, (name, value) in enumerate(zip(FIELDS, values, strict=True)):
            got = _text(value) if name in TEXT_FIELDS else _count(value)
            if got is None:
                ja, en = (("空欄か文字列ではありません", "empty or not text") if name in TEXT_FIELDS
                          else ("0以上の整数ではありません", "not a whole number ≥ 0"))
                raise _cell_error(path, r, j, f"{ja}: {value!r}", f"{en}: {value!r}")
            parsed[name] = got
        row = ProgressRow(**parsed)  # type: ignore[arg-type]
        if problems := row_problems(row):
            name, ja, en = problems[0]
            raise _cell_error(path, r, FIELDS.index(name), ja, en)
        if (key := _sort_key(row)) in where:
            raise _cell_error(path, r, FIELDS.index("month"), f"{where[key]} 行目と同じ団体・事務・報告月です",
                              f"same body, 事務 and month as row {where[key]}")
        where[key] = r
        rows.append(row)
    return rows
