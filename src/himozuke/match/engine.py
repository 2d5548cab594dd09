"""The check: join business records to registry records on 個人番号, compare, classify, prioritise.

Result contract (one row per business row, in input order — ``rows in == A + B + C + E``):
``行番号, 個人番号, 判定, 漢字氏名判定, カナ氏名判定, 生年月日判定, 性別判定, 住所判定, 理由, 理由説明, 優先度``
followed by ``<item>_業務`` and ``<item>_住基`` for every item. 個人番号 here is the full number: masking is the
job of every human-facing writer (``report``).

The unit of work is a *bucket*: rows whose 個人番号 hash to the same bucket on both sides
(:func:`check_bucket`). Everything it needs is bucket-local except "one person under several numbers", which is
computed over the whole business file by :func:`several_numbers_rows` and passed in. :func:`check_frames` runs
the whole input as one bucket.

Cheap path: a pair whose five items are identical text is ``A`` with every item ``一致``; it never reaches the
normalisers. Only the remaining rows are normalised (``compare.prepare``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import polars as pl

from himozuke import mynumber
from himozuke.formats import columns as C
from himozuke.formats.tabular import REJECT_REASON
from himozuke.match import classify as K
from himozuke.match import scratch as S
from himozuke.match.compare import COMPARISONS, ItemVerdict, levels, no_one, prepare, verdicts
from himozuke.match.conditions import Col, Cond, Eq, Gt, IsNull, Lit, Ne, first_holding
from himozuke.match.evidence import LOOKED_AT, evidence
from himozuke.match.evidence import SCHEMA as EVIDENCE_SCHEMA
from himozuke.match.reasons import REASON_TEXT, Reason
from himozuke.text import address as address_text
from himozuke.text import kana as kana_text
from himozuke.text.person import (
    PartTables,
    part_tables,
    person_hashes,
    person_ids,
    several_numbers_expr,
    shared_number_expr,
)

RESULT_COLUMNS: tuple[str, ...] = (
    C.ROW, C.MY_NUMBER, C.VERDICT, *(C.item_verdict(i) for i in C.ITEMS), C.REASONS, "理由説明", C.PRIORITY,
    *(col for i in C.ITEMS for col in (C.business(i), C.registry(i))),
)
REASON_DETAIL = "理由説明"
#: Types of the result columns (all text but 行番号 and 優先度).
RESULT_SCHEMA: dict[str, pl.DataType] = {c: pl.String() for c in RESULT_COLUMNS} | {C.ROW: pl.Int64(),
                                                                                   C.PRIORITY: pl.Int32()}
_INQUIRY_REASON = {
    C.INQUIRY_NOT_FOUND: Reason.INQUIRY_NOT_FOUND,
    C.INQUIRY_MULTIPLE: Reason.INQUIRY_MULTIPLE,
    C.INQUIRY_DELETED: Reason.INQUIRY_DELETED,
    C.INQUIRY_ERROR: Reason.INQUIRY_ERROR,
}


NUMBER_KEY = S.NUMBER_KEY  #: the 個人番号 as an integer (scale, Spark and recheck read it)


def business_frame(rows: pl.LazyFrame | pl.DataFrame, keep: Sequence[str] = ()) -> pl.LazyFrame:
    """Standard business records → 行番号, 個人番号 (normalised), ``<item>_業務``, the columns ``keep`` as they are
    and the number as an integer (``_number_key``, parsed once here for the check digit, the join and the
    cross-record passes). Records that carry ``_number_key`` already are this function's own output (a caller that
    needs the numbers too framed them first): they are not framed again."""
    if NUMBER_KEY in rows.collect_schema().names():
        return rows.lazy()
    return rows.lazy().select(
        pl.col(C.ROW),
        mynumber.normalize_expr(pl.col(C.MY_NUMBER)).alias(C.MY_NUMBER),
        *(pl.col(i).alias(C.business(i)) for i in C.ITEMS),
        *keep,
    ).with_columns(number_key_expr(pl.col(C.MY_NUMBER)).alias(NUMBER_KEY))


def number_key_expr(e: pl.Expr) -> pl.Expr:
    """A 12-digit number as an integer (null otherwise): joins and counts on it are cheaper than on text, and
    nothing malformed can meet anything."""
    return mynumber.integer_expr(e)


def _with_key(business: pl.DataFrame | pl.LazyFrame):
    """``business`` with ``_number_key`` (frames from :func:`business_frame` carry it already)."""
    names = business.collect_schema().names() if isinstance(business, pl.LazyFrame) else business.columns
    return business if NUMBER_KEY in names else business.with_columns(number_key_expr(pl.col(C.MY_NUMBER)).alias(NUMBER_KEY))




def typed_number_key_expr(e: pl.Expr) -> pl.Expr:
    """:func:`number_key_expr` of a 個人番号 as typed (normalised first)."""
    # the normalised text as a struct field: the parse reads its input four times, and nested it would run the
    # normaliser four times
    return (pl.struct(mynumber.normalize_expr(e).alias("n"))
            .struct.with_fields(number_key_expr(pl.field("n")).alias("k")).struct.field("k"))


def with_registry_key(rows: pl.LazyFrame) -> pl.LazyFrame:
    """Registry records with ``_number_key`` (the 個人番号 as typed, normalised, as an integer) in place of 個人番号."""
    return rows.with_columns(typed_number_key_expr(pl.col(C.MY_NUMBER)).alias(NUMBER_KEY)).drop(C.MY_NUMBER)


def registry_rows(rows: pl.LazyFrame | pl.DataFrame) -> pl.LazyFrame:
    """Registry records → ``_number_key``, ``<item>_住基`` and 照会結果 for every well-formed 個人番号
    (duplicates kept: see :func:`registry_frame`). Records that carry ``_number_key`` already (the bucketed and
    Spark engines compute it once, to route them) are not normalised again."""
    lf = rows.lazy()
    names = lf.collect_schema().names()
    status = pl.col(C.INQUIRY_RESULT) if C.INQUIRY_RESULT in names else pl.lit(C.INQUIRY_FOUND)
    return (lf if NUMBER_KEY in names else with_registry_key(lf)).select(
        pl.col(NUMBER_KEY),
        *(pl.col(i).alias(C.registry(i)) for i in C.ITEMS),
        status.fill_null(C.INQUIRY_FOUND).alias(C.INQUIRY_RESULT),
    ).filter(pl.col(NUMBER_KEY).is_not_null())


def _one_per_number(rows: pl.LazyFrame) -> pl.LazyFrame:
    return rows.with_columns(pl.len().over(NUMBER_KEY).alias(S.REGISTRY_COUNT)).unique(NUMBER_KEY, keep="first", maintain_order=True)


def registry_frame(rows: pl.LazyFrame | pl.DataFrame) -> pl.LazyFrame:
    """Registry records → one row per well-formed 個人番号 (as ``_number_key``) with ``<item>_住基``, 照会結果
    and how often the number occurs (``_registry_count``; the first row wins)."""
    return _one_per_number(registry_rows(rows))


def one_per_number(registry: pl.DataFrame) -> pl.DataFrame:
    """:func:`registry_frame`'s last step on collected :func:`registry_rows`. Cheap path: when no number occurs
    twice (a register, as a rule) every count is 1 and nothing is dropped — one hash pass instead of a count
    per group and a ``unique``."""
    if registry.get_column(NUMBER_KEY).n_unique() == registry.height:  # (a distinct count is 3× cheaper than is_duplicated)
        return registry.with_columns(pl.lit(1, dtype=pl.get_index_type()).alias(S.REGISTRY_COUNT))
    return _one_per_number(registry.lazy()).collect()


_NUMBER_REASON = {
    str(mynumber.Problem.MISSING): str(Reason.NUMBER_MISSING),
    str(mynumber.Problem.FORMAT): str(Reason.NUMBER_FORMAT),
    str(mynumber.Problem.CHECK_DIGIT): str(Reason.NUMBER_CHECK_DIGIT),
}


def _number_reason() -> pl.Expr:
    """Why a business 個人番号 cannot be compared (null when it can): :func:`himozuke.mynumber.problem_expr`,
    the rule the pre-flight applies too, from the normalised text and its ``_number_key``."""
    return mynumber.problem_expr(pl.col(C.MY_NUMBER), pl.col(NUMBER_KEY)).replace_strict(
        _NUMBER_REASON, default=None, return_dtype=pl.String)


_STATUS = Col(C.INQUIRY_RESULT)
#: Why the registry side cannot be compared, in order; the first that holds is the reason (``_registry_count``:
#: how often the number occurs in the registry, null when never; 照会結果 null is 該当).
REGISTRY_RULES: tuple[tuple[Cond, Reason], ...] = (
    (IsNull(Col(S.REGISTRY_COUNT)), Reason.NOT_IN_REGISTRY),
    (Gt(Col(S.REGISTRY_COUNT), Lit(1)), Reason.REGISTRY_DUPLICATE),
    *((Eq(_STATUS, Lit(code)), reason) for code, reason in _INQUIRY_REASON.items()),
    (Ne(_STATUS, Lit(C.INQUIRY_FOUND)), Reason.INQUIRY_ERROR),
)


def _registry_reason(clean: bool = False) -> pl.Expr:
    """Why the registry side cannot be compared (null when it can): :data:`REGISTRY_RULES`. ``clean``: every
    registry row was found and no number repeats, so only a number absent from the registry is left to tell."""
    (first, reason), *rest = REGISTRY_RULES[:1] if clean else REGISTRY_RULES
    chain = pl.when(first.expr()).then(pl.lit(str(reason)))
    for cond, reason in rest:
        chain = chain.when(cond.expr()).then(pl.lit(str(reason)))
    return chain.otherwise(pl.lit(None, dtype=pl.String))


def registry_reason_of(count: int | None, status: str | None) -> str | None:
    """:func:`_registry_reason` of one record: ``count`` rows of the registry have its number, ``status`` is
    their 照会結果 (None: 該当)."""
    row = {S.REGISTRY_COUNT: count, C.INQUIRY_RESULT: C.INQUIRY_FOUND if status is None else status}
    i = first_holding([cond for cond, _ in REGISTRY_RULES], row)
    return None if i is None else str(REGISTRY_RULES[i][1])


def number_reason_of(number: str | None) -> str | None:
    """:func:`_number_reason` of one 個人番号 as typed (:func:`himozuke.mynumber.problem`)."""
    found = mynumber.problem(number)
    return None if found is None else _NUMBER_REASON[str(found)]


_PERSON_ITEMS = (C.KANJI_NAME, C.KANA_NAME, C.BIRTH_DATE, C.SEX)
#: The columns of a :func:`business_frame` that :func:`person_frame` reads.
PERSON_COLUMNS = (C.ROW, NUMBER_KEY, *(C.business(i) for i in _PERSON_ITEMS))
PERSON = S.PERSON


def portable_person_keys(business: pl.DataFrame) -> pl.Series:
    """Who each business row is about (:mod:`himozuke.text.person`, the one "same person" key of the package),
    hashed: the same in every frame; null when the row identifies no one. Each distinct value is normalised once
    (:func:`himozuke.text.person.person_hashes`; the expression form normalises each part twice: for the key and
    for its null test)."""
    return person_hashes(business, *(C.business(i) for i in _PERSON_ITEMS), seed=0x6D6F)


def person_frame(business: pl.DataFrame, *, portable: bool = False, tables: PartTables | None = None) -> pl.DataFrame:
    """行番号, ``_number_key`` and ``_person`` (the person key as an integer) of the business rows whose person
    can be told (the input of :func:`several_numbers_rows`, which tests the numbers). Each distinct value of a column
    is normalised once. ``portable``: a hash of the key that means the same in every frame (to route rows of one
    person to one bucket); else exact ids that are only compared within ``business`` (cheaper:
    :func:`himozuke.text.person.person_ids`). ``tables``: the frame's part tables, when the caller has them."""
    business = _with_key(business)
    columns = tuple(C.business(i) for i in _PERSON_ITEMS)
    keys = portable_person_keys(business) if portable else person_ids(business, *columns, tables=tables)
    # the key of every row, then the narrow filter (filtering the wide frame first would gather every column)
    return business.select(C.ROW, NUMBER_KEY).with_columns(keys.alias(PERSON)).filter(pl.col(PERSON).is_not_null())


def several_numbers_rows(persons: pl.DataFrame) -> pl.Series:
    """行番号 of the rows of :func:`person_frame` whose person appears under several valid numbers.

    Needs every row of a person together (the whole file, or a bucket of person keys). Cheap path: most
    people appear once, so only rows whose key repeats (a sort) have their check digits tested and numbers
    counted — in a filter after the first, which the optimiser cannot merge into it (the shifts see every row).
    """
    person = pl.col(PERSON)
    return (
        persons.sort(PERSON)  # equal keys side by side: a repeat is next to its twin (3× cheaper than is_duplicated)
        .filter((person == person.shift(1)) | (person == person.shift(-1)))
        .filter(mynumber.is_valid_integer_expr(pl.col(NUMBER_KEY)))
        .filter(several_numbers_expr(pl.col(NUMBER_KEY), pl.col(PERSON)))
        .get_column(C.ROW)
    )


def _cross_number(df: pl.DataFrame) -> pl.DataFrame:
    """Flag numbers used more than once in the business file (bucket-local: same number → same bucket).

    Only the few rows that repeat a number are looked at; the wide frame is never copied.
    """
    valid = pl.col(S.NUMBER_REASON).is_null()
    rows, numbers = df.select(valid.sum(), pl.col(NUMBER_KEY).filter(valid).n_unique()).row(0)
    if rows == numbers:  # cheap path: no number repeats (a distinct count, 3× cheaper than counting per number)
        return df.with_columns(pl.lit(False).alias(K.NUMBER_SHARED), pl.lit(None, dtype=pl.String).alias(S.CROSS))
    df = df.with_columns((valid & (pl.len().over(NUMBER_KEY) > 1)).alias(S.REPEATED))  # integer key: cheap to group
    repeated = df.filter(pl.col(S.REPEATED)).select(C.ROW, C.MY_NUMBER, *(C.business(i) for i in C.ITEMS))
    shared = (
        repeated.with_columns(portable_person_keys(repeated).alias(PERSON))
        .filter(shared_number_expr(pl.col(C.MY_NUMBER), pl.col(PERSON)))
        .get_column(C.ROW)
    )
    return df.with_columns(pl.col(C.ROW).is_in(shared.implode()).alias(K.NUMBER_SHARED)).with_columns(
        pl.when(pl.col(K.NUMBER_SHARED)).then(pl.lit(str(Reason.NUMBER_SHARED)))
        .when(pl.col(S.REPEATED)).then(pl.lit(str(Reason.NUMBER_REPEATED)))
        .otherwise(pl.lit(None, dtype=pl.String)).alias(S.CROSS)
    )


#: Items whose values are usually longer than the 12 bytes a string view holds inline.
_LONG_TEXTS = (C.KANJI_NAME, C.KANA_NAME, C.ADDRESS)


def no_several_numbers() -> pl.Series:
    """:func:`check_bucket`'s ``several_numbers`` when there is no whole-file pass: no row is flagged."""
    return pl.Series(C.ROW, [], dtype=pl.Int64)


def check_bucket(business: pl.DataFrame, registry: pl.DataFrame,
                 several_numbers: Callable[[], pl.Series] = no_several_numbers,
                 home_prefecture: str | None = None, known: Callable[[], dict] | None = None) -> pl.DataFrame:
    """Check one bucket: ``business`` from :func:`business_frame`, ``registry`` from :func:`registry_frame`.

    ``home_prefecture``: the body's 都道府県 (a whole-run fact: :mod:`himozuke.match.home`), which settles a
    市区町村 name several prefectures have when an address leaves its own out; None: such a name is 市区町村不一致.
    ``known``: a function giving texts already normalised for an item (item → (texts, keys)), which the item
    comparisons need not normalise again (:func:`check_frames` lends the person pass's).
    ``several_numbers`` gives the 行番号 flagged by :func:`several_numbers_rows` (the whole-file pass); it is
    called last, when they are needed, so that the pass may still be running beside this one. Result rows
    come in ``business`` order. Only the pairs that are not identical on all five items go through the
    normalisers, as a narrow frame; their item levels join the rows by position (:func:`_assemble`), so the wide
    frame is never copied.
    """
    df = _with_key(business).with_columns(_number_reason().alias(S.NUMBER_REASON))
    # cheap path: a register as it should be (every number found once) — its 照会結果 is not joined or tested
    clean = registry.height == 0 or (registry.get_column(S.REGISTRY_COUNT).max() == 1
                                     and registry.get_column(C.INQUIRY_RESULT).eq(C.INQUIRY_FOUND).all())
    df = df.join(registry.drop(C.INQUIRY_RESULT) if clean else registry, on=NUMBER_KEY, how="left",
                 maintain_order="left").with_columns(
        pl.coalesce(pl.col(S.NUMBER_REASON), _registry_reason(clean)).alias(K.E_REASON)
    )
    df = _cross_number(df).drop(NUMBER_KEY)
    comparable = pl.col(K.E_REASON).is_null()
    # cheap path: identical text on every item, each identifying someone, is A without any normaliser
    # (the per-item equalities are handed on to prepare, which needs them again)
    equal = [S.equal(i) for i in C.ITEMS]
    df = df.with_columns((pl.col(C.business(i)) == pl.col(C.registry(i))).alias(e) for i, e in zip(C.ITEMS, equal, strict=True))
    df = df.with_columns((comparable & pl.all_horizontal(pl.col(e).fill_null(False) for e in equal)).alias(S.CHEAP))
    df = df.with_columns(pl.col(S.CHEAP) & ~_identifies_no_one(df, df.get_column(S.CHEAP), known))
    # identical long texts take the business row's string (same bytes): the writer then reads them in order
    df = df.with_columns(pl.when(pl.col(S.equal(i))).then(pl.col(C.business(i))).otherwise(pl.col(C.registry(i)))
                         .alias(C.registry(i)) for i in _LONG_TEXTS)
    # narrow first: an eager filter would gather every column of the wide frame
    to_compare = df.select(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias(S.ROW_INDEX), *(c for i in C.ITEMS for c in (C.business(i), C.registry(i))),
        *equal, (comparable & ~pl.col(S.CHEAP)).alias(S.TO_COMPARE),
    ).filter(S.TO_COMPARE).drop(S.TO_COMPARE)
    compared = None
    if to_compare.height:
        compared = levels(prepare(to_compare, home_prefecture, known))
        found = evidence(compared.with_columns(verdicts(LOOKED_AT, reasons=False)),
                         (S.key(C.BIRTH_DATE, "b"), S.key(C.BIRTH_DATE, "r")))
        compared = compared.select(S.ROW_INDEX, *_LEVELS).with_columns(found.get_columns())
    several = pl.col(C.ROW).is_in(several_numbers().implode())
    return _assemble(df.with_columns(
        pl.when(several).then(pl.lit(str(Reason.PERSON_SEVERAL_NUMBERS))).otherwise(None).alias(S.SEVERAL)), compared)


def _identifies_no_one(df: pl.DataFrame, among: pl.Series, known: Callable[[], dict] | None = None) -> pl.Series:  # pragma: no mutate block (not an E-reason or cross-record rule; docs/testing.md)
    """Rows where some business value identifies no one (``Comparison.identifies``: blank, only 外字, no kana, an
    unreadable date, an unknown sex code): they leave the all-identical cheap path for the levels that say so.
    A regex test runs over the rows ``among`` (the others are null: cheap); a test that parses (dates, sex
    codes) runs once per distinct value. ``known`` (as for :func:`check_bucket`): an item's distinct values are
    already listed, so each is tested once."""
    listed = known() if known is not None else {}
    flags = []
    for cmp in COMPARISONS:
        if cmp.item in listed:  # every row may be looked up: the caller keeps only the rows ``among``
            values, bad = df.get_column(C.business(cmp.item)), no_one(cmp, *listed[cmp.item])
        else:
            values = df.select(pl.when(among).then(pl.col(C.business(cmp.item)))).to_series()
            if not cmp.identified_by_key:
                flags.append(pl.select(~cmp.identifies(pl.lit(values)).fill_null(True)).to_series())
                continue
            bad = no_one(cmp, values.unique().drop_nulls())
        if bad.len():
            flags.append(values.is_in(bad.implode()).fill_null(False))
    return pl.select(pl.any_horizontal(flags)).to_series() if flags else pl.repeat(False, df.height, eager=True)


_VERDICTS = tuple(C.item_verdict(i) for i in C.ITEMS)
_REASONS = tuple(S.reason(i) for i in C.ITEMS)
_LEVELS = tuple(S.level(i) for i in C.ITEMS)
#: A bucket's row that is none of :func:`_assemble`'s other cases: all five items identical, no flag.
_PLAIN = {K.E_REASON: None, S.CROSS: None, S.SEVERAL: None, K.NUMBER_SHARED: False, S.CHEAP: True}


def _assemble(df: pl.DataFrame, compared: pl.DataFrame | None) -> pl.DataFrame:  # pragma: no mutate block (not an E-reason or cross-record rule; docs/testing.md)
    """The result rows of a bucket: ``df`` (flags, ``_cheap``, both sides' values) with the item levels and
    evidence of the ``compared`` pairs (keyed by ``_idx``, the row position in ``df``).

    A row's item verdicts, 判定, 理由, 理由説明 and 優先度 depend only on its *case*: its flags, its item levels
    and its evidence — a few hundred distinct cases in a million rows. Each case is classified and explained
    once (:func:`_derived`, the rules' own expressions, over a table of the cases) and every row takes its
    columns from its case's row of that table by a gather, which copies no text (a string column of the
    result holds views of the table's strings). Case 0 is the plain row — all five items identical (the
    cheap path), no flag: most rows on clean data — so only the other rows are grouped.
    """
    plain = pl.col(S.CHEAP) & ~pl.col(K.NUMBER_SHARED) & pl.col(S.CROSS).is_null() & pl.col(S.SEVERAL).is_null()
    others = df.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias(S.ROW_INDEX), *_PLAIN,
                       (~plain).alias(S.REST)).filter(S.REST).drop(S.REST)
    if compared is None:
        compared = pl.DataFrame(schema={S.ROW_INDEX: pl.UInt32, **dict.fromkeys(_LEVELS, pl.UInt8), **EVIDENCE_SCHEMA})
    cases = (others.join(compared, on=S.ROW_INDEX, how="left", maintain_order="left")
             .group_by(pl.exclude(S.ROW_INDEX)).agg(S.ROW_INDEX).with_row_index(S.CASE, offset=1))
    rows = cases.select(S.CASE, S.ROW_INDEX).explode(S.ROW_INDEX)
    case = pl.repeat(0, df.height, dtype=pl.get_index_type(), eager=True).scatter(
        rows.get_column(S.ROW_INDEX), rows.get_column(S.CASE))
    table = pl.concat([pl.DataFrame([_PLAIN], schema=cases.drop(S.CASE, S.ROW_INDEX).schema),
                       cases.drop(S.CASE, S.ROW_INDEX)]).with_columns(verdicts()).with_columns(
        pl.when(pl.col(S.CHEAP)).then(pl.lit(str(ItemVerdict.EXACT))).otherwise(pl.col(v)).alias(v)
        for v in _VERDICTS)  # a cheap-path row (flagged or not): every item identical
    done = table.select(*_VERDICTS, *_derived(table)).rechunk()  # (a gather from one chunk is 3-6× faster)
    return df.with_columns(done.get_column(name).gather(case) for name in done.columns).select(RESULT_COLUMNS)


def _finish(df: pl.DataFrame) -> pl.DataFrame:
    """判定, 優先度, 理由 and 理由説明 from the item verdicts and flags (every row); the result columns in order."""
    return df.with_columns(_derived(df).get_columns()).select(RESULT_COLUMNS)


def _derived(df: pl.DataFrame) -> pl.DataFrame:
    """判定, 理由, 理由説明 and 優先度 of every row of ``df``, from its flags (E reason, ``_cross``, ``_several``,
    number shared) and its item verdicts and reasons."""
    reasons = pl.concat_str(
        [pl.col(K.E_REASON), pl.col(S.CROSS), pl.col(S.SEVERAL), *(pl.col(r) for r in _REASONS)],
        separator=";", ignore_nulls=True,
    )
    detail_cols = [pl.col(S.REJECT_DETAIL)] if S.REJECT_DETAIL in df.columns else []
    # lazy: an eager query has no common-subexpression elimination, so a part read twice is computed twice
    df = df.lazy().with_columns(K.verdict_expr(), pl.when(reasons != "").then(reasons).alias(C.REASONS)).collect()
    detail = pl.lit(explained(df.get_column(C.REASONS)))
    if detail_cols:
        detail = pl.concat_str([detail, *detail_cols], separator="：", ignore_nulls=True)
    # null, never "", when there is nothing to explain: a result holds no empty strings (see report.write_csv)
    return df.lazy().select(pl.col(C.VERDICT), pl.col(C.REASONS), pl.when(detail != "").then(detail).alias(REASON_DETAIL),
                            K.priority_expr()).collect()


_TEXT = {str(k): v for k, v in REASON_TEXT.items()}


def explained(reasons: pl.Series) -> pl.Series:
    """理由説明 of each row from its 理由: a file has a few hundred distinct reason combinations, not a million, so
    each is explained once (:func:`explain_expr`) and looked up."""
    codes = reasons.unique().drop_nulls()
    text = pl.select(explain_expr(pl.lit(codes))).to_series()
    return reasons.replace_strict(codes, text, default=None, return_dtype=pl.String)


def explain_expr(codes: pl.Expr) -> pl.Expr:  # pragma: no mutate block (not an E-reason or cross-record rule; docs/testing.md)
    """Vectorised :func:`himozuke.match.reasons.explain`: ``;``-joined codes → their texts joined by 「。」."""
    return codes.str.split(";").list.eval(pl.element().replace_strict(_TEXT, default=pl.element())).list.join("。")


def rejected_rows(rejects: pl.DataFrame) -> pl.DataFrame:
    """Unreadable business lines as ``E`` result rows (行番号 kept, reason and the reader's message)."""
    n = rejects.height
    frame = pl.DataFrame(
        {
            C.ROW: rejects[C.ROW],
            C.MY_NUMBER: pl.Series([None] * n, dtype=pl.String),
            **{C.business(i): pl.Series([None] * n, dtype=pl.String) for i in C.ITEMS},
            **{C.registry(i): pl.Series([None] * n, dtype=pl.String) for i in C.ITEMS},
            **{C.item_verdict(i): pl.Series([None] * n, dtype=pl.String) for i in C.ITEMS},
            **{r: pl.Series([None] * n, dtype=pl.String) for r in _REASONS},
            K.E_REASON: pl.Series([str(Reason.ROW_UNREADABLE)] * n, dtype=pl.String),
            S.CROSS: pl.Series([None] * n, dtype=pl.String),
            S.SEVERAL: pl.Series([None] * n, dtype=pl.String),
            K.NUMBER_SHARED: pl.Series([False] * n, dtype=pl.Boolean),
            S.REJECT_DETAIL: rejects[REJECT_REASON],
        }
    ).with_columns(pl.lit(None, dtype=dtype).alias(name) for name, dtype in EVIDENCE_SCHEMA.items())
    return _finish(frame)


def preload(home_prefecture: str | None = None) -> None:
    """Build what a first check builds on its way — NumPy and the check digit's tables, the kana and numeral
    tables, the 市区町村 list's — ahead of it: the pipeline runs this in a thread while
    Polars reads the inputs (holding no GIL), so that the check's item threads find them built."""
    mynumber.preload()
    kana_text.preload()
    address_text.preload(home_prefecture)


def check_frames(business_rows: pl.DataFrame | pl.LazyFrame, registry_records: pl.DataFrame | pl.LazyFrame,
                 business_rejects: pl.DataFrame | None = None, home_prefecture: str | None = None) -> pl.DataFrame:  # pragma: no mutate block (not an E-reason or cross-record rule; docs/testing.md)
    """The whole check in memory, as one bucket: result rows in input (行番号) order. ``home_prefecture`` as for
    :func:`check_bucket` (decided by :mod:`himozuke.match.home`)."""
    business = business_frame(business_rows).collect()
    # the several-numbers pass, needed last, runs beside the bucket's serial steps; its normalised texts are lent
    columns = tuple(C.business(i) for i in _PERSON_ITEMS)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="himozuke-several") as pool:
        tables = pool.submit(part_tables, business, *columns)
        several = pool.submit(lambda: several_numbers_rows(person_frame(business, tables=tables.result())))
        registry = one_per_number(registry_rows(registry_records).collect())
        result = check_bucket(business, registry, several.result, home_prefecture,
                              lambda: dict(zip(_PERSON_ITEMS, tables.result(), strict=True)))
    if business_rejects is not None and business_rejects.height:
        result = pl.concat([result, rejected_rows(business_rejects)], how="vertical")
    elif result.get_column(C.ROW).is_sorted():
        return result  # the common case: lines came in order and none was rejected; no copy
    return result.sort(C.ROW)


__all__ = ["COMPARISONS", "RESULT_COLUMNS", "check_bucket", "check_frames"]
