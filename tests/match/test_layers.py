"""The packages import one way (issue #21 part 4): ``report`` reads ``match``'s results, so ``match`` (and the
text and format layers under it) never imports ``report`` — the Spark engine computes, the writers write."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[2] / "src" / "himozuke"


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


@pytest.mark.parametrize("package", ["match", "text", "formats"])
def test_lower_layers_never_import_the_writers(package):
    offenders = {str(p.relative_to(SRC)): sorted(m for m in _imports(p) if m.startswith("himozuke.report"))
                 for p in sorted((SRC / package).rglob("*.py"))}
    assert {k: v for k, v in offenders.items() if v} == {}
