"""Docs that are generated must be current; every command's --help shows an example."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("cli_docs", ROOT / "scripts" / "cli_docs.py")
cli_docs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cli_docs)


def test_cli_reference_is_current():
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == cli_docs.render(), \
        "docs/cli.md is stale: run .venv/bin/python scripts/cli_docs.py"


LEAVES = [p for p in cli_docs.commands() if p and not any(q[: len(p)] == p and len(q) > len(p)
                                                          for q in cli_docs.commands())]


@pytest.mark.parametrize("path", LEAVES, ids=[" ".join(p) for p in LEAVES])
def test_every_command_has_help_with_an_example(path):
    text = cli_docs.help_text(path)
    assert "Usage:" in text
    assert "例" in text or "example" in text.lower(), f"himozuke {' '.join(path)} --help has no example"
