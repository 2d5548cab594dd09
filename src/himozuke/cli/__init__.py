"""The ``himozuke`` command. Thin: parse options → one library call → render with Rich.

Exit codes: 0 success; 1 a command's "found something" answer (``validate`` found blockers …);
2 unusable input or usage (a :class:`himozuke.errors.HimozukeError`), as one line, no traceback
unless ``--debug``.
"""

from __future__ import annotations

import sys

import typer

from himozuke.cli._app import app, err_console, state
from himozuke.errors import HimozukeError

# Each command group lives in its own module and registers itself on import.
from himozuke.cli import check as _check  # noqa: F401  isort: skip
from himozuke.cli import inquiry as _inquiry  # noqa: F401  isort: skip
from himozuke.cli import survey as _survey  # noqa: F401  isort: skip


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run the app and map library errors to exit 2."""
    try:
        app(args=argv, standalone_mode=False)
    except HimozukeError as e:
        if state.debug:
            raise
        err_console.print(f"[bold red]エラー[/]: {e.message}", markup=True, highlight=False)
        sys.exit(2)
    except typer.Abort:
        err_console.print("中断しました / aborted")
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as e:  # click usage errors come here in non-standalone mode
        import click

        if isinstance(e, click.exceptions.ClickException):
            e.show()
            sys.exit(2)
        if isinstance(e, click.exceptions.Exit):
            sys.exit(e.exit_code)
        raise


__all__ = ["app", "main"]
