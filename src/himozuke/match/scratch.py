"""Names of the scratch columns the check adds while it works, in one place: none reaches a result file.

A column one step writes and another reads (the engine's flags, the prepared keys the level conditions read,
the per-item reasons) is named here and only here, so that writer and reader cannot drift apart. Names start
with ``_``: no input or result column does. Per-item names are ``<kind>:<item>`` (``_key:<item>:b``).
"""

from __future__ import annotations

# --- one row of the check (match.engine, read by classify's rules and by himozuke.verify) ------------------
NUMBER_KEY = "_number_key"  #: the 個人番号 as an Int64 (null: not 12 digits) — joins, buckets, counts
PERSON = "_person"  #: who a business row is about, as an integer (the person key, hashed or numbered)
REGISTRY_COUNT = "_registry_count"  #: how many registry rows have the number (null: none)
NUMBER_REASON = "_e_number"  #: why the business 個人番号 cannot be compared (null: it can)
E_REASON = "_e_reason"  #: why the row is E (null: it is not)
NUMBER_SHARED = "_number_shared"  #: the number is used by another person in the business file
REPEATED = "_repeated"  #: the (valid) number occurs more than once in the business file
CROSS = "_cross"  #: the number-sharing reason code (shared or repeated; null: neither)
SEVERAL = "_several"  #: the "one person under several numbers" reason code (null: not flagged)
CHEAP = "_cheap"  #: the five items are identical texts that identify someone: A without any normaliser
TO_COMPARE = "_compare"  #: comparable and not on the cheap path: the pair goes through the normalisers
REST = "_rest"  #: a row that is not a plain cheap-path A: classified and explained
ROW_INDEX = "_idx"  #: a row's position in the bucket frame, to scatter results back
CASE = "_case"  #: a row's case: its flags, item levels and evidence (engine._assemble classifies each once)
REJECT_DETAIL = "_reject_detail"  #: the reader's message of an unreadable line

# --- one pair being compared (match.compare) -----------------------------------------------------------------
PAIR = "_pair"  #: a pair's position in the frame being prepared, the order keys are joined back into
VALUE, VALUE_KEY = "_v", "_k"  #: a distinct text and its normalised key
KANJI_VARIANT = "_kanji_variant_equal"  #: the 漢字氏名 keys differ and are equal up to 異体字/外字
MACHIAZA_VARIANT = "_machiaza_variant_equal"  #: the 注11 keys differ and are equal up to 異体字
SAME_NAME = "_same_municipality_name"  #: the places differ and their 市区町村 names fold alike

# --- evidence of an unlikely match (match.evidence, read by the priority tiers) ----------------------------
GIVEN_DIFFERS = "_ev_given_differs"  #: the 名 (カナ) differs: another person's given name (null: no 姓・名 split)
SURNAME_AGREES = "_ev_surname_agrees"  #: the 姓 agrees (カナ or 漢字): the same family
BIRTH = "_ev_birth"  #: 生年月日: "same", "typo" or "far" (null when a side is unreadable)


def equal(item: str) -> str:
    """``_eq:<item>``: the item's two texts are identical (null where a side is null)."""
    return f"_eq:{item}"


def same(item: str) -> str:
    """``_same:<item>``: identical after trimming surrounding blanks (the 一致 level)."""
    return f"_same:{item}"


def key(item: str, side: str) -> str:
    """``_key:<item>:<side>``: the normalised key of one side (``side`` is ``b`` or ``r``)."""
    return f"_key:{item}:{side}"


def alike(item: str) -> str:
    """``_alike:<item>``: a split item's two texts have the same parts (``compare._split_keys``)."""
    return f"_alike:{item}"


def unusable(item: str) -> str:
    """``_unusable:<item>``: the two texts are the same and identify no one."""
    return f"_unusable:{item}"


def level(item: str) -> str:
    """``_level:<item>``: the index of the item's first level that holds."""
    return f"_level:{item}"


def reason(item: str) -> str:
    """``_reason:<item>``: the reason code of the item's level (null for a plain 一致)."""
    return f"_reason:{item}"
