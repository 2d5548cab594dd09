"""The answer sheet (調査票様式, 「労災保険におけるマイナンバー取得に係る事務処理の実態調査について」別添3):
様式 sheet with dropdowns and live status, 一覧用 row.

Layout of the 様式 sheet: title in row 1, 回答者情報 in rows 2–11 (属性 in row 4, as 「健康行政における
マイナンバー情報連携に係る実態調査について（依頼）」4.③ refers to 「シート１枚目の４行目「属性」欄」), the
情報未入力あり/情報入力完了 status below it (row 12), the 未回答あり/回答完了 status above the questions
(row 14), the デジタル庁's 「より慎重な選択肢を選択」 note (row 16), then one row per answer cell: 項番, 質問,
回答 (dropdown or free text), チェック (「未回答」「回答不要」 by formula), and a hidden column E holding whether
the skip logic shows the row; a question's note (the 別途の方法 examples, the note after Q2 …) is a row after
it. All formulas come from :func:`himozuke.survey.spec.visibility`'s data, so Excel/LibreOffice and the
collector agree. 一覧用 has 別添4's headers in row 1 and formulas in row 2. A hidden sheet 設定 maps each
column to its cell (the collector also reads sheets without it, by 一覧用 row 2: ``collect.py``).

>>> import tempfile, pathlib, openpyxl
>>> p = write_form("rousai", pathlib.Path(tempfile.mkdtemp()) / "sheet.xlsx")
>>> wb = openpyxl.load_workbook(p)
>>> wb.sheetnames
['様式', '設定', '一覧用']
>>> wb["様式"]["C2"].value, wb["様式"]["C4"].value
('雇用保険・労災（労災補償）', '受給者')
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from himozuke.survey import spec
from himozuke.survey.spec import Question, Variant

FORM_SHEET = "様式"
SUMMARY_SHEET = "一覧用"
SETTINGS_SHEET = "設定"
MAGIC = "himozuke-survey"
MISSING = "未回答"
FORBIDDEN = "回答不要（削除してください）"

_RESP_ROW = 2
_INFO_STATUS = "C12"
_ANSWER_STATUS = "C14"
_GUIDANCE_ROW = 16
_FIRST_Q_ROW = 17
_NOTE_FILL = PatternFill("solid", fgColor="F2F2F2")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_MINISTRY_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEAD_FILL = PatternFill("solid", fgColor="D9D9D9")
_SKIP_FILL = PatternFill("solid", fgColor="A6A6A6")
_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")
_FONT = "Noto Sans CJK JP"


def save_atomic(wb: Workbook, path: Path) -> Path:
    """Write ``wb`` to a temporary file beside ``path`` and rename it (DESIGN: no half-written file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def _height(text: str, width_chars: float) -> float:
    """Row height in points for wrapped text (a full-width character counts as two)."""
    lines = sum(max(1, math.ceil(sum(2 if ord(ch) > 0x2E7F else 1 for ch in part) / width_chars))
                for part in text.split("\n"))
    return max(20.0, 15.0 * lines + 4)


def _vis_formula(v: Variant, q: Question, rows: dict[str, int]) -> str:
    """The hidden-column formula that is TRUE when the skip logic shows ``q`` (mirrors spec.visibility)."""
    if q.parent is not None:
        pr = rows[q.parent]
        if not q.when:
            return f"=$E${pr}"
        marks = ",".join(f'LEFT($C${pr},1)="{m}"' for m in q.when)
        return f"=AND($E${pr},OR({marks}))"
    if q.kubun:
        kubun = [k for g in q.kubun for k in v.groups[g]]
        return "=OR(" + ",".join(f'$C$3="{k}"' for k in kubun) + ")"
    if q.shown_by:
        parts = [f'AND($E${rows[p]},LEFT($C${rows[p]},1)="{m}")' for p, m in q.shown_by]
        return "=OR(" + ",".join(parts) + ")"
    return "=TRUE()"


def _check_formula(r: int, cells: str) -> str:
    return (f'=IF(AND($E${r},COUNTA({cells})=0),"{MISSING}",'
            f'IF(AND(NOT($E${r}),COUNTA({cells})>0),"{FORBIDDEN}",""))')


def _settings(wb: Workbook, v: Variant) -> tuple[object, dict[str, str]]:
    """Hidden sheet: marker, version, variant; column→cell map (A:B); choice lists from column D."""
    ws = wb.create_sheet(SETTINGS_SHEET)
    ws.sheet_state = "hidden"
    ws["A1"], ws["B1"] = MAGIC, spec.spec_version()
    ws["A2"], ws["B2"] = "制度", v.key
    lists: dict[str, str] = {}
    sources = {"組織区分": v.kubun, "制度等": (v.seido,) if v.seido else ()}
    sources |= {q.id: q.choices for q in v.questions if q.kind in ("choice", "mark")}
    for i, (name, items) in enumerate((k, c) for k, c in sources.items() if c):
        col = get_column_letter(4 + i)
        ws[f"{col}1"] = name
        for j, item in enumerate(items, start=2):
            ws[f"{col}{j}"] = item
        lists[name] = f"'{SETTINGS_SHEET}'!${col}$2:${col}${len(items) + 1}"
    return ws, lists


def _dropdown(ws, cell: str, source: str, prompt: str) -> None:
    dv = DataValidation(type="list", formula1=source, allow_blank=True, showDropDown=False,
                        showErrorMessage=True, errorTitle="入力規則", error="リストから選択してください。",
                        promptTitle="回答", prompt=prompt[:250], showInputMessage=True)
    ws.add_data_validation(dv)
    dv.add(cell)


def _respondent(ws, v: Variant, lists: dict[str, str], cells: dict[str, str]) -> None:
    ws.merge_cells(start_row=_RESP_ROW, end_row=_RESP_ROW + len(v.respondent) - 1, start_column=1, end_column=1)
    head = ws.cell(_RESP_ROW, 1, "回答者情報")
    head.alignment = Alignment(vertical="center", horizontal="center", wrap_text=True, text_rotation=255)
    head.fill = _HEAD_FILL
    fixed = {"制度等": v.seido, "属性": v.zokusei, "組織区分": v.kubun[0] if len(v.kubun) == 1 else ""}
    for i, f in enumerate(v.respondent):
        r = _RESP_ROW + i
        ws.cell(r, 2, f.key).fill = _HEAD_FILL
        c = ws.cell(r, 3, fixed.get(f.key) or None)
        for cell in (ws.cell(r, 2), c, ws.cell(r, 4)):
            cell.border, cell.alignment = _BOX, _WRAP
        note = f.note
        if f.key == "属性" and v.zokusei_choices:
            note = "◆入力（運用の異なる検診ごとにファイルを分け、該当する属性分類を「、」区切りで記載。全て同じ運用なら空欄）"
        ws.cell(r, 4, note).alignment = _WRAP
        ws.row_dimensions[r].height = _height(note, 36)
        if fixed.get(f.key):
            c.fill = _MINISTRY_FILL
        else:
            c.fill = _INPUT_FILL
            c.protection = Protection(locked=False)
            if f.key in lists:
                _dropdown(ws, c.coordinate, lists[f.key], note)
            else:
                dv = DataValidation(type=None, allow_blank=True, showInputMessage=True, promptTitle=f.key,
                                    prompt=note.removeprefix("◆入力　")[:250])
                ws.add_data_validation(dv)
                dv.add(c.coordinate)
        cells[f.key] = c.coordinate
    required = ",".join(f'{cells[f.key]}<>""' for f in v.respondent if f.required)
    ws[_INFO_STATUS] = f'=IF(AND({required}),"{spec.INFO_COMPLETE}","{spec.INFO_INCOMPLETE}")'


def _note(ws, r: int, text: str, *, bold: bool = False) -> None:
    """A guidance row across 項番…チェック (merged, grey, no answer cell; column E stays empty)."""
    ws.merge_cells(start_row=r, end_row=r, start_column=1, end_column=4)
    c = ws.cell(r, 1, text)
    c.alignment, c.fill, c.font, c.border = _WRAP, _NOTE_FILL, Font(bold=bold, size=10), _BOX
    ws.row_dimensions[r].height = _height(text, 130)


def _questions(ws, v: Variant, lists: dict[str, str], cells: dict[str, str]) -> int:
    ws["A13"] = "調査項目への回答"
    ws["A13"].font = Font(bold=True, size=12)
    ws.merge_cells("A13:D13")
    for col, text in zip("ABCD", ("項番", "質問", "回答をリストから選択\n（一部自由記載）", "チェック"), strict=True):
        c = ws[f"{col}15"]
        c.value, c.fill, c.alignment, c.border = text, _HEAD_FILL, _WRAP, _BOX
    ws.row_dimensions[15].height = 34
    _note(ws, _GUIDANCE_ROW, spec.guidance(), bold=True)
    rows: dict[str, int] = {}
    r = _FIRST_Q_ROW
    kenshin_started = False
    for q in v.questions:
        if q.id == "a" and not kenshin_started:
            kenshin_started = True
            ws.cell(r, 1, "ここからは自治体検診に関する追加の質問となります。").font = Font(bold=True)
            ws.merge_cells(start_row=r, end_row=r, start_column=1, end_column=4)
            r += 1
        rows[q.id] = r
        ws.cell(r, 5, _vis_formula(v, q, rows))
        label = q.text
        if q.kind == "choice":
            label = q.text + "\n" + "\n".join(q.choices)
        a = ws.cell(r, 1, q.id if q.parent is None else None)
        b = ws.cell(r, 2, label)
        c = ws.cell(r, 3)
        for cell in (a, b, c, ws.cell(r, 4)):
            cell.border, cell.alignment = _BOX, _WRAP
        ws.row_dimensions[r].height = max(_height(label, 66), 64.0 if q.kind == "記述" else 0.0)
        if q.kind == "multi":
            c.value = "（該当箇所全てに「〇」）"
            options = [o for o in v.questions if o.parent == q.id and o.kind == "mark"]
            span = f"$C${r + 1}:$C${r + len(options)}"
            ws.cell(r, 4, _check_formula(r, span))
        else:
            c.fill, c.protection = _INPUT_FILL, Protection(locked=False)
            cells[q.column] = c.coordinate
            if q.kind in ("choice", "mark"):
                _dropdown(ws, c.coordinate, lists[q.id], "リストから選択してください。")
            if q.kind != "mark":
                ws.cell(r, 4, _check_formula(r, f"$C${r}"))
            if q.id in v.prefilled:
                c.value = next(ch for ch in q.choices if ch.startswith(v.prefilled[q.id]))
                c.fill, c.protection = _MINISTRY_FILL, Protection(locked=True)
        r += 1
        if q.note:
            _note(ws, r, q.note)
            r += 1
    last = r - 1
    ws[_ANSWER_STATUS] = (f'=IF(SUMPRODUCT(LEN($D${_FIRST_Q_ROW}:$D${last}))=0,'
                          f'"{spec.ANSWERS_COMPLETE}","{spec.ANSWERS_INCOMPLETE}")')
    ws.conditional_formatting.add(f"C{_FIRST_Q_ROW}:C{last}",
                                  FormulaRule(formula=[f"NOT($E{_FIRST_Q_ROW})"], fill=_SKIP_FILL))
    return last


def _summary_sheet(wb: Workbook, v: Variant, cells: dict[str, str]) -> None:
    """一覧用: 別添4's header row and one row of formulas copying the 様式 answers (調査要領 2.(3))."""
    ws = wb.create_sheet(SUMMARY_SHEET)
    refs = {spec.ERROR_CHECK_1: _INFO_STATUS, spec.ERROR_CHECK_2: _ANSWER_STATUS} | cells
    for i, (name, header) in enumerate(zip(v.columns(), v.headers(), strict=True), start=1):
        ws.cell(1, i, header).fill = _HEAD_FILL
        ref = f"'{FORM_SHEET}'!{refs[name]}"
        ws.cell(2, i, f'=IF({ref}="","",{ref})')
        ws.column_dimensions[get_column_letter(i)].width = 14
    ws.protection.sheet = True
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 1


def write_form(variant: str, out: Path | str, *, values: Mapping[str, str] | None = None) -> Path:
    """Write the answer sheet for one 制度 (``--制度`` key or 制度等 label) to ``out``; return the path.

    ``values`` (一覧表 column → text) pre-fills cells, e.g. ``{"組織名": "14神奈川県相模原市"}``.
    """
    v = spec.variant(variant)
    wb = Workbook()
    ws = wb.active
    ws.title = FORM_SHEET
    settings, lists = _settings(wb, v)
    ws["A1"] = spec.title()
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:D1")
    cells: dict[str, str] = {}
    _respondent(ws, v, lists, cells)
    last = _questions(ws, v, lists, cells)
    for st, done in ((_INFO_STATUS, spec.INFO_COMPLETE), (_ANSWER_STATUS, spec.ANSWERS_COMPLETE)):
        ws[st].font, ws[st].border, ws[st].alignment = Font(bold=True, color="C00000"), _BOX, _WRAP
        ws.conditional_formatting.add(st, FormulaRule(formula=[f'{st}="{done}"'], font=Font(bold=True, color="006100"),
                                                      fill=PatternFill("solid", fgColor="C6EFCE")))
    ws["A2"].font = Font(bold=True)
    ws["B12"] = "入力状況"
    ws["B14"] = "回答状況"
    for i, width in enumerate((8, 62, 34, 32, 6), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.column_dimensions["E"].hidden = True
    for row in ws.iter_rows(min_row=1, max_row=last, max_col=4):
        for c in row:
            c.font = Font(name=_FONT, bold=c.font.bold, size=c.font.size, color=c.font.color)
    ws.protection.sheet = True
    ws.print_title_rows = "15:15"
    ws.print_area = f"A1:D{last}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    for i, (name, ref) in enumerate(cells.items(), start=4):
        settings.cell(i, 1, name)
        settings.cell(i, 2, ref)
    _summary_sheet(wb, v, cells)
    out = save_atomic(wb, Path(out))
    if values:
        fill_form(out, values)
    return out


def fill_form(path: Path | str, values: Mapping[str, str], out: Path | str | None = None) -> Path:
    """Type ``values`` (一覧表 column → text; ``""`` clears) into a sheet, as a respondent would."""
    path = Path(path)
    wb = load_workbook(path)
    cells = cell_map(wb)
    ws = wb[FORM_SHEET]
    for name, value in values.items():
        ws[cells[name]] = value if value != "" else None
    return save_atomic(wb, Path(out) if out else path)


def cell_map(wb: Workbook) -> dict[str, str]:
    """一覧表 column → 様式 cell, from the hidden 設定 sheet (empty if the book is not our form)."""
    if SETTINGS_SHEET not in wb.sheetnames or wb[SETTINGS_SHEET]["A1"].value != MAGIC:
        return {}
    ws = wb[SETTINGS_SHEET]
    return {str(a): str(b) for a, b in ws.iter_rows(min_row=4, max_col=2, values_only=True) if a and b}
