"""Column names of the data contract, defined once (DESIGN.md "Data contract").

Standard record: 個人番号 + 基本4情報 (漢字氏名, カナ氏名, 生年月日, 性別, 住所), optional 宛名番号 / 方書 / DV等支援対象
/ 取得経路 / 住登区分 / 確認書類 / 世帯番号.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the column names are read by modules that load no Polars (the case store)
    import polars as pl

MY_NUMBER = "個人番号"
KANJI_NAME = "漢字氏名"
KANA_NAME = "カナ氏名"
BIRTH_DATE = "生年月日"
SEX = "性別"
ADDRESS = "住所"
ATENA_NUMBER = "宛名番号"
KATAGAKI = "方書"
DV_FLAG = "DV等支援対象"
#: How the number was obtained, where the person is registered, which document confirmed the 4情報 (manual §5:
#: which records must be checked — :mod:`himozuke.scope`).
ROUTE = "取得経路"
RESIDENCE = "住登区分"
DOCUMENT = "確認書類"
#: The 世帯 a record belongs to, when a resident-register extract carries it: a number given for one person may be
#: another member's of the same 世帯 (「マイナンバー情報総点検について」: a family member's number taken from a form
#: that carried both) — :mod:`himozuke.verification` warns of it.
HOUSEHOLD = "世帯番号"
#: The line of the original extract a record came from, when ``himozuke scope`` wrote the extract that is checked.
SOURCE_ROW = "元の行番号"

#: The four information items (基本4情報; 氏名 counted as 漢字 + カナ) in report order.
ITEMS: tuple[str, ...] = (KANJI_NAME, KANA_NAME, BIRTH_DATE, SEX, ADDRESS)
#: Required columns of a standard record.
STANDARD: tuple[str, ...] = (MY_NUMBER, *ITEMS)
OPTIONAL: tuple[str, ...] = (ATENA_NUMBER, KATAGAKI, DV_FLAG, ROUTE, RESIDENCE, DOCUMENT, SOURCE_ROW, HOUSEHOLD)

#: DV等支援対象 values that mean "not a victim" (「総点検マニュアル」第2.1版 §7(6) ※: a DV・虐待等被害者's refuge
#: address must never reach the offender). Any other non-blank value — 「1」「有」「○」「対象」, or a code this
#: list does not know — counts as flagged: the cautious reading, which hides an address rather than shows it.
DV_NOT_FLAGGED: frozenset[str] = frozenset({"0", "無", "なし", "無し", "非該当", "対象外", "false", "no", "n", "-", "－"})
#: What an output shows instead of a flagged record's addresses.
DV_HIDDEN = "（DV等支援対象のため非表示）"


def is_dv(value: str | None) -> bool:
    """The DV等支援対象 flag is set (see :data:`DV_NOT_FLAGGED`).

    >>> is_dv("1"), is_dv("有"), is_dv("要確認"), is_dv("0"), is_dv(" 無 "), is_dv(""), is_dv(None)
    (True, True, True, False, False, False, False)
    """
    v = (value or "").strip(" \u3000").lower()
    return bool(v) and v not in DV_NOT_FLAGGED


def is_dv_expr(e: pl.Expr) -> pl.Expr:
    """Vectorised :func:`is_dv` (null → False)."""
    import polars as pl

    v = e.str.strip_chars(" \u3000").str.to_lowercase().fill_null("")
    return (v != "") & ~v.is_in(pl.Series(sorted(DV_NOT_FLAGGED)).implode())


# Result columns
VERDICT = "判定"
REASONS = "理由"
PRIORITY = "優先度"
ROW = "行番号"  # 1-based line number in the business file (header = 1), for every result and rejection


def item_verdict(item: str) -> str:
    """Result column of one item's verdict: ``item_verdict("住所") == "住所判定"``."""
    return f"{item}判定"


def registry(col: str) -> str:
    """Registry-side (住基) value column in the result: ``registry("住所") == "住所_住基"``."""
    return f"{col}_住基"


def business(col: str) -> str:
    """Business-side value column in the result: ``business("住所") == "住所_業務"``."""
    return f"{col}_業務"

# Registry side only: the J-LIS per-record inquiry result (本人確認情報照会結果). A registry file without this
# column is taken as all 該当. Anything but 該当 makes the pair uncomparable (判定 E) with its own reason.
INQUIRY_RESULT = "照会結果"
INQUIRY_FOUND = "該当"
INQUIRY_NOT_FOUND = "該当なし"
INQUIRY_MULTIPLE = "複数該当"
INQUIRY_DELETED = "消除者"
INQUIRY_ERROR = "照会エラー"
INQUIRY_STATUSES: tuple[str, ...] = (INQUIRY_FOUND, INQUIRY_NOT_FOUND, INQUIRY_MULTIPLE, INQUIRY_DELETED, INQUIRY_ERROR)
