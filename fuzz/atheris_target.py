"""libFuzzer/atheris entry: ``python fuzz/atheris_target.py TARGET [libFuzzer flags] CORPUS_DIR…``."""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).parent))

with atheris.instrument_imports(include=["himozuke"]):
    import targets


def main() -> None:
    name = sys.argv.pop(1)

    def one(data: bytes) -> None:
        targets.check(name, data)

    atheris.Setup(sys.argv, one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
