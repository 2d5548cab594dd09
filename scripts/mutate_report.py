"""The summary of ``make mutate``: mutants, killed, survived, and the survivors left once the equivalent mutants
listed in docs/testing.md ("Mutation testing", the table of equivalent mutants) are set aside.

Reads mutmut's per-file results (``mutants/<path>.meta``, written by ``mutmut run``). Exit status 1 when the
survivors not listed as equivalent — with the mutants no selected test reaches and the ones left unchecked —
are more than ``--limit`` per cent of all mutants, or when the run did not finish. Run from the repository root:

    .venv/bin/python scripts/mutate_report.py [--limit 5] [--list]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from collections import Counter
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "testing.md"
#: A row of the equivalent-mutant table: | `himozuke.match.compare.x_prepare__mutmut_12` | why |
_ROW = re.compile(r"^\|\s*`([\w.ǁ]+__mutmut_\d+)`\s*\|")

# mutmut 3.8.1's exit codes (mutmut.stats.status_by_exit_code), so the report needs no import of mutmut
_STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped", 35: "suspicious",
           36: "timeout", -24: "timeout", 24: "timeout", 152: "timeout", 255: "timeout", 37: "caught by type check",
           -11: "segfault", -9: "segfault", None: "not checked", 2: "interrupted"}
#: Statuses that count as a kill (a timeout: the mutant made the tests run 15× longer than measured — an endless
#: loop — which a user would notice as a check that never ends).
_KILLED = {"killed", "timeout", "caught by type check", "segfault"}


def equivalent_mutants(doc: Path = DOC) -> dict[str, str]:
    """Mutant name → the reason it is equivalent, from the table in ``doc``."""
    found = {}
    if not doc.exists():
        return found
    for line in doc.read_text(encoding="utf-8").splitlines():
        m = _ROW.match(line)
        if m:
            found[m.group(1)] = line.split("|")[2].strip()
    return found


def results(root: Path = ROOT) -> dict[str, str]:
    """Mutant name → status, for every mutated file the config names."""
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    out = {}
    for meta in sorted((root / "mutants").rglob("*.py.meta")):
        source = meta.relative_to(root / "mutants").as_posix().removesuffix(".meta")
        if not any(fnmatch(source, p) for p in config.get("only_mutate", ["*"])):
            continue
        for name, code in json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"].items():
            out[name] = _STATUS.get(code, "suspicious")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=float, default=5.0, help="largest share of unexplained survivors, per cent")
    ap.add_argument("--list", action="store_true", help="list the equivalent survivors too")
    args = ap.parse_args(argv)
    status = results()
    if not status:
        print("no mutmut results under mutants/: run `make mutate` (or `.venv/bin/mutmut run`) first")
        return 1
    equivalent = equivalent_mutants()
    counts = Counter(status.values())
    total = len(status)
    killed = sum(n for s, n in counts.items() if s in _KILLED)
    survived = [m for m, s in status.items() if s == "survived"]
    untested = [m for m, s in status.items() if s in ("no tests", "suspicious")]
    unchecked = [m for m, s in status.items() if s in ("not checked", "interrupted", "skipped")]
    listed = [m for m in survived if m in equivalent]
    unexplained = sorted(m for m in survived + untested if m not in equivalent)
    # listed, but killed in this run (or no longer a mutant at all): the table should lose the row
    stale = sorted(m for m in equivalent if status.get(m, "killed") in _KILLED)

    def pct(n: int) -> str:
        return f"{100 * n / total:.1f} %"

    per_file = Counter(m.rsplit(".x", 1)[0] for m in status)
    modules = ", ".join(f"{k.removeprefix('himozuke.')} {v}" for k, v in sorted(per_file.items()))
    print(f"make mutate: {total} mutants in {len(per_file)} modules ({modules})")
    print(f"  killed      {killed:5d}  {pct(killed)}  (of which timeouts: {counts['timeout']})")
    print(f"  survived    {len(survived):5d}  {pct(len(survived))}")
    print(f"    equivalent (docs/testing.md)  {len(listed):5d}")
    print(f"  no test reaches it  {len(untested):5d}")
    print(f"  not checked {len(unchecked):5d}")
    print(f"  unexplained survivors  {len(unexplained):5d}  {pct(len(unexplained))}  (limit {args.limit:g} %)")
    for m in unexplained:
        print(f"    {m}  ({status[m]}; `.venv/bin/mutmut show {m}`)")
    if args.list:
        for m in listed:
            print(f"    equivalent: {m}  — {equivalent[m]}")
    if stale:
        print(f"  note: {len(stale)} mutants listed as equivalent in docs/testing.md did not survive this run "
              f"(killed now, or renamed): {', '.join(stale[:10])}{' …' if len(stale) > 10 else ''}")
    if unchecked:
        print("FAILED: the run did not finish (mutants not checked)")
        return 1
    if len(unexplained) > total * args.limit / 100:
        print(f"FAILED: unexplained survivors above {args.limit:g} %")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
