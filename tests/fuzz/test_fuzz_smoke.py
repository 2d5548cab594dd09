"""Smoke run of the reader fuzz targets (issue 3 item 7); the long runs are ``python fuzz/run.py``."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parents[2] / "fuzz"))
import targets

SEEDS = Path(__file__).parents[2] / "fuzz" / "corpus"


@pytest.mark.parametrize("target", list(targets.TARGETS))
def test_seed_corpus_runs_clean(target: str) -> None:
    seeds = sorted((SEEDS / target).glob("*"))
    assert seeds, f"fuzz/corpus/{target} has no seeds"
    for seed in seeds:
        targets.check(target, seed.read_bytes())


@pytest.mark.parametrize("target", ["csv-jlis-result", "fixed-jis90-bytes", "detect"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=400))
def test_random_bytes(target: str, data: bytes) -> None:
    targets.check(target, data)


#: The header each CSV target's profile accepts (random bytes almost never pass it, so they never reach the rows).
HEADERS = {
    "csv-standard": "個人番号,漢字氏名,カナ氏名,生年月日,性別,住所",
    "csv-plain": "個人番号,漢字氏名,カナ氏名,生年月日,性別,住所",
    "csv-jlis-result": "要求通番,処理結果コード,個人番号,氏名カナ,氏名漢字,生年月日,性別,住所",
    "detect": "要求通番,処理結果コード,個人番号,氏名カナ,氏名漢字,生年月日,性別,住所",
    "csv-vendor": "宛名番号,マイナンバー,氏,名,氏カナ,名カナ,生年月日（和暦）,性別コード,住所,番地,方書",
}
#: Field text: digits, kana, kanji, dates' and addresses' marks, blanks — no quote, no line break, no comma.
_FIELD = st.text("0123456789０１２ヤマダタロウｱｲｳ山田太郎霞が関丁目番号-/.S昭和年月日男女 \u3000", max_size=8)
_RECORD = st.lists(_FIELD, min_size=1, max_size=13).map(",".join).filter(lambda line: line.strip(" \u3000") != "")


@st.composite
def headed_csv(draw: st.DrawFn, target: str) -> tuple[bytes, list[int]]:
    """A file the target's header check accepts: records of any number of fields (too few or too many are
    rejections), blank lines between them (no record), LF or CRLF, with or without the last line break, UTF-8
    (with or without BOM) or cp932. Returns the bytes and the line numbers of the records."""
    items = draw(st.lists(st.one_of(_RECORD, st.just("")), max_size=12))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join([HEADERS[target], *items]) + draw(st.sampled_from(["", newline]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp932"]))
    return text.encode(encoding), [n for n, line in enumerate(items, start=2) if line]


@pytest.mark.parametrize("target", list(HEADERS))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_line_of_a_file_with_its_header_is_one_row_or_one_rejection(target: str, data) -> None:
    content, lines = data.draw(headed_csv(target))
    targets.check(target, content, lines)


@pytest.mark.parametrize("data", [
    pytest.param(b"", id="空"),
    pytest.param(b"\xff\xfe\x00", id="UTF-16風"),
    pytest.param("個人番号\n".encode("cp932") + b"\x81", id="途切れた2バイト文字"),
    pytest.param(b'a,b\n"', id="閉じない引用符"),
    pytest.param(b"D" + b"0" * 319 + b"\r\n" + b"D" * 10, id="短い最終レコード"),
    pytest.param(b"x\x01\x00\x00\x00\x00\x00\x00\x00", id="zlibの先頭バイト（atheris で発見）"),
    pytest.param(b"\x1f\x8b\x08\x00garbage", id="gzipの先頭バイト"),
    pytest.param(b"\x28\xb5\x2f\xfdxx", id="zstdの先頭バイト"),
    pytest.param(b"x\x01\xda\xab2\x00\x00\x00\x00\x00\x00", id="zlibとして展開できUTF-8でない（mutation で発見）"),
])
def test_known_nasty_inputs(data: bytes) -> None:
    for target in ("csv-standard", "csv-jlis-result", "fixed-jis90-result", "fixed-cp932-vendor", "fixed-cp932-bytes",
                   "detect"):
        targets.check(target, data)


def test_a_damaged_workbook_is_one_clear_error() -> None:
    """Found by fuzzing the xlsx reader: a flipped byte in the zip gave BadZipFile / zlib.error tracebacks."""
    data = bytearray((SEEDS / "xlsx-standard" / "basic.xlsx").read_bytes())
    for offset in range(40, len(data), 97):
        damaged = bytearray(data)
        damaged[offset] ^= 0x5A
        targets.check("xlsx-standard", bytes(damaged))
