"""Fuzz targets: every reader turns any bytes into rows or a clear HimozukeError (issue 3 item 7).

One target = one reader through its profile. ``check(name, data)`` writes ``data`` to a private temporary file,
opens and fully collects it, and checks the invariants: no exception but :class:`HimozukeError`, every row has
a 行番号, rows and rejections never share a 行番号, and every 照会結果 is one of the known statuses. Used by
``fuzz/run.py`` (atheris or Hypothesis) and by the smoke test in ``tests/fuzz``.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from himozuke.errors import HimozukeError
from himozuke.formats import columns as C
from himozuke.formats.fixed import open_fixed
from himozuke.formats.profiles import load_profile, parse_profile
from himozuke.formats.records import detect_profile, open_records

#: target name → (file suffix, role, profile; None = detect). ``*-bytes`` targets run only the byte-level
#: fixed-length reader (``open_fixed``), the part that sees raw bytes; the profile mapping after it is the
#: same code the CSV targets reach.
TARGETS: dict[str, tuple[str, str, str | None]] = {
    "csv-standard": (".csv", "business", "standard"),
    # the in-memory run's reader: Polars' CSV reader for plain files (tabular.read_plain_csv), checked against
    # the line-by-line reader on every input — both must give the same rows and rejections
    "csv-plain": (".csv", "business", "standard"),
    "csv-jlis-result": (".csv", "registry", "jlis-result-csv"),
    "csv-vendor": (".csv", "business", "vendor-fukushi-csv"),
    "fixed-jis90-result": (".dat", "registry", "jlis-result-fixed"),
    "fixed-cp932-vendor": (".dat", "business", "vendor-kokuho-fixed"),
    "fixed-jis90-bytes": (".dat", "", "jlis-result-fixed"),
    "fixed-cp932-bytes": (".dat", "", "vendor-kokuho-fixed"),
    "detect": (".csv", "registry", None),
    "xlsx-standard": (".xlsx", "business", "standard"),
    "profile-toml": (".toml", "", ""),
}
_DIR = Path(tempfile.mkdtemp(prefix="himozuke-fuzz-"))
atexit.register(shutil.rmtree, _DIR, True)  # each test run and fuzz run left one behind


@functools.cache
def _profile(name: str):
    """Profiles are immutable once loaded: parse each TOML once, not once per input (3 ms of a 17 ms run)."""
    return load_profile(name)


def _check_profile_toml(data: bytes) -> None:
    import tomllib

    try:
        parsed = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return
    try:
        parse_profile(parsed, source="fuzz.toml")
    except HimozukeError:
        return


def _check_fixed_bytes(data: bytes, profile) -> None:
    fd, tmp = tempfile.mkstemp(suffix=".dat", dir=_DIR)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        with open_fixed(tmp, profile) as t:
            rows, rejects = pl.collect_all([t.rows, t.rejects])
        assert set(rows[C.ROW]).isdisjoint(set(rejects[C.ROW]))
        records = len([r for r in data.replace(b"\r", b"").split(b"\n") if r])
        assert rows.height + rejects.height == records, (rows.height, rejects.height, records)
    finally:
        Path(tmp).unlink(missing_ok=True)


def check(name: str, data: bytes, lines: Sequence[int] | None = None) -> None:
    """Run one input through target ``name``; raise AssertionError (or the unexpected exception) on a bug.

    ``lines``: the line numbers (header = 1) of the input's records, when the caller built it and knows them (a
    header the profile accepts, one record a line): then the file must be read, and each of those lines must be
    exactly one row or one rejection — no line lost, none counted twice, none invented."""
    if name == "profile-toml":
        _check_profile_toml(data)
        return
    suffix, role, profile = TARGETS[name]
    if name.endswith("-bytes"):
        _check_fixed_bytes(data, _profile(profile or ""))
        return
    fd, tmp = tempfile.mkstemp(suffix=suffix, dir=_DIR)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        if profile is None:
            profile = detect_profile(tmp) or "standard"
        try:
            with open_records(tmp, role=role, profile=_profile(profile)) as r:  # type: ignore[arg-type]
                rows, rejects = pl.collect_all([r.rows, r.rejects])
        except HimozukeError as e:
            assert lines is None, f"a file with an accepted header was refused: {e.message}"
            assert e.message and " / " in e.message, e.message
            return
        if name == "csv-plain":
            with open_records(tmp, role=role, profile=_profile(profile), whole=True) as r:  # type: ignore[arg-type]
                whole_rows, whole_rejects = pl.collect_all([r.rows, r.rejects])
            assert whole_rows.sort(C.ROW).equals(rows.sort(C.ROW)), "the fast reader read other rows"
            assert whole_rejects.sort(C.ROW).equals(rejects.sort(C.ROW)), "the fast reader rejected other lines"
        assert rows[C.ROW].null_count() == 0
        assert set(rows[C.ROW]).isdisjoint(set(rejects[C.ROW])), "a line is both a row and a rejection"
        assert rejects["理由"].null_count() == 0
        if role == "registry":
            assert set(rows[C.INQUIRY_RESULT].to_list()) <= set(C.INQUIRY_STATUSES)
        assert rows.height + rejects.height <= data.count(b"\n") + 2
        if lines is not None:
            assert rows.height + rejects.height == len(lines), (rows.height, rejects.height, len(lines))
            assert sorted([*rows[C.ROW], *rejects[C.ROW]]) == sorted(lines)
    finally:
        Path(tmp).unlink(missing_ok=True)
