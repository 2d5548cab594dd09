"""The questionnaire (調査項目) as data, loaded from ``questionnaire.yaml``.

Sources: 厚生労働省「労災保険におけるマイナンバー取得に係る事務処理の実態調査について」（基保発0707第4号）
別添1 調査項目・別添3 調査票様式・別添4 一覧表, 「健康行政におけるマイナンバー情報連携に係る実態調査について
（依頼）」別添1・別添2, 「中国残留邦人等支援給付関係事務におけるマイナンバー情報連携に係る実態調査について
（依頼）」別紙調査票.

One sheet's answers travel as a :data:`Row`: a ``dict`` keyed by himozuke's column keys
(:meth:`Variant.columns` in 別添4 order, plus :meth:`Variant.extras`), values as typed in the sheet (``""``
when blank). The 一覧表 shows 別添4's own headers (:meth:`Variant.headers`). The form writer, the validator,
the collector and the decision all read this module; none restates a question.

>>> v = variant("rousai")
>>> v.seido, v.kubun
('雇用保険・労災（労災補償）', ('労働基準監督署',))
>>> v.columns()[:4]
('エラーチェック1', 'エラーチェック2', '制度等', '組織区分')
>>> [q.id for q in v.questions][-4:]
['8-2', '9', '10', '10 記載']
>>> v.headers()[12:16], v.extras()
(('1-1', '1-2', '2', '-'), ('10 記載',))
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import yaml

from himozuke.errors import UsageError

Row = dict[str, str]
"""One sheet's values keyed by 一覧表 column name; blank cells are ``""``."""

ERROR_CHECK_1 = "エラーチェック1"
ERROR_CHECK_2 = "エラーチェック2"
INFO_INCOMPLETE = "情報未入力あり"
INFO_COMPLETE = "情報入力完了"
ANSWERS_INCOMPLETE = "未回答あり"
ANSWERS_COMPLETE = "回答完了"
MARK = "〇"
"""What a respondent puts in a 「該当箇所全てに〇」 cell (Q6, Q7-4)."""


@dataclass(frozen=True)
class Question:
    """One answer cell: a single choice, one option of a multi-choice, or a free-text / 年月 cell.

    ``kind`` is ``choice``, ``mark`` (one 〇 option of a multi question), ``記述`` or ``年月``.
    ``shown_by`` is an OR of (question id, choice mark) pairs; ``kubun`` limits it to 組織区分 groups.
    ``parent`` is the question a ``mark`` / text cell belongs to; ``when`` the marks that require it.
    ``in_table``: 別添4 has a column for it (not so for Q10's 概要, which 調査要領 2.(4) has sent separately).
    ``note``: the text the documents print after the question (shown as a row after it on the form).
    """

    id: str
    text: str
    kind: str = "choice"
    choices: tuple[str, ...] = ()
    shown_by: tuple[tuple[str, str], ...] = ()
    kubun: tuple[str, ...] = ()
    parent: str | None = None
    when: tuple[str, ...] = ()
    in_table: bool = True
    note: str = ""

    @property
    def column(self) -> str:
        """himozuke's column key (``"7-4①"``, ``"8-1 記載"``)."""
        return self.id

    @property
    def header(self) -> str:
        """The 一覧表 header as 別添4 prints it: the 項番, the option text of a 〇 cell, 「-」 for a text cell.

        >>> variant("nanbyo").question("7-4①").header, variant("nanbyo").question("8-1 記載").header
        ('①漢字氏名', '-')
        """
        if self.kind == "mark":
            return self.text
        return "-" if self.kind in ("記述", "年月") else self.id


@dataclass(frozen=True)
class Field:
    """A respondent-information cell (回答者情報)."""

    key: str
    note: str
    required: bool


@dataclass(frozen=True)
class Variant:
    """The sheet for one 制度 (労災 別添3, 健康行政 別添1/2, 中国残留邦人等 別紙調査票; 障害者手帳 ours)."""

    key: str
    seido: str
    kubun: tuple[str, ...]
    zokusei: str
    zokusei_choices: tuple[str, ...]
    prefilled: dict[str, str]
    collector: str
    questions: tuple[Question, ...]
    respondent: tuple[Field, ...]
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def columns(self) -> tuple[str, ...]:
        """The 一覧用 / 一覧表 columns (別添4 order): two error checks, 回答者情報, then every answer cell."""
        return (ERROR_CHECK_1, ERROR_CHECK_2, *(f.key for f in self.respondent),
                *(q.column for q in self.questions if q.kind != "multi" and q.in_table))

    def headers(self) -> tuple[str, ...]:
        """別添4's headers for :meth:`columns`, position by position."""
        names = {q.column: q.header for q in self.questions}
        return tuple(names.get(c, c) for c in self.columns())

    def extras(self) -> tuple[str, ...]:
        """Answer cells of the form that 別添4 has no column for (``10 記載``)."""
        return tuple(q.column for q in self.questions if not q.in_table)

    def question(self, qid: str) -> Question:
        """The question with this id (``KeyError`` if none)."""
        return next(q for q in self.questions if q.id == qid)

    def group_of(self, kubun: str) -> str | None:
        """The 組織区分 group (都道府県 / 市区町村 / 広域連合等 / 労働基準監督署) of a 組織区分 value."""
        return next((g for g, members in self.groups.items() if kubun in members), None)


def same_label(a: str, b: str) -> bool:
    """Whether two 制度等 / header labels are the same up to width, spaces and the middle dot.

    The 中国残留邦人等 調査票 prints 「福祉·介護(中国残留邦人支援)」 (U+00B7, half-width brackets).

    >>> same_label("福祉·介護(中国残留邦人支援)", "福祉・介護（中国残留邦人支援）"), same_label("１－１", "1-1")
    (True, True)
    """
    return normalize_label(a) == normalize_label(b)


def normalize_label(text: str) -> str:
    """NFKC, no whitespace, one middle dot and one hyphen (for comparing labels, never for display)."""
    t = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s", "", t).replace("·", "・").replace("･", "・").translate(_DASHES)


_DASHES = str.maketrans({"‐": "-", "‑": "-", "–": "-", "—": "-", "―": "-", "−": "-"})


def choice_mark(value: str) -> str:
    """The circled number a choice starts with (the dropdown text may be edited after it).

    >>> choice_mark("② 求めていない。（Q6へ）"), choice_mark(""), choice_mark("はい")
    ('②', '', '')
    """
    v = value.strip()
    return v[0] if v and "①" <= v[0] <= "⑳" else ""


def visibility(v: Variant, row: Row) -> dict[str, bool]:
    """Skip logic (別添1 調査項目 「（Q6へ）」「【Q7-2において①と回答した場合】」…): which cells must be answered.

    A condition only counts when the question it names is itself shown, so an answer the skip
    logic forbids never opens further questions.

    >>> v = variant("nanbyo")
    >>> shown = visibility(v, {"組織区分": "都道府県", "3": "②求めていない。（Q6へ）"})
    >>> shown["1-1"], shown["1-2"], shown["4"], shown["6①"], shown["7-3"]
    (False, True, False, True, False)
    """
    shown: dict[str, bool] = {}
    group = v.group_of(row.get("組織区分", "").strip())
    for q in v.questions:
        if q.parent is not None:
            parent = v.question(q.parent)
            ok = shown[q.parent] and (not q.when or choice_mark(row.get(parent.column, "")) in q.when)
        elif q.kubun:
            ok = group in q.kubun
        elif q.shown_by:
            ok = any(shown[p] and choice_mark(row.get(v.question(p).column, "")) == m for p, m in q.shown_by)
        else:
            ok = True
        shown[q.id] = ok
    return shown


def _questions(raw: list[dict], key: str) -> list[Question]:
    out: list[Question] = []
    for r in raw:
        shown_by = tuple(tuple(s.split("=")) for s in r.get("show_if", ()))
        kind = "multi" if r.get("multi") else "choice"
        note = r.get("note", "") if key in r.get("note_for", (key,)) else ""
        out.append(Question(r["id"], r["text"], kind, tuple(r["choices"]), shown_by, tuple(r.get("kubun", ())),
                            note="" if "extra" in r else note))
        if kind == "multi":
            out.extend(Question(f"{r['id']}{c[0]}", c, "mark", (MARK,), parent=r["id"]) for c in r["choices"])
        if "extra" in r:
            e = r["extra"]
            out.append(Question(f"{r['id']} 記載", e["label"], e["kind"], parent=r["id"], when=tuple(e["when"]),
                                in_table=e.get("in_table", True), note=note))
    return out


@cache
def _raw() -> dict:
    return yaml.safe_load(resources.files("himozuke.survey").joinpath("questionnaire.yaml").read_text("utf-8"))


@cache
def prefectures() -> tuple[str, ...]:
    """都道府県 in JIS X 0401 order: ``prefectures()[code - 1]``.

    >>> prefectures()[13]
    '神奈川県'
    """
    return tuple(_raw()["prefectures"])


def guidance() -> str:
    """The note at the head of 調査項目への回答 (デジタル庁「…実態調査について（共有）」: より慎重な選択肢を選択)."""
    return _raw()["guidance"]


def direct_submitters() -> tuple[str, ...]:
    """組織区分 that submit to the ministry directly, not through the prefecture (指定都市, 中核市)."""
    return tuple(_raw()["direct_submitters"])


def title() -> str:
    """The sheet title (別添3 heading)."""
    return _raw()["title"]


def spec_version() -> str:
    """Version of the questionnaire (date of the 2023 調査依頼)."""
    return _raw()["version"]


def variant_keys() -> tuple[str, ...]:
    """Keys accepted by ``--制度`` (besides the 制度等 labels themselves)."""
    return tuple(_raw()["variants"])


def variant_for(seido: str, *, kenshin: bool = False) -> Variant:
    """The variant of a row read from an 一覧用 / 一覧表: by its 制度等 label, ``generic`` if none fits;
    ``kenshin`` when the row carries the 自治体検診 questions a–d.

    >>> variant_for("福祉·介護(中国残留邦人支援)").key, variant_for("障害者手帳").key, variant_for("", kenshin=True).key
    ('zanryu', 'generic', 'kenshin')
    """
    if kenshin:
        return variant("kenshin")
    key = next((k for k in variant_keys() if variant(k).seido and same_label(variant(k).seido, seido)), "generic")
    return variant(key)


@cache
def variant(name: str) -> Variant:
    """The variant by key (``rousai``) or 制度等 label (``雇用保険・労災（労災補償）``).

    >>> variant("健康・医療（自治体検診）").key
    'kenshin'
    """
    raw = _raw()
    variants = raw["variants"]
    key = name if name in variants else next((k for k, d in variants.items() if d["seido"] == name and name), None)
    if key is None:
        choices = "、".join(f"{k}（{d['seido'] or '制度等を入力'}）" for k, d in variants.items())
        raise UsageError(f"制度「{name}」はありません。次から選んでください: {choices}",
                         f"unknown survey variant {name!r}; choose one of {', '.join(variants)}")
    d = variants[key]
    qs = _questions(raw["questions"], key) + (_questions(raw["kenshin_questions"], key) if d.get("kenshin") else [])
    respondent = tuple(Field(f["key"], f["note"], f["required"]) for f in raw["respondent"])
    groups = {g: tuple(m) for g, m in raw["kubun_groups"].items()}
    return Variant(key, d["seido"], tuple(d["kubun"]), d.get("zokusei", ""), tuple(d.get("zokusei_choices", ())),
                   dict(d.get("prefilled", {})), d.get("collector", "都道府県"), tuple(qs), respondent, groups)
