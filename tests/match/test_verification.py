"""``himozuke.verify`` equals ``check`` row by row: every field of result.csv (but 行番号), on the demo population
and on random pairs built from the planted-error generators with edge values layered on (issue #19).

Each record is verified with the records of the same file that share its number or its person (``others``),
which is what a business system holds at data entry; check sees the whole file.
"""

from __future__ import annotations

import random
import subprocess
import sys
from collections import defaultdict

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import himozuke
from himozuke import mynumber
from himozuke.errors import UsageError
from himozuke.formats import columns as C
from himozuke.formats.records import answered_items_expr
from himozuke.match.engine import check_frames
from himozuke.testing.perturb import DEFAULT, PLANTED, Perturbation, business_copy
from himozuke.testing.population import HOUSEHOLD, generate_population, register
from himozuke.text.person import person_key
from himozuke.verification import CHECK_DIGIT_WARNING, HOUSEHOLD_WARNING, ROW_COLUMNS, Verification

POP = generate_population(1_200, seed=2023)


def as_read(registry: pl.DataFrame) -> pl.DataFrame:
    """A registry frame as the check reads it from a file (no 4情報 where the 照会結果 is not 該当)."""
    return registry.with_columns(answered_items_expr(c) for c in C.ITEMS)


def registry_of(pop: pl.DataFrame) -> pl.DataFrame:
    """The register as a registry file (:func:`himozuke.testing.population.register`): 消除者 and 照会エラー answered
    as such, an item the register holds blank (住基空欄) blank, every other resident 該当."""
    return as_read(register(pop).with_columns(pop.get_column(HOUSEHOLD).cast(pl.String)))


REGISTRY = registry_of(POP)


def _twelve(value: str | None) -> str | None:
    n = mynumber.normalize(value)
    return n if n is not None and len(n) == 12 and n.isascii() and n.isdigit() else None


def _person(r: dict) -> str | None:
    return person_key(r.get(C.KANJI_NAME), r.get(C.KANA_NAME), r.get(C.BIRTH_DATE), r.get(C.SEX))


def disagreements(business: pl.DataFrame, registry: pl.DataFrame, home: str | None = None) -> list[dict]:
    """Rows where ``verify`` and ``check_frames`` differ in any field (with both answers)."""
    rows = business.select(*C.STANDARD).with_row_index(C.ROW, offset=2).with_columns(pl.col(C.ROW).cast(pl.Int64))
    result = check_frames(rows, registry, home_prefecture=home)
    by_number: dict[str, dict] = {}
    for r in registry.iter_rows(named=True):
        key = _twelve(r[C.MY_NUMBER])
        if key is not None:
            assert key not in by_number, "a registry number twice: verify takes one registry record"
            by_number[key] = r
    records = rows.drop(C.ROW).to_dicts()
    same_number, same_person = defaultdict(list), defaultdict(list)
    for i, r in enumerate(records):
        same_number[_twelve(r[C.MY_NUMBER])].append(i)
        same_person[_person(r)].append(i)
    wrong = []
    for i, (record, expected) in enumerate(zip(records, result.iter_rows(named=True), strict=True)):
        near = set(same_number[_twelve(record[C.MY_NUMBER])] if _twelve(record[C.MY_NUMBER]) else [])
        near |= set(same_person[_person(record)] if _person(record) else [])
        others = [records[j] for j in sorted(near - {i})]
        got = himozuke.verify(record, by_number.get(_twelve(record[C.MY_NUMBER])), others=others,
                              home_prefecture=home).row()
        want = {c: expected[c] for c in ROW_COLUMNS}
        if got != want:
            wrong.append({"got": {k: v for k, v in got.items() if v != want[k]},
                          "want": {k: v for k, v in want.items() if v != got[k]}, "record": record})
    return wrong


@pytest.mark.parametrize("home", [None, "東京都"])
def test_verify_equals_check_on_the_demo_population(home):
    business = business_copy(POP, seed=2023)
    # the edge cases the rules treat specially are all in it (a rate rounded to no row would test nothing)
    planted = set(business.get_column(PLANTED).str.split("+").explode().to_list())
    assert {"生年月日読めず", "性別コード不明", "住基空欄", "同名市区町村", "市区町村不明", "照会エラー", "番号該当なし",
            "消除者"} <= planted, planted
    wrong = disagreements(business, REGISTRY, home)
    assert wrong == [], wrong[:3]


# --- random pairs: the planted-error generators, with edge values layered on -----------------------------
EDGE = {
    C.KANJI_NAME: [None, "", "　", "〓〓　〓", "\ue000田　太郎", "髙橋　一", "渡邉　花子"],
    C.KANA_NAME: [None, "", "不明", "ー", "ﾔﾏﾀﾞ ﾀﾛｳ", "やまだ　たろう", "＊＊"],
    C.BIRTH_DATE: [None, "", "不詳", "1975-02-30", "S50.1.2", "昭和50年1月2日", "19750102", "1950年 月 日"],
    C.SEX: [None, "", "0", "9", "不明", "男", "F", "２"],
    C.ADDRESS: [None, "", "　", "府中市宮町1-1", "東京都府中市宮町1-1", "広島県府中市府川町1-1", "伊達市梁川町1",
                "北区王子1-1-1", "架空市1-1", "東京都千代田区霞が関一丁目1番1号"],
    C.MY_NUMBER: [None, "", "1234", "１２３４ 5678-9018", "12345678901X"],
}
STATUSES = [None, *C.INQUIRY_STATUSES, "照会中"]


@st.composite
def batches(draw):
    seed = draw(st.integers(0, 10_000))
    rates = Perturbation(**{name: draw(st.sampled_from([0.0, rate, min(1.0, rate * 8)]))
                            for name, rate in DEFAULT.__dict__.items()})
    pop = POP.sample(60, seed=seed)
    business = business_copy(pop, seed=seed, rates=rates).select(C.STANDARD).to_dicts()
    registry = registry_of(pop).to_dicts()
    for _ in range(draw(st.integers(0, 25))):  # edge values on either side
        side = draw(st.sampled_from(["b", "r"]))
        column = draw(st.sampled_from(list(EDGE)))
        rows = business if side == "b" or column == C.MY_NUMBER else registry
        rows[draw(st.integers(0, len(rows) - 1))][column] = draw(st.sampled_from(EDGE[column]))
    index = {r[C.MY_NUMBER]: r for r in registry}
    for _ in range(draw(st.integers(0, 8))):  # the same edge value on both sides of a pair
        record = business[draw(st.integers(0, len(business) - 1))]
        column = draw(st.sampled_from([c for c in EDGE if c != C.MY_NUMBER]))
        if record[C.MY_NUMBER] in index:
            record[column] = index[record[C.MY_NUMBER]][column] = draw(st.sampled_from(EDGE[column]))
    for _ in range(draw(st.integers(0, 6))):  # inquiry results
        registry[draw(st.integers(0, len(registry) - 1))][C.INQUIRY_RESULT] = draw(st.sampled_from(STATUSES))
    for _ in range(draw(st.integers(0, 4))):  # a number used twice, a person under two numbers
        a, b = draw(st.integers(0, len(business) - 1)), draw(st.integers(0, len(business) - 1))
        business.append({**business[b], C.MY_NUMBER: business[a][C.MY_NUMBER]})
    seen, unique = set(), []
    for r in registry:  # one registry record per number (a duplicate is E in check: not one record)
        key = _twelve(r[C.MY_NUMBER])
        if key not in seen:
            seen.add(key)
            unique.append(r)
    schema = dict.fromkeys([*C.STANDARD, HOUSEHOLD, C.INQUIRY_RESULT], pl.String)
    return (pl.DataFrame(business, schema={c: pl.String for c in C.STANDARD}),
            as_read(pl.DataFrame(unique, schema=schema)), draw(st.sampled_from([None, "東京都", "広島県"])))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(batch=batches())
def test_verify_equals_check_on_random_pairs(batch):
    business, registry, home = batch
    wrong = disagreements(business, registry, home)
    assert wrong == [], wrong[:3]


# --- what a user of verify sees --------------------------------------------------------------------------
PERSON = {"漢字氏名": "山田　太郎", "カナ氏名": "ヤマダ　タロウ", "生年月日": "1975-01-02", "性別": "1",
          "住所": "東京都千代田区霞が関1-1-1"}


def test_a_mistyped_number_is_e_with_a_count_of_candidates_and_no_candidate_number():
    typo = "123456789010"  # 123456789018 with its last digit mistyped
    v = himozuke.verify({"個人番号": typo, **PERSON}, None)
    assert v.verdict == "E" and v.reasons == "number.check_digit"
    (warning,) = v.warnings
    assert warning.code == CHECK_DIGIT_WARNING
    assert warning.counts == {"1桁違い": 22, "入れ違い": 0}
    text = str(v.as_json()["警告"])
    assert "123456789018" not in text and typo not in text


def test_a_household_members_number_is_warned_of():
    head = {"個人番号": "123456789018", **PERSON, "世帯番号": "77"}
    child = {"個人番号": mynumber.generate(random.Random(1)), "漢字氏名": "山田　次郎",
             "カナ氏名": "ヤマダ　ジロウ", "生年月日": "2005-04-01", "性別": "1", "住所": PERSON["住所"], "世帯番号": "77"}
    form = {**{k: v for k, v in child.items() if k != "世帯番号"}, "個人番号": head["個人番号"]}  # the father's number
    v = himozuke.verify(form, head, household=[child])
    assert v.verdict == "C"
    (warning,) = v.warnings
    assert warning.code == HOUSEHOLD_WARNING and mynumber.mask(child["個人番号"]) in warning.text
    assert child["個人番号"] not in warning.text
    assert himozuke.verify({**PERSON, "個人番号": head["個人番号"]}, head, household=[child]).warnings == ()
    with pytest.raises(UsageError):
        himozuke.verify(form, head, household=[{**child, "世帯番号": "78"}])


def test_bad_input_is_a_usage_error_naming_the_key():
    with pytest.raises(UsageError, match="氏名"):
        himozuke.verify({"個人番号": "123456789018", "氏名": "山田"}, None)
    with pytest.raises(UsageError, match="性別"):
        himozuke.verify({"個人番号": "123456789018", "性別": 1}, None)


def test_json_hides_a_dv_address_and_keeps_the_given_number():
    record = {"個人番号": "123456789018", **PERSON, "DV等支援対象": "1"}
    out = himozuke.verify(record, {"個人番号": "123456789018", **PERSON}).as_json()
    assert out["個人番号"] == "123456789018" and out["判定"] == "A"
    assert out["住所_業務"] == out["住所_住基"] == C.DV_HIDDEN


def test_the_package_exports_verify_lazily():
    assert himozuke.Verification is Verification
    code = "import sys, himozuke; print('polars' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() \
        == "False"


def test_others_make_the_cross_record_rules_fire_as_in_check():
    me = {"個人番号": "123456789018", **PERSON}
    registry = {"個人番号": "123456789018", **PERSON}
    spouse = {**PERSON, "個人番号": "123456789018", "漢字氏名": "山田　花子", "カナ氏名": "ヤマダ　ハナコ", "性別": "2"}
    v = himozuke.verify(me, registry, others=[spouse])
    assert (v.verdict, v.priority, v.reasons) == ("C", 1, "cross.number_shared")
    other_number = mynumber.generate(random.Random(7))
    v = himozuke.verify(me, registry, others=[{**PERSON, "個人番号": other_number}])
    assert (v.verdict, v.reasons) == ("A", "cross.person_several_numbers")
    assert himozuke.verify(me, registry, others=[{**PERSON, "個人番号": "1234"}]).reasons is None  # no number


@given(seed=st.integers(0, 2**32), position=st.integers(0, 11), swap=st.booleans())
def test_the_number_meant_is_always_among_the_counted_ones(seed, position, swap):
    meant = mynumber.generate(random.Random(seed))
    digits = list(meant)
    if swap:
        i = min(position, 10)
        digits[i], digits[i + 1] = digits[i + 1], digits[i]
    else:
        digits[position] = str((int(digits[position]) + 1 + seed % 9) % 10)
    typed = "".join(digits)
    if typed == meant or mynumber.is_valid(typed):
        return  # no slip, or one the check digit cannot see
    typos, swaps = mynumber.valid_neighbours(typed)
    assert (swaps if swap else typos) >= 1
    (warning,) = himozuke.verify({"個人番号": typed, **PERSON}, None).warnings
    assert warning.counts == {"1桁違い": typos, "入れ違い": swaps} and meant not in warning.text
