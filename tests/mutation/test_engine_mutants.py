"""The E reasons and cross-record checks on the paths ``check_frames`` does not take — a bucket handed over
without its integer key, the pre-flight's number test — written for ``make mutate`` (docs/testing.md "Mutation testing").

E 照合不能 and the cross-record reasons are docs/rules.md §2 and §4 (デジタル庁「総点検マニュアル」§7(6) is silent on
a number that cannot be compared; C for a number two people use is its 「別人への紐付けの可能性が高い」).
"""

from __future__ import annotations

import polars as pl
import pytest

from himozuke import mynumber
from himozuke.formats import columns as C
from himozuke.match.engine import (
    NUMBER_KEY,
    business_frame,
    check_bucket,
    person_frame,
    registry_frame,
    registry_rows,
    several_numbers_rows,
    with_registry_key,
)
from himozuke.match.reasons import Reason as R
from tests.rules._pairs import NUMBER, OTHER_NUMBER, PERSON, check, record
from tests.rules.test_reasons import OTHER_PERSON, WRONG_DIGIT

#: business rows: a plain A, a wrong check digit, a number absent from the registry, a number two people use
BUSINESS = [record(), record(number=WRONG_DIGIT), record(number="111111111118"),
            record(number=OTHER_NUMBER), record(OTHER_PERSON, number=OTHER_NUMBER)]
REGISTRY = [record(), record(number=OTHER_NUMBER)]


def test_a_bucket_without_the_integer_key_is_checked_the_same():
    """A caller may hand ``check_bucket`` business rows without ``_number_key`` (the engines' frames carry it,
    a caller's own frame need not): the bucket must add it, or no row would meet its registry record."""
    expected = check(BUSINESS, REGISTRY)
    business = pl.DataFrame([{C.ROW: i, C.MY_NUMBER: r[C.MY_NUMBER], **{C.business(k): r[k] for k in C.ITEMS}}
                             for i, r in enumerate(BUSINESS, start=2)])
    assert NUMBER_KEY not in business.columns
    registry = registry_frame(pl.DataFrame([{C.MY_NUMBER: r[C.MY_NUMBER], **{k: r[k] for k in C.ITEMS}}
                                            for r in REGISTRY])).collect()
    several = several_numbers_rows(person_frame(business))  # the whole-file pass, on rows without the key too
    got = check_bucket(business, registry, lambda: several)
    assert got.get_column(C.VERDICT).to_list() == ["A", "E", "E", "C", "C"]
    reasons = [r.split(";") for r in got.get_column(C.REASONS).to_list()]
    assert [r[0] for r in reasons[1:3]] == [str(R.NUMBER_CHECK_DIGIT), str(R.NOT_IN_REGISTRY)]
    # one person under three valid numbers (rows 2, 4, 5; docs/rules.md §4); one number, two people (rows 5, 6)
    assert [str(R.PERSON_SEVERAL_NUMBERS) in r for r in reasons] == [True, False, True, True, False]
    assert [str(R.NUMBER_SHARED) in r for r in reasons] == [False, False, False, True, True]
    assert got.select(C.VERDICT, C.REASONS, C.PRIORITY).equals(expected.select(C.VERDICT, C.REASONS, C.PRIORITY))
    # without the whole-file pass (``several_numbers`` left out) no row is said to be one person under several numbers
    alone = check_bucket(business, registry).get_column(C.REASONS).to_list()
    assert [r is not None and str(R.PERSON_SEVERAL_NUMBERS) in r for r in alone] == [False] * 5


def test_the_business_frame_carries_each_numbers_integer_key():
    """The bucketed and Spark runs route and join rows by ``_number_key`` (the number as an integer, null when it
    is not 12 digits — nothing malformed can meet anything)."""
    rows = pl.DataFrame([{C.ROW: 2, C.MY_NUMBER: "１２３４ 5678 9018", **PERSON}, {C.ROW: 3, C.MY_NUMBER: "1234", **PERSON}])
    frame = business_frame(rows).collect()
    assert frame.get_column(C.MY_NUMBER).to_list() == [NUMBER, "1234"]
    assert frame.get_column(NUMBER_KEY).to_list() == [int(NUMBER), None]


def test_registry_rows_that_carry_the_integer_key_are_taken_as_they_are():
    """The bucketed partition and the Spark read store the registry number as ``_number_key`` only (the typed
    個人番号 is gone): the check reads that key, it does not look for the number again."""
    typed = pl.DataFrame([{C.MY_NUMBER: "１２３４ 5678-9018", **PERSON}, {C.MY_NUMBER: "1234", **PERSON}])
    stored = with_registry_key(typed.lazy()).collect()
    assert C.MY_NUMBER not in stored.columns
    rows = registry_rows(stored).collect()
    assert rows.get_column(NUMBER_KEY).to_list() == [int(NUMBER)]  # the malformed one meets no one
    assert rows.get_column(C.INQUIRY_RESULT).to_list() == [C.INQUIRY_FOUND]
    assert rows.equals(registry_rows(typed).collect())


@pytest.mark.parametrize(("typed", "problem"), [
    (NUMBER, None), ("１２３４ 5678-9018", None), (None, "missing"), ("\u3000", "missing"), ("1234", "format"),
    ("12345678901A", "format"), (WRONG_DIGIT, "check_digit"), ("１２３４５６７８９０１０", "check_digit"),
    ("+12345678901", "format"),  # 12 characters an integer parser would read as a number: not 12 digits
    ("100000000030", None),  # r = 1, so the check digit is 0 (SPEC §4: 0 when r ≤ 1)
])
def test_the_pre_flight_finds_the_number_problems_the_check_makes_e(typed, problem):
    """docs/rules.md §2: missing / not 12 digits / wrong check digit is E in the check; the pre-flight
    (``himozuke validate``) tests the same rule with the vectorised form that computes the integer itself."""
    # imported here: importing the pre-flight runs Polars, whose threads a worker forked by make mutate cannot use
    from himozuke.formats.validate import validate

    got = pl.select(mynumber.problem_expr(mynumber.normalize_expr(pl.lit(typed, dtype=pl.String)))).item()
    assert got == problem == (None if mynumber.problem(typed) is None else str(mynumber.problem(typed)))
    found = validate(pl.DataFrame({C.ROW: [2], C.MY_NUMBER: [typed], **{k: [v] for k, v in PERSON.items()}},
                                  schema={C.ROW: pl.Int64, C.MY_NUMBER: pl.String, **dict.fromkeys(PERSON, pl.String)}))
    rule = {None: [], "missing": ["no_number"], "format": ["number_format"], "check_digit": ["check_digit"]}[problem]
    assert found.lines.get_column("規則").to_list() == rule  # 照会不可: the row cannot be sent to J-LIS


def test_the_portable_person_key_is_the_same_for_one_person_in_any_frame():
    """A bucketed or Spark run routes every row of one person to one bucket by ``person_frame(portable=True)``, so
    that "one person under several valid numbers" (docs/rules.md §4) is found across the whole file: the key of a
    person must not depend on the frame, must tell two people apart, and is null for a row that identifies no one."""
    def frame(rows):
        return business_frame(pl.DataFrame([{C.ROW: i, **r} for i, r in enumerate(rows, start=2)])).collect()

    same = {**PERSON, C.KANA_NAME: "ﾔﾏﾀﾞ ﾀﾛｳ", C.BIRTH_DATE: "S50.3.12"}  # the same person, written otherwise
    nobody = {**PERSON, C.KANJI_NAME: None, C.KANA_NAME: None}
    first = person_frame(frame([record(), record(OTHER_PERSON, number=OTHER_NUMBER), record(nobody)]), portable=True)
    second = person_frame(frame([record(same, number=OTHER_NUMBER)]), portable=True)
    assert first.get_column(C.ROW).to_list() == [2, 3]  # the row that identifies no one has no key
    keys = first.get_column("_person").to_list()
    assert keys[0] != keys[1] and second.get_column("_person").to_list() == [keys[0]]
    assert keys == person_frame(frame([record(), record(OTHER_PERSON, number=OTHER_NUMBER)]),
                                portable=True).get_column("_person").to_list()


def test_only_the_rows_of_a_repeated_number_are_flagged():
    """docs/rules.md §4: a number on several business rows gets a reason on those rows — not on every row of a file
    where some number repeats. One person twice under NUMBER (the same person: reason only, the pair's 判定), and
    OTHER_PERSON once under their own number."""
    result = check([record(), record(), record(OTHER_PERSON, number=OTHER_NUMBER)],
                   [record(), record(OTHER_PERSON, number=OTHER_NUMBER)])
    assert result.get_column(C.REASONS).to_list() == [str(R.NUMBER_REPEATED), str(R.NUMBER_REPEATED), None]
    assert result.get_column(C.VERDICT).to_list() == ["A", "A", "A"]


def test_a_row_with_nothing_to_explain_has_null_reason_columns_never_empty_strings():
    """A result holds no empty strings, only nulls (report.tables.write_csv relies on it to skip quoting, and a
    Parquet reader sees null, not ""): a pair compared the long way whose items all end 一致 has neither 理由 nor
    理由説明 — 総点検マニュアル §7(6) A 完全一致."""
    result = check([record({C.KANJI_NAME: "山田　太郎 "})], [record()])
    assert result.row(0, named=True)[C.VERDICT] == "A"
    assert result.select(C.REASONS, "理由説明").row(0) == (None, None)


def test_an_unreadable_line_is_explained_with_the_readers_message_after_a_full_width_colon():
    """docs/rules.md §2: a line the reader could not split is E; 理由説明 is the reason's text, 「：」, the message."""
    from himozuke.match.reasons import REASON_TEXT

    result = check([], [record()], rejects={2: "列数が3です"})
    assert result.row(0, named=True)["理由説明"] == f"{REASON_TEXT[R.ROW_UNREADABLE]}：列数が3です"


def test_a_malformed_number_is_not_one_of_a_persons_several_numbers():
    """docs/rules.md §4: one person under several *valid* numbers. The same person under NUMBER and under a number
    that is not 12 digits is E on that row (number.format), not "several numbers" on either."""
    result = check([record(), record(number="1234")], [record()])
    reasons = result.get_column(C.REASONS).to_list()
    assert reasons == [None, str(R.NUMBER_FORMAT)]
