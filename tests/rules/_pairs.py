"""A pair builder for the rule tables: one business row and one 住基 row of the same person, differing only where
a test says, checked by the real public API (:func:`himozuke.match.engine.check_frames`) — never a copy of a rule.

>>> row = pair({KANA: "ヤマサキ　タロウ"}, {KANA: "ヤマザキ　タロウ"})
>>> row[C.VERDICT], row[C.item_verdict(KANA)], codes(row)
('A', '表記ゆれ一致', ['kana.notation'])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from himozuke.formats import columns as C
from himozuke.formats.tabular import REJECT_REASON
from himozuke.match.engine import check_frames

KANJI, KANA, BIRTH, SEX, ADDRESS = C.KANJI_NAME, C.KANA_NAME, C.BIRTH_DATE, C.SEX, C.ADDRESS
NUMBER = "123456789018"  #: a valid 個人番号 (check digit 8)
OTHER_NUMBER = "987654321018"  #: another valid one
#: The person both sides describe unless a test says otherwise.
PERSON: dict[str, str] = {KANJI: "山田　太郎", KANA: "ヤマダ　タロウ", BIRTH: "1975-03-12", SEX: "1",
                          ADDRESS: "東京都千代田区霞が関１丁目１番１号"}

_BUSINESS_SCHEMA = {C.ROW: pl.Int64, **dict.fromkeys(C.STANDARD, pl.String)}
_REGISTRY_SCHEMA = {**dict.fromkeys(C.STANDARD, pl.String), C.INQUIRY_RESULT: pl.String}


def record(overrides: Mapping[str, str | None] | None = None, number: str | None = NUMBER) -> dict:
    """:data:`PERSON` under ``number`` with ``overrides`` (None: the value is missing)."""
    return {C.MY_NUMBER: number, **PERSON, **(overrides or {})}


def check(business: Sequence[Mapping], registry: Sequence[Mapping], *, rejects: Mapping[int, str] | None = None,
          home: str | None = None) -> pl.DataFrame:
    """The result rows of ``business`` (行番号 2, 3, … in order) against ``registry`` (a row may carry 照会結果;
    absent: 該当). ``rejects``: 行番号 → the reader's message, lines the reader could not split."""
    b = pl.DataFrame([{C.ROW: i, **{k: r.get(k) for k in C.STANDARD}} for i, r in enumerate(business, start=2)],
                     schema=_BUSINESS_SCHEMA)
    r = pl.DataFrame([{**{k: x.get(k) for k in C.STANDARD}, C.INQUIRY_RESULT: x.get(C.INQUIRY_RESULT, C.INQUIRY_FOUND)}
                      for x in registry], schema=_REGISTRY_SCHEMA)
    rejected = None
    if rejects:
        rejected = pl.DataFrame({C.ROW: list(rejects), REJECT_REASON: list(rejects.values())},
                                schema={C.ROW: pl.Int64, REJECT_REASON: pl.String})
    return check_frames(b, r, rejected, home_prefecture=home)


def pair(business: Mapping[str, str | None] | None = None, registry: Mapping[str, str | None] | None = None, *,
         home: str | None = None) -> dict:
    """The result row of one pair: :data:`PERSON` on both sides under :data:`NUMBER`, ``business`` and ``registry``
    overriding values of either side (``registry`` may set 照会結果)."""
    return check([record(business)], [record(registry)], home=home).row(0, named=True)


def codes(row: Mapping) -> list[str]:
    """The reason codes of a result row (``理由``, in order)."""
    return (row[C.REASONS] or "").split(";") if row[C.REASONS] else []
