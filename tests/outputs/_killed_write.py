"""Child of test_killed_write.py: ``himozuke ARGS`` that SIGKILLs itself — the state a run killed there leaves (no
clean-up of any kind). WHERE: ``result`` — as its result.csv is about to take its name; ``private`` — as the
decoded copy of a Shift_JIS input is about to be removed from its private temporary folder.

    python -m tests.outputs._killed_write WHERE check BUSINESS REGISTRY --out OUT ...
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from pathlib import Path


def _killed() -> None:
    print("KILLED", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)


def main() -> None:
    where = sys.argv[1]
    if where == "result":
        replace = os.replace

        def killed_at_result(src, dst, *args, **kwargs):
            if Path(dst).name == "result.csv":
                _killed()
            return replace(src, dst, *args, **kwargs)

        os.replace = killed_at_result
    else:
        from himozuke.formats import tabular

        private = tabular.private_temp_path

        @contextlib.contextmanager
        def killed_in_private(name):
            with private(name) as path:
                yield path
                if path.exists():
                    _killed()

        tabular.private_temp_path = killed_in_private
    from himozuke.cli import main as cli

    sys.argv = ["himozuke", *sys.argv[2:]]
    cli()
    print("NOT KILLED", flush=True)  # the parent fails on this


if __name__ == "__main__":
    main()
