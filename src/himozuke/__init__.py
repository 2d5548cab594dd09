"""himozuke (紐付け) — prove that every business record is linked to the right person's My Number.

The check follows the Digital Agency manual 「地方自治体におけるマイナンバーの紐付け誤りに関する総点検マニュアル」
第2.1版 §7; see ``docs/rules.md`` for each rule and where it lives in the code.
"""

__version__ = "0.1.0"


def __getattr__(name: str):
    """Lazy exports: ``import himozuke`` stays cheap (no Polars) until one of them is used."""
    if name == "lookup":  # the 4-information lookup (docs/lookup.md)
        from himozuke.match.lookup import lookup

        return lookup
    raise AttributeError(f"module 'himozuke' has no attribute {name!r}")
