"""Put each of the ten faults of issue #22 into a copy of the code, one at a time, and run the tests on it.

Each fault would ship a wrong verdict or leak a My Number; the suite must fail on every one. ``make faults``
runs this; exit 1 when a fault is not caught (the report names it) or when a fault's text is no longer in the
code (the fault table below must follow the code it breaks). The copy lives in a temporary folder and is run
with ``PYTHONPATH`` pointing at its ``src``, so the working tree is never touched.

    .venv/bin/python scripts/faults.py            # all ten
    .venv/bin/python scripts/faults.py F4 F8      # some

Per fault the test folders most likely to catch it run first, with ``-x`` (the first failing test ends the run);
when they pass, the rest of ``make test``'s selection runs too, so "not caught" means the whole suite passed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Fault:
    name: str
    what: str
    edits: tuple[tuple[str, str, str], ...]  # (file under src/himozuke, text in the code, text put instead)
    first: tuple[str, ...]  # test paths to run first


FAULTS: tuple[Fault, ...] = (
    Fault("F1", "an unknown 性別 code counted as 一致 (C → A)",
          (("match/compare.py",
            '*_unusable_levels((Reason.SEX_UNKNOWN_BUSINESS, _unreadable(C.SEX, "b")),\n'
            '                          (Reason.SEX_UNKNOWN_REGISTRY, _unreadable(C.SEX, "r"))),', ""),),
          ("tests/rules", "tests/match", "tests/text")),
    Fault("F2", "an impossible 生年月日 counted as 一致 (C → A)",
          (("match/compare.py",
            '*_unusable_levels((Reason.BIRTH_UNREADABLE_BUSINESS, _unreadable(C.BIRTH_DATE, "b")),\n'
            '                          (Reason.BIRTH_UNREADABLE_REGISTRY, _unreadable(C.BIRTH_DATE, "r"))),', ""),),
          ("tests/rules", "tests/match", "tests/text")),
    Fault("F3", "a blank on the registry side counted as 一致 (C → A)",
          (("match/compare.py", "Level(ItemVerdict.MISSING, registry_reason,",
            "Level(ItemVerdict.EXACT, registry_reason,"),),
          ("tests/rules", "tests/match")),
    Fault("F4", "the prefecture check of same-name municipalities switched off (C → A)",
          (("match/compare.py", 'Ne(_addr("b", "city"), _addr("r", "city")),', "Not(Always()),"),),
          ("tests/rules", "tests/match", "tests/text", "tests/cli/test_home_prefecture.py")),
    Fault("F5", "an unrecognised municipality demoted to an ordinary 町字 mismatch (C → B)",
          (("match/compare.py", "Level(ItemVerdict.CITY_MISMATCH, Reason.ADDRESS_CITY_UNKNOWN,",
            "Level(ItemVerdict.MISMATCH, Reason.ADDRESS_CITY_UNKNOWN,"),),
          ("tests/rules", "tests/match", "tests/text")),
    Fault("F6", "照会エラー no longer E",
          (("match/engine.py", "    C.INQUIRY_ERROR: Reason.INQUIRY_ERROR,\n", ""),
           ("match/engine.py", "    (Ne(_STATUS, Lit(C.INQUIRY_FOUND)), Reason.INQUIRY_ERROR),\n", "")),
          ("tests/rules", "tests/match", "tests/formats")),
    Fault("F7", "the 優先度 tier of family / twin swaps lowered (2 → 4)",
          (("match/classify.py", "Tier(2, AllOf((Is(ev.GIVEN_DIFFERS, True)", "Tier(4, AllOf((Is(ev.GIVEN_DIFFERS, True)"),),
          ("tests/rules", "tests/match")),
    Fault("F8", "result.parquet written with full My Numbers",
          (("report/tables.py", "displayed(result.lazy(), show_number=show_number).sink_parquet(tmp)",
            "displayed(result.lazy(), show_number=True).sink_parquet(tmp)"),),
          ("tests/outputs", "tests/report", "tests/cli")),
    Fault("F9", "--engine spark silently ignored",
          (("cli/check.py", "tick=tick, engine=engine.value,", 'tick=tick, engine="local",'),
           ("cli/check.py", "    if engine is Engine.local:\n", "    if True:\n")),
          ("tests/outputs", "tests/cli", "tests/spark")),
    Fault("F10", "--resume accepting changed inputs (both the fingerprint and the whole-file SHA-256 checks off)",
          (("match/scale.py", "if any(old.get(k) != manifest[k] for k in manifest):",
            'if any(old.get(k) != manifest[k] for k in manifest if k != "inputs"):'),
           ("match/scale.py", 'elif old["inputs_sha256"] != sha256():', "elif False:")),
          ("tests/outputs", "tests/scale", "tests/cli")),
)

#: ``make test``'s selection (pyproject's testpaths) — what must fail
ALL = ("tests", "src/himozuke")


def _copy(to: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", ".pytest_cache")
    for name in ("src", "tests", "fuzz", "benchmarks", "docs", "scripts"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, to / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md", "Makefile"):
        shutil.copy2(ROOT / name, to / name)


def _apply(fault: Fault, tree: Path) -> str | None:
    """Edit the copy; the text of an edit that is not (exactly once) in the code, else None."""
    for file, old, new in fault.edits:
        path = tree / "src" / "himozuke" / file
        text = path.read_text(encoding="utf-8")
        if text.count(old) != 1:
            return f"{file}: {old.strip()[:60]!r} found {text.count(old)}×"
        path.write_text(text.replace(old, new), encoding="utf-8")
    return None


def _pytest(tree: Path, paths: tuple[str, ...], deselect: tuple[str, ...] = ()) -> tuple[bool, str]:
    """Run pytest on ``paths`` in the copy; (passed, the first failure's line)."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    env.pop("HIMOZUKE_UPDATE_GOLDEN", None)
    cmd = [sys.executable, "-m", "pytest", "-x", "-p", "no:cacheprovider", "--no-header", "-rfE",
           *paths, *(f"--ignore={p}" for p in deselect)]
    done = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
    out = done.stdout.splitlines() + done.stderr.splitlines()
    # pytest writes non-ASCII test ids as \uXXXX: shown as the Japanese they are
    failed = [re.sub(r"\\u([0-9a-f]{4})", lambda m: chr(int(m.group(1), 16)), line)
              for line in out if line.startswith(("FAILED", "ERROR"))]
    return done.returncode == 0, f"exit {done.returncode}: " + (failed[0] if failed else "\n".join(out[-5:]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="faults to run (F1 … F10); default all")
    args = parser.parse_args(argv)
    chosen = [f for f in FAULTS if not args.names or f.name in args.names]
    bad = 0
    with tempfile.TemporaryDirectory(prefix="himozuke-faults-") as tmp:
        for fault in chosen:
            tree = Path(tmp) / fault.name
            _copy(tree)
            started = time.perf_counter()
            missing = _apply(fault, tree)
            if missing:
                print(f"{fault.name} 故障を入れられません / cannot put the fault in: {missing}")
                bad += 1
                continue
            first = tuple(p for p in fault.first if (tree / p).exists())
            passed, line = _pytest(tree, first)
            if passed:  # not caught where expected: the whole selection, without what already ran
                passed, line = _pytest(tree, ALL, deselect=first)
            took = time.perf_counter() - started
            verdict = "NOT CAUGHT / 検出されず" if passed else "caught / 検出"
            print(f"{fault.name} {verdict:<22} {took:6.0f} s  {fault.what}\n      {line}", flush=True)
            bad += passed
            shutil.rmtree(tree, ignore_errors=True)
    print(f"{len(chosen) - bad} / {len(chosen)} faults caught")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
