"""Run the reader fuzzers (issue 3 item 7): ``python fuzz/run.py [--runs N] [--start K] [--engine atheris|hypothesis]
[TARGET…]``.

atheris (coverage-guided, libFuzzer) when it is installed, else Hypothesis with random bytes mutated from the
seed corpus. Each target runs in its own process, one Polars thread, seeds from ``fuzz/corpus/<target>/``; new
inputs go to a temporary folder (the repo keeps the seeds and any crash reproducer, ``fuzz/crashes/``). Prints one
line per target: inputs run and crashes. Exit 1 on a crash.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))


def _atheris(target: str, runs: int) -> tuple[int, int]:
    crashes = HERE / "crashes"
    crashes.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        cmd = [sys.executable, str(HERE / "atheris_target.py"), target, f"-atheris_runs={runs}", "-timeout=30",
               "-rss_limit_mb=4096", "-max_len=4096", f"-artifact_prefix={crashes}/{target}-", work,
               str(HERE / "corpus" / target)]
        env = {**os.environ, "POLARS_MAX_THREADS": "1"}
        p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    done = re.findall(r"Done (\d+) (?:runs )?in ", p.stderr)
    logs = Path(tempfile.gettempdir()) / "himozuke-fuzz-logs"
    logs.mkdir(exist_ok=True)
    (logs / f"{target}.log").write_text(p.stderr[-20000:], encoding="utf-8")  # libFuzzer's own report
    crashed = "ERROR:" in p.stderr or any(crashes.glob(f"{target}-*")) or not done
    if p.returncode != 0:
        sys.stderr.write(f"{target}: exit status {p.returncode}\n{p.stderr[-4000:]}")
    return (max(int(d) for d in done) if done else 0), int(crashed)


def _hypothesis(target: str, runs: int, start: int = 0) -> tuple[int, int]:
    """Random byte mutations of the seeds. Input ``i`` depends only on (target, i), so a long run can be done
    in slices (``--start``) and the slices add up; progress is printed every 1,000 inputs."""
    import random

    import targets

    seeds = [f.read_bytes() for f in sorted((HERE / "corpus" / target).glob("*"))] or [b""]
    for i in range(start, start + runs):
        rng = random.Random(f"{target}:{i}")
        if i % 1000 == 0 and i > start:
            print(f"{target}: {i - start:,} inputs, no crash", flush=True)
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 8)):
            op = rng.random()
            pos = rng.randint(0, len(data))
            if op < 0.4:
                data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 4)))
            elif op < 0.7 and data:
                del data[pos:pos + rng.randint(1, 4)]
            elif data:
                data[min(pos, len(data) - 1)] = rng.randrange(256)
        try:
            targets.check(target, bytes(data))
        except Exception:
            crash = HERE / "crashes" / f"{target}-{i}"
            crash.parent.mkdir(exist_ok=True)
            crash.write_bytes(bytes(data))
            raise
    return runs, 0


def main() -> int:
    import targets

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("targets", nargs="*", default=list(targets.TARGETS))
    ap.add_argument("--runs", type=int, default=100_000)
    ap.add_argument("--engine", choices=["atheris", "hypothesis"], default=None)
    ap.add_argument("--start", type=int, default=0, help="first input number (mutation engine): run in slices")
    args = ap.parse_args()
    engine = args.engine
    if engine is None:
        try:
            import atheris  # noqa: F401

            engine = "atheris"
        except ImportError:
            engine = "hypothesis"
    failed = 0
    for target in args.targets:
        os.environ["POLARS_MAX_THREADS"] = "1"
        done, crashed = _atheris(target, args.runs) if engine == "atheris" else \
            _hypothesis(target, args.runs, args.start)
        print(f"{target}: {done:,} inputs ({engine}), {'CRASH' if crashed else 'no crash'}", flush=True)
        failed |= crashed
    return failed


if __name__ == "__main__":
    sys.exit(main())
