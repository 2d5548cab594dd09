"""The Typer application object and shared console state (imported by every command module)."""

from __future__ import annotations

from dataclasses import dataclass

import typer
from rich.console import Console

app = typer.Typer(
    name="himozuke",
    help="マイナンバー紐付け点検ツール / My Number linkage check (manual §7).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)


@dataclass
class _State:
    debug: bool = False


state = _State()


@app.callback()
def _root(debug: bool = typer.Option(False, "--debug", help="例外の詳細を表示 / show tracebacks")) -> None:
    state.debug = debug
