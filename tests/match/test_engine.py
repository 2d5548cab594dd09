"""The engine: E rows, cross-record checks, row accounting, and the cheap path agreeing with the full path."""

from __future__ import annotations

import random

import polars as pl
import pytest

from himozuke import mynumber
from himozuke.formats import columns as C
from himozuke.match import engine
from himozuke.match import scratch as S
from himozuke.match.compare import compare, prepare
from himozuke.match.engine import RESULT_COLUMNS, check_frames

rng = random.Random(7)
N1, N2, N3, N4 = (mynumber.generate(rng) for _ in range(4))
PERSON = {C.KANJI_NAME: "佐藤　花子", C.KANA_NAME: "サトウ　ハナコ", C.BIRTH_DATE: "1980-04-01", C.SEX: "2",
          C.ADDRESS: "東京都千代田区霞が関１－１－１"}
OTHER = {C.KANJI_NAME: "佐藤　一郎", C.KANA_NAME: "サトウ　イチロウ", C.BIRTH_DATE: "1950-10-10", C.SEX: "1",
         C.ADDRESS: "東京都千代田区霞が関１－１－１"}
SCHEMA = dict.fromkeys(C.STANDARD, pl.String)


def frame(rows: list[dict], *, with_row: bool) -> pl.DataFrame:
    df = pl.DataFrame(rows, schema={**SCHEMA, **({C.INQUIRY_RESULT: pl.String} if any(C.INQUIRY_RESULT in r for r in rows) else {})})
    return df.with_row_index(C.ROW, offset=2).with_columns(pl.col(C.ROW).cast(pl.Int64)) if with_row else df


def check(business: list[dict], registry: list[dict], rejects: pl.DataFrame | None = None) -> pl.DataFrame:
    return check_frames(frame(business, with_row=True), frame(registry, with_row=False), rejects)


@pytest.mark.parametrize(("number", "registry", "reason"), [
    pytest.param(N1[:11] + str((int(N1[11]) + 1) % 10), [{C.MY_NUMBER: N1, **PERSON}], "number.check_digit", id="検査用数字の誤り"),
    pytest.param("12345", [{C.MY_NUMBER: N1, **PERSON}], "number.format", id="桁数違い"),
    pytest.param(None, [{C.MY_NUMBER: N1, **PERSON}], "number.missing", id="番号なし"),
    pytest.param(N2, [{C.MY_NUMBER: N1, **PERSON}], "registry.not_in_file", id="住基側になし"),
    pytest.param(N1, [{C.MY_NUMBER: N1, **PERSON}, {C.MY_NUMBER: N1, **OTHER}], "registry.duplicate", id="住基側に重複"),
    pytest.param(N1, [{C.MY_NUMBER: N1, C.INQUIRY_RESULT: "該当なし"}], "registry.not_found", id="照会結果 該当なし"),
    pytest.param(N1, [{C.MY_NUMBER: N1, C.INQUIRY_RESULT: "消除者", **PERSON}], "registry.deleted", id="照会結果 消除者"),
    pytest.param(N1, [{C.MY_NUMBER: N1, C.INQUIRY_RESULT: "複数該当"}], "registry.multiple", id="照会結果 複数該当"),
])
def test_uncomparable_rows_are_e_with_reason(number, registry, reason):
    out = check([{C.MY_NUMBER: number, **PERSON}], registry)
    assert out[C.VERDICT].to_list() == ["E"]
    assert out[C.REASONS][0] == reason


def test_full_width_number_with_spaces_is_read_as_the_number():
    wide = " ".join(N1[i:i + 4] for i in (0, 4, 8)).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    out = check([{C.MY_NUMBER: wide, **PERSON}], [{C.MY_NUMBER: N1, **PERSON}])
    assert out[C.VERDICT].to_list() == ["A"]


def test_one_number_on_two_people_is_c_for_both():
    out = check([{C.MY_NUMBER: N1, **PERSON}, {C.MY_NUMBER: N1, **OTHER}, {C.MY_NUMBER: N2, **OTHER}],
                [{C.MY_NUMBER: N1, **PERSON}, {C.MY_NUMBER: N2, **OTHER}])
    assert out[C.VERDICT].to_list() == ["C", "C", "A"]
    assert all("cross.number_shared" in r for r in out[C.REASONS][:2])
    assert out[C.PRIORITY][:2].to_list() == [1, 1]


def test_same_person_repeated_under_one_number_keeps_its_class():
    out = check([{C.MY_NUMBER: N1, **PERSON}, {C.MY_NUMBER: N1, **PERSON}], [{C.MY_NUMBER: N1, **PERSON}])
    assert out[C.VERDICT].to_list() == ["A", "A"]
    assert out[C.REASONS].to_list() == ["cross.number_repeated"] * 2


def test_one_person_under_two_numbers_gets_a_reason_on_both():
    out = check([{C.MY_NUMBER: N1, **PERSON}, {C.MY_NUMBER: N2, **PERSON, C.KANA_NAME: "サトウ ハナコ"}],
                [{C.MY_NUMBER: N1, **PERSON}, {C.MY_NUMBER: N2, **OTHER}])
    assert all("cross.person_several_numbers" in r for r in out[C.REASONS])
    assert out[C.VERDICT].to_list() == ["A", "C"]


def test_unreadable_rows_are_e_and_every_row_is_accounted_for():
    rejects = pl.DataFrame({C.ROW: [3], "理由": ["列数が7です（見出しは6列） / 7 fields, header has 6"]})
    business = frame([{C.MY_NUMBER: N1, **PERSON}, {C.MY_NUMBER: N2, **OTHER}], with_row=True).with_columns(
        pl.Series(C.ROW, [2, 4]))
    out = check_frames(business, frame([{C.MY_NUMBER: N1, **PERSON}], with_row=False), rejects)
    assert out[C.ROW].to_list() == [2, 3, 4]
    assert out[C.VERDICT].to_list() == ["A", "E", "E"]
    assert "列数が7です" in out["理由説明"][1]


def test_result_columns_are_the_contract():
    out = check([{C.MY_NUMBER: N1, **PERSON}], [{C.MY_NUMBER: N1, **PERSON}])
    assert tuple(out.columns) == RESULT_COLUMNS
    assert out.columns[:11] == ["行番号", "個人番号", "判定", "漢字氏名判定", "カナ氏名判定", "生年月日判定", "性別判定",
                                "住所判定", "理由", "理由説明", "優先度"]


def test_cheap_path_gives_what_the_full_comparison_gives():
    business = frame([{C.MY_NUMBER: N1, **PERSON}, {C.MY_NUMBER: N2, **OTHER}], with_row=True)
    registry = frame([{C.MY_NUMBER: N1, **PERSON}, {C.MY_NUMBER: N2, **OTHER}], with_row=False)
    b, r = engine.business_frame(business).collect(), engine.registry_frame(registry).collect()
    joined = b.with_columns(engine.number_key_expr(pl.col(C.MY_NUMBER)).alias(S.NUMBER_KEY)).join(
        r, on=S.NUMBER_KEY).with_columns(pl.lit(None, dtype=pl.String).alias(S.E_REASON))
    full = compare(prepare(joined))
    fast = check_frames(business, registry)
    for item in C.ITEMS:
        assert full[C.item_verdict(item)].to_list() == fast[C.item_verdict(item)].to_list() == ["一致", "一致"]


def test_himozuke_own_labels_and_texts_need_no_csv_quotes():
    """report.write_csv skips the quote search when both inputs were plain CSVs; that is only right while no
    label, code or explanation himozuke writes holds a comma, quote or line break."""
    from himozuke.formats.records import CSV_SPECIALS
    from himozuke.match.classify import Verdict
    from himozuke.match.compare import ItemVerdict
    from himozuke.match.reasons import REASON_TEXT, Reason

    texts = [*REASON_TEXT.values(), *map(str, Reason), *map(str, ItemVerdict), *map(str, Verdict)]
    assert [t for t in texts if CSV_SPECIALS & set(t)] == []


ADDRESS_PAIRS = [  # (業務, 住基): alike after normalising, different, one side missing or blank
    ("東京都千代田区霞が関１－１－１", "東京都千代田区霞が関一丁目1番1号"),
    ("千代田区霞が関1-1-1", "東京都千代田区霞が関1-1-2"),
    ("横浜市中区山下町２７", "横浜市中区山下町27"),
    ("北海道虻田郡倶知安町北一条東二丁目3番地", "倶知安町北1条東2-3"),
    ("川口市栄町3-29-2", "埼玉県川口市栄町三丁目２９番２号"),  # the same parts: one leaves its 都道府県 out
    ("府中市宮町1-1", "広島県府中市宮町1-1"),  # not: 府中市 alone is 東京都's or 広島県's
    ("東京都府中市宮町1-1", "広島県府中市宮町1-1"),
    (None, "東京都千代田区霞が関1-1-1"),
    ("東京都千代田区霞が関1-1-1", None),
    ("　", "東京都千代田区霞が関1-1-1"),
    (None, None),
]


def test_address_keys_of_alike_pairs_hold_what_parsing_each_side_would():
    """A pair whose texts have the same parts (they normalise alike, or one leaves its 都道府県 out) gets only its
    市区町村 (compare._split_keys): the premise is that both sides then parse to the same parts the levels read,
    with that city; every other pair has the keys of parsing each side (the parts a frame's keys hold: those the
    levels read)."""
    from himozuke.match import compare
    from himozuke.text.address import address_parts_expr

    b, r = C.business(C.ADDRESS), C.registry(C.ADDRESS)
    kb, kr = S.key(C.ADDRESS, "b"), S.key(C.ADDRESS, "r")
    pairs = pl.DataFrame({b: [p[0] for p in ADDRESS_PAIRS] * 3, r: [p[1] for p in ADDRESS_PAIRS] * 3},
                         schema={b: pl.String, r: pl.String}).with_row_index(S.PAIR)
    got = compare._split_keys(pairs, compare.ADDRESS, None).sort(S.PAIR)
    expected = pairs.select(S.PAIR, address_parts_expr(pl.col(b)).alias(kb), address_parts_expr(pl.col(r)).alias(kr))
    assert got[S.PAIR].to_list() == expected[S.PAIR].to_list()
    kinds = set()
    for g, e in zip(got.to_dicts(), expected.to_dicts(), strict=True):
        kinds.add(g[S.alike(C.ADDRESS)])
        if g[S.alike(C.ADDRESS)]:
            read = [{f: e[k][f] for f in compare._ADDRESS_PARTS} for k in (kb, kr)]
            assert read[0] == read[1] and g[kb] == g[kr] and g[kb]["city"] == e[kb]["city"], (g, e)
        else:
            assert (g[kb], g[kr]) == tuple(e[k] and {f: e[k][f] for f in compare._ADDRESS_PARTS} for k in (kb, kr))
    assert kinds == {True, False}
    alike = dict(zip(got[S.PAIR], got[S.alike(C.ADDRESS)], strict=True))
    assert [alike[i] for i in (4, 5, 6)] == [True, False, False]  # the three pairs above, by their place in the list
    assert compare._split_keys(pairs.head(0), compare.ADDRESS, None).height == 0


def test_preload_builds_the_tables_a_first_check_would_build():
    """engine.preload (run by the pipeline beside the reading of the inputs) leaves nothing of Python to build for
    the check's item threads: every table the vectorised normalisers read is built by it."""
    from himozuke.text import address, kana, municipality

    tables = [mynumber._digit_sums, kana._fused_table, address._marked_numbers, address._traditional_series,
              municipality._resolution_table, municipality.name_by_code, municipality.name_patterns,
              municipality.places, municipality.fold_table]
    for table in tables:
        table.cache_clear()
    engine.preload("東京都")
    assert [t.__name__ for t in tables if t.cache_info().currsize == 0] == []
    assert municipality._resolution_table.cache_info().currsize == 1  # for the home prefecture given
