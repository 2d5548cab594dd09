"""Invalid sheets of each kind (「中国残留邦人等支援給付関係事務におけるマイナンバー情報連携に係る実態調査について（依頼）」※1: 市区町村名に空白がないか、回答必須の項目なのに選択がないか)."""

from __future__ import annotations

import pytest

from himozuke.survey.demo import MISTAKES, answers, with_mistake
from himozuke.survey.spec import variant
from himozuke.survey.validate import REMINDER, check_contact, check_org_name, validate

YOBOU = variant("yobou")
ROUSAI = variant("rousai")


@pytest.mark.parametrize(("v", "kubun", "name", "message"), [
    pytest.param(YOBOU, "指定都市", "14神奈川県相模原市", None, id="別添3例:14神奈川県相模原市"),
    pytest.param(YOBOU, "市区町村", "14神奈川県 相模原市", "組織名に空白があります（空白を入れず入力）", id="空白"),
    pytest.param(YOBOU, "市区町村", "14神奈川県　相模原市", "組織名に空白があります（空白を入れず入力）", id="全角空白"),
    pytest.param(YOBOU, "市区町村", "01北海道虻田郡倶知安町", "組織名に郡名があります（郡名は省略）", id="郡名は省略"),
    pytest.param(YOBOU, "市区町村", "07福島県郡山市", None, id="郡山市は郡名ではない"),
    pytest.param(YOBOU, "市区町村", "21岐阜県郡上市", None, id="郡上市は郡名ではない"),
    pytest.param(YOBOU, "市区町村", "13神奈川県相模原市", "組織名の都道府県コード13は東京都です（神奈川県は14）",
                 id="コードと都道府県名の不一致"),
    pytest.param(YOBOU, "市区町村", "神奈川県相模原市", "組織名は都道府県コード2桁から始めてください（例：14神奈川県相模原市）",
                 id="コードなし"),
    pytest.param(YOBOU, "市区町村", "１４神奈川県相模原市", "組織名のコードは半角数字で入力してください", id="全角数字"),
    pytest.param(YOBOU, "市区町村", "48神奈川県相模原市", "都道府県コード48は01～47ではありません", id="コード範囲外"),
    pytest.param(YOBOU, "市区町村", "14神奈川県", "都道府県名の後に市区町村名（団体名）を入力してください", id="市区町村名なし"),
    pytest.param(YOBOU, "都道府県", "14神奈川県", None, id="都道府県"),
    pytest.param(YOBOU, "都道府県", "14神奈川県庁", "都道府県は「コード＋都道府県名」のみ入力してください", id="都道府県に余分"),
    pytest.param(YOBOU, "一部事務組合", "14神奈川県足柄上衛生組合", None, id="一部事務組合"),
    pytest.param(ROUSAI, "労働基準監督署", "1301中央労働基準監督署", None, id="局番号2桁＋署番号2桁＋署名"),
    pytest.param(ROUSAI, "労働基準監督署", "131中央労働基準監督署",
                 "組織名は局番号2桁＋署番号2桁＋署名で入力してください（例：1301中央労働基準監督署）", id="署番号1桁"),
    pytest.param(ROUSAI, "労働基準監督署", "4901中央労働基準監督署", "局番号49は01～47ではありません", id="局番号範囲外"),
])
def test_org_name(v, kubun, name, message):
    assert [p.message for p in check_org_name(v, kubun, name)] == ([message] if message else [])


@pytest.mark.parametrize(("field", "value", "ok"), [
    pytest.param("電話番号", "03-5253-1111", True, id="照会先TEL"),
    pytest.param("電話番号", "03-5253-1111（内線2298）", True, id="内線付き"),
    pytest.param("電話番号", "０３－５２５３－１１１１", True, id="全角でも番号として読める"),
    pytest.param("電話番号", "090-1234-5678", True, id="携帯"),
    pytest.param("電話番号", "03-5253", False, id="桁不足"),
    pytest.param("電話番号", "内線2298", False, id="内線のみ"),
    pytest.param("メールアドレス", "n_mynumber@mhlw.go.jp", True, id="健康行政実態調査依頼の宛先アドレス"),
    pytest.param("メールアドレス", "ｍｙ＠example.lg.jp", False, id="全角"),
    pytest.param("メールアドレス", "mynumber@", False, id="ドメインなし"),
])
def test_contact_formats(field, value, ok):
    assert (check_contact({field: value}) == []) is ok


@pytest.mark.parametrize(("title", "reminded"), [
    pytest.param("課長", False, id="課長"), pytest.param("健康福祉部長", False, id="部長"),
    pytest.param("課長補佐", True, id="課長補佐"), pytest.param("係長", True, id="係長"),
])
def test_kacho_reminder(title, reminded):
    problems = check_contact({"回答責任者役職": title})
    assert [p.level for p in problems] == ([REMINDER] if reminded else [])


@pytest.mark.parametrize(("mistake", "column"), [pytest.param(m, c, id=m) for m, c in [
    ("空白入り組織名", "組織名"), ("郡名あり", "組織名"), ("コード違い", "組織名"), ("電話番号誤り", "電話番号"),
    ("メール全角", "メールアドレス"), ("役職が課長級未満", "回答責任者役職"), ("未回答", "10"), ("部署名未入力", "担当部署名"),
]])
def test_each_mistake_is_reported(mistake, column):
    assert set(MISTAKES) >= {mistake}
    row = with_mistake(answers(YOBOU, "14神奈川県相模原市", "指定都市", seed=1), mistake)
    assert column in [p.column for p in validate(YOBOU, row)]


@pytest.mark.parametrize(("change", "message"), [
    pytest.param({"3": "③はい"}, "Q3の回答「③はい」はリストにありません", id="選択肢外"),
    pytest.param({"制度等": "健康・医療（難病）"}, "制度等「健康・医療（難病）」はこの調査票（健康・医療（予防接種））と異なります",
                 id="制度等違い"),
    pytest.param({"組織区分": "労働基準監督署"}, "組織区分「労働基準監督署」はこの制度では選べません"
                 "（都道府県・指定都市・中核市・市区町村・特別区・一部事務組合）", id="組織区分違い"),
    pytest.param({"10": "②事例はある。", "10 記載": "なし"}, "Q10の記載「なし」では内容が分かりません", id="記載が空疎"),
    pytest.param({"2": "③定める予定である。", "2 記載": "そのうち"}, "予定年月は「2023年10月」の形で記載してください",
                 id="予定年月の形式"),
    pytest.param({"1-2": "①該当の機能を導入している"}, "Q1-2は前の回答により回答不要です（削除してください）",
                 id="市町村がQ1-2に回答"),
])
def test_invalid_answers(change, message):
    row = answers(YOBOU, "14神奈川県相模原市", "指定都市", seed=1) | change
    assert message in [p.message for p in validate(YOBOU, row)]


@pytest.mark.parametrize("value", ["2023年10月", "令和5年10月", "R5.10", "2024/4"])
def test_year_month_accepted(value):
    row = answers(YOBOU, "14神奈川県相模原市", "指定都市", seed=1) | {"2": "③定める予定である。", "2 記載": value}
    assert [p for p in validate(YOBOU, row) if p.column == "2 記載"] == []


@pytest.mark.parametrize(("zokusei", "ok"), [
    pytest.param("", True, id="全て同じ運用なら空欄"),
    pytest.param("３ 胃がん検診、４ 子宮頸がん検診、６ 肝炎ウイルス検診、８ 歯周疾患検診", True, id="健康行政実態調査依頼【記載例】"),
    pytest.param("9 前立腺がん検診", False, id="属性分類にない"),
])
def test_kenshin_zokusei(zokusei, ok):
    v = variant("kenshin")
    row = answers(v, "14神奈川県相模原市", "指定都市", seed=2) | {"属性": zokusei}
    assert ([p for p in validate(v, row) if p.column == "属性"] == []) is ok


@pytest.mark.parametrize(("title", "message"), [
    pytest.param("課長代理", "回答責任者役職「課長代理」は課長級に当たらない場合があります（別添3「課長級以上の役職の方が回答責任者となり」）"
                 ": 課長級であることを確認してください", id="別添3「課長級以上の役職の方が回答責任者」:課長代理は確認"),
    pytest.param("福祉課副課長", "回答責任者役職「副課長」は課長級に当たらない場合があります（別添3「課長級以上の役職の方が回答責任者と"
                 "なり」）: 課長級であることを確認してください", id="副課長は確認"),
    pytest.param("課長補佐", "回答責任者は課長級以上の役職の方としてください（別添3「課長級以上の役職の方が回答責任者となり」）",
                 id="課長補佐は課長級未満"),
])
def test_kacho_deputy_is_a_reminder_with_reason(title, message):
    assert [(p.level, p.message) for p in check_contact({"回答責任者役職": title})] == [(REMINDER, message)]
    row = answers(YOBOU, "14神奈川県相模原市", "指定都市", seed=1) | {"回答責任者役職": title}
    assert [p.level for p in validate(YOBOU, row)] == [REMINDER]  # accepted: never an error
