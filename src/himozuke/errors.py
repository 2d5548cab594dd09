"""Exceptions of himozuke. Imports nothing from the package.

A bad *row* is never an exception: it becomes an ``E`` result row or a rejection line with a reason.
These are for input that cannot be used at all (a missing column, an unreadable file, a bad profile).
Every message is Japanese first, then English, and never contains a full My Number.
"""

from __future__ import annotations

import errno
import os


class HimozukeError(Exception):
    """Base of every error the CLI turns into a one-line message with exit code 2."""

    def __init__(self, ja: str, en: str, *, file: str | None = None, line: int | None = None,
                 column: str | None = None) -> None:
        self.ja = ja
        self.en = en
        self.file = file
        self.line = line
        self.column = column
        super().__init__(self.message)

    @property
    def where(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file if self.line is None else f"{self.file}:{self.line}")
        if self.column:
            parts.append(f"列「{self.column}」")
        return " ".join(parts)

    @property
    def message(self) -> str:
        where = self.where
        return f"{where + ': ' if where else ''}{self.ja} / {self.en}"


class InputFileError(HimozukeError):
    """An input file cannot be read as a whole (encoding, format, missing header column)."""


class ProfileError(HimozukeError):
    """A layout profile is invalid; all problems are reported together."""


class UsageError(HimozukeError):
    """Options that do not fit together."""


class DiskFullError(HimozukeError):
    """A file could not be written: the disk (or the user's quota) is full. Names the folder written to."""

    def __init__(self, folder: str | None = None, *, resumable: bool = False) -> None:
        where = f"（書き込み先: {folder}）" if folder else ""
        to = f" writing to {folder}" if folder else ""
        again = ("空きを作ってから --resume で続きから再開してください", "free some space and continue with --resume") \
            if resumable else ("空きを作ってからやり直してください", "free some space and run again")
        super().__init__(f"ディスクの空きがありません{where}。{again[0]}", f"no space left on the disk{to}: {again[1]}")
        self.folder = folder


class FolderBusyError(HimozukeError):
    """Another run is writing into the output folder (:func:`himozuke.atomic.folder_held`)."""

    def __init__(self, folder: str) -> None:
        super().__init__(f"別の照合が同じ出力フォルダー（{folder}）に書いています。終わってから実行してください"
                         "（定期実行なら、前の回が終わる前に次の回が始まっていないか確かめてください）",
                         f"another run is writing into the output folder {folder}: run again once it is done (for a "
                         "scheduled run: the previous one had not finished when this one started)")
        self.folder = folder


class PathError(HimozukeError):
    """A file or folder a command was given cannot be made, read or written (a file where a folder must be, no
    permission …): the system's error on that path, in one line."""

    def __init__(self, error: OSError) -> None:
        # a rename's error names both: the destination is the path the user gave (the source, a temporary file)
        path = os.fsdecode(error.filename2 if error.filename2 is not None else error.filename)
        if isinstance(error, FileExistsError | NotADirectoryError):
            ja, en = "ファイルがあるためフォルダーを作れません（フォルダーを指定してください）", "a file stands where a folder is needed"
        elif isinstance(error, PermissionError):
            ja, en = "書き込み・読み込みの権限がありません", "permission denied"
        elif isinstance(error, IsADirectoryError):
            ja, en = "フォルダーです（ファイルを指定してください）", "a folder, where a file is needed"
        else:
            ja, en = f"扱えません（{error.strerror}）", str(error.strerror)
        super().__init__(f"{path}: {ja}", f"{path}: {en}")
        self.path = path


#: ENOSPC and EDQUOT: a full disk and a full quota look the same to the user.
_NO_SPACE = tuple(code for code in (errno.ENOSPC, getattr(errno, "EDQUOT", None)) if code is not None)


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` is a write refused for want of space: an ``OSError`` with that errno, or an error of Polars,
    which gives the system's error only in its text (``… No space left on device (os error 28)``) — or one already
    told as :class:`DiskFullError`."""
    if isinstance(exc, DiskFullError) or (isinstance(exc, OSError) and exc.errno in _NO_SPACE):
        return True
    text = str(exc)
    return any(f"(os error {code})" in text for code in _NO_SPACE)
