"""Every reason code (``himozuke.match.reasons.Reason``) produced by a real input.

The item reasons are each one level's, and :mod:`tests.rules.test_levels` has a row reaching every level; this
table adds the rest — why a row cannot be compared (E 照合不能) and the cross-record checks — one row per code,
each with the 判定 and 優先度 a user sees and the words it pins (総点検マニュアル §7(6), or the reading documented
in docs/rules.md where the manual is silent). A code added to ``Reason`` fails
:func:`test_every_reason_code_is_produced_by_a_row` until a row here or in test_levels produces it.
"""

from __future__ import annotations

import pytest

from himozuke.formats import columns as C
from himozuke.match.reasons import REASON_TEXT, Reason
from himozuke.match.reasons import Reason as R

from ._pairs import KANA, KANJI, NUMBER, OTHER_NUMBER, PERSON, check, codes, record
from .test_levels import LEVELS

E_RULE = ("docs/rules.md §2: E 照合不能 — number missing / not 12 digits / wrong check digit; number absent from the "
          "registry file or present there twice; J-LIS result 該当なし / 複数該当 / 消除者 / error; the business row "
          "could not be read")
SHARED = ("docs/rules.md §4: one number, two different people — C for each row, 優先度 1 (総点検マニュアル §7(6) C "
          "優先確認（別人への紐付けの可能性が高い）)")
REPEATED = "docs/rules.md §4: one number, the same person repeated — reason only (the 判定 is the pair's)"
SEVERAL = "docs/rules.md §4: one person under several valid numbers — reason on every row"

WRONG_DIGIT = NUMBER[:11] + str((int(NUMBER[11]) + 1) % 10)
OTHER_PERSON = {KANJI: "鈴木　花子", KANA: "スズキ　ハナコ", C.BIRTH_DATE: "1980-04-01", C.SEX: "2"}


def found(status: str, **items) -> dict:
    """A registry row of :data:`NUMBER` with 照会結果 ``status`` (J-LIS returns no 4情報 unless 該当)."""
    return {C.MY_NUMBER: NUMBER, C.INQUIRY_RESULT: status, **items}


# (business rows, registry rows, rejected lines, the reason code, 判定 and 優先度 of the first result row, why)
REASONS = [
    pytest.param([record(number=None)], [record()], None, R.NUMBER_MISSING, "E", None, E_RULE, id="E-番号が空欄"),
    pytest.param([record(number="\u3000")], [record()], None, R.NUMBER_MISSING, "E", None, E_RULE, id="E-番号が空白だけ"),
    pytest.param([record(number="12345678901")], [record()], None, R.NUMBER_FORMAT, "E", None, E_RULE, id="E-11桁"),
    pytest.param([record(number="12345678901A")], [record()], None, R.NUMBER_FORMAT, "E", None, E_RULE,
                 id="E-数字でない"),
    pytest.param([record(number=WRONG_DIGIT)], [record(number=WRONG_DIGIT)], None, R.NUMBER_CHECK_DIGIT, "E", None,
                 E_RULE, id="E-検査用数字の誤り(住基側に同じ番号があっても)"),
    pytest.param([record()], [record(number=OTHER_NUMBER)], None, R.NOT_IN_REGISTRY, "E", None, E_RULE,
                 id="E-住基側ファイルになし"),
    pytest.param([record()], [record(), record({KANJI: "山田　花子"})], None, R.REGISTRY_DUPLICATE, "E", None, E_RULE,
                 id="E-住基側ファイルに同じ番号が2行"),
    pytest.param([record()], [found(C.INQUIRY_NOT_FOUND)], None, R.INQUIRY_NOT_FOUND, "E", None, E_RULE,
                 id="E-照会結果が該当なし"),
    pytest.param([record()], [found(C.INQUIRY_MULTIPLE)], None, R.INQUIRY_MULTIPLE, "E", None, E_RULE,
                 id="E-照会結果が複数該当"),
    pytest.param([record()], [found(C.INQUIRY_DELETED, **PERSON)], None, R.INQUIRY_DELETED, "E", None, E_RULE,
                 id="E-照会結果が消除者(4情報が同じでも)"),
    pytest.param([record()], [found(C.INQUIRY_ERROR)], None, R.INQUIRY_ERROR, "E", None, E_RULE,
                 id="E-照会エラー"),
    pytest.param([record()], [found(C.INQUIRY_ERROR, **PERSON)], None, R.INQUIRY_ERROR, "E", None, E_RULE,
                 id="E-照会エラー(4情報が同じでも)"),
    pytest.param([record()], [found("保留", **PERSON)], None, R.INQUIRY_ERROR, "E", None,
                 E_RULE + "（知らない照会結果は該当にしない）", id="E-知らない照会結果は照会エラー"),
    pytest.param([], [record()], {2: "列数が3です（見出しは6列） / 3 fields, header has 6"}, R.ROW_UNREADABLE, "E",
                 None, E_RULE, id="E-読めない行"),
    pytest.param([record(), record(OTHER_PERSON)], [record()], None, R.NUMBER_SHARED, "C", 1, SHARED,
                 id="C-同じ番号が業務側で別人に"),
    pytest.param([record(), record({KANA: "ﾔﾏﾀﾞ ﾀﾛｳ", C.BIRTH_DATE: "S50.3.12"})], [record()], None, R.NUMBER_REPEATED,
                 "A", None, REPEATED, id="同じ番号・同じ人が業務側に2行(表記違い)"),
    pytest.param([record(), record(number=OTHER_NUMBER)], [record(), record(OTHER_PERSON, number=OTHER_NUMBER)], None,
                 R.PERSON_SEVERAL_NUMBERS, "A", None, SEVERAL, id="同じ人が業務側で2つの番号"),
]


@pytest.mark.parametrize(("business", "registry", "rejects", "reason", "verdict", "priority", "why"), REASONS)
def test_each_reason_is_produced_by_a_row_built_for_it(business, registry, rejects, reason, verdict, priority, why):
    result = check(business, registry, rejects=rejects)
    assert result.height == len(business) + len(rejects or {})  # every row in is one row out
    got = result.row(0, named=True)
    assert str(reason) in codes(got), why
    assert (got[C.VERDICT], got[C.PRIORITY]) == (verdict, priority), why
    assert REASON_TEXT[reason] in got["理由説明"]
    if verdict == "E":  # nothing was compared: no item verdict, and only this reason
        assert codes(got) == [str(reason)]
        assert [got[C.item_verdict(i)] for i in C.ITEMS] == [None] * len(C.ITEMS)


def test_every_reason_code_is_produced_by_a_row():
    """A new ``Reason`` fails here until a row of :data:`REASONS` (E, cross-record) or of
    :data:`tests.rules.test_levels.LEVELS` (an item level) produces it."""
    produced = {p.values[3] for p in REASONS} | {p.values[1] for p in LEVELS if p.values[1] is not None}
    assert sorted(str(r) for r in Reason if r not in produced) == []


def test_every_row_quotes_the_manual_or_a_documented_reading():
    assert [p.id for p in REASONS if not p.values[-1].startswith(("総点検マニュアル §7(6)", "docs/rules.md"))] == []
