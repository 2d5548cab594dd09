"""Regenerate the golden files (run by hand, then review the diff): .venv/bin/python tests/golden/make_golden.py

Each golden file is written by the code under test from the small frames below; the tests compare the bytes
and read them back. Review any change byte by byte: it changes what J-LIS or a vendor system sees.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from himozuke.formats.jlis import layout_bytes
from himozuke.formats.profiles import load_profile

HERE = Path(__file__).parent

#: Answers as the simulated J-LIS gives them: 外字 U+E000 (cp932 F040, JIS90 0x7521), 髙 (not in JIS X 0208),
#: every 照会結果, a 3情報 request.
RESULTS = pl.DataFrame({
    "要求通番": ["2", "3", "4", "5", "6"],
    "照会結果": ["該当", "該当", "該当なし", "複数該当", "消除者"],
    "個人番号": ["123456789018", "000000000019", "123456789026", None, "987654321018"],
    "漢字氏名": ["山田　\ue000子", "髙橋　一郎", None, None, None],
    "カナ氏名": ["ヤマダ　ハナコ", "タカハシ　イチロウ", None, None, None],
    "生年月日": ["1988-01-15", "2019-05-01", None, None, None],
    "性別": ["女", "男", None, None, None],
    "住所": ["東京都千代田区霞が関一丁目１番１号", "大阪府大阪市北区梅田１－２－３", None, None, None],
})
REQUESTS = pl.DataFrame({
    "要求通番": ["2", "3"],
    "照会区分": ["4情報", "3情報"],
    "個人番号": ["123456789018", "000000000019"],
    "漢字氏名": ["山田　\ue000子", "髙橋　一郎"],
    "カナ氏名": ["ヤマダ　ハナコ", "タカハシ　イチロウ"],
    "生年月日": ["1988-01-15", "2019-05-01"],
    "性別": ["女", None],
    "住所": ["東京都千代田区霞が関1-1-1", "大阪府大阪市北区梅田1-2-3"],
})
VENDOR = pl.DataFrame({
    "宛名番号": ["0000000101", "0000000102"],
    "個人番号": ["123456789018", "000000000019"],
    "カナ氏名": ["ﾔﾏﾀﾞ ﾊﾅｺ", "ﾀｶﾊｼ ｲﾁﾛｳ"],
    "漢字氏名": ["山田　\ue000子", "髙橋　一郎"],
    "生年月日": ["1988-01-15", "2019-05-01"],
    "性別": ["女", "男"],
    "住所": ["東京都千代田区霞が関1-1-1", "大阪府大阪市北区梅田1-2-3"],
})

GOLDEN: dict[str, tuple[str, pl.DataFrame]] = {
    "jlis-request.csv": ("jlis-request", REQUESTS),
    "jlis-result.csv": ("jlis-result-csv", RESULTS),
    "jlis-result.dat": ("jlis-result-fixed", RESULTS),
    "vendor-kokuho.dat": ("vendor-kokuho-fixed", VENDOR),
}


def main() -> None:
    for name, (profile, frame) in GOLDEN.items():
        (HERE / name).write_bytes(layout_bytes(frame, load_profile(profile)))
        print("wrote", name)


if __name__ == "__main__":
    main()
