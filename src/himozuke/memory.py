"""How much memory a check may use, and whether it runs in memory or bucket by bucket — without importing Polars.

The CLI decides this before Polars is loaded, because Polars' allocator reads its settings once, when it
loads (:func:`keep_freed_memory`).

>>> parse_size("4G"), parse_size("512M"), parse_size("1000")
(4294967296, 536870912, 1000)
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path

from himozuke.errors import UsageError

# The sizes the engines are planned with, in one place (measured on generated data; docs/benchmarks.md):
#: In-memory peak ≈ this many times the two input files' size (benchmarks/throughput.py).
MEMORY_PER_INPUT_BYTE = 12
#: A re-check by lines (himozuke.recheck_lines) holds about this much per input line, both files' (a digest and an
#: offset per line, the digests of both runs, the pairing; the rows it recomputes are few): 10 M pairs held 2.97 GB
#: for 20 M lines, 149 bytes a line (benchmarks/recheck.py), with room for the allocator's.
LINES_BYTES_PER_LINE = 200
#: … and this much whatever the size (the engine's tables and pools: 1 M pairs peaked at 540 MB).
LINES_FIXED_BYTES = 512 << 20
#: Bytes of a business file per row, to size buckets before the rows are counted.
INPUT_BYTES_PER_ROW = 90
#: In-memory bytes per row while a bucket is checked (both sides, keys, verdicts).
BUCKET_BYTES_PER_ROW = 2_500
#: Bytes per buffered row in a partitioned sink (the raw strings plus Arrow overhead).
SINK_BYTES_PER_ROW = 300
#: Bytes of a result row held in memory while the buckets' results are merged (317 measured on a 10 M-row result,
#: 21 columns, with room for longer values).
RESULT_BYTES_PER_ROW = 500
#: A bucketed run's work folder holds this file from its start until its outputs are written: a run killed
#: in between can be continued (``--resume``).
WORK_MANIFEST = "manifest.json"


def parse_size(text: str) -> int:
    """``"4G"`` → bytes (K, M, G, T; binary multiples)."""
    t = text.strip().upper().removesuffix("B").removesuffix("I")
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    try:
        if t and t[-1] in mult:
            return int(float(t[:-1]) * mult[t[-1]])
        return int(t)
    except ValueError:
        raise UsageError(f"メモリ量「{text}」を読めません（例: 4G, 512M）", f"cannot read size {text!r} (e.g. 4G, 512M)") from None


def default_memory_limit() -> int:
    """Half of the memory available now (at least 512 MiB)."""
    import psutil

    return max(512 << 20, psutil.virtual_memory().available // 2)


def work_folder(out: str | os.PathLike, work_dir: str | os.PathLike | None = None) -> Path:
    """Where a bucketed run keeps its work: ``work_dir``, else ``OUT/.himozuke-work``."""
    return Path(work_dir) if work_dir else Path(out) / ".himozuke-work"


def interrupted(work: Path) -> bool:
    """A bucketed run was started in ``work`` and did not finish (``--resume`` can continue it)."""
    return (work / WORK_MANIFEST).is_file()


def runs_in_memory(inputs: Iterable[str | os.PathLike], *, memory_limit: int | None = None,
                   buckets: int | None = None, resume: bool = False) -> bool:
    """Whether a check of ``inputs`` runs in memory (else bucket by bucket): no buckets asked for, no interrupted
    bucketed run to continue (``resume``: :func:`interrupted`), and the inputs' estimated in-memory size within the
    limit (default: :func:`default_memory_limit`). Decided once per run — by the CLI before Polars loads — and
    passed down (:func:`himozuke.pipeline.run_check`'s ``in_memory``)."""
    if buckets is not None or resume:
        return False
    return rows_fit(inputs, memory_limit or default_memory_limit())


def rows_fit(inputs: Iterable[str | os.PathLike], memory_limit: int) -> bool:
    """Whether every row of ``inputs`` can be held at once within ``memory_limit`` (:func:`rows_need`)."""
    return rows_need(inputs) <= memory_limit


def rows_need(inputs: Iterable[str | os.PathLike]) -> int:
    """What holding every row of ``inputs`` takes, estimated (:data:`MEMORY_PER_INPUT_BYTE`): an in-memory check,
    and a re-check from whole files — which holds every row of both files and their digests whichever engine a full
    check would take (docs/recheck.md)."""
    return _size(inputs) * MEMORY_PER_INPUT_BYTE


def lines_fit(inputs: Iterable[str | os.PathLike], memory_limit: int) -> bool:
    """Whether a re-check by lines of ``inputs`` fits ``memory_limit`` (:func:`lines_need`): the CLI's allocator
    setting follows it; the re-check itself goes on whatever the limit (it holds the least of any re-check)."""
    return lines_need(inputs) <= memory_limit


def lines_need(inputs: Iterable[str | os.PathLike]) -> int:
    """What a re-check by lines of ``inputs`` holds, estimated from their lines (:data:`LINES_BYTES_PER_LINE`,
    :data:`LINES_FIXED_BYTES`): what it holds grows with the lines, not with their width."""
    return LINES_FIXED_BYTES + LINES_BYTES_PER_LINE * sum(_lines(Path(p)) for p in inputs)


def _lines(path: Path) -> int:
    """About how many lines the file at ``path`` has: its size over the mean length of the whole lines in its first
    64 KiB (0 for a file that is missing or cannot be read: its reader names it, in one line)."""
    try:
        with path.open("rb") as f:
            head = f.read(1 << 16)
            size = os.fstat(f.fileno()).st_size
    except OSError:
        return 0
    whole = head[:head.rfind(b"\n") + 1]
    return -(-size * whole.count(b"\n") // len(whole)) if whole else min(size, 1)


def too_large(need: int, memory_limit: int) -> tuple[str, str]:
    """Why a re-check is not made in memory, in Japanese and English: what it would hold (``need`` bytes) against
    the limit, both in GiB."""
    need_gib, limit_gib = need / (1 << 30), memory_limit / (1 << 30)
    return (f"メモリに約 {need_gib:,.1f} GiB 要り、上限 {limit_gib:,.1f} GiB を超えます",
            f"it would hold about {need_gib:,.1f} GiB in memory, over the limit of {limit_gib:,.1f} GiB")


def _size(inputs: Iterable[str | os.PathLike]) -> int:
    """The input files' total size (a missing one counts 0: its reader names it)."""
    return sum(Path(p).stat().st_size for p in inputs if Path(p).exists())


#: Polars' allocator (jemalloc) setting for an in-memory check: never hand freed pages back to the kernel.
KEEP_FREED = "dirty_decay_ms:-1,muzzy_decay_ms:-1"
#: The same for a bucketed check: freed pages handed back after seconds, not half a second — the next bucket
#: reuses them within milliseconds, and memory an idle thread's arena freed still goes back (docs/benchmarks.md,
#: "memory handed back and faulted in again").
KEEP_FREED_A_WHILE = "dirty_decay_ms:5000,muzzy_decay_ms:5000"
#: Added to either: blocks of 8 MiB and more kept in the same arenas as the rest (jemalloc otherwise gives them an
#: arena of their own, whose freed pages the other arenas never reuse, and which hands them back at once when the
#: decay is a time), and fewer arenas (:func:`_arenas`): fewer pages touched and a lower peak in either engine
#: (docs/benchmarks.md, "fewer arenas").
FEWER_ARENAS = "oversize_threshold:0,narenas:{arenas}"


def allocator_setting(bucketed: bool = False) -> str:
    """What :func:`keep_freed_memory` sets: :data:`KEEP_FREED` or :data:`KEEP_FREED_A_WHILE`, then
    :data:`FEWER_ARENAS`."""
    return f"{KEEP_FREED_A_WHILE if bucketed else KEEP_FREED},{FEWER_ARENAS.format(arenas=_arenas())}"


def _arenas() -> int:
    """One allocator arena for every two CPUs this process may use, at least one. jemalloc's default is four per
    CPU, and each arena keeps what its own threads freed: a thread's next block was often fresh memory while
    another arena held freed pages. On this project's 2-CPU machine one arena touched the least memory; a machine
    with more CPUs keeps more, so that its threads do not queue for one."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return max(1, cpus // 2)


def keep_freed_memory(bucketed: bool = False) -> bool:
    """Let the allocator keep the memory a run frees: for good (:data:`KEEP_FREED`) in a run that holds its whole
    input in memory anyway, for a few seconds (:data:`KEEP_FREED_A_WHILE`) in a ``bucketed`` one.

    Polars sets its allocator (jemalloc) to hand freed pages back to the kernel half a second after they are
    freed, from a background thread (``dirty_decay_ms:500``, polars/__init__.py); a check reuses what it frees
    (the next step, the next bucket), so those pages were only faulted in again (kernel time and the purging
    thread's own; docs/benchmarks.md). A bucketed run keeps them only a while: kept for good, the memory each
    thread's arena once held adds up (10 M pairs: peak 2.0 → 3.1 GB). Polars appends ``_RJEM_MALLOC_CONF`` to
    its own setting, so this one wins; it takes effect only before Polars is loaded (True when it did), and a
    user's own value is kept (Polars' default inherited from a parent process is not one).
    """
    if "polars" in sys.modules:
        return False
    current = os.environ.get(_ALLOCATOR, "")
    if current.replace(_POLARS_DEFAULT, "").strip(","):
        return False  # the user's own setting
    # unset, or only Polars' default inherited from a parent process that imported Polars (a benchmark, a script)
    os.environ[_ALLOCATOR] = allocator_setting(bucketed)
    return True


_ALLOCATOR = "_RJEM_MALLOC_CONF"
#: What polars/__init__.py puts first (and into the environment, so a child process inherits it).
_POLARS_DEFAULT = "dirty_decay_ms:500,muzzy_decay_ms:1000"
