"""Regenerate docs/cli.md from every command's --help (``python scripts/cli_docs.py``; a test checks it)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def commands() -> list[list[str]]:
    """Every command path of the app, depth first (``[]`` is the root)."""
    import typer

    from himozuke.cli import app

    def walk(cmd, path):
        out = [path]
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            out += walk(sub, [*path, name])
        return out

    return walk(typer.main.get_command(app), [])


def help_text(path: list[str]) -> str:
    from typer.testing import CliRunner

    from himozuke.cli import app

    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "100", "TERM": "dumb", "NO_COLOR": "1"},
                                terminal_width=100)
    return "\n".join(line.rstrip() for line in result.output.strip("\n").splitlines())


def render() -> str:
    parts = ["# コマンド一覧 / CLI reference", "",
             "Generated from `--help` by `scripts/cli_docs.py`; `tests/test_docs.py` fails when it is stale.", ""]
    for path in commands():
        title = " ".join(["himozuke", *path])
        parts += [f"## `{title}`", "", "```", help_text(path), "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    os.environ.setdefault("COLUMNS", "100")
    DOC.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {DOC}\n")
