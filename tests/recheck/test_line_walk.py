"""The re-check pairs each line with the previous run's same line by walking both files in their order
(``recheck._walked``); a join of the digests is the reference, and the fallback when the walk cannot prove
its answer."""

from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from himozuke import recheck


def _joined(cur: np.ndarray, prev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pairing by a join: the k-th copy of a line with the previous k-th copy."""
    source, unpaired = recheck._placed(pl.Series(cur), pl.Series(prev))
    if source is None:
        source, unpaired = recheck._placed(recheck._occurrence_key(pl.DataFrame({"d_row": cur})),
                                                 recheck._occurrence_key(pl.DataFrame({"d_row": prev})))
    return source, unpaired


_change = st.tuples(st.sampled_from(["edit", "insert", "delete", "swap", "copy"]), st.integers(0, 10_000),
                    st.integers(1, 300), st.integers(0, 10_000))


def _changed(prev: list[int], changes: list[tuple[str, int, int, int]], fresh: int) -> list[int]:
    cur = list(prev)
    for kind, at, count, other in changes:
        k = at % (len(cur) + 1)
        if kind == "insert":
            cur[k:k] = range(fresh, fresh + count)
            fresh += count
        elif not cur:
            continue
        elif kind == "edit":
            cur[k % len(cur)], fresh = fresh, fresh + 1
        elif kind == "delete":
            del cur[k:k + count]
        elif kind == "swap":
            a, b = k % len(cur), other % len(cur)
            cur[a], cur[b] = cur[b], cur[a]
        else:  # the same line written once more elsewhere
            cur.insert(other % (len(cur) + 1), cur[k % len(cur)])
    return cur


@settings(max_examples=300, deadline=None)
@given(n=st.integers(0, 1_500), distinct=st.sampled_from([3, 50, 1 << 40]), changes=st.lists(_change, max_size=12),
       seed=st.integers(0, 1 << 30))
def test_the_walk_pairs_lines_as_the_join_does_or_leaves_them_to_it(n, distinct, changes, seed):
    prev = np.random.default_rng(seed).integers(0, distinct, n).tolist()
    cur = np.array(_changed(prev, changes, 1 << 41), dtype=np.uint64)
    prev = np.array(prev, dtype=np.uint64)
    source, unpaired = recheck._walked(cur, prev)
    if source is not None:
        expected = _joined(cur, prev)
        assert np.array_equal(source, expected[0]) and np.array_equal(unpaired, expected[1])


@settings(max_examples=100, deadline=None)
@given(n=st.integers(100, 5_000), changes=st.lists(st.tuples(st.sampled_from(["edit", "insert", "delete"]),
                                                           st.integers(0, 10_000), st.integers(1, 3)), max_size=20),
       big=st.integers(0, 2_000), seed=st.integers(0, 1 << 30))
def test_a_file_edited_in_place_is_paired_by_the_walk(n, changes, big, seed):
    """What a file goes through between two runs — lines edited, inserted and deleted here and there, and a block
    of new lines — is paired by the walk, not left to the join. (Changes closer than a stretch's end — an insert and
    a delete 6 lines apart look like 7 lines edited in place — are the join's: the test above.)"""
    prev = np.random.default_rng(seed).permutation(n).tolist()
    # one change per stretch of 20 lines, at its start: a stretch ends where 8 lines in a row differ; the block in
    # the middle of the middle stretch, 10 lines from the changes around it
    middle = n // 2 // 20
    spaced = {(at % n) // 20: (kind, (at % n) // 20 * 20, count, 0) for kind, at, count in changes}
    spaced[middle] = ("insert", middle * 20 + 10, big, 0)
    cur = _changed(prev, sorted(spaced.values(), key=lambda c: -c[1]), 1 << 41)
    cur, prev = np.array(cur, dtype=np.uint64), np.array(prev, dtype=np.uint64)
    source, unpaired = recheck._walked(cur, prev)
    assert source is not None
    expected = _joined(cur, prev)
    assert np.array_equal(source, expected[0]) and np.array_equal(unpaired, expected[1])


def test_a_line_deleted_or_added_near_the_end_is_paired_by_the_walk():
    """The last lines differ from where they were: fewer than a stretch's end needs, but one file ends there."""
    prev = np.arange(50, dtype=np.uint64)
    for cur in (np.delete(prev, 45), np.insert(prev, 46, 1000), np.delete(prev, 3)):
        source, unpaired = recheck._walked(cur, prev)
        assert source is not None
        assert np.array_equal(source, _joined(cur, prev)[0]) and np.array_equal(unpaired, _joined(cur, prev)[1])
