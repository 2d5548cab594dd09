"""A synthetic 住民基本台帳: the people the simulated J-LIS register answers for.

``generate_population(n, seed=…)`` builds ``n`` residents in households, vectorised (numpy draws, Polars
strings), deterministic from the seed: 1 M rows in a few seconds, memory proportional to the output.

Realism the matching rules need (manual §7(6)): families share surname and address; children are born 20–40
years after their parent; ~0.5 % of households have twins (same 生年月日, surname and address, different
given names and readings); common names collide (同姓同名); surnames carry 異体字 forms at their own rates
(髙橋, 渡邊, 山﨑 …); readings have 濁音 (ヤマザキ); ~0.05 % of names hold a 外字 as a private-use code point
(U+E000–U+E757, the user-defined area that cp932 maps to F040–F9FC), as a registry stores a character outside JIS X 0208; ~1 % of people are 消除者.

Edge cases the rules treat specially, planted at small rates from a random stream of their own (so the people
above do not change with them): ~0.3 % of residents have an item the register holds blank (``住基空欄`` names
it: カナ氏名 mostly — 住基 kept no 振り仮名 —, less often 生年月日 — 生年月日不詳); ~0.2 % are ``照会エラー``: J-LIS
answers an inquiry for them with an error (a record under correction). The municipalities include one name two
prefectures have (府中市: 東京都 and 広島県), which an address without its 都道府県 leaves ambiguous.
:func:`register` is the register as a J-LIS result gives it.

>>> from himozuke.formats.columns import STANDARD
>>> from himozuke.mynumber import is_valid_expr
>>> pop = generate_population(1000, seed=1)
>>> pop.columns[:6] == list(STANDARD)
True
>>> pop[MY_NUMBER].n_unique() == 1000 and pop.select(is_valid_expr(pl.col(MY_NUMBER))).to_series().all()
True
>>> pop[KANJI_NAME].str.contains("\\u3000").all() and pop[SEX].is_in(["1", "2"]).all()
True
"""

from __future__ import annotations

import numpy as np
import polars as pl

from himozuke.formats.columns import (
    ADDRESS,
    BIRTH_DATE,
    INQUIRY_DELETED,
    INQUIRY_ERROR,
    INQUIRY_FOUND,
    INQUIRY_RESULT,
    KANA_NAME,
    KANJI_NAME,
    MY_NUMBER,
    SEX,
    STANDARD,
)
from himozuke.mynumber import WEIGHTS
from himozuke.testing import _names

HOUSEHOLD = "世帯番号"
STATUS = "状態"
PREFECTURE = "都道府県"
MUNICIPALITY = "市区町村"
RESIDENT = "住民"
DELETED = "消除者"
#: 状態 of a resident whose inquiry J-LIS answers with an error (照会エラー).
INQUIRY_FAILS = "照会エラー"
#: The item (a standard column name) the register holds blank for a resident; null for nearly all.
REGISTRY_BLANK = "住基空欄"
MALE = "1"
FEMALE = "2"
IDEOGRAPHIC_SPACE = "\u3000"

FIRST_YEAR, LAST_YEAR = 1920, 2024
_HEAD, _SPOUSE, _CHILD, _ELDER = 0, 1, 2, 3
#: Household types: (share, member roles, youngest and oldest head birth year).
_HOUSEHOLD_TYPES: tuple[tuple[float, tuple[int, ...], int, int], ...] = (
    (0.38, (_HEAD,), 1920, 2004),
    (0.20, (_HEAD, _SPOUSE), 1925, 2002),
    (0.10, (_HEAD, _SPOUSE, _CHILD), 1945, 2000),
    (0.10, (_HEAD, _SPOUSE, _CHILD, _CHILD), 1945, 2000),
    (0.04, (_HEAD, _SPOUSE, _CHILD, _CHILD, _CHILD), 1950, 2000),
    (0.05, (_HEAD, _CHILD), 1940, 2000),
    (0.03, (_HEAD, _CHILD, _CHILD), 1945, 2000),
    (0.05, (_HEAD, _SPOUSE, _CHILD, _CHILD, _ELDER), 1950, 1995),
)
#: Share of households with two or more children whose first two children are twins (≈0.5 % of all).
_TWIN_SHARE = 0.021
_GAIJI_SHARE = 0.0005
#: Living people by birth year (relative; Japan 2024: the baby booms of 1947–49 and 1971–74).
_PYRAMID_KNOTS = ((1920, 0.3), (1930, 25), (1940, 95), (1948, 200), (1955, 150), (1965, 165), (1973, 200),
                  (1985, 145), (1995, 120), (2005, 108), (2015, 95), (2024, 73))
_KANJI_NUMERALS = ("", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十")
_FULLWIDTH = {str(d): chr(0xFF10 + d) for d in range(10)}


def kanji_numeral(k: int) -> str:
    """丁目 number in kanji as the registry writes it (1–99): ``kanji_numeral(23) == "二十三"``.

    >>> [kanji_numeral(k) for k in (1, 10, 12, 20)]
    ['一', '十', '十二', '二十']
    """
    tens, ones = divmod(k, 10)
    return ("" if tens == 0 else ("十" if tens == 1 else _KANJI_NUMERALS[tens] + "十")) + _KANJI_NUMERALS[ones]


def fullwidth_digits_expr(e: pl.Expr) -> pl.Expr:
    """Integer → full-width digits, as the registry writes 番地 numbers (``123`` → ``１２３``)."""
    return e.cast(pl.String).str.replace_many(_FULLWIDTH)


def check_digits(payload: np.ndarray) -> np.ndarray:
    """Check digits of 11-digit payloads (SPEC §4), the numpy form of :func:`himozuke.mynumber.check_digit`.

    >>> check_digits(np.array([12345678901])).tolist()
    [8]
    """
    r = np.zeros(payload.shape, dtype=np.int64)
    for position, weight in enumerate(WEIGHTS):
        r += (payload // 10 ** (10 - position)) % 10 * weight
    r %= 11
    return np.where(r <= 1, 0, 11 - r)


def number_strings(payload: np.ndarray) -> pl.Series:
    """12-digit My Numbers (payload + check digit) as strings."""
    return pl.Series(MY_NUMBER, payload * 10 + check_digits(payload)).cast(pl.String).str.zfill(12)


def _unique_payloads(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` distinct random 11-digit payloads, in draw order."""
    draws = rng.integers(0, 10**11, size=n + n // 100 + 64)
    _, first = np.unique(draws, return_index=True)
    while first.size < n:  # pragma: no cover - needs ~n²/2·10⁻¹¹ collisions
        draws = np.concatenate([draws, rng.integers(0, 10**11, size=n)])
        _, first = np.unique(draws, return_index=True)
    return draws[np.sort(first)[:n]]


def _weighted(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    cum = np.cumsum(weights, dtype=np.float64)
    return np.minimum(np.searchsorted(cum, rng.random(size) * cum[-1], side="right"), len(weights) - 1)


def _years(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Birth years from the pyramid, each restricted to its [lo, hi]."""
    years = np.arange(FIRST_YEAR, LAST_YEAR + 1)
    cum = np.cumsum(np.interp(years, *zip(*_PYRAMID_KNOTS, strict=True)))
    cum = np.concatenate([[0.0], cum])
    a, b = cum[lo - FIRST_YEAR], cum[hi - FIRST_YEAR + 1]
    return np.searchsorted(cum, a + rng.random(lo.size) * (b - a), side="right") - 1 + FIRST_YEAR


def _day_in_year(rng: np.random.Generator, year: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of a random day of ``year``."""
    start = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    length = np.where((year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0)), 366, 365)
    return start + (rng.random(year.size) * length).astype(np.int64)


def _households(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Household type per household, and household index and role per person (``n`` people)."""
    shares = np.array([t[0] for t in _HOUSEHOLD_TYPES])
    sizes_of = np.array([len(t[1]) for t in _HOUSEHOLD_TYPES])
    roles_of = np.full((len(_HOUSEHOLD_TYPES), sizes_of.max()), -1)
    for i, (_, roles, _, _) in enumerate(_HOUSEHOLD_TYPES):
        roles_of[i, : len(roles)] = roles
    kinds = _weighted(rng, shares, n // 2 + 64)
    while sizes_of[kinds].sum() < n:  # pragma: no cover - average size is 2.2
        kinds = np.concatenate([kinds, _weighted(rng, shares, n // 2 + 64)])
    sizes = sizes_of[kinds]
    count = int(np.searchsorted(np.cumsum(sizes), n)) + 1
    kinds, sizes = kinds[:count], sizes[:count]
    member_of = np.repeat(np.arange(count), sizes)[:n]
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    position = np.arange(n) - starts[member_of]
    return kinds, member_of, roles_of[kinds[member_of], position]


def _given_names(rng: np.random.Generator, is_male: np.ndarray, year: np.ndarray) -> np.ndarray:
    """Index into ``MALE_TABLE + FEMALE_TABLE`` by sex and era of birth."""
    era = np.where(year < 1955, 0, np.where(year < 1990, 1, 2))
    out = np.zeros(is_male.size, dtype=np.int64)
    for male, offset, table in ((True, 0, _names.MALE_TABLE), (False, len(_names.MALE_TABLE), _names.FEMALE_TABLE)):
        for code, mark in enumerate("古昭新"):
            pick = np.flatnonzero((is_male == male) & (era == code))
            members = np.array([i for i, g in enumerate(table) if mark in g.eras])
            weights = np.array([table[i].weight for i in members])
            out[pick] = offset + members[_weighted(rng, weights, pick.size)]
    return out


def _next_other_reading() -> tuple[np.ndarray, np.ndarray]:
    """Per given name: the next one of the same sex whose reading differs even without 濁点; reading class ids."""
    names = [*_names.MALE_TABLE, *_names.FEMALE_TABLE]
    classes: dict[str, int] = {}
    reading = np.array([classes.setdefault(_names.reading_class(g.kana), len(classes)) for g in names])
    out = np.zeros(len(names), dtype=np.int64)
    for lo, hi in ((0, len(_names.MALE_TABLE)), (len(_names.MALE_TABLE), len(names))):
        for i in range(lo, hi):
            j = lo + (i - lo + 1) % (hi - lo)
            while reading[j] == reading[i]:
                j = lo + (j - lo + 1) % (hi - lo)
            out[i] = j
    return out, reading


def _surname_forms(rng: np.random.Generator, count: int) -> tuple[list[tuple[str, str]], np.ndarray]:
    """The (漢字, カナ) forms of all surnames (base, then its 異体字 forms) and one form per household."""
    forms: list[tuple[str, str]] = []
    first = []
    thresholds = np.full((len(_names.SURNAME_TABLE), 3), np.inf)
    for s, entry in enumerate(_names.SURNAME_TABLE):
        first.append(len(forms))
        forms.append((entry.kanji, entry.kana))
        cut = 1.0 - sum(rate for _, rate in entry.variants)
        for v, (form, rate) in enumerate(entry.variants):
            forms.append((form, entry.kana))
            thresholds[s, v] = cut
            cut += rate
    surname = _weighted(rng, np.array([e.weight for e in _names.SURNAME_TABLE]), count)
    local = (rng.random(count)[:, None] >= thresholds[surname]).sum(axis=1)
    return forms, np.asarray(first)[surname] + local


def _addresses(rng: np.random.Generator, count: int) -> pl.DataFrame:
    """One registry-style address per household: 都道府県, 市区町村, 住所."""
    table = _names.MUNICIPALITY_TABLE
    flat = [(m, a) for m, muni in enumerate(table) for a in muni.machiaza]
    first = np.concatenate([[0], np.cumsum([len(m.machiaza) for m in table])[:-1]])
    muni = _weighted(rng, np.array([m.weight for m in table]), count)
    spot = first[muni] + (rng.random(count) * np.array([len(m.machiaza) for m in table])[muni]).astype(int)
    chome_max = np.array([a.chome for _, a in flat])[spot]
    banchi = np.array([a.banchi for _, a in flat])[spot]
    chome = np.where(chome_max > 0, 1 + (rng.random(count) * chome_max).astype(int), 0)
    big = np.where(chome > 0, 60, 3000)
    major = 1 + (rng.random(count) ** 2 * big).astype(int)
    minor = np.where(banchi & (rng.random(count) < 0.5), 0, 1 + (rng.random(count) * 30).astype(int))
    frame = pl.DataFrame({
        PREFECTURE: pl.Series([m.prefecture for m in table]).gather(muni),
        MUNICIPALITY: pl.Series([m.name for m in table]).gather(muni),
        "町字": pl.Series([a.name for _, a in flat]).gather(spot),
        "丁目": pl.Series([kanji_numeral(k) for k in range(chome_max.max(initial=0) + 1)]).gather(chome),
        "major": major, "minor": minor, "banchi": banchi,
    })
    chome_text = pl.when(pl.col("丁目") != "").then(pl.col("丁目") + "丁目").otherwise(pl.lit(""))
    minor_text = pl.when(pl.col("minor") > 0).then(fullwidth_digits_expr(pl.col("minor"))).otherwise(pl.lit(""))
    numbers = (pl.when(pl.col("banchi"))
               .then(pl.concat_str([fullwidth_digits_expr(pl.col("major")), pl.lit("番地"), minor_text]))
               .otherwise(pl.concat_str([fullwidth_digits_expr(pl.col("major")), pl.lit("番"), minor_text,
                                         pl.lit("号")])))
    address = pl.concat_str([pl.col(PREFECTURE), pl.col(MUNICIPALITY), pl.col("町字"), chome_text, numbers])
    return frame.select(PREFECTURE, MUNICIPALITY, address.alias(ADDRESS))


def generate_population(n: int, *, seed: int = 0, deleted_rate: float = 0.01, blank_rate: float = 0.003,
                        error_rate: float = 0.002) -> pl.DataFrame:
    """``n`` synthetic residents: 個人番号 + 基本4情報 and 世帯番号, 状態, 都道府県, 市区町村, 住基空欄 (module
    docstring).

    Rows come household by household (head first); 生年月日 is ``pl.Date``, 性別 ``"1"`` 男 / ``"2"`` 女.

    >>> generate_population(3, seed=7).equals(generate_population(3, seed=7))
    True
    """
    rng = np.random.default_rng(seed)
    kinds, member_of, role = _households(n, rng)
    count = kinds.size
    lo = np.array([t[2] for t in _HOUSEHOLD_TYPES])[kinds]
    hi = np.array([t[3] for t in _HOUSEHOLD_TYPES])[kinds]
    head = _years(rng, lo, hi)
    spouse = np.clip(head + np.clip(np.rint(rng.normal(0, 3, count)), -12, 12).astype(int), FIRST_YEAR, 2004)
    # children are born 20–40 years after the younger parent
    parent = np.where(np.isin(kinds, [2, 3, 4, 7]), np.maximum(head, spouse), head)[member_of]
    head_year = head[member_of]
    gap = (rng.random(n) * 21).astype(int)
    year = np.select(
        [role == _SPOUSE, role == _CHILD, role == _ELDER],
        [spouse[member_of],
         parent + 20 + np.minimum(gap, LAST_YEAR - parent - 20),
         head_year - 20 - np.minimum(gap, head_year - 1940)],
        head_year,
    )
    couple = np.isin(kinds, [1, 2, 3, 4, 7])[member_of]
    head_male = np.where(couple, 0.9, np.where(np.isin(kinds, [5, 6])[member_of], 0.15, 0.5))
    is_male = rng.random(n) < np.select([role == _CHILD, role == _ELDER], [0.51, 0.3], head_male)
    first_head = np.flatnonzero(role == _HEAD)
    is_male = np.where(role == _SPOUSE, ~is_male[first_head[member_of]], is_male)
    birth = _day_in_year(rng, year)
    given = _given_names(rng, is_male, year)
    # twins: the first two children of a household with ≥2 children, different given names and readings
    twin_household = (rng.random(count) < _TWIN_SHARE)[member_of]
    first_child = (role == _CHILD) & (np.roll(role, 1) != _CHILD)
    twin_a = np.flatnonzero(first_child & twin_household)
    twin_a = twin_a[(twin_a + 1 < n)]
    twin_a = twin_a[(role[twin_a + 1] == _CHILD) & (member_of[twin_a + 1] == member_of[twin_a])]
    birth[twin_a + 1] = birth[twin_a]
    other, reading = _next_other_reading()
    twin_b = twin_a + 1
    clash = reading[given[twin_b]] == reading[given[twin_a]]
    given[twin_b[clash]] = other[given[twin_a[clash]]]

    forms, form = _surname_forms(rng, count)
    gaiji = np.where(rng.random(count) < _GAIJI_SHARE, (rng.random(count) * 0x758).astype(int), -1)
    homes = _addresses(rng, count)
    givens = (*_names.MALE_TABLE, *_names.FEMALE_TABLE)
    people = pl.DataFrame({
        "姓": pl.Series([f[0] for f in forms]).gather(form[member_of]),
        "セイ": pl.Series([f[1] for f in forms]).gather(form[member_of]),
        "名": pl.Series([g.kanji for g in givens]).gather(given),
        "メイ": pl.Series([g.kana for g in givens]).gather(given),
        "外字": pl.Series([chr(0xE000 + c) for c in range(0x758)]).gather(
            pl.Series(gaiji[member_of]).replace(-1, None)),
        HOUSEHOLD: member_of + 1,
    })
    surname = pl.when(pl.col("外字").is_null()).then(pl.col("姓")).otherwise(
        pl.concat_str([pl.col("外字"), pl.col("姓").str.slice(1)]))
    homes = homes[member_of]
    pop = pl.DataFrame({
        MY_NUMBER: number_strings(_unique_payloads(n, rng)),
        KANJI_NAME: people.select(pl.concat_str([surname, pl.lit(IDEOGRAPHIC_SPACE), pl.col("名")])).to_series(),
        KANA_NAME: people.select(pl.concat_str([pl.col("セイ"), pl.lit(IDEOGRAPHIC_SPACE), pl.col("メイ")])).to_series(),
        BIRTH_DATE: pl.Series(birth.astype(np.int32)).cast(pl.Date),
        SEX: pl.Series([FEMALE, MALE]).gather(is_male.astype(np.int64)),
        ADDRESS: homes[ADDRESS],
        HOUSEHOLD: people[HOUSEHOLD],
        STATUS: pl.Series([RESIDENT, DELETED]).gather((rng.random(n) < deleted_rate).astype(np.int64)),
        PREFECTURE: homes[PREFECTURE],
        MUNICIPALITY: homes[MUNICIPALITY],
    })
    return _plant_registry_edges(pop, np.random.default_rng([seed, 0x5A4B]), blank_rate, error_rate)


def _plant_registry_edges(pop: pl.DataFrame, rng: np.random.Generator, blank_rate: float,
                          error_rate: float) -> pl.DataFrame:
    """住基空欄 (blank items of the register) and 照会エラー among the residents (module docstring)."""
    n = pop.height
    living = (pop[STATUS] == RESIDENT).to_numpy()
    draw = rng.random(n)
    blank = living & (draw < blank_rate)
    fails = living & ~blank & (draw >= blank_rate) & (draw < blank_rate + error_rate)
    item = pl.Series([KANA_NAME, BIRTH_DATE]).gather((rng.random(n) < 0.4).astype(np.int64))
    return pop.with_columns(
        pl.when(pl.Series(fails)).then(pl.lit(INQUIRY_FAILS)).otherwise(pl.col(STATUS)).alias(STATUS),
        pl.when(pl.Series(blank)).then(item).otherwise(None).alias(REGISTRY_BLANK),
    )


def register(pop: pl.DataFrame) -> pl.DataFrame:
    """The register of ``pop`` as a J-LIS result gives it: the standard columns (生年月日 as text) and 照会結果 —
    該当 with the 住基空欄 item blank, or 消除者 / 照会エラー with no 4情報.

    >>> reg = register(generate_population(3000, seed=3))
    >>> sorted(reg["照会結果"].unique())
    ['消除者', '照会エラー', '該当']
    """
    status = (pl.when(pl.col(STATUS) == DELETED).then(pl.lit(INQUIRY_DELETED))
              .when(pl.col(STATUS) == INQUIRY_FAILS).then(pl.lit(INQUIRY_ERROR)).otherwise(pl.lit(INQUIRY_FOUND)))
    found = status == INQUIRY_FOUND
    return pop.with_columns(pl.col(BIRTH_DATE).cast(pl.String)).select(
        pl.col(MY_NUMBER),
        *(pl.when(found & (pl.col(REGISTRY_BLANK).fill_null("") != c)).then(pl.col(c)).alias(c)
          for c in STANDARD if c != MY_NUMBER),
        status.alias(INQUIRY_RESULT),
    )
