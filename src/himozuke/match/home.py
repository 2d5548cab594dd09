"""The body's home prefecture (団体の都道府県): one fact per run, for 市区町村 names several prefectures have.

An address that leaves its 都道府県 out and names 府中市, 伊達市 or 北区 is resolved with it
(:func:`himozuke.text.municipality.resolve`). Who says it, first to last: ``--home-prefecture``, the business
profile's ``home_prefecture``, the registry profile's, and else the registry file itself — the 都道府県 most of
its addresses give (a register holds the body's residents). Every engine decides it here, and run.json and the
report's 集計 sheet say which it was and where it came from.
"""

from __future__ import annotations

import polars as pl

from himozuke.errors import UsageError
from himozuke.formats import columns as C
from himozuke.text._address_tables import PREFECTURES
from himozuke.text.municipality import given_prefectures, most_given_prefecture

GIVEN = "--home-prefecture で指定"
PROFILE = "プロファイル {} の home_prefecture"
INFERRED = "住基側ファイルの住所から推定（最も多い都道府県）"
UNKNOWN = "不明（住基側の住所に都道府県がない）"


def check(value: str | None) -> str | None:
    """A home prefecture must be a 都道府県 as the address list spells it (東京都, 大阪府 …).

    >>> check("広島県"), check(None)
    ('広島県', None)
    """
    if value is not None and value not in PREFECTURES:
        raise UsageError(f"--home-prefecture「{value}」は都道府県名ではありません（例: 東京都、広島県）",
                         f"--home-prefecture {value!r} is not a prefecture (e.g. 東京都)")
    return value


def given(option: str | None, *profiles: tuple[str, str | None]) -> tuple[str | None, str]:
    """The home prefecture someone said — ``option``, else a profile's (``(name, home)``, business first) — and
    where it came from; ``(None, "")`` when no one did (then ask the registry: :func:`inferred`).

    >>> given(None, ("standard", None), ("jlis-x", "広島県"))
    ('広島県', 'プロファイル jlis-x の home_prefecture')
    """
    if check(option) is not None:
        return option, GIVEN
    for name, home in profiles:
        if home is not None:
            return home, PROFILE.format(name)
    return None, ""


def inferred(registry: pl.DataFrame | pl.LazyFrame) -> tuple[str | None, str]:
    """The 都道府県 most registry addresses give, and where it came from (streamed: any size)."""
    return of_counts(given_prefectures(registry.lazy(), C.ADDRESS))


def of_counts(counts: dict[str, int]) -> tuple[str | None, str]:
    """:func:`inferred` from counts per 都道府県 (an engine that counts on its own, e.g. Spark)."""
    home = most_given_prefecture(counts)
    return home, INFERRED if home is not None else UNKNOWN
