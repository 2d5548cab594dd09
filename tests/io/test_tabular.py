"""Reading CSV / xlsx: encodings, 外字, broken rows — every line is a row or a rejection with its line."""

from __future__ import annotations

import datetime as dt

import openpyxl
import polars as pl
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from himozuke.errors import InputFileError
from himozuke.formats.tabular import detect_encoding, open_table, read_plain_csv, read_table, scan_plain_csv
from himozuke.text.blank import is_blank

HEADER = "個人番号,漢字氏名,カナ氏名,生年月日,性別,住所"


def write(tmp_path, text: str, encoding: str, name: str = "in.csv"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


@pytest.mark.parametrize(("encoding", "expected"), [
    pytest.param("utf-8", "utf-8", id="UTF-8"),
    pytest.param("utf-8-sig", "utf-8-sig", id="UTF-8 BOM付き"),
    pytest.param("cp932", "cp932", id="Shift_JIS(cp932)"),
])
def test_encoding_is_detected_and_text_survives(tmp_path, encoding, expected):
    p = write(tmp_path, f"{HEADER}\n123456789018,髙橋　一郎,タカハシ　イチロウ,1975-01-02,1,東京都千代田区霞が関１－１－１\n", encoding)
    rows, rejects, enc = read_table(p)
    assert enc == expected
    assert rows["漢字氏名"].to_list() == ["髙橋　一郎"]
    assert rows.columns[0] == "行番号" and rows["行番号"].to_list() == [2]
    assert rejects.height == 0


def test_cp932_gaiji_area_becomes_private_use(tmp_path):
    p = tmp_path / "gaiji.csv"
    p.write_bytes(f"{HEADER}\n".encode("cp932") + b"123456789018,\xf0\x40\x93\x63\x81\x40\x91\xbe\x98\x59,,,,\n")
    rows, _, enc = read_table(p)
    assert enc == "cp932"
    assert rows["漢字氏名"][0] == "\ue000田　太郎"


def test_broken_rows_are_rejected_with_their_line(tmp_path):
    text = "\n".join([
        HEADER,
        "123456789018,山田　太郎,ヤマダ　タロウ,1975-01-02,1,東京都千代田区霞が関１－１－１",
        "123456789018,山田　太郎,ヤマダ　タロウ,1975-01-02,1",
        "",
        '123456789018,"山田, 太郎",ヤマダ　タロウ,1975-01-02,1,"東京都""千代田区"""',
        '123456789018,"山田,ヤマダ,1975-01-02,1,x',
    ]) + "\n"
    rows, rejects, _ = read_table(write(tmp_path, text, "utf-8"))
    assert rows["行番号"].to_list() == [2, 5]
    assert rows["漢字氏名"].to_list() == ["山田　太郎", "山田, 太郎"]
    assert rows["住所"][1] == '東京都"千代田区"'
    assert rejects["行番号"].to_list() == [3, 6]
    assert "列数が5です" in rejects["理由"][0]
    assert "引用符" in rejects["理由"][1]


def test_crlf_and_empty_fields(tmp_path):
    rows, _, _ = read_table(write(tmp_path, f"{HEADER}\r\n123456789018,,,,,\r\n", "utf-8"))
    assert rows.row(0) == (2, "123456789018", None, None, None, None, None)


def test_bytes_that_are_not_the_forced_encoding_name_the_line(tmp_path):
    p = tmp_path / "mixed.csv"
    p.write_bytes(f"{HEADER}\n123456789018,山田,,,,\n".encode() + "123456789018,髙橋,,,,\n".encode("cp932"))
    with pytest.raises(InputFileError) as e:
        read_table(p, encoding="utf-8")
    assert e.value.line == 3
    assert "--encoding cp932" in e.value.message


@pytest.mark.parametrize(("text", "needle"), [
    pytest.param("", "空", id="空ファイル"),
    pytest.param("a,a\n1,2\n", "重複", id="見出しの重複"),
])
def test_unusable_files_raise_one_clear_error(tmp_path, text, needle):
    with pytest.raises(InputFileError) as e:
        read_table(write(tmp_path, text, "utf-8"))
    assert needle in e.value.ja and e.value.en


def test_xlsx_cells_become_text(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    ws.append([123456789018, "山田　太郎", "ヤマダ　タロウ", dt.datetime(1975, 1, 2), 1, "東京都千代田区霞が関１－１－１"])
    ws.append([None] * 6)
    ws.append(["123456789018", "x", None, None, None, None, "stray"])
    p = tmp_path / "in.xlsx"
    wb.save(p)
    rows, rejects, enc = read_table(p)
    assert enc == "xlsx"
    assert rows.row(0) == (2, "123456789018", "山田　太郎", "ヤマダ　タロウ", "1975-01-02", "1", "東京都千代田区霞が関１－１－１")
    assert rejects["行番号"].to_list() == [4]


def test_detect_encoding_on_ascii_is_utf8(tmp_path):
    assert detect_encoding(write(tmp_path, "a,b\n1,2\n", "ascii")) == "utf-8"


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_rows_or_one_clear_error(tmp_path_factory, data):
    p = tmp_path_factory.mktemp("fuzz") / "f.csv"
    p.write_bytes(HEADER.encode() + b"\n" + data)
    try:
        rows, rejects, enc = read_table(p)
    except InputFileError as e:
        assert e.ja and e.en
        return
    text = p.read_bytes().decode(enc.replace("utf-8-sig", "utf-8"))
    lines = [ln.rstrip("\r") for ln in text.split("\n")[1:]]
    assert rows.height + rejects.height == sum(1 for ln in lines if not is_blank(ln))  # a blank line is no row


def test_rows_keep_line_order_when_quoted_and_plain_lines_mix(tmp_path):
    lines = [HEADER] + [f'12345678901{i % 10},"名{i}",,,,' if i % 3 == 0 else f"12345678901{i % 10},名{i},,,,"
                        for i in range(30)]
    rows, _, _ = read_table(write(tmp_path, "\n".join(lines) + "\n", "utf-8"))
    assert rows["行番号"].to_list() == list(range(2, 32))
    assert rows["漢字氏名"].to_list() == [f"名{i}" for i in range(30)]


# ---- the plain-file fast path (read_plain_csv) must read exactly what the line-by-line path reads ----------

def _all_paths(path):
    """(rows, rejects) of ``path`` through the fast path (``whole=True``), its streamed form (``streamed=True``,
    the bucketed engine's) and the line-by-line path."""
    out = []
    for how in ({"whole": True}, {"streamed": True}, {}):
        with open_table(path, **how) as t:
            rows, rejects = pl.collect_all([t.rows.sort("行番号"), t.rejects.sort("行番号")])
        out.append((rows, rejects))
    return out


@pytest.mark.parametrize("text", [
    pytest.param(f"{HEADER}\n123456789018,山田　太郎,ヤマダ,1975-01-02,1,霞が関１－１\n4,,,,,\n", id="LF"),
    pytest.param(f"{HEADER}\r\n123456789018,山田　太郎,ヤマダ,1975-01-02,1,霞が関\r\n4,,,,,\r\n", id="CRLF (Excel)"),
    pytest.param(f"\ufeff{HEADER}\n123456789018, 山田 ,,,,\n4,,,,,x", id="BOM, no final line break"),
])
def test_a_plain_file_takes_the_fast_path_and_reads_the_same(tmp_path, text):
    p = write(tmp_path, text, "utf-8")
    assert read_plain_csv(p, tuple(HEADER.split(","))) is not None
    assert scan_plain_csv(p, tuple(HEADER.split(","))) is not None
    (fast_rows, fast_rejects), (streamed_rows, streamed_rejects), (rows, rejects) = _all_paths(p)
    assert_frame_equal(fast_rows, rows)
    assert_frame_equal(streamed_rows, rows)
    assert fast_rejects.height == streamed_rejects.height == rejects.height == 0


def test_the_plain_path_counts_the_bytes_of_a_file_over_4_gib():
    """60 M pairs are a 7.2 GB file: its fields' bytes, summed as 32-bit numbers, wrapped, the file never added up,
    and Polars' reader was refused for the line-by-line path — twice the time (docs/benchmarks.md, 2026-12-06). 5 GB
    of fields here are views of one 1 MiB text, so the test holds a megabyte."""
    from himozuke.formats import tabular

    values = pl.select(pl.repeat(pl.lit("x" * 2**20), 5000).alias("a"), pl.repeat(pl.lit("y"), 5000).alias("b"))
    assert values.select(tabular._field_bytes()).item() == 5000 * (2**20 + 1)
    assert values.lazy().select(tabular._field_bytes()).collect(engine="streaming").item() == 5000 * (2**20 + 1)


@pytest.mark.parametrize("text", [
    pytest.param(f"{HEADER}\n1,2,3,4,5\n", id="a line one field short"),
    pytest.param(f"{HEADER}\n1,2,3,4,5,6,7\n", id="a line one field long"),
    pytest.param(f"{HEADER}\n1,2,3,4,5,6\n\n1,2,3,4,5,6\n", id="a blank line"),
    pytest.param(f"{HEADER}\n1,2,3,4,5\n1,2,3,4,5,6,7\n", id="one short and one long line"),
    pytest.param(f'{HEADER}\n1,"2",3,4,5,6\n', id="a quote"),
    pytest.param(f"{HEADER}\n1,2,3,4,5,6\r\r\n", id="a stray carriage return"),
    pytest.param(f"{HEADER}\n1,2,3,4,5,6\n1,2,3,4,5\n1,2,3,4,5,6,", id="an unterminated last line one empty field long"),
])
def test_anything_but_a_plain_file_takes_the_line_by_line_path(tmp_path, text):
    p = write(tmp_path, text, "utf-8")
    assert read_plain_csv(p, tuple(HEADER.split(","))) is None
    assert scan_plain_csv(p, tuple(HEADER.split(","))) is None
    (_, _), (streamed_rows, streamed_rejects), (rows, rejects) = _all_paths(p)
    assert_frame_equal(streamed_rows, rows)
    assert_frame_equal(streamed_rejects, rejects)


_PIECES = ["1", "山田", " ", "\u3000", "\t", "\r", "\x00", "\ufeff", "", "a b"]


@st.composite
def _plain_ish_files(draw):
    n = draw(st.integers(2, 4))
    lines = [",".join(f"h{i}" for i in range(n))]
    for _ in range(draw(st.integers(0, 6))):
        fields = draw(st.sampled_from([n, n, n, n, 0, n - 1, n + 1]))
        lines.append(",".join("".join(draw(st.lists(st.sampled_from(_PIECES), max_size=3))) for _ in range(fields)))
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    return (eol.join(lines) + draw(st.sampled_from(["", eol, eol + eol]))).encode()


@settings(max_examples=300, deadline=None)
@given(_plain_ish_files())
def test_fast_path_reads_what_the_line_by_line_path_reads(tmp_path_factory, data):
    """Lines one field short or long, blank lines, CR, NUL, BOM, spaces: whenever the fast path accepts a
    file, its rows are the line-by-line rows, and a file with any rejected line is never accepted."""
    p = tmp_path_factory.mktemp("plain") / "f.csv"
    p.write_bytes(data)
    with open_table(p) as t:
        header = t.header
    accepted = read_plain_csv(p, header) is not None
    assert (scan_plain_csv(p, header) is not None) == accepted
    (fast_rows, fast_rejects), (streamed_rows, streamed_rejects), (rows, rejects) = _all_paths(p)
    assert_frame_equal(fast_rows, rows)
    assert_frame_equal(fast_rejects, rejects)
    assert_frame_equal(streamed_rows, rows)
    assert_frame_equal(streamed_rejects, rejects)
    event("fast path" if accepted else "line by line")
    if accepted:
        assert rejects.height == 0


_QUOTED_PIECES = [*_PIECES, '"a,b"', '"', '"x""y"', '"改\n行"', "\r"]


@st.composite
def _quoted_ish_files(draw):
    n = draw(st.integers(2, 4))
    lines = [",".join(f"h{i}" for i in range(n))]
    for _ in range(draw(st.integers(0, 6))):
        lines.append(",".join("".join(draw(st.lists(st.sampled_from(_QUOTED_PIECES), max_size=2)))
                              for _ in range(n)))
    return ("\n".join(lines) + "\n").encode()


@settings(max_examples=300, deadline=None)
@given(_quoted_ish_files())
def test_a_file_said_plain_holds_no_value_a_writer_must_quote(tmp_path_factory, data):
    """Table.plain lets result.csv be written without searching fields for quotes (a bucketed run reads line by
    line): whenever it is said, no value read holds a comma, quote or line break, so both writers agree."""
    p = tmp_path_factory.mktemp("quoted") / "f.csv"
    p.write_bytes(data)
    try:
        with open_table(p) as t:
            plain, rows = t.plain, t.rows.collect()
    except InputFileError:
        return  # a header the reader refuses: nothing to write
    event("plain" if plain else "quoted")
    if plain:
        assert rows.write_csv(quote_style="never") == rows.write_csv(quote_style="necessary")


@pytest.mark.parametrize(("lines", "padded"), [
    pytest.param(["1,山田　太郎,ヤマダ,19750102,1,東京都千代田区1-1"], set(), id="空白なし（全角空白は対象外）"),
    pytest.param(["1,山田,ヤマダ タロウ,19750102,1,東京都"], set(), id="値の中の空白"),
    pytest.param(["1,山田,ヤマダ,19750102,1,東京都 "], {"住所"}, id="末尾の空白"),
    pytest.param(["1, 山田,ヤマダ,19750102,1,東京都"], {"漢字氏名"}, id="先頭の空白"),
])
def test_unpadded_columns_with_and_without_the_file_scan(tmp_path, lines, padded):
    """A file with no ASCII space after its header has no padded value (its layout's search says so); otherwise
    the whole read tests each column, and the streamed read, which holds no column to test, knows none unpadded —
    never a padded column taken for an unpadded one."""
    from himozuke.formats.tabular import unpadded_columns

    header = tuple(HEADER.split(","))
    p = write(tmp_path, "\n".join([HEADER, *lines]) + "\n", "utf-8")
    expected = frozenset(header) - padded
    assert unpadded_columns(read_plain_csv(p, header)) == expected
    with open_table(p, whole=True) as table:
        assert table.unpadded == expected
    with open_table(p, streamed=True) as table:
        assert table.unpadded == (frozenset(header) if not any(" " in line for line in lines) else frozenset())


_PEAK = """
import sys
from pathlib import Path
from himozuke.formats import tabular
def kib(field):
    return int(next(line.split()[1] for line in open("/proc/self/status") if line.startswith(field)))
tabular._WINDOW = 1 << 20
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # the peak RSS (VmHWM) starts again from here
before = kib("VmRSS:")
free = tabular.quote_free(Path(sys.argv[1]))
print(free, (kib("VmHWM:") - before) // 1024)
"""


def test_a_search_through_a_mapped_input_lets_its_pages_go(tmp_path):
    """The 60 M run under --memory-limit 3G peaked at 6.9 GB of its own input: the quote search mapped the 7.2 GB
    file and every page it searched stayed mapped, counted in the process's RSS. Searched a window at a time and
    let go of, a 256 MB file costs the process a window (the pages stay in the page cache)."""
    import subprocess
    import sys

    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * (64 << 20))
    free, grown_mib = subprocess.run([sys.executable, "-c", _PEAK, str(path)], capture_output=True, text=True,
                                     check=True).stdout.split()
    assert free == "True" and int(grown_mib) < 32


@given(st.lists(st.integers(0, (3 << 20) - 1), max_size=3), st.integers(0, 3 << 20))
@settings(max_examples=30, deadline=None)
def test_the_windowed_search_finds_what_a_whole_search_finds(tmp_path_factory, quotes, start):
    """tabular.find_bytes, a window at a time, finds the byte a search of the whole map finds, across windows."""
    import mmap

    from himozuke.formats import tabular

    data = bytearray(b"x" * (3 << 20))
    for at in quotes:
        data[at] = ord('"')
    path = tmp_path_factory.mktemp("w") / "f"
    path.write_bytes(bytes(data))
    with path.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
        old, tabular._WINDOW = tabular._WINDOW, 1 << 20
        try:
            assert tabular.find_bytes(m, {b'"': start})[b'"'] == m.find(b'"', start)
        finally:
            tabular._WINDOW = old


@given(st.dictionaries(st.sampled_from([b'"', b"\r", b" "]), st.integers(0, 3 << 20), min_size=1),
       st.lists(st.tuples(st.sampled_from([b'"', b"\r", b" "]), st.integers(0, (3 << 20) - 1)), max_size=6))
@settings(max_examples=30, deadline=None)
def test_the_one_pass_search_finds_what_each_search_finds(tmp_path_factory, starts, placed):
    """tabular.find_bytes (the plain-file checks' bytes in one pass, a window at a time) finds for each byte what a
    search of the whole map from that byte's start finds."""
    import mmap

    from himozuke.formats import tabular

    data = bytearray(b"x" * (3 << 20))
    for byte, at in placed:
        data[at] = byte[0]
    path = tmp_path_factory.mktemp("w") / "f"
    path.write_bytes(bytes(data))
    with path.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
        old, tabular._WINDOW = tabular._WINDOW, 1 << 20
        try:
            assert tabular.find_bytes(m, starts) == {b: m.find(b, at) for b, at in starts.items()}
        finally:
            tabular._WINDOW = old
