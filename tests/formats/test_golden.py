"""Golden files for each format (issue 3 item 8): cp932 with bytes in the 外字 area F040–F9FC, JIS90 two-byte
records with 外字 row 0x75. Writers must reproduce the bytes; readers must give back the rows."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import polars as pl
import pytest

from himozuke.formats import columns as C
from himozuke.formats.jlis import layout_bytes
from himozuke.formats.profiles import load_profile
from himozuke.formats.records import detect_profile, open_records

GOLDEN_DIR = Path(__file__).parents[1] / "golden"
_spec = importlib.util.spec_from_file_location("make_golden", GOLDEN_DIR / "make_golden.py")
assert _spec and _spec.loader
golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden)


@pytest.mark.parametrize("name", list(golden.GOLDEN), ids=list(golden.GOLDEN))
def test_writer_reproduces_golden_bytes(name: str) -> None:
    profile, frame = golden.GOLDEN[name]
    assert layout_bytes(frame, load_profile(profile)) == (GOLDEN_DIR / name).read_bytes()


@pytest.mark.parametrize(("name", "needle"), [
    pytest.param("jlis-result.csv", b"\xf0\x40", id="cp932-外字F040"),
    pytest.param("jlis-result.dat", b"\x75\x21", id="JIS90-外字7521"),
    pytest.param("jlis-result.dat", b"\x22\x2e", id="JIS90-髙は〓222E"),
    pytest.param("jlis-result.dat", b"\x3b\x33\x45\x44", id="JIS90-山田3B33-4544"),
    pytest.param("vendor-kokuho.dat", b"\xd4\xcf\xc0\xde", id="cp932-半角カナ"),
])
def test_golden_bytes_contain(name: str, needle: bytes) -> None:
    assert needle in (GOLDEN_DIR / name).read_bytes()


@pytest.mark.parametrize("name", ["jlis-result.csv", "jlis-result.dat"])
def test_result_goldens_read_back(name: str) -> None:
    path = GOLDEN_DIR / name
    with open_records(path, role="registry", profile=detect_profile(path)) as r:
        rows, rejects = pl.collect_all([r.rows, r.rejects])
    assert rejects.height == 0
    assert rows[C.INQUIRY_RESULT].to_list() == ["該当", "該当", "該当なし", "複数該当", "消除者"]
    assert rows["要求通番"].to_list() == ["2", "3", "4", "5", "6"]
    assert rows[C.BIRTH_DATE].to_list()[:2] == ["1988-01-15", "2019-05-01"]
    assert rows[C.SEX].to_list()[:2] == ["女", "男"]
    first = rows.row(0, named=True)
    assert first[C.KANJI_NAME] == "山田　\ue000子"  # 外字 round-trips in both forms
    second = rows.row(1, named=True)
    # 髙 has a cp932 code (IBM extension) but no JIS X 0208 code: the fixed form says 〓.
    assert second[C.KANJI_NAME] == ("髙橋　一郎" if name.endswith(".csv") else "〓橋　一郎")
    assert rows.filter(pl.col(C.INQUIRY_RESULT) != "該当")[C.ADDRESS].null_count() == 3


def test_vendor_fixed_golden_reads_back() -> None:
    path = GOLDEN_DIR / "vendor-kokuho.dat"
    with open_records(path, role="business", profile="vendor-kokuho-fixed") as r:
        rows = r.rows.collect()
    assert rows.select(C.ATENA_NUMBER, C.KANA_NAME, C.KANJI_NAME, C.BIRTH_DATE, C.SEX).rows() == [
        ("0000000101", "ﾔﾏﾀﾞ ﾊﾅｺ", "山田　\ue000子", "1988-01-15", "女"),
        ("0000000102", "ﾀｶﾊｼ ｲﾁﾛｳ", "髙橋　一郎", "2019-05-01", "男"),
    ]


def test_request_golden_layout() -> None:
    text = (GOLDEN_DIR / "jlis-request.csv").read_bytes().decode("cp932")
    assert text.splitlines() == [
        "要求通番,照会区分,個人番号,氏名カナ,氏名漢字,生年月日,性別,住所",
        "2,4,123456789018,ヤマダ　ハナコ,山田　\ue000子,19880115,2,東京都千代田区霞が関1-1-1",
        "3,3,000000000019,タカハシ　イチロウ,髙橋　一郎,20190501,,大阪府大阪市北区梅田1-2-3",
    ]
