"""``--resume`` after a real kill (issue #21; docs/cli.md): a bucketed run SIGKILLed after 4 of its 8 buckets is
continued — only the 4 unfinished buckets are checked again, the partition is not redone — and the result is
byte-identical to an uninterrupted in-memory run. A resume whose inputs changed is refused, even when the only
difference is the content of a file of the same name, size and modification time."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from himozuke.formats import columns as C
from himozuke.match import scale
from himozuke.pipeline import run_check
from himozuke.testing.perturb import business_copy
from himozuke.testing.population import generate_population
from tests.cli.test_check import invoke
from tests.outputs.detector import full_numbers

BUCKETS, KILL_AT = 8, 4
ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> tuple[Path, Path]:
    """3,000 generated residents (every one of 8 buckets gets rows) and their business copy."""
    d = tmp_path_factory.mktemp("resume")
    pop = generate_population(3_000, seed=5)
    business = business_copy(pop, seed=5).select(C.STANDARD)
    registry = pop.filter(pl.col("状態") != "消除者").select(C.STANDARD).with_columns(pl.col(C.BIRTH_DATE).cast(str))
    bp, rp = d / "business.csv", d / "registry.csv"
    business.write_csv(bp)
    registry.write_csv(rp)
    return bp, rp


@pytest.fixture(scope="module")
def in_memory(inputs, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("uninterrupted")
    summary, _ = run_check(*inputs, out, formats=("csv", "parquet"))
    assert summary.engine == "in-memory"
    return out


def _killed(inputs, out: Path) -> set[int]:
    """Run the check in a child that SIGKILLs itself after KILL_AT buckets; the buckets it finished."""
    proc = subprocess.run([sys.executable, "-m", "tests.outputs._killed_check", str(inputs[0]), str(inputs[1]),
                           str(out), str(BUCKETS), str(KILL_AT)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == -signal.SIGKILL, (proc.returncode, proc.stdout, proc.stderr)
    assert f"KILLED {KILL_AT}/" in proc.stdout
    results = out / ".himozuke-work" / "results"
    return {int(p.name.removeprefix("bucket-").split(".")[0]) for p in results.glob("bucket-*")
            if p.is_file() and p.name.removeprefix("bucket-").split(".")[0].isdigit()}


def test_resume_checks_only_the_unfinished_buckets_and_gives_the_same_bytes(inputs, in_memory, tmp_path,
                                                                            monkeypatch):
    out = tmp_path / "out"
    finished = _killed(inputs, out)
    assert finished == set(range(KILL_AT)), finished
    assert not (out / "result.csv").exists()

    checked, partitioned = [], []
    scan, split = scale._scan_bucket, scale.partition

    def counting_scan(root: Path, i: int):
        if root.name == "business" and root.parent.name == "partition":
            checked.append(i)  # check_buckets reads a bucket's business rows only to check it
        return scan(root, i)

    monkeypatch.setattr(scale, "_scan_bucket", counting_scan)
    monkeypatch.setattr(scale, "partition", lambda *a, **k: partitioned.append(1) or split(*a, **k))
    res = invoke("check", str(inputs[0]), str(inputs[1]), "--out", str(out), "--formats", "csv,parquet", "--resume")
    assert res.exit_code == 0, res.output
    assert sorted(checked) == sorted(set(range(BUCKETS)) - finished), checked  # each unfinished bucket, once
    assert partitioned == []
    assert "continued the interrupted run" in res.output and full_numbers(res.output) == []
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["engine"] == "bucketed" and "continued" in run["resume"]
    assert (out / "result.csv").read_bytes() == (in_memory / "result.csv").read_bytes()
    assert pl.read_parquet(out / "result.parquet").equals(pl.read_parquet(in_memory / "result.parquet"))
    assert not (out / ".himozuke-work").exists()


def test_resume_refuses_an_input_whose_content_alone_changed(inputs, tmp_path):
    business = tmp_path / "business.csv"
    business.write_bytes(inputs[0].read_bytes())
    out = tmp_path / "out"
    _killed((business, inputs[1]), out)
    manifest = out / ".himozuke-work" / "manifest.json"
    before = json.loads(manifest.read_text(encoding="utf-8"))["inputs"]

    # one letter of the last line changed: same name, same size, and the modification time put back
    st = business.stat()
    data = business.read_bytes()
    i = data.rindex(b"\n", 0, len(data) - 1) + 6  # inside the 個人番号 of the last row
    assert data[i:i + 1].isdigit()
    data = data[:i] + (b"1" if data[i:i + 1] != b"1" else b"2") + data[i + 1:]
    business.write_bytes(data)
    os.utime(business, ns=(st.st_atime_ns, st.st_mtime_ns))
    after = [scale.fingerprint(business), scale.fingerprint(inputs[1])]
    assert [{k for k in a if a[k] != b[k]} for a, b in zip(after, before, strict=True)] == [{"sha256_head_tail"},
                                                                                               set()]

    res = invoke("check", str(business), str(inputs[1]), "--out", str(out), "--formats", "csv,parquet", "--resume")
    assert res.exit_code == 2, res.output
    assert "再開できません" in res.output and "run without --resume" in res.output
    assert "Traceback" not in res.output and full_numbers(res.output) == []
    assert manifest.exists(), "the interrupted run's work is kept: the user decides"
    assert not (out / "result.csv").exists()


def test_a_run_that_completes_the_folder_removes_an_interrupted_runs_work(inputs, in_memory, tmp_path):
    """The killed run's partition of both inputs (personal data) stayed in the folder for good when the next run
    checked in full instead of resuming; that run's outputs replace what it would have written, so it goes, and
    the run says so. A --work-dir elsewhere is left to its owner."""
    out = tmp_path / "out"
    _killed(inputs, out)
    assert (out / ".himozuke-work").is_dir()
    summary, _ = run_check(*inputs, out, formats=("csv", "parquet"))
    assert summary.engine == "in-memory"
    assert not (out / ".himozuke-work").exists()
    assert "removed the work folder of an interrupted bucketed run" in summary.resume
    assert (out / "result.csv").read_bytes() == (in_memory / "result.csv").read_bytes()

    elsewhere = tmp_path / "work"
    elsewhere.mkdir()
    (elsewhere / "manifest.json").write_text("{}", encoding="utf-8")  # an interrupted run's (memory.interrupted)
    summary, _ = run_check(*inputs, tmp_path / "out2", formats=("csv",), work_dir=elsewhere)
    assert (elsewhere / "manifest.json").exists() and not summary.resume
