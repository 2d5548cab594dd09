"""Issue #19 part 5: the re-check by lines (himozuke.recheck_lines) writes the same result.csv bytes as a full
check of the same inputs — random edits, inserts and deletions on both sides, unreadable lines, cp932 with CRLF,
carried columns, the full number shown — and falls back to the re-check from whole files when it cannot go by
lines (other masking, a quoted field, an inferred home prefecture, other options)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from himozuke import recheck_lines
from himozuke.errors import InputFileError
from himozuke.formats import columns as C
from himozuke.memory import lines_need, rows_need
from himozuke.pipeline import run_check

from .test_recheck_equals_full import (
    BUSINESS,
    KEY,
    REGISTRY,
    _business_edit,
    _edit_business,
    _edit_registry,
    _registry_edit,
)

HOME = "東京都"
OPTIONS = {"formats": ("csv",), "digest_key": KEY, "home_prefecture": HOME}


def _text(rows: list[dict], columns=C.STANDARD) -> str:
    return pl.DataFrame(rows, schema=dict.fromkeys(columns, pl.String)).write_csv()


def _with_unreadable(text: str, where: int, birth: int) -> str:
    """``text`` with a line of too few fields (an unreadable row) and, on another line, a 生年月日 that is no
    date (its row identifies no one: no person key)."""
    lines = text.splitlines(keepends=True)
    k = 1 + where % max(1, len(lines) - 1)
    lines.insert(k, "000000000000,壊れた行\n")
    b = 1 + birth % max(1, len(lines) - 1)
    fields = lines[b].rstrip("\n").split(",")
    if len(fields) == len(C.STANDARD):
        fields[C.STANDARD.index(C.BIRTH_DATE)] = "不詳"
        lines[b] = ",".join(fields) + "\n"
    return "".join(lines)


def _runs(tmp: Path, b0: str, r0: str, b1: str, r1: str, *, encoding: str = "utf-8", newline: str = "\n",
          first: dict | None = None, last_newline: bool = True, **options):
    """The scheduled command on (b0, r0), then on (b1, r1) from it, and a full check of (b1, r1); returns the
    re-check's summary after asserting its result.csv equals the full check's."""
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    files = []
    for text, name in ((b0, "b0.csv"), (r0, "r0.csv"), (b1, "b1.csv"), (r1, "r1.csv")):
        text = text if last_newline else text.removesuffix("\n")
        (tmp / name).write_bytes(text.replace("\n", newline).encode(encoding))
        files.append(tmp / name)
    opts = {**OPTIONS, **options}
    run_check(files[0], files[1], tmp / "run", baseline=tmp / "run", **{**opts, **(first or {})})
    summary, _ = run_check(files[2], files[3], tmp / "run", baseline=tmp / "run", **opts)
    assert summary.recheck["used"], summary.recheck["reason"]
    # the scheduled command's first run (no baseline there yet): a full check that keeps what a re-check keeps
    full, _ = run_check(files[2], files[3], tmp / "full", baseline=tmp / "full", **opts)
    assert not full.recheck["used"]
    assert (tmp / "run" / "result.csv").read_bytes() == (tmp / "full" / "result.csv").read_bytes()
    assert summary.counts == full.counts and summary.rows_in == full.rows_in
    # and the digests the next re-check reads: a recomputed row's verdict columns, a carried row's kept
    assert _digest_rows(tmp / "run").equals(_digest_rows(tmp / "full"))
    assert _parts(tmp / "run") == _parts(tmp / "full"), "where each side is, for the next re-check's reads"
    return summary, files


def _parts(folder: Path) -> dict:
    return json.loads(pl.read_parquet_metadata(folder / "digests.parquet")["himozuke"])["parts"]


edits = st.tuples(st.lists(_business_edit, max_size=6), st.lists(_registry_edit, max_size=4),
                  st.lists(_business_edit, min_size=1, max_size=8), st.lists(_registry_edit, max_size=6),
                  st.tuples(st.integers(0, 10_000), st.integers(0, 10_000)) | st.none())


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=edits)
def test_recheck_by_lines_equals_full_check(tmp_path, drawn):
    b_base, r_base, b_edits, r_edits, unreadable = drawn
    b0, r0 = _edit_business(BUSINESS, b_base), _edit_registry(REGISTRY, r_base)
    if unreadable:  # a row that identifies no one (no person key) in both runs: carried like any other
        b0[unreadable[0] % len(b0)][C.BIRTH_DATE] = "不詳"
    b1, r1 = _text(_edit_business(b0, b_edits)), _text(_edit_registry(r0, r_edits))
    if unreadable:
        b1 = _with_unreadable(b1, *unreadable)
    tmp = tmp_path / "l"
    summary, files = _runs(tmp, _text(b0), _text(r0), b1, r1)
    assert summary.recheck["by_lines"]
    # the same delta as the re-check from whole files (a second output format makes it read them whole)
    shutil.rmtree(tmp / "base", ignore_errors=True)
    run_check(files[0], files[1], tmp / "base", baseline=tmp / "base", **OPTIONS)
    whole, _ = run_check(files[2], files[3], tmp / "whole", baseline=tmp / "base",
                         **{**OPTIONS, "formats": ("csv", "parquet")})
    assert whole.recheck["used"] and not whole.recheck["by_lines"]
    assert (tmp / "run" / "delta.csv").read_bytes() == (tmp / "whole" / "delta.csv").read_bytes()
    assert summary.recheck["delta"] == whole.recheck["delta"]
    # the re-check's own digests serve the next re-check by lines
    again, _ = run_check(files[0], files[1], tmp / "run", baseline=tmp / "run", **OPTIONS)
    assert again.recheck["by_lines"]
    run_check(files[0], files[1], tmp / "first", **OPTIONS)
    assert (tmp / "run" / "result.csv").read_bytes() == (tmp / "first" / "result.csv").read_bytes()


def _edited() -> tuple[str, str, str, str]:
    b1 = _edit_business(BUSINESS, [("name", 3, 0, 1), ("delete", 10, 0, 0), ("copy_under", 5, 20, 1),
                                   ("number_of", 7, 30, 0), ("duplicate", 40, 2, 0)])
    r1 = _edit_registry(REGISTRY, [("address", 4, 0, 0), ("duplicate", 8, 40, 0), ("delete", 50, 0, 0)])
    return _text(BUSINESS), _text(REGISTRY), _text(b1), _text(r1)


@pytest.mark.parametrize(("encoding", "newline"), [("cp932", "\r\n"), ("utf-8-sig", "\n")])
def test_cp932_with_crlf_and_a_bom_go_by_lines(tmp_path, encoding, newline):
    summary, _ = _runs(tmp_path, *_edited(), encoding=encoding, newline=newline)
    assert summary.recheck["by_lines"] and summary.business_encoding == encoding


@pytest.mark.parametrize(("encoding", "newline"), [("cp932", "\r\n"), ("utf-8-sig", "\n"), ("utf-8", "\r\n")])
def test_the_last_lines_changed_in_files_without_a_final_newline(tmp_path, encoding, newline):
    """The lines a re-check parses are read again from the file at the offsets its one pass kept (no line is held):
    the last line, which has no newline here, is read to the file's end, in each encoding and line end."""
    b1 = _edit_business(BUSINESS, [("name", len(BUSINESS) - 1, 0, 1), ("name", 2, 0, 1)])
    r1 = _edit_registry(REGISTRY, [("address", len(REGISTRY) - 1, 0, 0)])
    summary, _ = _runs(tmp_path, _text(BUSINESS), _text(REGISTRY), _text(b1), _text(r1), encoding=encoding,
                       newline=newline, last_newline=False)
    assert summary.recheck["by_lines"] and summary.recheck["new_rows"] == 2, summary.recheck


@pytest.mark.parametrize(("bom", "ends", "last_newline"), [
    (b"", ["\n"], True), (b"", ["\n"], False), (b"\xef\xbb\xbf", ["\n"], True),
    (b"", ["\r\n"], True), (b"", ["\r\n"], False),
    (b"", ["\n"] * 6000 + ["\r\n"], True),  # CRLF only after the first 64 KiB
    (b"", ["\n"] * 6000 + ["\r\n", "\n"], True),
])
def test_line_starts_are_where_each_line_starts(tmp_path, bom, ends, last_newline):
    """The re-check reads a changed line again from where it starts in the file (recheck_lines.read_lines): found
    from the lines' lengths or from the file's newlines, the starts are the file's own, whatever its line ends —
    LF, CRLF, both in one file, a byte order mark, no final newline."""
    lines = ["行番号ではない見出し,b,c", *(f"{k},値{k}x,{'あ' * (k % 7)}" for k in range(8000))]
    data = bom + b"".join((line + ends[min(k, len(ends) - 1)]).encode("utf-8") for k, line in enumerate(lines))
    data = data if last_newline else data.rstrip(b"\r\n")
    path = tmp_path / "lines.csv"
    path.write_bytes(data)
    read = recheck_lines.read_lines(path, None, KEY)
    assert read is not None and read.digests.len() == len(lines) - 1
    starts = [0] + [k + 1 for k, byte in enumerate(data) if byte == 0x0A]
    assert read.starts[:len(lines)].tolist() == starts[:len(lines)]


def test_a_line_changed_after_it_was_read_is_refused(tmp_path):
    """A file changed between the re-check's pass over its lines and its reading the lines that changed again:
    the lines read would not be the lines paired, so the re-check stops with a message naming the file."""
    path = tmp_path / "b.csv"
    path.write_text(_text(BUSINESS), encoding="utf-8")
    lines = recheck_lines.read_lines(path, None, KEY)
    assert lines is not None and lines.digests.len() == len(BUSINESS)
    text = path.read_text(encoding="utf-8").splitlines(keepends=True)
    text[3] = text[3].replace(BUSINESS[2][C.KANJI_NAME], "別" * len(BUSINESS[2][C.KANJI_NAME]), 1)
    path.write_text("".join(text), encoding="utf-8")
    at = np.array([0, 2, 5])
    with pytest.raises(InputFileError) as e:
        recheck_lines.parsed(lines, at, role="business", profile="standard", key=KEY)
    assert "b.csv" in str(e.value) and "changed" in str(e.value)
    rows, _, _ = recheck_lines.parsed(lines, np.array([0, 5]), role="business", profile="standard",
                                      key=KEY)
    assert rows.get_column(C.ROW).to_list() == [2, 7]
    path.write_bytes(b"")  # emptied: nothing to read again
    with pytest.raises(InputFileError, match="changed"):
        recheck_lines.parsed(lines, at, role="business", profile="standard", key=KEY)


def test_carried_columns_go_by_lines(tmp_path):
    columns = (*C.STANDARD, C.ATENA_NUMBER)
    rows = [{**r, C.ATENA_NUMBER: f"A{k:05d}"} for k, r in enumerate(BUSINESS)]
    edited = _edit_business(rows, [("name", 3, 0, 1), ("delete", 10, 0, 0), ("duplicate", 40, 2, 0)])
    summary, _ = _runs(tmp_path, _text(rows, columns), _text(REGISTRY), _text(edited, columns), _text(REGISTRY))
    assert summary.recheck["by_lines"] and summary.carried == [C.ATENA_NUMBER]


def test_full_number_shown_goes_by_lines(tmp_path):
    summary, _ = _runs(tmp_path, *_edited(), show_number=True)
    assert summary.recheck["by_lines"] and summary.show_number


@pytest.mark.parametrize("case", ["other masking", "quoted field", "inferred home", "other home", "two formats"])
def test_what_cannot_go_by_lines_is_rechecked_from_whole_files(tmp_path, case):
    b0, r0, b1, r1 = _edited()
    first, options = {}, {}
    if case == "other masking":  # the baseline's result.csv masks the numbers this run shows
        options = {"show_number": True}
        first = {"show_number": False}
    elif case == "quoted field":  # a quoted field may hold a line break: lines are not rows
        b1 = b1.replace("\n", f'\n"{BUSINESS[0][C.MY_NUMBER]}",引用,インヨウ,1990-01-01,1,東京都千代田区\n', 1)
    elif case == "inferred home":
        options = {"home_prefecture": None}
    elif case == "other home":  # the manifest differs: a full check, told why
        first = {"home_prefecture": "大阪府"}
    elif case == "two formats":
        options = {"formats": ("csv", "parquet")}
    if case == "other home":
        tmp = tmp_path
        files = []
        for text, name in ((b0, "b0.csv"), (r0, "r0.csv"), (b1, "b1.csv"), (r1, "r1.csv")):
            (tmp / name).write_text(text, encoding="utf-8")
            files.append(tmp / name)
        run_check(files[0], files[1], tmp / "run", baseline=tmp / "run", **{**OPTIONS, **first})
        summary, _ = run_check(files[2], files[3], tmp / "run", baseline=tmp / "run", **OPTIONS)
        assert not summary.recheck["used"] and "home_prefecture" in summary.recheck["reason"]
        run_check(files[2], files[3], tmp / "full", **OPTIONS)
        assert (tmp / "run" / "result.csv").read_bytes() == (tmp / "full" / "result.csv").read_bytes()
        return
    summary, _ = _runs(tmp_path, b0, r0, b1, r1, first=first, **options)
    assert not summary.recheck["by_lines"] and summary.recheck["not_by_lines"]  # run.json says why


def test_digest_file_holds_no_value(tmp_path):
    b0, r0, b1, r1 = _edited()
    _runs(tmp_path, b0, r0, b1, r1)
    frame = pl.read_parquet(tmp_path / "run" / "digests.parquet")
    assert {"d_line", "d_person"} <= set(frame.columns) and "住基行" in frame.get_column("側").to_list()
    text = "\n".join(str(v) for col in frame.columns for v in frame.get_column(col).cast(pl.String).to_list())
    assert not any(r[C.MY_NUMBER] and r[C.MY_NUMBER] in text for r in BUSINESS)
    assert not any(r[C.KANJI_NAME] and r[C.KANJI_NAME] in text for r in BUSINESS)


def _files(tmp: Path, texts) -> list[Path]:
    files = []
    for text, name in zip(texts, ("b0.csv", "r0.csv", "b1.csv", "r1.csv"), strict=True):
        (tmp / name).write_text(text, encoding="utf-8")
        files.append(tmp / name)
    return files


@pytest.mark.parametrize("case", ["registry line unreadable", "result.csv replaced"])
def test_a_baseline_that_cannot_be_copied_from_is_rechecked_from_whole_files(tmp_path, case):
    b0, r0, b1, r1 = _edited()
    if case == "registry line unreadable":  # in both runs: only a reader of the whole file lists it
        r0, r1 = (text.replace("\n", "\n123456789018,壊れた行\n", 1) for text in (r0, r1))
    files = _files(tmp_path, (b0, r0, b1, r1))
    run_check(files[0], files[1], tmp_path / "run", baseline=tmp_path / "run", **OPTIONS)
    if case == "result.csv replaced":  # e.g. by a later run that failed before its digest file: never copied from
        result = tmp_path / "run" / "result.csv"
        data = result.read_bytes()
        result.unlink()
        result.write_bytes(data)
    summary, _ = run_check(files[2], files[3], tmp_path / "run", baseline=tmp_path / "run", **OPTIONS)
    assert summary.recheck["used"] and not summary.recheck["by_lines"]
    assert ("unreadable" if case.startswith("registry") else "result.csv") in summary.recheck["not_by_lines"]
    full, _ = run_check(files[2], files[3], tmp_path / "full", **OPTIONS)
    for name in ("result.csv", "registry_rejects.csv"):
        assert (tmp_path / "run" / name).is_file() == (tmp_path / "full" / name).is_file()
        if (tmp_path / "full" / name).is_file():
            assert (tmp_path / "run" / name).read_bytes() == (tmp_path / "full" / name).read_bytes()
    assert summary.registry_rejected == full.registry_rejected


def test_unchanged_inputs_copy_every_line(tmp_path):
    b0, r0, _, _ = _edited()
    summary, _ = _runs(tmp_path, b0, r0, b0, r0)
    assert summary.recheck["by_lines"] and summary.recheck["recomputed"] == 0 and not summary.recheck["not_by_lines"]
    assert summary.recheck["delta"] == {"新規": 0, "解消": 0, "変化": 0, "削除": 0}


@pytest.mark.parametrize("block_rows", [1, 7, 64])
@pytest.mark.parametrize("direct_from", [0, 1 << 62])
@pytest.mark.parametrize("span_slack", [1 << 20, -(1 << 62)])
def test_result_assembled_in_blocks_of_any_size_is_the_full_checks(tmp_path, monkeypatch, block_rows, direct_from,
                                                                   span_slack):
    """result.csv is assembled a block of rows at a time (recheck_lines.write_result): a run of copied lines, a
    recomputed line or a 行番号 that changes width (99 → 100 after the inserts) may meet a block's edge anywhere;
    the blocks go to the disk directly (pages shared by two blocks last) or through the page cache (a small file,
    or a file system that refuses direct writes: himozuke.atomic.PositionalWriter); a block's lines of the baseline
    are read at once, or a run of lines at a time when they lie far apart."""
    import himozuke.atomic as atomic
    import himozuke.recheck_lines as lines

    monkeypatch.setattr(lines, "_BLOCK_ROWS", block_rows)
    monkeypatch.setattr(lines, "_SPAN_SLACK", span_slack)
    monkeypatch.setattr(atomic, "_DIRECT_FROM", direct_from)
    b0, r0, b1, r1 = _edited()
    summary, _ = _runs(tmp_path, b0, r0, b1, r1)
    assert summary.recheck["by_lines"] and summary.recheck["carried"] > 100


def test_a_recheck_by_lines_that_fails_writing_leaves_the_baseline_whole(tmp_path, monkeypatch):
    """The baseline's result.csv is read through its open file while this run replaces it in the same folder; a
    run that fails while writing leaves the baseline's digest file, run.json and result.csv as they were, and the
    next re-check still goes by lines from them."""
    import himozuke.atomic as atomic
    from himozuke.errors import DiskFullError

    files = _files(tmp_path, _edited())
    run_check(files[0], files[1], tmp_path / "run", baseline=tmp_path / "run", **OPTIONS)
    kept = {name: (tmp_path / "run" / name).read_bytes() for name in ("digests.parquet", "run.json")}

    def full_disk(*_a, **_k):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(atomic, "_write_fully", full_disk)
        with pytest.raises(DiskFullError):  # told as a full disk, naming the folder
            run_check(files[2], files[3], tmp_path / "run", baseline=tmp_path / "run", **OPTIONS)
    assert {name: (tmp_path / "run" / name).read_bytes() for name in kept} == kept
    assert sorted(p.name for p in (tmp_path / "run").iterdir() if p.name.startswith(".")) == []
    # result.csv was cleared (the folder never shows a result beside another run's run.json), so the next
    # re-check cannot copy from it: it re-checks from whole files and is still exact
    summary, _ = run_check(files[2], files[3], tmp_path / "run", baseline=tmp_path / "run", **OPTIONS)
    assert summary.recheck["used"] and not summary.recheck["by_lines"]
    run_check(files[2], files[3], tmp_path / "full", **OPTIONS)
    assert (tmp_path / "run" / "result.csv").read_bytes() == (tmp_path / "full" / "result.csv").read_bytes()


@pytest.mark.parametrize("previous", ["shorter", "longer"])
def test_a_recheck_by_lines_into_another_folder_writes_over_the_result_it_held(tmp_path, previous):
    """As a full check does: a previous result.csv in the output folder (not the baseline's) is written over — its
    pages reused, cut to the new size — and the bytes are a fresh file's (the full check's); nothing hidden is
    left."""
    files = _files(tmp_path, _edited())
    run_check(files[0], files[1], tmp_path / "base", baseline=tmp_path / "base", **OPTIONS)
    (tmp_path / "run").mkdir()
    size = (tmp_path / "base" / "result.csv").stat().st_size
    (tmp_path / "run" / "result.csv").write_bytes(b"9" * (size // 10 if previous == "shorter" else size * 3))
    inode = (tmp_path / "run" / "result.csv").stat().st_ino
    summary, _ = run_check(files[2], files[3], tmp_path / "run", baseline=tmp_path / "base", **OPTIONS)
    assert summary.recheck["by_lines"]
    run_check(files[2], files[3], tmp_path / "full", **OPTIONS)
    assert (tmp_path / "run" / "result.csv").read_bytes() == (tmp_path / "full" / "result.csv").read_bytes()
    assert (tmp_path / "run" / "result.csv").stat().st_ino == inode, "written over, not a new file"
    assert sorted(p.name for p in (tmp_path / "run").iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("positional", [True, False], ids=["read a block at a time", "read whole (Windows)"])
def test_a_recheck_by_lines_never_writes_over_the_baselines_own_result(tmp_path, monkeypatch, positional):
    """Into the baseline's own folder (the scheduled command), the result.csv read is never the one written over:
    the new result is a new file, so that a run that fails leaves nothing half-written in the baseline's place."""
    import himozuke.recheck_lines as lines

    monkeypatch.setattr(lines, "_POSITIONAL", positional)
    files = _files(tmp_path, _edited())
    run_check(files[0], files[1], tmp_path / "run", baseline=tmp_path / "run", **OPTIONS)
    before = (tmp_path / "run" / "result.csv").read_bytes()
    with (tmp_path / "run" / "result.csv").open("rb") as baselines:  # the baseline's file, seen on its own
        summary, _ = run_check(files[2], files[3], tmp_path / "run", baseline=tmp_path / "run", **OPTIONS)
        assert baselines.read() == before, "the baseline's result.csv was written over"
    assert summary.recheck["by_lines"]
    run_check(files[2], files[3], tmp_path / "full", **OPTIONS)
    assert (tmp_path / "run" / "result.csv").read_bytes() == (tmp_path / "full" / "result.csv").read_bytes()


def _digest_rows(folder: Path) -> pl.DataFrame:
    frame = pl.read_parquet(folder / "digests.parquet")
    return frame.select(sorted(frame.columns)).sort(pl.all(), nulls_last=True)


def test_a_bucketed_run_keeps_the_line_digests_an_in_memory_run_keeps(tmp_path):
    """A bucketed scheduled run computes the line digests streaming and takes the person keys its partition
    computed: the same digest file as an in-memory run's, and the next re-check — of inputs the bucketed engine
    checks — goes by lines and writes the full check's bytes."""
    files = _files(tmp_path, _edited())
    run_check(files[0], files[1], tmp_path / "bucketed", baseline=tmp_path / "bucketed", buckets=3, **OPTIONS)
    run_check(files[0], files[1], tmp_path / "in-memory", baseline=tmp_path / "in-memory", **OPTIONS)
    assert _digest_rows(tmp_path / "bucketed").equals(_digest_rows(tmp_path / "in-memory"))
    summary, _ = run_check(files[2], files[3], tmp_path / "bucketed", baseline=tmp_path / "bucketed", buckets=3,
                           **OPTIONS)
    assert summary.recheck["used"] and summary.recheck["by_lines"], summary.recheck
    run_check(files[2], files[3], tmp_path / "full", buckets=3, **OPTIONS)
    assert (tmp_path / "bucketed" / "result.csv").read_bytes() == (tmp_path / "full" / "result.csv").read_bytes()


@pytest.mark.parametrize(("formats", "need", "by_lines"), [
    (("csv",), lines_need, True),
    (("csv", "parquet"), rows_need, False),  # no line digests: every row is held
], ids=["by lines", "from whole files"])
def test_a_bucketed_recheck_goes_on_when_what_it_holds_fits_the_memory_limit(tmp_path, formats, need, by_lines):
    """The bucketed engine's re-check holds its digests (by lines) or every row (from whole files) in memory:
    under a memory limit they fit, it carries rows forward, and the bytes are the full check's."""
    files = _files(tmp_path, _edited())
    options = {**OPTIONS, "formats": formats, "buckets": 3}
    run_check(files[0], files[1], tmp_path / "run", baseline=tmp_path / "run", **options)
    summary, _ = run_check(files[2], files[3], tmp_path / "run", baseline=tmp_path / "run",
                           memory_limit=need(files[2:]), **options)
    assert summary.recheck["used"] and summary.recheck["by_lines"] == by_lines, summary.recheck
    assert summary.recheck["carried"] > 0
    run_check(files[2], files[3], tmp_path / "full", **options)
    assert (tmp_path / "run" / "result.csv").read_bytes() == (tmp_path / "full" / "result.csv").read_bytes()


def test_a_recheck_from_whole_files_that_would_pass_the_memory_limit_checks_in_full_bucket_by_bucket(tmp_path):
    """At national scale a re-check from whole files would hold every row of both files — more than an in-memory
    check holds (1 M pairs: 1.74 GB peak against 1.39 GB): past the memory limit the run checks in full, bucket by
    bucket, says why, and still writes delta.csv against the baseline; the bytes are the full check's."""
    files = _files(tmp_path, _edited())
    options = {**OPTIONS, "formats": ("csv", "parquet")}  # no line digests: a re-check from whole files
    run_check(files[0], files[1], tmp_path / "run", baseline=tmp_path / "run", **options)
    summary, _ = run_check(files[2], files[3], tmp_path / "run", baseline=tmp_path / "run",
                           memory_limit=rows_need(files[2:]) - 1, **options)
    assert summary.engine == "bucketed"
    assert not summary.recheck["used"] and "GiB" in summary.recheck["reason"], summary.recheck
    assert summary.recheck["delta"]["新規"] > 0 and (tmp_path / "run" / "delta.csv").is_file()
    full, _ = run_check(files[2], files[3], tmp_path / "full", **options)
    assert (tmp_path / "run" / "result.csv").read_bytes() == (tmp_path / "full" / "result.csv").read_bytes()
    assert summary.counts == full.counts


def test_a_recheck_by_lines_goes_on_under_any_memory_limit(tmp_path):
    """Of the ways to re-check, by lines holds the least (a digest and an offset a line, both runs' digests): a
    full check in its place would still pair every row with the baseline's for delta.csv (measured at 10 M pairs:
    more than by lines). So it goes on under the smallest limit, and the bytes are the full check's."""
    files = _files(tmp_path, _edited())
    options = {**OPTIONS, "buckets": 3, "memory_limit": 1 << 10}
    run_check(files[0], files[1], tmp_path / "run", baseline=tmp_path / "run", **options)
    summary, _ = run_check(files[2], files[3], tmp_path / "run", baseline=tmp_path / "run", **options)
    assert summary.recheck["used"] and summary.recheck["by_lines"], summary.recheck
    run_check(files[2], files[3], tmp_path / "full", **OPTIONS)
    assert (tmp_path / "run" / "result.csv").read_bytes() == (tmp_path / "full" / "result.csv").read_bytes()


def test_a_person_whose_second_number_is_gone_loses_the_flag_on_every_row(tmp_path):
    """「総点検マニュアル」第2.1版 §7(6) as the engine reads it: one person under several numbers flags each of the
    person's rows (cross.person_several_numbers). The re-check by lines does not check every flagged row again:
    it knows each gone row's person key, and a person's flags change only when one of its rows comes or goes —
    here the copy under another number goes, and the original row, its line unchanged, must lose the flag."""
    several = "cross.person_several_numbers"
    b0 = _edit_business(BUSINESS, [("copy_under", 5, 20, 0)])
    files = _files(tmp_path, (_text(b0), _text(REGISTRY), _text(BUSINESS), _text(REGISTRY)))
    run_check(files[0], files[1], tmp_path / "run", baseline=tmp_path / "run", **OPTIONS)
    before = pl.read_csv(tmp_path / "run" / "result.csv", infer_schema=False)
    assert before.filter(pl.col(C.REASONS).str.contains(several)).height >= 2
    summary, _ = run_check(files[2], files[3], tmp_path / "run", baseline=tmp_path / "run", **OPTIONS)
    assert summary.recheck["by_lines"] and summary.recheck["recomputed"] < len(BUSINESS)
    after = pl.read_csv(tmp_path / "run" / "result.csv", infer_schema=False)
    assert after.filter(pl.col(C.REASONS).str.contains(several)).height == 0
    run_check(files[2], files[3], tmp_path / "full", **OPTIONS)
    assert (tmp_path / "run" / "result.csv").read_bytes() == (tmp_path / "full" / "result.csv").read_bytes()


def test_without_positional_reads_the_baseline_is_read_whole_and_the_bytes_are_the_same(tmp_path, monkeypatch):
    """Windows has no os.preadv / os.pwrite, and there a file that is open can be neither removed nor replaced —
    the output folder is the baseline's own here: the baseline's result.csv is then read whole at once."""
    import himozuke.recheck_lines as lines

    monkeypatch.setattr(lines, "_POSITIONAL", False)
    monkeypatch.setattr(lines, "_BLOCK_ROWS", 7)
    summary, _ = _runs(tmp_path, *_edited())
    assert summary.recheck["by_lines"]
