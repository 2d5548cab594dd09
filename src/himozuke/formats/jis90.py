"""JIS90 (JIS X 0208:1990 two-byte codes) and cp932 byte tables for fixed-length records (manual §7(3)–(4)).

The J-LIS 本人確認情報照会結果ファイル carries text as JIS X 0208 row/cell codes (``0x3021`` = 亜), not Shift_JIS.
Fixed-length records are handled as *byte strings spelled as Latin-1 text*: every byte is one character, so
Polars ``str.slice`` cuts at byte offsets. A field's bytes are split into code units (two bytes for JIS90 and for
a cp932 double-byte character, one otherwise) and each unit is looked up in a table built once at import.

外字 (ASSUMPTION, see docs/jlis-profile.md): JIS90 codes in the user-defined rows 0x75–0x7E (0x7521…0x7E7E, 940
codes) map to the private-use code points U+E000…U+E3AB, the same code points cp932's 外字 area F040… decodes to,
so a 外字 read from a CSV and from a fixed-length file is the same character. A character with no JIS90 code is
written as 〓 (0x222E, 下駄記号), the usual 外字 substitute.

>>> import polars as pl
>>> jis = pl.DataFrame({"b": ["\\x30\\x21\\x30\\x22\\x75\\x21"]})
>>> jis.select(decode_jis90_expr(pl.col("b")))["b"].to_list()
['亜唖\\ue000']
>>> encode_jis90("亜1\\ue000") == "\\x30\\x21\\x23\\x31\\x75\\x21"
True
>>> decode_jis90(encode_jis90("ヤマダ　太郎"))
'ヤマダ\\u3000太郎'
"""

from __future__ import annotations

import unicodedata

import polars as pl

#: 〓 (GETA MARK), JIS X 0208 0x222E: written for any character without a JIS90 code.
GETA = "\u3013"
GETA_JIS = "\x22\x2e"
#: Ideographic space, JIS X 0208 0x2121: pads two-byte fields.
JIS_SPACE = "\x21\x21"
#: First private-use code point of 外字 (shared with cp932 F040 → U+E000, see formats.tabular).
PUA_FIRST = 0xE000
_GAIJI_ROWS = range(0x75, 0x7F)
_CELLS = range(0x21, 0x7F)


def _jis_table() -> dict[str, str]:
    """Two Latin-1 characters (row, cell) → Unicode, for every JIS X 0208 code and the 外字 rows."""
    table: dict[str, str] = {}
    for row in range(0x21, 0x75):
        for cell in _CELLS:
            try:
                ch = bytes([row | 0x80, cell | 0x80]).decode("euc_jp")
            except UnicodeDecodeError:
                continue
            if len(ch) == 1:
                table[chr(row) + chr(cell)] = ch
    for i, (row, cell) in enumerate((r, c) for r in _GAIJI_ROWS for c in _CELLS):
        table[chr(row) + chr(cell)] = chr(PUA_FIRST + i)
    return table


#: JIS90 code unit (as two Latin-1 characters) → Unicode character.
JIS_TO_UNICODE: dict[str, str] = _jis_table()


def _unicode_table() -> dict[str, str]:
    """Unicode character → JIS90 code unit, plus the cp932 spellings of the same JIS characters and the
    ASCII / half-width kana characters, which JIS X 0208 only has in full width."""
    back = {u: j for j, u in JIS_TO_UNICODE.items()}
    # cp932 decodes some JIS X 0208 codes to other code points than euc_jp does (～ U+FF5E vs 〜 U+301C).
    for j in JIS_TO_UNICODE:
        row, cell = ord(j[0]), ord(j[1])
        if row >= _GAIJI_ROWS.start:
            continue
        try:
            back.setdefault(_euc_to_sjis(row, cell).decode("cp932"), j)
        except UnicodeDecodeError:
            continue
    for cp in [*range(0x21, 0x7F), *range(0xFF61, 0xFFA0)]:
        wide = unicodedata.normalize("NFKC", chr(cp)) if cp >= 0xFF61 else chr(cp + 0xFEE0)
        if len(wide) == 1 and wide in back:
            back.setdefault(chr(cp), back[wide])
    back.setdefault(" ", JIS_SPACE)
    return back


def _euc_to_sjis(row: int, cell: int) -> bytes:
    """Shift_JIS bytes of a JIS X 0208 row/cell (the standard arithmetic transform)."""
    lead = (row + 1) // 2 + (0x70 if row <= 0x5E else 0xB0)
    trail = cell + (0x1F if row % 2 else 0x7D)
    if row % 2 and cell >= 0x60:
        trail += 1
    return bytes([lead, trail])


#: Unicode character → JIS90 code unit (two Latin-1 characters).
UNICODE_TO_JIS: dict[str, str] = _unicode_table()


def _cp932_table() -> dict[str, str]:
    """cp932 code unit (one or two Latin-1 characters) → Unicode, 外字 F040–F9FC included (→ U+E000…)."""
    table: dict[str, str] = {}
    for b in range(0x100):
        try:
            table[chr(b)] = bytes([b]).decode("cp932")
        except UnicodeDecodeError:
            continue
    for lead in [*range(0x81, 0xA0), *range(0xE0, 0xFD)]:
        for trail in [*range(0x40, 0x7F), *range(0x80, 0xFD)]:
            try:
                table[chr(lead) + chr(trail)] = bytes([lead, trail]).decode("cp932")
            except UnicodeDecodeError:
                continue
    return table


#: cp932 code unit (Latin-1 spelling) → Unicode character.
CP932_TO_UNICODE: dict[str, str] = _cp932_table()
_CP932_UNIT = r"(?s)[\x81-\x9f\xe0-\xfc][\x40-\x7e\x80-\xfc]|."
_JIS_UNIT = r"(?s)..|."


def _series(table: dict[str, str]) -> tuple[pl.Series, pl.Series]:
    """A lookup table as (old, new) Series, built once: passing a dict would rebuild them for every query."""
    return pl.Series(list(table), dtype=pl.String), pl.Series(list(table.values()), dtype=pl.String)


_LOOKUPS: dict[int, tuple[pl.Series, pl.Series]] = {}


def _lookup(e: pl.Expr, table: dict[str, str], default: str | None) -> pl.Expr:
    """``e.replace_strict(table, default=default)`` with the table's Series cached."""
    old, new = _LOOKUPS.get(id(table)) or _LOOKUPS.setdefault(id(table), _series(table))
    return e.replace_strict(old, new, default=default, return_dtype=pl.String)


def _decode_units(e: pl.Expr, pattern: str, table: dict[str, str]) -> pl.Expr:
    """Split Latin-1-spelled bytes into code units and look each up; any unknown unit makes the value null.

    ``pattern`` ends in a one-character fallback, so the units always cover the whole value.
    """
    return e.str.extract_all(pattern).list.eval(_lookup(pl.element(), table, None)).list.join("", ignore_nulls=False)


def decode_jis90_expr(e: pl.Expr) -> pl.Expr:
    """JIS90 bytes (Latin-1 spelling, even length) → text; null when a code is undefined or the length is odd."""
    return _decode_units(e, _JIS_UNIT, JIS_TO_UNICODE)


#: Marks an undefined code in :func:`decode_jis90_marked_expr` (no JIS X 0208 code decodes to it).
UNDEFINED = "\ufffd"


def decode_jis90_marked_expr(e: pl.Expr) -> pl.Expr:
    """JIS90 bytes → text with one character per two bytes, U+FFFD for each undefined code (so several fields
    can be decoded in one pass and cut by character position afterwards)."""
    return e.str.extract_all(_JIS_UNIT).list.eval(_lookup(pl.element(), JIS_TO_UNICODE, UNDEFINED)).list.join("")


def decode_cp932_marked_expr(e: pl.Expr) -> pl.Expr:
    """cp932 bytes → text, U+FFFD for each byte that starts no valid character (a lone lead byte, a field
    that cuts a character); several fields joined by "\\n" decode in one pass and split afterwards."""
    return e.str.extract_all(_CP932_UNIT).list.eval(_lookup(pl.element(), CP932_TO_UNICODE, UNDEFINED)).list.join("")


def decode_cp932_expr(e: pl.Expr) -> pl.Expr:
    """cp932 bytes (Latin-1 spelling) → text; null when a byte pair is undefined or a field cuts a character."""
    return _decode_units(e, _CP932_UNIT, CP932_TO_UNICODE)


def decode_jis90(raw: str) -> str | None:
    """Scalar :func:`decode_jis90_expr`."""
    if len(raw) % 2:
        return None
    units = [JIS_TO_UNICODE.get(raw[i : i + 2]) for i in range(0, len(raw), 2)]
    return None if None in units else "".join(units)  # type: ignore[arg-type]


def encode_jis90(text: str) -> str:
    """Text → JIS90 bytes (Latin-1 spelling); characters without a code become 〓 (0x222E)."""
    return "".join(UNICODE_TO_JIS.get(ch, GETA_JIS) for ch in text)


def encode_jis90_expr(e: pl.Expr) -> pl.Expr:
    """Vectorised :func:`encode_jis90`."""
    return (
        e.str.extract_all(r"(?s).")
        .list.eval(_lookup(pl.element(), UNICODE_TO_JIS, GETA_JIS))
        .list.join("")
    )


#: Characters JIS X 0208 has a code for (外字 rows excluded).
STANDARD_CHARS: frozenset[str] = frozenset(
    u for u, j in UNICODE_TO_JIS.items() if ord(j[0]) < _GAIJI_ROWS.start
)

_STANDARD_SERIES = pl.Series(sorted(STANDARD_CHARS), dtype=pl.String)


def outside_jis90_expr(e: pl.Expr) -> pl.Expr:
    """The characters of ``e`` without a JIS X 0208 code (the inquiry turns them into 外字 / 〓), as a list.

    >>> pl.DataFrame({"s": ["髙橋", "高橋", "\ue001子"]}).select(outside_jis90_expr(pl.col("s")))["s"].to_list()
    [['髙'], [], ['\ue001']]
    """
    return e.str.extract_all(r"(?s).").list.eval(pl.element().filter(~pl.element().is_in(_STANDARD_SERIES.implode())))
