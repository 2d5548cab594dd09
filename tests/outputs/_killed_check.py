"""Child of test_resume.py: a bucketed check that kills itself (SIGKILL, no clean-up of any kind) once ``KILL_AT``
of its buckets are done — the state a power cut or the OOM killer leaves.

    python -m tests.outputs._killed_check BUSINESS REGISTRY OUT BUCKETS KILL_AT
"""

from __future__ import annotations

import os
import signal
import sys

from himozuke.pipeline import run_check


def main() -> None:
    business, registry, out, buckets, kill_at = sys.argv[1:6]

    def tick(phase: str, done: int, total: int, rows: int | None = None) -> None:
        # called once a bucket's result folder has been renamed into place (match/scale.py check_buckets)
        if phase == "check" and done == int(kill_at):
            print(f"KILLED {done}/{total}", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)

    run_check(business, registry, out, formats=("csv", "parquet"), buckets=int(buckets), tick=tick)
    print("NOT KILLED", flush=True)  # the parent fails on this


if __name__ == "__main__":
    main()
