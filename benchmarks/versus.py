"""Two revisions of himozuke, interleaved: is a change faster, and are its results the same bytes?

    .venv/bin/python benchmarks/versus.py --old 70a98f6 [--pairs 1000000] [--rounds 3] [--out bench-output]

On a shared machine one run of the same program varies by ±15 % and whole periods are slower than others, so
two versions are only comparable when they run in the same minutes: each round runs ``--old`` (a temporary
``git worktree``, imported through ``PYTHONPATH``) and then the working tree, both as ``himozuke check
--formats csv`` subprocesses on the same generated files (those of ``throughput.py``). It prints every time,
each side's best, its CPU time (user + system) and peak memory, and whether the two result.csv are identical.
The worktree is removed at the end.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _bench import byte_compiled, make_pairs

REPO = Path(__file__).resolve().parent.parent
_RUN = "from himozuke.cli import main; main()"


def run(src: Path, business: Path, registry: Path, out: Path) -> tuple[float, float, float]:
    """One ``himozuke check`` with ``src`` first on the path: (seconds, CPU seconds, peak RSS MiB)."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    cmd = [sys.executable, "-c", _RUN, "check", str(business), str(registry), "--out", str(out), "--formats", "csv"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status):
        sys.exit(f"failed ({src}): {proc.stderr.read().decode(errors='replace')[-2000:]}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", required=True, help="the revision to compare the working tree with")
    ap.add_argument("--pairs", type=int, default=1_000_000)
    ap.add_argument("--notation", type=float, default=0.8,
                    help="share of business addresses written as business systems do (「9-14-2」, no 都道府県); 0: as the register")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", type=Path, default=Path("bench-output"))
    args = ap.parse_args()
    business, registry = make_pairs(args.pairs, args.out, notation=args.notation)
    with tempfile.TemporaryDirectory(prefix="himozuke-versus-") as tmp:
        worktree = Path(tmp) / "old"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(worktree), args.old],
                       check=True, capture_output=True)
        try:
            sides = {"old": worktree / "src", "new": REPO / "src"}
            for src in sides.values():
                byte_compiled(src)  # as installed: no run compiles the modules first
            times: dict[str, list[tuple[float, float, float]]] = {name: [] for name in sides}
            for i in range(args.rounds):
                for name, src in sides.items():
                    got = run(src, business, registry, args.out / f"versus-{name}")
                    times[name].append(got)
                    print(f"round {i + 1} {name}: {got[0]:.2f} s, CPU {got[1]:.2f} s, {got[2]:,.0f} MiB", flush=True)
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(worktree)],
                           check=False, capture_output=True)
    for name, runs in times.items():
        print(f"{name}: best {min(s for s, _, _ in runs):.2f} s (all {', '.join(f'{s:.2f}' for s, _, _ in runs)}), "
              f"CPU {min(c for _, c, _ in runs):.2f}–{max(c for _, c, _ in runs):.2f} s, "
              f"peak {max(m for _, _, m in runs):,.0f} MiB")
    same = filecmp.cmp(args.out / "versus-old" / "result.csv", args.out / "versus-new" / "result.csv", shallow=False)
    print("result.csv: identical" if same else "result.csv: DIFFERENT")


if __name__ == "__main__":
    main()
