"""JIS90 two-byte codes and cp932 tables (manual §7(3)–(4): the result file is JIS X 0208:1990)."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from himozuke.formats import jis90

#: Canonical characters (the euc_jp spelling); cp932 aliases such as ∥ for ‖ encode but decode canonically.
STANDARD = sorted(u for j, u in jis90.JIS_TO_UNICODE.items() if ord(j[0]) < 0x75)


@pytest.mark.parametrize(("text", "codes"), [
    pytest.param("亜", b"\x30\x21", id="亜=3021"),
    pytest.param("〓", b"\x22\x2e", id="〓=222E"),
    pytest.param("\u3000", b"\x21\x21", id="全角空白=2121"),
    pytest.param("\ue000", b"\x75\x21", id="外字U+E000=7521"),
    pytest.param("\ue3ab", b"\x7e\x7e", id="外字U+E3AB=7E7E"),
    pytest.param("1", b"\x23\x31", id="半角1→全角2331"),
    pytest.param("ｱ", b"\x25\x22", id="半角ア→全角2522"),
    pytest.param("～", b"\x21\x41", id="cp932の～→2141"),
    pytest.param("∥", b"\x21\x42", id="cp932の∥→2142"),
    pytest.param("髙", b"\x22\x2e", id="髙はJIS X 0208外→〓"),
    pytest.param("\ue3ac", b"\x22\x2e", id="外字941番目以降→〓"),
])
def test_encode_table(text: str, codes: bytes) -> None:
    assert jis90.encode_jis90(text) == codes.decode("latin-1")


@pytest.mark.parametrize(("raw", "expected"), [
    pytest.param(b"\x30\x21", "亜", id="3021"),
    pytest.param(b"\x30", None, id="奇数バイト"),
    pytest.param(b"\x29\x21", None, id="未定義の区"),
    pytest.param(b"\x7f\x7f", None, id="範囲外"),
])
def test_decode_table(raw: bytes, expected: str | None) -> None:
    text = raw.decode("latin-1")
    assert jis90.decode_jis90(text) == expected
    assert pl.DataFrame({"b": [text]}).select(jis90.decode_jis90_expr(pl.col("b")))["b"][0] == expected


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from(STANDARD + [chr(0xE000 + i) for i in range(940)]), max_size=30))
def test_round_trip_and_expr_agrees(text: str) -> None:
    encoded = jis90.encode_jis90(text)
    assert jis90.decode_jis90(encoded) == text
    frame = pl.DataFrame({"t": [text], "b": [encoded]})
    assert frame.select(jis90.encode_jis90_expr(pl.col("t")))["t"][0] == encoded
    assert frame.select(jis90.decode_jis90_expr(pl.col("b")))["b"][0] == text


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=40))
def test_cp932_decode_agrees_with_codec(data: bytes) -> None:
    try:
        expected: str | None = data.decode("cp932")
    except UnicodeDecodeError:
        expected = None
    got = pl.DataFrame({"b": [data.decode("latin-1")]}).select(jis90.decode_cp932_expr(pl.col("b")))["b"][0]
    assert got == expected


def test_outside_jis90_lists_gaiji_and_ibm_extensions() -> None:
    got = pl.DataFrame({"s": ["髙橋", "山田", "\ue000子", "𠮷野"]}).select(jis90.outside_jis90_expr(pl.col("s")))
    assert got["s"].to_list() == [["髙"], [], ["\ue000"], ["𠮷"]]
