"""Fixed-length records (issue 3 items 1, 5, 7): every record is a row or a rejection naming record and field."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from himozuke.formats import jis90
from himozuke.formats.fixed import fixed_bytes, open_fixed
from himozuke.formats.profiles import parse_profile

JIS = parse_profile({"format": "fixed", "encoding": "jis90", "record_length": 8, "fields": [
    {"column": "個人番号", "header": "番号", "offset": 0, "length": 4},
    {"column": "漢字氏名", "header": "氏名", "offset": 4, "length": 4, "type": "n"}]}, source="jis.toml")
SJIS = parse_profile({"format": "fixed", "encoding": "cp932", "record_length": 6, "newline": "none", "fields": [
    {"column": "個人番号", "header": "番号", "offset": 0, "length": 2},
    {"column": "漢字氏名", "header": "氏名", "offset": 2, "length": 4}]}, source="sjis.toml")


def _read(tmp: Path, data: bytes, profile=JIS) -> tuple[list[dict], list[tuple]]:
    p = tmp / "f.dat"
    p.write_bytes(data)
    with open_fixed(p, profile) as t:
        rows, rejects = pl.collect_all([t.rows, t.rejects])
    return rows.to_dicts(), rejects.rows()


@pytest.mark.parametrize(("data", "rows", "rejected"), [
    pytest.param(b"1234\x30\x21\x21\x21\r\n", [{"行番号": 1, "番号": "1234", "氏名": "亜"}], [], id="正常"),
    pytest.param(b"1234\x30\x21\x21\x21", [{"行番号": 1, "番号": "1234", "氏名": "亜"}], [], id="最終行に改行なし"),
    pytest.param(b"1234\x30\x21\r\n", [], [1], id="短いレコード"),
    pytest.param(b"1234\x29\x21\x21\x21\r\n", [], [1], id="未定義コード"),
    pytest.param(b"12\xff4\x30\x21\x21\x21\n", [], [1], id="x項目に8ビット"),
    pytest.param(b"\r\n\r\n", [], [], id="空行だけ"),
    pytest.param(b"1234\x30\x21\x21\x21\n1234\x29\x21\x21\x21\nzz\n",
                 [{"行番号": 1, "番号": "1234", "氏名": "亜"}], [2, 3], id="混在"),
])
def test_jis90_records(tmp_path: Path, data: bytes, rows: list[dict], rejected: list[int]) -> None:
    got_rows, got_rejects = _read(tmp_path, data)
    assert got_rows == rows
    assert [r[0] for r in got_rejects] == rejected


def test_rejection_names_the_field(tmp_path: Path) -> None:
    _, rejects = _read(tmp_path, b"1234\x29\x21\x21\x21\r\n")
    assert "項目「氏名」（4バイト目から4バイト）" in rejects[0][1]


@pytest.mark.parametrize(("data", "names", "rejected"), [
    pytest.param("01山田".encode("cp932") + "02\ue000子".encode("cp932"), ["山田", "\ue000子"], [], id="外字F040"),
    pytest.param(b"01\x8e\x52\x93\x63" + b"02\x8e\x52 \x93", ["山田"], [2], id="2バイト文字を切る項目"),
])
def test_cp932_records_without_newlines(tmp_path: Path, data: bytes, names: list[str], rejected: list[int]) -> None:
    rows, rejects = _read(tmp_path, data, SJIS)
    assert [r["氏名"] for r in rows] == names
    assert [r[0] for r in rejects] == rejected


def test_writer_cuts_at_character_boundary_and_pads() -> None:
    frame = pl.DataFrame({"番号": ["1", "12345"], "氏名": ["亜亜亜", None]})
    assert fixed_bytes(frame, JIS) == b"1   \x30\x21\x30\x21\r\n1234\x21\x21\x21\x21\r\n"
    frame = pl.DataFrame({"番号": ["1"], "氏名": ["山田太郎"]})
    assert fixed_bytes(frame, SJIS) == b"1 \x8e\x52\x93\x63"


_JIS_CHARS = sorted(u for j, u in jis90.JIS_TO_UNICODE.items() if ord(j[0]) < 0x75 and u != "\u3000")
_CP932_CHARS = "山田太郎髙橋ｱｲｳﾞabc123-\ue000\ue757"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(number=st.text("0123456789", max_size=4), name=st.text(st.sampled_from(_JIS_CHARS), max_size=2))
def test_jis90_write_read_round_trip(tmp_path: Path, number: str, name: str) -> None:
    p = tmp_path / "rt.dat"
    p.write_bytes(fixed_bytes(pl.DataFrame({"番号": [number], "氏名": [name]}), JIS))
    with open_fixed(p, JIS) as t:
        rows = t.rows.collect()
    assert rows.select("番号", "氏名").row(0) == (number or None, name or None)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(st.sampled_from(_CP932_CHARS), max_size=4))
def test_cp932_write_read_round_trip_cuts_at_characters(tmp_path: Path, name: str) -> None:
    p = tmp_path / "rt.dat"
    p.write_bytes(fixed_bytes(pl.DataFrame({"番号": ["1"], "氏名": [name]}), SJIS))
    with open_fixed(p, SJIS) as t:
        got = t.rows.collect()["氏名"][0] or ""
    assert name.startswith(got)  # a prefix: cut at a character boundary, never inside one
    kept = name.encode("cp932")[: len(got.encode("cp932"))].decode("cp932")
    assert kept == got
    rest = name[len(got):]
    assert got == name.rstrip(" ") or len(got.encode("cp932")) + len(rest[:1].encode("cp932")) > 4 or \
        rest.strip(" ") == ""
