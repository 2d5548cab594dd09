"""The 4-information lookup: find a person's 個人番号 in a resident register from the 4情報 of an application.

「マイナンバー情報総点検について」§3 再発防止対策: when the form carries no number, 「4情報（又は性別を除く3情報）で照会」
and, when several people answer, choose among them only on further information — never by guess. This module
adds no rule of its own (docs/lookup.md):

- **Refused**: an inquiry with fewer items — the J-LIS request writer's reason
  (:func:`himozuke.formats.jlis.build_request` / ``inquiry_blocker_expr``), which also decides 4情報 or 3情報
  (性別 missing or unknown).
- **Candidates**: the register rows whose every item the application gives is 一致 or 表記ゆれ一致 by the
  check's own level tables (:mod:`himozuke.match.compare`: the same normalisers, 異体字 sets, 清音処理, 住所 parts
  and 市区町村) — a candidate is never produced by a looser rule than the check's A. 性別 is compared in a
  4情報 inquiry only; a 氏名 form (漢字 or カナ) the application leaves blank is not compared.
- **Vectorised**: applications are joined to the register on blocking keys every candidate must share (the
  生年月日, the 性別 code in a 4情報 inquiry, the カナ氏名 key when the application gives one — each as the check
  reads it, and each implied by 一致 and 表記ゆれ一致 alike), then the pairs go through the check's comparison
  once, as one frame.

Outcomes per application: 該当 (one candidate: its number), 複数該当 (every candidate, one row each, with the items
whose register values tell them apart — never one picked), 該当なし (E 照合不能), 照会不可 (too few items, with
the guideline's reason) and 読めない行 (the reader's reason). Every input row ends in exactly one of them.

>>> reg = pl.DataFrame({"個人番号": ["123456789018", "000000000019"], "漢字氏名": ["髙橋　一郎", "高橋　一郎"],
...     "カナ氏名": ["タカハシ　イチロウ"] * 2, "生年月日": ["1980-01-02"] * 2, "性別": ["1", "1"],
...     "住所": ["東京都千代田区霞が関一丁目1番1号", "大阪府大阪市北区梅田1-1-1"]})
>>> r = lookup({"漢字氏名": "高橋一郎", "カナ氏名": "タカハシ イチロウ", "生年月日": "S55.1.2", "性別": "男",
...             "住所": "東京都千代田区霞が関1-1-1"}, reg)
>>> str(r.outcome), r.kind, [c.masked for c in r.candidates], r.candidates[0].verdicts["漢字氏名"]
('該当', '4情報', ['1234 **** 9018'], '表記ゆれ一致')
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import polars as pl

from himozuke import mynumber
from himozuke.errors import InputFileError, UsageError
from himozuke.formats import columns as C
from himozuke.formats.jlis import INQUIRY_KIND, KIND_FOUR, REQUEST_SERIAL, build_request
from himozuke.formats.profiles import Profile
from himozuke.formats.records import open_records
from himozuke.formats.tabular import REJECT_REASON
from himozuke.match import home
from himozuke.match import scratch as S
from himozuke.match.classify import Verdict
from himozuke.match.compare import MATCHING, compare, prepare
from himozuke.text.blank import is_blank_expr, strip_blanks_expr
from himozuke.text.dates import parse_date_expr
from himozuke.text.kana import kana_key_expr
from himozuke.text.sex import parse_sex_expr


class Outcome(StrEnum):
    """What one application's inquiry came to (照会結果)."""

    FOUND = C.INQUIRY_FOUND  # 該当: one candidate
    SEVERAL = C.INQUIRY_MULTIPLE  # 複数該当: every candidate, the officer chooses
    NONE = C.INQUIRY_NOT_FOUND  # 該当なし: E 照合不能
    REFUSED = "照会不可"  # fewer items than a 3情報 inquiry needs
    UNREADABLE = "読めない行"  # the reader could not split the line


#: Result columns (one row per application per outcome; 複数該当: one row per candidate).
INQUIRY_ID = "照会番号"
CANDIDATE = "候補番号"
CANDIDATES = "候補数"
DIFFERING = "相違項目"
REASON_DETAIL = "理由説明"
USED = "照会項目"
COLUMNS: tuple[str, ...] = (
    INQUIRY_ID, C.ROW, INQUIRY_KIND, C.INQUIRY_RESULT, C.VERDICT, CANDIDATES, CANDIDATE, C.MY_NUMBER, DIFFERING,
    USED, C.REASONS, REASON_DETAIL, *(C.item_verdict(i) for i in C.ITEMS),
    *(col for i in C.ITEMS for col in (C.business(i), C.registry(i))),
)
SCHEMA: dict[str, pl.DataType] = {c: pl.String() for c in COLUMNS} | {C.ROW: pl.Int64(), CANDIDATES: pl.UInt32(),
                                                                     CANDIDATE: pl.UInt32()}

#: Why an application found no one (E 照合不能).
NONE_REASON = "lookup.none"
NONE_TEXT = ("照会に使った項目がすべて一致（マニュアル §7(6) A の表記ゆれを含む）する住民がいません（E 照合不能） / "
             "no resident agrees on every item given, notation variants of manual §7(6) A included")
#: The blocking keys (生年月日, 性別, カナ氏名 as the check reads them) and the register's DV等支援対象 flag.
_BLOCK_BIRTH, _BLOCK_SEX, _BLOCK_KANA, _DV = "_birth_key", "_sex_key", "_kana_key", "_dv"


def _blocking_keys(side: str) -> list[pl.Expr]:
    """The keys every candidate shares with its application: for each of these items, 一致 (the same text once
    surrounding blanks are stripped, and a value that identifies someone) and 表記ゆれ一致 (the keys equal) both
    imply equal keys — so joining on them loses no candidate, and the comparison still decides."""
    col = C.business if side == "b" else C.registry
    return [parse_date_expr(strip_blanks_expr(pl.col(col(C.BIRTH_DATE)))).alias(_BLOCK_BIRTH),
            parse_sex_expr(strip_blanks_expr(pl.col(col(C.SEX)))).alias(_BLOCK_SEX),
            kana_key_expr(strip_blanks_expr(pl.col(col(C.KANA_NAME)))).alias(_BLOCK_KANA)]


@dataclass(frozen=True)
class Register:
    """A resident-register extract ready for lookups: one row per usable person (a 該当 row with a valid
    個人番号), with its blocking keys. Build it once with :func:`load_register` for many lookups."""

    rows: pl.DataFrame
    name: str
    home_prefecture: str | None
    home_source: str
    #: register lines that are no one's answer: unreadable, not 該当 (消除者 …), an invalid 個人番号, an unreadable
    #: 生年月日, or a repeat of a line already there
    unusable: int = 0


def _register_rows(frame: pl.DataFrame | pl.LazyFrame) -> tuple[pl.DataFrame, int]:
    lf = frame.lazy()
    names = lf.collect_schema().names()
    missing = [c for c in C.STANDARD if c not in names]
    if missing:
        raise InputFileError(f"住基側に必要な列がありません: {'、'.join(missing)}",
                             f"the register lacks required columns: {', '.join(missing)}")
    status = pl.col(C.INQUIRY_RESULT) if C.INQUIRY_RESULT in names else pl.lit(C.INQUIRY_FOUND)
    dv = C.is_dv_expr(pl.col(C.DV_FLAG)) if C.DV_FLAG in names else pl.lit(False)
    rows = lf.select(
        mynumber.normalize_expr(pl.col(C.MY_NUMBER).cast(pl.String)).alias(C.MY_NUMBER),
        *(pl.col(i).cast(pl.String).alias(C.registry(i)) for i in C.ITEMS),
        dv.alias(_DV), status.fill_null(C.INQUIRY_FOUND).alias("_status"),
    ).collect()
    usable = rows.filter((pl.col("_status") == C.INQUIRY_FOUND) & mynumber.is_valid_expr(pl.col(C.MY_NUMBER)))
    # a J-LIS result answers the same person once per request: one person, one candidate (a number with two
    # different sets of 4情報 stays twice — the officer sees both)
    usable = usable.unique(maintain_order=True)
    keyed = usable.drop("_status").with_columns(_blocking_keys("r")).filter(pl.col(_BLOCK_BIRTH).is_not_null())  # an unreadable 生年月日 is never 一致: no one's candidate
    return keyed, rows.height - keyed.height


def load_register(source: str | os.PathLike | pl.DataFrame | pl.LazyFrame | Register, *,
                  profile: str | Path | Profile | None = None, encoding: str | None = None,
                  home_prefecture: str | None = None) -> Register:
    """A register from a file (any registry format ``himozuke check`` reads: the standard CSV / xlsx, the J-LIS
    result CSV or fixed-length file, through ``profile``) or a frame of standard columns (+ optional 照会結果,
    DV等支援対象). ``home_prefecture`` settles a 市区町村 name several prefectures have, as in the check
    (:mod:`himozuke.match.home`: else the profile's, else the prefecture most register addresses give)."""
    if isinstance(source, Register):
        return source
    if isinstance(source, pl.DataFrame | pl.LazyFrame):
        rows, unusable = _register_rows(source)
        name, profile_home = "register", None
    else:
        with open_records(source, role="registry", profile=profile, encoding=encoding, whole=True) as r:
            rows, unusable = _register_rows(r.rows)
            rejected = r.rejects.select(pl.len()).collect().item()
            name, profile_home = r.name, (r.profile, r.home_prefecture)
        unusable += rejected
    said, source_of = home.given(home_prefecture, *([profile_home] if profile_home else []))
    if said is None:
        said, source_of = home.inferred(rows.select(pl.col(C.registry(C.ADDRESS)).alias(C.ADDRESS)))
    return Register(rows=rows, name=name, home_prefecture=said, home_source=source_of, unusable=unusable)


def _requests(applications: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Applications (行番号 + any of the 4情報 columns) → (inquiries: 行番号, 照会区分 and the items as written;
    refused: 行番号, 理由). The request writer decides both (one rule: ``inquiry_blocker_expr``)."""
    apps = applications.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in C.STANDARD
                                     if c not in applications.columns)
    apps = apps.with_columns(pl.col(c).cast(pl.String) for c in C.ITEMS)
    request, refused = build_request(apps.with_columns(pl.lit(None, dtype=pl.String).alias(C.MY_NUMBER)))
    kinds = request.select(pl.col(REQUEST_SERIAL).cast(pl.Int64).alias(C.ROW), INQUIRY_KIND)
    inquiries = apps.select(C.ROW, *C.ITEMS).join(kinds, on=C.ROW, how="inner", maintain_order="left")
    return inquiries, refused


def _used(kind: pl.Expr) -> dict[str, pl.Expr]:
    """Per item: does the inquiry compare it? 性別 in a 4情報 inquiry only; a blank 氏名 form is not given."""
    given = {i: ~is_blank_expr(pl.col(C.business(i))) for i in C.ITEMS}
    return {**given, C.BIRTH_DATE: pl.lit(True), C.ADDRESS: pl.lit(True), C.SEX: kind == KIND_FOUR}


def _pairs(inquiries: pl.DataFrame, register: Register) -> pl.DataFrame:
    """Every (application, register row) sharing the blocking keys (:func:`_blocking_keys`) of the items the
    inquiry uses: the 生年月日 always, the 性別 in a 4情報 inquiry, the カナ氏名 when the application gives it."""
    apps = inquiries.select(C.ROW, INQUIRY_KIND, *(pl.col(i).alias(C.business(i)) for i in C.ITEMS)).with_columns(
        _blocking_keys("b")).filter(pl.col(_BLOCK_BIRTH).is_not_null())
    used = _used(pl.col(INQUIRY_KIND))
    apps = apps.with_columns(used[C.SEX].alias("_by_sex"), used[C.KANA_NAME].alias("_by_kana"))
    reg, parts = register.rows, []
    if apps.height * 100 < reg.height:  # a few applications: the rows born on their days, not a hash of them all
        reg = reg.filter(pl.col(_BLOCK_BIRTH).is_in(apps.get_column(_BLOCK_BIRTH).unique().implode()))
    for by_sex in (True, False):
        for by_kana in (True, False):
            on = [_BLOCK_BIRTH, *([_BLOCK_SEX] if by_sex else []), *([_BLOCK_KANA] if by_kana else [])]
            unused = [k for k in (_BLOCK_SEX, _BLOCK_KANA) if k not in on]
            part = apps.filter((pl.col("_by_sex") == by_sex) & (pl.col("_by_kana") == by_kana))
            if part.height:
                parts.append(part.drop(unused, "_by_sex", "_by_kana").join(reg.drop(unused), on=on, how="inner"))
    if not parts:
        return apps.head(0).drop("_by_sex", "_by_kana").join(reg, on=[_BLOCK_BIRTH, _BLOCK_SEX, _BLOCK_KANA])
    return pl.concat(parts, how="diagonal_relaxed")


def candidates(inquiries: pl.DataFrame, register: Register) -> pl.DataFrame:
    """The candidate rows of ``inquiries`` (from :func:`_requests`): 行番号, 照会区分, 個人番号, both sides'
    items, the item verdicts (null for an item not compared) and the reason codes of the compared items."""
    pairs = _pairs(inquiries, register)
    items = [c for i in C.ITEMS for c in (C.business(i), C.registry(i))]
    if pairs.height == 0:
        return pl.DataFrame(schema={C.ROW: pl.Int64, INQUIRY_KIND: pl.String, C.MY_NUMBER: pl.String,
                                    **dict.fromkeys(items, pl.String), _DV: pl.Boolean,
                                    **dict.fromkeys((C.item_verdict(i) for i in C.ITEMS), pl.String),
                                    C.REASONS: pl.String})
    compared = compare(prepare(pairs.select(items), register.home_prefecture))
    used = _used(pl.col(INQUIRY_KIND))
    judged = pl.concat([pairs.select(C.ROW, INQUIRY_KIND, C.MY_NUMBER, _DV), compared.select(
        *items, *(C.item_verdict(i) for i in C.ITEMS), *(S.reason(i) for i in C.ITEMS))], how="horizontal")
    agrees = pl.all_horizontal(~used[i] | pl.col(C.item_verdict(i)).is_in([str(v) for v in MATCHING])
                               for i in C.ITEMS)
    return judged.filter(agrees).select(
        C.ROW, INQUIRY_KIND, C.MY_NUMBER, *items, _DV,
        *(pl.when(used[i]).then(pl.col(C.item_verdict(i))).alias(C.item_verdict(i)) for i in C.ITEMS),
        pl.concat_str([pl.when(used[i]).then(pl.col(S.reason(i))) for i in C.ITEMS], separator=";",
                      ignore_nulls=True).alias(C.REASONS),
    )


def _explained(frame: pl.DataFrame) -> pl.DataFrame:
    from himozuke.match.engine import explain_expr

    codes = pl.when(pl.col(C.REASONS) != "").then(pl.col(C.REASONS))
    return frame.with_columns(codes.alias(C.REASONS)).with_columns(explain_expr(pl.col(C.REASONS)).alias(REASON_DETAIL))


def _found(cands: pl.DataFrame, prefix: str) -> pl.DataFrame:
    """Candidate rows → result rows: numbered 1 … n per application in 個人番号 order (an order that prefers no
    one), 該当 or 複数該当, and the items whose register values tell the candidates apart."""
    per = pl.len().over(C.ROW).cast(pl.UInt32)
    differs = pl.concat_list([
        pl.when(strip_blanks_expr(pl.col(C.registry(i))).n_unique().over(C.ROW) > 1).then(pl.lit(i))
        for i in C.ITEMS]).list.drop_nulls().list.join("・")
    rows = cands.sort(C.ROW, C.MY_NUMBER).with_columns(
        per.alias(CANDIDATES),
        pl.int_range(1, pl.len() + 1, dtype=pl.UInt32).over(C.ROW).alias(CANDIDATE),
        pl.when(per > 1).then(pl.lit(str(Outcome.SEVERAL))).otherwise(pl.lit(str(Outcome.FOUND)))
        .alias(C.INQUIRY_RESULT),
        pl.when(per > 1).then(differs).alias(DIFFERING),
    ).with_columns(pl.when(pl.col(DIFFERING) != "").then(pl.col(DIFFERING)).alias(DIFFERING))
    return _explained(rows).with_columns(_inquiry_id(prefix))


def _inquiry_id(prefix: str) -> pl.Expr:
    return pl.concat_str([pl.lit(prefix), pl.col(C.ROW).cast(pl.String)], separator="-").alias(INQUIRY_ID)


def _used_label() -> pl.Expr:
    used = _used(pl.col(INQUIRY_KIND))
    return pl.concat_list([pl.when(used[i]).then(pl.lit(i)) for i in C.ITEMS]).list.drop_nulls().list.join("・")


def lookup_frame(applications: pl.DataFrame, register: Register, *, prefix: str = "L",
                 rejects: pl.DataFrame | None = None) -> pl.DataFrame:
    """The lookup of every application (行番号 + any of the 4情報 columns, as written) against ``register``:
    the result rows (:data:`COLUMNS`) in 行番号 order, 個人番号 in full (masking is the writer's job).
    ``rejects``: lines the reader could not split (行番号, 理由), each one row 読めない行. 照会番号 is
    ``<prefix>-<行番号>``, shared by the candidates of one application."""
    inquiries, refused = _requests(applications)
    cands = candidates(inquiries, register)
    found = _found(cands, prefix)
    apps = inquiries.select(C.ROW, INQUIRY_KIND, *(pl.col(i).alias(C.business(i)) for i in C.ITEMS))
    none = apps.join(cands.select(C.ROW).unique(), on=C.ROW, how="anti").with_columns(
        pl.lit(str(Outcome.NONE)).alias(C.INQUIRY_RESULT), pl.lit(str(Verdict.E)).alias(C.VERDICT),
        pl.lit(0, dtype=pl.UInt32).alias(CANDIDATES), pl.lit(NONE_REASON).alias(C.REASONS),
        pl.lit(NONE_TEXT).alias(REASON_DETAIL), _inquiry_id(prefix))
    given = applications.select(C.ROW, *(pl.col(i).cast(pl.String).alias(C.business(i))
                                         for i in C.ITEMS if i in applications.columns))
    blocked = refused.join(given, on=C.ROW, how="left").select(
        pl.col(C.ROW), _inquiry_id(prefix), pl.lit(str(Outcome.REFUSED)).alias(C.INQUIRY_RESULT), pl.lit(str(Verdict.E)).alias(C.VERDICT),
        pl.lit("lookup.refused").alias(C.REASONS), pl.col(REJECT_REASON).alias(REASON_DETAIL),
        *(c for c in given.columns if c != C.ROW))
    unread = (rejects if rejects is not None else pl.DataFrame(schema={C.ROW: pl.Int64, REJECT_REASON: pl.String}))
    unread = unread.select(pl.col(C.ROW), _inquiry_id(prefix), pl.lit(str(Outcome.UNREADABLE)).alias(C.INQUIRY_RESULT),
                           pl.lit(str(Verdict.E)).alias(C.VERDICT), pl.lit("row.unreadable").alias(C.REASONS),
                           pl.col(REJECT_REASON).alias(REASON_DETAIL))
    parts = [found.with_columns(_used_label().alias(USED)), none.with_columns(_used_label().alias(USED)), blocked,
             unread]
    out = pl.concat([p.select(c for c in p.columns if c in SCHEMA or c == _DV) for p in parts], how="diagonal_relaxed")
    out = out.with_columns(pl.lit(None, dtype=t).alias(c) for c, t in SCHEMA.items() if c not in out.columns)
    return out.sort(C.ROW, CANDIDATE, nulls_last=True).select(*COLUMNS, pl.col(_DV).fill_null(False))


@dataclass(frozen=True)
class Candidate:
    """One register person every given item agrees with. ``repr`` masks the number."""

    number: str = field(repr=False)
    index: int
    items: dict[str, str | None]  # the register's 4情報
    verdicts: dict[str, str | None]  # per item: 一致 / 表記ゆれ一致, None when not compared
    reasons: str | None  # codes of the notation matches (kanji.variant …)

    @property
    def masked(self) -> str:
        return mynumber.mask(self.number)

    def __repr__(self) -> str:
        return f"Candidate(index={self.index}, number={self.masked!r}, verdicts={self.verdicts!r})"


@dataclass(frozen=True)
class LookupResult:
    """What a lookup came to: :class:`Outcome`, the candidates (one: its number; several: each, never one picked),
    the items that tell several apart, and the reason when there is none or the inquiry was refused."""

    inquiry_id: str
    outcome: Outcome
    kind: str | None  # 4情報 / 3情報 (None when refused)
    candidates: tuple[Candidate, ...]
    differing: tuple[str, ...]
    reason: str | None

    @property
    def number(self) -> str | None:
        """The 個人番号 when exactly one person answered; None otherwise (several are the officer's choice)."""
        return self.candidates[0].number if self.outcome is Outcome.FOUND else None


def _item_names(items: Mapping[str, object]) -> dict[str, str | None]:
    unknown = sorted(set(items) - set(C.ITEMS))
    if unknown:
        raise UsageError(f"照会の項目は {'・'.join(C.ITEMS)} です（不明: {'・'.join(unknown)}）",
                         f"lookup items are {', '.join(C.ITEMS)} (unknown: {', '.join(unknown)})")
    return {i: None if items.get(i) is None else str(items[i]) for i in C.ITEMS}


def lookup(items: Mapping[str, object], register: str | os.PathLike | pl.DataFrame | pl.LazyFrame | Register, *,
           home_prefecture: str | None = None, inquiry_id: str | None = None) -> LookupResult:
    """Look one application up: ``items`` maps 漢字氏名 / カナ氏名 / 生年月日 / 性別 / 住所 to their text as written
    (any may be missing; fewer than a 3情報 inquiry needs is refused with the guideline's reason). ``register``:
    a :class:`Register` (load it once for many lookups), a file or a frame (:func:`load_register`)."""
    values = _item_names(items)
    reg = load_register(register, home_prefecture=home_prefecture)
    ident = inquiry_id or single_prefix()
    frame = pl.DataFrame({C.ROW: [1], **{i: pl.Series([v], dtype=pl.String) for i, v in values.items()}})
    rows = lookup_frame(frame, reg, prefix=ident)
    first = rows.row(0, named=True)
    outcome = Outcome(first[C.INQUIRY_RESULT])
    found = () if outcome not in (Outcome.FOUND, Outcome.SEVERAL) else tuple(
        Candidate(number=r[C.MY_NUMBER], index=r[CANDIDATE], items={i: r[C.registry(i)] for i in C.ITEMS},
                  verdicts={i: r[C.item_verdict(i)] for i in C.ITEMS}, reasons=r[C.REASONS])
        for r in rows.iter_rows(named=True))  # the candidates of one application: a handful of rows
    differing = tuple((first[DIFFERING] or "").split("・")) if first[DIFFERING] else ()
    return LookupResult(inquiry_id=first[INQUIRY_ID] or ident, outcome=outcome, kind=first[INQUIRY_KIND],
                        candidates=found, differing=differing,
                        reason=None if outcome in (Outcome.FOUND, Outcome.SEVERAL) else first[REASON_DETAIL])


@dataclass(frozen=True)
class BatchSummary:
    """What :func:`lookup_file` did: rows read and how many per 照会結果, the inquiry id prefix, the register."""

    rows: int
    counts: dict[str, int]
    prefix: str
    register: Register
    result: pl.DataFrame


def single_prefix() -> str:
    """照会番号 prefix of a single lookup: ``L`` + 8 random hex digits (nothing of the person in it)."""
    return f"L{uuid.uuid4().hex[:8]}"


def batch_prefix(path: str | os.PathLike) -> str:
    """照会番号 prefix of a batch: ``L`` + the first 8 hex digits of the application file's SHA-256 (the same
    file gives the same ids, so a choice made later finds its inquiry again)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return "L" + digest.hexdigest()[:8]


def where(file: str) -> pl.Expr:
    """照会不可 and 読めない行 say where, as every rejection does: ``申請.csv:12: <reason>``."""
    rejected = pl.col(C.INQUIRY_RESULT).is_in([str(Outcome.REFUSED), str(Outcome.UNREADABLE)])
    return pl.when(rejected).then(pl.concat_str([pl.lit(f"{file}:"), pl.col(C.ROW).cast(pl.String), pl.lit(": "),
                                                  pl.col(REASON_DETAIL)])).otherwise(pl.col(REASON_DETAIL)
                                                                                     ).alias(REASON_DETAIL)


def displayed(result: pl.DataFrame, *, show_number: bool = False) -> pl.DataFrame:
    """The result as a person reads it: 個人番号 masked unless ``show_number``; a DV等支援対象 candidate's
    addresses (both sides) hidden — the columns of :data:`COLUMNS` only."""
    hide = pl.col(_DV).fill_null(False) if _DV in result.columns else pl.lit(False)
    number = pl.col(C.MY_NUMBER) if show_number else mynumber.mask_expr(pl.col(C.MY_NUMBER))
    return result.with_columns(
        number.alias(C.MY_NUMBER),
        *(pl.when(hide).then(pl.lit(C.DV_HIDDEN)).otherwise(pl.col(c)).alias(c)
          for c in (C.business(C.ADDRESS), C.registry(C.ADDRESS))),
    ).select(COLUMNS)


def write_result(result: pl.DataFrame, path: str | os.PathLike, *, show_number: bool = False) -> Path:
    """The lookup result file: UTF-8 with BOM (Excel opens it), written atomically."""
    from himozuke.atomic import atomic_path

    with atomic_path(path) as tmp:
        displayed(result, show_number=show_number).write_csv(tmp, include_bom=True)
    return Path(path)


def lookup_file(applications: str | os.PathLike, register: str | os.PathLike | Register, out: str | os.PathLike, *,
                profile: str | Path | Profile | None = None, encoding: str | None = None,
                registry_profile: str | Path | Profile | None = None, registry_encoding: str | None = None,
                home_prefecture: str | None = None, show_number: bool = False) -> BatchSummary:
    """The batch form: a file of applications (CSV cp932 / UTF-8 or xlsx, 4情報 columns, 個人番号 not needed)
    → the lookup result file at ``out`` (:func:`write_result`). Every line ends in one outcome row (several for
    複数該当: one per candidate, sharing a 照会番号)."""
    reg = load_register(register, profile=registry_profile, encoding=registry_encoding,
                        home_prefecture=home_prefecture)
    with open_records(applications, role="application", profile=profile, encoding=encoding, whole=True) as r:
        rows, rejects = pl.collect_all([r.rows, r.rejects])
        if C.KANJI_NAME not in rows.columns and C.KANA_NAME not in rows.columns:
            raise InputFileError("氏名の列（漢字氏名・カナ氏名）がありません",
                                 "no name column (漢字氏名 or カナ氏名)", file=r.name, line=1)
    prefix = batch_prefix(applications)
    result = lookup_frame(rows, reg, prefix=prefix, rejects=rejects).with_columns(where(r.name))
    write_result(result, out, show_number=show_number)
    per_app = result.unique(C.ROW)
    counts = {str(o): int((per_app.get_column(C.INQUIRY_RESULT) == str(o)).sum()) for o in Outcome}
    return BatchSummary(rows=per_app.height, counts=counts, prefix=prefix, register=reg, result=result)
