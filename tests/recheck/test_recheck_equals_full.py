"""Issue #19 part 4: a re-check against a baseline writes the same bytes as a full check of the same inputs,
whatever was edited, inserted or deleted on either side — for the in-memory and the bucketed engine."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from himozuke.formats import columns as C
from himozuke.pipeline import run_check
from himozuke.recheck import Key
from himozuke.testing.perturb import business_copy
from himozuke.testing.population import generate_population

KEY = Key(0x1234, (0x5678, 0x9ABC))
POP = generate_population(160, seed=19)
BUSINESS = business_copy(POP, seed=19).select(C.STANDARD).to_dicts()
REGISTRY = POP.select(C.STANDARD).with_columns(pl.col(C.BIRTH_DATE).cast(pl.String)).to_dicts()
SURNAMES = ("別人", "山田", "髙橋")

# One edit: (kind, a row, another row, a choice). Kinds reach every input of a result row: the record itself, its
# number's registry record (edited, deleted, repeated), the rows sharing its number and the rows of its person.
_business_edit = st.tuples(
    st.sampled_from(["name", "birth", "number_of", "delete", "copy_under", "duplicate", "blank_number"]),
    st.integers(0, 10_000), st.integers(0, 10_000), st.integers(0, 2))
_registry_edit = st.tuples(st.sampled_from(["address", "name", "delete", "duplicate", "insert"]),
                           st.integers(0, 10_000), st.integers(0, 10_000), st.integers(0, 2))


def _edit_business(rows: list[dict], edits) -> list[dict]:
    rows = [dict(r) for r in rows]
    for kind, i, j, c in edits:
        if not rows:
            break
        i, j = i % len(rows), j % len(rows)
        if kind == "name":
            rows[i][C.KANJI_NAME] = SURNAMES[c] + (rows[i][C.KANJI_NAME] or "")[2:]
        elif kind == "birth":
            rows[i][C.BIRTH_DATE] = f"19{50 + c}-01-0{1 + c}"
        elif kind == "number_of":  # another row's number: a number shared by two people
            rows[i][C.MY_NUMBER] = rows[j][C.MY_NUMBER]
        elif kind == "delete":
            del rows[i]
        elif kind == "copy_under":  # the same person under another row's number: one person, several numbers
            rows.insert(j, {**rows[i], C.MY_NUMBER: rows[j][C.MY_NUMBER] if c else REGISTRY[j % len(REGISTRY)]
                            [C.MY_NUMBER]})
        elif kind == "duplicate":
            rows.insert(j, dict(rows[i]))
        elif kind == "blank_number":
            rows[i][C.MY_NUMBER] = None if c else "12345678901x"
    return rows


def _edit_registry(rows: list[dict], edits) -> list[dict]:
    rows = [dict(r) for r in rows]
    for kind, i, j, c in edits:
        if not rows:
            break
        i, j = i % len(rows), j % len(rows)
        if kind == "address":
            rows[i][C.ADDRESS] = ("東京都千代田区霞が関9-9-9", "北海道札幌市中央区北一条西1-1", rows[j][C.ADDRESS])[c]
        elif kind == "name":
            rows[i][C.KANJI_NAME] = SURNAMES[c] + (rows[i][C.KANJI_NAME] or "")[2:]
        elif kind == "delete":
            del rows[i]
        elif kind == "duplicate":  # a number twice in the registry: E for its business rows
            rows.insert(j, {**rows[j], C.MY_NUMBER: rows[i][C.MY_NUMBER]})
        elif kind == "insert":
            rows.insert(j, dict(rows[i]))
    return rows


def _write(rows: list[dict], path: Path) -> Path:
    pl.DataFrame(rows, schema=dict.fromkeys(C.STANDARD, pl.String)).write_csv(path)
    return path


edits = st.tuples(st.lists(_business_edit, max_size=6), st.lists(_registry_edit, max_size=4),
                  st.lists(_business_edit, min_size=1, max_size=8), st.lists(_registry_edit, max_size=6))


def _equal_to_full(tmp: Path, drawn, buckets: int | None) -> None:
    b_base, r_base, b_edits, r_edits = drawn
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    b0, r0 = _edit_business(BUSINESS, b_base), _edit_registry(REGISTRY, r_base)
    b1, r1 = _edit_business(b0, b_edits), _edit_registry(r0, r_edits)
    files = [_write(rows, tmp / name) for rows, name in ((b0, "b0.csv"), (r0, "r0.csv"), (b1, "b1.csv"),
                                                         (r1, "r1.csv"))]
    formats = ("csv", "parquet")
    run_check(files[0], files[1], tmp / "run", formats=formats, digest_key=KEY, buckets=buckets)
    summary, _ = run_check(files[2], files[3], tmp / "run", formats=formats, digest_key=KEY, buckets=buckets,
                           baseline=tmp / "run")  # the baseline is the output folder itself
    assert summary.recheck["used"], summary.recheck["reason"]
    assert summary.recheck["carried"] > 0 or len(b1) < 20
    full, _ = run_check(files[2], files[3], tmp / "full", formats=formats, digest_key=KEY, buckets=buckets)
    assert (tmp / "run" / "result.csv").read_bytes() == (tmp / "full" / "result.csv").read_bytes()
    assert pl.read_parquet(tmp / "run" / "result.parquet").equals(pl.read_parquet(tmp / "full" / "result.parquet"))
    assert summary.counts == full.counts and summary.rows_in == full.rows_in
    if buckets:
        return
    # the re-check's own digests serve the next re-check as well as a full run's would
    again, _ = run_check(files[0], files[1], tmp / "run", formats=formats, digest_key=KEY, buckets=buckets,
                         baseline=tmp / "run")
    assert again.recheck["used"]
    run_check(files[0], files[1], tmp / "first", formats=formats, digest_key=KEY, buckets=buckets)
    assert (tmp / "run" / "result.csv").read_bytes() == (tmp / "first" / "result.csv").read_bytes()


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=edits)
def test_recheck_in_memory_equals_full_check(tmp_path, drawn):
    _equal_to_full(tmp_path / "m", drawn, None)


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=edits)
def test_recheck_bucketed_equals_full_check(tmp_path, drawn):
    _equal_to_full(tmp_path / "b", drawn, 3)


@pytest.mark.parametrize("buckets", [None, 3], ids=["in-memory", "bucketed"])
def test_unchanged_inputs_recompute_nothing(tmp_path, buckets):
    b, r = _write(BUSINESS, tmp_path / "b.csv"), _write(REGISTRY, tmp_path / "r.csv")
    run_check(b, r, tmp_path / "out", formats=("csv",), digest_key=KEY, buckets=buckets)
    summary, _ = run_check(b, r, tmp_path / "out", formats=("csv",), digest_key=KEY, buckets=buckets,
                           baseline=tmp_path / "out")
    assert summary.recheck["recomputed"] == 0 and summary.recheck["carried"] == len(BUSINESS)
    assert summary.recheck["delta"] == {"新規": 0, "解消": 0, "変化": 0, "削除": 0}


@pytest.mark.parametrize("formats", [("csv",), ("csv", "parquet")], ids=["csv", "csv+parquet"])
def test_a_run_that_fails_writing_leaves_the_previous_baseline_whole(tmp_path, monkeypatch, formats):
    """The digest file is written beside the outputs, into a hidden file (pipeline._DigestFile): a run that fails
    before run.json leaves the previous run's digest file and run.json a baseline the next re-check still uses."""
    import himozuke.pipeline as pipeline

    b, r = _write(BUSINESS, tmp_path / "b.csv"), _write(REGISTRY, tmp_path / "r.csv")
    run_check(b, r, tmp_path / "out", formats=("csv",), digest_key=KEY)
    before = (tmp_path / "out" / "digests.parquet").read_bytes()

    def full_disk(*_a, **_k):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(pipeline, "write_parquet" if "parquet" in formats else "write_csv", full_disk)
        with pytest.raises(OSError):
            run_check(b, r, tmp_path / "out", formats=formats, digest_key=KEY)
    assert (tmp_path / "out" / "digests.parquet").read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.name.startswith(".")) == []
    summary, _ = run_check(b, r, tmp_path / "out", formats=("csv",), digest_key=KEY, baseline=tmp_path / "out")
    assert summary.recheck["used"], summary.recheck["reason"]
    assert summary.recheck["carried"] == len(BUSINESS)


def test_a_bucketed_run_keeps_the_digests_an_in_memory_run_keeps(tmp_path):
    """The bucketed engine makes its digests a bucket at a time (recheck.BucketDigests: at 60 M pairs the whole
    files' took 8 GB), and keeps the same digest file as an in-memory run: the business rows in 行番号 order with
    their verdicts, one row per registry number (the first of a repeated one) — either serves the next re-check."""
    from himozuke.recheck import BUSINESS_SIDE, DIGESTS, REGISTRY_SIDE, SIDE

    b = _write(_edit_business(BUSINESS, [("copy_under", 5, 20, 0), ("duplicate", 3, 40, 0),
                                         ("blank_number", 7, 0, 1), ("number_of", 9, 30, 0)]), tmp_path / "b.csv")
    r = _write(_edit_registry(REGISTRY, [("duplicate", 2, 9, 0), ("delete", 11, 0, 0), ("name", 4, 0, 1)]),
               tmp_path / "r.csv")
    run_check(b, r, tmp_path / "bucketed", formats=("csv",), digest_key=KEY, buckets=3)
    run_check(b, r, tmp_path / "in-memory", formats=("csv",), digest_key=KEY)
    bucketed, in_memory = (pl.read_parquet(tmp_path / run / DIGESTS) for run in ("bucketed", "in-memory"))
    assert bucketed.filter(pl.col(SIDE) == BUSINESS_SIDE).height == 160 + 2
    assert bucketed.filter(pl.col(SIDE) == BUSINESS_SIDE).equals(in_memory.filter(pl.col(SIDE) == BUSINESS_SIDE))
    registry = [frame.filter(pl.col(SIDE) == REGISTRY_SIDE).sort(pl.all()) for frame in (bucketed, in_memory)]
    assert registry[0].height == 160 - 1 and registry[0].equals(registry[1])


def test_digests_left_for_later_are_the_digests_made_beside_the_check(tmp_path):
    """A run without --baseline leaves its digests to the digest file's writer (recheck.full_frames with
    ``defer``); what that writer gets must be what the check would have made beside it."""
    from himozuke.formats.records import open_records
    from himozuke.recheck import full_frames

    frames = []
    for rows, role in ((BUSINESS, "business"), (REGISTRY, "registry")):
        with open_records(_write(rows, tmp_path / f"{role}.csv"), role=role, whole=True) as t:
            frames.append(t.rows.collect())
    b_rows, r_rows = frames
    now = full_frames(b_rows, None, r_rows, KEY, "東京都")
    later = full_frames(b_rows, None, r_rows, KEY, "東京都", defer=True)
    assert later.digests is None and later.registry is None  # nothing made yet
    assert later.result.equals(now.result)
    digests, registry = later.digested()
    assert digests.equals(now.digests) and registry.equals(now.registry) and digests.height == len(BUSINESS)
