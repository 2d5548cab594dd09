"""Real addresses nobody tuned on (issue #16 §2): every 町域 of Japan Post's data, the same place written two ways
and a different place beside it (himozuke.testing.address_corpus).

The same place in any notation a business system uses is 住所 表記ゆれ一致 — A — and a different real place
(another number, another 町字, another 市区町村, a shared 市区町村 name at a body in the other prefecture) is never
A. The rates are in docs/address.md (``.venv/bin/python benchmarks/address_corpus.py``).
"""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from himozuke.testing import address_corpus as A


@pytest.fixture(scope="module")
def rates() -> tuple[pl.DataFrame, pl.DataFrame]:
    return A.rates()


def test_every_town_written_another_way_is_a(rates):
    same, _ = rates
    by = dict(zip(same[A.NOTATION], same["A率"], strict=True))
    assert by["計"] >= 0.999
    low = {k: round(v, 4) for k, v in by.items() if v < 0.998 and k != "都道府県なし（団体の都道府県も不明）"}
    assert low == {}
    assert same.filter(pl.col(A.NOTATION) != "計")["組"].min() >= 100  # every notation met, not a handful


def test_a_different_real_place_is_never_a(rates):
    _, other = rates
    assert dict(zip(other[A.KIND], other["A"], strict=True)) == dict.fromkeys(other[A.KIND], 0)
    assert set(other[A.KIND]) == {"別の番地", "別の丁目", "別の町字", "別の市区町村", "同名の別の市区町村（都道府県なし）", "計"}


def test_a_shared_name_without_a_home_prefecture_is_never_assumed(rates):
    same, _ = rates
    row = same.filter(pl.col(A.NOTATION) == "都道府県なし（団体の都道府県も不明）").row(0, named=True)
    assert 0.95 < row["A率"] < 1.0  # the 府中市, 北区, 伊達市 … of the corpus are 市区町村不一致, the rest A


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 10**9), min_size=1, max_size=60))
def test_any_towns_any_notation(picks):
    """Random towns (each with the notation its key picks, and the different places beside it)."""
    towns = A.towns()
    frame = towns[[p % towns.height for p in picks]].unique(maintain_order=True)
    same = A.judge(A.same_place_pairs(frame))
    other = A.judge(A.different_place_pairs(frame))
    assert other.filter(pl.col("判定") == "A").height == 0, other.filter(pl.col("判定") == "A").to_dicts()
    misses = same.filter(pl.col("判定") != "A")
    assert misses.height <= max(1, same.height // 100), misses.to_dicts()
