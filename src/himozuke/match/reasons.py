"""Reason codes: stable machine-readable identifiers, each with one Japanese explanation.

A result row's ``理由`` column holds the codes that explain its ``判定`` (``;``-separated, in item order), and
``理由説明`` the Japanese text. Codes never change meaning once released; new ones are added.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    # --- E: could not be compared -------------------------------------------------------------
    NUMBER_MISSING = "number.missing"
    NUMBER_FORMAT = "number.format"
    NUMBER_CHECK_DIGIT = "number.check_digit"
    NOT_IN_REGISTRY = "registry.not_in_file"
    REGISTRY_DUPLICATE = "registry.duplicate"
    INQUIRY_NOT_FOUND = "registry.not_found"
    INQUIRY_MULTIPLE = "registry.multiple"
    INQUIRY_DELETED = "registry.deleted"
    INQUIRY_ERROR = "registry.error"
    ROW_UNREADABLE = "row.unreadable"
    # --- 漢字氏名 -------------------------------------------------------------------------------
    KANJI_MISSING_BUSINESS = "kanji.missing_business"
    KANJI_MISSING_REGISTRY = "kanji.missing_registry"
    KANJI_ONLY_GAIJI_BUSINESS = "kanji.only_gaiji_business"
    KANJI_ONLY_GAIJI_REGISTRY = "kanji.only_gaiji_registry"
    KANJI_NOTATION = "kanji.notation"
    KANJI_VARIANT = "kanji.variant"
    KANJI_MISMATCH = "kanji.mismatch"
    # --- カナ氏名 -------------------------------------------------------------------------------
    KANA_MISSING_BUSINESS = "kana.missing_business"
    KANA_MISSING_REGISTRY = "kana.missing_registry"
    KANA_UNREADABLE_BUSINESS = "kana.unreadable_business"
    KANA_UNREADABLE_REGISTRY = "kana.unreadable_registry"
    KANA_NOTATION = "kana.notation"
    KANA_MISMATCH = "kana.mismatch"
    # --- 生年月日 -------------------------------------------------------------------------------
    BIRTH_MISSING_BUSINESS = "birth.missing_business"
    BIRTH_MISSING_REGISTRY = "birth.missing_registry"
    BIRTH_UNREADABLE_BUSINESS = "birth.unreadable_business"
    BIRTH_UNREADABLE_REGISTRY = "birth.unreadable_registry"
    BIRTH_NOTATION = "birth.notation"
    BIRTH_MISMATCH = "birth.mismatch"
    # --- 性別 -----------------------------------------------------------------------------------
    SEX_MISSING_BUSINESS = "sex.missing_business"
    SEX_MISSING_REGISTRY = "sex.missing_registry"
    SEX_UNKNOWN_BUSINESS = "sex.unknown_business"
    SEX_UNKNOWN_REGISTRY = "sex.unknown_registry"
    SEX_NOTATION = "sex.notation"
    SEX_MISMATCH = "sex.mismatch"
    # --- 住所 -----------------------------------------------------------------------------------
    ADDRESS_MISSING_BUSINESS = "address.missing_business"
    ADDRESS_MISSING_REGISTRY = "address.missing_registry"
    ADDRESS_CITY_UNKNOWN = "address.city_unknown"
    ADDRESS_CITY_AMBIGUOUS = "address.city_ambiguous"
    ADDRESS_PREFECTURE_MISMATCH = "address.prefecture_mismatch"
    ADDRESS_CITY_MISMATCH = "address.city_mismatch"
    ADDRESS_NOTATION = "address.notation"
    ADDRESS_MACHIAZA_MISMATCH = "address.machiaza_mismatch"
    ADDRESS_NUMBER_MISMATCH = "address.number_mismatch"
    # --- cross-record checks ----------------------------------------------------------------------
    NUMBER_SHARED = "cross.number_shared"
    NUMBER_REPEATED = "cross.number_repeated"
    PERSON_SEVERAL_NUMBERS = "cross.person_several_numbers"


REASON_TEXT: dict[Reason, str] = {
    Reason.NUMBER_MISSING: "個人番号が空欄です",
    Reason.NUMBER_FORMAT: "個人番号が12桁の数字ではありません",
    Reason.NUMBER_CHECK_DIGIT: "個人番号の検査用数字が合いません（入力誤りの可能性）",
    Reason.NOT_IN_REGISTRY: "住基側ファイルにこの個人番号がありません",
    Reason.REGISTRY_DUPLICATE: "住基側ファイルに同じ個人番号が複数あります",
    Reason.INQUIRY_NOT_FOUND: "住基ネット照会の結果が「該当なし」です",
    Reason.INQUIRY_MULTIPLE: "住基ネット照会の結果が「複数該当」です",
    Reason.INQUIRY_DELETED: "住基ネット照会の結果が消除者です",
    Reason.INQUIRY_ERROR: "住基ネット照会がエラーになりました",
    Reason.ROW_UNREADABLE: "業務側ファイルのこの行を読み取れません",
    Reason.KANJI_MISSING_BUSINESS: "漢字氏名が業務側で空欄です",
    Reason.KANJI_MISSING_REGISTRY: "漢字氏名が住基側で空欄です",
    Reason.KANJI_ONLY_GAIJI_BUSINESS: "業務側の漢字氏名が外字だけで、比べられる文字がありません",
    Reason.KANJI_ONLY_GAIJI_REGISTRY: "住基側の漢字氏名が外字だけで、比べられる文字がありません",
    Reason.KANJI_NOTATION: "漢字氏名は空白・互換漢字の違いを除いて一致します",
    Reason.KANJI_VARIANT: "漢字氏名は外字・異体字を除いて一致します（§7(6)A）",
    Reason.KANJI_MISMATCH: "漢字氏名が一致しません",
    Reason.KANA_MISSING_BUSINESS: "カナ氏名が業務側で空欄です（未収集の可能性）",
    Reason.KANA_MISSING_REGISTRY: "カナ氏名が住基側で空欄です",
    Reason.KANA_UNREADABLE_BUSINESS: "業務側のカナ氏名にカナがありません（不明・記号など）",
    Reason.KANA_UNREADABLE_REGISTRY: "住基側のカナ氏名にカナがありません（不明・記号など）",
    Reason.KANA_NOTATION: "カナ氏名は清音処理などで一致します（§7(6)A 注13）",
    Reason.KANA_MISMATCH: "カナ氏名が一致しません",
    Reason.BIRTH_MISSING_BUSINESS: "生年月日が業務側で空欄です",
    Reason.BIRTH_MISSING_REGISTRY: "生年月日が住基側で空欄です",
    Reason.BIRTH_UNREADABLE_BUSINESS: "業務側の生年月日が日付として読めません",
    Reason.BIRTH_UNREADABLE_REGISTRY: "住基側の生年月日が日付として読めません",
    Reason.BIRTH_NOTATION: "生年月日は表記（和暦・西暦など）の違いを除いて一致します",
    Reason.BIRTH_MISMATCH: "生年月日が一致しません",
    Reason.SEX_MISSING_BUSINESS: "性別が業務側で空欄です（未収集の可能性）",
    Reason.SEX_MISSING_REGISTRY: "性別が住基側で空欄です",
    Reason.SEX_UNKNOWN_BUSINESS: "業務側の性別コードを解釈できません",
    Reason.SEX_UNKNOWN_REGISTRY: "住基側の性別コードを解釈できません",
    Reason.SEX_NOTATION: "性別は表記（コード・漢字）の違いを除いて一致します",
    Reason.SEX_MISMATCH: "性別が一致しません",
    Reason.ADDRESS_MISSING_BUSINESS: "住所が業務側で空欄です",
    Reason.ADDRESS_MISSING_REGISTRY: "住所が住基側で空欄です",
    Reason.ADDRESS_CITY_UNKNOWN: "住所の市区町村を特定できません（慎重側に市区町村不一致として扱います）",
    Reason.ADDRESS_CITY_AMBIGUOUS: "住所の市区町村名が複数の都道府県にあり、どの都道府県か決まりません"
                                   "（都道府県の記載がなく、--home-prefecture でも決まりません）",
    Reason.ADDRESS_PREFECTURE_MISMATCH: "住所の都道府県が一致しません",
    Reason.ADDRESS_CITY_MISMATCH: "住所の市区町村が一致しません（転出の未届の可能性）",
    Reason.ADDRESS_NOTATION: "住所は表記ゆれ（町字の前方2文字と数字）で一致します（§7(6)A 注11・注12）",
    Reason.ADDRESS_MACHIAZA_MISMATCH: "住所の町字が一致しません（市区町村は一致）",
    Reason.ADDRESS_NUMBER_MISMATCH: "住所の番地（数字）が一致しません（市区町村・町字は一致）",
    Reason.NUMBER_SHARED: "同じ個人番号が業務側で別人に使われています",
    Reason.NUMBER_REPEATED: "同じ個人番号・同じ人の行が業務側に複数あります",
    Reason.PERSON_SEVERAL_NUMBERS: "同じ人（氏名・生年月日・性別が同じ）が業務側で複数の個人番号を持っています",
}


def explain(codes: str | None) -> str:
    """Japanese text for a ``;``-separated code list.

    >>> explain("kana.mismatch;birth.mismatch")
    'カナ氏名が一致しません。生年月日が一致しません'
    """
    if not codes:
        return ""
    return "。".join(REASON_TEXT[Reason(c)] for c in codes.split(";"))
