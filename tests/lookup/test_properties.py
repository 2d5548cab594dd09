"""Properties of the 4-information lookup on a synthetic population (twins, households, 異体字, 外字 included).

1. The true person is always among the candidates when the items are written with the notation variants
   「総点検マニュアル」第2.1版 §7(6) A allows — also when 性別 or カナ氏名 was never collected (a 3情報 or
   漢字-only inquiry).
2. A candidate set never holds a person whose items differ beyond that tolerance: a record changed the way the
   check calls B or C (a 漢字 typo, another 町字 or 番地, another 生年月日 or 性別, a new name, a move) does not
   find its person; and every candidate the lookup gives is 一致 / 表記ゆれ一致 on every item it compared
   when ``check`` compares the application with that candidate's register row.
"""

from __future__ import annotations

from dataclasses import fields

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from himozuke.formats import columns as C
from himozuke.match.engine import check_frames
from himozuke.match.lookup import CANDIDATES, USED, load_register, lookup_frame
from himozuke.testing.perturb import LABEL, PLANTED, Perturbation, business_copy
from himozuke.testing.population import generate_population

NOTATION = ("kana_halfwidth", "kana_hiragana", "kana_seion", "name_no_space", "name_halfwidth_space", "kanji_variant",
            "gaiji_geta", "address_hyphen", "address_no", "chome_digits", "no_prefecture", "no_gun",
            "halfwidth_digits", "birth_wareki", "birth_wareki_short", "birth_slash", "sex_kanji")
#: items left out: still the same person, asked with fewer items
FEWER = ("kana_missing", "sex_missing")
#: beyond the tolerance (the check's B or C on the person's own number)
BEYOND = ("kanji_typo", "machiaza_changed", "banchi_changed", "birth_typo", "sex_flipped", "married_name",
          "moved_away")
_ZERO = {f.name: 0.0 for f in fields(Perturbation)}


@pytest.fixture(scope="module")
def pop() -> pl.DataFrame:
    return generate_population(2_500, seed=19, deleted_rate=0.0)


@pytest.fixture(scope="module")
def register(pop):
    return load_register(pop.select(*C.STANDARD))


def _applications(pop: pl.DataFrame, seed: int, rates: dict[str, float]) -> pl.DataFrame:
    """A business copy with only the given kinds planted; 行番号 from 2; the true 個人番号 kept aside."""
    biz = business_copy(pop, seed=seed, rates=Perturbation(**{**_ZERO, **rates}))
    return biz.with_columns(pl.int_range(2, biz.height + 2, dtype=pl.Int64).alias(C.ROW))


def _found(apps: pl.DataFrame, register) -> pl.DataFrame:
    result = lookup_frame(apps.select(C.ROW, *C.ITEMS), register)
    assert result.get_column(C.ROW).unique().len() == apps.height  # every application ends in an outcome
    return result


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 2**16), kinds=st.sets(st.sampled_from(NOTATION + FEWER), min_size=1, max_size=6),
       rate=st.floats(0.02, 0.15))
def test_the_true_person_is_always_a_candidate(pop, register, seed, kinds, rate):
    apps = _applications(pop, seed, dict.fromkeys(kinds, rate))
    result = _found(apps, register)
    hits = result.filter(pl.col(CANDIDATES) > 0).select(C.ROW, C.MY_NUMBER)
    truth = apps.select(C.ROW, C.MY_NUMBER, PLANTED)
    missed = truth.join(hits, on=[C.ROW, C.MY_NUMBER], how="anti")
    assert missed.height == 0, missed.head(5)


def test_the_variants_are_really_planted(pop, register):
    """The property above is not vacuous: with every kind at once, most rows carry a variant, and all are found."""
    apps = _applications(pop, 7, dict.fromkeys(NOTATION + FEWER, 0.045))
    assert apps.filter(pl.col(PLANTED) != "").height > apps.height * 0.6
    found = _found(apps, register).filter(pl.col(CANDIDATES) > 0)
    assert apps.join(found, on=[C.ROW, C.MY_NUMBER], how="anti").height == 0


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**16), kinds=st.sets(st.sampled_from(BEYOND), min_size=1, max_size=4),
       notation=st.sets(st.sampled_from(NOTATION), max_size=3))
def test_no_candidate_differs_beyond_the_tolerance(pop, register, seed, kinds, notation):
    apps = _applications(pop, seed, {**dict.fromkeys(kinds, 0.1), **dict.fromkeys(notation, 0.05)})
    result = _found(apps, register)
    changed = apps.filter(pl.col(PLANTED).str.contains("|".join(LABEL[k] for k in kinds)))
    assert changed.height > 0
    # the person of a changed record is not found (its own number is never a candidate)
    wrongly = changed.select(C.ROW, C.MY_NUMBER).join(result.select(C.ROW, C.MY_NUMBER), on=[C.ROW, C.MY_NUMBER])
    assert wrongly.height == 0, wrongly
    # every candidate given is, by the check itself, 一致 / 表記ゆれ一致 on each item the inquiry used
    cands = result.filter(pl.col(CANDIDATES) > 0)
    pairs = cands.select(pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias(C.ROW), C.MY_NUMBER,
                         *(pl.col(C.business(i)).alias(i) for i in C.ITEMS), USED)
    checked = check_frames(pairs.drop(USED), register.rows.select(
        C.MY_NUMBER, *(pl.col(C.registry(i)).alias(i) for i in C.ITEMS)))
    verdicts = checked.join(pairs.select(C.ROW, USED), on=C.ROW)
    for item in C.ITEMS:
        bad = verdicts.filter(pl.col(USED).str.contains(item)
                              & ~pl.col(C.item_verdict(item)).is_in(["一致", "表記ゆれ一致"]))
        assert bad.height == 0, (item, bad.select(C.ROW, C.item_verdict(item), C.REASONS).head())
