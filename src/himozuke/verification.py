"""TEMPORARY stand-in for the one-record check of issue #19 part 1 (``himozuke.verify``).

The real module (level tables evaluated per record, the seed's warnings) is being written in parallel and replaces
this file at merge. This one implements the same interface the slow but correct way the issue names: the record
(and ``others``) as a one-bucket check through :func:`himozuke.match.engine.check_frames` — no rule of its own.
``household`` is accepted and not used here (the real module warns when the number belongs to another member).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from himozuke.errors import UsageError


@dataclass(frozen=True)
class Verification:
    """The check of one business record: the fields of a result.csv row without 行番号."""

    fields: dict[str, Any]
    warnings: tuple[str, ...] = field(default=())

    def as_json(self) -> dict[str, Any]:
        return {**self.fields, "警告": list(self.warnings)}


def _record(values: Mapping[str, Any], what: str, required: Iterable[str]) -> dict[str, str | None]:
    from himozuke.formats import columns as C

    missing = [c for c in required if c not in values]
    if missing:
        raise UsageError(f"{what}に項目がありません: {', '.join(missing)}", f"the {what} record lacks: "
                         f"{', '.join(missing)}", column=missing[0])
    keep = (*C.STANDARD, *C.OPTIONAL, C.INQUIRY_RESULT)
    return {c: (None if values.get(c) is None else str(values.get(c))) for c in keep if c in values}


def verify(business: Mapping[str, Any], registry: Mapping[str, Any] | None, *, others: Iterable[Mapping] = (),
           home_prefecture: str | None = None, household: Iterable[Mapping] = ()) -> Verification:
    """Check ``business`` against ``registry`` (``None``: the registry has no record of the number)."""
    import polars as pl

    from himozuke.formats import columns as C
    from himozuke.match.engine import check_frames

    del household  # the real module's 世帯 warning; not in the stand-in
    rows = [_record(business, "業務側", C.STANDARD)] + [_record(o, "他の業務記録", C.STANDARD) for o in others]
    schema = {C.ROW: pl.Int64, **{c: pl.String for c in C.STANDARD}}
    b = pl.DataFrame([{C.ROW: i + 2, **{c: r.get(c) for c in C.STANDARD}} for i, r in enumerate(rows)],
                     schema=schema, orient="row")
    reg = [] if registry is None else [_record(registry, "住基側", C.STANDARD)]
    r_schema = {**{c: pl.String for c in C.STANDARD}, C.INQUIRY_RESULT: pl.String}
    r = pl.DataFrame([{c: x.get(c) for c in r_schema} for x in reg], schema=r_schema, orient="row")
    result = check_frames(b, r, home_prefecture=home_prefecture).row(0, named=True)
    fields = {k: v for k, v in result.items() if k != C.ROW}
    fields[C.MY_NUMBER] = rows[0].get(C.MY_NUMBER)  # the number exactly as the caller gave it
    return Verification(fields)


__all__ = ["Verification", "verify"]
