"""One business record against one registry record, through the engine: the manual's own examples."""

from __future__ import annotations

import polars as pl
import pytest

from himozuke.formats import columns as C
from himozuke.match.compare import COMPARISONS, no_one
from himozuke.match.engine import business_frame, check_bucket, check_frames, one_per_number, registry_rows

NUMBER = "123456789018"
BASE = {
    C.KANJI_NAME: "山崎　太郎",
    C.KANA_NAME: "ヤマザキ　タロウ",
    C.BIRTH_DATE: "1975-01-02",
    C.SEX: "1",
    C.ADDRESS: "東京都千代田区霞が関１丁目１番１号",
}


def run(business: dict, registry: dict, *, lent: bool = True) -> dict:
    """One pair through the whole check; ``lent=False``: as a bucket of the bucketed engine, which has no
    table of the person pass's normalised texts to lend the comparisons."""
    b = pl.DataFrame([{C.ROW: 2, C.MY_NUMBER: NUMBER, **BASE, **business}], schema={C.ROW: pl.Int64, **dict.fromkeys(C.STANDARD, pl.String)})
    r = pl.DataFrame([{C.MY_NUMBER: NUMBER, **BASE, **registry}], schema=dict.fromkeys(C.STANDARD, pl.String))
    if lent:
        out = check_frames(b, r)
    else:
        out = check_bucket(business_frame(b).collect(), one_per_number(registry_rows(r).collect()))
    assert out.height == 1
    return out.row(0, named=True)


@pytest.mark.parametrize(("item", "business", "registry", "expected"), [
    # 住所 — §7(6) A 注11・注12
    pytest.param(C.ADDRESS, "東京都千代田区霞が関１丁目１番１号", "東京都千代田区霞が関１－１－１", "表記ゆれ一致", id="§7(6)A注12 １丁目１番１号==１－１－１"),
    pytest.param(C.ADDRESS, "東京都千代田区霞が関１丁目１番１号", "東京都千代田区霞ケ関１丁目１番１号", "表記ゆれ一致", id="§7(6)A注11 霞が関/霞ケ関"),
    pytest.param(C.ADDRESS, "東京都千代田区霞が関５丁目－４－３", "東京都千代田区霞が関５－４－３", "表記ゆれ一致", id="SPEC ５丁目－４－３==５－４－３"),
    pytest.param(C.ADDRESS, "東京都千代田区霞が関５の４の３", "東京都千代田区霞が関５－４－３", "表記ゆれ一致", id="SPEC ５の４の３==５－４－３"),
    pytest.param(C.ADDRESS, "千代田区霞が関１－１－１", "東京都千代田区霞が関１丁目１番１号", "表記ゆれ一致", id="都道府県の省略"),
    pytest.param(C.ADDRESS, "東京都千代田区霞が関１－１－２", "東京都千代田区霞が関１－１－１", "不一致", id="§7(6)B 番地違い"),
    pytest.param(C.ADDRESS, "東京都千代田区永田町１－１－１", "東京都千代田区霞が関１－１－１", "不一致", id="§7(6)B 町字違い"),
    pytest.param(C.ADDRESS, "東京都港区霞が関１－１－１", "東京都千代田区霞が関１－１－１", "市区町村不一致", id="§7(6)C 市区町村違い"),
    pytest.param(C.ADDRESS, "神奈川県横浜市西区高島１－１－１", "神奈川県横浜市中区高島１－１－１", "市区町村不一致", id="政令市の区違いは市区町村不一致"),
    # カナ氏名 — §7(6) A 注13
    pytest.param(C.KANA_NAME, "ヤマサキ　タロウ", "ヤマザキ　タロウ", "表記ゆれ一致", id="§7(6)A注13 ヤマサキ==ヤマザキ"),
    pytest.param(C.KANA_NAME, "ﾔﾏｻﾞｷ ﾀﾛｳ", "ヤマザキ　タロウ", "表記ゆれ一致", id="半角カナ"),
    pytest.param(C.KANA_NAME, "やまざき　たろう", "ヤマザキ　タロウ", "表記ゆれ一致", id="ひらがな"),
    pytest.param(C.KANA_NAME, "ヤマモト　タロウ", "ヤマザキ　タロウ", "不一致", id="別の姓"),
    pytest.param(C.KANA_NAME, "オーノ　タロウ", "オオノ　タロウ", "不一致", id="長音の違いは不一致（マニュアルにない）"),
    pytest.param(C.KANA_NAME, None, "ヤマザキ　タロウ", "未登録", id="カナ未収集"),
    # 漢字氏名 — §7(6) A
    pytest.param(C.KANJI_NAME, "山﨑　太郎", "山崎　太郎", "表記ゆれ一致", id="§7(6)A 異体字 﨑/崎"),
    pytest.param(C.KANJI_NAME, "〓崎　太郎", "山崎　太郎", "表記ゆれ一致", id="§7(6)A 外字を除いた文字が一致"),
    pytest.param(C.KANJI_NAME, "山崎太郎", "山崎　太郎", "表記ゆれ一致", id="空白の有無"),
    pytest.param(C.KANJI_NAME, "山本　太郎", "山崎　太郎", "不一致", id="別の字"),
    # 生年月日・性別
    pytest.param(C.BIRTH_DATE, "昭和50年1月2日", "1975-01-02", "表記ゆれ一致", id="和暦"),
    pytest.param(C.BIRTH_DATE, "S50.1.2", "19750102", "表記ゆれ一致", id="和暦略記"),
    pytest.param(C.BIRTH_DATE, "1975-01-03", "1975-01-02", "不一致", id="日違い"),
    pytest.param(C.SEX, "男", "1", "表記ゆれ一致", id="男==1"),
    pytest.param(C.SEX, "2", "1", "不一致", id="性別違い"),
])
def test_item_verdict(item, business, registry, expected):
    row = run({item: business}, {item: registry})
    assert row[C.item_verdict(item)] == expected


@pytest.mark.parametrize(("business", "expected", "reason"), [
    pytest.param({C.KANA_NAME: "ヤマサキ　タロウ", C.ADDRESS: "東京都千代田区霞が関１－１－１"}, "A", "kana.notation", id="表記ゆれだけならA"),
    pytest.param({C.KANJI_NAME: "山本　太郎"}, "B", "kanji.mismatch", id="入力ミスの可能性B"),
    pytest.param({C.BIRTH_DATE: "1975-02-01"}, "C", "birth.mismatch", id="別人の可能性C"),
    pytest.param({C.ADDRESS: "大阪府大阪市北区梅田１－１－１"}, "C", "address.city_mismatch", id="転居の未届C"),
])
def test_pair_verdict_and_reason(business, expected, reason):
    row = run(business, {})
    assert row[C.VERDICT] == expected
    assert reason in row[C.REASONS].split(";")


# issue #16 §1: a value that cannot identify anyone is never evidence of a match — not on one side, not on both.
@pytest.mark.parametrize(("same", "expected", "reason"), [
    pytest.param({C.KANA_NAME: "\u3000"}, "C", "kana.missing_business", id="カナが両側とも全角空白"),
    pytest.param({C.KANA_NAME: "不明"}, "C", "kana.unreadable_business", id="カナが両側とも「不明」"),
    pytest.param({C.BIRTH_DATE: "不明"}, "C", "birth.unreadable_business", id="生年月日が両側とも「不明」"),
    pytest.param({C.BIRTH_DATE: "1950年　月　日"}, "C", "birth.unreadable_business", id="生年月日不詳（住民票の表記）"),
    pytest.param({C.SEX: "9"}, "C", "sex.unknown_business", id="性別コード9が両側"),
    pytest.param({C.SEX: "0"}, "C", "sex.unknown_business", id="性別コード0が両側"),
    pytest.param({C.SEX: " "}, "C", "sex.missing_business", id="性別が両側とも空白"),
    pytest.param({C.KANJI_NAME: "〓〓　〓〓"}, "B", "kanji.only_gaiji_business", id="§7(6)A-外字だけの漢字氏名が両側"),
    pytest.param({C.ADDRESS: "\u3000"}, "C", "address.missing_business", id="住所が両側とも全角空白"),
])
def test_the_same_unusable_value_on_both_sides_is_not_a_match(same, expected, reason):
    for lent in (True, False):
        row = run(same, same, lent=lent)
        assert row[C.VERDICT] == expected, lent
        assert reason in row[C.REASONS].split(";"), lent


def test_an_item_identified_by_its_key_identifies_exactly_where_the_key_reads():
    """The check reads 「identifies no one」 off a 生年月日/性別 key (no second parse): the two must agree."""
    values = pl.Series(["1975-01-02", "S50.1.2", "不明", "1950年　月　日", "昭和", "", "1", "男", "9", "0", "女性"])
    for cmp in COMPARISONS:
        if cmp.identified_by_key:
            keys = pl.select(cmp.keys(pl.lit(values))).to_series()
            assert no_one(cmp, values, keys).to_list() == no_one(cmp, values).to_list(), cmp.item


@pytest.mark.parametrize(("business", "registry", "expected", "reason"), [
    pytest.param("〓〓　〓〓", "山田　太郎", "B", "kanji.only_gaiji_business", id="外字だけの名は何とも一致しない"),
    pytest.param("가田　太郎", "山田　太郎", "B", "kanji.mismatch", id="ハングルは外字ではない"),
    pytest.param("〓崎　太郎", "山崎　太郎", "A", "kanji.variant", id="§7(6)A-外字を除いた文字が一致"),
])
def test_gaiji_means_gaiji(business, registry, expected, reason):
    row = run({C.KANJI_NAME: business}, {C.KANJI_NAME: registry})
    assert row[C.VERDICT] == expected
    assert reason in row[C.REASONS].split(";")
