"""Checks on one returned sheet (「中国残留邦人等支援給付関係事務におけるマイナンバー情報連携に係る実態調査について
（依頼）」2 作業方法 ※1: 「市区町村名に空白がないか、回答必須の項目なのに選択がないか」).

Every problem is a :class:`Problem` line a collector can send back; nothing raises. Level
``エラー`` must be fixed before the 一覧表 is sent on; ``確認`` is a reminder (課長級以上).

>>> from himozuke.survey.spec import variant
>>> [p.message for p in check_org_name(variant("nanbyo"), "指定都市", "14神奈川県 相模原市")]
['組織名に空白があります（空白を入れず入力）']
>>> check_org_name(variant("nanbyo"), "指定都市", "14神奈川県相模原市")
[]
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from himozuke.survey import spec
from himozuke.survey.spec import MARK, Row, Variant, choice_mark

ERROR = "エラー"
REMINDER = "確認"


@dataclass(frozen=True)
class Problem:
    """One line of the error list: which cell (一覧表 column) and what to fix."""

    column: str
    message: str
    level: str = ERROR


_SPACE = re.compile(r"\s")
_TOWN_WITH_GUN = re.compile(r"郡.+[町村]$")
_PHONE = re.compile(r"^0[0-9]{1,4}-?[0-9]{1,4}-?[0-9]{3,4}(?:[（(]?内線[0-9]{1,6}[）)]?)?$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+$")
_YEAR_MONTH = re.compile(r"^(?:(?:令和|R)\s*(?:\d{1,2}|元)|20\d{2})\s*[年./-]\s*\d{1,2}\s*月?$")
_BELOW_KACHO = ("補佐", "係長", "主任", "主査", "主事", "担当", "係員", "事務員")
_KACHO_DEPUTY = ("課長代理", "副課長")
"""Titles that may or may not be 課長級 (別添3 回答責任者役職: 「課長級以上の役職の方が回答責任者」): accepted, as 確認."""
_EMPTY_TEXT = {"-", "ー", "―", "なし", "特になし", "無し", "未定"}
_MARKS = {"〇", "○", "◯"}


def check_org_name(v: Variant, kubun: str, name: str) -> list[Problem]:
    """組織名 (別添3 調査票様式): 都道府県コード2桁＋都道府県名＋市区町村名, no spaces, no 郡 (例：14神奈川県相模原市);
    labour offices 局番号2桁＋署番号2桁＋署名.

    >>> from himozuke.survey.spec import variant
    >>> [p.message for p in check_org_name(variant("yobou"), "市区町村", "13神奈川県相模原市")]
    ['組織名の都道府県コード13は東京都です（神奈川県は14）']
    >>> [p.message for p in check_org_name(variant("yobou"), "市区町村", "01北海道虻田郡倶知安町")]
    ['組織名に郡名があります（郡名は省略）']
    >>> check_org_name(variant("yobou"), "市区町村", "07福島県郡山市")
    []
    >>> check_org_name(variant("rousai"), "労働基準監督署", "1301中央労働基準監督署")
    []
    """
    col = "組織名"
    if _SPACE.search(name):
        return [Problem(col, "組織名に空白があります（空白を入れず入力）")]
    if re.match(r"^[０-９]", name):
        return [Problem(col, "組織名のコードは半角数字で入力してください")]
    prefs = spec.prefectures()
    group = v.group_of(kubun)
    if group == "労働基準監督署":
        m = re.fullmatch(r"([0-9]{2})([0-9]{2})([^0-9].*)", name)
        if not m:
            return [Problem(col, "組織名は局番号2桁＋署番号2桁＋署名で入力してください（例：1301中央労働基準監督署）")]
        if not 1 <= int(m[1]) <= len(prefs):
            return [Problem(col, f"局番号{m[1]}は01～47ではありません")]
        return []
    m = re.fullmatch(r"([0-9]{2})(.*)", name)
    if not m:
        return [Problem(col, "組織名は都道府県コード2桁から始めてください（例：14神奈川県相模原市）")]
    code, rest = int(m[1]), m[2]
    if not 1 <= code <= len(prefs):
        return [Problem(col, f"都道府県コード{m[1]}は01～47ではありません")]
    pref = prefs[code - 1]
    if not rest.startswith(pref):
        named = next((i + 1 for i, p in enumerate(prefs) if rest.startswith(p)), None)
        hint = f"（{prefs[named - 1]}は{named:02d}）" if named else f"（{m[1]}の後に「{pref}」を入力）"
        return [Problem(col, f"組織名の都道府県コード{m[1]}は{pref}です{hint}")]
    body = rest[len(pref):]
    if group == "都道府県":
        return [] if body == "" else [Problem(col, "都道府県は「コード＋都道府県名」のみ入力してください")]
    if not body:
        return [Problem(col, "都道府県名の後に市区町村名（団体名）を入力してください")]
    if group == "市区町村" and _TOWN_WITH_GUN.search(body):
        return [Problem(col, "組織名に郡名があります（郡名は省略）")]
    if group == "市区町村" and not body.endswith(("市", "区", "町", "村")):
        return [Problem(col, "市区町村名は市・区・町・村で終わる名称を入力してください")]
    return []


def check_contact(row: Row) -> list[Problem]:
    """電話番号 (例 03-5253-1111、内線可) and メールアドレス (半角) formats; 課長級以上 reminder.

    別添3: 「課長級以上の役職の方が回答責任者となり」. A title below it (補佐, 係長 …) and one that may or may
    not be 課長級 (課長代理, 副課長) are accepted with a 確認 that says why; neither is an error.

    >>> [p.column for p in check_contact({"電話番号": "03-5253-1111（内線2298）", "メールアドレス": "a@b.lg.jp",
    ...                                    "回答責任者役職": "課長補佐"})]
    ['回答責任者役職']
    >>> [p.message for p in check_contact({"回答責任者役職": "副課長"})]  # doctest: +ELLIPSIS
    ['回答責任者役職「副課長」は課長級に当たらない場合があります...']
    """
    out: list[Problem] = []
    phone = unicodedata.normalize("NFKC", row.get("電話番号", "")).replace("ー", "-").replace("−", "-")
    digits = sum(ch.isdigit() for ch in phone.split("内線")[0])
    if phone and (not _PHONE.fullmatch(phone.replace(" ", "")) or digits not in (10, 11)):
        out.append(Problem("電話番号", "電話番号の形式が正しくありません（例：03-5253-1111）"))
    mail = row.get("メールアドレス", "")
    if mail and not _EMAIL.fullmatch(mail):
        out.append(Problem("メールアドレス", "メールアドレスの形式が正しくありません（半角で入力）"))
    title = row.get("回答責任者役職", "")
    deputy = next((w for w in _KACHO_DEPUTY if w in title), None)
    if deputy:
        out.append(Problem("回答責任者役職", f"回答責任者役職「{deputy}」は課長級に当たらない場合があります"
                           "（別添3「課長級以上の役職の方が回答責任者となり」）: 課長級であることを確認してください",
                           REMINDER))
    elif title and any(w in title for w in _BELOW_KACHO):
        out.append(Problem("回答責任者役職", "回答責任者は課長級以上の役職の方としてください"
                           "（別添3「課長級以上の役職の方が回答責任者となり」）", REMINDER))
    return out


def respondent_missing(v: Variant, row: Row) -> list[str]:
    """Required 回答者情報 left blank — what the 情報未入力あり/情報入力完了 cell shows."""
    return [f.key for f in v.respondent if f.required and not row.get(f.key, "").strip()]


def answer_flags(v: Variant, row: Row) -> dict[str, str]:
    """Per question: ``未回答`` (shown, blank) or ``回答不要`` (skipped, filled) — the sheet's チェック column.

    A cell 別添4 has no column for (Q10's 概要) is not flagged when the row does not carry it at all (a row
    read from an 一覧用 / 一覧表): :func:`validate` reminds that it goes separately.
    """
    shown = spec.visibility(v, row)
    flags: dict[str, str] = {}
    for q in v.questions:
        if q.kind == "mark" or (not q.in_table and q.column not in row):
            continue
        cols = [o.column for o in v.questions if o.parent == q.id and o.kind == "mark"] or [q.column]
        filled = any(row.get(c, "").strip() for c in cols)
        if shown[q.id] and not filled:
            flags[q.id] = "未回答"
        elif not shown[q.id] and filled:
            flags[q.id] = "回答不要"
    return flags


def status(v: Variant, row: Row) -> tuple[str, str]:
    """(エラーチェック1, エラーチェック2) exactly as the sheet's formulas compute them."""
    info = spec.INFO_INCOMPLETE if respondent_missing(v, row) else spec.INFO_COMPLETE
    answers = spec.ANSWERS_INCOMPLETE if answer_flags(v, row) else spec.ANSWERS_COMPLETE
    return info, answers


def _answer_problems(v: Variant, row: Row) -> list[Problem]:
    out: list[Problem] = []
    for qid, flag in answer_flags(v, row).items():
        q = v.question(qid)
        if flag == "未回答":
            what = "記載" if q.kind in ("記述", "年月") else ("「〇」" if q.kind == "multi" else "回答")
            out.append(Problem(qid, f"Q{qid.split(' ')[0]}の{what}がありません"))
        else:
            out.append(Problem(qid, f"Q{qid.split(' ')[0]}は前の回答により回答不要です（削除してください）"))
    for q in v.questions:
        value = row.get(q.column, "").strip()
        if not value:
            continue
        if q.kind == "choice" and choice_mark(value) not in {c[0] for c in q.choices}:
            out.append(Problem(q.column, f"Q{q.id}の回答「{value[:20]}」はリストにありません"))
        elif q.kind == "mark" and value not in _MARKS:
            out.append(Problem(q.column, f"Q{q.parent}の該当欄には「{MARK}」を入れてください"))
        elif q.kind == "年月" and not _YEAR_MONTH.fullmatch(unicodedata.normalize("NFKC", value)):
            out.append(Problem(q.column, "予定年月は「2023年10月」の形で記載してください"))
        elif q.kind == "記述" and value in _EMPTY_TEXT:
            out.append(Problem(q.column, f"Q{q.parent}の記載「{value}」では内容が分かりません"))
    return out


def validate(v: Variant, row: Row) -> list[Problem]:
    """Every problem of one sheet, in sheet order: 回答者情報, then answers.

    >>> from himozuke.survey.spec import variant
    >>> v = variant("rousai")
    >>> [p.message for p in validate(v, {"制度等": v.seido, "組織区分": "労働基準監督署"})][:2]
    ['「組織名」が未入力です', '「担当部署名」が未入力です']
    """
    out = [Problem(k, f"「{k}」が未入力です") for k in respondent_missing(v, row)]
    seido, kubun = row.get("制度等", "").strip(), row.get("組織区分", "").strip()
    if v.seido and seido and not spec.same_label(seido, v.seido):
        out.append(Problem("制度等", f"制度等「{seido}」はこの調査票（{v.seido}）と異なります"))
    if kubun and kubun not in v.kubun:
        out.append(Problem("組織区分", f"組織区分「{kubun}」はこの制度では選べません（{'・'.join(v.kubun)}）"))
    zokusei = row.get("属性", "").strip()
    if v.zokusei_choices and zokusei:
        known = {unicodedata.normalize("NFKC", c).replace(" ", "") for c in v.zokusei_choices}
        for part in re.split(r"[、，,]", zokusei):
            if unicodedata.normalize("NFKC", part).replace(" ", "") not in known:
                out.append(Problem("属性", f"属性「{part.strip()}」は属性分類にありません"))
    if row.get("組織名", "").strip() and kubun in v.kubun:
        out += check_org_name(v, kubun, row["組織名"].strip())
    out += check_contact(row)
    shown = spec.visibility(v, row)
    absent = [q for q in v.questions if not q.in_table and q.column not in row and shown[q.id]]
    out += [Problem(q.column, f"Q{q.parent}の{q.text.split('、')[-1].removesuffix('を記載してください。')}は"
                    "一覧表に欄がありません: 別途提出されているか確認してください（調査要領 2.(4)）", REMINDER)
            for q in absent]
    return out + _answer_problems(v, row)
