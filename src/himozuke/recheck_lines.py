"""Re-check by lines (issue #19 part 5): parse only what changed, copy every other row's line of result.csv.

:func:`himozuke.recheck.recheck_frames` reads both files whole and writes every result row, which alone costs
36–45 % of a full check (docs/benchmarks.md). When both inputs are CSV files whose lines are rows (no quote, no
blank line, no stray carriage return) and the baseline kept a digest per input *line* and the result.csv it wrote,
a re-check here

* hashes the lines as the reader decodes them, unparsed and streaming (only a digest and an offset per line are
  kept: :class:`Lines`), and pairs them with the baseline's lines (the k-th copy of a line with the previous k-th
  copy) — an unchanged line reads as the same record;
* reads again and parses, through the reader itself (:func:`himozuke.formats.records.open_records` on a private
  file of the chosen lines), only the new lines and then the lines the rules can reach from them: rows whose number's
  registry lines changed, rows sharing a 個人番号 or a person key with a new or gone row, and their context, chosen
  as :func:`~himozuke.recheck.recheck_frames` chooses them (its module doc) but from the digests the baseline
  kept for each row (``d_number``, ``d_person``) instead of from every row parsed — and, since a gone row's person
  key is kept, without the rows the baseline flagged as one person under several numbers;
* checks those by the engine (:func:`himozuke.match.engine.check_frames`) and writes their result lines with
  result.csv's writer, and copies every other row's line from the previous result.csv with its 行番号 rewritten.

A copied line is the full check's line: its values, verdicts and masking depend only on the row's line, its
number's registry lines, the rows sharing its number or person (all unchanged) and options the baseline must
share (:func:`usable`). The bytes equal a full check's (property-tested, ``tests/recheck/``). Anything else — an
Excel or fixed-length input, other options, a home prefecture inferred from the registry, a registry line that
cannot be read, a baseline without line digests — is left to :func:`~himozuke.recheck.recheck_frames` (the caller
falls back; :func:`why_not` says why).

Digests only, as in :mod:`himozuke.recheck`: ``d_line`` is the keyed digest of a line, ``d_person`` of the
engine's person key (:func:`himozuke.match.engine.person_frame`); no value is kept.
"""

from __future__ import annotations

import contextlib
import io
import json
import mmap
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from himozuke.errors import InputFileError
from himozuke.formats import columns as C
from himozuke.formats.records import open_records
from himozuke.formats.tabular import (
    _normalise_encoding,
    _utf8_copy,
    detect_encoding,
    private_temp_path,
    released,
)
from himozuke.match.engine import (
    NUMBER_KEY,
    PERSON,
    RESULT_COLUMNS,
    business_frame,
    check_frames,
    person_frame,
    typed_number_key_expr,
)
from himozuke.recheck import (
    _PREV,
    D_LINE,
    D_NUMBER,
    D_PERSON,
    D_ROW,
    Baseline,
    Checked,
    Key,
    _pair,
    business_digests,
    pair_up,
    registry_digests,
    stored_derived,
)
from himozuke.report.tables import displayed

_LINE = "_line"


@dataclass(frozen=True)
class Lines:
    """An input file whose every line is a row, read once and not held: its header, each data line's keyed digest
    and where each line starts, so that the few lines a re-check parses are read again from the file
    (:func:`parsed`). Two numbers a line, where the lines themselves were ~2.5× the file's size in memory."""

    path: Path
    header: str  #: the header line as the reader decodes it (one trailing carriage return removed)
    encoding: str  #: the file's encoding as the reader names it (run.json)
    digests: pl.Series  #: d_line of each data line, in file order
    starts: np.ndarray  #: the byte offset of each line in the file (the header's first), then one past the last


def read_lines(path: str | os.PathLike, encoding: str | None, key: Key) -> Lines | None:
    """``path`` as :class:`Lines` when every line is a row (a CSV without quotes — a quoted field may hold a line
    break —, blank lines or stray carriage returns), decoded as :func:`himozuke.formats.tabular.open_table` decodes
    it, in one streaming pass; None otherwise."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm") or not path.is_file():
        return None
    line = pl.col(_LINE).str.strip_suffix("\r")  # CRLF line ends are fine, a carriage return elsewhere not
    try:
        enc = _normalise_encoding(encoding, path) if encoding else detect_encoding(path)
        with ThreadPoolExecutor(1, thread_name_prefix="himozuke-lines") as pool:
            # where the lines start: from the lines' lengths where the reader's text is the file's bytes and no
            # line ends in CRLF (the reader drops its carriage return); else from the file's newlines (a cp932
            # trail byte is never one), found beside the reader's pass
            counted = enc in ("utf-8", "utf-8-sig") and not _crlf_ahead(path)
            ends = None if counted else pool.submit(_newlines_of, path)
            with _utf8_copy(path, enc) as utf8:
                scan = pl.scan_lines(utf8, name=_LINE)
                header = scan.head(1).select(line).collect().get_column(_LINE)
                # one pass (two queries would each split the file into lines)
                read = scan.select(key.digest_text(line).alias(D_LINE), pl.col(_LINE).str.len_bytes().alias("_n"),
                                   _not_a_row(line).alias("_odd")).collect(engine="streaming")
            starts = _counted_starts(path, read.get_column("_n")) if counted else None
            if starts is None:
                ends, size = ends.result() if ends is not None else _newlines_of(path)
                last = [size + 1] if size and (not len(ends) or ends[-1] + 1 != size) else []  # no final newline
                starts = np.concatenate([[0], ends + 1, last]).astype(np.int64)
    except (InputFileError, pl.exceptions.PolarsError, OSError):
        return None
    if read.height < 2 or read.get_column("_odd").any():
        return None
    digests = read.get_column(D_LINE).slice(1).rechunk()  # the streaming pass gives thousands of pieces
    if len(starts) != digests.len() + 2:
        return None
    return Lines(path, header.item(), enc, digests, starts)


def _crlf_ahead(path: Path) -> bool:
    """Whether the file's first 64 KiB hold a CRLF line end (then every line likely ends so)."""
    with path.open("rb") as f:
        return b"\r\n" in f.read(1 << 16)


def _counted_starts(path: Path, lengths: pl.Series) -> np.ndarray | None:
    """Where each line starts, then one past the last line's newline, from the reader's line ``lengths`` (bytes) —
    when they account for the whole file, each line followed by its newline alone (None otherwise)."""
    starts = np.concatenate([[0], np.cumsum(lengths.to_numpy().astype(np.int64) + 1)])
    with path.open("rb") as f:
        size = os.fstat(f.fileno()).st_size
        f.seek(max(0, size - 1))
        final = f.read(1)
    return starts if final == b"\n" and int(starts[-1]) == size else None


def _not_a_row(line: pl.Expr) -> pl.Expr:
    """A line (its CRLF end's carriage return removed) that may not be one row: a carriage return elsewhere, a
    quote (a quoted field may hold a line break) or nothing (a blank line)."""
    return line.str.contains_any(["\r", '"']) | (line.str.len_bytes() == 0)  # one pass for both characters


def newlines(block, size: int) -> np.ndarray:
    """The offset of every newline in a file of ``size`` bytes, looked at a block at a time (a comparison of the
    whole file would touch an array as large as it): ``block(at, n)`` is the file's bytes [at, at + n)."""
    step = 1 << 23
    return np.concatenate([np.empty(0, dtype=np.int64), *(np.flatnonzero(block(at, min(step, size - at)) == 0x0A) + at
                                                           for at in range(0, size, step))])


def _newlines_of(path: Path) -> tuple[np.ndarray, int]:
    """(:func:`newlines`, size) of the file at ``path``."""
    with path.open("rb") as f:
        return _newlines_in(f.fileno())


def _newlines_in(fd: int) -> tuple[np.ndarray, int]:
    """(:func:`newlines`, size) of the open file ``fd``, mapped rather than read (a read copies every byte once more
    before it is searched)."""
    size = os.fstat(fd).st_size
    if not size:
        return np.empty(0, dtype=np.int64), 0
    with mmap.mmap(fd, 0, access=mmap.ACCESS_READ) as mm:
        # a window at a time, each let go of once searched (a mapped page counts in RSS: tabular.released)
        found = [newlines(lambda a, k, at=at: np.frombuffer(mm, dtype=np.uint8, count=k, offset=at + a), n) + at
                 for at, n in released(mm)]
        return np.concatenate([np.empty(0, dtype=np.int64), *found]), size


def header_digest(lines: Lines, key: Key) -> str:
    return f"{pl.select(key.digest_text(pl.lit(lines.header))).item():016x}"


def parsed(lines: Lines, at: np.ndarray, *, role: str, profile: str, key: Key) -> tuple[pl.DataFrame, pl.DataFrame,
                                                                                         tuple[str, ...]]:
    """(rows, rejects, carried columns) of the data lines at 0-based positions ``at`` (ascending), read again from
    the file and parsed by the reader itself from a private file of the header and those lines (in the file's
    encoding); 行番号 as in the whole file. Lines that no longer have the digests read before were changed in
    between: refused."""
    changed = InputFileError("入力ファイルが照合中に変更されました。もう一度実行してください",
                             "the input file changed during the check: run it again", file=lines.path.name)
    starts = lines.starts
    try:
        with lines.path.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            head = mm[:max(0, int(starts[1]) - 1)]
            body = b"\n".join([mm[s:e] for s, e in zip(starts[at + 1].tolist(), (starts[at + 2] - 1).tolist(),
                                                         strict=True)])
    except (OSError, ValueError):  # gone, or emptied (an empty file cannot be mapped)
        raise changed from None
    if len(at):
        again = pl.Series(body.decode(lines.encoding, errors="replace").split("\n")).str.strip_suffix("\r")
        if not pl.select(key.digest_text(pl.lit(again)) == pl.lit(lines.digests.gather(at))).to_series().all():
            raise changed
    with private_temp_path("lines.csv") as tmp:
        tmp.write_bytes(head + b"\n" + body + (b"\n" if len(at) else b""))
        os.chmod(tmp, 0o600)
        with open_records(tmp, role=role, encoding=lines.encoding, profile=profile, whole=True) as r:
            rows, rejects = pl.collect_all([r.rows, r.rejects])
            carried = r.carried
    row = pl.lit(pl.Series(at.astype(np.int64) + 2)).gather(pl.col(C.ROW) - 2)  # the subset's line k is at[k - 2]
    return rows.with_columns(row.alias(C.ROW)), rejects.with_columns(row.alias(C.ROW)), carried


@dataclass
class ByLines:
    """What :func:`recheck_by_lines` computed, for the pipeline to write."""

    checked: Checked  #: pairs, gone, stats, the digests of the next run (line digests included)
    redone: pl.DataFrame  #: the recomputed rows' result rows (full numbers, carried columns), 行番号 order
    #: for each current row (行番号 - 2), the baseline's 行番号 of the line it copies; 0 where the row is recomputed
    source: np.ndarray
    counts: dict[str, int]
    rows_in: int
    registry_rows: int
    carried: tuple[str, ...]
    columns: list[str]  #: the business rows' columns (the manifest's)


def _digests_of_rows(rows: pl.DataFrame, key: Key) -> pl.DataFrame:
    """行番号, d_row, d_number, d_person of parsed business rows (as a full check keeps them)."""
    business = business_frame(rows).collect()
    digests = business_digests(rows, key, business.get_column(NUMBER_KEY))
    persons = person_frame(business, portable=True).select(C.ROW, key.digest(pl.col(PERSON)).alias(D_PERSON))
    return digests.select(C.ROW, D_ROW, D_NUMBER).join(persons, on=C.ROW, how="left", maintain_order="left")


def keep_lines(checked: Checked, b: Lines, r: Lines, b_rows: pl.DataFrame,
               r_rows: pl.DataFrame, key: Key) -> Checked:
    """``checked`` (a run that read both files whole) with what the next re-check by lines needs: each business
    row's line and person digests, and each registry line's digest and number digest."""
    business = business_frame(b_rows).collect()
    persons = person_frame(business, portable=True).select(C.ROW, key.digest(pl.col(PERSON)).alias(D_PERSON))
    return _kept(checked, b.digests, r.digests, persons, _registry_numbers(r_rows, key))


def keep_digested(checked: Checked, b: Lines, r: Lines, person_keys: pl.LazyFrame,
                  number_keys: pl.LazyFrame, key: Key) -> Checked:
    """:func:`keep_lines` for a bucketed run: the person keys and the registry's number keys its partition computed
    (``person_keys``: 行番号, the portable person key; ``number_keys``: 行番号, ``_number_key`` of each registry row)
    — neither file parsed again."""
    persons = person_keys.select(C.ROW, key.digest(pl.col(PERSON)).alias(D_PERSON)).collect(engine="streaming")
    return _kept(checked, b.digests, r.digests, persons, _number_digests(number_keys, pl.col(NUMBER_KEY), key))


def _registry_numbers(r_rows: pl.DataFrame | pl.LazyFrame, key: Key) -> pl.DataFrame:
    """行番号 and the number's digest of each registry row (null where the number is malformed)."""
    return _number_digests(r_rows, typed_number_key_expr(pl.col(C.MY_NUMBER)), key)


def _number_digests(rows: pl.DataFrame | pl.LazyFrame, number: pl.Expr, key: Key) -> pl.DataFrame:
    """行番号 and the digest of ``number`` (a 個人番号 as an integer) of each of ``rows`` (null where it is null)."""
    return rows.lazy().select(C.ROW, pl.when(number.is_not_null()).then(key.digest(number)).alias(D_NUMBER)
                              ).collect(engine="streaming")


def _kept(checked: Checked, b_lines: pl.Series, r_lines: pl.Series, persons: pl.DataFrame,
          numbers: pl.DataFrame) -> Checked:
    """``checked`` with each business row's d_line and d_person and each registry line's d_line and d_number."""
    d_line = pl.DataFrame({C.ROW: np.arange(b_lines.len(), dtype=np.int64) + 2, D_LINE: b_lines})
    checked.digests = (checked.digests.join(d_line, on=C.ROW, how="left", maintain_order="left")
                       .join(persons, on=C.ROW, how="left", maintain_order="left"))
    reg_lines = pl.DataFrame({C.ROW: np.arange(r_lines.len(), dtype=np.int64) + 2, D_LINE: r_lines})
    checked.registry_lines = reg_lines.join(numbers, on=C.ROW, how="left", maintain_order="left").select(D_LINE,
                                                                                                        D_NUMBER)
    return checked


def lines_meta(b: Lines, r: Lines, key: Key, *, show_number: bool) -> dict:
    """What a re-check by lines must find equal besides the manifest: both headers, encodings and the masking."""
    return {"business_header": header_digest(b, key), "registry_header": header_digest(r, key),
            "business_encoding": b.encoding, "registry_encoding": r.encoding, "show_number": show_number}


def result_file(path: Path) -> dict | None:
    """Names the result.csv a run wrote (size, modification time, inode: an atomic replacement changes them; run.json
    keeps it), so that a result.csv written by a later run that failed before its run.json is never taken for the
    one the digests describe; None when there is none."""
    try:
        st = path.stat()
    except OSError:
        return None
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "inode": st.st_ino}


def why_not(base: Baseline, b: Lines | None, r: Lines | None, key: Key, *, show_number: bool,
            home: str | None) -> str:
    """Why the re-check cannot go by lines ("" when it can)."""
    if b is None or r is None:
        return "an input is not a CSV whose every line is a row"
    if home is None:
        return "the home prefecture is inferred from every registry address"
    meta = base.lines_meta
    if not meta or base.lines is None or base.registry_lines is None:
        return "the baseline kept no line digests"
    if meta != lines_meta(b, r, key, show_number=show_number):
        return "the baseline was written with other headers, encodings or masking"
    try:
        run = json.loads((base.folder / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        run = {}
    if run.get("result_csv") is None or result_file(base.folder / "result.csv") != run["result_csv"]:
        return "the baseline's result.csv is not the one its digests describe"
    if run.get("registry_rejected") != 0:  # its unreadable registry lines are listed by a reader of the whole file only
        return "the baseline's registry file had unreadable lines"
    return ""


def recheck_by_lines(b: Lines, r: Lines, base: Baseline, key: Key, *, home: str, b_profile: str,
                     r_profile: str) -> ByLines | None:
    """The re-check of ``b`` against ``r`` from ``base`` by lines (module doc); None when a registry line that
    changed cannot be read (the caller checks in full: the reader then lists every unreadable line)."""
    n = b.digests.len()
    cur = pl.DataFrame({C.ROW: np.arange(n, dtype=np.int64) + 2, D_ROW: b.digests})
    prev = base.lines.rename({C.ROW: _PREV, D_ROW: "_d_row", D_LINE: D_ROW})
    paired, gone = pair_up(cur, prev, _PREV, D_NUMBER, D_PERSON, C.VERDICT)
    paired = paired.drop(D_ROW).rename({"_d_row": D_ROW})
    new = paired.get_column(_PREV).is_null()
    at_new = new.arg_true().to_numpy()
    new_rows, new_rejects, carried = parsed(b, at_new, role="business", profile=b_profile, key=key)
    fresh = _digests_of_rows(new_rows, key)  # a new row's previous columns are null: its own go in their place
    at_fresh = fresh.get_column(C.ROW).to_numpy() - 2  # paired holds row 行番号 p at p - 2
    paired = paired.with_columns(paired.get_column(c).scatter(at_fresh, fresh.get_column(c))
                                 for c in (D_ROW, D_NUMBER, D_PERSON))

    # the registry: lines paired the same way; a new line's number is read from it, a gone line's was kept
    rcur = pl.DataFrame({D_ROW: r.digests}).with_row_index("_at")
    rprev = base.registry_lines.rename({D_LINE: D_ROW}).with_columns(pl.lit(True).alias("_known"))
    rpaired, r_gone = pair_up(rcur, rprev, D_NUMBER)
    r_fresh = rpaired.get_column("_known").is_null()
    r_rows, r_rejects, _ = parsed(r, r_fresh.arg_true().to_numpy(), role="registry", profile=r_profile, key=key)
    if r_rejects.height:
        return None
    number = typed_number_key_expr(pl.col(C.MY_NUMBER))
    r_numbers = r_rows.select((pl.col(C.ROW) - 2).cast(pl.UInt32).alias("_at"),
                              pl.when(number.is_not_null()).then(key.digest(number)).alias("_n"))
    # a new line is unpaired, so its number (null until now) is scattered in at its position (``_at``)
    rpaired = rpaired.with_columns(rpaired.get_column(D_NUMBER).scatter(r_numbers.get_column("_at"),
                                                                         r_numbers.get_column("_n")))
    numbers = rpaired.get_column(D_NUMBER).drop_nulls().sort()
    repeated = numbers.filter(numbers == numbers.shift(1))  # sorted, a repeat follows its first (a sort: 1/4 the time)
    reg_changed = pl.concat([rpaired.get_column(D_NUMBER).filter(r_fresh), r_gone.get_column(D_NUMBER),
                             repeated]).drop_nulls().unique()

    # what to recompute, and the context the cross-record rules need (recheck.recheck_frames, from digests)
    dirty_numbers = pl.concat([paired.get_column(D_NUMBER).filter(new), gone.get_column(D_NUMBER),
                               reg_changed]).drop_nulls().unique()
    # a person's rows change only when one of its rows is new or gone: the baseline kept each row's person key, so
    # the rows it flagged as one person under several numbers need not all be checked again (3 % of 10 M rows)
    dirty_persons = pl.concat([paired.get_column(D_PERSON).filter(new), gone.get_column(D_PERSON)]
                              ).drop_nulls().unique()
    number_d, person_d = pl.col(D_NUMBER), pl.col(D_PERSON)
    # lazily: the two look-ups of a selection run side by side (eagerly one after the other)
    redo = paired.lazy().select(new | number_d.is_in(dirty_numbers.implode()).fill_null(False)
                                | person_d.is_in(dirty_persons.implode()).fill_null(False)).collect().to_series()
    reach = paired.select(D_NUMBER, D_PERSON).filter(redo)
    context = paired.lazy().select(
        redo | number_d.is_in(reach.get_column(D_NUMBER).drop_nulls().implode()).fill_null(False)
        | person_d.is_in(reach.get_column(D_PERSON).drop_nulls().implode()).fill_null(False)).collect().to_series()
    # the context's business lines read while its registry lines are chosen and read (each read is half Python
    # slicing the mapped file, half the reader's own threads)
    with ThreadPoolExecutor(1, thread_name_prefix="himozuke-lines") as pool:
        reading = pool.submit(parsed, b, (context & ~new).arg_true().to_numpy(), role="business", profile=b_profile,
                              key=key)
        numbers = pl.concat([paired.get_column(D_NUMBER).filter(context), reg_changed]).drop_nulls().unique()
        r_at = rpaired.select(pl.col(D_NUMBER).is_in(numbers.implode()).fill_null(False)).to_series().arg_true()
        r_context, r_rejects, _ = parsed(r, r_at.to_numpy(), role="registry", profile=r_profile, key=key)
        more, _, _ = reading.result()
    b_context = pl.concat([new_rows, more], how="vertical_relaxed").sort(C.ROW)
    if r_rejects.height:
        return None
    in_context = pl.Series(paired.get_column(D_NUMBER).filter(context).drop_nulls().unique())
    r_numbers = r_context.select(number.alias("_key")).to_series()
    r_digest = pl.select(pl.when(pl.lit(r_numbers).is_not_null()).then(key.digest(pl.lit(r_numbers)))).to_series()
    part = check_frames(b_context, r_context.filter(r_digest.is_in(in_context.implode()).fill_null(False)),
                        new_rejects if new_rejects.height else None, home_prefecture=home)
    # (an unreadable line is new, so recomputed: its E row comes from the engine, without carried values)
    redone = part.join(paired.get_column(C.ROW).filter(redo).to_frame(), on=C.ROW, how="semi") \
        .join(b_context.select(C.ROW, *carried), on=C.ROW, how="left", maintain_order="left")

    # the next run's digests: a carried row keeps its own, a recomputed row takes the check's verdict columns
    stored = [c for c in base.lines.columns if c not in (C.ROW, D_ROW, D_NUMBER, D_LINE, D_PERSON)]
    now = redone.select(*stored_derived())
    at = redone.get_column(C.ROW).to_numpy() - 2  # paired holds row 行番号 p at p - 2
    digests = paired.select(C.ROW, D_ROW, D_NUMBER, D_PERSON).with_columns(
        cur.get_column(D_ROW).alias(D_LINE), *(paired.get_column(c).scatter(at, now.get_column(c)) for c in stored))
    if new_rejects.height:  # an unreadable line has no digests, as in a full run
        digests = digests.join(new_rejects.select(C.ROW), on=C.ROW, how="anti", maintain_order="left")
    reg = registry_digests(r_context.filter(pl.lit(r_digest).is_in(reg_changed.implode()).fill_null(False)), key) \
        if reg_changed.len() else None
    registry = base.registry.filter(~pl.col(D_NUMBER).is_in(reg_changed.implode()).fill_null(False))
    if reg is not None:
        registry = pl.concat([registry, reg.select(registry.columns)])
    verdicts = dict(digests.group_by(C.VERDICT).len().iter_rows())
    counts = {str(k): int(v) for k, v in verdicts.items()}
    counts["E"] = counts.get("E", 0) + new_rejects.height
    checked = Checked(None, digests, registry)
    checked.registry_lines = rpaired.select(pl.col(D_ROW).alias(D_LINE), D_NUMBER)
    # the pairs of the recomputed rows only: a carried row keeps its 判定, so it is in no delta and no new case
    with_verdict = paired.select(C.ROW, _PREV, D_NUMBER, C.VERDICT).filter(redo).with_columns(
        pl.col(C.VERDICT).cast(pl.String))
    checked.pairs, checked.gone = _pair(with_verdict, new.filter(redo), gone.with_columns(
        pl.col(C.VERDICT).cast(pl.String)))
    unreadable = new_rejects.height  # counted apart, as by a run that reads the whole file
    checked.stats = {"recomputed": int(redo.sum()) - unreadable, "checked_with_context": int(context.sum()),
                     "carried": n - int(redo.sum()), "new_rows": int(new.sum()) - unreadable, "gone_rows": gone.height,
                     "registry_changed": reg_changed.len(), "by_lines": True}
    source = paired.select(pl.when(pl.lit(redo)).then(0).otherwise(pl.col(_PREV))).to_series().to_numpy()
    return ByLines(checked, redone, source, counts, n, r.digests.len(),
                   carried, new_rows.columns)


def redone_lines(by: ByLines, *, show_number: bool) -> memoryview:
    """The recomputed rows' result lines, by result.csv's own writer and quoting ("necessary" equals "never" for
    the values of a quote-free file)."""
    text = io.BytesIO()
    if by.redone.height:
        displayed(by.redone.select([*RESULT_COLUMNS, *by.carried]), show_number=show_number).write_csv(
            text, include_header=False, quote_style="necessary")
    return text.getbuffer()


def write_result(path: Path, previous: PreviousResult, by: ByLines, new_text: memoryview) -> None:
    """result.csv of a re-check by lines (atomically): every carried row's line copied from the baseline's
    result.csv (``previous``) with its 行番号 rewritten, and the recomputed rows' lines (``new_text``:
    :func:`redone_lines`), in 行番号 order. In the baseline, 行番号 p is line p - 1 (the header is line 0).

    Rows copied from consecutive lines go out as one slice and the new numbers are written over the old ones (same
    width; a row whose number changes width is copied behind its new number); the file is assembled a block of
    rows at a time in a buffer of its own and written at its offset, two blocks at once — the copies and writes
    release the GIL, and neither the baseline file nor the result is ever held whole —, around the page cache
    where the system allows (:class:`himozuke.atomic.PositionalWriter`) — else over this folder's previous result.csv
    when the pipeline set it aside (never the baseline's, which is read). Each block is planned on its own rows
    (:class:`_Block`), twice: once for its size, which places the blocks after it, and again when it is written —
    arrays of a block's rows, not of the file's, so that nothing the size of the result is computed in one thread."""
    from himozuke.atomic import PositionalWriter, atomic_path

    ends = previous.line_ends()
    n, source = by.rows_in, by.source
    redone = np.frombuffer(new_text, dtype=np.uint8)
    redone_ends = np.flatnonzero(redone == 0x0A)
    if len(redone_ends) != by.redone.height:
        raise RuntimeError("a recomputed result row spans several lines")
    redone_starts = np.concatenate([[0], redone_ends[:-1] + 1]).astype(np.int64)
    header = int(ends[0]) + 1 if len(ends) else previous.size
    blocks = range(-(-n // _BLOCK_ROWS))
    # the line of ``redone`` where each block's recomputed rows begin
    redone_first = np.concatenate([[0], np.cumsum(np.add.reduceat(source == 0, np.arange(0, n, _BLOCK_ROWS),
                                                                  dtype=np.int64) if n else [])])
    plan = _Plan(source, ends, np.append(redone_ends + 1 - redone_starts, 0), redone_first)
    spans = threading.local()  # each thread's buffer for a block's lines of the baseline

    def write_block(b: int) -> None:
        block = _Block(plan, b)
        at = int(offsets[b])
        offset = at + np.concatenate([[0], np.cumsum(block.length)])  # row i's line is [offset[i], offset[i + 1])
        need = int(offset[-1]) - at
        buf = writer.scratch(need, at)
        kind, first = block.segments()
        last = np.append(first[1:], len(kind))[:len(first)] - 1
        k = kind[first]
        skip = np.where(k == 2, block.width[first], 0)  # a renumbered row's line is copied behind its new number
        dst = offset[first] + skip - at
        src = np.where(k == 1, redone_starts[np.maximum(block.redone_at[first], 0)] if len(redone_starts) else 0,
                       block.start[first] + np.where(k == 2, block.prev_width[first], 0))
        size = offset[last + 1] - offset[first] - skip
        copies = k != 1
        lo = int(src[copies].min()) if copies.any() else 0
        hi = int((src[copies] + size[copies]).max()) if copies.any() else 0
        # the block's copied lines lie together in the baseline: one read for all, not a system call per run of lines
        together = hi - lo <= 2 * need + _SPAN_SLACK
        out, new = memoryview(buf), memoryview(redone)  # a memoryview's slice copies for less per call than NumPy's
        for d, s, m in zip(dst[~copies].tolist(), src[~copies].tolist(), size[~copies].tolist(), strict=True):
            out[d:d + m] = new[s:s + m]
        if together and hi > lo:
            span = getattr(spans, "buf", None)
            if span is None or len(span) < hi - lo:
                span = spans.buf = np.empty(hi - lo, dtype=np.uint8)
            previous.read_into(span[:hi - lo], lo)
            base = memoryview(span)
            for d, s, m in zip(dst[copies].tolist(), (src[copies] - lo).tolist(), size[copies].tolist(), strict=True):
                out[d:d + m] = base[s:s + m]
        else:
            for d, s, m in zip(dst[copies].tolist(), src[copies].tolist(), size[copies].tolist(), strict=True):
                previous.read_into(buf[d:d + m], s)
        # the new 行番号 over the old one where a copied line's number changed, a digit at a time from the last, for
        # each width (the rows are consecutive: one width in a block, two where the numbers reach a power of ten);
        # in the narrowest unsigned type and always divided by ten, which NumPy does faster than int64 divided by a
        # power of ten that changes with the digit (docs/benchmarks.md)
        renumbered = np.flatnonzero(block.copied & (block.row != block.source))
        if len(renumbered):
            pos, number, width = offset[renumbered] - at, block.row[renumbered], block.width[renumbered]
            unsigned = np.min_scalar_type(int(number[-1]))
            ten = unsigned.type(10)
            for w in range(int(width[0]), int(width[-1]) + 1):
                these = width == w
                p, v = pos[these], number[these].astype(unsigned)
                for digit in range(w - 1, -1, -1):
                    q = v // ten
                    buf[p + digit] = (v - q * ten).astype(np.uint8) + np.uint8(0x30)
                    v = q
        writer.write(buf, at)

    with atomic_path(path) as tmp, ThreadPoolExecutor(2, thread_name_prefix="himozuke-result-lines") as pool:
        sizes = list(pool.map(lambda b: int(_Block(plan, b).length.sum()), blocks))
        offsets = header + np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)])
        writer = PositionalWriter(tmp, int(offsets[-1]), reuse=path)
        try:
            head = np.empty(header, dtype=np.uint8)
            previous.read_into(head, 0)
            writer.write(head, 0)
            list(pool.map(write_block, blocks))
        except BaseException:
            writer.discard()  # (a full disk: finishing the file would fail again and hide the first error)
            raise
        writer.close()


_POW10 = 10 ** np.arange(19, dtype=np.int64)


@dataclass(frozen=True)
class _Plan:
    """What :func:`write_result` knows of every row before it plans a block."""

    source: np.ndarray  #: the baseline's 行番号 of each current row (0: recomputed)
    ends: np.ndarray  #: where each line of the baseline ends (its newline); line 0 is the header
    redone_length: np.ndarray  #: each line's length in the recomputed rows' text, then a 0 (for a block without one)
    redone_first: np.ndarray  #: the first recomputed line of each block


class _Block:
    """The rows of block ``b`` (:data:`_BLOCK_ROWS` a block): for each, whether its line is copied, where it starts
    in the baseline, its number's width now and before, its line in the recomputed text, and its line's length in
    the result."""

    def __init__(self, plan: _Plan, b: int) -> None:
        r0 = b * _BLOCK_ROWS
        r1 = min(len(plan.source), r0 + _BLOCK_ROWS)
        self.source = source = plan.source[r0:r1]
        self.copied = copied = source > 0
        line = np.maximum(source - 1, 0)  # a carried row's line in the baseline
        ends = plan.ends
        end = ends[line]
        self.start = np.where(line > 0, ends[line - 1] + 1, 0)
        self.row = np.arange(r0 + 2, r1 + 2, dtype=np.int64)
        self.width, self.prev_width = _digits(self.row), _digits(source)
        self.redone_at = int(plan.redone_first[b]) + np.cumsum(~copied) - 1  # a recomputed row's line
        self.length = np.where(copied, end + 1 - self.start - self.prev_width + self.width,
                               plan.redone_length[self.redone_at])

    def segments(self) -> tuple[np.ndarray, np.ndarray]:
        """Each row's kind (0: copied as it is, 1: recomputed, 2: copied behind a number of another width) and the
        first row of each run that goes out as one slice."""
        copied, source = self.copied, self.source
        kind = np.where(copied & (self.width == self.prev_width), 0, np.where(copied, 2, 1))
        breaks = np.ones(len(kind), dtype=bool)
        breaks[1:] = (kind[1:] != kind[:-1]) | (kind[1:] == 2) | ((kind[1:] == 0) & (source[1:] != source[:-1] + 1))
        return kind, np.flatnonzero(breaks)


#: rows assembled at a time by :func:`write_result` (~10 MB of result lines)
_BLOCK_ROWS = 1 << 15
#: how far a block's copied lines may lie beyond twice the block's size in the baseline and still be read at once
#: (lines moved from far apart are read a run at a time instead)
_SPAN_SLACK = 1 << 20


#: Positional reads (POSIX). Windows has none, and a file open there can be neither removed nor replaced: the
#: baseline's result.csv is then read whole at once.
_POSITIONAL = hasattr(os, "preadv")


class PreviousResult:
    """The baseline's result.csv, open: opened before this run clears the folder (a file removed while open stays
    readable through its descriptor), read a block at a time, never whole (where reads are positional: else read
    whole at once, :data:`_POSITIONAL`). Its line ends are found in a thread of their own from the start, beside
    the re-check's own steps."""

    def __init__(self, folder: Path) -> None:
        self._path = path = folder / "result.csv"
        self._whole = None if _POSITIONAL else np.fromfile(path, dtype=np.uint8)
        self._fd = os.open(path, os.O_RDONLY) if _POSITIONAL else None
        self.size = os.fstat(self._fd).st_size if _POSITIONAL else len(self._whole)
        pool = ThreadPoolExecutor(1, thread_name_prefix="himozuke-result-lines")
        self._ends = pool.submit(self._line_ends)
        pool.shutdown(wait=False)

    def __enter__(self) -> PreviousResult:
        return self

    def __exit__(self, *exc) -> None:
        with contextlib.suppress(Exception):
            self._ends.result()  # not reading when closed; an error of the run itself is the one to report
        if self._fd is not None:
            os.close(self._fd)

    def is_file(self, path: Path) -> bool:
        """Whether ``path`` is the file read (or a link to it), which must not be written over."""
        try:
            st = os.stat(path)
            mine = os.stat(self._path) if self._fd is None else os.fstat(self._fd)  # (read whole: by its path)
        except OSError:
            return False
        return os.path.samestat(st, mine)

    def read_into(self, buf: np.ndarray, at: int) -> None:
        if self._whole is None:
            got = os.preadv(self._fd, [buf], at)
        else:
            piece = self._whole[at:at + len(buf)]
            buf[:len(piece)], got = piece, len(piece)
        if got != len(buf):
            raise InputFileError(f"前回の結果ファイル result.csv が読み込み中に変わりました（{at} バイト目）",
                                 f"the baseline's result.csv changed while it was read (at byte {at})")

    def line_ends(self) -> np.ndarray:
        """The offset of every newline."""
        return self._ends.result()

    def _line_ends(self) -> np.ndarray:
        if self._whole is not None:
            return newlines(lambda at, n: self._whole[at:at + n], self.size)
        ends, size = _newlines_in(self._fd)
        if size != self.size:
            raise InputFileError("前回の結果ファイル result.csv が読み込み中に変わりました",
                                 "the baseline's result.csv changed while it was read")
        return ends


def _digits(numbers: np.ndarray) -> np.ndarray:
    """How many decimal digits each positive number has (0 for 0)."""
    return np.searchsorted(_POW10, numbers, side="right")
