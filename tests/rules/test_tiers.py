"""Every 優先度 tier (``classify.PRIORITY_TIERS``, and B's) asserted on pairs built for it.

優先度 orders the B and C rows by how likely each is a real wrong link (docs/rules.md §5). Its evidence is
「マイナンバー情報総点検について（全体像）」 (デジタル庁 マイナンバー情報総点検本部, 令和5年12月): in the 健康保険証 trial, of
17 wrong links 4 pairs were twins and 2 family members swapped; a 生年月日・性別 mismatch was a wrong link in 3.6 %
of cases, an 氏名等 mismatch in 0.025 %. Each row is one shape of error that document names, checked through
:func:`himozuke.match.engine.check_frames`. A tier added to ``PRIORITY_TIERS`` fails
:func:`test_every_tier_has_a_pair_built_for_it` until a row here reaches it.
"""

from __future__ import annotations

import pytest

from himozuke.formats import columns as C
from himozuke.match.classify import B_PRIORITY, PRIORITY_TIERS

from ._pairs import ADDRESS, BIRTH, KANA, KANJI, OTHER_NUMBER, SEX, check, record

TRIAL = "「マイナンバー情報総点検について（全体像）」: 誤登録 17 件のうち双子 4 組・家族内 2 組"
RATES = "「マイナンバー情報総点検について（全体像）」: 生年月日・性別不一致の 3.6 % が誤登録、氏名等不一致は 0.025 %"
CAUSES = ("「マイナンバー情報総点検について（全体像）」: 誤登録の原因 — 申請書の家族の番号、双子、同姓同名の別人・複数人該当からの"
          "選び違い、番号の入力誤り; C の多くは改姓・転居の未届、カナ・性別の未収集")
SHARED = "docs/rules.md §5 優先度 1: the number is used for two different people — at least one of them is wrong"
B_ROW = "docs/rules.md §5 優先度 6: every B — a typo in 漢字 or 町字等 (総点検マニュアル §7(6) B 入力ミス等による不一致の可能性)"

JIRO = {KANJI: "山田　次郎", KANA: "ヤマダ　ジロウ"}  #: the person's twin brother, or brother
HANAKO = {KANJI: "山田　花子", KANA: "ヤマダ　ハナコ", SEX: "2"}  #: his sister, or twin sister
FATHER = {KANJI: "山田　一郎", KANA: "ヤマダ　イチロウ", BIRTH: "1948-07-30"}
STRANGER = {KANJI: "鈴木　花子", KANA: "スズキ　ハナコ", BIRTH: "1980-04-01", SEX: "2"}

# (business values, registry values, more business rows under the same number, 判定, 優先度, why)
TIERS = [
    pytest.param({}, {}, [STRANGER], "C", 1, SHARED, id="1-同じ番号が業務側で別人に"),
    pytest.param(JIRO, {}, [], "C", 2, TRIAL, id="2-双子の取り違え(同じ生年月日・同じ姓・別の名)"),
    pytest.param(HANAKO, {}, [], "C", 2, TRIAL, id="2-異性の双子の取り違え"),
    pytest.param(FATHER, {}, [], "C", 2, CAUSES, id="2-申請書の家族(親)の番号・生年月日は別人のよう"),
    pytest.param({KANJI: "山田次郎", KANA: "ﾔﾏﾀﾞｼﾞﾛｳ"}, {}, [], "C", 2, TRIAL, id="2-業務側に姓名の区切りがない双子"),
    pytest.param({KANA: "ヤマモト　ジロウ", KANJI: "山田　次郎"}, {}, [], "C", 2, TRIAL,
                 id="2-カナの姓は違うが漢字の姓が同じ(同じ世帯)"),
    pytest.param({BIRTH: "1962-11-05"}, {}, [], "C", 3, CAUSES, id="3-同姓同名の別人(生年月日が別人のよう)"),
    pytest.param({KANJI: "鈴木　花子", KANA: "スズキ　ハナコ"}, {}, [], "C", 3, CAUSES, id="3-姓も名も違う"),
    pytest.param({SEX: "2"}, {}, [], "C", 4, RATES, id="4-性別だけ違う(入力誤りの形)"),
    pytest.param({BIRTH: "1975-03-13"}, {}, [], "C", 4, RATES, id="4-生年月日が一日違い"),
    pytest.param({BIRTH: "1957-03-12"}, {}, [], "C", 4, RATES, id="4-生年月日の隣り合う数字の入れ違い"),
    pytest.param({BIRTH: "1975-12-03"}, {}, [], "C", 4, RATES, id="4-生年月日の月と日の入れ違い"),
    pytest.param({**JIRO, BIRTH: "1975-03-22"}, {}, [], "C", 4, RATES, id="4-名も違うが生年月日は一桁違い(入力誤りの形)"),
    pytest.param({KANJI: "佐藤　太郎", KANA: "サトウ　タロウ"}, {}, [], "C", 5, CAUSES, id="5-姓だけ違う(改姓の未届)"),
    pytest.param({ADDRESS: "大阪府大阪市北区梅田１－１－１"}, {}, [], "C", 5, CAUSES, id="5-市区町村が違う(転居の未届)"),
    pytest.param({KANA: None}, {}, [], "C", 5, CAUSES, id="5-カナの未収集(空欄は別人の証拠ではない)"),
    pytest.param({SEX: None}, {}, [], "C", 5, CAUSES, id="5-性別の未収集"),
    pytest.param({}, {BIRTH: None}, [], "C", 5, CAUSES, id="5-住基側の生年月日が空欄"),
    pytest.param({KANJI: "山本　太郎"}, {}, [], "B", B_PRIORITY, B_ROW, id="6-B(漢字氏名だけ違う)"),
    pytest.param({ADDRESS: "東京都千代田区霞が関２丁目１番１号"}, {}, [], "B", B_PRIORITY, B_ROW, id="6-B(番地だけ違う)"),
    pytest.param({}, {}, [], "A", None, "docs/rules.md §5: 優先度 orders B and C rows only", id="A-優先度なし"),
]


@pytest.mark.parametrize(("business", "registry", "extra", "verdict", "priority", "why"), TIERS)
def test_each_tier_on_a_pair_built_for_it(business, registry, extra, verdict, priority, why):
    rows = [record(business), *(record(e) for e in extra)]
    got = check(rows, [record(registry)]).row(0, named=True)
    assert (got[C.VERDICT], got[C.PRIORITY]) == (verdict, priority), (why, got[C.REASONS])


def test_an_e_row_has_no_priority():
    got = check([record()], [record(number=OTHER_NUMBER)]).row(0, named=True)
    assert (got[C.VERDICT], got[C.PRIORITY]) == ("E", None)


def test_every_tier_has_a_pair_built_for_it():
    """A new tier fails here until a row of :data:`TIERS` reaches it."""
    priorities = [t.priority for t in PRIORITY_TIERS]
    assert len(set(priorities)) == len(priorities), "two tiers share a 優先度: a row could not tell them apart"
    reached = {p.values[4] for p in TIERS}
    assert sorted((set(priorities) | {B_PRIORITY}) - reached) == []
