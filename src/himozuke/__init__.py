"""himozuke (紐付け) — prove that every business record is linked to the right person's My Number.

The check follows the Digital Agency manual 「地方自治体におけるマイナンバーの紐付け誤りに関する総点検マニュアル」
第2.1版 §7; see ``docs/rules.md`` for each rule and where it lives in the code.
"""

__version__ = "0.1.0"
