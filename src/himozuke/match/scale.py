"""Bucketed, resumable check for inputs larger than memory (issue 8).

Phases, each atomic and skipped on ``--resume`` when already done:

1. **partition** — both files stream (Polars ``sink_parquet`` with ``PartitionBy``) into Parquet buckets by a
   hash of 個人番号 as an integer (``_number_key``, normalised and parsed once, here), so a number's business
   rows and its registry row land in the same bucket. A second
   partition by a hash of the *person* key serves the one cross-record check that is not number-local
   ("one person under several numbers"); its flagged rows are few and kept in memory.
2. **check** — bucket by bucket, the in-memory engine (:func:`himozuke.match.engine.check_bucket`); each
   bucket's result is split by 行番号 range and its folder renamed into place when complete.
3. **in order** — the outputs read the result through a query that sorts one 行番号 range's pieces (one from
   each bucket) at a time. Peak memory is one bucket or one range, whatever the input size.

Why Polars and not DuckDB for the partitioning: the rules are Polars expressions, and the same engine streams,
partitions and checks — one dependency, one set of types, no conversion between the phases.

The work folder holds personal data while the run is incomplete (mode 0700); it is deleted when the run
finishes. A killed run keeps it so that ``--resume`` can continue.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

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
from himozuke.memory import BUCKET_BYTES_PER_ROW, SINK_BYTES_PER_ROW, WORK_MANIFEST

BUCKET = "_bucket"
_RANGE = "_range"
#: The work files are written once and read once or twice, then deleted: lz4, faster than Polars' default zstd.
_WORK = {"compression": "lz4"}
_SLICE_ROWS = 50_000  # rows a sorted range is handed to a sink at a time (whole ranges: the sink held several)
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
    range_rows: int

    @staticmethod
    def for_rows(rows: int, memory_limit: int) -> Plan:
        """Enough buckets that one bucket (and one output range) fits in a quarter of ``memory_limit``."""
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


def _scan_bucket(root: Path, i: int) -> pl.DataFrame | None:
    folder = root / f"{BUCKET}={i}"
    if not folder.exists():
        return None
    return pl.scan_parquet(folder / "*.parquet").collect()


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
              work: Work, plan: Plan, alongside: Alongside = Alongside()) -> Collected:
    """Phase 1; returns the frames of ``alongside``. Each file is read once, in one pass for all its queries
    (the files one after the other: two large scans at once were slower, docs/benchmarks.md)."""
    tmp = work.root / "partition.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    n = plan.buckets
    row_group = sink_row_group(plan)
    sinks = [business_frame(business).with_columns(bucket_expr(n)).sink_parquet(
        pl.PartitionBy(tmp / "business", key=BUCKET, include_key=False), mkdir=True, row_group_size=row_group,
        lazy=True, **_WORK), business_rejects.sink_parquet(tmp / "business_rejects.parquet", lazy=True, **_WORK)]
    collected_b = pl.collect_all([*sinks, *alongside.business], engine="streaming")[len(sinks):]
    # the number normalised and parsed once, here: the check reads the key (registry_rows)
    sinks = [with_registry_key(registry).with_columns(bucket_expr(n)).sink_parquet(
        pl.PartitionBy(tmp / "registry", key=BUCKET, include_key=False), mkdir=True, row_group_size=row_group,
        lazy=True, **_WORK)]
    collected_r = pl.collect_all([*sinks, *alongside.registry], engine="streaming")[len(sinks):]
    # Person buckets: the person key of every business row with a valid number, bucketed by the key itself
    # (computed per number bucket: each distinct name and date of a bucket is normalised once).
    for i in range(n):
        frame = _scan_bucket(tmp / "business", i)
        if frame is not None:
            persons = person_frame(frame, portable=True).with_columns((pl.col(PERSON) % n).cast(pl.UInt32).alias(BUCKET))
            persons.write_parquet(tmp / "persons" / f"from={i}", partition_by=BUCKET, mkdir=True, **_WORK)
    several = []
    for i in range(n):
        folder = tmp / "persons"
        pieces = sorted(folder.glob(f"from=*/{BUCKET}={i}/*.parquet"))
        if pieces:
            several.append(several_numbers_rows(pl.read_parquet(pieces, hive_partitioning=False)).to_frame())
    flagged = pl.concat(several) if several else pl.DataFrame(schema={C.ROW: pl.Int64})
    flagged.write_parquet(tmp / "several.parquet")
    registry_files = tmp / "registry" / "**" / "*.parquet"
    counts = {
        # the body's home prefecture, should no one say it: the one most registry addresses give (a global fact)
        "home_prefecture": home_of.inferred(pl.scan_parquet(registry_files, hive_partitioning=False))
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


def check_buckets(work: Work, plan: Plan, home_prefecture: str | None, tick: Tick | None = None) -> None:
    """Phase 2: check every bucket not yet done; each bucket's pieces appear atomically."""
    work.results.mkdir(exist_ok=True)
    several = pl.read_parquet(work.partition / "several.parquet")[C.ROW]
    names = [str(i) for i in range(plan.buckets)] + ["rejects"]
    rows = 0
    for k, name in enumerate(names):
        final = work.results / f"bucket-{name}"
        if final.exists():
            if tick:
                tick("check", k + 1, len(names), rows)
            continue
        if name == "rejects":
            rejects = pl.read_parquet(work.partition / "business_rejects.parquet")
            result = rejected_rows(rejects) if rejects.height else None
        else:
            b = _scan_bucket(work.partition / "business", int(name))
            r = _scan_bucket(work.partition / "registry", int(name))
            if b is None:
                result = None
            else:
                reg = one_per_number(registry_rows(r if r is not None else pl.DataFrame(
                    schema={NUMBER_KEY: pl.Int64, **{i: pl.String for i in C.ITEMS}})).collect())
                result = check_bucket(b, reg, lambda: several, home_prefecture)
        tmp = work.results / f"bucket-{name}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        if result is not None and result.height:
            pieces = result.with_columns(((pl.col(C.ROW) - 2) // plan.range_rows).alias(_RANGE))
            for (rng,), piece in pieces.partition_by(_RANGE, as_dict=True, include_key=False).items():
                piece.write_parquet(tmp / f"range-{rng:06d}.parquet", **_WORK)
        _publish_dir(tmp, final)
        rows += result.height if result is not None else 0
        if tick:
            tick("check", k + 1, len(names), rows)


def in_order(work: Work) -> pl.LazyFrame:
    """Phase 3: the result in 行番号 order — a query that sorts one 行番号 range's pieces at a time, as a reader
    (an output's sink, a count) asks for the rows. Nothing is written: the outputs are the one sorted copy.

    A source of our own, not ``pl.concat`` of the ranges' sorts: the streaming sink ran those sorts ahead and
    held them all (docs/benchmarks.md); a range is handed over in slices, so the sink holds one range and a few
    slices."""
    ranges = sorted({p.name for p in work.results.glob("bucket-*/range-*.parquet")})
    if not ranges:
        return pl.LazyFrame(schema=RESULT_SCHEMA)
    queries = [pl.scan_parquet(sorted(work.results.glob(f"bucket-*/{name}"))).sort(C.ROW) for name in ranges]

    def rows(columns: list[str] | None, predicate: pl.Expr | None, n_rows: int | None,
             _batch_size: int | None) -> Iterator[pl.DataFrame]:
        """What Polars asks of a source: the columns, the filter and the row limit are ours to apply."""
        left = n_rows
        for query in queries:
            if predicate is not None:
                query = query.filter(predicate)
            frame = (query if columns is None else query.select(columns)).collect()
            if left is not None:
                frame, left = frame.head(left), left - min(left, frame.height)
            yield from frame.iter_slices(_SLICE_ROWS)
            if left == 0:
                return

    return register_io_source(rows, schema=queries[0].collect_schema(), explain_name="himozuke ranges")


@dataclass
class BucketRun:
    """What the bucketed run produced: the ordered result (lazy, :func:`in_order`) and its sizes."""

    result: pl.LazyFrame
    rows_in: int
    rejected: int  #: business lines that could not be read (each a result row)
    registry_rows: int
    resumed: bool  #: an interrupted run continued (its finished phases and buckets reused)
    home_prefecture: str | None  #: the one used: given, or inferred from the registry file …
    home_prefecture_source: str  #: … and, when inferred, how (:mod:`himozuke.match.home`); "" when given
    alongside: Collected  #: the frames of the caller's :class:`Alongside` queries


def run_bucketed(business: pl.LazyFrame, business_rejects: pl.LazyFrame, registry: pl.LazyFrame, *,
                 work: Work, inputs: list[Path], memory_limit: int, buckets: int | None, resume: bool,
                 tick: Tick | None = None, estimated_rows: int, home_prefecture: str | None = None,
                 sha256: Callable[[], dict] | None = None, alongside: Alongside = Alongside()) -> BucketRun:
    """Run (or continue) phases 1–3 in ``work``. The caller writes the outputs, then calls ``work.remove()``.
    ``home_prefecture``: as for :func:`himozuke.match.engine.check_bucket`; None: the one most registry
    addresses give (found while partitioning).

    ``sha256``: the inputs' SHA-256 (the run identity's :class:`himozuke.identity.Digests`, hashed beside the
    run). The manifest's :func:`fingerprint` is cheap but reads only a file's ends; the whole-file digests are
    recorded once the partition is done, and a resume that would reuse the partition first checks them, so an
    edit in the middle of a file that kept its size and time is refused too.

    ``alongside``: queries over the inputs collected in phase 1's reading of the files (on their own when a
    resume finds phase 1 done)."""
    manifest = {
        "version": __version__,
        "inputs": [fingerprint(p) for p in inputs],
        "home_prefecture": home_prefecture,
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
        collected = partition(business, business_rejects, registry, work, plan, alongside)
        if sha256 is not None:
            work.write_manifest({**written, "inputs_sha256": sha256()})
        if tick:
            tick("partition", 1, 1)
    else:
        collected = alongside.collect()
    counts = json.loads((work.partition / "counts.json").read_text())
    home, source = (home_prefecture, "") if home_prefecture is not None else counts["home_prefecture"]
    check_buckets(work, plan, home, tick)
    return BucketRun(in_order(work), counts["business_rows"] + counts["business_rejects"], counts["business_rejects"],
                     counts["registry_rows"], resumed,
                     home, source, collected)
