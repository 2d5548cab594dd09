"""Which records must be checked: デジタル庁「総点検マニュアル」第2.1版 §5, one table for the survey and the records.

§5(1): only records linked by an unreliable method are checked; 「自動連携された当該住民に関するデータについては点検の
対象から外し、住登外者等について個別データの点検を行っていただきたい」. §5(2) says, per kind of body, who is in scope
from two facts: whether automatic linkage with the 住基 system is installed, and whether the link was made by it.

- The body's facts decide its scope (:data:`BODY_RULES`, :func:`body_scope`) — the survey's decision
  (:mod:`himozuke.survey.decide`) reads the same table.
- A record's 取得経路 decides whether *it* was linked by the automatic linkage (:func:`record_scope`): a 住登者
  linked by hand is in scope; 住登区分 alone decides nothing. A missing or 不明 取得経路 keeps the record **in**
  scope (the cautious reading) and is counted as such.
- Footnote 5 (a number taken with the 基本4情報 confirmed from a listed document) removes a record only when the
  body says its records are clearly separable by that column (``footnote5=True``): 「これらの者が他と明確に区分
  されている場合に限る」.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from himozuke.formats.columns import DOCUMENT, ROUTE
from himozuke.formats.columns import RESIDENCE as RESIDENCE_COLUMN


class BodyType(StrEnum):
    """The survey's groups of 組織区分."""

    PREFECTURE = "都道府県"
    MUNICIPALITY = "市区町村"
    UNION = "広域連合等"
    LABOUR = "労働基準監督署"


class Scope(StrEnum):
    """Who of a body's records are in scope (§5(2))."""

    NONE = "—"  #: the survey decided 点検不要
    NOT_AUTO_PREFECTURE = "自動連携されていない者"
    NOT_AUTO_MUNICIPALITY = "自動連携されていない者（住登者・住登外者）"
    EVERYONE = "対象者全員"


#: 取得経路: how the record's number was obtained.
AUTO = "自動連携"
ROUTES = (AUTO, "本人提出", "住基照会4情報", "住基照会3情報以下", "不明")
#: 住登区分 (carried and counted, never deciding by itself).
RESIDENCE = ("住登者", "住登外者")
#: 確認書類 that footnote 5 lists: 「マイナンバー確認書類・データ（マイナンバー記載の住民票、マイナンバーカード、通知
#: カード+本人確認書類）、マイナンバー未記載の住民票、運転免許証等で確認した「氏名・生年月日・性別・住所」の全部の情報」.
FOOTNOTE5_DOCUMENTS = ("マイナンバーカード", "通知カード＋本人確認書類", "マイナンバー記載の住民票", "マイナンバー未記載の住民票",
                       "運転免許証等")
DOCUMENTS = (*FOOTNOTE5_DOCUMENTS, "なし", "不明")


@dataclass(frozen=True)
class BodyRule:
    """One row of §5(2): a body type and its two facts (None: any) → the scope."""

    body: BodyType
    installed: bool | None  #: 自動連携の有無
    used: bool | None  #: 当該機能による紐付けの実施の有無
    scope: Scope
    cite: str


#: §5(2), row by row. The first row that matches decides.
BODY_RULES: tuple[BodyRule, ...] = (
    BodyRule(BodyType.PREFECTURE, True, True, Scope.NOT_AUTO_PREFECTURE,
             "§5(2)イa「自動連携有、実施有・・・対象者のうち自動連携されていない者」"),
    BodyRule(BodyType.PREFECTURE, True, False, Scope.EVERYONE, "§5(2)イb「自動連携有、実施無・・・対象者全員」"),
    BodyRule(BodyType.PREFECTURE, False, None, Scope.EVERYONE, "§5(2)イc「自動連携無・・・対象者全員」"),
    BodyRule(BodyType.MUNICIPALITY, True, True, Scope.NOT_AUTO_MUNICIPALITY,
             "§5(2)ロa「自動連携有、実施有・・・対象者のうち自動連携されていない住登者、住登外者」"),
    BodyRule(BodyType.MUNICIPALITY, True, False, Scope.EVERYONE, "§5(2)ロb「自動連携有、実施無・・・対象者全員」"),
    BodyRule(BodyType.MUNICIPALITY, False, None, Scope.EVERYONE, "§5(2)ロc「自動連携無・・・対象者全員」"),
    BodyRule(BodyType.UNION, None, None, Scope.EVERYONE,
             "§5(2)ハ「広域連合、一部事務組合では対象者全員が個別データの点検の対象となる」"),
    BodyRule(BodyType.LABOUR, None, None, Scope.EVERYONE, "§5(2)に定めなし: 対象者全員（慎重な解釈）"),
)


def body_scope(body: BodyType | str | None, installed: bool | None, used: bool | None = None) -> tuple[Scope, str]:
    """The scope of a body from §5(2) (:data:`BODY_RULES`) and its citation.

    ``used`` None (not known: the survey asks only whether the linkage is *installed*) reads as 実施有 for the body —
    the records then say which were made by it (:func:`record_scope`), and a record that does not say stays in.
    An unknown body type or an unknown ``installed`` is 対象者全員 (the cautious reading).

    >>> body_scope("市区町村", True)[0].value, body_scope("市区町村", False)[0].value, body_scope(None, True)[0].value
    ('自動連携されていない者（住登者・住登外者）', '対象者全員', '対象者全員')
    """
    try:
        kind = BodyType(body) if body is not None else None
    except ValueError:
        kind = None
    if kind is None or (installed is None and kind in (BodyType.PREFECTURE, BodyType.MUNICIPALITY)):
        return Scope.EVERYONE, "§5(2)で決まらない（区分・自動連携の有無が不明）: 対象者全員（慎重な解釈）"
    used = True if used is None else used
    for rule in BODY_RULES:
        if rule.body is kind and rule.installed in (None, installed) and rule.used in (None, used):
            return rule.scope, rule.cite
    raise AssertionError(f"no §5(2) row for {kind} {installed} {used}")  # the table covers every case


class Reason(StrEnum):
    """Why a record is in or out of scope: one per row of the excluded list and of the summary."""

    IN_EVERYONE = "対象（対象者全員）"
    IN_NOT_AUTO = "対象（自動連携以外で取得）"
    IN_ROUTE_UNKNOWN = "対象（取得経路が不明のため慎重側）"
    IN_NON_RESIDENT = "対象（住登外者は住基から自動連携できない）"
    OUT_AUTO = "対象外（自動連携で取得）"
    OUT_FOOTNOTE5 = "対象外（確認書類で4情報を確認済み・注5）"
    OUT_NOT_NEEDED = "対象外（実態調査で点検不要と判定）"


#: Reason → (in scope, citation).
REASONS: dict[Reason, tuple[bool, str]] = {
    Reason.IN_EVERYONE: (True, "§5(2) 対象者全員"),
    Reason.IN_NOT_AUTO: (True, "§5(2)イa・ロa「自動連携されていない者」: 住登者でも手入力などで紐付けたものは対象"),
    Reason.IN_ROUTE_UNKNOWN: (True, "取得経路が空欄・不明: 自動連携と確かめられないので対象（慎重な解釈）"),
    Reason.IN_NON_RESIDENT: (True, "§5(2)ロa「…住登外者」: 住登外者の記録が自動連携とあるのは矛盾するので対象（慎重な解釈）"),
    Reason.OUT_AUTO: (False, "§5(1)「自動連携された当該住民に関するデータについては点検の対象から外し」"),
    Reason.OUT_NOT_NEEDED: (False, "§3(1): 実態調査の回答から個別データの点検を要しない（himozuke survey decide）"),
    Reason.OUT_FOOTNOTE5: (False, "§5(1) 注5「…「氏名・生年月日・性別・住所」の全部の情報などで本人情報を確認している"
                                  "ことに加え、これらの者が他と明確に区分されている場合に限る」"),
}


def record_scope(scope: Scope, route: str | None, document: str | None = None, residence: str | None = None, *,
                 footnote5: bool = False) -> Reason:
    """Whether one record is in scope under its body's ``scope``, from its 取得経路 and 確認書類; 住登区分 only
    keeps a 住登外者 in (the 住基 system cannot have linked one), it never takes a 住登者 out.

    >>> s = Scope.NOT_AUTO_MUNICIPALITY
    >>> record_scope(s, "自動連携"), record_scope(s, "本人提出"), record_scope(s, None), record_scope(s, "不明")
    (<Reason.OUT_AUTO: '対象外（自動連携で取得）'>, <Reason.IN_NOT_AUTO: '対象（自動連携以外で取得）'>, \
<Reason.IN_ROUTE_UNKNOWN: '対象（取得経路が不明のため慎重側）'>, <Reason.IN_ROUTE_UNKNOWN: '対象（取得経路が不明のため慎重側）'>)
    >>> record_scope(Scope.EVERYONE, "自動連携"), record_scope(Scope.EVERYONE, "本人提出", "マイナンバーカード", footnote5=True)
    (<Reason.IN_EVERYONE: '対象（対象者全員）'>, <Reason.OUT_FOOTNOTE5: '対象外（確認書類で4情報を確認済み・注5）'>)
    """
    route = (route or "").strip() or None
    document = (document or "").strip() or None
    if scope is Scope.NONE:
        return Reason.OUT_NOT_NEEDED
    if footnote5 and document in FOOTNOTE5_DOCUMENTS:
        return Reason.OUT_FOOTNOTE5
    if scope in (Scope.NOT_AUTO_PREFECTURE, Scope.NOT_AUTO_MUNICIPALITY):
        if route == AUTO:
            return Reason.IN_NON_RESIDENT if (residence or "").strip() == "住登外者" else Reason.OUT_AUTO
        return Reason.IN_ROUTE_UNKNOWN if route in (None, "不明") or route not in ROUTES else Reason.IN_NOT_AUTO
    return Reason.IN_EVERYONE


# ---- a whole extract -----------------------------------------------------------------------------------------------



def record_scope_expr(scope: Scope, route, document, residence, *, footnote5: bool = False):
    """Vectorised :func:`record_scope` (a String expression of the :class:`Reason`)."""
    import polars as pl

    route = route.str.strip_chars()
    document = document.str.strip_chars()
    if scope in (Scope.NOT_AUTO_PREFECTURE, Scope.NOT_AUTO_MUNICIPALITY):
        by_route = (pl.when((route == AUTO) & (residence.str.strip_chars() == "住登外者").fill_null(False))
                    .then(pl.lit(Reason.IN_NON_RESIDENT.value))
                    .when(route == AUTO).then(pl.lit(Reason.OUT_AUTO.value))
                    .when(route.is_in(list(ROUTES)) & (route != "不明")).then(pl.lit(Reason.IN_NOT_AUTO.value))
                    .otherwise(pl.lit(Reason.IN_ROUTE_UNKNOWN.value)))
    else:  # one value, as long as the column (a bare literal would be one row in a select)
        value = (Reason.OUT_NOT_NEEDED if scope is Scope.NONE else Reason.IN_EVERYONE).value
        by_route = pl.when(route.is_null()).then(pl.lit(value)).otherwise(pl.lit(value))
    if not footnote5 or scope is Scope.NONE:
        return by_route
    return pl.when(document.is_in(list(FOOTNOTE5_DOCUMENTS)).fill_null(False)).then(
        pl.lit(Reason.OUT_FOOTNOTE5.value)).otherwise(by_route)


@dataclass
class ScopeResult:
    """What :func:`run_scope` decided and wrote (no personal data: counts and the body's facts)."""

    body_type: str | None
    installed: bool | None
    used: bool | None
    footnote5: bool
    scope: str
    cite: str
    facts_from: str  #: where the body's facts came from (options or the survey answer sheet)
    counts: dict[str, int]  #: per :class:`Reason`, every reason listed (zero included)
    in_scope: int
    excluded: int
    unreadable: int  #: lines the reader could not read: neither in nor out, listed in 読めない行.csv
    files: list[str]
    in_scope_sha256: str = ""  #: of 対象.csv: ``check --scope`` refuses a folder that is not for the file it checks


IN_FILE, OUT_FILE, REJECT_FILE, SUMMARY_FILE = "対象.csv", "対象外.csv", "読めない行.csv", "scope.json"


@dataclass(frozen=True)
class SurveyFacts:
    """A body's facts as its survey answer sheet gives them (asked once: ``scope`` reads them from there)."""

    body_type: str | None  #: the 組織区分 group
    installed: bool | None  #: Q1-1 (Q1-2 for a 都道府県): ① 有, ② 無, else not known
    not_needed: bool  #: the survey's decision is 点検不要 (§3(1)): no record of this 制度 must be checked
    description: str


def facts_from_survey(path) -> SurveyFacts:
    """Read one answer sheet (any producer :func:`himozuke.survey.collect.read_sheet` reads) and decide it."""
    from pathlib import Path

    from himozuke.survey import spec
    from himozuke.survey.collect import read_sheet
    from himozuke.survey.decide import Need, decide
    from himozuke.survey.validate import ERROR, validate

    path = Path(path)
    variant, row, _reader = read_sheet(path)
    kubun = (row.get("組織区分") or "").strip()
    group = spec.variant("generic").group_of(kubun)
    mark = spec.choice_mark(row.get("1-2" if group == "都道府県" else "1-1", "")) or ""
    # decided as the collector decides it: a sheet with errors is never 点検不要
    decision = decide(row, has_errors=any(p.level == ERROR for p in validate(variant, row)))
    installed = {"①": True, "②": False}.get(mark)
    return SurveyFacts(group, installed, decision.need is Need.不要,
                       f"調査票 {path.name}（組織区分 {kubun or '未記入'}、自動連携 {mark or '未回答'}、判定 {decision.need.value}）")


def run_scope(extract, out, *, body_type: str | None, installed: bool | None, used: bool | None = None,
              footnote5: bool = False, facts_from: str = "オプション / options", profile=None,
              encoding: str | None = None, not_needed: bool = False) -> ScopeResult:
    """Split ``extract`` (a business extract in any layout the check reads) into the records to check
    (``対象.csv``, UTF-8 with BOM, the columns as read) and the excluded ones (``対象外.csv``: 行番号, masked
    number, 取得経路 / 住登区分 / 確認書類, 理由, 根拠), with ``scope.json`` counting every reason. Every line ends in
    exactly one of the two files or in ``読めない行.csv``."""
    import json
    from pathlib import Path

    import polars as pl

    from himozuke import mynumber
    from himozuke.atomic import atomic_path
    from himozuke.formats import columns as C
    from himozuke.formats.records import open_records
    from himozuke.formats.tabular import REJECT_REASON
    from himozuke.identity import sha256_of

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    scope, cite = (Scope.NONE, REASONS[Reason.OUT_NOT_NEEDED][1]) if not_needed else body_scope(body_type, installed,
                                                                                                 used)
    with open_records(extract, role="business", profile=profile, encoding=encoding, whole=True) as records:
        rows, rejects = pl.collect_all([records.rows, records.rejects])
    blank = pl.lit(None, dtype=pl.String)
    column = {c: pl.col(c) if c in rows.columns else blank for c in (ROUTE, RESIDENCE_COLUMN, DOCUMENT)}
    decided = rows.with_columns(record_scope_expr(scope, column[ROUTE], column[DOCUMENT], column[RESIDENCE_COLUMN],
                                                  footnote5=footnote5).alias("_scope_reason"))
    inside = decided.get_column("_scope_reason").is_in([r.value for r, (keep, _) in REASONS.items() if keep])
    kept, dropped = decided.filter(inside), decided.filter(~inside)
    with atomic_path(out / IN_FILE) as tmp:
        # the original line goes along (元の行番号), so a result row can be traced back to the extract
        kept.select(pl.all().exclude(C.ROW, "_scope_reason", C.SOURCE_ROW),
                    pl.col(C.SOURCE_ROW) if C.SOURCE_ROW in kept.columns else pl.col(C.ROW).cast(pl.String)
                    .alias(C.SOURCE_ROW)).write_csv(tmp, include_bom=True)
    cites = {r.value: c for r, (_, c) in REASONS.items()}
    listed = dropped.select(
        C.ROW, mynumber.mask_expr(pl.col(C.MY_NUMBER)).alias(C.MY_NUMBER),
        *(column[c].alias(c) for c in (ROUTE, RESIDENCE_COLUMN, DOCUMENT)),
        pl.col("_scope_reason").alias("理由"), pl.col("_scope_reason").replace_strict(cites).alias("根拠"))
    with atomic_path(out / OUT_FILE) as tmp:
        listed.write_csv(tmp, include_bom=True)
    files = [IN_FILE, OUT_FILE]
    if rejects.height:
        with atomic_path(out / REJECT_FILE) as tmp:
            rejects.select(C.ROW, REJECT_REASON).write_csv(tmp, include_bom=True)
        files.append(REJECT_FILE)
    got = dict(decided.group_by("_scope_reason").len().iter_rows())
    result = ScopeResult(body_type, installed, used, footnote5, scope.value, cite, facts_from,
                         {r.value: int(got.get(r.value, 0)) for r in Reason}, kept.height, dropped.height,
                         rejects.height, [*files, SUMMARY_FILE], sha256_of(out / IN_FILE))
    with atomic_path(out / SUMMARY_FILE) as tmp:
        tmp.write_text(json.dumps(result.__dict__, ensure_ascii=False, indent=2), encoding="utf-8")
    return result


def read_summary(folder) -> dict:
    """``scope.json`` of a :func:`run_scope` folder (for ``check --scope``)."""
    import json
    from pathlib import Path

    from himozuke.errors import InputFileError

    path = Path(folder) / SUMMARY_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InputFileError("点検範囲の集計（scope.json）を読めません。himozuke scope の出力フォルダを指定してください",
                             "cannot read scope.json: give the folder himozuke scope wrote", file=str(path)) from None
