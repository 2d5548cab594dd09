"""What a business system holds for the people of a synthetic register, with an exact answer key.

``business_copy(pop)`` returns one row per person of :func:`~himozuke.testing.population.generate_population`
— 個人番号 + 基本4情報 (生年月日 and 性別 as text, as an extract has them), in shuffled order — with two answer
columns: ``仕込み`` (what was planted: ``""`` untouched, else labels joined by ``+``, the substantive kind
first) and ``期待判定`` (the class manual §7(6) gives that row). Every row gets at most one substantive kind
(B, C or E) and, independently, at most one notation-only variant (still A); rates are shares of all rows,
capped by how many rows a kind can apply to (異体字 needs a variant glyph, 郡省略 a 郡 town …).

Why each kind gets its class (manual §7(6)):

- notation only → A: 住所 注11・注12 (町字の前方２文字 and numbers), 漢字氏名 (外字 left out, 異体字 equal),
  カナ氏名 注13 (清音処理), and the reading of 生年月日・性別 notations;
- 漢字氏名誤字 (a plain character, never a variant or a 外字 position), 町字違い (another 町字 of the same
  市区町村 whose first two characters differ, also with 大字/字 left out), 番地違い → B: 性別・生年月日・カナ
  match, 市区町村 matches;
- 生年月日誤り, 性別誤り, カナ未収集 (null), 性別未収集 (null), 婚姻改姓未届 (surname kanji and kana, the
  reading differs even after 清音処理) → C: 性別 or 生年月日 or カナ differs; 転出未届 → C: the three match but
  the 市区町村 differs;
- 家族の番号 (two members of a household, different 生年月日), 双子取違え (same 生年月日, given-name readings
  differ), 同姓同名の番号 (same 漢字氏名, different 生年月日) → C. These are planted as *swaps* of two rows'
  個人番号, so numbers stay unique; a cross-record check (番号の入れ替わり) sees both rows of a pair;
- 番号誤入力 (check digit fails), 番号該当なし (valid, not in the register), 消除者 → E. Every 消除者 of the
  register is carried (their share is the population's ``deleted_rate``).

Edge cases the rules treat specially, each at a small rate so that a property test meets them:

- 生年月日読めず (「S6x.13.01」, 「不詳」 …), 性別コード不明 (「9」, 「0」, 「X」, 「不明」) → C: an unreadable value is
  never evidence of a match (DESIGN: invariants), so 生年月日 or 性別 does not match;
- 市区町村不明 (the address names a 市区町村 no table knows) → C: the 市区町村 cannot be shown to match;
- 同名市区町村: a resident of 府中市 in 広島県 whose address leaves its 都道府県 out → C: 府中市 is also 東京都's,
  and the body's prefecture (the one most registry addresses give: 東京都) reads it as that one — or, with none
  given, it stays ambiguous. The notation kind 都道府県省略 is never planted on a 市区町村 name two prefectures
  have (its class would depend on the home prefecture);
- 住基空欄 (the register holds an item blank, :data:`~himozuke.testing.population.REGISTRY_BLANK`) → C: a blank is
  no match; 照会エラー (J-LIS answers the inquiry with an error) → E. Both carried for every such resident, like
  消除者; 該当なし is 番号該当なし.

>>> from himozuke.testing.population import generate_population
>>> biz = business_copy(generate_population(2000, seed=5), seed=5)
>>> biz.columns
['個人番号', '漢字氏名', 'カナ氏名', '生年月日', '性別', '住所', '仕込み', '期待判定']
>>> sorted(biz["期待判定"].unique())
['A', 'B', 'C', 'E']
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, fields

import numpy as np
import polars as pl

from himozuke.formats.columns import ADDRESS, BIRTH_DATE, KANA_NAME, KANJI_NAME, MY_NUMBER, SEX, STANDARD
from himozuke.match.classify import Verdict
from himozuke.testing import _names
from himozuke.testing.population import (
    DELETED,
    FEMALE,
    HOUSEHOLD,
    IDEOGRAPHIC_SPACE,
    INQUIRY_FAILS,
    MALE,
    MUNICIPALITY,
    PREFECTURE,
    REGISTRY_BLANK,
    STATUS,
    check_digits,
    kanji_numeral,
    number_strings,
)
from himozuke.text._tables import ERAS
from himozuke.text.sex import SEX_LABELS

PLANTED = "仕込み"
EXPECTED = "期待判定"


@dataclass(frozen=True)
class Perturbation:
    """Share of all rows given each kind (label and class in ``KINDS``). Defaults: ~86 % A, ~7 % B, ~5 % C."""

    # notation only (A)
    kana_halfwidth: float = 0.04
    kana_hiragana: float = 0.01
    kana_seion: float = 0.02
    name_no_space: float = 0.04
    name_halfwidth_space: float = 0.02
    kanji_variant: float = 0.008
    gaiji_geta: float = 0.0004
    address_hyphen: float = 0.06
    address_no: float = 0.01
    chome_digits: float = 0.03
    no_prefecture: float = 0.03
    no_gun: float = 0.005
    halfwidth_digits: float = 0.03
    birth_wareki: float = 0.03
    birth_wareki_short: float = 0.01
    birth_slash: float = 0.03
    sex_kanji: float = 0.02
    # B
    kanji_typo: float = 0.03
    machiaza_changed: float = 0.02
    banchi_changed: float = 0.02
    # C
    family_number: float = 0.002
    twins_swapped: float = 0.0005
    birth_typo: float = 0.005
    sex_flipped: float = 0.002
    kana_missing: float = 0.010  # 0.015 until the edge cases below took ~0.7 % of the C share
    sex_missing: float = 0.003
    married_name: float = 0.01
    moved_away: float = 0.01
    same_name: float = 0.001
    birth_unreadable: float = 0.001
    sex_unknown: float = 0.001
    city_unknown: float = 0.001
    same_city_name: float = 0.001
    # E
    number_typo: float = 0.003
    number_unknown: float = 0.002


DEFAULT = Perturbation()


@dataclass(frozen=True)
class Kind:
    field: str  # Perturbation field
    label: str  # value in 仕込み
    verdict: Verdict


#: Every kind: its rate field, its 仕込み label and the class it must get (manual §7(6)).
KINDS: tuple[Kind, ...] = (
    Kind("kana_halfwidth", "カナ半角", Verdict.A),
    Kind("kana_hiragana", "カナひらがな", Verdict.A),
    Kind("kana_seion", "カナ清音", Verdict.A),
    Kind("name_no_space", "氏名空白なし", Verdict.A),
    Kind("name_halfwidth_space", "氏名半角空白", Verdict.A),
    Kind("kanji_variant", "異体字→標準字体", Verdict.A),
    Kind("gaiji_geta", "外字→〓", Verdict.A),
    Kind("address_hyphen", "住所ハイフン", Verdict.A),
    Kind("address_no", "住所「の」", Verdict.A),
    Kind("chome_digits", "丁目算用数字", Verdict.A),
    Kind("no_prefecture", "都道府県省略", Verdict.A),
    Kind("no_gun", "郡省略", Verdict.A),
    Kind("halfwidth_digits", "住所半角数字", Verdict.A),
    Kind("birth_wareki", "和暦", Verdict.A),
    Kind("birth_wareki_short", "和暦略記", Verdict.A),
    Kind("birth_slash", "西暦スラッシュ", Verdict.A),
    Kind("sex_kanji", "性別漢字", Verdict.A),
    Kind("kanji_typo", "漢字氏名誤字", Verdict.B),
    Kind("machiaza_changed", "町字違い", Verdict.B),
    Kind("banchi_changed", "番地違い", Verdict.B),
    Kind("family_number", "家族の番号", Verdict.C),
    Kind("twins_swapped", "双子取違え", Verdict.C),
    Kind("birth_typo", "生年月日誤り", Verdict.C),
    Kind("sex_flipped", "性別誤り", Verdict.C),
    Kind("kana_missing", "カナ未収集", Verdict.C),
    Kind("sex_missing", "性別未収集", Verdict.C),
    Kind("married_name", "婚姻改姓未届", Verdict.C),
    Kind("moved_away", "転出未届", Verdict.C),
    Kind("same_name", "同姓同名の番号", Verdict.C),
    Kind("birth_unreadable", "生年月日読めず", Verdict.C),
    Kind("sex_unknown", "性別コード不明", Verdict.C),
    Kind("city_unknown", "市区町村不明", Verdict.C),
    Kind("same_city_name", "同名市区町村", Verdict.C),
    Kind("registry_blank", REGISTRY_BLANK, Verdict.C),
    Kind("number_typo", "番号誤入力", Verdict.E),
    Kind("number_unknown", "番号該当なし", Verdict.E),
    Kind("deleted", DELETED, Verdict.E),
    Kind("inquiry_error", INQUIRY_FAILS, Verdict.E),
)
#: Kinds the register decides (its 状態 and 住基空欄), carried for every such resident.
_FROM_REGISTER = ("deleted", "registry_blank", "inquiry_error")
LABEL: dict[str, str] = {k.field: k.label for k in KINDS}
_CODE: dict[str, int] = {k.field: i for i, k in enumerate(KINDS)}
_NOTATION = tuple(k.field for k in KINDS if k.verdict is Verdict.A)
_PAIRS = ("twins_swapped", "family_number", "same_name")
_SINGLES = ("married_name", "machiaza_changed", "kanji_typo", "banchi_changed", "birth_typo", "sex_flipped",
            "kana_missing", "sex_missing", "moved_away", "number_typo", "number_unknown", "birth_unreadable",
            "sex_unknown", "city_unknown", "same_city_name")
assert {f.name for f in fields(Perturbation)} | set(_FROM_REGISTER) == {k.field for k in KINDS}
#: What an unreadable 生年月日 and an unknown 性別 code look like in a business extract.
_UNREADABLE_BIRTHS = ("S6x.13.01", "1985-13-45", "不詳", "昭和不詳")
_UNKNOWN_SEXES = ("9", "0", "X", "不明")
#: 市区町村 names more than one prefecture has (府中市: 東京都 and 広島県).
_SHARED_NAMES = frozenset(name for name in {m.name for m in _names.MUNICIPALITY_TABLE}
                          if len({m.prefecture for m in _names.MUNICIPALITY_TABLE if m.name == name}) > 1)


def _pick(rng: np.random.Generator, candidates: np.ndarray, k: int) -> np.ndarray:
    k = min(k, candidates.size)
    return np.sort(rng.choice(candidates, size=k, replace=False)) if k else candidates[:0]


def _pairs(work: pl.DataFrame, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Disjoint candidate pairs (row positions) for a swap kind."""
    same = {"twins_swapped": [HOUSEHOLD, BIRTH_DATE], "family_number": [HOUSEHOLD],
            "same_name": [KANJI_NAME]}[kind]
    ordered = work.filter(pl.col(STATUS) != DELETED).sort([*same, "_row"])
    # plain shifts over the sorted frame (a window per household would be slow): rank within the group
    starts = pl.any_horizontal([pl.col(c) != pl.col(c).shift(1) for c in same]).fill_null(True)
    pos = pl.int_range(pl.len())
    rank = pos - pl.when(starts).then(pos).otherwise(None).forward_fill()
    together = pl.all_horizontal([pl.col(c) == pl.col(c).shift(-1) for c in same])
    nxt = {c: pl.when(together).then(pl.col(c).shift(-1))
           for c in (BIRTH_DATE, SEX, KANA_NAME, HOUSEHOLD, "_row")}
    differ = {
        "twins_swapped": (pl.col(KANA_NAME) != nxt[KANA_NAME]) | (pl.col(SEX) != nxt[SEX]),
        "family_number": pl.col(BIRTH_DATE) != nxt[BIRTH_DATE],
        "same_name": (pl.col(BIRTH_DATE) != nxt[BIRTH_DATE]) & (pl.col(HOUSEHOLD) != nxt[HOUSEHOLD]),
    }[kind]
    pairs = ordered.select(pl.col("_row"), nxt["_row"].alias("_partner"), (rank % 2 == 0) & differ)
    pairs = pairs.filter(pl.col(pairs.columns[2]).fill_null(False))
    return pairs["_row"].to_numpy(), pairs["_partner"].to_numpy()


def _assign(pop: pl.DataFrame, rng: np.random.Generator, rates: Perturbation) -> tuple[np.ndarray, np.ndarray]:
    """The substantive kind per row (index into ``KINDS`` or -1) and the partner row of swapped pairs."""
    n = pop.height
    index = {k.field: i for i, k in enumerate(KINDS)}
    kind = np.full(n, -1)
    partner = np.arange(n)
    work = pop.with_row_index("_row")
    kind[(pop[STATUS] == DELETED).to_numpy()] = index["deleted"]
    if REGISTRY_BLANK in pop.columns:
        kind[pop[REGISTRY_BLANK].is_not_null().to_numpy()] = index["registry_blank"]
    kind[(pop[STATUS] == INQUIRY_FAILS).to_numpy()] = index["inquiry_error"]
    for name in _PAIRS:
        a, b = _pairs(work, name)
        free = np.flatnonzero((kind[a] < 0) & (kind[b] < 0))
        chosen = _pick(rng, free, round(getattr(rates, name) * n / 2))
        a, b = a[chosen], b[chosen]
        kind[a] = kind[b] = index[name]
        partner[a], partner[b] = b, a
    eligible = _substantive_eligibility(pop)
    for name in _SINGLES:
        ok = (kind < 0) & eligible.get(name, True)
        kind[_pick(rng, np.flatnonzero(ok), round(getattr(rates, name) * n))] = index[name]
    return kind, partner


def business_copy(pop: pl.DataFrame, *, seed: int = 0, rates: Perturbation = DEFAULT) -> pl.DataFrame:
    """The people of ``pop`` as a business system holds them, planted kinds and answer key included.

    Deterministic from ``seed``; vectorised (one pass per kind over the rows of that kind).

    >>> from himozuke.testing.population import generate_population
    >>> pop = generate_population(500, seed=2)
    >>> business_copy(pop, seed=1).equals(business_copy(pop, seed=1))
    True
    >>> none = Perturbation(**{f.name: 0.0 for f in fields(Perturbation)})
    >>> plain = business_copy(pop, rates=none)
    >>> plain.filter(pl.col(PLANTED) == "")[EXPECTED].unique().to_list()
    ['A']
    """
    rng = np.random.default_rng([seed, 0x6275])
    kind, partner = _assign(pop, rng, rates)
    numbers = pop[MY_NUMBER].to_numpy()[partner]
    work = pop.with_columns(
        pl.Series(MY_NUMBER, numbers, dtype=pl.String),
        pl.Series("_kind", kind),
        pl.col(BIRTH_DATE).alias("_birth"),
    )
    parts = []
    for i, (_, frame) in enumerate(work.partition_by("_kind", as_dict=True, maintain_order=True).items()):
        code = int(frame["_kind"][0])
        name = KINDS[code].field if code >= 0 else ""
        parts.append(_apply_substantive(frame, name, np.random.default_rng([seed, 1, i]), pop))
    work = pl.concat(parts, how="vertical")
    notation = np.full(work.height, -1)
    eligible = _notation_eligibility(work)
    for code, k in enumerate(KINDS):
        if k.field in _NOTATION:
            ok = (notation < 0) & eligible.get(k.field, True)
            notation[_pick(rng, np.flatnonzero(ok), round(getattr(rates, k.field) * pop.height))] = code
    work = work.with_columns(pl.Series("_note", notation))
    parts = [_apply_notation(frame, KINDS[int(frame["_note"][0])].field if frame["_note"][0] >= 0 else "",
                                   np.random.default_rng([seed, 2, i]))
             for i, frame in enumerate(work.partition_by("_note", maintain_order=True))]
    work = pl.concat(parts, how="vertical")
    unreadable = pl.Series(list(_UNREADABLE_BIRTHS)).gather(rng.integers(0, len(_UNREADABLE_BIRTHS), work.height))
    work = work.with_columns(pl.when(pl.col("_kind") == _CODE["birth_unreadable"]).then(unreadable)
                             .otherwise(pl.col(BIRTH_DATE)).alias(BIRTH_DATE))
    labels = pl.Series([k.label for k in KINDS] + [""])
    verdicts = pl.Series([str(k.verdict) for k in KINDS] + [str(Verdict.A)])
    sub = labels.gather(np.where(work["_kind"].to_numpy() < 0, len(KINDS), work["_kind"].to_numpy()))
    note = labels.gather(np.where(work["_note"].to_numpy() < 0, len(KINDS), work["_note"].to_numpy()))
    planted = pl.DataFrame({"s": sub, "n": note}).select(
        pl.concat_str(["s", "n"], separator="+").str.strip_chars("+")).to_series()
    expected = verdicts.gather(np.where(work["_kind"].to_numpy() < 0, len(KINDS), work["_kind"].to_numpy()))
    out = work.select(*STANDARD).with_columns(planted.alias(PLANTED), expected.alias(EXPECTED))
    return out[rng.permutation(out.height)]


def unknown_numbers(known: pl.Series, k: int, rng: np.random.Generator) -> pl.Series:
    """``k`` valid My Numbers, distinct, none of them in ``known`` (番号該当なし)."""
    taken = known.cast(pl.Int64, strict=False).drop_nulls().to_numpy() // 10
    draws = rng.integers(0, 10**11, size=2 * k + 64)
    _, first = np.unique(draws, return_index=True)
    draws = draws[np.sort(first)]
    return number_strings(draws[~np.isin(draws, taken)][:k])


def mistyped_numbers(numbers: pl.Series, rng: np.random.Generator) -> pl.Series:
    """Each number with one digit changed so that the check digit fails (番号誤入力, like ``mynumber.mistype``)."""
    value = numbers.cast(pl.Int64).to_numpy()
    place = 10 ** rng.integers(0, 12, size=value.size)
    delta = rng.integers(1, 10, size=value.size)
    digit = value // place % 10
    typo = value + ((digit + delta) % 10 - digit) * place
    still_valid = check_digits(typo // 10) == typo % 10
    check = value % 10
    typo = np.where(still_valid, value - check + (check + delta) % 10, typo)
    return pl.Series(MY_NUMBER, typo).cast(pl.String).str.zfill(12)


# --- tables for the transformations (built once from the source tables) -----------------------------------
_HALFWIDTH: dict[str, str] = {}
for _code in range(0xFF66, 0xFF9E):
    for _mark in ("", "\uff9e", "\uff9f"):
        _full = unicodedata.normalize("NFKC", chr(_code) + _mark)
        if len(_full) == 1:
            _HALFWIDTH[_full] = chr(_code) + _mark
_HALFWIDTH[IDEOGRAPHIC_SPACE] = " "
_HIRAGANA = {chr(c): chr(c - 0x60) for c in range(0x30A1, 0x30F4)}  # ァ–ン (ヴヵヶ have no cp932 hiragana)
# 清音 as a business system writes it; ヂ/ヅ are left alone: read as ジ/ズ they make フヂ → フチ ambiguous
# (himozuke.text.kana folds ヂ/ヅ to ジ/ズ before 清音処理), so the answer key could not be exact.
_SEION = {c: unicodedata.normalize("NFD", c)[0] for c in map(chr, range(0x30A1, 0x30F7))
          if len(unicodedata.normalize("NFD", c)) == 2 and c not in "ヂヅ"}
_ASCII_DIGITS = {chr(0xFF10 + d): str(d) for d in range(10)}
_FULL_DIGITS = {str(d): chr(0xFF10 + d) for d in range(10)}
_GAIJI = "[\ue000-\uf8ff]"
_NUMERAL_TO_DIGITS = {kanji_numeral(k): "".join(_FULL_DIGITS[c] for c in str(k)) for k in range(1, 100)}
_MACHIAZA_RE = r"^(.+?)(?:[一二三四五六七八九十]+丁目)?[０-９]"


def _two(name: str) -> tuple[str, str]:
    return name[:2], re.sub("^大?字", "", name)[:2]


_ALTERNATIVES = pl.DataFrame(
    [(m.prefecture, m.name, a.name, [b.name for b in m.machiaza
                                      if all(x != y for x, y in zip(_two(a.name), _two(b.name), strict=True))])
     for m in _names.MUNICIPALITY_TABLE for a in m.machiaza],
    schema={PREFECTURE: pl.String, MUNICIPALITY: pl.String, "_machiaza": pl.String, "_alts": pl.List(pl.String)},
    orient="row",
)


def _rest() -> pl.Expr:
    """住所 after 都道府県 and 市区町村."""
    return pl.col(ADDRESS).str.slice(pl.col(PREFECTURE).str.len_chars() + pl.col(MUNICIPALITY).str.len_chars())


def _with_parts(f: pl.DataFrame) -> pl.DataFrame:
    machiaza = _rest().str.extract(_MACHIAZA_RE, 1)
    return f.with_columns(machiaza.alias("_machiaza"), _rest().str.slice(machiaza.str.len_chars()).alias("_tail"))


def _substantive_eligibility(pop: pl.DataFrame) -> dict[str, np.ndarray]:
    parts = _with_parts(pop).join(_ALTERNATIVES, on=[PREFECTURE, MUNICIPALITY, "_machiaza"], how="left",
                                  maintain_order="left")
    return {
        "married_name": ((pop[SEX] == FEMALE) & (pop[BIRTH_DATE].dt.year() <= 2004)).to_numpy(),
        "machiaza_changed": (parts["_alts"].list.len().fill_null(0) > 0).to_numpy(),
        "banchi_changed": parts["_tail"].str.contains("[０-９]").fill_null(False).to_numpy(),
        "moved_away": np.full(pop.height, pop[MUNICIPALITY].n_unique() > 1),
        # outside the prefecture most of the register lives in (the home prefecture the check infers)
        "same_city_name": (pop[MUNICIPALITY].is_in(list(_SHARED_NAMES))
                           & (pop[PREFECTURE] != pop[PREFECTURE].mode().sort().first())).to_numpy(),
    }


def _notation_eligibility(f: pl.DataFrame) -> dict[str, np.ndarray]:
    has = {
        "kana_halfwidth": pl.col(KANA_NAME).is_not_null(),
        "kana_hiragana": pl.col(KANA_NAME).is_not_null(),
        "kana_seion": pl.col(KANA_NAME).str.contains("[" + "".join(_SEION) + "]"),
        "kanji_variant": pl.col(KANJI_NAME).str.contains("[" + "".join(_names.VARIANT_TO_STANDARD) + "]"),
        "gaiji_geta": pl.col(KANJI_NAME).str.contains(_GAIJI),
        "chome_digits": pl.col(ADDRESS).str.contains("[一二三四五六七八九十]+丁目[０-９]"),
        "no_gun": pl.col(MUNICIPALITY).str.contains("郡") & pl.col(ADDRESS).str.contains("郡"),
        "sex_kanji": pl.col(SEX).is_in([MALE, FEMALE]),
        "no_prefecture": ~pl.col(MUNICIPALITY).is_in(list(_SHARED_NAMES)) & (pl.col(PREFECTURE) != ""),
        **{k: pl.col("_kind") != _CODE["birth_unreadable"] for k in ("birth_wareki", "birth_wareki_short",
                                                                    "birth_slash")},
        "address_hyphen": pl.col(ADDRESS).str.contains("[０-９]"),
        "address_no": pl.col(ADDRESS).str.contains("[０-９]"),
    }
    return {k: f.select(e.fill_null(False)).to_series().to_numpy() for k, e in has.items()}


def _column(name: str, values: np.ndarray) -> pl.Series:
    return pl.Series(name, values)


def _kanji_typo(f: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """One character of the name replaced by a plain kanji (never a 異体字, never at a 外字 or the space)."""
    name = pl.col(KANJI_NAME)
    length = name.str.len_chars()
    pos = (pl.col("_u") * length).cast(pl.Int64)
    at = name.str.slice(pos, 1)
    pos = pl.when(at.str.contains(f"{_GAIJI}|\u3000")).then(length - 1).otherwise(pos)
    plain = pl.Series(list(_names.PLAIN_KANJI))
    r = rng.integers(0, plain.len(), f.height)
    f = f.with_columns(_column("_u", rng.random(f.height)), _column("_c", plain.gather(r)),
                       _column("_d", plain.gather((r + 1) % plain.len())))
    new = pl.when(pl.col("_c") == name.str.slice(pos, 1)).then(pl.col("_d")).otherwise(pl.col("_c"))
    return f.with_columns(pl.concat_str([name.str.slice(0, pos), new, name.str.slice(pos + 1)]).alias(KANJI_NAME))


def _machiaza_changed(f: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Another 町字 of the same 市区町村 whose first two characters differ (moved within the city)."""
    f = _with_parts(f).join(_ALTERNATIVES, on=[PREFECTURE, MUNICIPALITY, "_machiaza"], how="left",
                            maintain_order="left").with_columns(_column("_r", rng.integers(0, 1 << 30, f.height)))
    alt = pl.col("_alts").list.get(pl.col("_r") % pl.col("_alts").list.len())
    return f.with_columns(pl.concat_str([pl.col(PREFECTURE), pl.col(MUNICIPALITY), alt, pl.col("_tail")])
                          .alias(ADDRESS))


def _banchi_changed(f: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """The first number after the 町字 (番 or 番地) changed by 1–9."""
    f = _with_parts(f).with_columns(_column("_d", rng.integers(1, 10, f.height)))
    tail = pl.col("_tail")
    first = tail.str.extract("([０-９]+)", 1).str.replace_many(_ASCII_DIGITS).cast(pl.Int64)
    new = (first + pl.col("_d")).cast(pl.String).str.replace_many(_FULL_DIGITS)
    return f.with_columns(pl.concat_str([
        pl.col(PREFECTURE), pl.col(MUNICIPALITY), pl.col("_machiaza"), tail.str.extract("^([^０-９]*)", 1),
        new, tail.str.extract("^[^０-９]*[０-９]+(.*)$", 1)]).alias(ADDRESS))


def _birth_typo(f: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Day ±1 within the month, or (30 %) the last two digits of the year swapped when that stays a date."""
    d, y = pl.col(BIRTH_DATE), pl.col(BIRTH_DATE).dt.year()
    f = f.with_columns(_column("_up", rng.random(f.height) < 0.5), _column("_swap", rng.random(f.height) < 0.3))
    step = (pl.when(d.dt.day() == 1).then(1).when(d == d.dt.month_end()).then(-1)
            .when(pl.col("_up")).then(1).otherwise(-1))
    swapped_year = y // 100 * 100 + y % 10 * 10 + y // 10 % 10
    can_swap = ((swapped_year != y) & swapped_year.is_between(1920, 2024)
                & ~((d.dt.month() == 2) & (d.dt.day() == 29)))
    return f.with_columns(pl.when(pl.col("_swap") & can_swap)
                          .then(pl.date(swapped_year, d.dt.month(), d.dt.day()))
                          .otherwise(d + pl.duration(days=step)).alias(BIRTH_DATE))


def _married_name(f: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Surname kanji and kana replaced by another surname whose reading differs even after 清音処理."""
    table = _names.SURNAME_TABLE
    classes = pl.Series([_names.reading_class(s.kana) for s in table])
    weights = np.array([s.weight for s in table])
    pick = rng.choice(len(table), size=f.height, p=weights / weights.sum())
    old = f[KANA_NAME].str.split(IDEOGRAPHIC_SPACE).list.first()
    old_class = old.replace_strict({s.kana: _names.reading_class(s.kana) for s in table}, default=old)
    for _ in range(3):  # step on to the next surname (homophones like 新井・荒井 are never adjacent thrice)
        same = (classes.gather(pick) == old_class).to_numpy()
        pick = np.where(same, (pick + 1) % len(table), pick)
    sei = pl.Series([s.kanji for s in table]).gather(pick)
    kana = pl.Series([s.kana for s in table]).gather(pick)
    given = pl.col(KANJI_NAME).str.split(IDEOGRAPHIC_SPACE).list.last()
    mei = pl.col(KANA_NAME).str.split(IDEOGRAPHIC_SPACE).list.last()
    return f.with_columns(_column("_sei", sei), _column("_seikana", kana)).with_columns(
        pl.concat_str([pl.col("_sei"), pl.lit(IDEOGRAPHIC_SPACE), given]).alias(KANJI_NAME),
        pl.concat_str([pl.col("_seikana"), pl.lit(IDEOGRAPHIC_SPACE), mei]).alias(KANA_NAME))


def _moved_away(f: pl.DataFrame, rng: np.random.Generator, pop: pl.DataFrame) -> pl.DataFrame:
    """The address of someone in another 市区町村 (the move was never reported to the business system)."""
    muni = pop[MUNICIPALITY].rank("dense").to_numpy()
    own = f[MUNICIPALITY].to_frame().join(pop.select(MUNICIPALITY).unique().with_columns(
        pl.col(MUNICIPALITY).rank("dense").alias("_m")), on=MUNICIPALITY, how="left", maintain_order="left")
    own = own["_m"].to_numpy()
    donor = rng.integers(0, pop.height, f.height)
    for _ in range(20):
        same = muni[donor] == own
        if not same.any():
            break
        donor[same] = rng.integers(0, pop.height, int(same.sum()))
    other = {m: int(np.argmax(muni != m)) for m in np.unique(own)}  # a loop over municipalities
    fallback = pl.Series(own).replace_strict(other, return_dtype=pl.Int64).to_numpy()
    donor = np.where(muni[donor] == own, fallback, donor)
    src = pop[donor]
    return f.with_columns(*(src[c] for c in (ADDRESS, PREFECTURE, MUNICIPALITY)))


def _apply_substantive(f: pl.DataFrame, kind: str, rng: np.random.Generator, pop: pl.DataFrame) -> pl.DataFrame:
    h = f.height
    if kind == "kanji_typo":
        out = _kanji_typo(f, rng)
    elif kind == "machiaza_changed":
        out = _machiaza_changed(f, rng)
    elif kind == "banchi_changed":
        out = _banchi_changed(f, rng)
    elif kind == "birth_typo":
        out = _birth_typo(f, rng)
    elif kind == "married_name":
        out = _married_name(f, rng)
    elif kind == "moved_away":
        out = _moved_away(f, rng, pop)
    elif kind == "sex_flipped":
        out = f.with_columns(pl.col(SEX).replace_strict({MALE: FEMALE, FEMALE: MALE}))
    elif kind == "kana_missing":
        out = f.with_columns(pl.lit(None, pl.String).alias(KANA_NAME))
    elif kind == "sex_missing":
        out = f.with_columns(pl.lit(None, pl.String).alias(SEX))
    elif kind == "number_typo":
        out = f.with_columns(mistyped_numbers(f[MY_NUMBER], rng))
    elif kind == "number_unknown":
        out = f.with_columns(unknown_numbers(pop[MY_NUMBER], h, rng))
    elif kind == "sex_unknown":
        out = f.with_columns(pl.Series(SEX, list(_UNKNOWN_SEXES)).gather(rng.integers(0, len(_UNKNOWN_SEXES), h)))
    elif kind == "city_unknown":  # 「架空市」: the kind of 市区町村 as the real one, a name no table has
        fake = pl.concat_str([pl.lit("架空"), pl.col(MUNICIPALITY).str.slice(-1)])
        out = f.with_columns(pl.concat_str([pl.col(PREFECTURE), fake, _rest()]).alias(ADDRESS)).with_columns(
            fake.alias(MUNICIPALITY))
    elif kind == "same_city_name":  # the 都道府県 left out (kept out by every notation kind after: it is "")
        out = f.with_columns(_rest().alias("_r")).with_columns(
            pl.concat_str([pl.col(MUNICIPALITY), pl.col("_r")]).alias(ADDRESS), pl.lit("").alias(PREFECTURE))
    else:
        out = f
    return out.select(f.columns)


def _address_numbers(separator: str) -> pl.Expr:
    """住所 with the 丁目・番・号 (or 番地) numbers joined by ``separator`` (「１－１－１」, 「５の４の３」)."""
    tail = pl.col("_tail")
    chome = tail.str.extract("^([一二三四五六七八九十]+)丁目", 1).replace_strict(_NUMERAL_TO_DIGITS, default=None)
    numbers = tail.str.extract_all("[０-９]+").list.join(separator)
    joined = pl.when(chome.is_null()).then(numbers).otherwise(pl.concat_str([chome, pl.lit(separator), numbers]))
    return pl.concat_str([pl.col(PREFECTURE), pl.col(MUNICIPALITY), pl.col("_machiaza"), joined])


def _wareki(short: bool) -> pl.Expr:
    """生年月日 in 和暦: 「昭和50年1月2日」 (元年 for year 1) or 「S50.1.2」."""
    d = pl.col(BIRTH_DATE)
    era = pl.lit(None, pl.Int64)
    for i, e in enumerate(ERAS):
        era = pl.when(d >= e.start).then(i).otherwise(era)
    year = d.dt.year() - era.replace_strict({i: e.first_year for i, e in enumerate(ERAS)}, return_dtype=pl.Int64) + 1
    name = era.replace_strict({i: e.letter if short else e.name for i, e in enumerate(ERAS)},
                              return_dtype=pl.String)
    m, day = d.dt.month().cast(pl.String), d.dt.day().cast(pl.String)
    if short:
        return pl.concat_str([name, year.cast(pl.String), pl.lit("."), m, pl.lit("."), day])
    y = pl.when(year == 1).then(pl.lit("元")).otherwise(year.cast(pl.String))
    return pl.concat_str([name, y, pl.lit("年"), m, pl.lit("月"), day, pl.lit("日")])


def _apply_notation(f: pl.DataFrame, kind: str, rng: np.random.Generator) -> pl.DataFrame:
    """One notation-only variant (still A, manual §7(6) A); 生年月日 becomes text (ISO unless a variant)."""
    del rng  # notation variants are deterministic given the row
    cols = f.columns
    f = _with_parts(f)
    kanji, kana, address, birth = pl.col(KANJI_NAME), pl.col(KANA_NAME), pl.col(ADDRESS), pl.col(BIRTH_DATE)
    change: dict[str, pl.Expr] = {
        "kana_halfwidth": kana.str.replace_many(_HALFWIDTH).alias(KANA_NAME),
        "kana_hiragana": kana.str.replace_many(_HIRAGANA).alias(KANA_NAME),
        "kana_seion": kana.str.replace_many(_SEION).alias(KANA_NAME),
        "name_no_space": kanji.str.replace_all(IDEOGRAPHIC_SPACE, "").alias(KANJI_NAME),
        "name_halfwidth_space": kanji.str.replace_all(IDEOGRAPHIC_SPACE, " ").alias(KANJI_NAME),
        "kanji_variant": kanji.str.replace_many(_names.VARIANT_TO_STANDARD).alias(KANJI_NAME),
        "gaiji_geta": kanji.str.replace_all(_GAIJI, "〓").alias(KANJI_NAME),
        "address_hyphen": _address_numbers("－").alias(ADDRESS),
        "address_no": _address_numbers("の").alias(ADDRESS),
        "chome_digits": pl.concat_str([
            address.str.extract("^(.*?)[一二三四五六七八九十]+丁目[０-９]", 1),
            address.str.extract("([一二三四五六七八九十]+)丁目[０-９]", 1).replace_strict(_NUMERAL_TO_DIGITS,
                                                                                       default=None),
            address.str.extract("[一二三四五六七八九十]+(丁目[０-９].*)$", 1)]).alias(ADDRESS),
        "no_prefecture": address.str.slice(pl.col(PREFECTURE).str.len_chars()).alias(ADDRESS),
        "no_gun": pl.concat_str([pl.col(PREFECTURE), pl.col(MUNICIPALITY).str.replace("^.+郡", ""),
                                 _rest()]).alias(ADDRESS),
        "halfwidth_digits": address.str.replace_many(_ASCII_DIGITS).alias(ADDRESS),
        "birth_wareki": _wareki(short=False).alias(BIRTH_DATE),
        "birth_wareki_short": _wareki(short=True).alias(BIRTH_DATE),
        "birth_slash": pl.concat_str([birth.dt.year().cast(pl.String), birth.dt.month().cast(pl.String),
                                      birth.dt.day().cast(pl.String)], separator="/").alias(BIRTH_DATE),
        "sex_kanji": pl.col(SEX).replace_strict(SEX_LABELS).alias(SEX),
    }
    if kind in change:
        f = f.with_columns(change[kind])
    if f.schema[BIRTH_DATE] == pl.Date:
        f = f.with_columns(birth.dt.to_string("%Y-%m-%d"))
    return f.select(cols)


#: The planted kinds that are a wrong link (the number is another person's): the swaps.
WRONG_LINKS: frozenset[str] = frozenset(LABEL[k] for k in _PAIRS)


def priority_auc(result: pl.DataFrame, key: pl.DataFrame) -> tuple[float, int, int]:
    """How well 優先度 ranks the planted wrong links first among the B and C rows: the probability that a wrong
    link has a smaller (earlier) 優先度 than a correct link, ties counting half (ROC AUC). Returns (AUC, wrong
    links, correct links). ``result`` has 行番号, 判定, 優先度; ``key`` has 行番号 and 仕込み.

    >>> r = pl.DataFrame({"行番号": [2, 3, 4, 5], "判定": ["C", "C", "B", "A"], "優先度": [2, 5, 6, None]})
    >>> k = pl.DataFrame({"行番号": [2, 3, 4, 5], "仕込み": ["双子取違え", "婚姻改姓未届", "番地違い", ""]})
    >>> priority_auc(r, k)
    (1.0, 1, 2)
    """
    rows = result.select("行番号", "判定", "優先度").join(key.select("行番号", PLANTED), on="行番号").filter(
        pl.col("判定").is_in(["B", "C"]))
    wrong = rows.get_column(PLANTED).str.split("+").list.first().is_in(list(WRONG_LINKS))
    pos = rows.filter(wrong).get_column("優先度").to_numpy()
    neg = rows.filter(~wrong).get_column("優先度").to_numpy()
    if pos.size == 0 or neg.size == 0:
        return float("nan"), int(pos.size), int(neg.size)
    # earlier tier = higher score: count pairs (wrong, correct) ordered right, ties half
    neg_sorted = np.sort(neg)
    below = np.searchsorted(neg_sorted, pos, side="left")  # correct links with a smaller (earlier) tier
    equal = np.searchsorted(neg_sorted, pos, side="right") - below
    better = neg.size - below - equal
    return float((better + 0.5 * equal).sum() / (pos.size * neg.size)), int(pos.size), int(neg.size)
