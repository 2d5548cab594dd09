"""The two sides of a case, character by character, with the steps the text modules trace.

No rule here: the differing characters come from :class:`difflib.SequenceMatcher`; *why* two values count as
equal comes from the text modules themselves (:func:`himozuke.text.kana.kana_key_steps`,
:func:`himozuke.text.address.address_steps`, :func:`himozuke.text.kanji.variant_candidates`).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from himozuke.formats import columns as C


@dataclass
class Side:
    segments: list[tuple[str, bool]]  #: (text, differs)


@dataclass
class ItemExplained:
    item: str
    verdict: str | None
    business: Side
    registry: Side
    steps: list[tuple[str, str, str]] = field(default_factory=list)  #: (step, business, registry)
    variants: list[tuple[str, str]] = field(default_factory=list)  #: (character, its 異体字 candidates)


def _segments(a: str, b: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    left: list[tuple[str, bool]] = []
    right: list[tuple[str, bool]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if a[i1:i2]:
            left.append((a[i1:i2], tag != "equal"))
        if b[j1:j2]:
            right.append((b[j1:j2], tag != "equal"))
    return left, right


def explain(items: dict[str, dict], *, hidden: str | None = None) -> list[ItemExplained]:
    """Every item of a case (``CaseView.items``); a value equal to ``hidden`` (DV) is neither diffed nor traced."""
    from himozuke.text.address import address_steps
    from himozuke.text.kana import kana_key_steps
    from himozuke.text.kanji import variant_candidates

    out = []
    for item in C.ITEMS:
        v = items.get(item, {})
        a, b = v.get("業務") or "", v.get("住基") or ""
        if hidden is not None and hidden in (a, b):
            out.append(ItemExplained(item, v.get("判定"), Side([(a, False)]), Side([(b, False)])))
            continue
        left, right = _segments(a, b)
        e = ItemExplained(item, v.get("判定"), Side(left), Side(right))
        tracer = {C.KANA_NAME: kana_key_steps, C.ADDRESS: address_steps}.get(item)
        if tracer and a and b and a != b:
            e.steps = [(name, x, y) for (name, x), (_n, y) in zip(tracer(a), tracer(b), strict=True)]
        if item == C.KANJI_NAME and a != b:
            for ch in dict.fromkeys(c for text, differs in left + right if differs for c in text):
                cands = variant_candidates(ch) - {ch}
                if cands:
                    e.variants.append((ch, "・".join(sorted(cands))))
        out.append(e)
    return out
