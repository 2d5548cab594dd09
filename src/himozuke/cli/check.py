"""``himozuke check`` and ``himozuke demo``."""

from __future__ import annotations
