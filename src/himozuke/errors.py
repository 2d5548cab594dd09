"""Exceptions of himozuke. Imports nothing from the package.

A bad *row* is never an exception: it becomes an ``E`` result row or a rejection line with a reason.
These are for input that cannot be used at all (a missing column, an unreadable file, a bad profile).
Every message is Japanese first, then English, and never contains a full My Number.
"""

from __future__ import annotations


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
