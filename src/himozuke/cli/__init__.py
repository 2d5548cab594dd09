"""The ``himozuke`` command. Thin: parse options → one library call → render with Rich.

Exit codes: 0 success; 1 a command's "found something" answer (``validate`` found blockers …);
2 unusable input or usage (a :class:`himozuke.errors.HimozukeError`), as one line, no traceback
unless ``--debug``.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys

# numpy's OpenBLAS starts one thread per core that spins for a while once loaded (CPU taken from Polars);
# himozuke never calls BLAS. Set before anything imports numpy; a user's setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from rich.text import Text

from himozuke.cli import _app
from himozuke.cli._app import err_console, state
from himozuke.errors import DiskFullError, HimozukeError, PathError, is_disk_full

# Each command group lives in its own module and registers itself on import.
_MODULES = ("check", "inquiry", "survey", "cases", "reports", "scope", "serve", "verify", "lookup")
#: Commands whose module alone is imported when they are run: ``check`` does not pay for loading the inquiry
#: and survey commands (their modules, openpyxl, the questionnaire). Anything else — ``--help`` included —
#: registers every group.
_ALONE = {"check": "check", "demo": "check", "verify": "verify"}


def _register(argv: list[str]) -> None:
    first = next((a for a in argv if not a.startswith("-")), None)
    for module in (_ALONE[first],) if first in _ALONE else _MODULES:
        importlib.import_module(f"himozuke.cli.{module}")


def __getattr__(name: str):
    """``from himozuke.cli import app``: the Typer app with every command registered."""
    if name == "app":
        _register([])
        return _app.app
    raise AttributeError(name)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point. Usage errors exit 2 (Typer); library errors become one line, exit 2."""
    args = sys.argv[1:] if argv is None else list(argv)
    _register(args)
    # Everything imported so far (Typer, Polars, numpy …) lives as long as the process: out of the collector's
    # sight, later collections scan only what the command itself creates (≈ 0.09 s of a 1 M-row check).
    gc.freeze()
    try:
        _app.app(args=args, prog_name="himozuke")
    except HimozukeError as e:
        if state.debug:
            raise
        _say_error(e)
    except Exception as e:
        if state.debug:
            raise
        if is_disk_full(e):  # a full disk met outside an atomic write (a work file, a copy): one line all the same
            _say_error(DiskFullError(os.path.dirname(e.filename) if getattr(e, "filename", None) else None))
        if isinstance(e, OSError) and e.filename is not None:  # a path given that cannot be made, read or written
            _say_error(PathError(e))
        raise


def _say_error(e: HimozukeError) -> None:
    err_console.print(Text.assemble(("エラー", "bold red"), ": ", e.message), highlight=False, soft_wrap=True)
    sys.exit(2)


__all__ = ["app", "main"]
