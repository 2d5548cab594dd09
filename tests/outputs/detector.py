"""Find a full 12-digit My Number wherever a person could read it: text (csv, json, the screen), xlsx, parquet.

A number leaks in disguise as easily as plainly: typed in full-width digits (``１２３４…``), in groups
(``1234 5678 9018``, ``1234-5678-9018``, ``１２３４　５６７８　９０１８``). The detector folds each of those to the 12
ASCII digits; a masked number (``1234 **** 9018``, stars for a number of another length — :func:`himozuke.mynumber.mask`)
holds only 8 digits and is never flagged. A run of more than 12 digits (a SHA-256 in hex, a timestamp) is no My
Number; nor are 12 digits glued to a letter or another digit (``abc123456789012``). The check digit is not
required: a mistyped number is still someone's number, almost.

Independent of himozuke's own code on purpose: a test that used ``mynumber.mask`` to look for leaks would pass
whatever the masking does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

#: Digits as a number may be written: ASCII and full-width.
_DIGIT = "0-9\uff10-\uff19"
#: What may stand between two digit groups of one number: a space, a full-width space, a no-break space, a tab,
#: or a hyphen look-alike (hyphen-minus, hyphen, non-breaking hyphen, figure dash, en dash, minus, full-width
#: hyphen-minus, katakana-hiragana prolonged sound mark as typed for a dash).
_SEPARATOR = " \u3000\u00a0\t\\-\u2010\u2011\u2012\u2013\u2212\uff0d\u30fc"
#: A maximal run of digits in groups, each group split from the next by exactly one separator, not touching a
#: letter or digit on either side.
_RUN = re.compile(rf"(?<![{_DIGIT}A-Za-z\uff21-\uff3a\uff41-\uff5a])[{_DIGIT}]+(?:[{_SEPARATOR}][{_DIGIT}]+)*"
                  rf"(?![{_DIGIT}A-Za-z\uff21-\uff3a\uff41-\uff5a])")
_WIDE = str.maketrans("０１２３４５６７８９", "0123456789")
_NOT_DIGIT = re.compile(r"[^0-9]")


def full_numbers(text: str) -> list[str]:
    """Every full My Number in ``text``, as 12 ASCII digits, in order of appearance.

    >>> full_numbers("1234 **** 9018, １２３４５６７８９０１８ and 1234-5678-9018")
    ['123456789018', '123456789018']
    >>> full_numbers("sha 0123456789012345abc, 2026-12-04T13:43:29")
    []
    """
    found = []
    for m in _RUN.finditer(text):
        digits = _NOT_DIGIT.sub("", m.group().translate(_WIDE))
        if len(digits) == 12:
            found.append(digits)
    return found


def _cell_text(value: object) -> str:
    """A cell as text; an integral float (Excel keeps numbers as floats) without its ``.0`` or exponent."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def in_values(values: Iterable[object]) -> list[str]:
    """Full numbers in any value of ``values``, each value on its own (a column is no one sentence)."""
    return [n for v in values for n in full_numbers(_cell_text(v))]


def in_xlsx(path: Path) -> list[tuple[str, str]]:
    """(sheet, number) for every full number in any cell of any sheet of the workbook at ``path``."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [(ws.title, n) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                for n in in_values(row)]
    finally:
        wb.close()


def in_parquet(path: Path) -> list[tuple[str, str]]:
    """(column, number) for every full number in any column of the Parquet file, each cast to text."""
    import polars as pl

    frame = pl.read_parquet(path)
    found = []
    for name in frame.columns:
        column = frame.get_column(name)
        try:
            values = column.cast(pl.String).drop_nulls().to_list()
        except pl.exceptions.InvalidOperationError:  # a nested column: its values as Python prints them
            values = [str(v) for v in column.drop_nulls().to_list()]
        found += [(name, n) for n in in_values(values)]
    return found


def in_json(path: Path) -> list[str]:
    """Full numbers in any key or value of the JSON file (its text, and every string in it decoded)."""
    text = path.read_text(encoding="utf-8")
    found = full_numbers(text)

    def walk(v: object) -> None:
        if isinstance(v, dict):
            for k, x in v.items():
                found.extend(full_numbers(str(k)))
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, str | int | float):
            found.extend(full_numbers(_cell_text(v)))

    walk(json.loads(text))  # \uff11-style escapes are only digits once decoded
    return found


def in_file(path: Path) -> list:
    """Full numbers in one output file, read the way its kind is read: xlsx, parquet, json, else text
    (UTF-8 with or without BOM, else cp932)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return in_xlsx(path)
    if suffix == ".parquet":
        return in_parquet(path)
    if suffix == ".json":
        return in_json(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp932")
    return full_numbers(text)


def in_folder(folder: Path, *, skip: Iterable[str] = ()) -> dict[str, list]:
    """{file name: full numbers found} for every file under ``folder`` (recursively) but ``skip``; files with
    none are left out, so an empty dict means no full number anywhere."""
    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = str(path.relative_to(folder))
        if name in skip:
            continue
        hits = in_file(path)
        if hits:
            found[name] = hits
    return found
