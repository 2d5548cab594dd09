"""The pre-flight (``himozuke validate``) and the check read a number and a person the same way (issue #16 §1).

One rule each, used by both: :func:`himozuke.mynumber.problem` (a typed 個人番号: blank, not 12 digits, check
digit) and :mod:`himozuke.text.person` (who a row is about; one number on two people; one person under several
numbers). On any file, the rows the pre-flight reports are the rows the check gives the matching reason.
"""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from himozuke.formats import columns as C
from himozuke.formats.validate import validate
from himozuke.match.engine import check_frames

_NUMBERS = [
    "123456789018", "１２３４５６７８９０１８", "1234-5678-9018", "1234 5678 9018", "\u3000", "", None,
    "123456789010", "12345678901", "12345678901X", "987654321018", "876543210988", "0000 0000 0000",
]
_PEOPLE = [
    ("山田　太郎", "ヤマダ　タロウ", "1975-01-02", "1"),
    ("山田太郎", "ﾔﾏﾀﾞ ﾀﾛｳ", "昭和50年1月2日", "男"),  # the same person, other notation
    ("山田　花子", "ヤマダ　ハナコ", "1975-01-02", "2"),
    ("髙橋　一", "タカハシ　ハジメ", "1990-01-01", "1"),
    ("高橋　一", "タカハシ　ハジメ", "1990-01-01", "1"),  # 異体字: not folded in a key (cautious)
    ("", "", "1990-01-01", "1"),  # identifies no one
    ("鈴木　一", "スズキ　ハジメ", "不明", "1"),  # identifies no one
]
_PAIRS = {
    "no_number": "number.missing",
    "number_format": "number.format",
    "check_digit": "number.check_digit",
    "one_number_two_people": "cross.number_shared",
    "one_person_two_numbers": "cross.person_several_numbers",
}


def _frame(rows: list[tuple[str | None, int]]) -> pl.DataFrame:
    data = [{C.ROW: i + 2, C.MY_NUMBER: n, **dict(zip(C.ITEMS, (*_PEOPLE[p], "東京都千代田区霞が関1-1-1"), strict=True))}
            for i, (n, p) in enumerate(rows)]
    return pl.DataFrame(data, schema={C.ROW: pl.Int64, **dict.fromkeys(C.STANDARD, pl.String)})


def _agreement(frame: pl.DataFrame) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
    findings = validate(frame).lines
    by_rule = {rule: set(findings.filter(pl.col("規則") == rule)[C.ROW].to_list()) for rule in _PAIRS}
    registry = pl.DataFrame(schema=dict.fromkeys(C.STANDARD, pl.String))
    result = check_frames(frame, registry).select(C.ROW, pl.col(C.REASONS).fill_null("").str.split(";"))
    by_reason = {rule: set(result.filter(pl.col(C.REASONS).list.contains(code))[C.ROW].to_list())
                 for rule, code in _PAIRS.items()}
    return by_rule, by_reason


@pytest.mark.parametrize(("rows", "rule", "expected"), [
    pytest.param([("１２３４５６７８９０１８", 0)], "check_digit", set(), id="全角の番号は読める（検査用数字も合う）"),
    pytest.param([("1234-5678-9018", 0)], "number_format", set(), id="ハイフン付きは読める"),
    pytest.param([("\u3000", 0)], "no_number", {2}, id="全角空白だけは番号なし"),
    pytest.param([("12345678901X", 0)], "number_format", {2}, id="12桁の数字でない"),
    pytest.param([("123456789018", 0), ("123456789018", 1)], "one_number_two_people", set(), id="表記違いの同じ人"),
    pytest.param([("123456789018", 0), ("123456789018", 2)], "one_number_two_people", {2, 3}, id="家族に同じ番号"),
    pytest.param([("123456789018", 0), ("123456789018", 5)], "one_number_two_people", {2, 3}, id="誰か分からない行"),
    pytest.param([("123456789018", 0), ("987654321018", 1)], "one_person_two_numbers", {2, 3}, id="表記違いの同じ人に二つの番号"),
    pytest.param([("123456789018", 5), ("987654321018", 5)], "one_person_two_numbers", set(), id="誰か分からない行は同じ人ではない"),
])
def test_preflight_and_check_report_the_same_rows(rows, rule, expected):
    by_rule, by_reason = _agreement(_frame(rows))
    assert by_rule[rule] == expected
    assert by_reason == by_rule


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(_NUMBERS), st.integers(0, len(_PEOPLE) - 1)), min_size=1, max_size=8))
def test_preflight_and_check_agree_on_any_file(rows):
    by_rule, by_reason = _agreement(_frame(rows))
    assert by_reason == by_rule
