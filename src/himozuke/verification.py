"""One record at a time: the check of a number given at data entry, without a frame (issue #19).

「マイナンバー情報総点検について」 §3 再発防止対策 asks that a number taken at application be confirmed against the
基本4情報 there and then. :func:`verify` gives for one business record what ``himozuke check`` gives for its row of
result.csv (without 行番号) — the same 判定, item verdicts, 理由, 理由説明 and 優先度 — from the same rule tables:
the item levels (:mod:`himozuke.match.compare`), the classification and 優先度 (:mod:`himozuke.match.classify`),
the evidence (:mod:`himozuke.match.evidence`) and the E reasons (:mod:`himozuke.match.engine`) are each one table
of conditions (:mod:`himozuke.match.conditions`) read as a Polars expression by the check and as a value of one
record here; the prepared keys come from the scalar forms of the same normalisers. No one-row DataFrame.

Two warnings name the causes the national results list:

- ``number.check_digit``: the check digit fails — how many valid numbers are one digit or one adjacent swap
  away (a count: never "the" correction, which the number cannot tell);
- ``household.member_number``: the number is another member's of the same 世帯 — the registry extract carries
  世帯番号, the caller passes the members of the number owner's 世帯 (``household``), and the form's 4情報 fit
  one of them better than the owner.

>>> v = verify({"個人番号": "123456789018", "漢字氏名": "山田　太郎", "カナ氏名": "ヤマダ　タロウ", "生年月日": "1975-01-02",
...             "性別": "1", "住所": "東京都千代田区霞が関1-1-1"},
...            {"個人番号": "123456789018", "漢字氏名": "山田　太郎", "カナ氏名": "ヤマダ　タロウ", "生年月日": "昭和50年1月2日",
...             "性別": "男", "住所": "東京都千代田区霞が関一丁目1番1号"})
>>> v.verdict, v.items["生年月日"], v.reasons
('A', '表記ゆれ一致', 'birth.notation;sex.notation;address.notation')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from himozuke import mynumber
from himozuke.errors import UsageError
from himozuke.formats import columns as C
from himozuke.formats.records import answered_item
from himozuke.match import classify as K
from himozuke.match import scratch as S
from himozuke.match.compare import compare_record, prepare_record
from himozuke.match.engine import RESULT_COLUMNS, number_reason_of, registry_reason_of
from himozuke.match.evidence import evidence_record
from himozuke.match.home import check as check_home
from himozuke.match.reasons import Reason, explain
from himozuke.text.person import has_several_numbers, person_key, shares_number

#: Keys a business record may carry (the data contract's columns).
BUSINESS_KEYS: frozenset[str] = frozenset((*C.STANDARD, *C.OPTIONAL))
#: Keys a registry record may carry: the same and the J-LIS 照会結果.
REGISTRY_KEYS: frozenset[str] = BUSINESS_KEYS | {C.INQUIRY_RESULT}
#: The result.csv columns of a :class:`Verification` (行番号 has no meaning for one record).
ROW_COLUMNS: tuple[str, ...] = tuple(c for c in RESULT_COLUMNS if c != C.ROW)
WARNINGS_KEY = "警告"

CHECK_DIGIT_WARNING = "number.check_digit"
HOUSEHOLD_WARNING = "household.member_number"
_RANK = {str(K.Verdict.A): 0, str(K.Verdict.B): 1, str(K.Verdict.C): 2}


@dataclass(frozen=True)
class Caution:
    """A warning about one record: a stable ``code``, a Japanese ``text`` (never a full number) and counts."""

    code: str
    text: str
    counts: Mapping[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        return {"コード": self.code, "説明": self.text, **({"件数": dict(self.counts)} if self.counts else {})}


@dataclass(frozen=True)
class Verification:
    """The check of one record: the fields of its result.csv row (without 行番号) and the warnings."""

    number: str | None  #: 個人番号 as the check holds it (normalised), in full: the caller gave it
    verdict: str  #: 判定 (A/B/C/E)
    items: Mapping[str, str | None]  #: <item>判定 by item (None: not compared, E)
    reasons: str | None  #: 理由 (codes, ``;``-joined)
    explanation: str | None  #: 理由説明
    priority: int | None  #: 優先度 (B and C)
    business: Mapping[str, str | None]  #: <item>_業務 by item
    registry: Mapping[str, str | None]  #: <item>_住基 by item
    warnings: tuple[Caution, ...] = ()
    #: DV等支援対象 is set: every output shows 「（DV等支援対象のため非表示）」 for the addresses
    dv: bool = False

    def row(self) -> dict[str, object]:
        """The result.csv row (column → value, :data:`ROW_COLUMNS`), as ``check`` computes it."""
        out: dict[str, object] = {C.MY_NUMBER: self.number, C.VERDICT: self.verdict, C.REASONS: self.reasons,
                                  "理由説明": self.explanation, C.PRIORITY: self.priority}
        for item in C.ITEMS:
            out[C.item_verdict(item)] = self.items[item]
            out[C.business(item)], out[C.registry(item)] = self.business[item], self.registry[item]
        return {c: out[c] for c in ROW_COLUMNS}

    def as_json(self) -> dict[str, object]:
        """A JSON-ready dict: the result.csv columns and ``警告``. The full 個人番号 only in 個人番号, which the
        caller gave; a DV等支援対象 record's addresses hidden, as in every output."""
        out = self.row()
        if self.dv:
            out[C.business(C.ADDRESS)] = out[C.registry(C.ADDRESS)] = C.DV_HIDDEN
        out[WARNINGS_KEY] = [w.as_json() for w in self.warnings]
        return out


_WHAT = {"業務側の記録": "the business record", "住基側の記録": "the registry record",
         "保有する他の記録": "a record of others", "世帯員の記録": "a household record"}


def _record(value: object, allowed: frozenset[str], what: str) -> Mapping[str, str | None]:
    en = _WHAT[what]
    if not isinstance(value, Mapping):
        raise UsageError(f"{what}は項目名と値の組（JSON のオブジェクト）で渡してください",
                         f"{en} must be a mapping of column names to texts")
    for key, v in value.items():
        if key not in allowed:
            raise UsageError(f"{what}に知らない項目「{key}」があります（使える項目: {'・'.join(sorted(allowed))}）",
                             f"{en} has an unknown key {key!r}", column=str(key))
        if v is not None and not isinstance(v, str):
            raise UsageError(f"{what}の「{key}」は文字列か null で渡してください（数値は先頭の 0 を失います）",
                             f"{en}: {key!r} must be a string or null", column=str(key))
    return value


def _twelve(number: str | None) -> str | None:
    """The number as the check joins it: 12 ASCII digits, else nothing (:func:`himozuke.mynumber.integer_expr`)."""
    return number if number is not None and len(number) == 12 and number.isascii() and number.isdigit() else None


def _person(record: Mapping[str, str | None]) -> str | None:
    return person_key(record.get(C.KANJI_NAME), record.get(C.KANA_NAME), record.get(C.BIRTH_DATE), record.get(C.SEX))


def _cross(number: str | None, valid: bool, person: str | None,
           others: list[Mapping[str, str | None]]) -> tuple[bool, str | None, str | None]:
    """(number shared, the 理由 of the number's reuse, of the person's several numbers), as the check's
    cross-record passes give them with ``others`` in the same file (:func:`himozuke.match.engine._cross_number`,
    :func:`~himozuke.match.engine.several_numbers_rows`)."""
    if not others:
        return False, None, None
    held = [(mynumber.normalize(o.get(C.MY_NUMBER)), o) for o in others]
    same = [o for n, o in held if number is not None and _twelve(n) == number]
    repeated = valid and bool(same)
    shared = repeated and shares_number([person, *(_person(o) for o in same)])
    cross = str(Reason.NUMBER_SHARED) if shared else (str(Reason.NUMBER_REPEATED) if repeated else None)
    several = None
    if valid and person is not None:
        numbers = {number} | {n for n, o in held if number_reason_of(n) is None and _person(o) == person}
        several = str(Reason.PERSON_SEVERAL_NUMBERS) if has_several_numbers(person, numbers) else None
    return shared, cross, several


def _judge(values: dict[str, str | None], e_reason: str | None, shared: bool, cross: str | None,
           several: str | None, home: str | None) -> dict[str, object]:
    """The derived columns of one pair (``values``: both sides' texts by result column), as ``check`` gives them."""
    if e_reason is None:
        row = compare_record(prepare_record(values, home))
        row.update(evidence_record(row, (S.key(C.BIRTH_DATE, "b"), S.key(C.BIRTH_DATE, "r"))))
    else:
        row = dict(values)
        row.update({C.item_verdict(i): None for i in C.ITEMS} | {S.reason(i): None for i in C.ITEMS})
    row[K.E_REASON], row[K.NUMBER_SHARED] = e_reason, shared
    row[C.VERDICT] = str(K.verdict_of(row))
    codes = [e_reason, cross, several, *(row[S.reason(i)] for i in C.ITEMS)]
    row[C.REASONS] = ";".join(c for c in codes if c is not None) or None
    row[C.PRIORITY] = K.priority_of(row)
    return row


def _values(business: Mapping[str, str | None], registry: Mapping[str, str | None] | None) -> dict[str, str | None]:
    return {**{C.business(i): business.get(i) for i in C.ITEMS},
            **{C.registry(i): None if registry is None else registry.get(i) for i in C.ITEMS}}


def verify(business: Mapping[str, object], registry: Mapping[str, object] | None, *,
           others: Iterable[Mapping[str, object]] = (), household: Iterable[Mapping[str, object]] = (),
           home_prefecture: str | None = None) -> Verification:
    """Check one business record against the registry record of its number, as ``himozuke check`` checks a row.

    ``business``, ``registry``: column → text (the data contract's names: 個人番号, 漢字氏名, カナ氏名, 生年月日, 性別,
    住所 and the optional ones; the registry may carry 照会結果 — 該当なし, 消除者, 照会エラー … make it E, as in
    check). ``registry=None``: the number is not in the registry (E). An absent key is an empty value.
    ``others``: records the business system already holds with the same number or the same 4情報, so that "one
    number used by several people" and "one person under several numbers" fire as they would in one file.
    ``household``: registry records of the other members of the 世帯 of the number's owner (each with the same
    世帯番号 as ``registry``): a warning when the form fits one of them better than the owner.
    ``home_prefecture``: the body's 都道府県 for 市区町村 names several prefectures have (府中市, 伊達市); check
    infers it from a whole registry file, which one record cannot do — pass it, or such names are 市区町村不一致.
    Bad input (an unknown key, a value that is not text) raises :class:`himozuke.errors.UsageError`.
    """
    business = _record(business, BUSINESS_KEYS, "業務側の記録")
    registry = None if registry is None else _record(registry, REGISTRY_KEYS, "住基側の記録")
    held = [_record(o, BUSINESS_KEYS, "保有する他の記録") for o in others]
    members = [_record(m, REGISTRY_KEYS, "世帯員の記録") for m in household]
    home = check_home(home_prefecture)

    given = business.get(C.MY_NUMBER)
    number = mynumber.normalize(given)
    joined = _twelve(number)
    if registry is not None and joined is not None:
        own = _twelve(mynumber.normalize(registry.get(C.MY_NUMBER)))
        if registry.get(C.MY_NUMBER) is not None and own != joined:
            raise UsageError("住基側の記録の個人番号が業務側の記録の個人番号と違います",
                             "the registry record is for another number than the business record",
                             column=C.MY_NUMBER)
    else:
        registry = None  # the check joins on 12 digits only: nothing else meets a registry record
    if registry is not None and C.INQUIRY_RESULT in registry:  # read as the check reads a registry file
        status = registry[C.INQUIRY_RESULT]
        registry = {**registry, **{i: answered_item(registry.get(i), status) for i in C.ITEMS}}
    number_reason = number_reason_of(given)
    e_reason = number_reason or registry_reason_of(None if registry is None else 1,
                                                   None if registry is None else registry.get(C.INQUIRY_RESULT))
    shared, cross, several = _cross(joined, number_reason is None, _person(business) if held else None, held)
    values = _values(business, registry)
    row = _judge(values, e_reason, shared, cross, several, home)

    warnings = []
    if number_reason == str(Reason.NUMBER_CHECK_DIGIT):
        warnings.append(_check_digit_warning(number))
    if members:
        found = _household_warning(business, registry, members, row[C.VERDICT], home)
        if found is not None:
            warnings.append(found)
    return Verification(
        number=number, verdict=row[C.VERDICT], items={i: row[C.item_verdict(i)] for i in C.ITEMS},
        reasons=row[C.REASONS], explanation=explain(row[C.REASONS]) or None, priority=row[C.PRIORITY],
        business={i: values[C.business(i)] for i in C.ITEMS}, registry={i: values[C.registry(i)] for i in C.ITEMS},
        warnings=tuple(warnings), dv=C.is_dv(business.get(C.DV_FLAG)))


def _check_digit_warning(number: str) -> Caution:
    typos, swaps = mynumber.valid_neighbours(number)
    return Caution(CHECK_DIGIT_WARNING,
                   f"個人番号の検査用数字が合いません。1桁違いで正しい番号になるものが {typos} 通り、隣り合う数字の入れ違いで"
                   f"正しい番号になるものが {swaps} 通りあります。どれが正しいかは番号からは決められないので、"
                   "推測で直さず本人・書類で確かめてください",
                   {"1桁違い": typos, "入れ違い": swaps})


def _household_warning(business: Mapping[str, str | None], registry: Mapping[str, str | None] | None,
                       members: list[Mapping[str, str | None]], verdict: str, home: str | None) -> Caution | None:
    """The form fits another member of the owner's 世帯 better than the owner (「マイナンバー情報総点検について」:
    a family member's number taken from a form that carried both)."""
    if registry is None or verdict not in _RANK:
        return None
    household_id = registry.get(C.HOUSEHOLD)
    if household_id is None or not household_id.strip():
        raise UsageError("世帯員の記録を渡すときは、住基側の記録に世帯番号が必要です",
                         "household records need the registry record's 世帯番号", column=C.HOUSEHOLD)
    own = mynumber.normalize(registry.get(C.MY_NUMBER))
    best: tuple[int, str] | None = None
    for member in members:
        if member.get(C.HOUSEHOLD) != household_id:
            raise UsageError("世帯員の記録の世帯番号が住基側の記録の世帯番号と違います",
                             "a household record has another 世帯番号 than the registry record", column=C.HOUSEHOLD)
        number = mynumber.normalize(member.get(C.MY_NUMBER))
        if number == own or member.get(C.INQUIRY_RESULT) not in (None, C.INQUIRY_FOUND):
            continue
        fit = _judge(_values(business, member), None, False, None, None, home)[C.VERDICT]
        if _RANK[fit] < _RANK[verdict] and (best is None or _RANK[fit] < best[0]):
            best = (_RANK[fit], number)
    if best is None:
        return None
    return Caution(HOUSEHOLD_WARNING,
                   f"この個人番号は同じ世帯の別の人のものの可能性があります: 申請の基本4情報は、番号の持ち主より世帯員"
                   f"（個人番号 {mynumber.mask(best[1])}）によく合います（判定 {verdict} に対し "
                   f"{'ABC'[best[0]]}）。申請書に家族の番号が並んでいなかったか確かめてください",
                   {})
