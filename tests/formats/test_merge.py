"""Case ロ merge (manual §7(1) ロ; issue 3 item 2): nothing dropped, nothing guessed."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from himozuke.formats import columns as C
from himozuke.formats.merge import MERGE_REASONS, merge, merge_files


def _book(*atena: str | None) -> pl.DataFrame:
    return pl.DataFrame({"行番号": list(range(2, 2 + len(atena))), "宛名番号": list(atena),
                         "漢字氏名": [f"人{i}" for i in range(len(atena))]}, schema_overrides={"宛名番号": pl.String})


def _nums(*pairs: tuple[str | None, str | None]) -> pl.DataFrame:
    return pl.DataFrame({"行番号": list(range(2, 2 + len(pairs))), "個人番号": [p[0] for p in pairs],
                         "宛名番号": [p[1] for p in pairs]}, schema={"行番号": pl.Int64, "個人番号": pl.String,
                                                                  "宛名番号": pl.String})


N1, N2 = "123456789018", "000000000019"


@pytest.mark.parametrize(("book", "nums", "numbers", "listed"), [
    pytest.param(_book("A"), _nums((N1, "A")), [N1], [], id="1対1"),
    pytest.param(_book("A"), _nums(), [None], [("宛名", 2, "no_number")], id="番号なし"),
    pytest.param(_book("A"), _nums((N1, "A"), (N2, "A")), [None], [("宛名", 2, "two_numbers")], id="番号2つ"),
    pytest.param(_book("A"), _nums((N1, "A"), (N1, "A")), [N1], [], id="同じ対の重複は1つ"),
    pytest.param(_book("A"), _nums((N1, "A"), (N2, "B")), [N1], [("番号", 3, "no_address")], id="宛名なし"),
    pytest.param(_book("A", "A"), _nums((N1, "A")), [N1, N1],
                 [("宛名", 2, "shared_atena"), ("宛名", 3, "shared_atena")], id="宛名番号が2行"),
    pytest.param(_book(None), _nums((N1, None)), [None],
                 [("宛名", 2, "no_number"), ("番号", 2, "no_address")], id="宛名番号が空"),
])
def test_merge_edge_cases(book, nums, numbers, listed) -> None:
    m = merge(book, nums)
    assert m.extract[C.MY_NUMBER].to_list() == numbers
    assert m.extract.height == book.height  # never dropped
    reasons = {v: k for k, v in MERGE_REASONS.items()}
    assert [(r[0], r[1], reasons[r[4]]) for r in m.problems.rows()] == listed


def test_problem_listing_masks_numbers() -> None:
    m = merge(_book("A"), _nums((N1, "B")))
    assert m.problems.filter(pl.col("ファイル") == "番号")["個人番号（マスク）"].to_list() == ["1234 **** 9018"]


def test_merge_files_writes_extract_and_listing(tmp_path: Path) -> None:
    (tmp_path / "book.csv").write_bytes("宛名番号,漢字氏名,カナ氏名,生年月日,性別,住所\nA,山田,ヤマダ,1990-01-01,1,東京都\n"
                                        "B,鈴木,スズキ,1990-01-01,2,東京都\n1,2\n".encode("cp932"))
    (tmp_path / "map.csv").write_text(f"個人番号,宛名番号\n{N1},A\n", encoding="utf-8")
    merge_files(tmp_path / "book.csv", tmp_path / "map.csv", tmp_path / "extract.csv")
    extract = pl.read_csv(tmp_path / "extract.csv", infer_schema=False)
    assert extract.columns == ["個人番号", "漢字氏名", "カナ氏名", "生年月日", "性別", "住所", "宛名番号"]
    assert extract[C.MY_NUMBER].to_list() == [N1, None]
    problems = pl.read_csv(tmp_path / "extract.problems.csv", infer_schema=False)
    assert problems.select("ファイル", "行番号").rows() == [("宛名", "3"), ("宛名", "4")]
