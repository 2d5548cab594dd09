"""Bucketed engine (issue 8): same bytes as in memory, cross-record checks across buckets, resumable."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from himozuke import atomic
from himozuke.formats import columns as C
from himozuke.formats.tabular import read_plain_csv
from himozuke.match.engine import NUMBER_KEY, number_key_expr
from himozuke.match.scale import BUCKET, bucket_expr
from himozuke.pipeline import run_check
from himozuke.testing.perturb import business_copy
from himozuke.testing.population import generate_population

BUCKETS = 6


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("scale")
    pop = generate_population(12_000, seed=11)
    business = business_copy(pop, seed=11).select(C.STANDARD)
    # One person under two numbers in different buckets, and one number used by two people.
    numbers = pl.DataFrame({C.MY_NUMBER: pop[C.MY_NUMBER]}).with_row_index(C.ROW).with_columns(
        number_key_expr(pl.col(C.MY_NUMBER)).alias(NUMBER_KEY)).with_columns(bucket_expr(BUCKETS))
    a, b = (numbers.filter(pl.col(BUCKET) == k)[C.MY_NUMBER][0] for k in (0, 1))
    person = pop.filter(pl.col(C.MY_NUMBER) == a).select(C.STANDARD).with_columns(pl.col(C.BIRTH_DATE).cast(str))
    extra = pl.concat([person.with_columns(pl.lit(b).alias(C.MY_NUMBER)), person.with_columns(
        pl.lit(pop[C.MY_NUMBER][5]).alias(C.MY_NUMBER))])
    # Two rows that identify no one (every item blank), under numbers of different buckets: no person to join.
    c, d_ = (numbers.filter(pl.col(BUCKET) == k)[C.MY_NUMBER][1] for k in (2, 3))
    anonymous = pl.DataFrame({C.MY_NUMBER: [c, d_]}).with_columns(
        *(pl.lit(None, dtype=pl.String).alias(item) for item in C.ITEMS)).select(C.STANDARD)
    extra = pl.concat([extra, anonymous])
    registry = pop.filter(pl.col("状態") != "消除者").select(C.STANDARD).with_columns(pl.col(C.BIRTH_DATE).cast(str))
    bp, rp = d / "business.csv", d / "registry.csv"
    pl.concat([business, extra]).write_csv(bp)
    registry.write_csv(rp)
    return bp, rp


@pytest.fixture(scope="module")
def in_memory(inputs, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("mem")
    summary, _ = run_check(*inputs, out, formats=("csv", "parquet"))
    assert summary.engine == "in-memory"
    return out


def test_inputs_are_plain_so_in_memory_takes_the_fast_reader_and_writer(inputs):
    """The in-memory run reads these with Polars' CSV reader; the bucketed runs below read line by line — so
    byte-identity compares the two readers (both write without quote search: no quote in either file)."""
    for path in inputs:
        header = tuple(path.read_text(encoding="utf-8").split("\n", 1)[0].split(","))
        assert read_plain_csv(path, header) is not None


@pytest.mark.parametrize("large", [False, True], ids=["through the page cache", "written past the page cache"])
def test_bucketed_output_is_byte_identical_to_in_memory(inputs, in_memory, tmp_path, large, monkeypatch):
    direct = []

    class Seen(atomic.DirectFile):
        def __init__(self, path, size=0, **kw):
            super().__init__(path, size, **kw)
            direct.append(size)

    if large:  # as a national run's result files are (atomic.sink_target: a gigabyte and more)
        monkeypatch.setattr(atomic, "_DIRECT_FROM", 1)
        monkeypatch.setattr(atomic, "DirectFile", Seen)
    summary, _ = run_check(*inputs, tmp_path, formats=("csv", "parquet"), buckets=BUCKETS)
    assert len(direct) == (2 if large else 0), "result.csv and result.parquet past the page cache when large"
    assert summary.engine == "bucketed"
    assert (tmp_path / "result.csv").read_bytes() == (in_memory / "result.csv").read_bytes()
    assert pl.read_parquet(tmp_path / "result.parquet").equals(pl.read_parquet(in_memory / "result.parquet"))
    assert summary.counts == json.loads((in_memory / "run.json").read_text(encoding="utf-8"))["counts"]
    assert summary.accounted
    assert not (tmp_path / ".himozuke-work").exists(), "the work folder (personal data) is removed"


def test_cross_record_checks_hold_across_buckets(inputs, tmp_path):
    run_check(*inputs, tmp_path, formats=("csv",), buckets=BUCKETS, show_number=True)
    result = pl.read_csv(tmp_path / "result.csv", infer_schema=False)
    several = result.filter(pl.col(C.REASONS).str.contains("cross.person_several_numbers"))
    assert several[C.MY_NUMBER].n_unique() >= 2
    assert result.filter(pl.col(C.REASONS).str.contains("cross.number_shared")).height >= 2


def test_rows_that_identify_no_one_are_no_one_person_in_any_engine(inputs, in_memory, tmp_path):
    """Two blank rows are not one person under two numbers: the portable key stays null (a hash of null would
    be a number, and would join them across buckets)."""
    run_check(*inputs, tmp_path, formats=("csv",), buckets=BUCKETS)
    for out in (tmp_path, in_memory):
        result = pl.read_csv(out / "result.csv", infer_schema=False)
        last = result.sort(pl.col(C.ROW).cast(int)).tail(2)
        assert last[C.REASONS].str.contains("cross.person_several_numbers").not_().all(), out


def test_memory_limit_alone_switches_to_buckets(inputs, in_memory, tmp_path):
    summary, _ = run_check(*inputs, tmp_path, formats=("csv",), memory_limit=1 << 20)
    assert summary.engine == "bucketed"
    assert (tmp_path / "result.csv").read_bytes() == (in_memory / "result.csv").read_bytes()


def _himozuke() -> str:
    return str(Path(sys.executable).with_name("himozuke"))


def test_killed_runs_resume_to_an_identical_result(inputs, in_memory, tmp_path):
    """Kill at random points (relative to a measured run), resume, repeat; the result must not change."""
    rng = random.Random(8)

    def command(out: Path, resume: bool) -> list[str]:
        return [_himozuke(), "check", str(inputs[0]), str(inputs[1]), "--out", str(out), "--formats", "csv",
                "--buckets", "12", *(["--resume"] if resume else [])]

    t0 = time.perf_counter()
    subprocess.run(command(tmp_path / "timing", False), check=True, capture_output=True, timeout=300)
    duration = time.perf_counter() - t0
    landed = 0
    for chain in range(6):
        out = tmp_path / f"chain{chain}"
        resume = False
        for _kill in range(3):
            proc = subprocess.Popen(command(out, resume), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                proc.wait(timeout=rng.uniform(0.2, 1.0) * duration)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                landed += 1
                resume = True
                continue
            break
        final = subprocess.run(command(out, resume), capture_output=True, timeout=300)
        assert final.returncode == 0, final.stderr.decode()
        assert (out / "result.csv").read_bytes() == (in_memory / "result.csv").read_bytes(), f"chain {chain}"
        assert not (out / ".himozuke-work").exists()
        if landed >= 4:
            break
    assert landed >= 3, f"only {landed} kills landed while a run was going on"


def test_resume_refuses_changed_inputs(inputs, tmp_path, monkeypatch):
    """A real interrupted run (its work folder kept, as a kill leaves it; same version, same home prefecture):
    --resume continues it for the same inputs, and refuses it once only the business file's content changed —
    same size, same modification time — so the refusal is for the input and nothing else."""
    from himozuke.match.scale import Work, fingerprint

    business, registry = (tmp_path / p.name for p in inputs)
    for src, dst in zip(inputs, (business, registry), strict=True):
        shutil.copyfile(src, dst)
    work = tmp_path / "work"
    with monkeypatch.context() as m:
        m.setattr(Work, "remove", lambda self: None)  # keep the work folder, as a kill would
        run_check(business, registry, tmp_path / "a", formats=("csv",), buckets=3, work_dir=work)
    kept = tmp_path / "kept"
    shutil.copytree(work, kept)

    def resume(work_dir: Path, out: str) -> subprocess.CompletedProcess:
        return subprocess.run([_himozuke(), "check", str(business), str(registry), "--out", str(tmp_path / out),
                               "--formats", "csv", "--work-dir", str(work_dir), "--resume"],
                              capture_output=True, text=True, timeout=300)

    same = resume(work, "b")
    assert same.returncode == 0, same.stderr
    assert "continued the interrupted run" in same.stdout

    data, st = bytearray(business.read_bytes()), business.stat()
    at = data.index(b"\n") + 1  # the first digit of the first record's 個人番号
    data[at] = ord("1") if data[at] != ord("1") else ord("2")
    business.write_bytes(bytes(data))
    os.utime(business, ns=(st.st_atime_ns, st.st_mtime_ns))
    manifest = json.loads((kept / "manifest.json").read_text(encoding="utf-8"))
    before, after = manifest["inputs"][0], fingerprint(business)
    assert {k for k in before if before[k] != after[k]} == {"sha256_head_tail"}  # only the content differs

    changed = resume(kept, "c")
    assert changed.returncode == 2, changed.stdout
    assert "再開できません" in changed.stderr


def test_resume_refuses_an_edit_the_fingerprint_cannot_see(inputs, tmp_path, monkeypatch):
    """The manifest's fingerprint reads only the ends of a file (the first MiB, and the last when it is larger
    than 2 MiB); an edit past the first MiB that keeps size and modification time leaves it unchanged. The
    partition a resume would reuse was made from the old content, so the whole-file SHA-256 recorded with it
    refuses the resume."""
    from himozuke.match.scale import Work, fingerprint

    business, registry = (tmp_path / p.name for p in inputs)
    for src, dst in zip(inputs, (business, registry), strict=True):
        shutil.copyfile(src, dst)
    data, st = bytearray(business.read_bytes()), business.stat()
    assert 1 << 20 < len(data) <= 2 << 20, "the business file must be past one MiB and under two for this test"
    work = tmp_path / "work"
    with monkeypatch.context() as m:
        m.setattr(Work, "remove", lambda self: None)  # keep the work folder, as a kill would
        run_check(business, registry, tmp_path / "a", formats=("csv",), buckets=3, work_dir=work)
    before = fingerprint(business)

    at = next(i for i in range((1 << 20) + 100, len(data)) if chr(data[i]).isdigit())
    data[at] = ord("1") if data[at] != ord("1") else ord("2")
    business.write_bytes(bytes(data))
    os.utime(business, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert fingerprint(business) == before  # what the manifest's fingerprint alone would have let through

    changed = subprocess.run([_himozuke(), "check", str(business), str(registry), "--out", str(tmp_path / "b"),
                              "--formats", "csv", "--work-dir", str(work), "--resume"],
                             capture_output=True, text=True, timeout=300)
    assert changed.returncode == 2, changed.stdout
    assert "入力ファイルの内容が前回の実行と違うため再開できません" in changed.stderr


def test_the_result_is_read_in_order_however_a_reader_asks(tmp_path):
    """Phase 3 merges the buckets' sorted runs a window at a time, each run read a row group at a time
    (scale.in_order); Polars leaves the projection, the filter and the row limit to such a source — each must
    hold across window and row-group boundaries, whichever run a row comes from."""
    from himozuke.match.scale import Plan, Work, in_order

    work = Work(tmp_path)
    rows = list(range(2, 2 + 130_000))  # three windows of 50 k, the middle one sliced by the hand-over
    random.Random(3).shuffle(rows)
    (tmp_path / "results").mkdir()
    shares = (rows[:1_000], rows[1_000:60_000], rows[60_000:])  # runs of very different sizes
    for bucket, mine in enumerate(shares):
        pl.DataFrame({C.ROW: sorted(mine)}).with_columns(
            (pl.col(C.ROW) * 10).alias(C.VERDICT).cast(pl.String), pl.lit(bucket).alias("bucket")
        ).write_parquet(tmp_path / "results" / f"bucket-{bucket}.parquet", row_group_size=7_001)
    plan = Plan(buckets=3, range_rows=50_000)
    assert plan.run_row_group < 50_000
    result = in_order(work, plan)
    whole = result.collect()
    assert whole[C.ROW].to_list() == sorted(rows)
    assert whole[C.VERDICT].to_list() == [str(r * 10) for r in sorted(rows)]
    assert whole["bucket"].to_list() == [0 if r in set(shares[0]) else 1 if r in set(shares[1]) else 2
                                         for r in sorted(rows)]
    assert result.head(50_003).collect()[C.ROW].to_list() == list(range(2, 50_005))
    assert result.select(pl.len()).collect().item() == len(rows)  # a count reads no column but 行番号
    assert result.select(C.VERDICT).head(2).collect().to_dict(as_series=False) == {C.VERDICT: ["20", "30"]}
    late = result.filter(pl.col(C.ROW) % 40_000 == 0).collect()
    assert late[C.ROW].to_list() == [40_000, 80_000, 120_000]
    assert result.filter(pl.col("bucket") == 1).select(pl.len()).collect().item() == len(shares[1])
    assert result.filter(pl.col("bucket") == 1).select(C.VERDICT).collect()[C.VERDICT].to_list() == [
        str(r * 10) for r in sorted(shares[1])]


def test_the_work_folder_grows_with_the_buckets_not_their_square(inputs, in_memory, tmp_path, monkeypatch):
    """At 60 M rows under 3 GB the work folder held ~108,000 files: a result piece per bucket and 行番号 range, a
    person-key file per number bucket and person bucket. Now a few a bucket (sorted runs, one streaming pass into
    the person buckets, the digests a bucket at a time) — and the same bytes."""
    from himozuke.match import scale

    monkeypatch.setattr(scale.Work, "remove", lambda self: None)  # keep the folder to count it
    buckets = 12
    summary, _ = run_check(*inputs, tmp_path / "out", formats=("csv",), buckets=buckets, work_dir=tmp_path / "work")
    assert summary.engine == "bucketed"
    files = [p.relative_to(tmp_path / "work") for p in (tmp_path / "work").rglob("*") if p.is_file()]
    # a bucket's business, registry, persons, result run, digest run and registry digests
    assert len(files) <= 6 * (buckets + 1) + 4, sorted(map(str, files))
    assert len([f for f in files if f.parts[:2] == ("partition", "persons")]) <= buckets
    assert (tmp_path / "out" / "result.csv").read_bytes() == (in_memory / "result.csv").read_bytes()


def test_a_rejected_line_is_quoted_alike_in_every_engine(inputs, tmp_path):
    """A file without quotes is written without searching fields for them — unless a line was rejected: its
    row's reason is our text, with a comma in it (in memory and bucketed alike)."""
    business = tmp_path / "business.csv"
    business.write_bytes(inputs[0].read_bytes() + "000000000000,壊れた行\n".encode())
    runs, counts = {}, {}
    for name, options in (("mem", {}), ("buckets", {"buckets": BUCKETS})):
        summary, _ = run_check(business, inputs[1], tmp_path / name, formats=("csv",), **options)
        runs[name], counts[name] = (tmp_path / name / "result.csv").read_bytes(), summary.counts
    assert summary.engine == "bucketed"
    assert runs["buckets"] == runs["mem"]
    assert counts["buckets"] == counts["mem"] and counts["mem"]["E"] >= 1  # the rejected line is an E row
    assert b'"' in runs["mem"].rsplit(b"\n", 2)[-2], "the rejected row's reason needs its quotes"


def test_a_bucketed_run_lists_the_delta_and_the_cases_an_in_memory_run_lists(inputs, tmp_path):
    """delta.csv (every B/C 新規: no baseline yet) and the cases handed to the store come from a bucketed run's
    runs as they lie, not through its merge, sorted after: the same bytes and rows as an in-memory run's."""
    got = {}
    for name, options in (("mem", {}), ("buckets", {"buckets": BUCKETS})):
        handed, out = [], tmp_path / name
        summary, _ = run_check(*inputs, out, formats=("csv",), baseline=out, hand_over=_collector(handed), **options)
        got[name] = ((out / "delta.csv").read_bytes(), handed[0])
    assert summary.engine == "bucketed"
    assert got["buckets"][0] == got["mem"][0] and got["mem"][0].count(b"\n") > 1
    assert got["buckets"][1].equals(got["mem"][1]) and got["mem"][1].height


def _collector(into: list):
    """A hand-over that keeps the cases it is given."""
    return lambda cases, _summary, **_kw: into.append(cases)
