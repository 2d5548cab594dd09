"""Pre-flight validation of a check extract before the 住基ネット inquiry (manual §7(1)–(2), SPEC §4).

One rule = one row of :data:`RULES`: a key, whether it blocks the inquiry, the column it concerns, the Polars
condition and the message. Every finding is a line (行番号, 区分, 列, 理由, 値); 個人番号 values are masked.
Rows the reader could not split (broken CSV) are findings too. ``blocking`` is true when anything blocks.

>>> df = pl.DataFrame({"行番号": [2, 3, 4], "個人番号": ["123456789018", "123456789010", "123456789018"],
...     "漢字氏名": ["山田　太郎", "鈴木　一", "佐藤　髙子"], "カナ氏名": ["ヤマダ タロウ", "スズキ ハジメ", "サトウ タカコ"],
...     "生年月日": ["1988-01-15", "昭和64年1月8日", "1990-01-01"], "性別": ["男", "9", "女"], "住所": ["東京都"] * 3})
>>> v = validate(df)
>>> v.lines.select("行番号", "規則").rows()
[(2, 'one_number_two_people'), (3, 'check_digit'), (3, 'impossible_date'), (3, 'no_inquiry'), (3, 'unknown_sex'), (4, 'one_number_two_people'), (4, 'outside_jis')]
>>> v.blocking
True
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import polars as pl

from himozuke.atomic import atomic_path
from himozuke.formats import columns as C
from himozuke.formats.jis90 import outside_jis90_expr
from himozuke.formats.jlis import inquiry_blocker_expr
from himozuke.formats.merge import mask_expr
from himozuke.formats.records import open_records
from himozuke.formats.tabular import REJECT_REASON
from himozuke.mynumber import Problem, normalize_expr, problem_expr
from himozuke.text.dates import describe_date_problem_expr, parse_date_expr
from himozuke.text.person import person_key_expr, several_numbers_expr, shared_number_expr
from himozuke.text.sex import parse_sex_expr

RULE = "規則"
KIND = "区分"
COLUMN = "列"
VALUE = "値"
BLOCKER = "照会不可"
WARNING = "要確認"


class Rule(NamedTuple):
    """One pre-flight rule: key, blocks the inquiry?, column, condition (True = finding), message."""

    key: str
    blocks: bool
    column: str
    condition: pl.Expr
    message: str


def _text(col: str) -> pl.Expr:
    return pl.col(col).cast(pl.String).str.strip_chars().replace("", None)


_NUMBER = pl.col("_number")  # 個人番号 as the check reads it (mynumber.normalize_expr)
_VALID = pl.col("_problem").is_null()
# the cross-record rules look at rows with a valid number only, as the check does
_VALID_NUMBER = pl.when(_VALID).then(_NUMBER)
_PERSON_KEY = pl.when(_VALID).then(pl.col("_person"))  # the one person key (himozuke.text.person)

#: The rules, in report order (SPEC §4; manual §7(2); issue 3 item 3). The number and cross-record rules are
#: those of the check (himozuke.mynumber.problem, himozuke.text.person): a row the pre-flight passes is one the
#: check can compare, and the same rows are reported as one number on two people.
RULES: tuple[Rule, ...] = (
    Rule("no_number", True, C.MY_NUMBER, pl.col("_problem") == str(Problem.MISSING),
         "個人番号がありません / no My Number"),
    Rule("number_format", True, C.MY_NUMBER, pl.col("_problem") == str(Problem.FORMAT),
         "個人番号が12桁の数字ではありません / My Number is not 12 digits"),
    Rule("check_digit", True, C.MY_NUMBER, pl.col("_problem") == str(Problem.CHECK_DIGIT),
         "個人番号のチェックデジットが合いません（誤入力） / My Number check digit fails (mistyped)"),
    Rule("one_number_two_people", True, C.MY_NUMBER,
         _VALID & shared_number_expr(_VALID_NUMBER, _PERSON_KEY) & (pl.len().over(_VALID_NUMBER) > 1),
         "同じ個人番号が別の人（表記の違いを除いても氏名・生年月日・性別が異なる行）にあります / "
         "one My Number on two different people"),
    Rule("one_person_two_numbers", False, C.MY_NUMBER, _VALID & several_numbers_expr(_VALID_NUMBER, _PERSON_KEY),
         "同じ人（表記の違いを除いて氏名・生年月日・性別が同じ）に異なる個人番号があります / "
         "one person on two My Numbers"),
    Rule("impossible_date", True, C.BIRTH_DATE,
         _text(C.BIRTH_DATE).is_not_null() & describe_date_problem_expr(_text(C.BIRTH_DATE)).is_not_null(),
         "生年月日が日付として読めないか、存在しない日付です / birth date unreadable or impossible"),
    Rule("no_inquiry", True, "4情報", inquiry_blocker_expr(pl.col("_iso")).is_not_null(),
         "4情報照会に必要な項目が欠けています / items missing: a 4-information inquiry is impossible"),
    Rule("unknown_sex", False, C.SEX, _text(C.SEX).is_not_null() & parse_sex_expr(_text(C.SEX)).is_null(),
         "性別コードが読めません（性別なしの3情報照会になります） / unknown sex code (3-information inquiry)"),
    Rule("no_sex", False, C.SEX, _text(C.SEX).is_null(),
         "性別がありません（3情報照会になります） / no sex: 3-information inquiry"),
    Rule("outside_jis", False, "氏名・住所",
         pl.any_horizontal([outside_jis90_expr(_text(c)).list.len() > 0 for c in (C.KANJI_NAME, C.KANA_NAME, C.ADDRESS)]),
         "JIS X 0208 にない文字があります（照会では外字・〓になります） / characters outside JIS X 0208 (become 外字)"),
)


@dataclass(frozen=True)
class Validation:
    """Findings, one line each (行番号, 規則, 区分, 列, 理由, 値), and whether any blocks the inquiry."""

    lines: pl.DataFrame
    rows: int

    @property
    def blocking(self) -> bool:
        return bool((self.lines[KIND] == BLOCKER).any())

    def summary(self) -> pl.DataFrame:
        """Count of lines per rule, in rule order."""
        order = {r.key: i for i, r in enumerate(RULES)}
        return self.lines.group_by(RULE, KIND, REJECT_REASON).len("件数").sort(
            pl.col(RULE).replace_strict(order, default=len(order), return_dtype=pl.Int64))


def _value(rule: Rule) -> pl.Expr:
    if rule.column == C.MY_NUMBER:
        return mask_expr(_NUMBER)
    if rule.column == "氏名・住所":
        chars = [outside_jis90_expr(_text(c)) for c in (C.KANJI_NAME, C.KANA_NAME, C.ADDRESS)]
        return pl.concat_list(chars).list.unique(maintain_order=True).list.join("")
    if rule.key == "no_inquiry":
        return inquiry_blocker_expr(pl.col("_iso")).str.split(" / ").list.first()
    if rule.column in (C.BIRTH_DATE, C.SEX):
        return _text(rule.column)
    return pl.lit(None, dtype=pl.String)


def validate(records: pl.DataFrame, rejects: pl.DataFrame | None = None) -> Validation:
    """Run :data:`RULES` over standard records (行番号 + standard columns, strings)."""
    df = records.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in C.STANDARD if c not in records.columns)
    df = df.with_columns(pl.col(c).cast(pl.String).str.strip_chars().replace("", None) for c in C.STANDARD)
    df = df.with_columns(parse_date_expr(_text(C.BIRTH_DATE)).dt.strftime("%Y-%m-%d").alias("_iso"),
                         normalize_expr(pl.col(C.MY_NUMBER)).alias("_number"),
                         person_key_expr(*(pl.col(c) for c in (C.KANJI_NAME, C.KANA_NAME, C.BIRTH_DATE, C.SEX)))
                         .alias("_person"))
    df = df.with_columns(problem_expr(pl.col("_number")).alias("_problem"))
    parts = [
        df.filter(rule.condition.fill_null(False)).select(
            pl.col(C.ROW).cast(pl.Int64), pl.lit(rule.key).alias(RULE),
            pl.lit(BLOCKER if rule.blocks else WARNING).alias(KIND), pl.lit(rule.column).alias(COLUMN),
            pl.lit(rule.message).alias(REJECT_REASON), _value(rule).cast(pl.String).alias(VALUE))
        for rule in RULES
    ]
    if rejects is not None and rejects.height:
        parts.append(rejects.select(
            pl.col(C.ROW).cast(pl.Int64), pl.lit("unreadable_row").alias(RULE), pl.lit(BLOCKER).alias(KIND),
            pl.lit(None, dtype=pl.String).alias(COLUMN), pl.col(REJECT_REASON), pl.lit(None, dtype=pl.String).alias(VALUE)))
    lines = pl.concat(parts).sort(C.ROW, RULE)
    return Validation(lines=lines, rows=records.height)


def validate_file(path: str | os.PathLike, *, profile: str | Path | None = None, encoding: str | None = None,
                  sheet: str | None = None) -> Validation:
    """:func:`validate` an extract file read through ``profile``."""
    with open_records(path, role="business", profile=profile, encoding=encoding, sheet=sheet) as r:
        rows, rejects = pl.collect_all([r.rows.sort(C.ROW), r.rejects.sort(C.ROW)])
    return validate(rows, rejects)


def write_xlsx(v: Validation, out: str | os.PathLike) -> Path:
    """The findings line by line (sheet 明細) and the summary (sheet 集計) as .xlsx, written atomically."""
    import xlsxwriter

    with atomic_path(out) as tmp:
        wb = xlsxwriter.Workbook(str(tmp))
        v.summary().write_excel(wb, worksheet="集計", autofit=True)
        v.lines.write_excel(wb, worksheet="明細", autofit=True, autofilter=True)
        wb.close()
    return Path(out)
