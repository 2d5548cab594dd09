"""One check run, end to end, as a library call: read both files → check → write the outputs → run record.

The CLI and (later) the web UI call :func:`run_check`; neither contains any rule.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import polars as pl

from himozuke import __version__, identity, recheck, recheck_lines
from himozuke.atomic import atomic_path, clear_recycled, folder_held, set_aside
from himozuke.errors import UsageError
from himozuke.formats import columns as C
from himozuke.formats.profiles import resolve
from himozuke.formats.records import detect_profile, open_records
from himozuke.match import RULE_VERSION
from himozuke.match import home as home_of
from himozuke.match.classify import Verdict
from himozuke.match.engine import RESULT_SCHEMA
from himozuke.match.engine import preload as preload_check
from himozuke.match.scale import Alongside, Tick, Work, person_keys, registry_number_keys, run_bucketed
from himozuke.memory import (
    INPUT_BYTES_PER_ROW,
    default_memory_limit,
    interrupted,
    rows_fit,
    rows_need,
    runs_in_memory,
    too_large,
    work_folder,
)
from himozuke.outputs import OUTPUT_FILES, OUTPUT_FORMATS, is_uri, parse_formats
from himozuke.report.tables import write_csv, write_parquet

REGISTRY_REJECTS = "registry_rejects.csv"
#: The digest file written beside the outputs, before it replaces the previous one (:class:`_DigestFile`).
STAGED_DIGESTS = f".{recheck.DIGESTS}.next"
Progress = Callable[[str], None]
#: Takes the B/C/E rows, with full numbers, and the run's summary once the outputs are written (the case store's
#: import: :func:`himozuke.cases.store.import_result`), so that no plaintext file stands between the two.
HandOver = Callable[[pl.DataFrame, "RunSummary"], None]
#: The 判定 that become follow-up cases (「総点検マニュアル」第2.1版 §7(6) B)・C), and E: not compared at all).
CASE_VERDICTS = ("B", "C", "E")


@dataclass
class RunSummary:
    """What a run did; also written as ``run.json`` beside the results (no personal data in it)."""

    business_file: str
    registry_file: str
    business_profile: str
    registry_profile: str
    business_encoding: str
    registry_encoding: str
    rows_in: int
    counts: dict[str, int]
    registry_rows: int
    registry_rejected: int
    outputs: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    started: str = ""
    engine: str = "in-memory"
    rows_per_second: int = 0
    version: str = __version__
    #: The body's 都道府県 the check used for 市区町村 names several prefectures have, and where it came from.
    home_prefecture: str | None = None
    home_prefecture_source: str = ""
    #: The run identity (:mod:`himozuke.identity`): the body and 事務, the inputs' SHA-256, the rules' version.
    body_code: str | None = None
    body_name: str | None = None
    jimu: str | None = None
    inputs_sha256: dict[str, str | None] = field(default_factory=dict)
    rule_version: str = RULE_VERSION
    #: Business columns carried through to the result and never compared (宛名番号, 方書, DV等支援対象, a
    #: profile's passthrough fields).
    carried: list[str] = field(default_factory=list)
    #: The §5 scope the checked extract was cut to (``himozuke scope``'s summary), None when not given: the
    #: records checked are the in-scope ones, and the excluded ones are counted per reason beside them.
    scope: dict | None = None
    #: Names this run's ``digests.parquet`` (:mod:`himozuke.recheck`): a baseline is both files of one run.
    digests_token: str | None = None
    #: Names the result.csv this run wrote (size, modification time, inode) when its digest file kept line digests:
    #: a re-check by lines copies that file's lines only (:func:`himozuke.recheck_lines.why_not`).
    result_csv: dict | None = None
    #: What ``--baseline`` did (:class:`himozuke.recheck.Recheck`), None without it.
    recheck: dict | None = None
    #: 個人番号 written in full (``--show-number``): an output for another audience, never "the same" as a masked one.
    show_number: bool = False
    #: What ``--resume`` did, in a sentence ("" when not asked): continued, nothing to continue, or already done.
    resume: str = ""

    @property
    def accounted(self) -> bool:
        """``rows in == A + B + C + E``."""
        return sum(self.counts.values()) == self.rows_in


#: What :func:`run_check` returns.
_Run = tuple[RunSummary, pl.DataFrame | None]


def _held_for_the_run(run: Callable[..., _Run]) -> Callable[..., _Run]:
    """``run`` (:func:`run_check`) holding its output folder (:func:`himozuke.atomic.folder_held`: one run writes
    there at a time; not a Hadoop URI). On failure it removes the previous result.csv it set aside to write over
    (:func:`himozuke.atomic.set_aside`): a run that fails leaves no previous output behind, hidden or not; on
    success, an interrupted run's work the folder no longer needs (:func:`_superseded`)."""

    @functools.wraps(run)
    def checked(business, registry, out_dir, **options):
        if is_uri(out_dir):
            return run(business, registry, out_dir, **options)
        with folder_held(Path(out_dir)):
            try:
                summary, result = run(business, registry, out_dir, **options)
            except BaseException:
                with contextlib.suppress(OSError):
                    clear_recycled(Path(out_dir))
                raise
            _superseded(summary, out_dir, options.get("work_dir"))
            return summary, result

    return checked


def _superseded(summary: RunSummary, out_dir, work_dir) -> None:
    """After a run that completed ``out_dir``: an interrupted bucketed run's work folder left there (its partition
    of both inputs: personal data) is removed — this run's outputs replace what it would have written — and
    ``summary.resume`` says so. A ``--work-dir`` elsewhere is the user's to manage (it may serve another run)."""
    work = work_folder(out_dir)
    if work_dir is not None or not interrupted(work):
        return
    Work(work).remove()
    summary.resume = summary.resume or _SUPERSEDED.format(work=work)


@_held_for_the_run
def run_check(business: str | os.PathLike, registry: str | os.PathLike, out_dir: str | os.PathLike, *,
              formats: Sequence[str] = ("csv", "xlsx"), show_number: bool = False,
              business_encoding: str | None = None, registry_encoding: str | None = None,
              business_profile: str | os.PathLike | None = None, registry_profile: str | os.PathLike | None = None,
              memory_limit: int | None = None, buckets: int | None = None, work_dir: str | os.PathLike | None = None,
              resume: bool = False, progress: Progress | None = None, tick: Tick | None = None,
              engine: str = "local", home_prefecture: str | None = None,
              body: identity.Body | None = None, hand_over: HandOver | None = None,
              scope: dict | None = None, baseline: str | os.PathLike | None = None,
              digest_key: recheck.Key | None = None, in_memory: bool | None = None,
              input_digests: identity.Digests | None = None,
              ) -> tuple[RunSummary, pl.DataFrame | None]:
    """Check ``business`` against ``registry`` and write the chosen outputs into ``out_dir``.

    Layout profiles (``business_profile`` / ``registry_profile``: a built-in name or a TOML path) map vendor
    layouts and J-LIS result files onto the standard record; without them the common layouts are detected.
    Inputs whose estimated in-memory size exceeds ``memory_limit`` (default: half the available memory), or
    any run with ``buckets`` or an interrupted bucketed run to ``resume``, go through the bucketed engine
    (:mod:`himozuke.match.scale`); both paths give byte-identical outputs. ``in_memory``: that choice, when the
    caller made it (:func:`himozuke.memory.runs_in_memory`: the CLI makes it once, before Polars loads).
    ``input_digests``: the inputs' SHA-256, when the caller started them (the CLI, while Polars loads).
    ``resume`` with nothing interrupted says so in ``summary.resume``: the output already complete for these
    inputs and settings is returned as it is, else the run checks from the start. The result rows come back for an in-memory run (``None`` for a
    bucketed one, whose rows are only in the written files).

    ``home_prefecture`` (the body's 都道府県; else a profile's ``home_prefecture``, else the one most registry
    addresses give) settles a 市区町村 name several prefectures have when an address leaves its own out.
    ``body``: the 団体 and 事務 of the run identity (:func:`himozuke.identity.body`). ``hand_over``: called with
    the B/C/E rows (full numbers) and the summary after the outputs are written — before a bucketed run's work
    folder is removed — for the case store; not with ``engine="spark"``. ``scope``: the summary
    (:func:`himozuke.scope.read_summary`) of the ``himozuke scope`` run that wrote ``business`` — refused when it
    is another file's; recorded in run.json and on the 集計 sheet.

    The business file's optional columns (宛名番号, 方書, DV等支援対象) and a profile's ``passthrough`` fields
    are carried through to the result after the result columns, never compared.

    Once both inputs have been opened, an earlier run's files that this run writes (the chosen formats, and
    ``registry_rejects.csv``, which a run without rejected lines does not write) are removed, so the folder
    never holds a previous run's result beside this run's ``run.json``. The removal runs in a thread while
    the check computes: freeing a large file waits on the disk (~0.3 s for a 330 MB result.csv on ext4),
    which an overwrite at the end would add to the run. New files are still written atomically.

    Every local run keeps ``digests.parquet`` (:mod:`himozuke.recheck`; keyed by ``digest_key``, default
    :func:`himozuke.recheck.load_key`). ``baseline``: the folder of an earlier run (it may be ``out_dir``: it is
    read before anything is cleared, and its digest file and run.json are only ever replaced atomically, last).
    When it fits (same rules, versions, key, profiles, columns and home prefecture) only the rows a change can
    reach are recomputed and the rest carried forward — the outputs are written from the merged result by the
    same writers, so they equal a full check's; otherwise the run says why in ``summary.recheck`` and checks in
    full. Either way ``delta.csv`` lists 新規 / 解消 / 変化 / 削除 against the baseline (every B/C is 新規 when there
    is none to compare with), and ``hand_over`` gets the new cases only and, as ``resolved``, the rows 解消.
    """
    say = progress or (lambda _msg: None)
    formats = parse_formats(formats) if formats else ()  # () from the API: no result files, only run.json
    base, base_reason = recheck.read_baseline(baseline) if baseline is not None else (None, "")
    replaces = recheck.previous_run(baseline) if baseline is not None else None  # read before anything is replaced
    # every engine's phases reach ``tick``: the bucketed one per bucket, the in-memory one per phase
    step: Tick = tick or (lambda *_a: None)
    started = dt.datetime.now()
    home_of.check(home_prefecture)
    body = body or identity.Body()
    # a missing file is left to the reader, which names it in one line
    known = {"business": identity.sha256_of(business)} if scope is not None and Path(business).is_file() else {}
    if known and scope.get("in_scope_sha256") != known["business"]:
        raise UsageError("--scope の対象.csv と照合するファイルが違います（himozuke scope が書いた 対象.csv を照合してください）",
                         "the --scope folder is not for this business file (check the 対象.csv that himozuke scope "
                         "wrote)")
    if engine == "spark":
        if baseline is not None:
            raise UsageError("Spark での照合は --baseline（差分の再点検）に対応していません",
                             "--baseline (re-check of what changed) is not available with --engine spark")
        if hand_over is not None:
            raise UsageError("Spark での照合の結果は台帳に直接取り込めません（result.parquet を --show-number で書き、"
                             "cases import で取り込んでください）",
                             "a Spark run cannot hand its cases to the store (write result.parquet with "
                             "--show-number and use cases import)")
        return _run_spark(business, registry, out_dir, started, say, body, scope, formats=formats,
                          show_number=show_number,
                          buckets=buckets, business_encoding=business_encoding, registry_encoding=registry_encoding,
                          business_profile=business_profile, registry_profile=registry_profile,
                          home_prefecture=home_prefecture)
    out = Path(out_dir)
    timings: dict[str, float] = {}
    b_path, r_path = Path(business), Path(registry)
    limit = memory_limit or default_memory_limit()
    work = Work(work_folder(out, work_dir))
    resume_note, resumed = "", False
    if resume and not interrupted(work.root):  # nothing was interrupted: say so, never start over silently
        done = finished_run(out, b_path, r_path, formats=formats, show_number=show_number,
                            home_prefecture=home_prefecture, business_profile=business_profile,
                            registry_profile=registry_profile)
        if done is not None:
            done.resume = (f"{out} はこの入力での照合を終えています（やり直すには --resume を外してください）/ {out} is "
                           "already complete for these inputs: nothing checked again (run without --resume to check "
                           "again)")
            done.recheck = None  # nothing new now: no delta, no cases handed over again
            return done, None
        resume, resume_note = False, (
            f"続きから再開できる中断した実行がありません（{work.root}）。最初から照合します / nothing to resume in "
            f"{work.root}: checking from the start")
        say(resume_note)
    if in_memory is None:
        in_memory = runs_in_memory((b_path, r_path), memory_limit=limit, buckets=buckets, resume=resume)
    bucketed = not in_memory
    key = digest_key or recheck.load_key()
    digests = input_digests if input_digests is not None and not known else identity.Digests(
        {"business": b_path, "registry": r_path}, known)  # the scope check hashed one
    t0 = time.perf_counter()
    threading.Thread(target=preload_check, args=(home_prefecture,), name="himozuke-preload").start()  # joined at exit
    # a re-check run that writes result.csv alone keeps each input line's digest, so that the next one can go by
    # lines (himozuke.recheck_lines)
    keeps_lines = baseline is not None and tuple(formats) == ("csv",)
    lines_reason = "" if keeps_lines else "outputs other than result.csv alone"
    lines: tuple = (None, None)
    if keeps_lines:  # one after the other: two scans at once were 2x slower at 10 M lines (docs/benchmarks.md)
        lines = (recheck_lines.read_lines(b_path, business_encoding, key),
                 recheck_lines.read_lines(r_path, registry_encoding, key))
    # by lines whatever the memory limit: of the ways to re-check, it holds the least (docs/recheck.md, "Known limits")
    if keeps_lines and base is not None and not base_reason and not resume:
        done = _by_lines(b_path, r_path, out, base, key, lines, started=started, t0=t0, say=say,
                         business_profile=business_profile, registry_profile=registry_profile,
                         home_prefecture=home_prefecture, show_number=show_number, body=body, scope=scope,
                         digests=digests, hand_over=hand_over, baseline=baseline, replaces=replaces)
        if isinstance(done, RunSummary):
            return done, None
        lines_reason = done
    say("読み込み / reading")
    whole = not bucketed
    verdicts: dict | None = None
    unordered: pl.LazyFrame | None = None  # a bucketed result's rows in no order (scale.unordered)
    with open_records(business, role="business", encoding=business_encoding, profile=business_profile,
                      whole=whole, streamed=bucketed) as b, \
            open_records(registry, role="registry", encoding=registry_encoding, profile=registry_profile,
                         whole=whole, streamed=bucketed) as r:
        b_name, b_enc, r_name, r_enc = b.name, b.encoding, r.name, r.encoding
        b_prof, r_prof = b.profile, r.profile
        # not digests.parquet nor run.json: they are the baseline until this run replaces both, atomically, last
        clearing = _clear_outputs(out, [OUTPUT_FILES[f] for f in formats if f in OUTPUT_FILES]
                                  + [REGISTRY_REJECTS, recheck.DELTA, STAGED_DIGESTS],
                                  recycle=[] if bucketed else [OUTPUT_FILES["csv"]])  # a frame's eager writer
        # no quote search in result.csv: no value holds a comma, quote or line break, and no business line was
        # rejected (its row's reason is himozuke's text, which may hold a comma); rejections are counted below
        plain = b.plain and r.plain
        home, home_source = home_of.given(home_prefecture, (b_prof, b.home_prefecture), (r_prof, r.home_prefecture))
        b_columns = b.rows.collect_schema().names()
        # a result row holds both sides' values and more: the inputs' bytes are a floor for result.csv's
        input_bytes = b_path.stat().st_size + r_path.stat().st_size

        def expected(home_: str | None, columns: list[str]) -> dict:
            return recheck.manifest(key, business_profile=b_prof, registry_profile=r_prof, business_columns=columns,
                                    home_prefecture=home_)

        if base is not None and not base_reason and bucketed and not rows_fit((b_path, r_path), limit):
            # a re-check from whole files holds every row of both (more than an in-memory check holds)
            reason = too_large(rows_need((b_path, r_path)), limit)
            base_reason = (f"前回との差分の再点検は{reason[0]}（全件をバケットごとに照合）/ a re-check of what changed: "
                           f"{reason[1]} (checked in full, bucket by bucket)")
        if base is not None and not base_reason and bucketed:
            # the re-check holds the rows in memory (docs/recheck.md); the outputs are the bucketed engine's bytes
            say("前回との差分を照合 / re-checking what changed")
            step("read", 0, 1)
            b_rows, b_rejects, r_rows, r_rejects = pl.collect_all([b.rows, b.rejects, r.rows, r.rejects],
                                                                  engine="streaming")
            step("read", 1, 1)
            base_reason = recheck.mismatch(base, expected(home or home_of.inferred(r_rows)[0], b_rows.columns))
        if bucketed and (base is None or base_reason):
            say("バケットに分割して照合 / bucketed check")
            # streamed while the files are partitioned: the registry's unreadable lines (the in-memory engine
            # would hold every line to find the few bad ones); the digests are made bucket by bucket
            along = Alongside(registry=[r.rejects])
            run = run_bucketed(b.rows, b.rejects, r.rows, work=work, inputs=[b_path, r_path], memory_limit=limit,
                               buckets=buckets, resume=resume, tick=tick,
                               estimated_rows=max(1, b_path.stat().st_size // INPUT_BYTES_PER_ROW),
                               home_prefecture=home, sha256=digests.result, alongside=along,
                               digests=recheck.BucketDigests(key))
            (r_rejects,) = run.alongside[1]
            resumed = run.resumed
            if home is None:
                home, home_source = run.home_prefecture, run.home_prefecture_source
            result: pl.DataFrame | pl.LazyFrame = run.result
            verdicts, unordered = run.verdicts, run.rows
            if b.carried:  # collected while the business file is open (a cp932 copy is gone after)
                carried = b.rows.select(C.ROW, *b.carried).collect(engine="streaming")
                result, unordered = _carry(result, carried), _carry(unordered, carried)
            rows_in, registry_rows = run.rows_in, run.registry_rows + r_rejects.height
            plain = plain and not run.rejected
            timings["check"] = time.perf_counter() - t0
            # streamed into the digest file from the work folder, unless a pairing needs every row's at once
            checked = recheck.Checked(None, run.digests, run.registry_digests)
            if base is not None or None not in lines:
                checked.digests, checked.registry = pl.collect_all([run.digests, run.registry_digests])
            checked = recheck.paired_with(checked, base, key)
            if None not in lines:
                checked = recheck_lines.keep_digested(checked, *lines, person_keys(work), registry_number_keys(work),
                                                      key)
        else:
            if not bucketed:
                # one collect_all: each file is scanned once for its rows and its rejections
                step("read", 0, 1)
                b_rows, b_rejects, r_rows, r_rejects = pl.collect_all([b.rows, b.rejects, r.rows, r.rejects])
                step("read", 1, 1)
            timings["read"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            say("照合 / comparing")
            if home is None:
                home, home_source = home_of.inferred(r_rows)
            step("check", 0, 1)
            if base is not None and not base_reason:
                base_reason = recheck.mismatch(base, expected(home, b_rows.columns))
            if base is not None and not base_reason:
                checked = recheck.recheck_frames(b_rows, b_rejects, r_rows, key, home, base)
            else:
                checked = recheck.full_frames(b_rows, b_rejects, r_rows, key, home, base, defer=baseline is None)
            if None not in lines:
                checked = recheck_lines.keep_lines(checked, *lines, b_rows, r_rows, key)
            result = checked.result
            if b.carried:
                result = _carry(result, b_rows.select(C.ROW, *b.carried))
            rows_in, registry_rows = b_rows.height + b_rejects.height, r_rows.height + r_rejects.height
            plain = plain and not b_rejects.height
            step("check", 1, 1, rows_in)
            timings["check"] = time.perf_counter() - t0

    clearing.join()  # before anything is written: the old files must be gone, not the new ones
    if verdicts is None:  # (a bucketed run counted its runs: a count of its lazy result would merge them all)
        verdicts = dict(result.lazy().group_by(C.VERDICT).len().collect().iter_rows())
    summary = RunSummary(
        business_file=b_name, registry_file=r_name, business_profile=b_prof, registry_profile=r_prof,
        business_encoding=b_enc, registry_encoding=r_enc,
        rows_in=rows_in, counts={str(v): int(verdicts.get(str(v), 0)) for v in Verdict},
        registry_rows=registry_rows, registry_rejected=r_rejects.height,
        started=started.isoformat(timespec="seconds"), engine="bucketed" if bucketed else "in-memory",
        home_prefecture=home, home_prefecture_source=home_source,
        body_code=body.code, body_name=body.name, jimu=body.jimu, inputs_sha256=digests.result(),
        carried=list(b.carried), scope=scope, show_number=show_number,
        resume=resume_note or (_RESUMED.format(work=work.root) if resumed else ""),
    )
    rechecked = None
    if baseline is not None:
        rechecked = recheck.Recheck(str(baseline), used=base is not None and not base_reason, reason=base_reason,
                                    replaces=replaces,
                                    **{k: v for k, v in checked.stats.items() if k in recheck.Recheck.__annotations__})
        if not rechecked.used:
            say(f"全件照合 / full check: {base_reason}")
        else:
            rechecked.not_by_lines = lines_reason
    kept = lines if "csv" in formats else (None, None)
    with _DigestFile(out, checked, expected(home, b_columns), kept, key, show_number=show_number) as digest_file:
        timings |= write_outputs(result, r_rejects, out, formats, summary, started=started, show_number=show_number,
                                 plain=plain, say=say, step=step, size=input_bytes)
        clear_recycled(out)
        step("write", len(formats), len(formats))
        resolved = None
        if rechecked is not None:
            changes = recheck.delta(checked, result.lazy() if unordered is None else unordered)
            recheck.write_delta(changes, out / recheck.DELTA, show_number=show_number)
            summary.outputs.append(recheck.DELTA)
            rechecked.delta = recheck.delta_counts(changes)
            summary.recheck = asdict(rechecked)
            resolved = changes.filter(pl.col(recheck.KIND) == recheck.RESOLVED)
        if hand_over is not None:
            cases = _rows(result, unordered, pl.col(C.VERDICT).is_in(CASE_VERDICTS))
            if rechecked is None:
                hand_over(cases, summary)
            else:  # the rows that were not already cases: 新規 B/C and rows newly E
                hand_over(recheck.new_cases(cases, checked, CASE_VERDICTS), summary, resolved=resolved)
        if bucketed:
            digest_file.written()  # it reads the digests from the work folder
            work.remove()  # the work folder holds personal data: gone once the outputs are written
            result = None
        total = sum(timings.values())
        summary.seconds = {k: round(v, 3) for k, v in timings.items()}
        summary.rows_per_second = round(summary.rows_in / total) if total else 0
        digest_file.keep(summary)
    return summary, result


def _by_lines(b_path: Path, r_path: Path, out: Path, base: recheck.Baseline, key: recheck.Key, lines: tuple,
              *, started: dt.datetime, t0: float, say: Progress, business_profile, registry_profile,
              home_prefecture: str | None, show_number: bool, body: identity.Body, scope: dict | None,
              digests: identity.Digests, hand_over: HandOver | None, baseline, replaces: dict | None
              ) -> RunSummary | str:
    """A re-check by lines (:mod:`himozuke.recheck_lines`) with result.csv as its only output, written like a full
    run's; why not, when it cannot go by lines (the caller re-checks from both files read whole)."""
    b_prof = resolve(business_profile or detect_profile(b_path) or "standard")
    r_prof = resolve(registry_profile or detect_profile(r_path) or "standard")
    if "fixed" in (b_prof.format, r_prof.format):
        return "a fixed-length input"
    home, home_source = home_of.given(home_prefecture, (b_prof.name, b_prof.home_prefecture),
                                      (r_prof.name, r_prof.home_prefecture))
    b_lines, r_lines = lines
    reason = recheck_lines.why_not(base, b_lines, r_lines, key, show_number=show_number, home=home)
    if reason:
        return reason
    say("前回との差分を行単位で照合 / re-checking the lines that changed")
    with recheck_lines.PreviousResult(base.folder) as previous:  # opened before this run clears the folder
        # cleared while the lines are re-checked: freeing a large result.csv waits on the disk (0.08 s at 1 M rows);
        # a previous result.csv of this folder that is not the baseline's (which is read) is written over instead
        result = out / OUTPUT_FILES["csv"]
        clearing = _clear_outputs(out, [result.name, REGISTRY_REJECTS, recheck.DELTA, STAGED_DIGESTS],
                                  recycle=[] if previous.is_file(result) else [result.name])
        try:
            by = recheck_lines.recheck_by_lines(b_lines, r_lines, base, key, home=home, b_profile=b_prof.name,
                                                r_profile=r_prof.name)
        finally:
            clearing.join()
        expected = recheck.manifest(key, business_profile=b_prof.name, registry_profile=r_prof.name,
                                    business_columns=by.columns if by else [], home_prefecture=home)
        if by is None:
            return "a registry line that changed cannot be read"
        if recheck.mismatch(base, expected):
            return recheck.mismatch(base, expected)
        checked_at = time.perf_counter()
        checked = by.checked
        # before the digest file's thread starts: the two writers would share Polars' pool (0.23 s, alone 0.02 s)
        new_text = recheck_lines.redone_lines(by, show_number=show_number)
        with _DigestFile(out, checked, expected, lines, key, show_number=show_number) as digest_file:
            recheck_lines.write_result(result, previous, by, new_text)
            clear_recycled(out)  # not taken: a result of a gigabyte or more is written past the page cache
            summary = RunSummary(
                business_file=b_path.name, registry_file=r_path.name, business_profile=b_prof.name,
                registry_profile=r_prof.name, business_encoding=b_lines.encoding, registry_encoding=r_lines.encoding,
                rows_in=by.rows_in, counts={str(v): by.counts.get(str(v), 0) for v in Verdict},
                registry_rows=by.registry_rows, registry_rejected=0, outputs=[OUTPUT_FILES["csv"]],
                started=started.isoformat(timespec="seconds"), engine="in-memory", home_prefecture=home,
                home_prefecture_source=home_source, body_code=body.code, body_name=body.name, jimu=body.jimu,
                inputs_sha256=digests.result(), carried=list(by.carried), scope=scope, show_number=show_number)
            rechecked = recheck.Recheck(str(baseline), used=True, replaces=replaces, **{
                k: v for k, v in checked.stats.items() if k in recheck.Recheck.__annotations__})
            changes = recheck.delta(checked, by.redone.select(recheck.DELTA_SOURCE))
            recheck.write_delta(changes, out / recheck.DELTA, show_number=show_number)
            summary.outputs.append(recheck.DELTA)
            rechecked.delta = recheck.delta_counts(changes)
            summary.recheck = asdict(rechecked)
            if hand_over is not None:  # only recomputed rows can be new cases: a carried row keeps its 判定
                cases = by.redone.filter(pl.col(C.VERDICT).is_in(CASE_VERDICTS))
                hand_over(recheck.new_cases(cases, checked, CASE_VERDICTS), summary,
                          resolved=changes.filter(pl.col(recheck.KIND) == recheck.RESOLVED))
            seconds = {"check": checked_at - t0, "write_csv": time.perf_counter() - checked_at}
            summary.seconds = {k: round(v, 3) for k, v in seconds.items()}
            summary.rows_per_second = round(summary.rows_in / sum(seconds.values()))
            digest_file.keep(summary)
    return summary


class _DigestFile:
    """The digest file for the next re-check, then run.json, last: a folder with run.json is a finished run.

    The digest file is written at once, in a thread beside the outputs (the writers leave a core idle), into a
    hidden file that :meth:`keep` puts in place — the previous run's digest file and run.json stay a whole baseline
    until then; leaving the block early removes it. When line digests are kept, run.json names the result.csv
    they describe (:func:`himozuke.recheck_lines.result_file`)."""

    def __init__(self, out: Path, checked: recheck.Checked, manifest: dict, lines: tuple, key: recheck.Key, *,
                 show_number: bool) -> None:
        self.out, self.path = out, out / recheck.DIGESTS
        by_lines = checked.registry_lines is not None and lines[0] is not None
        meta = recheck_lines.lines_meta(*lines, key, show_number=show_number) if by_lines else None
        self._names_result = by_lines
        #: the write of the hidden file, while it is pending (None once kept)
        self._staged = out / STAGED_DIGESTS
        pool = ThreadPoolExecutor(1, thread_name_prefix="himozuke-digest-file")
        self._staging = pool.submit(lambda: recheck.write_digests(self._staged, *checked.digested(), manifest,
                                                                  checked.registry_lines, meta))
        pool.shutdown(wait=False)

    def __enter__(self) -> _DigestFile:
        return self

    def __exit__(self, *exc) -> None:
        if self._staging is not None:  # left before keep: the hidden file goes
            with contextlib.suppress(Exception):
                self._staging.result()  # an error of the run itself is the one to report
            with contextlib.suppress(FileNotFoundError):
                self._staged.unlink()

    def written(self) -> str:
        """Waits for the hidden file; its token."""
        return self._staging.result()

    def keep(self, summary: RunSummary) -> None:
        summary.digests_token = self.written()
        if self._names_result:
            summary.result_csv = recheck_lines.result_file(self.out / OUTPUT_FILES["csv"])
        os.replace(self._staged, self.path)
        self._staging = None
        with atomic_path(self.out / "run.json") as tmp:
            tmp.write_text(json.dumps(asdict(summary), ensure_ascii=False, indent=2), encoding="utf-8")


_RESUMED = "中断した実行を続きから再開しました（{work}。終わったバケットは前回の結果を使用）/ continued the interrupted run in {work}"
_SUPERSEDED = ("中断した分割照合の作業フォルダ（{work}）を削除しました。この実行が同じフォルダの照合を終えたため、"
               "その続きはもう要りません / removed the work folder of an interrupted bucketed run ({work}): this run "
               "completed the folder's check")


def finished_run(out: Path, business: Path, registry: Path, *, formats: Sequence[str], show_number: bool,
                 home_prefecture: str | None = None, business_profile: str | os.PathLike | None = None,
                 registry_profile: str | os.PathLike | None = None) -> RunSummary | None:
    """The summary of the complete run in ``out`` when it is this run already (``--resume`` with nothing
    interrupted): run.json names these inputs by their SHA-256, this version of himozuke and of the rules, the same
    masking, and every asked-for output is there; a home prefecture or profile given now must be the one it used.
    None otherwise (and for anything unreadable: the caller checks again)."""
    try:
        run = json.loads((out / "run.json").read_text(encoding="utf-8"))
        done = RunSummary(**{k: v for k, v in run.items() if k in RunSummary.__dataclass_fields__})
    except (OSError, ValueError, TypeError):
        return None
    wanted = [OUTPUT_FILES[f] for f in formats]
    if (done.version, done.rule_version, done.show_number) != (__version__, RULE_VERSION, show_number) \
            or done.engine == "spark" or any(f not in done.outputs or not (out / f).is_file() for f in wanted):
        return None
    given = {"home_prefecture": home_prefecture,
             "business_profile": None if business_profile is None else str(business_profile),
             "registry_profile": None if registry_profile is None else str(registry_profile)}
    if any(v is not None and getattr(done, k) != v for k, v in given.items()):
        return None
    if not (business.is_file() and registry.is_file()):
        return None
    sha = {"business": identity.sha256_of(business), "registry": identity.sha256_of(registry)}
    return done if done.inputs_sha256 == sha else None


def write_outputs(result: pl.DataFrame | pl.LazyFrame, r_rejects: pl.DataFrame | None, out: Path,
                  formats: Sequence[str], summary: RunSummary, *, started: dt.datetime, show_number: bool,
                  plain: bool = False, say: Progress | None = None, step: Tick | None = None,
                  size: int = 0) -> dict[str, float]:
    """The outputs of a run in a local folder, for every engine (in memory, bucketed, Spark collected on the
    driver): ``registry_rejects.csv`` when the registry file had unreadable lines, then each of ``formats``,
    atomically; each written file is named in ``summary.outputs``. Returns the seconds per format. ``size``: the
    bytes the result files are expected to reach (:func:`himozuke.report.tables.write_csv`)."""
    say, step = say or (lambda _msg: None), step or (lambda *_a: None)
    notes, timings = [], {}
    if r_rejects is not None and r_rejects.height:
        notes.append(f"住基側ファイルに読めない行が {r_rejects.height} 行あります（{REGISTRY_REJECTS}）。")
        with atomic_path(out / REGISTRY_REJECTS) as tmp:
            r_rejects.write_csv(tmp, include_bom=True)
        summary.outputs.append(REGISTRY_REJECTS)
    for k, fmt in enumerate(formats):
        t0 = time.perf_counter()
        say(f"出力 / writing {fmt}")
        step("write", k, len(formats))
        if fmt == "csv":
            write_csv(result, out / OUTPUT_FILES[fmt], show_number=show_number, plain=plain, size=size)
        elif fmt == "parquet":
            write_parquet(result, out / OUTPUT_FILES[fmt], show_number=show_number, size=size)
        elif fmt == "xlsx":
            # xlsxwriter is imported only when a workbook is wanted
            from himozuke.report.xlsx import RunInfo, write_report

            write_report(result, out / OUTPUT_FILES[fmt],
                         RunInfo(summary.business_file, summary.registry_file, started, notes,
                                 home_prefecture=summary.home_prefecture, home_source=summary.home_prefecture_source,
                                 identity=identity_lines(summary)),
                         show_number=show_number)
        summary.outputs.append(OUTPUT_FILES[fmt])
        timings[f"write_{fmt}"] = time.perf_counter() - t0
    return timings


def _rows(result: pl.DataFrame | pl.LazyFrame, unordered: pl.LazyFrame | None, where: pl.Expr) -> pl.DataFrame:
    """The result's rows ``where`` holds, in 行番号 order. A bucketed run's come from its runs as they lie
    (``unordered``), sorted here: a filter needs no merge."""
    rows = (result.lazy() if unordered is None else unordered).filter(where).collect()
    return rows if unordered is None else rows.sort(C.ROW)


def _carry(result: pl.DataFrame | pl.LazyFrame, carried: pl.DataFrame) -> pl.DataFrame | pl.LazyFrame:
    """``result`` with the business rows' carried columns (keyed by 行番号) after its own; null for a rejected
    line, whose values were never read."""
    return result.join(carried.lazy() if isinstance(result, pl.LazyFrame) else carried, on=C.ROW, how="left",
                       maintain_order="left")


def store_identity(summary: RunSummary) -> dict:
    """The run identity the case store keeps with a run's cases (no personal data)."""
    return {"body_code": summary.body_code, "body_name": summary.body_name, "jimu": summary.jimu,
            "inputs_sha256": json.dumps(summary.inputs_sha256, sort_keys=True), "rule_version": summary.rule_version,
            "home_prefecture": summary.home_prefecture, "engine": summary.engine, "counts": dict(summary.counts),
            "started": summary.started, "excluded": (summary.scope or {}).get("excluded", 0),
            "replaces": (summary.recheck or {}).get("replaces"),
            "excluded_counts": {r: n for r, n in (summary.scope or {}).get("counts", {}).items()
                                if n and r.startswith("対象外")}}


def identity_lines(summary: RunSummary) -> list[tuple[str, str]]:
    """The run identity as (label, value) lines for the report's 集計 sheet and the screen."""
    sha = summary.inputs_sha256
    return [
        ("団体 / body", " ".join(x for x in (summary.body_code, summary.body_name) if x) or "—（--body-code で指定）"),
        ("事務 / jimu", summary.jimu or "—（--jimu で指定）"),
        ("業務側 SHA-256", sha.get("business") or "—"),
        ("住基側 SHA-256", sha.get("registry") or "—"),
        ("規則の版 / rule version", summary.rule_version),
        ("エンジン / engine", summary.engine),
        *_scope_lines(summary.scope),
    ]


def _scope_lines(scope: dict | None) -> list[tuple[str, str]]:
    """The §5 scope as (label, value) lines: the in-scope count and every excluded count with its reason."""
    if not scope:
        return [("点検の範囲 / scope", "—（himozuke scope で決めていない: 抽出のすべてを点検）")]
    lines = [("点検の範囲 / scope", f"{scope['scope']}（{scope['cite']}）"),
             ("点検対象件数（範囲内）", f"{scope['in_scope']:,}"), ("対象外件数", f"{scope['excluded']:,}")]
    lines += [(f"　{reason}", f"{n:,}") for reason, n in scope["counts"].items() if n]
    if scope.get("unreadable"):
        lines.append(("　読めない行（範囲を決められない）", f"{scope['unreadable']:,}"))
    return lines


def _clear_outputs(out: Path, names: Sequence[str], recycle: Sequence[str] = ()) -> threading.Thread:
    """Remove ``out/<name>`` for each name that exists, in a started thread (join it before writing there); those
    in ``recycle`` are set aside for their writer to write over (:func:`himozuke.atomic.set_aside`)."""

    def clear() -> None:
        clear_recycled(out)  # a killed run's
        for name in names:
            if name in recycle:
                set_aside(out / name)
                continue
            with contextlib.suppress(FileNotFoundError, NotADirectoryError):
                (out / name).unlink()

    thread = threading.Thread(target=clear, name="himozuke-clear", daemon=False)
    thread.start()
    return thread


def _spark_ready() -> None:
    """One line, not a traceback, when this machine cannot run Spark: the ``spark`` extra or Java missing."""
    import importlib.util
    import shutil

    missing = [m for m in ("pyspark", "pyarrow") if importlib.util.find_spec(m) is None]
    if missing:
        raise UsageError(f"Spark で照合するには追加のパッケージが必要です: pip install 'himozuke[spark]'"
                         f"（{', '.join(missing)} がありません）",
                         f"the spark engine needs the spark extra: pip install 'himozuke[spark]' "
                         f"({', '.join(missing)} is missing)")
    if "PYSPARK_GATEWAY_PORT" not in os.environ and not os.environ.get("JAVA_HOME") and not shutil.which("java"):
        raise UsageError("Spark には Java（17 など）が必要です（java が PATH にも JAVA_HOME にもありません）",
                         "Spark needs Java (17 or later): no java on PATH and JAVA_HOME is not set")


def _run_spark(business, registry, out_dir, started: dt.datetime, say: Progress, body: identity.Body,
               scope: dict | None, *, formats: Sequence[str], show_number: bool, **options) -> tuple[RunSummary, None]:
    """``engine="spark"``: the check on Spark (:func:`himozuke.match.spark.check_on_spark`; inputs and
    ``out_dir`` may be Hadoop URIs). A local folder gets the local engines' files from the same writers
    (:func:`write_outputs`, the result collected on the driver); a URI gets Spark's own files
    (:mod:`himozuke.report.hadoop`). Both get run.json."""
    from himozuke.report import hadoop

    out = str(out_dir)
    bad = [f for f in formats if f not in hadoop.FORMATS] if hadoop.is_uri(out) else []
    if bad:
        raise UsageError(f"Spark エンジンが URI に書ける出力形式は csv, parquet です（xlsx はローカルのフォルダに）: {', '.join(bad)}",
                         f"the spark engine writes csv and parquet to a URI (xlsx to a local folder): {', '.join(bad)}")
    _spark_ready()
    from himozuke.match.spark import REJECTS_SCHEMA, check_on_spark, default_session

    say("Spark で照合 / checking on Spark")
    t0 = time.perf_counter()
    spark = default_session()
    with check_on_spark(str(business), str(registry), spark=spark, **options) as checked:
        summary = RunSummary(
            business_file=checked.business_name, registry_file=checked.registry_name,
            business_profile=checked.business_profile, registry_profile=checked.registry_profile,
            business_encoding=options["business_encoding"] or "auto",
            registry_encoding=options["registry_encoding"] or "auto",
            rows_in=checked.rows_in, counts={}, registry_rows=checked.registry_rows,
            registry_rejected=checked.registry_rejected, started=started.isoformat(timespec="seconds"), engine="spark",
            home_prefecture=checked.home_prefecture, home_prefecture_source=checked.home_prefecture_source,
            body_code=body.code, body_name=body.name, jimu=body.jimu,
            inputs_sha256={role: identity.sha256_of(p) if not hadoop.is_uri(str(p)) else None
                           for role, p in (("business", business), ("registry", registry))}, scope=scope,
            show_number=show_number,
        )
        if hadoop.is_uri(out):
            result = checked.result.persist()
            try:
                for fmt in formats:
                    hadoop.write_frame(result, out, OUTPUT_FILES[fmt], show_number=show_number, schema=RESULT_SCHEMA)
                    summary.outputs.append(OUTPUT_FILES[fmt])
                if checked.rejects is not None:
                    hadoop.write_frame(checked.rejects, out, REGISTRY_REJECTS, show_number=True, schema=REJECTS_SCHEMA)
                    summary.outputs.append(REGISTRY_REJECTS)
                verdicts = dict(result.groupBy(C.VERDICT).count().collect())
            finally:
                result.unpersist()
        else:
            frame, rejects = checked.collected()
            Path(out).mkdir(parents=True, exist_ok=True)
            verdicts = dict(frame.group_by(C.VERDICT).len().iter_rows())
            summary.counts = {str(v): int(verdicts.get(str(v), 0)) for v in Verdict}
            write_outputs(frame, rejects, Path(out), formats, summary, started=started, show_number=show_number)
    summary.counts = {str(v): int(verdicts.get(str(v), 0)) for v in Verdict}
    seconds = time.perf_counter() - t0
    summary.seconds = {"check": round(seconds, 3)}
    summary.rows_per_second = round(summary.rows_in / seconds) if seconds else 0
    text = json.dumps(asdict(summary), ensure_ascii=False, indent=2)
    if hadoop.is_uri(out):
        hadoop.write_text(spark, out, "run.json", text)
    else:
        with atomic_path(Path(out) / "run.json") as tmp:
            tmp.write_text(text, encoding="utf-8")
    return summary, None


def verdict_table(summary: RunSummary) -> list[tuple[str, int, float]]:
    """(判定, 件数, 割合) for every class, for the end-of-run printout."""
    total = max(summary.rows_in, 1)
    return [(str(v), summary.counts.get(str(v), 0), summary.counts.get(str(v), 0) / total) for v in Verdict]


__all__ = ["OUTPUT_FORMATS", "RunSummary", "finished_run", "parse_formats", "run_check", "verdict_table",
           "write_outputs"]
