"""What a person reading ``result.csv`` / ``result.parquet`` sees (:mod:`himozuke.report.tables`): the 個人番号
masked unless ``--show-number``, and a DV等支援対象 record's addresses hidden whatever ``--show-number`` says.

Written for ``make mutate`` (docs/testing.md "Mutation testing"): each test pins an output a user would notice.
The DV rule is デジタル庁「総点検マニュアル」§7(6) ※ — 「避難先の住所等が加害者等に特定されないよう…十分ご留意いただきたい」;
the masking is himozuke's cautious reading (README: result files are opened by people, in Excel).
"""

from __future__ import annotations

import polars as pl
import pytest

from himozuke.formats import columns as C
from himozuke.report import tables

NUMBER = "123456789018"
B_ADDR, R_ADDR = C.business(C.ADDRESS), C.registry(C.ADDRESS)


def _result(**extra: list) -> pl.DataFrame:
    return pl.DataFrame({
        C.ROW: [1, 2, 3],
        C.MY_NUMBER: [NUMBER, "1234", None],
        B_ADDR: ["東京都千代田区霞が関1-1", "大阪府大阪市北区1", "札幌市中央区1"],
        R_ADDR: ["東京都千代田区霞が関1-1", "大阪府大阪市北区2", None],
        **extra,
    })


def test_the_number_is_masked_by_default():
    shown = tables.displayed(_result(), show_number=False)
    # first 4 and last 4 digits of a 12-digit number; a mistyped one only by its length; none stays none
    assert shown.get_column(C.MY_NUMBER).to_list() == ["1234 **** 9018", "****", None]
    assert shown.get_column(B_ADDR).to_list() == _result().get_column(B_ADDR).to_list()  # nothing else changes


def test_show_number_shows_the_number_unchanged():
    shown = tables.displayed(_result(), show_number=True)
    assert shown.get_column(C.MY_NUMBER).to_list() == [NUMBER, "1234", None]


def test_a_dv_record_hides_both_addresses_and_the_katagaki_even_with_show_number():
    result = _result(**{C.DV_FLAG: ["1", None, "0"], C.KATAGAKI: ["〇〇方", "△△方", None]})
    for show in (False, True):
        shown = tables.displayed(result, show_number=show)
        assert shown.get_column(B_ADDR).to_list() == [C.DV_HIDDEN, "大阪府大阪市北区1", "札幌市中央区1"]
        assert shown.get_column(R_ADDR).to_list() == [C.DV_HIDDEN, "大阪府大阪市北区2", None]
        assert shown.get_column(C.KATAGAKI).to_list() == [C.DV_HIDDEN, "△△方", None]
        assert shown.get_column(C.DV_FLAG).to_list() == ["1", None, "0"]  # the flag itself is shown


def test_a_lazy_result_is_displayed_the_same():
    result = _result(**{C.DV_FLAG: ["有", None, None]})
    assert tables.displayed(result.lazy(), show_number=False).collect().equals(
        tables.displayed(result, show_number=False))


# A result in memory is written by Polars' eager writer, a lazy one (the bucketed engine's) streams: the same file.
_FRAME = {"frame": lambda df: df, "lazy": lambda df: df.lazy()}


@pytest.mark.parametrize("kind", _FRAME)
def test_result_csv_is_utf8_with_bom_and_masked(tmp_path, kind):
    result = _FRAME[kind](_result(**{C.DV_FLAG: ["1", None, None]}))
    path = tables.write_csv(result, tmp_path / "result.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel opens it as UTF-8
    text = raw.decode("utf-8-sig")
    assert NUMBER not in text and "1234 **** 9018" in text
    assert "霞が関" not in text and C.DV_HIDDEN in text
    shown = tables.write_csv(result, tmp_path / "shown.csv", show_number=True).read_text(encoding="utf-8-sig")
    assert NUMBER in shown and "霞が関" not in shown


@pytest.mark.parametrize("kind", _FRAME)
def test_result_csv_quotes_a_comma_unless_told_the_values_are_plain(tmp_path, kind):
    result = _FRAME[kind](pl.DataFrame({C.ROW: [1], C.MY_NUMBER: [NUMBER], B_ADDR: ["東京都千代田区1,2"]}))
    quoted = tables.write_csv(result, tmp_path / "q.csv").read_text(encoding="utf-8-sig")
    assert '"東京都千代田区1,2"' in quoted
    assert pl.read_csv(tmp_path / "q.csv").get_column(B_ADDR).to_list() == ["東京都千代田区1,2"]
    plain = tables.write_csv(result.with_columns(pl.lit("東京都千代田区1").alias(B_ADDR)), tmp_path / "p.csv",
                             plain=True).read_text(encoding="utf-8-sig")
    assert plain.splitlines()[1] == "1,1234 **** 9018,東京都千代田区1"


def test_result_csv_is_the_same_bytes_from_a_frame_and_from_a_lazy_result(tmp_path):
    result = _result(**{C.DV_FLAG: ["1", None, None], C.KATAGAKI: ["〇〇方", None, "a,b"]})
    for show in (False, True):
        eager = tables.write_csv(result, tmp_path / "eager.csv", show_number=show).read_bytes()
        assert tables.write_csv(result.lazy(), tmp_path / "lazy.csv", show_number=show).read_bytes() == eager


def test_result_parquet_is_masked_unless_show_number(tmp_path):
    result = _result(**{C.DV_FLAG: ["1", None, None]})
    masked = pl.read_parquet(tables.write_parquet(result, tmp_path / "result.parquet"))
    assert masked.get_column(C.MY_NUMBER).to_list() == ["1234 **** 9018", "****", None]
    assert masked.get_column(B_ADDR).to_list()[0] == C.DV_HIDDEN
    shown = pl.read_parquet(tables.write_parquet(result, tmp_path / "shown.parquet", show_number=True))
    assert shown.get_column(C.MY_NUMBER).to_list() == [NUMBER, "1234", None]
    assert shown.get_column(B_ADDR).to_list()[0] == C.DV_HIDDEN
