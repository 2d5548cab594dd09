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
from tests.rules._pairs import NUMBER, codes, record
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
