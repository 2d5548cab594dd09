"""A cheap path beside a normaliser's full one, chosen per value (STYLE §2: split off the common case).

``pl.when`` evaluates every branch over the whole column, so a full normaliser guarded by ``when`` still costs
its passes over every row (a null row is cheap, not free: a 生年月日 layout chain over a million nulls takes
0.1 s). :func:`two_paths` instead runs the full form only on the values that need it and scatters its results
into the cheap form's: one ``map_batches`` call per column. Not declared elementwise on purpose: Polars then
calls it once per chunk of the frame (59 times for a million rows read from CSV), and each call compiles the
full form's regexes again — three times slower. Each user keeps its scalar form as the reference, and a property
test holds the two together.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

ExprFn = Callable[[pl.Expr], pl.Expr]


def two_paths(e: pl.Expr, plain: ExprFn, cheap: ExprFn, full: ExprFn, dtype: pl.DataType) -> pl.Expr:
    """``cheap(v)`` where ``plain(v)`` holds (and for null), ``full(v)`` elsewhere — ``full`` evaluated only on
    those values.

    >>> e = two_paths(pl.col("v"), lambda v: v.str.contains("^[a-z]*$"), lambda v: v, lambda v: v.str.to_lowercase(),
    ...               pl.String())
    >>> pl.DataFrame({"v": ["ab", "Cd", None]}).select(e)["v"].to_list()
    ['ab', 'cd', None]
    """

    def run(values: pl.Series) -> pl.Series:
        frame = values.to_frame("v")
        rest = frame.select(~plain(pl.col("v")).fill_null(False)).to_series()
        # lazy: a form that reads a step's result twice (``when(out != "").then(out)``) computes it once
        out = frame.lazy().select(cheap(pl.col("v"))).collect().to_series().cast(dtype)  # the rest overwritten below
        if rest.any():
            full_form = frame.filter(rest).lazy().select(full(pl.col("v"))).collect().to_series().cast(dtype)
            out = out.scatter(rest.arg_true(), full_form)
        return out.alias(values.name)

    return e.map_batches(run, return_dtype=dtype)


def look_up(values: pl.Series, distinct: pl.Series, keys: pl.Series, *, by_hash: bool = True) -> pl.Series:
    """``keys[i]`` for each value equal to ``distinct[i]``. Through the values' 64-bit hashes when the distinct
    values' hashes are distinct (an exact lookup then, and half the cost of one on text); else on the text."""
    hashes = distinct.hash(seed=0x7065)
    if not by_hash or hashes.n_unique() < distinct.len():
        return values.replace_strict(distinct, keys, default=None, return_dtype=keys.dtype)
    return pl.select(pl.when(pl.lit(values).is_not_null()).then(
        pl.lit(values).hash(seed=0x7065).replace_strict(hashes, keys, default=None, return_dtype=keys.dtype))
    ).to_series()
