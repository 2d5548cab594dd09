"""Collection into the 一覧表 (seed 000 別添2 3.: 署番号順に貼り付け, ファイル名及びシート名は【00●●局】).

Reads every file in a folder; an unreadable file is listed with its reason, never dropped. The 一覧表
has one row per sheet (the 一覧用 columns, office-number order) plus 点検結果; an エラー一覧 sheet lists
every problem, a ファイル一覧 sheet every file, and one CSV per file with problems is written to send back.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from himozuke.errors import InputFileError
from himozuke.survey import spec
from himozuke.survey.form import FORM_SHEET, SETTINGS_SHEET, cell_map, save_atomic
from himozuke.survey.spec import Row, Variant
from himozuke.survey.validate import ERROR, Problem, status, validate

RESULT_COLUMN = "点検結果"
ERROR_SHEET = "エラー一覧"
FILES_SHEET = "ファイル一覧"
_EXCEL = {".xlsx", ".xlsm"}


@dataclass
class Sheet:
    """One returned answer sheet, read and checked."""

    file: str
    variant: Variant
    row: Row
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(p.level == ERROR for p in self.problems)


@dataclass
class Collection:
    """All sheets (sorted) and the files that could not be read, with the reason."""

    sheets: list[Sheet]
    unreadable: list[tuple[str, str]]
    name: str


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year}年{value.month}月"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_sheet(path: Path) -> tuple[Variant, Row]:
    """The variant and 一覧表 row of one answer sheet; :class:`InputFileError` if it is not one."""
    if path.suffix.lower() not in _EXCEL:
        hint = "（.xls は Excel で .xlsx 形式で保存し直してください）" if path.suffix.lower() == ".xls" else ""
        raise InputFileError(f"調査票様式（.xlsx）ではありません{hint}", "not an .xlsx answer sheet", file=path.name)
    try:
        wb = load_workbook(path)
    except Exception as e:  # openpyxl raises many types for damaged files
        raise InputFileError(f"Excelファイルとして開けません（{type(e).__name__}）",
                             f"cannot open as a workbook: {e}", file=path.name) from e
    cells = cell_map(wb)
    if not cells or FORM_SHEET not in wb.sheetnames:
        raise InputFileError("この調査票様式のシート（様式・設定）が見つかりません",
                             "not a himozuke answer sheet (様式/設定 sheets missing)", file=path.name)
    v = spec.variant(str(wb[SETTINGS_SHEET]["B2"].value))
    ws = wb[FORM_SHEET]
    row = {name: _text(ws[ref].value) for name, ref in cells.items()}
    row[spec.ERROR_CHECK_1], row[spec.ERROR_CHECK_2] = status(v, row)
    return v, row


def sort_key(sheet: Sheet) -> tuple:
    """Office-number order: 都道府県コード／局番号, 署番号, 都道府県 before its municipalities, name, file."""
    name = sheet.row.get("組織名", "")
    m = re.match(r"([0-9]{2})([0-9]{2})?", name)
    code = int(m[1]) if m else 99
    office = int(m[2]) if m and m[2] else 0
    kubun_order = 0 if sheet.row.get("組織区分") == "都道府県" else 1
    return (code, office, kubun_order, name, sheet.row.get("属性", ""), sheet.file)


def collection_name(sheets: list[Sheet], name: str | None = None) -> str:
    """【00●●局】 for labour bureaus, 【14神奈川県】 for a prefecture, 【一覧表】 when mixed.

    ``name`` (``"13東京"``) overrides the code+name inside the brackets.
    """
    labour = any(s.variant.collector == "局" for s in sheets)
    if name:
        return f"【{name}{'局' if labour and not name.endswith('局') else ''}】"
    codes = {m[1] for s in sheets if (m := re.match(r"([0-9]{2})", s.row.get("組織名", "")))}
    if len(codes) != 1:
        return "【一覧表】"
    code = codes.pop()
    prefs = spec.prefectures()
    pref = prefs[int(code) - 1] if 1 <= int(code) <= len(prefs) else ""
    if labour:
        return f"【{code}{pref if pref == '北海道' else pref[:-1]}局】"
    return f"【{code}{pref}】"


def collect(folder: Path | str, *, name: str | None = None) -> Collection:
    """Read and check every file in ``folder`` (recursively), sorted into office-number order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputFileError("フォルダがありません", "no such folder", file=str(folder))
    sheets: list[Sheet] = []
    unreadable: list[tuple[str, str]] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = str(path.relative_to(folder))
        if path.name.startswith("~$"):
            unreadable.append((rel, "Excelの一時ファイルです（ファイルを閉じてから回収してください）"))
            continue
        try:
            v, row = read_sheet(path)
        except InputFileError as e:
            unreadable.append((rel, e.ja))
            continue
        sheets.append(Sheet(rel, v, row, validate(v, row)))
    sheets.sort(key=sort_key)
    _flag_duplicates(sheets)
    return Collection(sheets, unreadable, collection_name(sheets, name))


def _flag_duplicates(sheets: list[Sheet]) -> None:
    seen: dict[tuple[str, str, str], str] = {}
    for s in sheets:
        key = (s.row.get("制度等", ""), s.row.get("組織名", ""), s.row.get("属性", ""))
        if key[1] and key in seen:
            s.problems.append(Problem("組織名", f"同じ制度等・組織名・属性の回答が {seen[key]} にもあります"))
        seen.setdefault(key, s.file)


def _result(sheet: Sheet) -> str:
    if not sheet.problems:
        return "エラーなし"
    n, r = sheet.errors, len(sheet.problems) - sheet.errors
    return "・".join(t for t in (f"エラー{n}件（差戻し）" if n else "", f"確認{r}件" if r else "") if t)


def write_collection(c: Collection, out: Path | str) -> Path:
    """Write the 一覧表 workbook and, beside it, one error CSV per sheet with problems."""
    out = Path(out)
    wb = Workbook()
    wb.remove(wb.active)
    head = PatternFill("solid", fgColor="D9D9D9")
    variants = list(dict.fromkeys(s.variant.key for s in c.sheets)) or ["generic"]
    for key in variants:
        v = spec.variant(key)
        title = c.name if len(variants) == 1 else f"{c.name}{v.key}"
        ws = wb.create_sheet(title[:31])
        columns = (*v.columns(), RESULT_COLUMN)
        ws.append(columns)
        for cell in ws[1]:
            cell.fill, cell.font = head, Font(bold=True)
        for s in (s for s in c.sheets if s.variant.key == key):
            ws.append([s.row.get(col, "") for col in v.columns()] + [_result(s)])
        ws.freeze_panes = "C2"
    errs = wb.create_sheet(ERROR_SHEET)
    errs.append(("ファイル", "組織名", "欄", "区分", "内容"))
    for s in c.sheets:
        for p in s.problems:
            errs.append((s.file, s.row.get("組織名", ""), p.column, p.level, p.message))
    for f, reason in c.unreadable:
        errs.append((f, "", "", "読込不可", reason))
    files = wb.create_sheet(FILES_SHEET)
    files.append(("ファイル", "状態", "組織名", "点検結果"))
    for s in c.sheets:
        files.append((s.file, "取込", s.row.get("組織名", ""), _result(s)))
    for f, reason in c.unreadable:
        files.append((f, "読込不可", "", reason))
    save_atomic(wb, out)
    back = out.parent / f"{out.stem}_差戻し"
    for s in (s for s in c.sheets if s.problems):
        back.mkdir(parents=True, exist_ok=True)
        target = back / f"{Path(s.file).stem}_エラー一覧.csv"
        with target.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(("ファイル", "組織名", "欄", "区分", "内容"))
            w.writerows((s.file, s.row.get("組織名", ""), p.column, p.level, p.message) for p in s.problems)
    return out


def read_collection(path: Path | str) -> list[tuple[Variant, Row, str]]:
    """Rows of a 一覧表 (every sheet whose header starts with エラーチェック1), with variant and sheet name."""
    path = Path(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:
        raise InputFileError("一覧表を開けません", f"cannot open the summary table: {e}", file=path.name) from e
    rows: list[tuple[Variant, Row, str]] = []
    for ws in wb.worksheets:
        values = list(ws.iter_rows(values_only=True))
        if not values or not values[0] or values[0][0] != spec.ERROR_CHECK_1:
            continue
        header = [_text(h) for h in values[0]]
        for raw in values[1:]:
            row = dict(zip(header, (_text(x) for x in raw), strict=False))
            if any(row.values()):
                rows.append((_variant_of(row), row, ws.title))
    if not rows:
        raise InputFileError("一覧表に回答の行がありません（1行目がエラーチェック1の見出しのシートが必要）",
                             "no answer rows found in the summary table", file=path.name)
    return rows


def _variant_of(row: Row) -> Variant:
    seido = row.get("制度等", "")
    key = next((k for k in spec.variant_keys() if spec.variant(k).seido == seido and seido), "generic")
    v = spec.variant(key)
    return v if "a" not in row or v.key == "kenshin" else spec.variant("kenshin")
