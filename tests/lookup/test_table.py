"""The 4-information lookup, case by case, quoting the documents (docs/lookup.md).

「マイナンバー情報総点検について」§3 再発防止対策: 「4情報（又は性別を除く3情報）で照会」; when several people answer,
the body chooses on further information, never by guess. 「総点検マニュアル」第2.1版 §7(6) A: the notation variants
that still count as a match. The cautious reading: a candidate is never produced by a looser rule than A.
"""

from __future__ import annotations

import random

import polars as pl
import pytest

import himozuke
from himozuke import mynumber
from himozuke.errors import UsageError
from himozuke.formats.columns import ITEMS
from himozuke.match.lookup import Outcome, displayed, load_register, lookup, lookup_frame

_rng = random.Random(19)
N = {k: mynumber.generate(_rng) for k in ("taro", "jiro", "hanako_old", "hanako", "taro_osaka", "yamasaki",
                                           "ichiro", "ichika", "moved", "deleted", "dv")}
KASUMIGASEKI = "東京都千代田区霞が関一丁目1番1号"
#: (key, 漢字氏名, カナ氏名, 生年月日, 性別, 住所[, 照会結果, DV等支援対象])
PEOPLE = [
    ("taro", "山田　太郎", "ヤマダ　タロウ", "2000-05-05", "1", KASUMIGASEKI),
    # twins: same 姓, same 生年月日, same 住所, another 名
    ("jiro", "山田　次郎", "ヤマダ　ジロウ", "2000-05-05", "1", KASUMIGASEKI),
    # two people whose names differ only in the glyph (髙/高): the lookup cannot tell them apart by 漢字氏名
    ("hanako_old", "髙橋　花子", "タカハシ　ハナコ", "1970-01-01", "2", "東京都新宿区西新宿二丁目8番1号"),
    ("hanako", "高橋　花子", "タカハシ　ハナコ", "1970-01-01", "2", "東京都新宿区西新宿二丁目8番1号"),
    # a same-name person elsewhere
    ("taro_osaka", "山田　太郎", "ヤマダ　タロウ", "2000-05-05", "1", "大阪府大阪市北区梅田1-1-1"),
    ("yamasaki", "山崎　悟", "ヤマザキ　サトル", "1985-03-03", "1", "東京都千代田区丸の内二丁目2番2号"),
    # same name, birth date and address, another 性別 (a 3情報 inquiry cannot tell them apart)
    ("ichiro", "佐藤　ひかる", "サトウ　ヒカル", "1990-09-09", "1", "東京都千代田区大手町1-1-1"),
    ("ichika", "佐藤　ひかる", "サトウ　ヒカル", "1990-09-09", "2", "東京都千代田区大手町1-1-1"),
    ("moved", "鈴木　一", "スズキ　ハジメ", "1960-06-06", "1", "東京都千代田区永田町1-7-1"),
    ("deleted", "田中　実", "タナカ　ミノル", "1955-05-05", "1", KASUMIGASEKI, "消除者"),
    ("dv", "伊藤　静", "イトウ　シズカ", "1995-01-01", "2", "東京都千代田区避難町9-9-9", "該当", "1"),
]


@pytest.fixture(scope="module")
def register():
    rows = [p + ("該当", "0")[len(p) - 6:] if len(p) < 8 else p for p in PEOPLE]
    return load_register(pl.DataFrame({
        "個人番号": [N[p[0]] for p in rows], "漢字氏名": [p[1] for p in rows], "カナ氏名": [p[2] for p in rows],
        "生年月日": [p[3] for p in rows], "性別": [p[4] for p in rows], "住所": [p[5] for p in rows],
        "照会結果": [p[6] for p in rows], "DV等支援対象": [p[7] for p in rows]}))


def _who(result) -> list[str]:
    by_number = {v: k for k, v in N.items()}
    return [by_number[c.number] for c in result.candidates]


TARO = {"漢字氏名": "山田　太郎", "カナ氏名": "ヤマダ　タロウ", "生年月日": "2000-05-05", "性別": "男",
        "住所": KASUMIGASEKI}


@pytest.mark.parametrize(("items", "outcome", "kind", "who"), [
    pytest.param(TARO, "該当", "4情報", ["taro"], id="4情報-一致"),
    pytest.param({**TARO, "生年月日": "平成12年5月5日", "性別": "1", "住所": "千代田区霞が関1-1-1",
                  "カナ氏名": "ﾔﾏﾀﾞ ﾀﾛｳ", "漢字氏名": "山田太郎"},
                 "該当", "4情報", ["taro"], id="§7(6)A-表記ゆれ（和暦・コード・住所・半角カナ・空白）"),
    pytest.param({**TARO, "漢字氏名": "髙橋花子", "カナ氏名": "タカハシハナコ", "生年月日": "1970-01-01", "性別": "女",
                  "住所": "東京都新宿区西新宿2-8-1"},
                 "複数該当", "4情報", ["hanako_old", "hanako"], id="§7(6)A-異体字:髙/高の二人は両方候補"),
    pytest.param({"漢字氏名": "山崎　悟", "カナ氏名": "ヤマサキ　サトル", "生年月日": "1985-03-03", "性別": "男",
                  "住所": "東京都千代田区丸の内2-2-2"}, "該当", "4情報", ["yamasaki"], id="§7(6)A注13-濁点:ヤマサキ=ヤマザキ"),
    pytest.param({k: v for k, v in TARO.items() if k != "性別"}, "該当", "3情報", ["taro"],
                 id="§3再発防止対策-性別がなければ3情報"),
    pytest.param({**TARO, "性別": "9"}, "該当", "3情報", ["taro"], id="性別コード不明は3情報（推測しない）"),
    pytest.param({"漢字氏名": "佐藤ひかる", "カナ氏名": "サトウヒカル", "生年月日": "1990-09-09", "住所": "千代田区大手町1-1-1"},
                 "複数該当", "3情報", ["ichiro", "ichika"], id="3情報:性別だけが違う二人は両方候補"),
    pytest.param({"漢字氏名": "佐藤ひかる", "カナ氏名": "サトウヒカル", "生年月日": "1990-09-09", "性別": "女",
                  "住所": "千代田区大手町1-1-1"}, "該当", "4情報", ["ichika"], id="4情報:性別で一人に決まる"),
    pytest.param({**TARO, "漢字氏名": "山田　次郎", "カナ氏名": "ヤマダ　ジロウ"}, "該当", "4情報", ["jiro"],
                 id="双子:同じ姓・生年月日・住所、名が違う→一人（取り違えない）"),
    pytest.param({"カナ氏名": "ヤマダ　ジロウ", "生年月日": "2000-05-05", "性別": "1", "住所": KASUMIGASEKI},
                 "該当", "4情報", ["jiro"], id="双子:カナ氏名だけでも名で一人"),
    pytest.param({**TARO, "住所": "大阪府大阪市北区梅田一丁目1番1号"}, "該当", "4情報", ["taro_osaka"],
                 id="同姓同名・同じ生年月日の別人は住所で分かれる"),
    pytest.param({**TARO, "住所": "東京都千代田区霞が関1-1-2"}, "該当なし", "4情報", [],
                 id="慎重側:番地違い（§7(6)B相当）は候補にしない"),
    pytest.param({**TARO, "住所": "東京都港区霞が関1-1-1"}, "該当なし", "4情報", [], id="市区町村違いは候補にしない"),
    pytest.param({**TARO, "漢字氏名": "山田　太朗"}, "該当なし", "4情報", [], id="慎重側:漢字氏名の誤字（B相当）は候補にしない"),
    pytest.param({**TARO, "生年月日": "2000-05-06"}, "該当なし", "4情報", [], id="生年月日違い"),
    pytest.param({**TARO, "性別": "女"}, "該当なし", "4情報", [], id="性別違い"),
    pytest.param({"漢字氏名": "田中　実", "カナ氏名": "タナカ　ミノル", "生年月日": "1955-05-05", "性別": "1",
                  "住所": KASUMIGASEKI}, "該当なし", "4情報", [], id="消除者は候補にしない"),
])
def test_outcomes(register, items, outcome, kind, who):
    r = lookup(items, register)
    assert (str(r.outcome), r.kind) == (outcome, kind)
    assert sorted(_who(r)) == sorted(who)
    # one candidate: its number; several or none: no number — never one picked
    assert r.number == (N[who[0]] if outcome == "該当" else None)


@pytest.mark.parametrize(("items", "reason"), [
    pytest.param({"生年月日": "2000-05-05", "性別": "1", "住所": KASUMIGASEKI}, "氏名がありません", id="氏名なし"),
    pytest.param({"漢字氏名": "山田太郎", "性別": "1", "住所": KASUMIGASEKI}, "生年月日が日付として読めません", id="生年月日なし"),
    pytest.param({**TARO, "生年月日": "S6x.13.01"}, "生年月日が日付として読めません", id="生年月日が読めない"),
    pytest.param({"漢字氏名": "山田太郎", "生年月日": "2000-05-05", "性別": "1"}, "住所がありません", id="住所なし"),
    pytest.param({"漢字氏名": "山田太郎", "生年月日": "2000-05-05"}, "住所がありません", id="2情報:照会しない"),
])
def test_fewer_items_are_refused_with_the_guidelines_reason(register, items, reason):
    r = lookup(items, register)
    assert r.outcome is Outcome.REFUSED and r.candidates == () and r.number is None
    assert reason in r.reason and "4-information inquiry is impossible" in r.reason


def test_several_name_the_items_that_tell_them_apart(register):
    glyph = lookup({**TARO, "漢字氏名": "高橋花子", "カナ氏名": "タカハシハナコ", "生年月日": "1970-01-01", "性別": "2",
                    "住所": "新宿区西新宿2-8-1"}, register)
    assert glyph.differing == ("漢字氏名",)
    reasons = {c.items["漢字氏名"]: c.reasons for c in glyph.candidates}
    assert "kanji.variant" in reasons["髙橋　花子"] and "kanji.variant" not in reasons["高橋　花子"]
    sex = lookup({"漢字氏名": "佐藤ひかる", "生年月日": "1990-09-09", "住所": "千代田区大手町1-1-1"}, register)
    assert sex.differing == ("性別",)
    assert {c.verdicts["性別"] for c in sex.candidates} == {None}  # not compared in a 3情報 inquiry
    assert [c.index for c in sex.candidates] == [1, 2]


def test_numbers_are_masked_in_repr_and_display(register):
    r = lookup(TARO, register)
    assert N["taro"] not in repr(r) and mynumber.mask(N["taro"]) in repr(r)
    frame = lookup_frame(pl.DataFrame({"行番号": [2], **{k: [v] for k, v in TARO.items()}}), register)
    assert displayed(frame)["個人番号"].to_list() == [mynumber.mask(N["taro"])]
    assert displayed(frame, show_number=True)["個人番号"].to_list() == [N["taro"]]


def test_a_dv_candidates_addresses_are_hidden(register):
    items = {"漢字氏名": "伊藤静", "カナ氏名": "イトウシズカ", "生年月日": "1995-01-01", "性別": "2",
             "住所": "東京都千代田区避難町9-9-9"}
    frame = lookup_frame(pl.DataFrame({"行番号": [2], **{k: [v] for k, v in items.items()}}), register)
    shown = displayed(frame, show_number=True).row(0, named=True)
    assert shown["照会結果"] == "該当" and shown["個人番号"] == N["dv"]
    assert shown["住所_住基"] == shown["住所_業務"] == "（DV等支援対象のため非表示）"


def test_unknown_item_names_are_refused(register):
    with pytest.raises(UsageError, match="照会の項目"):
        lookup({**TARO, "氏名": "山田太郎"}, register)


def test_the_package_exports_lookup_lazily():
    assert himozuke.lookup is lookup


def test_a_person_answered_twice_is_one_candidate(register):
    """A J-LIS result file used as the register holds a person once per request that found them."""
    twice = load_register(pl.concat([register.rows.select("個人番号", *(pl.col(f"{i}_住基").alias(i) for i in ITEMS))] * 2))
    r = lookup(TARO, twice)
    assert str(r.outcome) == "該当" and _who(r) == ["taro"]
    assert twice.unusable == register.rows.height
