"""Round trip (issue 3 item 8): request → simulated J-LIS → result (CSV and JIS90) → check gives A for every
untouched record; deleted and unknown numbers come back as rows with their 照会結果, never dropped."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from himozuke.formats import columns as C
from himozuke.formats.jlis import write_request
from himozuke.formats.records import detect_profile, open_records
from himozuke.match.engine import check_frames
from himozuke.testing.jlis import simulate_jlis
from himozuke.testing.population import generate_population


def _business(pop: pl.DataFrame) -> pl.DataFrame:
    return pop.select(*C.STANDARD).with_columns(pl.col(C.BIRTH_DATE).cast(pl.String))


def _round_trip(tmp: Path, pop: pl.DataFrame, encoding: str) -> dict[str, pl.DataFrame]:
    extract = tmp / "extract.csv"
    extract.write_bytes(_business(pop).write_csv().encode(encoding, errors="strict"))
    write_request(extract, tmp / "request.csv")
    simulate_jlis(tmp / "request.csv", pop, tmp / "result.csv", tmp / "result.dat")
    with open_records(extract, role="business") as b:
        business = b.rows.collect()
    out = {}
    for name, profile in (("result.csv", "jlis-result-csv"), ("result.dat", "jlis-result-fixed")):
        assert detect_profile(tmp / name) == profile
        with open_records(tmp / name, role="registry") as r:
            registry, rejects = pl.collect_all([r.rows, r.rejects])
        assert rejects.height == 0
        out[name] = check_frames(business, registry, None).join(
            business.select(C.ROW, C.MY_NUMBER), on=C.ROW, how="left", suffix="_b")
    return out


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), encoding=st.sampled_from(["utf-8", "cp932"]))
def test_untouched_records_are_all_a(tmp_path: Path, seed: int, encoding: str) -> None:
    pop = generate_population(60, seed=seed)
    # 住民 whose register holds every item (a 住基空欄 item comes back blank: C, planted on purpose)
    living = pop.filter((pl.col("状態") == "住民") & pl.col("住基空欄").is_null())
    for result in _round_trip(tmp_path, living, encoding).values():
        assert result.height == living.height
        assert result[C.VERDICT].unique().to_list() == ["A"]


@pytest.mark.parametrize("form", ["result.csv", "result.dat"])
def test_deleted_and_unknown_numbers_stay_rows(tmp_path: Path, form: str) -> None:
    pop = generate_population(40, seed=7)
    deleted = pop.filter(pl.col("状態") == "消除者")
    assert deleted.height > 0, "the synthetic register should contain 消除者"
    register = pop.filter(pl.col(C.MY_NUMBER) != pop[C.MY_NUMBER][0])  # first person unknown to J-LIS
    extract = tmp_path / "extract.csv"
    extract.write_text(_business(pop).write_csv(), encoding="utf-8")
    write_request(extract, tmp_path / "request.csv")
    simulate_jlis(tmp_path / "request.csv", register, tmp_path / "result.csv", tmp_path / "result.dat")
    with open_records(tmp_path / form, role="registry") as r:
        rows = r.rows.collect()
    assert rows.height == pop.height
    status = dict(zip(rows[C.MY_NUMBER], rows[C.INQUIRY_RESULT], strict=True))
    assert status[pop[C.MY_NUMBER][0]] == C.INQUIRY_NOT_FOUND
    assert {status[n] for n in deleted[C.MY_NUMBER]} == {C.INQUIRY_DELETED}
    assert rows.filter(pl.col(C.INQUIRY_RESULT) != C.INQUIRY_FOUND)[C.KANJI_NAME].null_count() == \
        rows.filter(pl.col(C.INQUIRY_RESULT) != C.INQUIRY_FOUND).height


def test_case_ro_files_merge_back_to_the_extract(tmp_path: Path) -> None:
    from himozuke.formats.merge import merge_files
    from himozuke.testing.jlis import write_case_ro

    pop = generate_population(50, seed=11)
    business = _business(pop)
    write_case_ro(business, tmp_path / "book.csv", tmp_path / "map.csv")
    result = merge_files(tmp_path / "book.csv", tmp_path / "map.csv", tmp_path / "extract.csv")
    assert result.problems.height == 0
    assert result.extract.select(*C.STANDARD).equals(business)


def test_registry_blanks_and_inquiry_errors_come_back_as_such(tmp_path: Path) -> None:
    """The simulated J-LIS leaves an item the register holds blank (住基空欄) blank — C, never A — and answers a
    照会エラー resident with 照会エラー — E, never dropped — in both result forms."""
    pop = generate_population(300, seed=3, blank_rate=0.03, error_rate=0.03).filter(pl.col("状態") != "消除者")
    blank = pop.filter(pl.col("住基空欄").is_not_null())
    error = pop.filter(pl.col("状態") == "照会エラー")
    assert blank.height and error.height
    for result in _round_trip(tmp_path, pop, "utf-8").values():
        assert result.height == pop.height
        of = result.join(pop.select(C.MY_NUMBER, "住基空欄", "状態"), on=C.MY_NUMBER, how="left")
        blanked = of.filter(pl.col("住基空欄").is_not_null())
        assert (blanked[C.VERDICT] == "C").all()
        assert blanked[C.REASONS].str.contains("missing_registry").all()
        errors = of.filter(pl.col("状態") == "照会エラー")
        assert errors.height == error.height and (errors[C.VERDICT] == "E").all()
        assert errors[C.REASONS].str.contains("registry.error").all()
