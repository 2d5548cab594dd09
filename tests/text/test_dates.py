"""生年月日: 西暦, 和暦 (元号) and the GYYMMDD era-code form, with exact 元号 boundaries."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from himozuke.text import _tables as t
from himozuke.text.dates import (
    DATE_PROBLEM_TEXT,
    describe_date_problem,
    describe_date_problem_expr,
    parse_date,
    parse_date_expr,
)

D = dt.date

READS = [
    pytest.param("19750102", D(1975, 1, 2), id="西暦8桁"),
    pytest.param("1975-01-02", D(1975, 1, 2), id="西暦ハイフン"),
    pytest.param("1975/1/2", D(1975, 1, 2), id="西暦スラッシュ"),
    pytest.param("1975.1.2", D(1975, 1, 2), id="西暦ドット"),
    pytest.param("1975年1月2日", D(1975, 1, 2), id="西暦年月日"),
    pytest.param("１９７５－０１－０２", D(1975, 1, 2), id="西暦全角"),
    pytest.param("1975-01-02 00:00:00", D(1975, 1, 2), id="Excel日時"),
    pytest.param("1975-01-02T00:00:00", D(1975, 1, 2), id="ISO日時"),
    pytest.param("1975/1/2 0:00", D(1975, 1, 2), id="Excel表示形式"),
    pytest.param(" 1975/01/02\n", D(1975, 1, 2), id="前後の空白"),
    pytest.param("昭和50年1月2日", D(1975, 1, 2), id="和暦"),
    pytest.param("昭和５０年１月２日", D(1975, 1, 2), id="和暦全角数字"),
    pytest.param("昭和 50年 1月 2日", D(1975, 1, 2), id="和暦空白入り"),
    pytest.param("昭和50年1月2日生", D(1975, 1, 2), id="和暦生"),
    pytest.param("㍼50年1月2日", D(1975, 1, 2), id="元号合字"),
    pytest.param("S50.1.2", D(1975, 1, 2), id="S50.1.2"),
    pytest.param("S50/1/2", D(1975, 1, 2), id="S50/1/2"),
    pytest.param("s50.01.02", D(1975, 1, 2), id="s50.01.02"),
    pytest.param("Ｓ５０．１．２", D(1975, 1, 2), id="全角S"),
    pytest.param("H1.1.8", D(1989, 1, 8), id="H1.1.8"),
    pytest.param("R1.5.1", D(2019, 5, 1), id="R1.5.1"),
    pytest.param("平成元年1月8日", D(1989, 1, 8), id="元年"),
    pytest.param("3500102", D(1975, 1, 2), id="GYYMMDD-昭和"),
    pytest.param("4010108", D(1989, 1, 8), id="GYYMMDD-平成元年"),
    pytest.param("5010501", D(2019, 5, 1), id="GYYMMDD-令和元年"),
    pytest.param("明治元年1月25日", D(1868, 1, 25), id="明治の初日"),
    pytest.param("明治45年7月29日", D(1912, 7, 29), id="明治の最終日"),
    pytest.param("大正元年7月30日", D(1912, 7, 30), id="大正の初日"),
    pytest.param("大正15年12月24日", D(1926, 12, 24), id="大正の最終日"),
    pytest.param("昭和元年12月25日", D(1926, 12, 25), id="昭和の初日"),
    pytest.param("昭和64年1月7日", D(1989, 1, 7), id="昭和の最終日"),
    pytest.param("平成31年4月30日", D(2019, 4, 30), id="平成の最終日"),
    pytest.param("2024-02-29", D(2024, 2, 29), id="うるう日"),
]

PROBLEMS = [
    pytest.param("平成元年1月7日", "元号の期間外です", id="平成元年1月7日は昭和"),
    pytest.param("昭和64年1月8日", "元号の期間外です", id="昭和64年1月8日は平成"),
    pytest.param("H1.1.7", "元号の期間外です", id="H1.1.7"),
    pytest.param("4010107", "元号の期間外です", id="GYYMMDD-平成元年1月7日"),
    pytest.param("明治元年1月24日", "元号の期間外です", id="明治より前"),
    pytest.param("明治45年7月30日", "元号の期間外です", id="明治45年7月30日は大正"),
    pytest.param("平成31年5月1日", "元号の期間外です", id="平成31年5月1日は令和"),
    pytest.param("昭和0年1月1日", "元号の期間外です", id="0年"),
    pytest.param("2023-02-30", "存在しない日付です", id="2月30日"),
    pytest.param("2023-02-29", "存在しない日付です", id="平年の2月29日"),
    pytest.param("1975-13-01", "存在しない日付です", id="13月"),
    pytest.param("平成元年2月30日", "存在しない日付です", id="和暦の2月30日"),
    pytest.param("0000-01-01", "存在しない日付です", id="0年(西暦)"),
    pytest.param("S6x.13.01", "日付として読めません", id="読めない"),
    pytest.param("1975/1/2 12:30", "日付として読めません", id="0時以外の時刻"),
    pytest.param("1975/1-2", "日付として読めません", id="区切りが混在"),
    pytest.param("6500102", "日付として読めません", id="元号コード6"),
    pytest.param("750102", "日付として読めません", id="西暦6桁は曖昧"),
    pytest.param("X50.1.2", "日付として読めません", id="未知の元号"),
    pytest.param("", "未入力です", id="空文字"),
    pytest.param("　", "未入力です", id="全角空白"),
    pytest.param(None, "未入力です", id="null"),
]


def _frame(values: list[str | None]) -> pl.DataFrame:
    return pl.DataFrame({"d": values}, schema={"d": pl.String})


@pytest.mark.parametrize(("text", "expected"), READS)
def test_reads(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected
    assert describe_date_problem(text) is None
    assert _frame([text]).select(parse_date_expr(pl.col("d")))["d"].to_list() == [expected]


@pytest.mark.parametrize(("text", "problem"), PROBLEMS)
def test_problems(text: str | None, problem: str) -> None:
    assert parse_date(text) is None
    assert describe_date_problem(text) == problem
    out = _frame([text]).select(parse_date_expr(pl.col("d")), describe_date_problem_expr(pl.col("d")).alias("p"))
    assert out.row(0) == (None, problem)


def test_problem_texts_have_japanese_and_english() -> None:
    assert all(ja and en for ja, en in DATE_PROBLEM_TEXT.values())


@pytest.mark.parametrize("era", t.ERAS, ids=lambda e: e.name)
def test_every_era_starts_on_its_first_day(era: t.Era) -> None:
    first = era.start
    day_before = first - dt.timedelta(days=1)
    for spelling in (era.name, era.letter, era.letter.lower()):
        sep = "年" if spelling == era.name else "."
        end = "日" if spelling == era.name else ""
        text = f"{spelling}1{sep}{first.month}{'月' if end else '.'}{first.day}{end}"
        assert parse_date(text) == first, text
        text = f"{spelling}1{sep}{day_before.month}{'月' if end else '.'}{day_before.day}{end}"
        assert parse_date(text) is None, text
    assert parse_date(f"{era.digit}01{first.month:02d}{first.day:02d}") == first


_PIECES = [*"0123456789０１２年月日生元/.-:T ", "昭和", "平成", "令和", "明治", "大正", "S", "h", "R", "㍼", "00:00"]


@st.composite
def date_texts(draw: st.DrawFn) -> str:
    """Mostly well-formed dates in every layout, some noise."""
    day = draw(st.dates(min_value=D(1860, 1, 1), max_value=D(2100, 12, 31)))
    era = draw(st.sampled_from(t.ERAS))
    ey = day.year - era.first_year + 1
    layouts = [
        f"{day:%Y%m%d}", f"{day.year}-{day.month}-{day.day}", f"{day.year}/{day.month:02d}/{day.day} 00:00:00",
        f"{era.name}{ey}年{day.month}月{day.day}日", f"{era.letter}{ey}.{day.month}.{day.day}",
        f"{era.digit}{ey:02d}{day.month:02d}{day.day:02d}", f"{era.name}元年{day.month}月{day.day}日",
        f"{day.year}年{day.month}月{day.day + draw(st.integers(0, 3))}日",
        f"{day:%Y-%m-%d}", f"{day.year:04d}-{day.month:02d}-{day.day + draw(st.integers(0, 3)):02d}",  # cheap path
        draw(st.sampled_from(["0999-01-01", "1000-02-29", "1000-01-01", "9999-12-31", "2024-02-30", "20230229"])),
    ]
    noise = "".join(draw(st.lists(st.sampled_from(_PIECES), max_size=10)))
    return draw(st.sampled_from([*layouts, noise]))


@settings(max_examples=100, deadline=None)  # each call compiles the layouts (~10 ms): keep calls few, rows many
@given(st.lists(st.none() | date_texts(), max_size=40))
def test_expr_equals_scalar(values: list[str | None]) -> None:
    out = _frame(values).select(parse_date_expr(pl.col("d")), describe_date_problem_expr(pl.col("d")).alias("p"))
    assert out["d"].to_list() == [parse_date(v) for v in values]
    assert out["p"].to_list() == [describe_date_problem(v) for v in values]


@settings(max_examples=200, deadline=None)
@given(st.none() | date_texts())
def test_a_problem_exactly_when_unread(text: str | None) -> None:
    assert (parse_date(text) is None) is (describe_date_problem(text) is not None)
    date = parse_date(text)
    assert date is None or parse_date(date.isoformat()) == date
