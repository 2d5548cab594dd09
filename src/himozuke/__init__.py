"""himozuke (紐付け) — prove that every business record is linked to the right person's My Number.

The check follows the Digital Agency manual 「地方自治体におけるマイナンバーの紐付け誤りに関する総点検マニュアル」
第2.1版 §7; see ``docs/rules.md`` for each rule and where it lives in the code.
"""

__version__ = "0.1.0"

#: Exported lazily (module ``__getattr__``): importing himozuke loads nothing else (no Polars) until one is used.
_LAZY = {
    "verify": "himozuke.verification",  # the one-record check (docs/verify.md)
    "Verification": "himozuke.verification",
    "lookup": "himozuke.match.lookup",  # the 4-information lookup (docs/lookup.md)
}


def __getattr__(name: str):
    """``himozuke.verify``, ``himozuke.Verification`` and ``himozuke.lookup``, loaded on first use."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'himozuke' has no attribute {name!r}")


__all__ = ["Verification", "__version__", "lookup", "verify"]
