"""Bucketed, resumable check for inputs larger than memory (issue 8).

Phases, each atomic and skipped on ``--resume`` when already done:

1. **partition** — both files stream (Polars ``sink_parquet`` with ``PartitionBy``) into Parquet buckets by a
   hash of 個人番号 as an integer (``_number_key``, normalised and parsed once, here), so a number's business
   rows and its registry row land in the same bucket. A second
   partition by a hash of the *person* key serves the one cross-record check that is not number-local
   ("one person under several numbers"); its flagged rows are few and kept in memory.
2. **check** — bucket by bucket, the in-memory engine (:func:`himozuke.match.engine.check_bucket`); each
   bucket's result, in 行番号 order, is one Parquet file (a *sorted run*) put in place when complete.
3. **in order** — the outputs read the result through a merge of the runs by 行番号: one window of 行番号 at a
   time, each run read a row group at a time as the window reaches it. Peak memory is one bucket or one window
   and a row group of each run, whatever the input size; the work folder holds one file per bucket, not one per
   bucket and range (docs/benchmarks.md, "the reassembly").

Why Polars and not DuckDB for the partitioning: the rules are Polars expressions, and the same engine streams,
partitions and checks — one dependency, one set of types, no conversion between the phases.

The work folder holds personal data while the run is incomplete (mode 0700); it is deleted when the run
finishes. A killed run keeps it so that ``--resume`` can continue.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import polars as pl
from polars.io.plugins import register_io_source

from himozuke import __version__
from himozuke.atomic import atomic_path
from himozuke.errors import UsageError
from himozuke.formats import columns as C
from himozuke.match import home as home_of
from himozuke.match.engine import (
    NUMBER_KEY,
    PERSON,
    PERSON_COLUMNS,
    RESULT_COLUMNS,
    RESULT_SCHEMA,
    business_frame,
    check_bucket,
    one_per_number,
    person_frame,
    registry_rows,
    rejected_rows,
    several_numbers_rows,
    with_registry_key,
)
from himozuke.memory import BUCKET_BYTES_PER_ROW, RESULT_BYTES_PER_ROW, SINK_BYTES_PER_ROW, WORK_MANIFEST

if TYPE_CHECKING:
    from himozuke.recheck import BucketDigests

BUCKET = "_bucket"
#: The work files are written once and read once or twice, then deleted: lz4, faster than Polars' default zstd;
#: no statistics, which no reader of them uses (no filter is pushed into their scans).
_WORK = {"compression": "lz4", "statistics": False}
#: Phase 1's queries over one file each scan it: a scan they share buffers what the slower one (the partition sink)
#: has not taken yet — 5.7 GB at 60 M pairs under a 3 GB limit (docs/benchmarks.md).
_APART = pl.QueryOptFlags(comm_subplan_elim=False)
_SLICE_ROWS = 50_000  # rows a merged window is handed to a sink at a time (whole windows: the sink held several)
Tick = Callable[..., None]  # (phase, done, total, rows=rows checked so far or None)


def sink_row_group(plan: Plan) -> int:
    """Rows per Parquet row group while partitioning. Every open bucket file buffers one row group, so the
    sink holds ``buckets × row group`` rows: without a bound it holds whole buckets (growing with the input);
    sized so the buffers take a quarter of the memory limit."""
    budget = plan.range_rows * BUCKET_BYTES_PER_ROW
    return max(1_000, min(50_000, budget // (max(plan.buckets, 1) * SINK_BYTES_PER_ROW)))


@dataclass(frozen=True)
class Plan:
    buckets: int
    #: the rows one bucket is sized for (named when results were split in 行番号 ranges of as many rows; a
    #: resume reads it from the work folder's manifest)
    range_rows: int

    @property
    def merge_window(self) -> int:
        """行番号 merged at a time in phase 3 (:func:`in_order`): half a bucket's rows, so that the window and the
        row group of every run held beside it (:attr:`run_row_group`) take about one bucket's."""
        return max(_SLICE_ROWS, self.range_rows // 2)

    @property
    def run_row_group(self) -> int:
        """Rows per row group of a bucket's sorted run; the merge holds up to two of every run beside its window
        (the rest of one read, the next read). The window's share of each run, but at least 10,000 rows where a
        quarter of the memory limit holds two that size of every run: a read of fewer rows costs more in Polars'
        per-query overhead (~1.3 ms) than in its rows."""
        share = self.merge_window // (self.buckets + 1)
        fits = self.range_rows * BUCKET_BYTES_PER_ROW // (2 * RESULT_BYTES_PER_ROW * (self.buckets + 1))
        return max(1_000, share, min(10_000, fits))

    @staticmethod
    def for_rows(rows: int, memory_limit: int) -> Plan:
        """Enough buckets that one bucket (and one merge window with its row groups) fits in a quarter of
        ``memory_limit``."""
        per_bucket = max(10_000, memory_limit // 4 // BUCKET_BYTES_PER_ROW)
        buckets = max(1, -(-rows // per_bucket))
        return Plan(buckets=buckets, range_rows=per_bucket)


def fingerprint(path: Path) -> dict:
    """What identifies an input for ``--resume``: name, size, mtime and a hash of its first and last MiB."""
    st = path.stat()
    h = hashlib.sha256()
    with path.open("rb") as f:
        h.update(f.read(1 << 20))
        if st.st_size > 2 << 20:
            f.seek(-(1 << 20), os.SEEK_END)
            h.update(f.read())
    return {"name": path.name, "size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256_head_tail": h.hexdigest()}


def bucket_expr(n: int) -> pl.Expr:
    """The bucket of a row with ``_number_key``: a number's business rows and registry rows meet in one; a row
    without a well-formed number meets no one, and is placed by its 行番号 (no bucket gets them all)."""
    return (pl.coalesce(pl.col(NUMBER_KEY), pl.col(C.ROW)).hash(seed=0x6B75) % n).cast(pl.UInt32).alias(BUCKET)


def _bucket_scan(root: Path, i: int | str) -> pl.LazyFrame:
    """The rows of bucket ``i`` of a partition, in the order the partition wrote them (one scan for every reader:
    the merge reads a run beside its bucket's file row for row, :func:`_run_scan`)."""
    return pl.scan_parquet(root / f"{BUCKET}={i}" / "*.parquet")


def _scan_bucket(root: Path, i: int, columns: Sequence[str] | None = None) -> pl.DataFrame | None:
    if not (root / f"{BUCKET}={i}").exists():
        return None
    scan = _bucket_scan(root, i)
    return (scan if columns is None else scan.select(columns)).collect()


class Work:
    """The work folder of one bucketed run."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def ensure(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o700)

    def write_manifest(self, manifest: dict) -> None:
        with atomic_path(self.manifest) as tmp:
            tmp.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")

    @property
    def manifest(self) -> Path:
        return self.root / WORK_MANIFEST

    @property
    def partition(self) -> Path:
        return self.root / "partition"

    @property
    def results(self) -> Path:
        return self.root / "results"

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _publish_dir(tmp: Path, final: Path) -> None:
    """Rename a completed folder into place (atomic on one filesystem)."""
    if final.exists():
        shutil.rmtree(final)
    os.replace(tmp, final)


Collected = tuple[list[pl.DataFrame], list[pl.DataFrame]]


@dataclass(frozen=True)
class Alongside:
    """Queries over the input files that the caller collects while phase 1 reads them anyway — each file is
    then read once instead of twice (docs/benchmarks.md) — one list per file; their frames come back in order."""

    business: Sequence[pl.LazyFrame] = ()
    registry: Sequence[pl.LazyFrame] = ()

    def collect(self) -> Collected:
        """On their own: a resumed run whose partition was already done."""
        return ([] if not self.business else pl.collect_all(self.business, engine="streaming"),
                [] if not self.registry else pl.collect_all(self.registry, engine="streaming"))


def partition(business: pl.LazyFrame, business_rejects: pl.LazyFrame, registry: pl.LazyFrame,
              work: Work, plan: Plan, alongside: Alongside = Alongside(),
              digests: BucketDigests | None = None, home_given: bool = False) -> Collected:
    """Phase 1; returns the frames of ``alongside``. Each file's queries run together, each with a scan of its own
    (:data:`_APART`; the files one after the other: two large files at once were slower, docs/benchmarks.md).
    ``digests``: each business row's record digest is computed here, from its values as read, and kept in its
    bucket. ``home_given``: the run has its home prefecture, so none is inferred from the registry's addresses."""
    tmp = work.root / "partition.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    n = plan.buckets
    row_group = sink_row_group(plan)
    if digests is not None:
        business = business.with_columns(digests.row(business.collect_schema().names()))
    keep = () if digests is None else (digests.column,)
    sinks = [business_frame(business, keep).with_columns(bucket_expr(n)).sink_parquet(
        pl.PartitionBy(tmp / "business", key=BUCKET, include_key=False), mkdir=True, row_group_size=row_group,
        lazy=True, **_WORK), business_rejects.sink_parquet(tmp / "business_rejects.parquet", lazy=True, **_WORK)]
    collected_b = pl.collect_all([*sinks, *alongside.business], engine="streaming", optimizations=_APART)[len(sinks):]
    # the number normalised and parsed once, here: the check reads the key (registry_rows)
    sinks = [with_registry_key(registry).with_columns(bucket_expr(n)).sink_parquet(
        pl.PartitionBy(tmp / "registry", key=BUCKET, include_key=False), mkdir=True, row_group_size=row_group,
        lazy=True, **_WORK)]
    collected_r = pl.collect_all([*sinks, *alongside.registry], engine="streaming", optimizations=_APART)[len(sinks):]
    # Person buckets: the person key of every business row with a valid number, bucketed by the key itself
    # (computed per number bucket: each distinct name and date of a bucket is normalised once; one file per number
    # bucket, then one streaming pass into the person buckets — not a file per number bucket and person bucket).
    keyed = tmp / "person-keys"

    def key_persons(i: int) -> None:
        frame = _scan_bucket(tmp / "business", i, PERSON_COLUMNS)
        if frame is not None:
            persons = person_frame(frame, portable=True).with_columns((pl.col(PERSON) % n).cast(pl.UInt32).alias(BUCKET))
            with atomic_path(keyed / f"{i}.parquet") as part:
                persons.write_parquet(part, **_WORK)

    # two buckets at once: one bucket's pass leaves a core idle most of its time
    with ThreadPoolExecutor(2, thread_name_prefix="himozuke-persons") as pool:
        list(pool.map(key_persons, range(n)))
    if keyed.exists():
        pl.scan_parquet(keyed / "*.parquet").sink_parquet(
            pl.PartitionBy(tmp / "persons", key=BUCKET, include_key=False), mkdir=True, row_group_size=row_group,
            **_WORK)
        shutil.rmtree(keyed)
    several = []
    for i in range(n):
        pieces = sorted((tmp / "persons" / f"{BUCKET}={i}").glob("*.parquet"))
        if pieces:
            several.append(several_numbers_rows(pl.read_parquet(pieces, hive_partitioning=False)).to_frame())
    flagged = pl.concat(several) if several else pl.DataFrame(schema={C.ROW: pl.Int64})
    flagged.write_parquet(tmp / "several.parquet")
    registry_files = tmp / "registry" / "**" / "*.parquet"
    counts = {
        # the body's home prefecture, should no one say it: the one most registry addresses give (a global fact)
        "home_prefecture": None if home_given else home_of.inferred(
            pl.scan_parquet(registry_files, hive_partitioning=False))
        if (tmp / "registry").exists() else home_of.of_counts({}),
        "business_rows": pl.scan_parquet(tmp / "business" / "**" / "*.parquet", hive_partitioning=False)
        .select(pl.len()).collect().item() if (tmp / "business").exists() else 0,
        "business_rejects": pl.scan_parquet(tmp / "business_rejects.parquet").select(pl.len()).collect().item(),
        "registry_rows": pl.scan_parquet(tmp / "registry" / "**" / "*.parquet", hive_partitioning=False)
        .select(pl.len()).collect().item() if (tmp / "registry").exists() else 0,
    }
    (tmp / "counts.json").write_text(json.dumps(counts))
    _publish_dir(tmp, work.partition)
    return collected_b, collected_r


def person_keys(work: Work) -> pl.LazyFrame:
    """行番号 and the portable person key (:func:`~himozuke.match.engine.person_frame`) of every business row whose
    person can be told, as phase 1 bucketed them — the re-check's digests read them instead of computing them
    again (there until the work folder is removed)."""
    folder = work.partition / "persons"
    if not folder.exists():
        return pl.LazyFrame(schema={C.ROW: pl.Int64, PERSON: pl.UInt64})
    return pl.scan_parquet(folder / "**" / "*.parquet", hive_partitioning=False).select(C.ROW, PERSON)


def registry_number_keys(work: Work) -> pl.LazyFrame:
    """行番号 and ``_number_key`` of every readable registry row, as phase 1 bucketed them (the number normalised and
    parsed there once) — the re-check's line digests read them instead of parsing the file again."""
    folder = work.partition / "registry"
    if not folder.exists():
        return pl.LazyFrame(schema={C.ROW: pl.Int64, NUMBER_KEY: pl.Int64})
    return pl.scan_parquet(folder / "**" / "*.parquet", hive_partitioning=False).select(C.ROW, NUMBER_KEY)


def check_buckets(work: Work, plan: Plan, home_prefecture: str | None, tick: Tick | None = None,
                  digests: BucketDigests | None = None) -> None:
    """Phase 2: check every bucket not yet done; each bucket's sorted run appears atomically (a bucket without
    business rows leaves a marker instead, so that a resume knows it is done). ``digests``: before it, the
    bucket's business digests (a sorted run of their own, ``digests-*``) and registry digests (``registry-*``)."""
    work.results.mkdir(exist_ok=True)
    several = pl.read_parquet(work.partition / "several.parquet")[C.ROW]
    names = [str(i) for i in range(plan.buckets)] + ["rejects"]
    todo = [name for name in names
            if not (_run_path(work, name).exists() or (work.results / f"bucket-{name}.none").exists())]
    following = dict(itertools.pairwise(todo))  # each bucket to check → the next one to check
    rows = 0
    # the next bucket is read while this one is checked: the check leaves a third of a core idle
    with ThreadPoolExecutor(1, thread_name_prefix="himozuke-bucket-read") as reader:
        ahead = reader.submit(_read_bucket, work, todo[0]) if todo else None
        for k, name in enumerate(names):
            if name not in todo:
                if tick:
                    tick("check", k + 1, len(names), rows)
                continue
            b, r, rows_r = ahead.result()
            if name in following:
                ahead = reader.submit(_read_bucket, work, following[name])
            if name == "rejects":
                result = rejected_rows(b) if b.height else None
            elif b is None and (digests is None or r is None):
                result = None
            else:
                digested = None
                if digests is not None and b is not None:
                    digested, b = b.select(C.ROW, digests.column, NUMBER_KEY), b.drop(digests.column)
                result = None if b is None else check_bucket(b, one_per_number(rows_r), lambda: several,
                                                              home_prefecture)
                if digests is not None:  # written before the bucket's run: a finished bucket has its digests
                    _write_run(_digest_path(work, "registry", name), digests.registry(rows_r))
                    if digested is not None:
                        _write_run(_digest_path(work, "digests", name), digests.business(digested, result), plan)
            if result is not None and result.height:
                # a bucket read in 行番号 order leaves its business values to its partition file, read in step by
                # the merge (_run_scan): they are most of a run's bytes, and written there already
                in_step = name != "rejects" and b is not None and b.get_column(C.ROW).is_sorted()
                _write_run(_run_path(work, name), result, plan, in_step=in_step)
            else:
                (work.results / f"bucket-{name}.none").touch()
            rows += result.height if result is not None else 0
            if tick:
                tick("check", k + 1, len(names), rows)


def _read_bucket(work: Work, name: str) -> tuple[pl.DataFrame | None, pl.DataFrame | None, pl.DataFrame | None]:
    """Bucket ``name``'s business rows, registry rows and :func:`registry_rows` of them (None where the bucket
    has none); the rejected lines' bucket (``rejects``): its rows only."""
    if name == "rejects":
        return pl.read_parquet(work.partition / "business_rejects.parquet"), None, None
    b = _scan_bucket(work.partition / "business", int(name))
    r = _scan_bucket(work.partition / "registry", int(name))
    rows_r = registry_rows(r if r is not None else pl.DataFrame(
        schema={NUMBER_KEY: pl.Int64, **{i: pl.String for i in C.ITEMS}})).collect()
    return b, r, rows_r


def _run_path(work: Work, name: str) -> Path:
    return work.results / f"bucket-{name}.parquet"


#: The result columns a number bucket's sorted run leaves to the bucket's partition file (its rows, in the same
#: order): the business side's values as read.
_IN_PARTITION = (C.MY_NUMBER, *(C.business(i) for i in C.ITEMS))
#: The key of a run's Parquet metadata that says where its :data:`_IN_PARTITION` columns are, and its value.
_VALUES, _IN_PARTITION_FILE = "himozuke:business-values", "partition"


def _run_scan(work: Work, path: Path) -> pl.LazyFrame:
    """A sorted run with every result column: a run without the business values (:func:`check_buckets`) is
    read beside its bucket's partition file, row for row (a slice of the two is a slice of each)."""
    run = pl.scan_parquet(path)
    if pl.read_parquet_metadata(path).get(_VALUES) != _IN_PARTITION_FILE:
        return run
    values = _bucket_scan(work.partition / "business", path.stem.removeprefix("bucket-")).select(_IN_PARTITION)
    return pl.concat([run, values], how="horizontal").select(RESULT_COLUMNS)


def _digest_path(work: Work, kind: str, name: str) -> Path:
    return work.results / f"{kind}-{name}.parquet"


def _write_run(path: Path, frame: pl.DataFrame, plan: Plan | None = None, *, in_step: bool = False) -> None:
    """A bucket's file, atomically; with ``plan``, a sorted run (in 行番号 order, row groups for the merge).
    ``in_step``: ``frame`` is the bucket's result, in the order of its partition file, without the columns that
    file holds (:data:`_IN_PARTITION`; said in the run's metadata, read by :func:`_run_scan`)."""
    if plan is not None and not frame.get_column(C.ROW).is_sorted():
        assert not in_step, "a run read in step with its partition file is in its order"
        frame = frame.sort(C.ROW)
    with atomic_path(path) as tmp:
        frame.drop(_IN_PARTITION if in_step else ()).write_parquet(
            tmp, row_group_size=plan.run_row_group if plan is not None else None,
            metadata={_VALUES: _IN_PARTITION_FILE} if in_step else None, **_WORK)


_READERS = ThreadPoolExecutor(2, thread_name_prefix="himozuke-runs")


class _Run:
    """One bucket's sorted run, read a row group at a time: :meth:`below` gives its rows under a 行番号, reading
    only as far as that, and keeps the rest of the last row group read for the next window."""

    def __init__(self, scan: pl.LazyFrame, columns: list[str] | None, row_group: int) -> None:
        self._rows = scan.select(pl.len()).collect().item()
        self._scan = scan if columns is None else scan.select(columns)
        self._row_group, self._at = row_group, 0
        self._held = self._scan.clear().collect()
        self._keys = np.empty(0, dtype=np.int64)  # the held rows' 行番号: one window cuts each run (numpy: cheap)

    @property
    def done(self) -> bool:
        return self._at >= self._rows and not len(self._keys)

    def short_of(self, row: int) -> bool:
        """Rows under ``row`` may still be unread."""
        return self._at < self._rows and (not len(self._keys) or self._keys[-1] < row)

    def read_to(self, row: int) -> None:
        while self.short_of(row):
            read = self._scan.slice(self._at, self._row_group).collect()
            self._at += self._row_group
            self._held = pl.concat([self._held, read]) if self._held.height else read
            self._keys = self._held.get_column(C.ROW).to_numpy()

    def below(self, row: int) -> pl.DataFrame:
        self.read_to(row)
        cut = int(np.searchsorted(self._keys, row))
        below, self._held, self._keys = self._held.slice(0, cut), self._held.slice(cut), self._keys[cut:]
        return below


def in_order(work: Work, plan: Plan, runs: str = "bucket", empty: pl.DataFrame | None = None) -> pl.LazyFrame:
    """Phase 3: the result in 行番号 order — a query that merges the buckets' sorted runs one window of 行番号
    (:attr:`Plan.merge_window`) at a time, as a reader (an output's sink, a count) asks for the rows. Nothing is
    written: the outputs are the one sorted copy.

    A source of our own, not ``pl.concat`` of sorts or Polars' ``merge_sorted``: the streaming sink ran the sorts
    ahead and held them all, and a tree of ``merge_sorted`` over the runs held the whole result
    (docs/benchmarks.md); a window is handed over in slices, so the sink holds one window and a few slices.

    ``runs``: the sorted runs merged (``bucket``: the result; ``digests``: the business digests), ``empty`` the
    frame when there are none."""
    paths = sorted(work.results.glob(f"{runs}-*.parquet"))
    if not paths:
        return (pl.DataFrame(schema=RESULT_SCHEMA) if empty is None else empty).lazy()
    scans = [_run_scan(work, path) if runs == "bucket" else pl.scan_parquet(path) for path in paths]
    schema = scans[0].collect_schema()

    def rows(columns: list[str] | None, predicate: pl.Expr | None, n_rows: int | None,
             _batch_size: int | None) -> Iterator[pl.DataFrame]:
        """What Polars asks of a source: the columns, the filter and the row limit are ours to apply."""
        needed = None if columns is None else list(dict.fromkeys([C.ROW, *columns, *(
            predicate.meta.root_names() if predicate is not None else [])]))
        cursors = [_Run(scan, needed, plan.run_row_group) for scan in scans]
        left, upto = n_rows, 2  # 行番号 start at 2 (the header is line 1)
        while left != 0 and not all(cursor.done for cursor in cursors):
            upto += plan.merge_window
            short = [cursor for cursor in cursors if cursor.short_of(upto)]
            list(_READERS.map(_Run.read_to, short, [upto] * len(short)))  # in two threads: each read is mostly a query's fixed cost
            pieces = [piece for cursor in cursors if (piece := cursor.below(upto)).height]
            if not pieces:
                continue
            frame = pl.concat(pieces).sort(C.ROW)
            if predicate is not None:
                frame = frame.filter(predicate)
            if columns is not None:
                frame = frame.select(columns)
            if left is not None:
                frame, left = frame.head(left), left - min(left, frame.height)
            yield from frame.iter_slices(_SLICE_ROWS)

    return register_io_source(rows, schema=schema, explain_name="himozuke sorted runs")


def unordered(work: Work) -> pl.LazyFrame:
    """The result's rows as the sorted runs hold them, in no order: for a reader that filters or projects and can
    sort what it keeps (:func:`in_order`'s merge would sort every window of every column)."""
    paths = sorted(work.results.glob("bucket-*.parquet"))
    if not paths:
        return pl.DataFrame(schema=RESULT_SCHEMA).lazy()
    return pl.concat([_run_scan(work, path) for path in paths])


def verdict_counts(work: Work) -> dict[str, int]:
    """Rows per 判定 of the result, counted from the sorted runs as they lie: a count needs no order, so not
    through :func:`in_order`'s merge (which a count would run whole)."""
    runs = [pl.scan_parquet(path).select(C.VERDICT) for path in sorted(work.results.glob("bucket-*.parquet"))]
    if not runs:
        return {}
    return {str(k): n for k, n in pl.concat(runs).group_by(C.VERDICT).len().collect().iter_rows()}


@dataclass
class BucketRun:
    """What the bucketed run produced: the ordered result (lazy, :func:`in_order`) and its sizes."""

    result: pl.LazyFrame
    rows: pl.LazyFrame  #: the same rows in no order (:func:`unordered`)
    rows_in: int
    rejected: int  #: business lines that could not be read (each a result row)
    registry_rows: int
    resumed: bool  #: an interrupted run continued (its finished phases and buckets reused)
    home_prefecture: str | None  #: the one used: given, or inferred from the registry file …
    home_prefecture_source: str  #: … and, when inferred, how (:mod:`himozuke.match.home`); "" when given
    alongside: Collected  #: the frames of the caller's :class:`Alongside` queries
    verdicts: dict[str, int]  #: rows per 判定 (:func:`verdict_counts`)
    #: with ``digests``: the business digests in 行番号 order (merged like the result) and the registry digests
    digests: pl.LazyFrame | None = None
    registry_digests: pl.LazyFrame | None = None


def run_bucketed(business: pl.LazyFrame, business_rejects: pl.LazyFrame, registry: pl.LazyFrame, *,
                 work: Work, inputs: list[Path], memory_limit: int, buckets: int | None, resume: bool,
                 tick: Tick | None = None, estimated_rows: int, home_prefecture: str | None = None,
                 sha256: Callable[[], dict] | None = None, alongside: Alongside = Alongside(),
                 digests: BucketDigests | None = None) -> BucketRun:
    """Run (or continue) phases 1–3 in ``work``. The caller writes the outputs, then calls ``work.remove()``.
    ``home_prefecture``: as for :func:`himozuke.match.engine.check_bucket`; None: the one most registry
    addresses give (found while partitioning).

    ``sha256``: the inputs' SHA-256 (the run identity's :class:`himozuke.identity.Digests`, hashed beside the
    run). The manifest's :func:`fingerprint` is cheap but reads only a file's ends; the whole-file digests are
    recorded once the partition is done, and a resume that would reuse the partition first checks them, so an
    edit in the middle of a file that kept its size and time is refused too.

    ``alongside``: queries over the inputs collected in phase 1's reading of the files (on their own when a
    resume finds phase 1 done).

    ``digests``: the re-check's digests made bucket by bucket (:class:`himozuke.recheck.BucketDigests`), read
    lazily from the work folder: the caller reads them before it removes the folder."""
    manifest = {
        "version": __version__,
        "inputs": [fingerprint(p) for p in inputs],
        "home_prefecture": home_prefecture,
        "digests": digests is not None,  # a work folder without them cannot give them on a resume
    }
    resumed = False
    if resume and work.manifest.exists():
        old = json.loads(work.manifest.read_text(encoding="utf-8"))
        if any(old.get(k) != manifest[k] for k in manifest):
            raise UsageError("入力ファイル・バージョン・団体の都道府県のいずれかが前回の実行と違うため再開できません"
                             "（--resume なしで実行してください）",
                             "inputs, version or home prefecture differ from the interrupted run; run without --resume")
        plan = Plan(**old["plan"])
        resumed = True
        written = old
        if sha256 is not None and work.partition.exists():
            if "inputs_sha256" not in old:  # killed between the partition and its record: partition again
                shutil.rmtree(work.partition)
            elif old["inputs_sha256"] != sha256():
                raise UsageError("入力ファイルの内容が前回の実行と違うため再開できません（--resume なしで実行してください）",
                                 "the inputs' content differs from the interrupted run; run without --resume")
    else:
        work.remove()
        work.ensure()
        plan = Plan(buckets, Plan.for_rows(estimated_rows, memory_limit).range_rows) if buckets else \
            Plan.for_rows(estimated_rows, memory_limit)
        written = {**manifest, "plan": asdict(plan)}
        work.write_manifest(written)
    if not work.partition.exists():
        if tick:
            tick("partition", 0, 1)
        collected = partition(business, business_rejects, registry, work, plan, alongside, digests,
                              home_given=home_prefecture is not None)
        if sha256 is not None:
            work.write_manifest({**written, "inputs_sha256": sha256()})
        if tick:
            tick("partition", 1, 1)
    else:
        collected = alongside.collect()
    counts = json.loads((work.partition / "counts.json").read_text())
    home, source = (home_prefecture, "") if home_prefecture is not None else counts["home_prefecture"]
    check_buckets(work, plan, home, tick, digests)
    run = BucketRun(in_order(work, plan), unordered(work), counts["business_rows"] + counts["business_rejects"],
                    counts["business_rejects"], counts["registry_rows"], resumed, home, source, collected,
                    verdict_counts(work))
    if digests is not None:
        business, registry = digests.empty()
        run.digests = in_order(work, plan, "digests", business)
        registries = sorted(work.results.glob("registry-*.parquet"))
        run.registry_digests = pl.scan_parquet(registries) if registries else registry.lazy()
    return run
