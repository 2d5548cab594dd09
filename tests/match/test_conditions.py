"""The condition language reads every rule the same per column and per record (issue #19).

Each level of each item comparison, each classification rule and 優先度 tier, and each E reason of the registry
side is evaluated on the same prepared frame as a Polars expression (the check) and, row by row, as the value of
one record (``himozuke.verify``): the answers — true, false or null — are equal everywhere.
"""

from __future__ import annotations

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from himozuke.formats import columns as C
from himozuke.match import classify as K
from himozuke.match import evidence as ev
from himozuke.match.compare import COMPARISONS, ItemVerdict, prepare
from himozuke.match.conditions import AllOf, AnyOf, Col, Differ, Eq, IsTrue, Lit, Not, Truth
from himozuke.match.engine import REGISTRY_RULES

TEXTS = {
    C.KANJI_NAME: [None, "", "　", "山田　太郎", "山田太郎", "山田　次郎", "髙橋　一", "高橋　一", "〓田　太郎", "〓〓",
                   "渡邉　花子", "渡辺　花子"],
    C.KANA_NAME: [None, "", "不明", "ヤマダ　タロウ", "ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマタ　タロウ", "ヤマダ　ジロウ", "やまだ　たろう"],
    C.BIRTH_DATE: [None, "", "不詳", "1975-01-02", "S50.1.2", "1975-01-03", "1957-01-02", "1975-02-30", "2003-07-09"],
    C.SEX: [None, "", "0", "9", "1", "男", "2", "F"],
    C.ADDRESS: [None, "", "府中市宮町1-1", "東京都府中市宮町1-1", "広島県府中市府川町1-1", "東京都千代田区霞が関1-1-1",
                "東京都千代田区霞が関一丁目1番1号", "東京都千代田区霞ヶ関1-1-2", "東京都千代田区永田町1-1-1", "架空市1-1",
                "北海道札幌市中央区北1条西2丁目3", "北海道札幌市中央区北一条西二丁目3"],
}


@st.composite
def pairs(draw):
    return {col: draw(st.sampled_from(TEXTS[item])) for item in C.ITEMS for col in (C.business(item), C.registry(item))}


def _same(frame: pl.DataFrame, cond) -> None:
    column = frame.with_columns(cond.expr().alias("_c")).get_column("_c").to_list()
    one_by_one = [cond.value(r) for r in frame.to_dicts()]
    assert one_by_one == column, cond


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(pairs(), min_size=1, max_size=25), home=st.sampled_from([None, "東京都", "広島県"]))
def test_every_item_level_reads_the_same_per_column_and_per_record(rows, home):
    frame = prepare(pl.DataFrame(rows, schema={c: pl.String for c in rows[0]}), home)
    for cmp in COMPARISONS:
        for level in cmp.levels:
            _same(frame, level.condition)


VERDICTS = [None, *(str(v) for v in ItemVerdict)]


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.fixed_dictionaries({
    **{C.item_verdict(i): st.sampled_from(VERDICTS) for i in C.ITEMS},
    K.E_REASON: st.sampled_from([None, "number.check_digit"]),
    K.NUMBER_SHARED: st.sampled_from([None, True, False]),
    C.VERDICT: st.sampled_from([None, "A", "B", "C", "E"]),
    ev.GIVEN_DIFFERS: st.sampled_from([None, True, False]),
    ev.SURNAME_AGREES: st.sampled_from([None, True, False]),
    ev.BIRTH: st.sampled_from([None, "same", "typo", "far"]),
    "_registry_count": st.sampled_from([None, 1, 2]),
    C.INQUIRY_RESULT: st.sampled_from([*C.INQUIRY_STATUSES, "照会中"]),
}), min_size=1, max_size=20))
def test_every_classification_rule_tier_and_e_reason_reads_the_same(rows):
    frame = pl.DataFrame(rows, schema={**{C.item_verdict(i): pl.String for i in C.ITEMS}, K.E_REASON: pl.String,
                                       K.NUMBER_SHARED: pl.Boolean, C.VERDICT: pl.String, **ev.SCHEMA,
                                       "_registry_count": pl.Int64, C.INQUIRY_RESULT: pl.String})
    for cond in [*(r.condition for r in K.RULES), *(t.condition for t in K.PRIORITY_TIERS),
                 *(c for c, _ in REGISTRY_RULES)]:
        _same(frame, cond)
    assert [K.verdict_of(r) for r in rows] == frame.select(K.verdict_expr()).to_series().to_list()
    assert [K.priority_of(r) for r in rows] == frame.select(K.priority_expr()).to_series().to_list()


@given(st.lists(st.tuples(st.sampled_from([None, True, False]), st.sampled_from([None, True, False]),
                          st.sampled_from([None, "a", "b"])), min_size=1, max_size=20))
def test_three_valued_logic_as_polars(rows):
    frame = pl.DataFrame(rows, schema={"x": pl.Boolean, "y": pl.Boolean, "s": pl.String}, orient="row")
    x, y = Truth(Col("x")), Truth(Col("y"))
    for cond in (Not(x), AnyOf((x, y)), AllOf((x, y)), Differ(x, y), IsTrue(Col("x")), Eq(Col("s"), Lit("a")),
                 AnyOf((Not(x), Eq(Col("s"), Lit("b")))), AllOf((Not(y), Not(Eq(Col("s"), Lit("a")))))):
        _same(frame, cond)
