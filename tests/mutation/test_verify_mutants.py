"""``himozuke verify`` (one record at data entry) gives what ``himozuke check`` gives, row by row of the rule tables.

The check reads each rule table as a Polars expression; ``verify`` reads the same tables one record at a time
(:meth:`himozuke.match.compare.Comparison.level_of`, :func:`himozuke.match.compare.prepare_record`,
:func:`himozuke.match.engine.number_reason_of`, :func:`~himozuke.match.engine.registry_reason_of`,
:func:`himozuke.mynumber.problem`). tests/rules pins every row through the check; here the same rows — with the
manual's words or the documented reading they quote (デジタル庁「総点検マニュアル」§7(6), docs/rules.md) — go
through ``verify``, so a change to the one-record path is seen too (written for ``make mutate``, docs/testing.md).
"""

from __future__ import annotations

import pytest
from stdnum.jp import in_ as stdnum_in

from himozuke.formats import columns as C
from himozuke.match.reasons import Reason as R
from himozuke.verification import CHECK_DIGIT_WARNING, verify
from tests.rules._pairs import NUMBER, codes, pair, record
from tests.rules.test_levels import LEVELS
from tests.rules.test_reasons import REASONS


@pytest.mark.parametrize(("item", "level", "business", "registry", "home", "item_verdict", "verdict", "why"),
                         LEVELS)
def test_each_level_is_reached_by_verify_too(item, level, business, registry, home, item_verdict, verdict, why):
    got = verify(record(business), record(registry), home_prefecture=home)
    assert got.items[item] == item_verdict, why
    assert got.verdict == verdict, why
    if level is not None:
        assert str(level) in codes({C.REASONS: got.reasons}), why
    else:
        assert not [c for c in codes({C.REASONS: got.reasons}) if c.startswith(item_prefix(item))], why


def item_prefix(item: str) -> str:
    return {C.KANJI_NAME: "kanji.", C.KANA_NAME: "kana.", C.BIRTH_DATE: "birth.", C.SEX: "sex.",
            C.ADDRESS: "address."}[item]


# the rows of tests/rules/test_reasons.py one record can express (not: two registry rows, a rejected line)
_ONE_RECORD = [p for p in REASONS if p.values[2] is None and p.values[3] != R.REGISTRY_DUPLICATE]


@pytest.mark.parametrize(("business", "registry", "rejects", "reason", "verdict", "priority", "why"), _ONE_RECORD)
def test_each_e_and_cross_record_reason_through_verify(business, registry, rejects, reason, verdict, priority, why):
    first, *others = business
    number = first[C.MY_NUMBER]
    own = [r for r in registry if r[C.MY_NUMBER] == number and number is not None]
    got = verify(first, own[0] if own else None, others=others)
    assert str(reason) in codes({C.REASONS: got.reasons}), why
    assert (got.verdict, got.priority) == (verdict, priority), why
    if verdict == "E":  # nothing was compared
        assert codes({C.REASONS: got.reasons}) == [str(reason)]
        assert set(got.items.values()) == {None}


def test_no_registry_record_is_e_not_in_registry():
    """docs/rules.md §2: a number absent from the registry is E 照合不能."""
    got = verify(record(), None)
    assert (got.verdict, got.reasons) == ("E", str(R.NOT_IN_REGISTRY))


@pytest.mark.parametrize("number", ["123456789010", "123456789011", "112233445566", "100000000001", "987654321010",
                                    "066907439150", "415868344978", "291417776317"])
def test_a_wrong_check_digit_warns_with_the_count_of_valid_numbers_one_slip_away(number):
    """docs/rules.md §2 (検査用数字の誤り is E) and docs/verify.md: the warning counts the valid numbers one digit or
    one adjacent swap away — counted here independently with python-stdnum — and never names one."""
    got = verify(record(number=number), None)
    assert got.verdict == "E" and got.reasons == str(R.NUMBER_CHECK_DIGIT)
    (warning,) = [w for w in got.warnings if w.code == CHECK_DIGIT_WARNING]
    typos = sum(stdnum_in.is_valid(number[:i] + d + number[i + 1:]) for i in range(12) for d in "0123456789"
                if d != number[i])
    swaps = sum(stdnum_in.is_valid(number[:i] + number[i + 1] + number[i] + number[i + 2:])
                for i in range(11) if number[i] != number[i + 1])
    assert dict(warning.counts) == {"1桁違い": typos, "入れ違い": swaps}
    assert number not in warning.text


def test_a_valid_number_has_no_check_digit_warning():
    assert verify(record(), record()).warnings == ()
    assert verify(record(number=NUMBER), record()).verdict == "A"


A_NOTE11 = ("デジタル庁「総点検マニュアル」§7(6) A 注11: 町字の前方２文字が一致するもの — 異体字どうし（澤/沢、龍/竜）も"
            "同じ字（docs/rules.md §3）")
AMBIGUOUS_HOME = ("docs/rules.md §3: a 市区町村 name several prefectures share, written without its 都道府県, is resolved "
                  "with the body's home prefecture — on either side")


@pytest.mark.parametrize(("business", "registry", "home", "item_verdict", "verdict", "reason", "why"), [
    pytest.param("東京都世田谷区北沢２丁目１番１号", "東京都世田谷区北澤２丁目１番１号", None, "表記ゆれ一致", "A",
                 R.ADDRESS_NOTATION, A_NOTE11, id="注11-町字の異体字(沢/澤)"),
    pytest.param("東京都世田谷区竜２丁目１番１号", "東京都世田谷区龍２丁目１番１号", None, "表記ゆれ一致", "A",
                 R.ADDRESS_NOTATION, A_NOTE11, id="注11-町字の異体字(竜/龍)"),
    pytest.param("東京都府中市宮西町２－２４", "府中市宮西町２－２４", "東京都", "表記ゆれ一致", "A",
                 R.ADDRESS_NOTATION, AMBIGUOUS_HOME, id="住基側の府中市を団体の都道府県で"),
    pytest.param("東京都府中市宮西町２－２４", "府中市宮西町２－２４", None, "市区町村不一致", "C",
                 R.ADDRESS_CITY_AMBIGUOUS, AMBIGUOUS_HOME, id="住基側の府中市-都道府県が決まらない"),
])
def test_address_rows_through_check_and_verify(business, registry, home, item_verdict, verdict, reason, why):
    checked = pair({C.ADDRESS: business}, {C.ADDRESS: registry}, home=home)
    verified = verify(record({C.ADDRESS: business}), record({C.ADDRESS: registry}), home_prefecture=home)
    for item_got, verdict_got, reasons in ((checked[C.item_verdict(C.ADDRESS)], checked[C.VERDICT], checked[C.REASONS]),
                                           (verified.items[C.ADDRESS], verified.verdict, verified.reasons)):
        assert (item_got, verdict_got, reasons) == (item_verdict, verdict, str(reason)), why
