"""Re-check of what changed (issue #19 parts 4–5): per-row digests, the rows a change can reach, the delta.

「マイナンバー情報総点検について」§3 再発防止対策 asks that linkage errors be found 「定期的」 after the big check;
「総点検マニュアル」第2.1版 §7(6) gives the rules. A scheduled run should not pay for the whole file when 1 % of
it changed, so every run keeps, in ``digests.parquet`` beside its outputs, keyed digests per business row (the
whole record, its 個人番号) and per registry 個人番号, with the row's verdict columns — digests and verdict labels
only, never a value.

A re-check (:func:`recheck_frames`) recomputes a business row when

* its record is new or changed (no previous row with the same digest, occurrence by occurrence),
* its number's registry record changed (added, removed, edited, repeated),
* it shares a 個人番号 with a row that is new, changed or gone, or a person key with a row that is new or changed
  or that the baseline flagged ``cross.person_several_numbers`` — the engine's two cross-record rules
  (:mod:`himozuke.match.engine`: a number shared by several people, one person under several numbers) see only
  such rows. Person keys are not kept (they would cost every plain check): a gone row can only take a number
  away from its person, which changes a flag only when the person had several — and then all its rows had it;

and carries every other row's verdict columns forward from the previous run. The recomputed rows are checked by
the engine itself (:func:`himozuke.match.engine.check_frames`) together with every row that shares a number or a
person key with one of them, so the cross-record rules see exactly what a full check sees; their values come from
the current files. The result is byte-identical to a full check of the same inputs (property-tested).
:mod:`himozuke.recheck_lines` does the same from line digests when the inputs allow it, parsing only the changed
lines and copying every other result line from the baseline's result.csv.

Why keyed: a 個人番号 has 11 free digits (10¹¹ candidates) and result.csv shows 8 of the 12 (``1234 **** 9018``), so
an unkeyed hash is undone by trying 10⁴ numbers. The digests are Polars hashes keyed by a 192-bit random key
(:func:`load_key`) kept in a file *outside* the output folder (default ``~/.config/himozuke/digest.key``,
mode 0600; ``HIMOZUKE_DIGEST_KEY`` names another): the digest file alone cannot test a guess. Polars' hash is
a fast keyed hash, not a cryptographic MAC — a vectorised MAC over millions of rows does not exist in the
stack, and HMAC per row in Python would cost more than the whole re-check; docs/recheck.md says so.
"""

from __future__ import annotations

import itertools
import json
import os
import secrets
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import ClassVar

import numpy as np
import polars as pl

from himozuke import __version__
from himozuke.atomic import atomic_path
from himozuke.errors import UsageError
from himozuke.formats import columns as C
from himozuke.match import RULE_VERSION
from himozuke.match.classify import Verdict
from himozuke.match.compare import ItemVerdict
from himozuke.match.engine import (
    NUMBER_KEY,
    PERSON,
    REASON_DETAIL,
    RESULT_COLUMNS,
    RESULT_SCHEMA,
    business_frame,
    check_frames,
    explained,
    one_per_number,
    person_frame,
    registry_rows,
    rejected_rows,
    typed_number_key_expr,
)
from himozuke.match.reasons import Reason

DIGESTS = "digests.parquet"
DELTA = "delta.csv"
KEY_ENV = "HIMOZUKE_DIGEST_KEY"
#: Version of the digest file's layout and of what its digests are taken of; another one is not a baseline
#: (4: d_person of the person key hashed from its parts, ``text.person.person_hashes``; 5: several values folded
#: from each one's hash, :meth:`Key.digest`).
FORMAT = 5

#: The verdict columns a run keeps per row and a re-check carries forward (no values: labels, codes, texts).
DERIVED: tuple[str, ...] = (C.VERDICT, *(C.item_verdict(i) for i in C.ITEMS), C.REASONS, REASON_DETAIL, C.PRIORITY)
#: How the digest file stores :data:`DERIVED` (labels from small fixed sets as enums, the ~100 distinct reason
#: combinations dictionary-encoded; 理由説明 not at all: it is the reasons' text, remade on reading) — writing
#: the nine columns as strings cost more than hashing both files (docs/benchmarks.md).
_STORED: dict[str, pl.DataType] = {
    C.VERDICT: pl.Enum([str(v) for v in Verdict]),
    **{C.item_verdict(i): pl.Enum([str(v) for v in ItemVerdict]) for i in C.ITEMS},
    C.REASONS: pl.Categorical(), C.PRIORITY: pl.Int32(),
}
D_ROW, D_NUMBER, D_REGISTRY = "d_row", "d_number", "d_registry"
#: Kept for a re-check by lines (:mod:`himozuke.recheck_lines`): a line's digest, a person key's digest.
D_LINE, D_PERSON = "d_line", "d_person"
SIDE = "側"
BUSINESS_SIDE, REGISTRY_SIDE, REGISTRY_LINE_SIDE = "業務", "住基", "住基行"
_OCC = "_occurrence"
_PREV = "前回行番号"

# ---- delta.csv ------------------------------------------------------------------------------------------------
KIND = "区分"
NEW, RESOLVED, CHANGED, GONE = "新規", "解消", "変化", "削除"
PREVIOUS_VERDICT = "前回判定"
#: delta.csv's columns, in order (docs/recheck.md).
DELTA_COLUMNS = (KIND, C.ROW, _PREV, C.MY_NUMBER, PREVIOUS_VERDICT, C.VERDICT, C.REASONS, REASON_DETAIL, C.PRIORITY)
_FOLLOWED = (str(Verdict.B), str(Verdict.C))



#: The odd multiplier of :meth:`Key.digest`'s fold (2⁶⁴ / φ: its bits mix well, and an odd number is invertible
#: modulo 2⁶⁴, so a change in any one value changes the fold).
_FOLD = 0x9E3779B97F4A7C15


# ---- the key --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Key:
    """The digest key: a hash seed and two salt words hashed with every value (192 random bits)."""

    seed: int
    salt: tuple[int, int]

    @property
    def id(self) -> str:
        """Names the key without revealing it (a run made with another key is no baseline)."""
        import hashlib

        raw = b"".join(x.to_bytes(8, "big") for x in (self.seed, *self.salt))
        return hashlib.sha256(b"himozuke digest key id\0" + raw).hexdigest()[:16]

    def digest_text(self, value: pl.Expr) -> pl.Expr:
        """A keyed 64-bit digest of one column (a file's lines): the value hashed under the seed, then mixed with
        both salt words — a struct's hash costs 5× more over millions of lines."""
        return (value.hash(seed=self.seed) ^ pl.lit(self.salt[0], dtype=pl.UInt64)).hash(seed=self.salt[1])

    def digest(self, *values: pl.Expr) -> pl.Expr:
        """A keyed 64-bit digest of ``values`` (single-column expressions; one digest per row): each value hashed
        under a seed of its own position, the hashes folded in order (``d * odd + h``, wrapping: rows that differ
        in one value always differ in the fold), the fold mixed like :meth:`digest_text` — a struct's hash of the
        same values costs 3–5× more (docs/benchmarks.md)."""
        folded = None
        for k, v in enumerate(values):
            h = v.hash(seed=(self.seed + k) % 2**64)
            folded = h if folded is None else folded * pl.lit(_FOLD, dtype=pl.UInt64) + h
        return self.digest_text(folded)


def key_path() -> Path:
    """Where the digest key lives: ``$HIMOZUKE_DIGEST_KEY``, else the user's configuration folder."""
    given = os.environ.get(KEY_ENV)
    if given:
        return Path(given)
    base = os.environ.get("APPDATA") if os.name == "nt" else os.environ.get("XDG_CONFIG_HOME")
    return Path(base or Path.home() / ".config") / "himozuke" / "digest.key"


def load_key(path: Path | None = None) -> Key:
    """The digest key at ``path`` (default :func:`key_path`), made (mode 0600, atomically) when absent."""
    path = path or key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp:
            tmp.write_text(secrets.token_hex(24) + "\n", encoding="ascii")
            os.chmod(tmp, 0o600)
    try:
        raw = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        raw = b""
    if len(raw) != 24:
        raise UsageError("照合の要約（digest）の鍵ファイルを読めません（削除すると新しい鍵を作ります。前回の結果との"
                         "差分照合は一度だけ全件照合になります）",
                         "cannot read the digest key file (delete it to make a new key; the next re-check is then a "
                         "full check)", file=str(path))
    words = [int.from_bytes(raw[k:k + 8], "big") for k in (0, 8, 16)]
    return Key(words[0], (words[1], words[2]))


# ---- digests --------------------------------------------------------------------------------------------------

def business_digests(rows: pl.DataFrame | pl.LazyFrame, key: Key, numbers: pl.Series | None = None) -> pl.DataFrame:
    """行番号, the record's digest (every column but 行番号), its number's digest and ``_number_key``, per row
    (a lazy ``rows`` streams: only these four columns are held). ``numbers``: the rows' ``_number_key`` when the
    caller has them (:func:`himozuke.match.engine.business_frame`)."""
    return business_digest_query(rows, key, numbers).collect(engine="streaming")


def business_digest_query(rows: pl.DataFrame | pl.LazyFrame, key: Key, numbers: pl.Series | None = None) -> pl.LazyFrame:
    """:func:`business_digests` as a query, for a caller that collects it beside others over the same file."""
    number = typed_number_key_expr(pl.col(C.MY_NUMBER)) if numbers is None else pl.lit(numbers)
    return rows.lazy().select(pl.col(C.ROW), _row_digest(rows.collect_schema().names(), key),
                              _number_digest(number, key), number.alias(NUMBER_KEY))


def _row_digest(names: Sequence[str], key: Key) -> pl.Expr:
    """d_row: a business record's digest, over every column as read but 行番号."""
    return key.digest(*(pl.col(c) for c in names if c != C.ROW)).alias(D_ROW)


def _number_digest(number: pl.Expr, key: Key) -> pl.Expr:
    """d_number: the digest of a 個人番号 as an integer (``_number_key``); null for a malformed one."""
    return pl.when(number.is_not_null()).then(key.digest(number)).alias(D_NUMBER)


def registry_digests(registry: pl.DataFrame | pl.LazyFrame, key: Key) -> pl.DataFrame:
    """Per registry 個人番号 (as the engine reads the file, :func:`himozuke.match.engine.registry_frame`: the first
    row of a number, and how often it occurs): the number's digest and the record's (a lazy ``registry``
    streams: only a digest per row is held; a frame of :func:`~himozuke.match.engine.registry_rows` is taken as
    it is)."""
    return registry_digests_of(registry_digest_query(registry, key).collect(engine="streaming"), key)


def registry_digest_query(registry: pl.DataFrame | pl.LazyFrame, key: Key) -> pl.LazyFrame:
    """The first step of :func:`registry_digests` as a query: ``_number_key`` and the record's digest per row."""
    rows = registry if NUMBER_KEY in registry.collect_schema().names() else registry_rows(registry)
    values = [c for c in rows.collect_schema().names() if c != NUMBER_KEY]
    return rows.lazy().select(NUMBER_KEY, key.digest(*(pl.col(c) for c in values)).alias(D_REGISTRY))


def registry_digests_of(rows: pl.DataFrame, key: Key) -> pl.DataFrame:
    """The last step of :func:`registry_digests`, on the collected :func:`registry_digest_query`."""
    one = one_per_number(rows)
    counted = [c for c in one.columns if c != NUMBER_KEY]  # the record's digest and the number's count
    return one.select(key.digest(pl.col(NUMBER_KEY)).alias(D_NUMBER),
                      key.digest(*(pl.col(c) for c in counted)).alias(D_REGISTRY))


@dataclass(frozen=True)
class BucketDigests:
    """The digests of a bucketed run (:mod:`himozuke.match.scale`), made a bucket at a time, so that no step holds
    every row's: each business record's d_row while the file is partitioned (the one pass that reads its values as
    written; carried in the bucket as :attr:`column`), the rest from each bucket and its result. The same values as
    :func:`business_digests` and :func:`registry_digests` of the whole files (whole, they took 8 GB at 60 M pairs:
    docs/benchmarks.md)."""

    key: Key
    column: ClassVar[str] = D_ROW

    def row(self, names: Sequence[str]) -> pl.Expr:
        """d_row over a business file's columns ``names`` (as read)."""
        return _row_digest(names, self.key)

    def business(self, digested: pl.DataFrame, result: pl.DataFrame) -> pl.DataFrame:
        """A bucket's business digests in its rows' order: ``digested`` (行番号, d_row, ``_number_key`` of its readable
        rows) with the number's digest and the verdicts of ``result`` (the bucket's, :func:`stored_derived`)."""
        return digested.select(C.ROW, D_ROW, _number_digest(pl.col(NUMBER_KEY), self.key), NUMBER_KEY).join(
            result.select(C.ROW, *stored_derived()), on=C.ROW, how="left", maintain_order="left")

    def registry(self, rows: pl.DataFrame) -> pl.DataFrame:
        """A bucket's registry digests from its :func:`~himozuke.match.engine.registry_rows` (every number of the
        bucket is whole in it: the first row of a number wins, as in the whole file)."""
        return registry_digests_of(registry_digest_query(rows, self.key).collect(), self.key)

    def empty(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Both with no rows (a run without business or registry rows)."""
        return (self.business(pl.DataFrame(schema={C.ROW: pl.Int64, D_ROW: pl.UInt64, NUMBER_KEY: pl.Int64}),
                              pl.DataFrame(schema=RESULT_SCHEMA)),
                self.registry(registry_rows(pl.DataFrame(schema={NUMBER_KEY: pl.Int64, **{i: pl.String for i in C.ITEMS}}))
                              .collect()))


# ---- the baseline ---------------------------------------------------------------------------------------------

@dataclass
class Baseline:
    """A previous run's digest file, read into memory (before this run clears anything)."""

    folder: Path
    manifest: dict
    #: the digest file's rows of each side (:data:`BUSINESS_SIDE`, :data:`REGISTRY_SIDE`,
    #: :data:`REGISTRY_LINE_SIDE`), each with that side's columns only (:data:`_SIDE_COLUMNS`)
    sides: dict[str, pl.DataFrame]
    #: What a re-check by lines must find equal (:func:`himozuke.recheck_lines.why_not`); {} when not kept.
    lines_meta: dict = field(default_factory=dict)

    @cached_property
    def business(self) -> pl.DataFrame:
        """行番号, d_row, d_number and :data:`DERIVED` (as strings), in 行番号 order."""
        business = self.sides[BUSINESS_SIDE].select(
            C.ROW, D_ROW, D_NUMBER, *(pl.col(c).cast(pl.String) for c in _STORED if c != C.PRIORITY), C.PRIORITY)
        return business.with_columns(explained(business.get_column(C.REASONS)).alias(REASON_DETAIL)).select(
            C.ROW, D_ROW, D_NUMBER, *DERIVED)

    @cached_property
    def verdicts(self) -> pl.DataFrame:
        """行番号, d_row, d_number and 判定 of the business rows, in 行番号 order: what pairing a full check's rows
        with these needs (:func:`paired_with`) — not :attr:`business`'s every verdict column as text (at 10 M rows
        4.3 GB more at the peak than these)."""
        return self.sides[BUSINESS_SIDE].select(C.ROW, D_ROW, D_NUMBER, pl.col(C.VERDICT).cast(pl.String))

    @cached_property
    def registry(self) -> pl.DataFrame:
        """d_number, d_registry per registry 個人番号."""
        return self.sides[REGISTRY_SIDE]

    @cached_property
    def lines(self) -> pl.DataFrame | None:
        """行番号, d_row, d_number, d_line, d_person and the stored verdict columns of the business rows, when the
        run kept a line digest for every row (else None)."""
        rows = self.sides[BUSINESS_SIDE]
        if D_LINE not in rows.columns or rows.get_column(D_LINE).null_count():
            return None
        return rows.select(C.ROW, D_ROW, D_NUMBER, D_LINE, D_PERSON, *_STORED)

    @cached_property
    def registry_lines(self) -> pl.DataFrame | None:
        """d_line, d_number of every registry line in file order, when kept (else None)."""
        lines = self.sides[REGISTRY_LINE_SIDE]
        return lines if D_LINE in lines.columns and self.lines_meta else None


#: The columns of each side of the digest file, in the order written (the file holds them side under side, null
#: elsewhere); the business side's verdict columns last, stored as :data:`_STORED` says (:func:`stored_derived`).
_SIDE_COLUMNS = {BUSINESS_SIDE: (C.ROW, D_ROW, D_NUMBER, D_LINE, D_PERSON, *_STORED),
                 REGISTRY_SIDE: (D_NUMBER, D_REGISTRY), REGISTRY_LINE_SIDE: (D_LINE, D_NUMBER)}


def _read_sides(path: Path, parts: dict | None) -> dict[str, pl.DataFrame]:
    """Each side's rows and columns of the digest file at ``path``: read as slices when the file says where each
    side is (``parts``: side → [first row, rows]; the other sides' rows and every null column are never decoded),
    else filtered from the whole file (a digest file that does not say: a bucketed run's, or an older one)."""
    names = pl.read_parquet_schema(path)
    wanted = {side: [c for c in columns if c in names] for side, columns in _SIDE_COLUMNS.items()}
    if parts and set(parts) == set(wanted):
        scan = pl.scan_parquet(path)
        read = pl.collect_all([scan.slice(*parts[side]).select(wanted[side]) for side in wanted])
    else:
        whole = pl.read_parquet(path)
        read = [whole.filter(pl.col(SIDE) == side).select(columns) for side, columns in wanted.items()]
    # in one piece each (a chunk per row group as read): the re-check gathers from them and joins on them
    return {side: frame.rechunk() for side, frame in zip(wanted, read, strict=True)}


def manifest(key: Key, *, business_profile: str, registry_profile: str, business_columns: list[str],
             home_prefecture: str | None) -> dict:
    """What must be equal for a previous run's verdicts to be carried forward."""
    return {**manifest_of(key), "business_profile": business_profile, "registry_profile": registry_profile,
            "business_columns": list(business_columns), "home_prefecture": home_prefecture}


def manifest_of(key: Key) -> dict:
    """The part of :func:`manifest` that the inputs do not change: the versions and the digest key."""
    return {"format": FORMAT, "rule_version": RULE_VERSION, "himozuke": __version__, "polars": pl.__version__,
            "key_id": key.id}


_LABELS = {"format": "要約ファイルの版", "rule_version": "規則の版", "himozuke": "himozuke の版",
           "polars": "Polars の版", "key_id": "要約の鍵", "business_profile": "業務側のレイアウト",
           "registry_profile": "住基側のレイアウト", "business_columns": "業務側の列",
           "home_prefecture": "団体の都道府県"}


def read_baseline(folder: str | os.PathLike) -> tuple[Baseline | None, str]:
    """The baseline in ``folder`` (its ``digests.parquet`` checked against its ``run.json``), or None and why not.

    Nothing here raises for a bad baseline: the caller falls back to a full check and says why."""
    folder = Path(folder)
    path, run = folder / DIGESTS, folder / "run.json"
    if not path.is_file() or not run.is_file():
        missing = DIGESTS if not path.is_file() else "run.json"
        return None, f"前回の {missing} がありません / the baseline has no {missing}"
    try:
        token = json.loads(run.read_text(encoding="utf-8")).get("digests_token")
    except Exception:  # not JSON, or not an object
        return None, "前回の run.json が壊れています / the baseline's run.json is damaged"
    try:
        meta = pl.read_parquet_metadata(path)
        stored = json.loads(meta["himozuke"])
        sides = _read_sides(path, stored.get("parts"))
    except Exception:  # any damage: unreadable parquet, no metadata, bad JSON — reported, then a full check
        return None, f"前回の {DIGESTS} が壊れています / the baseline's {DIGESTS} is damaged"
    if token is None or token != stored.get("token"):
        return None, (f"前回の {DIGESTS} と run.json が同じ実行のものではありません / the baseline's {DIGESTS} and "
                      "run.json are not from the same run")
    return Baseline(folder, stored.get("manifest", {}), sides, stored.get("lines") or {}), ""


def previous_run(folder: str | os.PathLike) -> dict | None:
    """The run whose outputs ``folder`` holds, as the case store keys a run (``inputs_sha256`` as stored, and
    ``rule_version``): what a run with ``--baseline folder`` replaces in the 定期報告's counts. None when the folder
    holds no readable run.json (nothing to replace)."""
    try:
        run = json.loads((Path(folder) / "run.json").read_text(encoding="utf-8"))
        return {"inputs_sha256": json.dumps(run["inputs_sha256"], sort_keys=True), "rule_version": run["rule_version"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def stored_derived() -> list[pl.Expr]:
    """:data:`DERIVED` as the digest file stores them (:data:`_STORED`): 4 bytes or less a column per row instead
    of a string's 16, for a caller that holds every row's (a bucketed run: 60 M rows)."""
    return [pl.col(c).cast(dtype) for c, dtype in _STORED.items()]


def mismatch(baseline: Baseline, expected: dict) -> str:
    """Why ``baseline`` cannot be carried forward under ``expected`` (:func:`manifest`), or ""."""
    differ = [k for k in expected if baseline.manifest.get(k) != expected[k]]
    if not differ:
        return ""
    names = "・".join(_LABELS.get(k, k) for k in differ)
    return f"前回の実行と{names}が違います / the baseline differs in {', '.join(differ)}"


def write_digests(path: Path, business: pl.DataFrame | pl.LazyFrame, registry: pl.DataFrame | pl.LazyFrame,
                  manifest_: dict,
                  registry_lines: pl.DataFrame | None = None, lines_meta: dict | None = None) -> str:
    """``digests.parquet`` (atomic): business rows, registry numbers and — for a re-check by lines
    (:mod:`himozuke.recheck_lines`) — registry lines, with the manifest and a fresh token in the file's metadata.
    Returns the token, which run.json records (a baseline is both files of one run)."""
    token = secrets.token_hex(8)
    absent = {D_LINE, D_PERSON} - set(business.collect_schema().names())  # kept only for a re-check by lines
    digests = [c for c in _SIDE_COLUMNS[BUSINESS_SIDE] if c not in _STORED and c not in absent]
    parts = [business.select(_side(BUSINESS_SIDE), *digests, *stored_derived()),
             registry.select(_side(REGISTRY_SIDE), *_SIDE_COLUMNS[REGISTRY_SIDE])]
    if registry_lines is not None and lines_meta:
        parts.append(registry_lines.select(_side(REGISTRY_LINE_SIDE), *_SIDE_COLUMNS[REGISTRY_LINE_SIDE]))
    meta = {"manifest": manifest_, "token": token, "lines": lines_meta if registry_lines is not None else None}
    if all(isinstance(part, pl.DataFrame) for part in parts):  # where each side is, for a reader of one side
        heights = [part.height for part in parts] + [0] * (3 - len(parts))
        firsts = itertools.accumulate(heights, initial=0)
        meta["parts"] = {side: [first, n] for side, first, n in
                         zip((BUSINESS_SIDE, REGISTRY_SIDE, REGISTRY_LINE_SIDE), firsts, heights, strict=False)}
    # digests do not compress and nothing reads the statistics: both cost CPU for nothing (docs/benchmarks.md)
    options = {"compression": "uncompressed", "statistics": False,
               "metadata": {"himozuke": json.dumps(meta, ensure_ascii=False)}}
    with atomic_path(path) as tmp:  # streamed: the sides stacked are never held as one frame, null columns and all
        pl.concat([part.lazy() for part in parts], how="diagonal_relaxed").sink_parquet(tmp, **options)
    return token


def _side(name: str) -> pl.Expr:
    """The digest file's 側 column of a side: an enum, which Parquet stores as codes (a text column would be hashed
    for its dictionary, row by row)."""
    return pl.lit(name, dtype=pl.Enum([BUSINESS_SIDE, REGISTRY_SIDE, REGISTRY_LINE_SIDE])).alias(SIDE)


# ---- the re-check ---------------------------------------------------------------------------------------------

@dataclass
class Recheck:
    """What a run with ``--baseline`` did (in run.json as ``recheck``)."""

    baseline: str
    used: bool
    reason: str = ""
    recomputed: int = 0
    carried: int = 0
    new_rows: int = 0
    gone_rows: int = 0
    registry_changed: int = 0
    #: Went by lines (:mod:`himozuke.recheck_lines`): changed lines parsed, every other result line copied.
    by_lines: bool = False
    #: Why a re-check that was used did not go by lines ("" when it did).
    not_by_lines: str = ""
    delta: dict[str, int] = field(default_factory=dict)
    #: The baseline's run as the case store keys it (:func:`previous_run`): this run checks the same records again,
    #: so the 定期報告 counts it in that run's place (:func:`himozuke.cases.progress.progress_rows`).
    replaces: dict | None = None

    @property
    def new_followups(self) -> int:
        """新規 B/C: what a scheduler's exit code 1 reports."""
        return self.delta.get(NEW, 0)


@dataclass
class Checked:
    """A run's result with what the next run needs: the business digests with the verdict columns."""

    result: pl.DataFrame
    #: 行番号, d_row, d_number, _number_key, DERIVED (rows read, in file order; a bucketed run holds DERIVED as
    #: :func:`stored_derived`, without 理由説明; lazy when it is read from a bucketed run's work folder)
    digests: pl.DataFrame | pl.LazyFrame | None
    registry: pl.DataFrame | pl.LazyFrame | None  #: d_number, d_registry (both None while ``pending``)
    pairs: pl.DataFrame | None = None  #: 行番号 → 前回行番号 and 前回判定 (a re-check only)
    #: d_line, d_number of every registry line (kept for a re-check by lines, :mod:`himozuke.recheck_lines`)
    registry_lines: pl.DataFrame | None = None
    gone: pl.DataFrame | None = None  #: previous rows no longer in the file (前回行番号, 前回判定)
    stats: dict = field(default_factory=dict)
    #: computes ``digests`` and ``registry`` when they were left for later (:func:`full_frames` with ``defer``)
    pending: Callable[[], tuple[pl.DataFrame, pl.DataFrame]] | None = None

    def digested(self) -> tuple[pl.DataFrame | pl.LazyFrame, pl.DataFrame | pl.LazyFrame]:
        """``digests`` and ``registry``, computed now if they were left for later."""
        if self.pending is not None:
            self.digests, self.registry = self.pending()
            self.pending = None
        return self.digests, self.registry


def _with_occurrence(frame: pl.DataFrame) -> pl.DataFrame:
    """The k-th row with a digest is paired with the previous run's k-th row with that digest."""
    if frame.get_column(D_ROW).n_unique() == frame.height:  # cheap path: no record repeats
        return frame.with_columns(pl.lit(0, dtype=pl.Int64).alias(_OCC))
    return frame.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).over(D_ROW).alias(_OCC))


def full_frames(b_rows: pl.DataFrame, b_rejects: pl.DataFrame | None, r_rows: pl.DataFrame, key: Key,
                home: str | None, baseline: Baseline | None = None, *, defer: bool = False) -> Checked:
    """A full check (:func:`himozuke.match.engine.check_frames`) and the digests the next run needs; with a
    ``baseline`` that could be read but not carried forward (other rules …), its rows are still paired with
    these for the delta (not one of another key or hash: :func:`paired_with`).
    ``defer``: nothing reads the digests before the digest file is written (a run without ``--baseline``), so
    they are left to :meth:`Checked.digested` — the digest file's writer, beside the outputs, where the cores
    wait on the disk, not beside the check, where they do not (docs/benchmarks.md)."""
    # the numbers parsed once, for the check and for the digests (docs/benchmarks.md, 2026-12-07)
    business = business_frame(b_rows).collect()
    numbers = business.get_column(NUMBER_KEY)
    if defer and baseline is None:
        result = check_frames(business, r_rows, b_rejects, home_prefecture=home)
        return Checked(result, None, None, pending=lambda: (
            _with_derived(business_digests(b_rows, key, numbers), result), registry_digests(r_rows, key)))
    # the pairing below needs them as soon as the check is done: hashed beside it (not free: it shares the cores
    # with the check, docs/benchmarks.md 2026-12-07)
    with ThreadPoolExecutor(1, thread_name_prefix="himozuke-digests") as pool:
        digests = pool.submit(business_digests, b_rows, key, numbers)
        registry = pool.submit(registry_digests, r_rows, key)
        result = check_frames(business, r_rows, b_rejects, home_prefecture=home)
        digests, registry = digests.result(), registry.result()
    return paired_with(Checked(result, _with_derived(digests, result), registry), baseline, key)


#: What makes two runs' digests comparable: the same key and the same hash (:data:`FORMAT`, Polars' version).
_SAME_DIGESTS = ("format", "polars", "key_id")


def paired_with(checked: Checked, baseline: Baseline | None, key: Key) -> Checked:
    """``checked`` of a full check with its rows paired with ``baseline``'s for the delta (:func:`_pair`). A baseline
    whose digests were made with another key or hash is not paired: none of its rows could be told from a deleted
    one, so the delta is as with no baseline (every B/C 新規, nothing 削除) rather than every row deleted and new."""
    if baseline is None or mismatch(baseline, {k: manifest_of(key)[k] for k in _SAME_DIGESTS}):
        return checked
    paired, gone = _paired_rows(checked.digests.select(C.ROW, D_ROW, D_NUMBER), baseline.verdicts, (C.VERDICT,))
    checked.pairs, checked.gone = _pair(paired, paired.get_column(_PREV).is_null(), gone)
    return checked


def _paired_rows(cur: pl.DataFrame, previous: pl.DataFrame, carried: Sequence[str]
                 ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``cur`` (business digests: 行番号, d_row, d_number, …) with 前回行番号 and the ``carried`` columns of the
    ``previous`` run's row each pairs with (:func:`pair_up`: both in file order, mostly alike — walked, not joined),
    and the previous rows none pairs with (前回行番号, d_number, 判定)."""
    prev_number = "_prev_number"  # (``cur`` has a d_number of its own)
    prev = previous.select(D_ROW, pl.col(C.ROW).alias(_PREV), *carried, pl.col(D_NUMBER).alias(prev_number))
    paired, gone = pair_up(cur, prev, _PREV, prev_number, C.VERDICT)
    return paired.drop(prev_number), gone.rename({prev_number: D_NUMBER})


def pair_up(cur: pl.DataFrame, prev: pl.DataFrame, *gone: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``cur`` with the columns of the ``prev`` row it pairs with (null: none) — the k-th copy of a line (its digest
    in ``d_row``) with the previous k-th copy —, and the ``gone`` columns of the ``prev`` rows no ``cur`` row pairs
    with, in their order."""
    source, unpaired = _walked(cur.get_column(D_ROW).to_numpy(), prev.get_column(D_ROW).to_numpy())
    if source is None:  # the lines moved about: joined by their digests
        source, unpaired = _placed(cur.get_column(D_ROW), prev.get_column(D_ROW))
    if source is None:  # a line written more than once
        source, unpaired = _placed(_occurrence_key(cur), _occurrence_key(prev))
    take = pl.select(pl.when(pl.lit(source) >= 0).then(pl.lit(source))).to_series()
    # gathered in a select, which takes the columns in parallel (DataFrame.gather does not: docs/benchmarks.md)
    return (pl.concat([cur, prev.drop(D_ROW).select(pl.all().gather(take))], how="horizontal"),
            prev.select(gone).filter(pl.Series(unpaired)))


def _walked(cur: np.ndarray, prev: np.ndarray) -> tuple[np.ndarray, np.ndarray] | tuple[None, None]:
    """:func:`_placed` (the k-th copy of a key paired with the previous k-th copy) found by walking both files in
    their order, as a file changes between runs: long stretches of the same lines, one at a time edited, inserted
    or deleted. A stretch is compared as arrays; where it ends (:data:`_RUN` lines differ in a row) the walk looks
    for the nearest line the two have in common, in windows that grow from :data:`_NEAR`. (None, None) when that
    costs about half of what the join would, or when the result cannot be proven equal to the join's: it is
    (its pairs equal, in the same order on both sides) when no unpaired key of either side occurs anywhere in the
    other — then every key's copies are all paired, the k-th with the k-th. A join of millions of random 64-bit
    keys costs seconds and gigabytes; the walk costs a pass (docs/benchmarks.md)."""
    n, m = len(cur), len(prev)
    source = np.full(n, -1, dtype=np.int64)
    unpaired = np.ones(m, dtype=bool)
    i = j = 0
    # in values compared (~1 ns each): about half of what a join of the two columns costs, then the join decides
    budget = 25 * (n + m) + (1 << 20)
    width = _NEAR
    while i < n and j < m:
        w = min(width, n - i, m - j)
        budget -= w
        eq = cur[i:i + w] == prev[j:j + w]
        miss = np.flatnonzero(~eq)
        stop = w
        if len(miss):
            # a stretch ends where _RUN lines in a row differ, or where lines that differ reach the window's end
            # (they may go on beyond it); fewer in a row are lines edited in place
            run = np.flatnonzero(miss[_RUN - 1:] - miss[:len(miss) - _RUN + 1] == _RUN - 1) \
                if len(miss) >= _RUN else ()
            stop = int(miss[run[0]]) if len(run) else w
            if stop == w and miss[-1] == w - 1 and (i + w < n or j + w < m):
                first = len(miss) - 1  # the start of the trailing run of differing lines
                while first and miss[first - 1] == miss[first] - 1:
                    first -= 1
                stop = int(miss[first])
        if stop:
            hit = eq[:stop]
            source[i:i + stop] = np.where(hit, np.arange(j, j + stop), -1)
            unpaired[j:j + stop] = ~hit
        i, j = i + stop, j + stop
        if stop == w and stop:
            width = min(2 * width, _WIDEST)
            continue
        budget -= _STRETCH_END
        if budget < 0:
            return None, None
        skip = _nearest(cur[i:i + _FEW].tolist(), prev[j:j + _FEW].tolist())
        if skip is not None:  # (most stretches end in a line or two inserted, deleted or edited)
            i, j = i + skip[0], j + skip[1]
            width = max(_NEAR, 2 * stop)
            continue
        near = _NEAR
        while True:  # the nearest line both have, i.e. the fewest lines of either side skipped
            a, b = cur[i:i + near], prev[j:j + near]
            budget -= 100 * (len(a) + len(b))  # (a sort: ~100 ns a value)
            common, at_a, at_b = np.intersect1d(a, b, assume_unique=False, return_indices=True)
            if len(common) or (len(a) < near and len(b) < near) or near >= _FARTHEST or budget < 0:
                break
            near *= 16
        if budget < 0:
            return None, None
        if not len(common):
            break  # nothing in common as far as it looked: the rest of both unpaired (the proof below says if so)
        k = int(np.argmin(at_a + at_b))
        i, j = i + int(at_a[k]), j + int(at_b[k])
        width = max(_NEAR, 2 * stop)
    new, gone = pl.Series(cur[source < 0]), pl.Series(prev[unpaired])
    # both proofs in one query: side by side
    found = pl.select(pl.lit(pl.Series(prev)).is_in(new.implode()).any(),
                      pl.lit(pl.Series(cur)).is_in(gone.implode()).any().alias("_gone")).row(0)
    return (None, None) if any(found) else (source, unpaired)


def _nearest(a: list[int], b: list[int]) -> tuple[int, int] | None:
    """The first equal pair (x, y), a[x] == b[y], by x + y, then x: the fewest lines skipped; None if none."""
    for total in range(1, len(a) + len(b) - 1):
        for x in range(max(0, total - len(b) + 1), min(total, len(a) - 1) + 1):
            if a[x] == b[total - x]:
                return x, total - x
    return None


#: Lines that differ in a row where the walk (:func:`_walked`) stops comparing two stretches as they lie.
_RUN = 8
#: What the end of a stretch costs the walk, in values compared: ~30 µs of Python and small NumPy calls, the time
#: NumPy compares ~30 k values in (files with many lines inserted or deleted here and there are left to the join).
_STRETCH_END = 30_000
#: The walk's first window, both for a stretch and for the nearest common line; and its widest for a stretch.
_NEAR, _WIDEST = 64, 1 << 20
#: The lines of each side the walk first looks through, one by one, for the nearest line the two have in common;
#: and the farthest it looks (a block of more new or deleted lines in the middle of a file is left to the join).
_FEW, _FARTHEST = 6, 1 << 18


def _pairs(cur: pl.Series, prev: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """The positions of equal keys in ``cur`` and ``prev``: a narrow inner join (lazy: half the eager one's time)."""
    joined = pl.LazyFrame({"k": cur}).with_row_index("c").join(
        pl.LazyFrame({"k": prev}).with_row_index("p"), on="k", how="inner").collect()
    return joined.get_column("c").to_numpy(), joined.get_column("p").to_numpy()


def _placed(cur: pl.Series, prev: pl.Series) -> tuple[np.ndarray, np.ndarray] | tuple[None, None]:
    """For each key of ``cur`` the position of the equal key in ``prev`` (-1: none), and for each key of ``prev``
    whether none in ``cur`` equals it; (None, None) when a key is on more than one row of either side — found from
    the same two scatters: a row marked twice counts once."""
    at_cur, at_prev = _pairs(cur, prev)
    source = np.full(cur.len(), -1, dtype=np.int64)
    source[at_cur] = at_prev
    unpaired = np.ones(prev.len(), dtype=bool)
    unpaired[at_prev] = False
    if np.count_nonzero(source >= 0) != len(at_cur) or prev.len() - np.count_nonzero(unpaired) != len(at_prev):
        return None, None
    return source, unpaired


def _occurrence_key(frame: pl.DataFrame) -> pl.Series:
    """The digest in ``d_row`` with the k-th copy of a line (:func:`himozuke.recheck._with_occurrence`) folded
    into one 64-bit key."""
    return _with_occurrence(frame).select(pl.col(D_ROW) ^ pl.col(_OCC).hash(seed=0x4F43)).to_series()


def _with_derived(digests: pl.DataFrame, result: pl.DataFrame) -> pl.DataFrame:
    return digests.join(result.select(C.ROW, *DERIVED), on=C.ROW, how="left", maintain_order="left")


def recheck_frames(b_rows: pl.DataFrame, b_rejects: pl.DataFrame | None, r_rows: pl.DataFrame, key: Key,
                   home: str | None, baseline: Baseline) -> Checked:
    """The result of a full check of these inputs, recomputing only what a change can reach (module doc)."""
    business = business_frame(b_rows).collect()
    cur = business_digests(b_rows, key, business.get_column(NUMBER_KEY))
    paired, gone = _paired_rows(cur, baseline.business, DERIVED)
    new = paired.get_column(_PREV).is_null()
    registry = registry_rows(r_rows).collect()
    reg = registry_digests(registry, key)
    reg_changed = reg.join(baseline.registry, on=D_NUMBER, how="full", coalesce=True, suffix="_prev").filter(
        pl.col(D_REGISTRY).ne_missing(pl.col(f"{D_REGISTRY}_prev"))).get_column(D_NUMBER)
    dirty_numbers = pl.concat([paired.filter(new).get_column(D_NUMBER), gone.get_column(D_NUMBER),
                               reg_changed]).drop_nulls().unique()
    # Who each row is about (the engine's person key, as ids within this file). A person's rows can change their
    # "several numbers" flag only when one of them is new or changed (it may add a number), or when the person had
    # several numbers before (a gone row may take one away: every row of such a person was flagged then).
    ids = person_frame(business).select(C.ROW, PERSON)
    paired = paired.join(ids, on=C.ROW, how="left", maintain_order="left")
    flagged = pl.col(C.REASONS).str.split(";").list.contains(str(Reason.PERSON_SEVERAL_NUMBERS)).fill_null(False)
    dirty_persons = paired.filter(new | flagged).get_column(PERSON).drop_nulls().unique()
    number, person = pl.col(D_NUMBER), pl.col(PERSON)
    redo = paired.select(new | number.is_in(dirty_numbers.implode()) | person.is_in(dirty_persons.implode())).to_series()
    # every row the cross-record rules let a recomputed row see: its number's and its person's other rows
    reach = paired.filter(redo)
    context = paired.select(redo | number.is_in(reach.get_column(D_NUMBER).drop_nulls().implode())
                            | person.is_in(reach.get_column(PERSON).drop_nulls().implode())).to_series()
    if context.any():
        keys = paired.filter(context).get_column(NUMBER_KEY).drop_nulls().unique()
        registry_keys = r_rows.select(typed_number_key_expr(pl.col(C.MY_NUMBER))).to_series()
        part = check_frames(b_rows.filter(context), r_rows.filter(registry_keys.is_in(keys.implode())), None,
                            home_prefecture=home)
        redone = part.join(paired.filter(redo).select(C.ROW), on=C.ROW, how="semi")
    else:
        redone = pl.DataFrame(schema={c: paired.schema[c] for c in (C.ROW, *DERIVED)})
    derived = _overlay(paired.select(C.ROW, *DERIVED), redo, redone)
    result = _values(business, registry).join(derived, on=C.ROW, how="left", maintain_order="left").select(
        RESULT_COLUMNS)
    if b_rejects is not None and b_rejects.height:
        result = pl.concat([result, rejected_rows(b_rejects)], how="vertical")
    if not result.get_column(C.ROW).is_sorted():
        result = result.sort(C.ROW)
    digests = paired.select(C.ROW, D_ROW, D_NUMBER, NUMBER_KEY).with_columns(derived.drop(C.ROW))
    stats = {"recomputed": int(redo.sum()), "checked_with_context": int(context.sum()),
             "carried": b_rows.height - int(redo.sum()), "new_rows": int(new.sum()), "gone_rows": gone.height,
             "registry_changed": reg_changed.len()}
    pairs, gone = _pair(paired, new, gone)
    return Checked(result, digests, reg, pairs=pairs, gone=gone, stats=stats)


def _pair(paired: pl.DataFrame, new: pl.Series, gone: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(行番号 → 前回行番号, 前回判定) of the rows with a previous self, and the previous rows without a current
    one. An unchanged row is its previous self; an edited row is when they share the number (k-th new row of a
    number ↔ k-th gone row of it)."""
    edited = _by_number(paired.filter(new).select(C.ROW, D_NUMBER)).join(
        _by_number(gone.select(_PREV, D_NUMBER, C.VERDICT)), on=[D_NUMBER, _OCC], how="inner")
    pairs = pl.concat([paired.filter(~new).select(C.ROW, _PREV, C.VERDICT), edited.select(C.ROW, _PREV, C.VERDICT)])
    gone = gone.join(edited.select(_PREV), on=_PREV, how="anti")
    return (pairs.rename({C.VERDICT: PREVIOUS_VERDICT}),
            gone.select(_PREV, pl.col(C.VERDICT).alias(PREVIOUS_VERDICT)))


def _by_number(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter(pl.col(D_NUMBER).is_not_null()).with_columns(
        pl.int_range(pl.len(), dtype=pl.Int64).over(D_NUMBER).alias(_OCC))


def _overlay(carried: pl.DataFrame, redo: pl.Series, redone: pl.DataFrame) -> pl.DataFrame:
    """``carried``'s verdict columns with ``redone``'s rows in the places ``redo`` marks, nulls included."""
    at = redo.arg_true()
    aligned = carried.select(pl.col(C.ROW).gather(at)).join(redone, on=C.ROW, how="left", maintain_order="left")
    return carried.with_columns(carried.get_column(c).scatter(at, aligned.get_column(c).cast(carried.schema[c]))
                                for c in DERIVED)


def _values(business: pl.DataFrame, registry: pl.DataFrame) -> pl.DataFrame:
    """行番号, 個人番号 and both sides' values of every business row (``business``, ``registry``: from
    :func:`himozuke.match.engine.business_frame` and :func:`~himozuke.match.engine.registry_rows`), as the engine
    joins them (the registry's first row of a number; nothing for a malformed number)."""
    registry = one_per_number(registry).select(NUMBER_KEY, *(C.registry(i) for i in C.ITEMS))
    return business.join(registry, on=NUMBER_KEY, how="left", maintain_order="left")


def delta(checked: Checked, result: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """delta.csv's rows (full numbers; the writer masks): 新規 B/C, 解消 (B/C → A), 変化 (any other change of 判定),
    削除 (a B/C row no longer in the business file). Without a baseline every B/C row is 新規. ``result``: its rows
    in any order (a bucketed run's as its runs lie); only the rows that go into delta.csv are ever held."""
    now = result.lazy().select(DELTA_SOURCE)
    if checked.pairs is None:
        now = now.with_columns(pl.lit(None, dtype=pl.Int64).alias(_PREV), pl.lit(None, dtype=pl.String)
                               .alias(PREVIOUS_VERDICT))
    else:
        now = now.join(checked.pairs.lazy().select(C.ROW, _PREV, PREVIOUS_VERDICT), on=C.ROW, how="left")
    was, is_ = pl.col(PREVIOUS_VERDICT), pl.col(C.VERDICT)
    kind = (pl.when(is_.is_in(_FOLLOWED) & ~was.is_in(_FOLLOWED).fill_null(False)).then(pl.lit(NEW))
            .when(was.is_in(_FOLLOWED) & (is_ == str(Verdict.A))).then(pl.lit(RESOLVED))
            .when(was.is_not_null() & (was != is_)).then(pl.lit(CHANGED)))
    rows = now.with_columns(kind.alias(KIND)).filter(pl.col(KIND).is_not_null()).collect().sort(C.ROW)
    if checked.gone is not None and checked.gone.height:
        gone = checked.gone.filter(pl.col(PREVIOUS_VERDICT).is_in(_FOLLOWED)).select(
            pl.lit(GONE).alias(KIND), _PREV, PREVIOUS_VERDICT)
        rows = pl.concat([rows, gone], how="diagonal_relaxed")
    return rows.select(DELTA_COLUMNS)


#: The result columns :func:`delta` reads.
DELTA_SOURCE = (C.ROW, C.MY_NUMBER, C.VERDICT, C.REASONS, REASON_DETAIL, C.PRIORITY)


def new_cases(cases: pl.DataFrame, checked: Checked, case_verdicts: tuple[str, ...]) -> pl.DataFrame:
    """The rows of ``cases`` (判定 in ``case_verdicts``) whose previous 判定 was not one (new rows included): the
    follow-up store already holds a case for the others."""
    if checked.pairs is None:
        return cases
    was = cases.select(C.ROW).join(checked.pairs, on=C.ROW, how="left", maintain_order="left").get_column(
        PREVIOUS_VERDICT)
    return cases.filter(~was.is_in(case_verdicts).fill_null(False))


def delta_counts(rows: pl.DataFrame) -> dict[str, int]:
    got = dict(rows.group_by(KIND).len().iter_rows())
    return {k: int(got.get(k, 0)) for k in (NEW, RESOLVED, CHANGED, GONE)}


def write_delta(rows: pl.DataFrame, path: Path, *, show_number: bool) -> None:
    """delta.csv: UTF-8 with BOM like result.csv, 個人番号 masked unless ``show_number`` (report's writer)."""
    from himozuke.report.tables import write_csv

    write_csv(rows, path, show_number=show_number)


__all__ = ["DELTA", "DELTA_COLUMNS", "DIGESTS", "Baseline", "Checked", "Key", "Recheck", "delta", "full_frames",
           "load_key", "read_baseline", "recheck_frames"]
