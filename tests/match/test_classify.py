"""§7(6) A/B/C/E — the rule table, case by case, on item verdicts alone."""

from __future__ import annotations

import pytest

from himozuke.match.classify import RULES, Verdict, classify
from himozuke.match.reasons import REASON_TEXT, Reason

OK, NOTE, NG, CITY, MISS = "一致", "表記ゆれ一致", "不一致", "市区町村不一致", "未登録"


def items(kanji=OK, kana=OK, birth=OK, sex=OK, address=OK):
    return {"漢字氏名": kanji, "カナ氏名": kana, "生年月日": birth, "性別": sex, "住所": address}


@pytest.mark.parametrize(("given", "expected"), [
    pytest.param(items(), Verdict.A, id="§7(6)A 完全一致"),
    pytest.param(items(kana=NOTE), Verdict.A, id="§7(6)A 注13 清音処理一致"),
    pytest.param(items(address=NOTE), Verdict.A, id="§7(6)A 注11注12 住所の表記揺れ"),
    pytest.param(items(kanji=NOTE), Verdict.A, id="§7(6)A 漢字氏名の表記揺れ（外字・異体字）"),
    pytest.param(items(kanji=NG), Verdict.B, id="§7(6)B 漢字氏名が不一致"),
    pytest.param(items(address=NG), Verdict.B, id="§7(6)B 住所（町字等）が不一致"),
    pytest.param(items(kanji=NG, address=NG), Verdict.B, id="§7(6)B 漢字氏名and住所（町字等）が不一致"),
    pytest.param(items(kanji=MISS), Verdict.B, id="漢字氏名の空欄は不一致（慎重側）→B"),
    pytest.param(items(sex=NG), Verdict.C, id="§7(6)C 性別が不一致"),
    pytest.param(items(birth=NG), Verdict.C, id="§7(6)C 生年月日が不一致"),
    pytest.param(items(kana=NG), Verdict.C, id="§7(6)C カナ氏名が不一致"),
    pytest.param(items(kana=MISS), Verdict.C, id="カナ未収集はC（seed 004）"),
    pytest.param(items(sex=MISS), Verdict.C, id="性別未収集はC（seed 004）"),
    pytest.param(items(address=CITY), Verdict.C, id="§7(6)C 住所（市区町村）が不一致"),
    pytest.param(items(address=MISS), Verdict.C, id="住所の空欄は市区町村を確かめられない→C（慎重側）"),
    pytest.param(items(kanji=NG, address=CITY), Verdict.C, id="市区町村不一致は漢字不一致より重い"),
    pytest.param(items(kana=NG, kanji=NG, address=NG), Verdict.C, id="Cの条件はBより先"),
])
def test_rule_table(given, expected):
    assert classify(given) == expected


def test_e_wins_over_everything():
    assert classify(items(), e_reason=str(Reason.NUMBER_CHECK_DIGIT)) == Verdict.E


def test_number_shared_by_two_people_is_c_even_if_items_match():
    assert classify(items(), number_shared=True) == Verdict.C


def test_every_rule_cites_the_manual_or_design():
    assert all(r.cite.startswith(("§7(6)", "照合不能")) for r in RULES)


def test_every_reason_has_japanese_text():
    assert set(REASON_TEXT) == set(Reason)
    assert all(REASON_TEXT[r] for r in Reason)
