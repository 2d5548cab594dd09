"""business_copy: planted kinds, their rates, and an answer key that follows manual §7(6)."""

from __future__ import annotations

import random
from dataclasses import fields, replace

import numpy as np
import polars as pl
import pytest

from himozuke import mynumber
from himozuke.formats.columns import ADDRESS, BIRTH_DATE, KANA_NAME, KANJI_NAME, MY_NUMBER, SEX, STANDARD
from himozuke.match.classify import Verdict
from himozuke.testing.perturb import (
    DEFAULT,
    EXPECTED,
    KINDS,
    LABEL,
    PLANTED,
    Perturbation,
    business_copy,
    mistyped_numbers,
)
from himozuke.testing.population import DELETED, STATUS, generate_population
from himozuke.text.kanji import kanji_names_equal

N = 200_000  # also the vectorisation check: per-row Python would not fit the test budget


@pytest.fixture(scope="module")
def pop() -> pl.DataFrame:
    return generate_population(N, seed=21)


@pytest.fixture(scope="module")
def biz(pop: pl.DataFrame) -> pl.DataFrame:
    return business_copy(pop, seed=21)


def _kind(biz: pl.DataFrame, label: str) -> pl.DataFrame:
    return biz.filter(pl.col(PLANTED).str.split("+").list.contains(label))


def _joined(biz: pl.DataFrame, pop: pl.DataFrame, label: str) -> pl.DataFrame:
    """Rows of one kind side by side with the register record of the number they carry."""
    return _kind(biz, label).join(pop, on=MY_NUMBER, how="left", suffix="_住基")


def test_same_people_same_columns(pop: pl.DataFrame, biz: pl.DataFrame) -> None:
    assert biz.columns == [*STANDARD, PLANTED, EXPECTED]
    assert biz.height == pop.height
    assert biz[MY_NUMBER].n_unique() == N  # swaps and new numbers never duplicate one


def test_shuffled_and_deterministic(pop: pl.DataFrame) -> None:
    small = pop.head(3000)
    a, b = business_copy(small, seed=1), business_copy(small, seed=1)
    assert a.equals(b)
    assert not a.equals(business_copy(small, seed=2))
    assert (a[MY_NUMBER] != small[MY_NUMBER]).mean() > 0.9


def test_no_perturbation_gives_all_a_except_deleted(pop: pl.DataFrame) -> None:
    none = Perturbation(**{f.name: 0.0 for f in fields(Perturbation)})
    plain = business_copy(pop.head(5000), rates=none)
    deleted = (pop.head(5000)[STATUS] == DELETED).sum()
    assert (plain[PLANTED] == DELETED).sum() == deleted
    assert (plain.filter(pl.col(PLANTED) == "")[EXPECTED] == "A").all()
    same = plain.filter(pl.col(PLANTED) == "").join(pop, on=MY_NUMBER, suffix="_住基")
    assert (same[KANJI_NAME] == same[f"{KANJI_NAME}_住基"]).all()
    assert (same[ADDRESS] == same[f"{ADDRESS}_住基"]).all()


def test_overall_mix_is_near_the_national_picture(biz: pl.DataFrame) -> None:
    share = dict(biz[EXPECTED].value_counts(normalize=True).iter_rows())
    assert 0.84 <= share["A"] <= 0.89  # 点検支援ツール: A 87 % / B 7 % / C 5 % (seed 004)
    assert 0.06 <= share["B"] <= 0.08
    assert 0.04 <= share["C"] <= 0.06


@pytest.mark.parametrize("kind", [k for k in KINDS if k.field in {f.name for f in fields(Perturbation)}],
                         ids=lambda k: k.label)
def test_rate_and_class_of_each_kind(biz: pl.DataFrame, kind) -> None:
    rows = _kind(biz, kind.label)
    rate = getattr(DEFAULT, kind.field)
    # capped by eligibility (同名市区町村: residents of 広島県's 府中市, ~0.1 %)
    limited = kind.field in {"gaiji_geta", "no_gun", "kanji_variant", "twins_swapped", "same_city_name"}
    assert rows.height > 0
    assert rows.height <= round(rate * N) + 1
    if not limited:
        assert rows.height >= 0.9 * rate * N
    if kind.verdict is not Verdict.A:
        assert (rows[EXPECTED] == str(kind.verdict)).all()


def test_rates_follow_the_dataclass(pop: pl.DataFrame) -> None:
    more = business_copy(pop.head(20_000), rates=replace(DEFAULT, sex_flipped=0.05))
    assert (more[PLANTED].str.starts_with(LABEL["sex_flipped"])).sum() == 1000


@pytest.mark.parametrize(("label", "pattern", "column"), [
    pytest.param("カナ半角", r"^[ｦ-ﾟ]+ [ｦ-ﾟ]+$", KANA_NAME, id="ﾔﾏｻﾞｷ"),
    pytest.param("カナひらがな", r"^[ぁ-んー]+\u3000[ぁ-んー]+$", KANA_NAME, id="やまざき"),
    pytest.param("氏名空白なし", r"^[^\s\u3000]+$", KANJI_NAME, id="空白なし"),
    pytest.param("氏名半角空白", r"^\S+ \S+$", KANJI_NAME, id="半角空白"),
    pytest.param("外字→〓", "〓", KANJI_NAME, id="外字は〓"),
    pytest.param("住所ハイフン", r"[０-９]+(－[０-９]+)*$", ADDRESS, id="§7(6)A注12-１－１－１"),
    pytest.param("住所「の」", r"[０-９]+(の[０-９]+)*$", ADDRESS, id="５の４の３"),
    pytest.param("丁目算用数字", r"[０-９]+丁目", ADDRESS, id="１丁目"),
    pytest.param("住所半角数字", r"[0-9]", ADDRESS, id="半角数字"),
    pytest.param("和暦", r"^(大正|昭和|平成|令和)(元|[0-9]+)年[0-9]+月[0-9]+日$", BIRTH_DATE, id="昭和50年1月2日"),
    pytest.param("和暦略記", r"^[TSHR][0-9]+\.[0-9]+\.[0-9]+$", BIRTH_DATE, id="S50.1.2"),
    pytest.param("西暦スラッシュ", r"^[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}$", BIRTH_DATE, id="1975/1/2"),
    pytest.param("性別漢字", r"^[男女]$", SEX, id="男女"),
])
def test_notation_variants_look_as_planted(biz: pl.DataFrame, label: str, pattern: str, column: str) -> None:
    rows = _kind(biz, label)
    assert rows[column].str.contains(pattern).all(), rows[column].head(3).to_list()
    assert (rows.filter(pl.col(PLANTED) == label)[EXPECTED] == "A").all()


def test_variant_glyphs_become_standard_and_stay_equal(pop: pl.DataFrame, biz: pl.DataFrame) -> None:
    rows = _joined(biz, pop, "異体字→標準字体").filter(pl.col(PLANTED) == "異体字→標準字体")
    assert not rows[KANJI_NAME].str.contains("[髙﨑邊邉齋澤濵濱]").any()
    assert all(kanji_names_equal(a, b) for a, b in zip(rows[KANJI_NAME], rows[f"{KANJI_NAME}_住基"], strict=True))


def test_kana_seion_drops_dakuten_but_not_di_du(biz: pl.DataFrame) -> None:
    rows = _kind(biz, "カナ清音").filter(pl.col(PLANTED) == "カナ清音")
    assert not rows[KANA_NAME].str.contains("[ガギグゲゴザジズゼゾダデドバビブベボパピプペポ]").any()


def test_prefecture_and_gun_omitted(pop: pl.DataFrame, biz: pl.DataFrame) -> None:
    pref = _joined(biz, pop, "都道府県省略")
    assert pref.select(~pl.col(ADDRESS).str.starts_with(pl.col("都道府県"))).to_series().all()
    gun = _joined(biz, pop, "郡省略")
    assert not gun[ADDRESS].str.contains("郡").any()


def test_kanji_typo_is_not_a_variant(pop: pl.DataFrame, biz: pl.DataFrame) -> None:
    rows = _joined(biz, pop, "漢字氏名誤字").filter(pl.col(PLANTED) == "漢字氏名誤字").head(500)
    assert not any(kanji_names_equal(a, b) for a, b in zip(rows[KANJI_NAME], rows[f"{KANJI_NAME}_住基"],
                                                            strict=True))
    assert (rows[KANA_NAME] == rows[f"{KANA_NAME}_住基"]).all()


def test_machiaza_and_banchi_changes_stay_in_the_municipality(pop: pl.DataFrame, biz: pl.DataFrame) -> None:
    for label in ("町字違い", "番地違い"):
        rows = _joined(biz, pop, label).filter(pl.col(PLANTED) == label)
        prefix = pl.concat_str(["都道府県", "市区町村"])
        assert rows.select(pl.col(ADDRESS).str.starts_with(prefix)).to_series().all()
        assert (rows[ADDRESS] != rows[f"{ADDRESS}_住基"]).all()
    machiaza = _joined(biz, pop, "町字違い").filter(pl.col(PLANTED) == "町字違い").select(
        pl.col(ADDRESS).str.slice(pl.col("都道府県").str.len_chars() + pl.col("市区町村").str.len_chars(), 2),
        pl.col(f"{ADDRESS}_住基").str.slice(pl.col("都道府県").str.len_chars()
                                          + pl.col("市区町村").str.len_chars(), 2).alias("r"))
    assert (machiaza[ADDRESS] != machiaza["r"]).all()  # §7(6) A 注11: the first two characters differ


def test_c_kinds_differ_where_the_manual_looks(pop: pl.DataFrame, biz: pl.DataFrame) -> None:
    moved = _joined(biz, pop, "転出未届").filter(pl.col(PLANTED) == "転出未届")
    assert moved.select(~pl.col(ADDRESS).str.contains(pl.col("市区町村"), literal=True)).to_series().all()
    assert (moved[KANA_NAME] == moved[f"{KANA_NAME}_住基"]).all()
    married = _joined(biz, pop, "婚姻改姓未届").filter(pl.col(PLANTED) == "婚姻改姓未届")
    assert (married[KANA_NAME] != married[f"{KANA_NAME}_住基"]).all()
    assert (married[SEX] == "2").all()
    birth = _joined(biz, pop, "生年月日誤り").filter(pl.col(PLANTED) == "生年月日誤り")
    assert (birth[BIRTH_DATE] != birth[f"{BIRTH_DATE}_住基"].dt.to_string("%Y-%m-%d")).all()
    for label, column in (("カナ未収集", KANA_NAME), ("性別未収集", SEX)):
        assert _kind(biz, label)[column].is_null().all()


@pytest.mark.parametrize("label", ["家族の番号", "双子取違え", "同姓同名の番号"])
def test_swaps_carry_another_persons_number(pop: pl.DataFrame, biz: pl.DataFrame, label: str) -> None:
    assert _kind(biz, label).height % 2 == 0  # pairs
    rows = _joined(biz, pop, label).filter(pl.col(PLANTED) == label)
    assert rows.height > 0
    other = (rows[KANA_NAME] != rows[f"{KANA_NAME}_住基"]) | (rows[SEX] != rows[f"{SEX}_住基"]) | (
        rows[BIRTH_DATE] != rows[f"{BIRTH_DATE}_住基"].dt.to_string("%Y-%m-%d"))
    assert other.all()
    if label == "双子取違え":
        assert (rows[BIRTH_DATE] == rows[f"{BIRTH_DATE}_住基"].dt.to_string("%Y-%m-%d")).all()
    if label == "同姓同名の番号":
        assert (rows[KANJI_NAME].str.replace(" ", "\u3000") == rows[f"{KANJI_NAME}_住基"]).sum() > 0


def test_e_kinds(pop: pl.DataFrame, biz: pl.DataFrame) -> None:
    typo = _kind(biz, "番号誤入力")
    assert not typo.select(mynumber.is_valid_expr(pl.col(MY_NUMBER))).to_series().any()
    unknown = _kind(biz, "番号該当なし")
    assert unknown.select(mynumber.is_valid_expr(pl.col(MY_NUMBER))).to_series().all()
    assert not unknown[MY_NUMBER].is_in(pop[MY_NUMBER].implode()).any()
    deleted = _joined(biz, pop, DELETED)
    assert (deleted[STATUS] == DELETED).all() and (deleted[EXPECTED] == "E").all()


def test_mistyped_numbers_change_one_digit() -> None:
    rng = np.random.default_rng(0)
    good = pl.Series([mynumber.generate(random.Random(i)) for i in range(200)])
    bad = mistyped_numbers(good, rng)
    assert not any(mynumber.is_valid(b) for b in bad)
    assert all(sum(x != y for x, y in zip(g, b, strict=True)) == 1 for g, b in zip(good, bad, strict=True))


def test_every_label_is_unique_and_answer_classes_are_verdicts() -> None:
    labels = [k.label for k in KINDS]
    assert len(labels) == len(set(labels)) and "" not in labels
    assert all("+" not in label for label in labels)
    assert {k.verdict for k in KINDS} == set(Verdict)


def test_edge_cases_look_as_planted(pop: pl.DataFrame, biz: pl.DataFrame) -> None:
    """The values the rules treat specially: unreadable dates, unknown sex codes, a 市区町村 no table knows, 府中市 of
    広島県 without its prefecture; every 住基空欄 and 照会エラー resident carried with its kind."""
    from himozuke.testing.population import INQUIRY_FAILS, REGISTRY_BLANK

    assert set(_kind(biz, "生年月日読めず")[BIRTH_DATE].unique()) <= {"S6x.13.01", "1985-13-45", "不詳", "昭和不詳"}
    assert set(_kind(biz, "性別コード不明")[SEX].unique()) <= {"9", "0", "X", "不明"}
    assert _kind(biz, "市区町村不明")[ADDRESS].str.contains("架空[市区町村]").all()
    same = _joined(biz, pop, "同名市区町村")
    assert same.height and (same["都道府県"] == "広島県").all() and same[ADDRESS].str.starts_with("府中市").all()
    assert not _kind(biz, "都道府県省略")[ADDRESS].str.starts_with("府中市").any()
    for label, rows in (("住基空欄", pop.filter(pl.col(REGISTRY_BLANK).is_not_null())),
                        (INQUIRY_FAILS, pop.filter(pl.col(STATUS) == INQUIRY_FAILS))):
        assert set(_kind(biz, label)[MY_NUMBER].to_list()) == set(rows[MY_NUMBER].to_list()), label
