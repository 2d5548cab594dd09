"""No output a person reads holds a full My Number, whatever engine ran the check (SPEC §4: 「Never print a full
number」; DESIGN: 個人番号 masked in every human-facing view unless asked): result.csv, report.xlsx, result.parquet,
run.json, delta.csv, digests.parquet, registry_rejects.csv and the screen — in memory, bucket by bucket and on
Spark, each through the real CLI. With ``--show-number`` the same detector finds the numbers in the result files,
so these tests fail when an output stops masking (or when the detector goes blind)."""

from __future__ import annotations

import json

import pytest

from himozuke.formats import columns as C
from tests.cli.test_check import invoke
from tests.outputs.conftest import ALL_FORMATS
from tests.outputs.detector import full_numbers, in_file, in_folder

#: The engines and the options that choose them (a tiny input runs in memory unless buckets are asked for).
ENGINES = {
    "in-memory": [],
    "bucketed": ["--buckets", "3"],
    "spark": ["--engine", "spark"],
}
RESULT_FILES = ("result.csv", "report.xlsx", "result.parquet")
#: Numbers of named B and C rows (tests/cli/data): in every result file, the report's and delta.csv's lists too.
B_AND_C = {"766014691351", "822876776189", "839467755994", "704653375287"}
#: An A row's: in the files that hold every row (the report and delta.csv list only what needs a look).
A = "151650496556"


def _run(inputs, out, engine: str, *extra: str) -> str:
    args = ["check", str(inputs[0]), str(inputs[1]), "--out", str(out), "--formats", ALL_FORMATS,
            *ENGINES[engine], *extra]
    if engine != "spark":  # the re-check is a local engine's: its delta.csv (no baseline: every B/C is 新規)
        args += ["--baseline", str(out.parent / "no-baseline")]
    res = invoke(*args)
    assert res.exit_code in (0, 1), res.output  # 1: new B/C found by the re-check, as a scheduler is told
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["engine"] == {"in-memory": "in-memory", "bucketed": "bucketed", "spark": "spark"}[engine]
    return res.output


@pytest.fixture(scope="module", params=list(ENGINES))
def runs(request, inputs, tmp_path_factory):
    """(engine, masked folder, its screen, shown folder, its screen): one default and one --show-number run."""
    engine = request.param
    d = tmp_path_factory.mktemp(f"masking-{engine}")
    if engine == "spark":  # the run test_spark_engine.py proves ran on Spark
        out, masked, _ = request.getfixturevalue("spark_cli_run")
    else:
        out, masked = d / "masked", _run(inputs, d / "masked", engine)
    shown = _run(inputs, d / "shown", engine, "--show-number")
    return engine, out, masked, d / "shown", shown


def test_every_output_is_written(runs):
    engine, masked, _, _, _ = runs
    written = {p.name for p in masked.iterdir()}
    expected = {*RESULT_FILES, "run.json", "registry_rejects.csv"}
    if engine != "spark":
        expected |= {"delta.csv", "digests.parquet"}
    assert expected <= written, written


def test_no_full_number_in_any_file_nor_on_the_screen(runs):
    engine, masked, screen, _, _ = runs
    assert in_folder(masked) == {}, engine
    assert full_numbers(screen) == [], screen


def test_show_number_writes_the_numbers_in_full(runs):
    """The other audience's files: the same detector must see the numbers (or the test above proves nothing)."""
    engine, _, _, shown, screen = runs
    files = [*RESULT_FILES, *(["delta.csv"] if engine != "spark" else [])]
    for name in files:
        found = {n if isinstance(n, str) else n[1] for n in in_file(shown / name)}
        wanted = B_AND_C | ({A} if name in ("result.csv", "result.parquet") else set())
        assert wanted <= found, (engine, name, sorted(wanted - found))
    # run.json, the rejects and the screen never carry a number, shown or not
    assert in_folder(shown, skip=files) == {}
    assert full_numbers(screen) == []
    assert json.loads((shown / "run.json").read_text(encoding="utf-8"))["show_number"] is True


def test_the_typed_number_is_masked_like_any_other(runs):
    """The number typed in full-width with separators (conftest.TYPED) is a full number too: the masked result
    shows no digit group of it beyond the masked form's."""
    _, masked, _, _, _ = runs
    import polars as pl

    result = pl.read_parquet(masked / "result.parquet")
    last = result.filter(pl.col(C.ROW) == result[C.ROW].max())
    assert last[C.MY_NUMBER].item() in ("1516 **** 6556", "*" * len(last[C.MY_NUMBER].item())), last


@pytest.mark.parametrize("buckets", [None, 3], ids=["in-memory", "bucketed"])
def test_the_library_masks_by_default(inputs, tmp_path, buckets):
    """``run_check`` called as the web UI and scripts call it — no ``show_number`` — masks like the CLI."""
    from himozuke.pipeline import run_check

    summary, _ = run_check(*inputs, tmp_path, formats=("csv", "xlsx", "parquet"), buckets=buckets,
                           baseline=tmp_path / "no-baseline")
    assert {"result.csv", "report.xlsx", "result.parquet", "delta.csv"} <= set(summary.outputs)
    assert in_folder(tmp_path) == {}
    assert summary.show_number is False
