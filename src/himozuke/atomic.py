"""Atomic file writing: write to a temporary file beside the target, then rename over it.

A killed run never leaves a half-written file that looks whole (DESIGN invariant), and the hidden half-written file
it does leave — rows of both inputs — is removed by the next write of the same output (:func:`clear_abandoned`). A
run that writes again where it wrote before may write over its previous output instead of a new file
(:func:`set_aside`, :func:`rewrite`): the same guarantee, with the previous file's pages reused.

>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
>>> with atomic_path(target) as tmp:
...     _ = tmp.write_text("done")
>>> target.read_text()
'done'
"""

from __future__ import annotations

import contextlib
import functools
import mmap
import os
import queue
import re
import shutil
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

import numpy as np

from himozuke.errors import DiskFullError, FolderBusyError, UsageError, is_disk_full


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success it replaces ``target`` (mode 0600). A write that
    finds the disk full — by any writer, Polars' included — ends as :class:`himozuke.errors.DiskFullError` naming
    the folder, the temporary file removed."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    clear_abandoned(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}-", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o600)
        os.replace(tmp_path, target)
    except Exception as e:
        if is_disk_full(e) or _no_room_after(e, target.parent):
            raise DiskFullError(str(target.parent)) from e
        raise
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()


#: A temporary file or folder whose name holds no process id to ask (written by himozuke before 2026-12-07) is
#: abandoned once untouched this long.
ABANDONED_AFTER = 24 * 3600
#: The process id and tempfile's 8 random letters that name a temporary file or folder (no id: written before).
_MADE_BY = r"(?:(?P<pid>[0-9]+)-)?[a-z0-9_]{8}"
_PART = re.compile(_MADE_BY)  # what follows ".<target name>."


def clear_abandoned(target: str | os.PathLike) -> None:
    """Remove the temporary files of ``target`` (:func:`atomic_path`'s ``.<name>.<pid>-<random>.part``) that a
    killed run left: a run killed while writing (SIGKILL, a power cut, the OOM killer) cannot remove its own, and
    each holds the rows it was writing — personal data, hidden, for good. Called by every :func:`atomic_path` before
    it makes its own; a file whose process is still running (another run writing the same folder) is left alone.

    >>> import tempfile, pathlib, subprocess, sys
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True).stdout
    >>> _ = (folder / f".out.csv.{int(gone)}-abcd1234.part").write_text("rows of a killed run")
    >>> with atomic_path(folder / "out.csv") as tmp:
    ...     _ = tmp.write_text("done")
    >>> sorted(p.name for p in folder.iterdir())
    ['out.csv']
    """
    target = Path(target)
    prefix = f".{target.name}."
    try:
        names = [e.name for e in os.scandir(target.parent) if e.name.startswith(prefix) and e.name.endswith(".part")]
    except OSError:
        return
    for name in names:
        part = _PART.fullmatch(name[len(prefix):-len(".part")])
        if part is None:  # another target's (「a」 and 「a.b」 share a prefix)
            continue
        path = target.parent / name
        with contextlib.suppress(OSError):
            if _abandoned(part["pid"], path):
                path.unlink()


def _abandoned(pid: str | None, path: Path) -> bool:
    """Whether the temporary ``path`` made by process ``pid`` (None: not named) is a killed run's."""
    if pid is None:
        return time.time() - path.stat().st_mtime > ABANDONED_AFTER
    import psutil  # here: a folder seldom holds another run's temporary file

    return int(pid) != os.getpid() and not psutil.pid_exists(int(pid))


_PRIVATE = "himozuke-"
_PRIVATE_FOLDER = re.compile(_PRIVATE + _MADE_BY)


def private_folder() -> Path:
    """A fresh private (0700) folder in the system's temporary folder, for what a run writes on the way and
    removes when done (a decoded copy of a Shift_JIS input, the lines a re-check parses again: personal data).
    Like :func:`clear_abandoned`, it first removes this user's folders of the same kind that killed runs left."""
    parent = tempfile.gettempdir()
    _clear_abandoned_folders(parent)
    return Path(tempfile.mkdtemp(prefix=f"{_PRIVATE}{os.getpid()}-", dir=parent))


@functools.cache  # once a process: a shared temporary folder may hold many entries, and a re-check asks 4 times
def _clear_abandoned_folders(parent: str) -> None:
    with contextlib.suppress(OSError), os.scandir(parent) as entries:
        left = [(e, made) for e in entries if (made := _PRIVATE_FOLDER.fullmatch(e.name))
                and e.is_dir(follow_symlinks=False)
                and (not hasattr(os, "getuid") or e.stat(follow_symlinks=False).st_uid == os.getuid())]
        for entry, made in left:
            if _abandoned(made["pid"], Path(entry.path)):
                shutil.rmtree(entry.path, ignore_errors=True)


@contextlib.contextmanager
def folder_held(folder: Path) -> Iterator[None]:
    """Hold ``folder`` (made if missing) for one run: a second run into it while the first writes there — a
    scheduler that starts the next re-check before the last has finished — is refused at once with
    :class:`himozuke.errors.FolderBusyError`, rather than each clearing and renaming the other's files. An advisory
    lock on the folder itself (``flock``: released by the system when the process ends, however it ends; no lock
    file is left). A folder made here is removed again if the run leaves it empty (a run that fails before writing
    leaves no folder behind). A folder that cannot be made — a file of that name, no permission — is one line
    (:class:`himozuke.errors.UsageError`). Where the system or the file system has no ``flock`` (Windows, some
    network shares) the folder is not held."""
    made = not folder.is_dir()
    _make_folder(folder)
    with _flocked(folder):
        try:
            yield
        finally:
            if made:  # only while held: another run's new folder is never removed
                with contextlib.suppress(OSError):
                    folder.rmdir()


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise UsageError(f"出力フォルダー {folder} はファイルです。フォルダーを指定してください",
                         f"the output folder {folder} is a file: give a folder") from None
    except OSError as e:
        if is_disk_full(e):
            raise DiskFullError(str(folder.parent)) from e
        raise UsageError(f"出力フォルダー {folder} を作れません（{e.strerror}）",
                         f"cannot make the output folder {folder}: {e.strerror}") from None


@contextlib.contextmanager
def _flocked(folder: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FolderBusyError(str(folder)) from None
        except OSError:  # a file system without locks (some network shares): the run goes on unheld
            pass
        yield
    finally:
        os.close(fd)


def recycled(target: str | os.PathLike) -> Path:
    """Where :func:`set_aside` keeps a previous output of the same name for :func:`rewrite` (a hidden file beside it)."""
    target = Path(target)
    return target.parent / f".{target.name}.recycle"


def set_aside(target: Path) -> None:
    """Take ``target`` (a previous run's output) out of the folder: kept hidden for :func:`rewrite` when it is a
    regular file of one link (another link to it must keep its bytes), else removed. Either way ``target`` is gone."""
    try:
        st = os.lstat(target)
    except (FileNotFoundError, NotADirectoryError):
        return
    if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
        target.unlink()
        return
    os.replace(target, recycled(target))


@contextlib.contextmanager
def rewrite(tmp: Path, target: Path) -> Iterator[Path | BinaryIO]:
    """What a writer writes ``tmp`` (of :func:`atomic_path` for ``target``) through: the previous output that
    :func:`set_aside` kept, open and written over from its start (then cut to what was written), else ``tmp`` itself.

    Written over, a file's pages already in the page cache are reused: a fresh file takes new pages, which on a
    virtual machine whose host takes back freed memory costs kernel time per page (a 392 MB result.csv: 0.35–0.39
    s fresh, 0.19–0.24 s written over; docs/benchmarks.md). ``target`` stays absent until the writer is done, as
    with a fresh file."""
    f = None
    if _took_recycled(tmp, target):
        try:
            f = open(tmp, "r+b")  # noqa: SIM115 (closed below, once the writer is done)
        except OSError:  # it cannot be written (its mode): removed, and a fresh file in its place
            tmp.unlink()
    if f is None:
        yield tmp
        return
    with f:
        yield f
        f.truncate()


def take_recycled(tmp: Path, target: Path) -> None:
    """For a writer that opens ``tmp`` (of :func:`atomic_path` for ``target``) itself and writes it at offsets
    (:class:`PositionalWriter`, which cuts it to size): the previous output :func:`set_aside` kept, in ``tmp``'s
    place, so that its pages are written over (:func:`rewrite`'s reason); ``tmp`` as it was when there is none or
    it cannot be written."""
    if not _took_recycled(tmp, target):
        return
    try:
        os.close(os.open(tmp, os.O_WRONLY))
    except OSError:  # it cannot be written (its mode): a fresh, empty file in its place
        tmp.unlink()
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _took_recycled(tmp: Path, target: Path) -> bool:
    """Whether the previous output set aside for ``target`` now stands in ``tmp``'s place."""
    try:
        os.replace(recycled(target), tmp)
    except OSError:  # none set aside, or it cannot take the place of ``tmp``: a fresh file
        return False
    return True


def clear_recycled(folder: Path) -> None:
    """Remove what :func:`set_aside` kept in ``folder`` and no writer took (the run wrote other formats, or failed)."""
    for path in folder.glob(".*.recycle"):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


#: Less free space than this where a write just failed: the disk is full, whatever the error says.
_FULL_BELOW = 64 << 20


def _no_room_after(e: Exception, folder: Path) -> bool:
    """Whether ``e``, raised by a writer, came of a full disk that its text does not name: Polars' parquet writer
    reports a small file's failed write as ``Invalid thrift: transport error``, without the system's error."""
    if not (isinstance(e, OSError) or type(e).__module__.startswith("polars")):
        return False
    try:
        return shutil.disk_usage(folder).free < _FULL_BELOW
    except OSError:
        return False


def reserve(fd: int, size: int) -> None:
    """Reserve ``size`` bytes of disk for the file open as ``fd`` in one step where the file system does that
    itself (Linux ``fallocate(2)``): ext4 then takes a multi-gigabyte file written at once about twice as fast as
    when it finds the blocks while the pages are written back (docs/benchmarks.md). Elsewhere nothing: glibc's
    ``posix_fallocate`` (``os.posix_fallocate``) would write a byte per block where the file system cannot."""
    call = _fallocate()
    if call is not None and size > 0:
        call(fd, 0, 0, size)  # an error (EOPNOTSUPP, ENOSPC) leaves the writes to find their blocks as before


@functools.cache
def _fallocate():
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        call = ctypes.CDLL(None, use_errno=True).fallocate64
    except (OSError, AttributeError):
        return None
    call.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int64, ctypes.c_int64]
    call.restype = ctypes.c_int
    return call


#: Positional writes (POSIX). Windows has none: each piece is written at its offset in turn, under a lock.
_POSITIONAL = hasattr(os, "pwrite")
_SEEK = threading.Lock()
#: The alignment a write that bypasses the page cache needs (address, offset and length: Linux O_DIRECT).
_PAGE = 4096


class PositionalWriter:
    """A file of known ``size`` written as pieces at their offsets, from several threads at once, bypassing the
    page cache where the system allows (Linux ``O_DIRECT``; elsewhere ordinary positional writes). ``reuse``: the
    final path, whose previous output :func:`set_aside` kept is written over when the file goes through the page
    cache (:func:`take_recycled`).

    Written once and read later, a large result gains nothing from the page cache, and filling it is what costs:
    on this project's machines 3.3 GB went to the disk in 3.0 s directly and in 11.4 s of CPU through the cache
    (docs/benchmarks.md). A direct write must start, end and sit in memory on page boundaries: a piece laid out in
    :meth:`scratch` goes straight from there, its unaligned ends (and any other piece, copied first) wait in
    pages that :meth:`close` writes once every piece has given its bytes; the last page is then cut back to
    ``size``. A file system that refuses direct writes (tried once on opening) gets ordinary ones."""

    def __init__(self, path: str | os.PathLike, size: int, reuse: Path | None = None) -> None:
        self.size = size
        if reuse is not None and size < _DIRECT_FROM:  # through the page cache: its pages written over
            take_recycled(Path(path), reuse)
        self._fd = _open_direct(path, size) if size >= _DIRECT_FROM else -1
        self._direct = self._fd >= 0
        if not self._direct:
            self._fd = os.open(path, os.O_WRONLY)
            reserve(self._fd, size)
        self._pages: dict[int, np.ndarray] = {}  #: page number → the page's bytes given so far (direct only)
        self._lock = threading.Lock()
        self._local = threading.local()

    def scratch(self, n: int, at: int) -> np.ndarray:
        """A buffer of ``n`` bytes for the piece that will go at offset ``at``, the calling thread's own (reused by
        its next call), laid out in memory so that :meth:`write` sends it without a copy."""
        phase = at % _PAGE
        base = getattr(self._local, "base", None)
        if base is None or len(base) < n + phase:
            base = self._local.base = _aligned(n + phase)
        return base[phase:phase + n]

    def write(self, data: np.ndarray, at: int) -> None:
        """Write the bytes ``data`` (uint8) at offset ``at``."""
        if not self._direct:
            with self._lock:  # one at a time: a file system may lock the file for a whole write, the others spinning
                _write_fully(self._fd, data, at)
            return
        end = at + len(data)
        lo, hi = -(-at // _PAGE) * _PAGE, end // _PAGE * _PAGE  # the whole pages inside the piece
        if lo < hi:
            inner = data[lo - at:hi - at]
            if inner.ctypes.data % _PAGE:  # not laid out by scratch: copied into a page-aligned buffer first
                bounce = getattr(self._local, "bounce", None)
                if bounce is None or len(bounce) < len(inner):
                    bounce = self._local.bounce = _aligned(len(inner))
                bounce[:len(inner)] = inner
                inner = bounce[:len(inner)]
            _write_fully(self._fd, inner, lo)
            self._keep(data[:lo - at], at)
            self._keep(data[hi - at:], hi)
        else:
            self._keep(data, at)

    def _keep(self, data: np.ndarray, at: int) -> None:
        """Copy ``data`` (less than a page, or a piece within pages no other write covers) into the pages kept."""
        with self._lock:
            while len(data):
                page, start = divmod(at, _PAGE)
                take = min(len(data), _PAGE - start)
                if page not in self._pages:
                    self._pages[page] = np.zeros(_PAGE, dtype=np.uint8)
                self._pages[page][start:start + take] = data[:take]
                data, at = data[take:], at + take

    def discard(self) -> None:
        """Close the file unfinished (its writer failed; :func:`atomic_path` removes it): nothing more is written,
        so no second error hides the first."""
        os.close(self._fd)

    def close(self) -> None:
        """Write the kept pages and set the file's size (a longer file is cut back); close it."""
        try:
            if self._pages:
                out = _aligned(_PAGE)
                for page, content in sorted(self._pages.items()):
                    out[:] = content
                    _write_fully(self._fd, out, page * _PAGE)
            os.ftruncate(self._fd, self.size)
        finally:
            os.close(self._fd)


class DirectFile:
    """A file written front to back, bypassing the page cache where the system allows (Linux ``O_DIRECT``), for a
    writer that takes a file object — Polars' CSV and Parquet sinks. Its bytes gather in page-aligned buffers; each
    full buffer is written by a thread of its own while the next fills (at most :data:`_BUFFERS` at once, so a
    writer faster than the disk waits); :meth:`close` writes the last page padded and cuts the file back to the
    bytes given. Where direct writes are refused (tried once on opening), an ordinary file.

    For :class:`PositionalWriter`'s reason: a 3.3 GB result.csv sunk through the page cache cost this machine
    5.0–8.9 s and 6.4–11.8 CPU-s, through this 2.6–2.9 s and 4.0 CPU-s (docs/benchmarks.md). ``size``: the bytes
    expected, reserved at once where the file system does that (:func:`reserve`); 0 when unknown.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "out.csv"
    >>> with DirectFile(path) as f:
    ...     _ = f.write(b"a,b\\n1,2\\n")
    >>> path.read_bytes()
    b'a,b\\n1,2\\n'
    """

    def __init__(self, path: str | os.PathLike, size: int = 0, *, buffer: int = 8 << 20) -> None:
        self._fd = _open_direct(path, size)
        self._file = None if self._fd >= 0 else open(path, "wb")  # noqa: SIM115 (closed by close())
        if self._file is not None:
            return
        self._free: queue.SimpleQueue[mmap.mmap] = queue.SimpleQueue()
        for _ in range(_BUFFERS):
            self._free.put(mmap.mmap(-1, -(-buffer // _PAGE) * _PAGE))  # an anonymous map is page-aligned
        self._buffer = self._free.get()
        self._view, self._filled, self._at = memoryview(self._buffer), 0, 0  # _at: where the buffer goes
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="himozuke-direct")
        self._sent: list[Future] = []

    @property
    def written(self) -> int:
        """The bytes given so far."""
        return self._file.tell() if self._file is not None else self._at + self._filled

    def write(self, data) -> int:
        if self._file is not None:
            return self._file.write(data)
        view = memoryview(data).cast("B")
        n = len(view)
        while len(view):
            take = min(len(view), len(self._view) - self._filled)
            self._view[self._filled:self._filled + take] = view[:take]
            self._filled += take
            view = view[take:]
            if self._filled == len(self._view):
                self._send()
        return n

    def _send(self) -> None:
        """The full buffer to the writing thread; the next free one to fill (waiting for one while all are out)."""
        for done in [f for f in self._sent if f.done()]:
            done.result()  # a failed write is said at the next one, not after the whole file
            self._sent.remove(done)
        buffer, at = self._buffer, self._at

        def send() -> None:
            try:
                _write_fully(self._fd, memoryview(buffer), at)
            finally:
                self._free.put(buffer)

        self._sent.append(self._pool.submit(send))
        self._buffer = self._free.get()
        self._view, self._filled, self._at = memoryview(self._buffer), 0, at + len(buffer)

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def writable(self) -> bool:
        return True

    def close(self) -> None:
        """Wait for the buffers sent, write the last one and set the file's size; close it."""
        if self._file is not None:
            self._file.close()
            return
        if self._fd < 0:
            return
        try:
            for sent in self._sent:
                sent.result()
            if self._filled:
                padded = -(-self._filled // _PAGE) * _PAGE
                self._view[self._filled:padded] = bytes(padded - self._filled)
                _write_fully(self._fd, self._view[:padded], self._at)
            os.ftruncate(self._fd, self._at + self._filled)
        finally:
            self._pool.shutdown(wait=True)  # (after a failure: the writes sent end before the file is closed)
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> DirectFile:
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is None:
            self.close()
        else:  # the writer failed: its error is the one to report
            with contextlib.suppress(OSError):
                self.close()


@contextlib.contextmanager
def sink_target(path: Path, size: int, reuse: Path | None = None) -> Iterator[Path | DirectFile | BinaryIO]:
    """Where a writer that takes a path or a file object writes ``path`` (a temporary file of :func:`atomic_path`):
    the path itself, or a :class:`DirectFile` on it when ``size`` (the bytes expected) reaches :data:`_DIRECT_FROM`
    — below that, given the final path as ``reuse``, the previous output of that name written over (:func:`rewrite`)."""
    if size < _DIRECT_FROM:
        if reuse is None:
            yield path
        else:
            with rewrite(path, reuse) as target:
                yield target
        return
    with DirectFile(path, size) as file:
        yield file


#: Buffers of a :class:`DirectFile` out at once: one filling, two being written.
_BUFFERS = 3


def _open_direct(path: str | os.PathLike, size: int) -> int:
    """``path`` open for writes that bypass the page cache, ``size`` bytes reserved; -1 where the system or the file
    system does not allow it (tried with one page written at the start)."""
    if not hasattr(os, "O_DIRECT"):
        return -1
    try:
        fd = os.open(path, os.O_WRONLY | os.O_DIRECT)
    except OSError:
        return -1
    try:
        reserve(fd, size)
        os.pwrite(fd, _aligned(_PAGE), 0)  # the probe: EINVAL where direct writes are refused
    except OSError:
        os.close(fd)
        return -1
    return fd


#: Files smaller than this are written through the page cache: up to about a gigabyte the kernel takes the pages
#: without making the writer wait for the disk, and filling them costs no more CPU than the direct path's copies
#: (a 330 MB result.csv: 0.64–0.80 s through the cache, 0.93–1.10 s direct; docs/benchmarks.md).
_DIRECT_FROM = 1 << 30


def _aligned(n: int) -> np.ndarray:
    """``n`` zero bytes starting on a page boundary (an anonymous map is page-aligned)."""
    return np.frombuffer(mmap.mmap(-1, max(n, 1)), dtype=np.uint8)[:n]


def _write_fully(fd: int, data: np.ndarray, at: int) -> None:
    view = memoryview(data)
    while len(view):
        if _POSITIONAL:
            done = os.pwrite(fd, view, at)
        else:
            with _SEEK:
                os.lseek(fd, at, os.SEEK_SET)
                done = os.write(fd, view)
        view, at = view[done:], at + done
