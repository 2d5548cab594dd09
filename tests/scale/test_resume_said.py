"""``--resume`` says what it did (issue #21 part 2): it continues an interrupted bucketed run; with nothing
interrupted it says so — and either finds the output already complete for these inputs (nothing checked again,
files untouched) or checks from the start, in memory when the inputs fit, never silently."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.cli.test_check import DATA, invoke

RESUME_LINE = "再開 / resume:"


@pytest.fixture
def inputs(tmp_path):
    for name in ("business.csv", "registry.csv"):
        shutil.copy(DATA / name, tmp_path / name)
    return tmp_path / "business.csv", tmp_path / "registry.csv"


def _check(business, registry, out, *extra):
    return invoke("check", str(business), str(registry), "--out", str(out), "--formats", "csv", *extra)


def test_resume_of_a_complete_output_checks_nothing_again(inputs, tmp_path):
    out = tmp_path / "out"
    assert _check(*inputs, out).exit_code == 0
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    res = _check(*inputs, out, "--resume")
    assert res.exit_code == 0, res.output
    assert RESUME_LINE in res.output and "already complete" in res.output
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before  # not a byte rewritten


def test_resume_with_nothing_interrupted_says_so_and_checks_in_memory(inputs, tmp_path):
    out = tmp_path / "out"
    res = _check(*inputs, out, "--resume")
    assert res.exit_code == 0, res.output
    assert RESUME_LINE in res.output and "nothing to resume" in res.output
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["engine"] == "in-memory" and "nothing to resume" in run["resume"]


@pytest.mark.parametrize("change", ["input", "masking", "format"])
def test_a_complete_output_of_other_inputs_or_options_is_checked_again(inputs, tmp_path, change):
    out = tmp_path / "out"
    assert _check(*inputs, out).exit_code == 0
    extra = []
    if change == "input":
        business = inputs[0]
        business.write_bytes(business.read_bytes() + business.read_bytes().splitlines(keepends=True)[-1])
    elif change == "masking":
        extra = ["--show-number"]
    res = invoke("check", str(inputs[0]), str(inputs[1]), "--out", str(out), "--resume", *extra,
                 "--formats", "csv,parquet" if change == "format" else "csv")
    assert res.exit_code == 0, res.output
    assert "nothing to resume" in res.output and "already complete" not in res.output
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["resume"].startswith("続きから再開できる")


def test_an_interrupted_bucketed_run_says_it_continued(inputs, tmp_path, monkeypatch):
    """The state a kill leaves (the work folder of the same inputs kept): --resume continues it and says so."""
    from himozuke.match.scale import Work
    from himozuke.pipeline import run_check

    out = tmp_path / "out"
    with monkeypatch.context() as m:
        m.setattr(Work, "remove", lambda self: None)  # keep the work folder, as a kill would
        run_check(*inputs, out, formats=("csv",), buckets=3)
    assert (out / ".himozuke-work" / "manifest.json").exists()
    res = _check(*inputs, out, "--resume")
    assert res.exit_code == 0, res.output
    assert RESUME_LINE in res.output and "continued the interrupted run" in res.output
    assert not (out / ".himozuke-work").exists()
