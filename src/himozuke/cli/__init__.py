"""The ``himozuke`` command. Thin: parse options → one library call → render with Rich.

Exit codes: 0 success; 1 a command's "found something" answer (``validate`` found blockers …);
2 unusable input or usage (a :class:`himozuke.errors.HimozukeError`), as one line, no traceback
unless ``--debug``.
"""

from __future__ import annotations

import sys

from rich.text import Text

from himozuke.cli._app import app, err_console, state
from himozuke.errors import HimozukeError

# Each command group lives in its own module and registers itself on import.
from himozuke.cli import check as _check  # noqa: F401  isort: skip
from himozuke.cli import inquiry as _inquiry  # noqa: F401  isort: skip
from himozuke.cli import survey as _survey  # noqa: F401  isort: skip


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point. Usage errors exit 2 (Typer); library errors become one line, exit 2."""
    try:
        app(args=argv, prog_name="himozuke")
    except HimozukeError as e:
        if state.debug:
            raise
        err_console.print(Text.assemble(("エラー", "bold red"), ": ", e.message), highlight=False, soft_wrap=True)
        sys.exit(2)


__all__ = ["app", "main"]
