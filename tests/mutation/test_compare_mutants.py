"""A file with more distinct texts than one piece of normalising work holds (``compare.KEY_PIECE``, 500,000) gets
the same item verdicts as a small one — written for ``make mutate`` (docs/testing.md "Mutation testing"). The
piece size is shrunk here so that a handful of pairs spans several pieces; the verdicts are the rows of
tests/rules (デジタル庁「総点検マニュアル」§7(6) and the readings of docs/rules.md)."""

from __future__ import annotations

import random

from himozuke import mynumber
from himozuke.formats import columns as C
from himozuke.match import compare
from tests.rules._pairs import check, record
from tests.rules.test_levels import LEVELS


def _all_levels():
    rows = [p for p in LEVELS if p.values[4] is None]  # (no home prefecture)
    business = [record(p.values[2]) for p in rows]
    registry = [record(p.values[3]) for p in rows]
    # one registry row per number: give each pair its own valid number
    rng = random.Random(7)
    for b, r in zip(business, registry, strict=True):
        b[C.MY_NUMBER] = r[C.MY_NUMBER] = mynumber.generate(rng)
    return rows, business, registry


def test_pieces_of_normalising_work_give_the_verdicts_of_one_piece(monkeypatch):
    rows, business, registry = _all_levels()
    whole = check(business, registry)
    monkeypatch.setattr(compare, "KEY_PIECE", 3)
    pieces = check(business, registry)
    columns = [C.VERDICT, C.REASONS, *(C.item_verdict(i) for i in C.ITEMS)]
    assert pieces.select(columns).equals(whole.select(columns))
    assert whole.get_column(C.VERDICT).to_list() == [p.values[6] for p in rows]


def test_pairs_compared_without_the_checks_equality_columns_get_the_same_item_verdicts():
    """``himozuke lookup`` (a number looked up from the 4情報, docs/lookup.md) compares candidate pairs with
    ``compare(prepare(pairs))`` — without the per-item equality columns the check lends: every level row of
    tests/rules must reach its item verdict there too."""
    import polars as pl

    rows = [p for p in LEVELS if p.values[4] is None]
    pairs = pl.DataFrame([{**{C.business(i): record(p.values[2])[i] for i in C.ITEMS},
                           **{C.registry(i): record(p.values[3])[i] for i in C.ITEMS}} for p in rows],
                         schema={c: pl.String for i in C.ITEMS for c in (C.business(i), C.registry(i))})
    compared = compare.compare(compare.prepare(pairs))
    got = [compared.row(n, named=True)[C.item_verdict(p.values[0])] for n, p in enumerate(rows)]
    assert got == [p.values[5] for p in rows]
