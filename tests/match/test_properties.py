"""Properties of the whole check on generated data.

Notation-only changes never change a row's class: rows that differ from the register only in notation are A,
and rows with a planted B/C/E kind keep that class whatever notation variant is layered on top
(``business_copy`` combines them, e.g. ``番地違い+カナ半角``). The answer key is exact for each planted kind.

The registry is the register as a J-LIS result gives it (:func:`himozuke.testing.population.register`: 消除者 and
照会エラー answered as such, blank items blank), and every edge case the rules treat specially — unreadable dates,
unknown sex codes, registry blanks, a 市区町村 name two prefectures have, an unknown 市区町村, 照会エラー / 該当なし /
消除者 — is met in every example (assumed: a rate rounded to no row for every seed leaves no example, which fails).
"""

from __future__ import annotations

from dataclasses import fields

import polars as pl
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from himozuke.formats import columns as C
from himozuke.match.engine import check_frames
from himozuke.testing.perturb import DEFAULT, EXPECTED, KINDS, PLANTED, Perturbation, business_copy
from himozuke.testing.population import generate_population, register

NOTATION = [k.field for k in KINDS if k.verdict == "A" and k.field in {f.name for f in fields(Perturbation)}]
POP = generate_population(1_500, seed=99)
REGISTRY = register(POP)
#: The planted kinds of the edge cases (``perturb.KINDS`` labels), each to be met by every example.
EDGE_CASES = ("生年月日読めず", "性別コード不明", "住基空欄", "同名市区町村", "市区町村不明", "照会エラー", "番号該当なし", "消除者")
#: The reasons they must reach — the rule that treats each specially, not merely the class.
EDGE_REASONS = ("birth.unreadable_business", "sex.unknown_business", "kana.missing_registry", "birth.missing_registry",
                "address.city_ambiguous", "address.city_unknown", "registry.error", "registry.not_in_file",
                "registry.deleted")


def run(business: pl.DataFrame) -> pl.DataFrame:
    rows = business.with_row_index(C.ROW, offset=2).with_columns(pl.col(C.ROW).cast(pl.Int64))
    result = check_frames(rows.select(C.ROW, *C.STANDARD), REGISTRY)
    return rows.select(C.ROW, PLANTED, EXPECTED).join(result.select(C.ROW, C.VERDICT, C.REASONS), on=C.ROW)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), heavy=st.lists(st.sampled_from(NOTATION), min_size=1, max_size=4, unique=True))
def test_notation_only_changes_never_change_the_class(seed, heavy):
    rates = Perturbation(**{**{f.name: 0.0 for f in fields(Perturbation)}, **dict.fromkeys(heavy, 0.2)})
    out = run(business_copy(POP, seed=seed, rates=rates))
    wrong = out.filter(pl.col(C.VERDICT) != "A").filter(pl.col(EXPECTED) == "A")
    assert wrong.height == 0, wrong.head(5).to_dicts()


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000))
def test_every_planted_kind_gets_its_class(seed):
    out = run(business_copy(POP, seed=seed, rates=DEFAULT))
    wrong = out.filter(pl.col(C.VERDICT) != pl.col(EXPECTED))
    assert wrong.height == 0, wrong.head(5).to_dicts()
    assert out.height == POP.height  # rows in == A + B + C + E
    planted = out.get_column(PLANTED).str.split("+").explode().value_counts()
    met = dict(planted.iter_rows())
    # a seed whose draws leave a rare edge case unplanted (1 in thousands: 4707 leaves 同名市区町村 out) tests
    # nothing about it; a rate that plants it for no seed still fails, as unsatisfiable
    assume(all(met.get(label, 0) > 0 for label in EDGE_CASES))
    reasons = set(out.get_column(C.REASONS).drop_nulls().str.split(";").explode().to_list())
    assert set(EDGE_REASONS) <= reasons, set(EDGE_REASONS) - reasons
