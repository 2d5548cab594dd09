"""Collection into the 一覧表 (別添4).

Sources: 「労災保険におけるマイナンバー取得に係る事務処理の実態調査について」（基保発0707第4号）別添2 調査要領
3.(1) 「各署から提出された調査票様式（別添３）の「一覧用」シートの２行目をコピーし、一覧表（別添４）の２行目以降に
…署番号順に貼り付ける」, 3.(2) 「ファイル名及びシート名は【00●●局】」; 「健康行政におけるマイナンバー情報連携に
係る実態調査について（依頼）」3.(2) 「ファイル名：【都道府県・指定都市・中核市名】マイナンバーアンケート回答」,
3.(3) 「①～③についてそれぞれ上記の提出先までご提出」; 「中国残留邦人等支援給付関係事務におけるマイナンバー情報
連携に係る実態調査について（依頼）」2(2) 「指定都市及び中核市担当者の作業について 上記1の提出先に、調査票様式を
直接ご提出ください」.

A returned workbook is read by the first producer that recognises it (:data:`READERS`): himozuke's own form
(its hidden 設定 sheet maps every cell), else any workbook with an 一覧用 sheet — the ministry's own 別添3
included — by its row 2 in 別添4's column order. An unreadable file is listed with its reason, never dropped.

The 一覧表 has one sheet per 制度等 with exactly 別添4's columns and headers, one row per sheet in
office-number order; himozuke's extras are on their own sheets: 補足 (Q10 概要, 点検結果, the file),
エラー一覧, ファイル一覧. One CSV per file with problems is written beside it to send back.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from himozuke.errors import InputFileError
from himozuke.survey import spec
from himozuke.survey.form import FORM_SHEET, SETTINGS_SHEET, SUMMARY_SHEET, cell_map, save_atomic
from himozuke.survey.spec import Row, Variant
from himozuke.survey.validate import ERROR, REMINDER, Problem, status, validate

RESULT_COLUMN = "点検結果"
EXTRA_SHEET = "補足"
ERROR_SHEET = "エラー一覧"
FILES_SHEET = "ファイル一覧"
EXTRA_HEAD = ("一覧表シート", "行", "ファイル", "組織名")
FORM_READER = "様式（設定シート）"
SUMMARY_READER = "一覧用2行目"
_EXCEL = {".xlsx", ".xlsm"}
_KNOWN_EXTRAS = {RESULT_COLUMN, "ファイル"}
_REF = re.compile(r"(?:'([^']+)'|([^\s!'=(),&\"]+))!\$?([A-Z]{1,3})\$?([0-9]+)")


@dataclass
class Sheet:
    """One returned answer sheet, read and checked; ``reader`` says how it was read."""

    file: str
    variant: Variant
    row: Row
    problems: list[Problem] = field(default_factory=list)
    reader: str = FORM_READER

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


def map_headers(headers: list[str]) -> list[str | None]:
    """Column keys for an 一覧用 / 一覧表 header row, position by position (別添4's order).

    A header equal to 別添4's at its position, or a himozuke key (``7-4①``, ``10 記載``), names its column;
    himozuke's extras (点検結果) are skipped; any other header within 別添4's width is read by its position
    (a ministry's wording may differ; the position is what 調査要領 3.(1) copies).

    >>> map_headers(["エラーチェック1", "エラーチェック2", "制度等"])
    ['エラーチェック1', 'エラーチェック2', '制度等']
    >>> keys = map_headers([h for h in spec.variant("kenshin").headers()])
    >>> keys[15], keys[19], keys[24], keys[30]
    ('2 記載', '6①', '7-4①', '8-1 記載')
    """
    full = spec.variant("kenshin")  # its columns are every other variant's, then a–d
    canon, canon_h = full.columns(), full.headers()
    own = set(canon) | set(full.extras())
    out: list[str | None] = []
    for i, h in enumerate(headers):
        if i < len(canon) and spec.same_label(h, canon_h[i]):
            out.append(canon[i])
        elif h in own and h != "-":
            out.append(h)
        elif h in _KNOWN_EXTRAS or i >= len(canon):
            out.append(None)
        else:
            out.append(canon[i])
    return out


def row_from(keys: list[str | None], values: list[str]) -> tuple[Variant, Row]:
    """The variant and row of one 一覧用 / 一覧表 line; cells 別添4 has no column for stay absent."""
    got = {k: val for k, val in zip(keys, values, strict=False) if k}
    v = spec.variant_for(got.get("制度等", ""), kenshin=any(got.get(q) for q in ("a", "b", "c", "d")))
    row = {c: got.get(c, "") for c in v.columns()}
    row |= {c: got[c] for c in v.extras() if c in got}
    return v, row


def _read_form(path: Path, wb: Workbook) -> tuple[Variant, Row] | None:
    """himozuke's own form: every cell through the hidden 設定 sheet (Q10 概要 included)."""
    cells = cell_map(wb)
    if not cells or FORM_SHEET not in wb.sheetnames:
        return None
    v = spec.variant(str(wb[SETTINGS_SHEET]["B2"].value))
    ws = wb[FORM_SHEET]
    return v, {name: _text(ws[ref].value) for name, ref in cells.items()}


def _follow(wb: Workbook, formula: str) -> str:
    """The value a formula like ``=IF(様式!C5="","",様式!C5)`` copies: its first cell reference's value."""
    m = _REF.search(formula)
    if not m or (m[1] or m[2]) not in wb.sheetnames:
        return ""
    value = wb[m[1] or m[2]][f"{m[3]}{m[4]}"].value
    return "" if isinstance(value, str) and value.startswith("=") else _text(value)


def _read_summary_row(path: Path, wb: Workbook) -> tuple[Variant, Row] | None:
    """Any workbook with an 一覧用 sheet (the ministry's 別添3 among them): row 2, 別添4's column order.

    A cell's saved value is taken; a formula saved without its value (a workbook written by a program) is
    followed to the cell it copies.
    """
    if SUMMARY_SHEET not in wb.sheetnames:
        return None
    ws = wb[SUMMARY_SHEET]
    head = [_text(c.value) for c in ws[1]]
    if not head or not spec.same_label(head[0], spec.ERROR_CHECK_1):
        raise InputFileError(f"「{SUMMARY_SHEET}」シートの1行目が一覧表（別添4）の見出し（エラーチェック1…）ではありません",
                             f"row 1 of sheet {SUMMARY_SHEET!r} is not the 別添4 header", file=path.name, line=1,
                             column="A")
    saved = load_workbook(path, data_only=True)[SUMMARY_SHEET]
    values = []
    for i in range(1, len(head) + 1):
        raw, cached = ws.cell(2, i).value, saved.cell(2, i).value
        if cached is not None or not (isinstance(raw, str) and raw.startswith("=")):
            values.append(_text(cached if cached is not None else raw))
        else:
            values.append(_follow(wb, raw))
    if not any(values):
        raise InputFileError(f"「{SUMMARY_SHEET}」シートの2行目（回答）が空です", f"row 2 of sheet {SUMMARY_SHEET!r} is empty",
                             file=path.name, line=2)
    return row_from(map_headers(head), values)


READERS: tuple[tuple[str, Callable[[Path, Workbook], tuple[Variant, Row] | None]], ...] = (
    (FORM_READER, _read_form),
    (SUMMARY_READER, _read_summary_row),
)
"""Producers of answer sheets, tried in order; the first that recognises a workbook reads it."""


def read_sheet(path: Path) -> tuple[Variant, Row, str]:
    """Variant, row and reader of one answer sheet; :class:`InputFileError` if no reader knows it."""
    if path.suffix.lower() not in _EXCEL:
        hint = "（.xls は Excel で .xlsx 形式で保存し直してください）" if path.suffix.lower() == ".xls" else ""
        raise InputFileError(f"調査票様式（.xlsx）ではありません{hint}", "not an .xlsx answer sheet", file=path.name)
    try:
        wb = load_workbook(path)
    except Exception as e:  # openpyxl raises many types for damaged files
        raise InputFileError(f"Excelファイルとして開けません（{type(e).__name__}）",
                             f"cannot open as a workbook: {e}", file=path.name) from e
    for name, reader in READERS:
        got = reader(path, wb)
        if got:
            v, row = got
            row[spec.ERROR_CHECK_1], row[spec.ERROR_CHECK_2] = status(v, row)
            return v, row, name
    raise InputFileError(f"調査票様式のシート（「{SUMMARY_SHEET}」または様式・設定）が見つかりません",
                         f"not an answer sheet (no {SUMMARY_SHEET!r} sheet)", file=path.name)


def sort_key(sheet: Sheet) -> tuple:
    """Office-number order: 都道府県コード／局番号, 署番号, 都道府県 before its municipalities, name, file."""
    name = sheet.row.get("組織名", "")
    m = re.match(r"([0-9]{2})([0-9]{2})?", name)
    code = int(m[1]) if m else 99
    office = int(m[2]) if m and m[2] else 0
    kubun_order = 0 if sheet.row.get("組織区分") == "都道府県" else 1
    return (code, office, kubun_order, name, sheet.row.get("属性", ""), sheet.file)


def _labour(sheets: list[Sheet]) -> bool:
    return any(s.variant.collector == "局" for s in sheets)


def collection_name(sheets: list[Sheet], name: str | None = None) -> str:
    """【00●●局】 for labour bureaus, 【14神奈川県】 for a prefecture, 【一覧表】 when mixed.

    ``name`` (``"13東京"``) overrides the code+name inside the brackets.
    """
    labour = _labour(sheets)
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


def file_name(c: Collection) -> str:
    """The file to send: 【00●●局】.xlsx (調査要領 3.(2)); otherwise 「【都道府県・指定都市・中核市名】マイナンバー
    アンケート回答」 (健康行政…実態調査について（依頼）3.(2)) — the name without the 都道府県コード, and a
    指定都市's / 中核市's own collection under its own name.

    >>> file_name(Collection([], [], "【14神奈川県】"))
    '【神奈川県】マイナンバーアンケート回答.xlsx'
    """
    if _labour(c.sheets):
        return f"{c.name}.xlsx"
    orgs = {s.row.get("組織名", "") for s in c.sheets}
    direct = spec.direct_submitters()
    if c.sheets and len(orgs) == 1 and all(s.row.get("組織区分") in direct for s in c.sheets):
        org = orgs.pop()
        m = re.match(r"[0-9]{2}", org)
        prefs = spec.prefectures()
        if m and 1 <= int(m[0]) <= len(prefs):
            org = org[2:].removeprefix(prefs[int(m[0]) - 1])
        return f"【{org}】マイナンバーアンケート回答.xlsx"
    return f"{re.sub(r'^【[0-9]{2}', '【', c.name)}マイナンバーアンケート回答.xlsx"


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
            v, row, reader = read_sheet(path)
        except InputFileError as e:
            unreadable.append((rel, e.ja if e.line is None else f"{e.ja}（{e.line}行目）"))
            continue
        sheets.append(Sheet(rel, v, row, validate(v, row), reader))
    sheets.sort(key=sort_key)
    _flag_duplicates(sheets)
    _flag_direct_submitters(sheets)
    return Collection(sheets, unreadable, collection_name(sheets, name))


def _flag_duplicates(sheets: list[Sheet]) -> None:
    seen: dict[tuple[str, str, str], str] = {}
    for s in sheets:
        key = (s.row.get("制度等", ""), s.row.get("組織名", ""), s.row.get("属性", ""))
        if key[1] and key in seen:
            s.problems.append(Problem("組織名", f"同じ制度等・組織名・属性の回答が {seen[key]} にもあります"))
        seen.setdefault(key, s.file)


def _flag_direct_submitters(sheets: list[Sheet]) -> None:
    """A prefecture's collection holding a 指定都市 / 中核市 sheet: 確認 (they submit directly).

    A collection of 指定都市 / 中核市 sheets only is the city's own and is not flagged; nor are labour offices.
    """
    direct = spec.direct_submitters()
    if all(s.row.get("組織区分") in direct for s in sheets):
        return
    for s in sheets:
        kubun = s.row.get("組織区分", "")
        if s.variant.collector == "都道府県" and kubun in direct:
            s.problems.append(Problem(
                "組織区分", f"{kubun}は都道府県を経由せず調査票様式を直接提出します（指定都市及び中核市担当者の作業に"
                "ついて「調査票様式を直接ご提出ください」）: 都道府県の一覧表に含めるか確認してください", REMINDER))


def split_by_seido(c: Collection) -> list[tuple[str, Collection]]:
    """One collection per 制度等 (「①～③についてそれぞれ上記の提出先までご提出」): (制度等, collection).

    Unreadable files cannot be assigned to a 制度 and are listed in every part.
    """
    groups: dict[str, list[Sheet]] = {}
    for s in c.sheets:
        groups.setdefault(_seido(s), []).append(s)
    return [(seido, replace(c, sheets=sheets)) for seido, sheets in groups.items()] or [("", c)]


def _seido(s: Sheet) -> str:
    return s.row.get("制度等", "") or s.variant.seido or "（制度等未入力）"


def _result(sheet: Sheet) -> str:
    if not sheet.problems:
        return "エラーなし"
    n, r = sheet.errors, len(sheet.problems) - sheet.errors
    return "・".join(t for t in (f"エラー{n}件（差戻し）" if n else "", f"確認{r}件" if r else "") if t)


def _sheet_title(name: str, seido: str, single: bool, taken: set[str]) -> str:
    base = name if single else re.sub(r"[\[\]:*?/\\]", "", f"{name}{seido}")
    title, i = base[:31], 2
    while title in taken:
        title, i = f"{base[:28]}({i})", i + 1
    taken.add(title)
    return title


def write_collection(c: Collection, out: Path | str) -> Path:
    """Write the 一覧表 workbook (``out`` a file, or a folder → :func:`file_name` in it) and, beside it, one
    error CSV per sheet with problems."""
    out = Path(out)
    if out.is_dir() or not out.suffix:
        out = out / file_name(c)
    wb = Workbook()
    wb.remove(wb.active)
    head = PatternFill("solid", fgColor="D9D9D9")
    groups: dict[tuple[str, str], list[Sheet]] = {}
    for s in c.sheets:
        groups.setdefault((s.variant.key, _seido(s)), []).append(s)
    taken: set[str] = set()
    placed: list[tuple[str, int, Sheet]] = []
    for (key, seido), members in (groups or {("generic", ""): []}).items():
        v = spec.variant(key)
        ws = wb.create_sheet(_sheet_title(c.name, seido, len(groups) <= 1, taken))
        ws.append(v.headers())
        for cell in ws[1]:
            cell.fill, cell.font = head, Font(bold=True)
        for s in members:
            ws.append([s.row.get(col, "") for col in v.columns()])
            placed.append((ws.title, ws.max_row, s))
        ws.freeze_panes = "C2"
    extras = tuple(dict.fromkeys(e for s in c.sheets for e in s.variant.extras()))
    ex = wb.create_sheet(EXTRA_SHEET)
    ex.append((*EXTRA_HEAD, *extras, RESULT_COLUMN, "読取"))
    for title, r, s in placed:
        ex.append((title, r, s.file, s.row.get("組織名", ""), *(s.row.get(e, "") for e in extras), _result(s),
                   s.reader))
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
    """Rows of a 一覧表 (every sheet whose header starts with エラーチェック1), with variant and sheet name.

    Headers are read as :func:`map_headers` says, so an 一覧表 with 別添4's own headers reads like one
    himozuke wrote; the 補足 sheet, if any, adds back the cells 別添4 has no column for.
    """
    path = Path(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:
        raise InputFileError("一覧表を開けません", f"cannot open the summary table: {e}", file=path.name) from e
    extra: dict[tuple[str, int], Row] = {}
    if EXTRA_SHEET in wb.sheetnames:
        values = list(wb[EXTRA_SHEET].iter_rows(values_only=True))
        if values and tuple(_text(h) for h in values[0][:len(EXTRA_HEAD)]) == EXTRA_HEAD:
            header = [_text(h) for h in values[0]]
            for raw in values[1:]:
                line = dict(zip(header, (_text(x) for x in raw), strict=False))
                if line.get("行", "").isdigit():  # a cell read from an 一覧用 never existed: keep it absent
                    kept = {k: x for k, x in line.items() if x or line.get("読取") != SUMMARY_READER}
                    extra[(line["一覧表シート"], int(line["行"]))] = kept
    rows: list[tuple[Variant, Row, str]] = []
    for ws in wb.worksheets:
        values = list(ws.iter_rows(values_only=True))
        if not values or not values[0] or not spec.same_label(_text(values[0][0]), spec.ERROR_CHECK_1):
            continue
        keys = map_headers([_text(h) for h in values[0]])
        for r, raw in enumerate(values[1:], start=2):
            cells = [_text(x) for x in raw]
            if not any(cells):
                continue
            v, row = row_from(keys, cells)
            row |= {e: extra[(ws.title, r)][e] for e in v.extras() if e in extra.get((ws.title, r), {})}
            rows.append((v, row, ws.title))
    if not rows:
        raise InputFileError("一覧表に回答の行がありません（1行目がエラーチェック1の見出しのシートが必要）",
                             "no answer rows found in the summary table", file=path.name)
    return rows
