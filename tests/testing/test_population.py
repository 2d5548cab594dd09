"""The synthetic 住民基本台帳: valid unique numbers, households, twins, 異体字, 外字, 消除者, addresses."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from himozuke import mynumber
from himozuke.formats.columns import ADDRESS, BIRTH_DATE, KANA_NAME, KANJI_NAME, MY_NUMBER, SEX, STANDARD
from himozuke.testing import _names
from himozuke.testing.population import (
    DELETED,
    HOUSEHOLD,
    INQUIRY_FAILS,
    MUNICIPALITY,
    PREFECTURE,
    REGISTRY_BLANK,
    STATUS,
    check_digits,
    generate_population,
    kanji_numeral,
    register,
)

N = 200_000  # also the vectorisation check: a per-row Python loop would not finish in the test budget


@pytest.fixture(scope="module")
def pop() -> pl.DataFrame:
    return generate_population(N, seed=11)


def test_columns_and_types(pop: pl.DataFrame) -> None:
    assert pop.columns == [*STANDARD, HOUSEHOLD, STATUS, PREFECTURE, MUNICIPALITY, REGISTRY_BLANK]
    assert pop.height == N
    assert pop.schema[BIRTH_DATE] == pl.Date
    assert pop.drop(REGISTRY_BLANK).null_count().sum_horizontal().item() == 0


def test_numbers_are_valid_and_unique(pop: pl.DataFrame) -> None:
    assert pop[MY_NUMBER].n_unique() == N
    assert pop.select(mynumber.is_valid_expr(pl.col(MY_NUMBER))).to_series().all()


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=10**11 - 1))
def test_check_digits_agree_with_mynumber(payload: int) -> None:
    assert check_digits(np.array([payload]))[0] == mynumber.check_digit(f"{payload:011d}")


def test_deterministic_by_seed() -> None:
    assert generate_population(2000, seed=3).equals(generate_population(2000, seed=3))
    assert not generate_population(2000, seed=3).equals(generate_population(2000, seed=4))


@pytest.mark.parametrize("n", [0, 1, 2, 7])
def test_tiny_sizes(n: int) -> None:
    assert generate_population(n, seed=0).height == n


def test_names_are_surname_space_given(pop: pl.DataFrame) -> None:
    for col in (KANJI_NAME, KANA_NAME):
        assert (pop[col].str.count_matches("\u3000") == 1).all()
    assert pop[KANA_NAME].str.contains(r"^[ァ-ヶー]+\u3000[ァ-ヶー]+$").all()


def test_sex_codes_and_birth_range(pop: pl.DataFrame) -> None:
    assert set(pop[SEX].unique()) == {"1", "2"}
    years = pop[BIRTH_DATE].dt.year()
    assert years.min() >= 1920 and years.max() <= 2024
    assert 15 <= years.std() <= 30  # a realistic spread, not a narrow band


def test_given_name_is_consistent_with_sex(pop: pl.DataFrame) -> None:
    male = {g.kanji for g in _names.MALE_TABLE} - {g.kanji for g in _names.FEMALE_TABLE}
    given = pop[KANJI_NAME].str.split("\u3000").list.last()
    assert (pop.filter(given.is_in(list(male)))[SEX] == "1").all()


def test_households_share_surname_and_address(pop: pl.DataFrame) -> None:
    per = pop.with_columns(pl.col(KANJI_NAME).str.split("\u3000").list.first().alias("姓")).group_by(
        HOUSEHOLD).agg(pl.len(), pl.col("姓").n_unique().alias("姓数"), pl.col(ADDRESS).n_unique().alias("住所数"))
    assert (per["姓数"] == 1).all() and (per["住所数"] == 1).all()
    assert 2.0 <= per["len"].mean() <= 2.5  # 平均世帯人員 ≈ 2.2


def test_generations_are_20_to_40_years_apart(pop: pl.DataFrame) -> None:
    year = pl.col(BIRTH_DATE).dt.year()
    gap = pop.select((year - year.first().over(HOUSEHOLD)).abs()).to_series()
    assert gap.filter((gap > 12) & (gap < 20)).len() == 0
    assert gap.max() <= 52  # a child 20–40 after the younger parent; the spouse may be 12 years older


def test_twins_exist_with_different_names(pop: pl.DataFrame) -> None:
    twins = pop.filter(pl.len().over(HOUSEHOLD, BIRTH_DATE) == 2)
    pairs = twins.group_by(HOUSEHOLD, BIRTH_DATE).agg(pl.col(KANJI_NAME).n_unique(), pl.col(KANA_NAME).n_unique())
    households = pop[HOUSEHOLD].n_unique()
    assert 0.003 <= pairs.height / households <= 0.008
    assert (pairs[KANJI_NAME] == 2).all() and (pairs[KANA_NAME] == 2).all()


def test_same_name_different_people(pop: pl.DataFrame) -> None:
    same = pop.filter(pl.len().over(KANJI_NAME) > 1)
    assert same.height > N // 10
    assert pop.filter(pl.col(KANJI_NAME) == "佐藤\u3000清").height >= 2


@pytest.mark.parametrize("pattern", [
    pytest.param("^髙橋\u3000", id="髙橋"), pytest.param("^渡邊\u3000", id="渡邊"),
    pytest.param("^渡邉\u3000", id="渡邉"), pytest.param("^山﨑\u3000", id="山﨑"),
    pytest.param("^齋藤\u3000", id="齋藤"), pytest.param("^澤田\u3000", id="澤田"),
    pytest.param("^濵田\u3000", id="濵田"),
])
def test_variant_surnames_occur(pop: pl.DataFrame, pattern: str) -> None:
    assert pop[KANJI_NAME].str.contains(pattern).sum() > 0


def test_readings_with_dakuten(pop: pl.DataFrame) -> None:
    assert (pop[KANA_NAME].str.starts_with("ヤマザキ\u3000")).sum() > 0


def test_gaiji_rate(pop: pl.DataFrame) -> None:
    gaiji = pop[KANJI_NAME].str.contains("[\ue000-\uf8ff]")
    assert 0.0002 <= gaiji.mean() <= 0.001


def test_deleted_rate(pop: pl.DataFrame) -> None:
    assert set(pop[STATUS].unique()) == {"住民", DELETED, INQUIRY_FAILS}
    assert 0.008 <= (pop[STATUS] == DELETED).mean() <= 0.012


def test_registry_edge_cases_are_planted_at_their_rates(pop: pl.DataFrame) -> None:
    """住基空欄 (~0.3 %: カナ氏名 or 生年月日) and 照会エラー (~0.2 %), among living residents only; the register as
    J-LIS answers holds the blank item blank and answers 消除者 and 照会エラー without 4情報."""
    blank = pop.filter(pl.col(REGISTRY_BLANK).is_not_null())
    assert 0.002 <= blank.height / N <= 0.004 and set(blank[REGISTRY_BLANK].unique()) == {KANA_NAME, BIRTH_DATE}
    assert 0.0015 <= (pop[STATUS] == INQUIRY_FAILS).mean() <= 0.0025
    assert (blank[STATUS] == "住民").all()
    reg = register(pop).with_columns(pop[REGISTRY_BLANK], pop[STATUS])
    blanked = reg.filter(pl.col(REGISTRY_BLANK).is_not_null())
    for item in (KANA_NAME, BIRTH_DATE):
        rows = blanked.filter(pl.col(REGISTRY_BLANK) == item)
        assert rows[item].is_null().all() and rows[KANJI_NAME].is_not_null().all()
    answered = dict(reg.group_by("照会結果").len().iter_rows())
    assert answered["消除者"] == (pop[STATUS] == DELETED).sum() and answered["照会エラー"] == (pop[STATUS] == INQUIRY_FAILS).sum()
    unanswered = reg.filter(pl.col("照会結果") != "該当")
    assert unanswered.select(pl.all_horizontal(pl.col(c).is_null() for c in STANDARD if c != MY_NUMBER)).to_series().all()


def test_a_municipality_name_two_prefectures_have(pop: pl.DataFrame) -> None:
    """府中市 (東京都 and 広島県): an address without its 都道府県 is ambiguous there."""
    fuchu = pop.filter(pl.col(MUNICIPALITY) == "府中市")
    assert set(fuchu[PREFECTURE].unique()) == {"東京都", "広島県"}


def test_address_is_prefecture_municipality_rest(pop: pl.DataFrame) -> None:
    prefix = pl.concat_str([pl.col(PREFECTURE), pl.col(MUNICIPALITY)])
    assert pop.select(pl.col(ADDRESS).str.starts_with(prefix)).to_series().all()
    assert not pop[ADDRESS].str.contains("[0-9]").any()  # the registry writes full-width digits
    munis = set(pop[MUNICIPALITY].unique())
    assert "横浜市中区" in munis and any("郡" in m for m in munis)


@pytest.mark.parametrize("pattern", [
    pytest.param(r"^東京都千代田区霞が関[一二三]丁目[０-９]+番[０-９]+号$", id="住居表示"),
    pytest.param(r"^神奈川県横浜市中区山下町[０-９]+番地([０-９]+)?$", id="地番"),
    pytest.param(r"郡[^郡]+町大字", id="郡の町"),
    pytest.param(r"丁目[０-９]+番地", id="丁目と番地"),
])
def test_address_notations(pop: pl.DataFrame, pattern: str) -> None:
    assert pop[ADDRESS].str.contains(pattern).sum() > 0


@pytest.mark.parametrize(("k", "text"), [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十")])
def test_kanji_numeral(k: int, text: str) -> None:
    assert kanji_numeral(k) == text


def test_tables_are_sized_and_clean() -> None:
    assert len(_names.SURNAME_TABLE) >= 180
    assert len(_names.MUNICIPALITY_TABLE) >= 40
    kanji = [s.kanji for s in _names.SURNAME_TABLE]
    assert len(kanji) == len(set(kanji))
    variants = {v for s in _names.SURNAME_TABLE for v, _ in s.variants}
    assert all(sum(r for _, r in s.variants) < 1 for s in _names.SURNAME_TABLE)
    # every variant glyph folds to its base form through the table the perturbation uses
    for s in _names.SURNAME_TABLE:
        for v, _ in s.variants:
            assert "".join(_names.VARIANT_TO_STANDARD.get(c, c) for c in v) == s.kanji, v
    assert not variants & set(kanji)
    assert not set(_names.PLAIN_KANJI) & set(_names.VARIANT_TO_STANDARD)
