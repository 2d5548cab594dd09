"""The outputs a check writes — their names and files — and ``--formats`` read, without importing Polars (the CLI
reads them before Polars loads: :mod:`himozuke.memory`).

>>> parse_formats("CSV, parquet,csv")
('csv', 'parquet')
"""

from __future__ import annotations

from collections.abc import Sequence

from himozuke.errors import UsageError

OUTPUT_FORMATS = ("csv", "xlsx", "parquet")
#: The file each output format is written to, in ``out_dir``.
OUTPUT_FILES = {"csv": "result.csv", "xlsx": "report.xlsx", "parquet": "result.parquet"}


def parse_formats(spec: str | Sequence[str]) -> tuple[str, ...]:
    """``"csv,xlsx"`` → ``("csv", "xlsx")``; unknown names are a usage error."""
    items = [s.strip().lower() for s in (spec.split(",") if isinstance(spec, str) else spec) if s.strip()]
    bad = [s for s in items if s not in OUTPUT_FORMATS]
    if bad or not items:
        raise UsageError(f"--formats に指定できるのは {', '.join(OUTPUT_FORMATS)} です（指定: {spec}）",
                         f"--formats takes {', '.join(OUTPUT_FORMATS)} (got {spec!r})")
    return tuple(dict.fromkeys(items))


def is_uri(path: str | object) -> bool:
    """A Hadoop URI (``scheme://…``, ``file://`` too), written by Spark (:mod:`himozuke.report.hadoop`); else a local
    folder.

    >>> is_uri("hdfs://namenode/himozuke/out"), is_uri("out/2026-12")
    (True, False)
    """
    return ":/" in str(path)
