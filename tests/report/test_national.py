"""全国集計: the national tables of 「マイナンバー情報総点検について（全体像）」 (デジタル庁), reproduced from progress
workbooks.

The document's tables are quoted below as its text prints them (tab-separated; footnote marks such as ※1 and the
page break that repeats a header are its layout, not cells). Synthetic bodies are split so that each 事務 sums
to the document's exact counts (its detail rows: 健康保険証情報 15,713,895 …) and has as many distinct bodies as
its 点検対象機関数. A body's own workbook is the common case; here, as when a 都道府県 collects its 市区町村 or a
ministry its 保険者, one workbook holds several bodies' rows — 点検対象機関数 counts distinct 団体コード over
every file, whichever file they came in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

import himozuke.cli.reports  # noqa: F401  (registers ``report``)
from himozuke.cli._app import app
from himozuke.errors import UsageError
from himozuke.report.national import (
    JIMU_ORDER,
    format_count,
    format_rate,
    national_from_dir,
    national_tables,
    write_national,
)
from himozuke.report.progress import ProgressRow, write_progress

# 「マイナンバー情報総点検について（全体像）」 §2 「総点検で判明した紐付け誤り」, its lines as printed.
DOCUMENT_WRONG_LINKS = """\
事務※それぞれの情報に関する事務\t点検対象件数\t紐付け誤り\t
\t\t件数\t割合
健康保険証情報※ ₁\t1,571万件\t1,142件\t0.007%
共済年金情報\t507万件\t119件\t0.002%
公金受取口座情報\t5,622万件\t1,186件\t0.002%
所得・個人住民税情報\t7,789件\t4件\t0.051%
障害支援区分認定情報\t2,325件\t1件\t0.043%
障害者自立支援に関する給付情報（精神通院医療）\t157,763件\t152件\t0.096%
障害福祉サービス受給者証情報\t2,895件\t6件\t0.207%

事務※それぞれの情報に関する事務\t点検対象件数\t紐付け誤り\t
\t\t件数\t割合
生活保護情報\t62,351件\t22件\t0.035%
障害者手帳情報\t480万件\t5,689件\t0.119%
小児慢性特定疾病医療費助成の支給情報\t4,625件\t7件\t0.151%
難病患者に対する特定医療費の支給情報\t37,820件\t66件\t0.175%
労働者災害補償給付情報※ ₂\t263件\t1件\t0.380%
その他（12事務）\t6,089件\t0件\t—
合計\t8,208万件\t8,395件\t0.010%"""

# The same document, 「全体の点検結果について」: 点検対象機関数 and 点検対象件数 per 事務.
DOCUMENT_BODIES = """\
事務 (それぞれの情報に関する事務)※2\t点検対象機関数※3\t点検対象件数
健康保険証情報※4\t1,313\t1,571万
共済年金情報\t7（全団体）\t507万
公金受取口座情報\t1（全団体）\t5,622万
所得・個人住民税情報\t34\t7,789
児童手当支給情報\t8\t938
介護保険資格・給付情報\t10\t110
障害支援区分認定情報\t32\t2,325
補装具費支給情報\t26\t195
障害者自立支援に関する給付情報（更生医療）\t18\t19
障害者自立支援に関する給付情報（育成医療）\t14\t32
障害者自立支援に関する給付情報（精神通院医療）\t5\t157,763
障害福祉サービス受給者証情報\t35\t2,895

事務 (それぞれの情報に関する事務)※2\t点検対象機関数※3\t点検対象件数
障害児通所支援給付情報\t21\t1,023
養育医療費の給付情報\t5\t23
生活保護情報\t19\t62,351
中国残留邦人等支援給付支給情報等\t1\t1
障害者手帳情報\t406（全自治体）\t480万
小児慢性特定疾病医療費助成の支給情報\t1\t4,625
障害児入所支援・措置情報（ひとり親支援関係等）\t1\t929
障害児入所支援・措置、生活援助情報（ひとり親支援関係等）\t1\t929
障害児福祉手当・特別障害者手当・経過的福祉手当情報\t9\t961
障害児入所支援・小児慢性特定疾病医療等情報（ひとり親支援関係等）\t1\t929
難病患者に対する特定医療費の支給情報\t1\t37,820
労働者災害補償給付情報\t1\t263
合計\t—\t8,208万"""

#: The document's notes after 点検対象機関数 (the rows cannot know that every body holding a 事務 was checked).
BODY_NOTES = {"共済年金情報": "全団体", "公金受取口座情報": "全団体", "障害者手帳情報": "全自治体"}


def as_rendered(document: str, header_lines: int) -> str:
    """The document's lines without its footnote marks (※1, ※ ₂ …) and without the blank line and header
    that its page break repeats."""
    lines = [re.sub(r"※\s*[0-9₀-₉]+", "", line) for line in document.split("\n")]
    header = lines[:header_lines]
    out, i = [], 0
    while i < len(lines):
        if lines[i] == "" and lines[i + 1: i + 1 + header_lines] == header:
            i += 1 + header_lines
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)


@dataclass(frozen=True)
class Jimu:
    """One 事務 as the document gives it: bodies, exact 点検対象件数 and 紐付け誤り, and (detail rows) how many of
    the wrong links were viewed and resolved."""

    name: str
    bodies: int
    targets: int
    wrong: int = 0
    viewed: int = 0
    resolved: int = 0


DOCUMENT_JIMU = [
    Jimu("健康保険証情報", 1_313, 15_713_895, 1_142, viewed=9, resolved=1_142),
    Jimu("共済年金情報", 7, 5_066_114, 119, viewed=1, resolved=119),
    Jimu("公金受取口座情報", 1, 56_216_466, 1_186, viewed=215, resolved=971),
    Jimu("所得・個人住民税情報", 34, 7_789, 4, viewed=1, resolved=4),
    Jimu("児童手当支給情報", 8, 938),
    Jimu("介護保険資格・給付情報", 10, 110),
    Jimu("障害支援区分認定情報", 32, 2_325, 1, resolved=1),
    Jimu("補装具費支給情報", 26, 195),
    Jimu("障害者自立支援に関する給付情報（更生医療）", 18, 19),
    Jimu("障害者自立支援に関する給付情報（育成医療）", 14, 32),
    Jimu("障害者自立支援に関する給付情報（精神通院医療）", 5, 157_763, 152, resolved=78),
    Jimu("障害福祉サービス受給者証情報", 35, 2_895, 6, resolved=6),
    Jimu("障害児通所支援給付情報", 21, 1_023),
    Jimu("養育医療費の給付情報", 5, 23),
    Jimu("生活保護情報", 19, 62_351, 22, resolved=22),
    Jimu("中国残留邦人等支援給付支給情報等", 1, 1),
    Jimu("障害者手帳情報", 406, 4_798_087, 5_689, viewed=6, resolved=5_689),
    Jimu("小児慢性特定疾病医療費助成の支給情報", 1, 4_625, 7, resolved=7),
    Jimu("障害児入所支援・措置情報（ひとり親支援関係等）", 1, 929),
    Jimu("障害児入所支援・措置、生活援助情報（ひとり親支援関係等）", 1, 929),
    Jimu("障害児福祉手当・特別障害者手当・経過的福祉手当情報", 9, 961),
    Jimu("障害児入所支援・小児慢性特定疾病医療等情報（ひとり親支援関係等）", 1, 929),
    Jimu("難病患者に対する特定医療費の支給情報", 1, 37_820, 66, resolved=66),
    Jimu("労働者災害補償給付情報", 1, 263, 1, resolved=1),
]
MONTHS = ("2023-09", "2023-10", "2023-11")
#: Checked ahead of the rest by their own bodies (the document: 「先行して点検を行ってきた」); each collected in
#: one workbook. The other 事務 are the 自治体's, except 労働者災害補償給付情報 (鳴門労働基準監督署).
AHEAD = {"健康保険証情報": ("H", "保険者"), "共済年金情報": ("K", "共済組合"), "公金受取口座情報": ("D", "デジタル庁")}
MUNICIPALITIES = 406  # enough 自治体 for 障害者手帳情報's 406


def split(total: int, n: int) -> list[int]:
    q, r = divmod(total, n)
    return [q + (i < r) for i in range(n)]


def within(total: int, caps: list[int]) -> list[int]:
    """``total`` over bodies, each at most its cap (viewed and resolved are some of a body's wrong links)."""
    out = []
    for cap in caps:
        out.append(min(cap, total))
        total -= out[-1]
    assert total == 0
    return out


def municipality(k: int) -> tuple[str, str, int]:
    pref = k % 47 + 1
    return f"{pref:02d}{k // 47 + 1:03d}0", f"テスト市{k:03d}", pref


def bodies_of(j: int, jimu: Jimu) -> list[tuple[str, str, str]]:
    """(団体コード, 団体名, workbook) of each body reporting ``jimu``."""
    if jimu.name in AHEAD:
        prefix, kind = AHEAD[jimu.name]
        return [(f"{prefix}{i:05d}", f"{kind}{i:04d}", f"{kind}_{jimu.name}") for i in range(1, jimu.bodies + 1)]
    if jimu.name == "労働者災害補償給付情報":
        return [("L36001", "鳴門労働基準監督署", "鳴門労働基準監督署")]
    picked = [municipality((j * 37 + i) % MUNICIPALITIES) for i in range(jimu.bodies)]
    return [(code, name, f"{pref:02d}_都道府県とりまとめ") for code, name, pref in picked]


def document_rows() -> dict[str, list[ProgressRow]]:
    """Every body's rows for 2023-09 … 2023-11, by workbook; 2023-11 sums to the document's figures."""
    books: dict[str, list[ProgressRow]] = {}
    for j, jimu in enumerate(DOCUMENT_JIMU):
        bodies = bodies_of(j, jimu)
        targets = split(jimu.targets, len(bodies))
        wrong = split(jimu.wrong, len(bodies))
        viewed, resolved = within(jimu.viewed, wrong), within(jimu.resolved, wrong)
        for (code, name, book), t, w, v, r in zip(bodies, targets, wrong, viewed, resolved, strict=True):
            c = w
            b = min(t - c, t // 20)
            for k, month in enumerate(MONTHS, start=1):
                books.setdefault(book, []).append(ProgressRow(
                    code, name, jimu.name, month, t, t - b - c, b, c, 0,
                    contact_started=(b + c) * k // 3, contact_done=(b + c) * (k - 1) // 2,
                    wrong_links=w * k // 3, viewed=v * k // 3, exchanged=0, resolved=r * k // 3))
    return books


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """A folder of progress workbooks, one per reporting 都道府県, ministry or 労基署."""
    folder = tmp_path_factory.mktemp("報告")
    for book, rows in document_rows().items():
        write_progress(rows, "2023-11", folder / f"{book}.xlsx")
    return folder


@pytest.fixture(scope="module")
def tables(reports):
    return national_from_dir(reports, body_notes=BODY_NOTES)


# --- the document's rounding ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("count", "unit", "expected"), [
    pytest.param(15_713_895, "件", "1,571万件", id="健康保険証情報"),
    pytest.param(5_066_114, "件", "507万件", id="共済年金情報-半分以上は切上げ"),
    pytest.param(56_216_466, "件", "5,622万件", id="公金受取口座情報"),
    pytest.param(4_798_087, "件", "480万件", id="障害者手帳情報"),
    pytest.param(82_076_482, "件", "8,208万件", id="合計"),
    pytest.param(1_000_000, "件", "100万件", id="100万から万単位"),
    pytest.param(999_999, "件", "999,999件", id="100万未満はそのまま"),
    pytest.param(157_763, "件", "157,763件", id="精神通院医療"),
    pytest.param(6_089, "件", "6,089件", id="その他12事務"),
    pytest.param(0, "件", "0件", id="その他の誤り"),
    pytest.param(15_713_895, "", "1,571万", id="機関数の表は件なし"),
    pytest.param(1_005_000, "", "101万", id="ちょうど半分は切上げ"),
    pytest.param(7_789, "", "7,789", id="機関数の表-所得"),
])
def test_count_as_the_document_prints_it(count, unit, expected):
    assert format_count(count, unit) == expected


@pytest.mark.parametrize(("wrong", "targets", "expected"), [
    pytest.param(1_142, 15_713_895, "0.007%", id="健康保険証情報"),
    pytest.param(119, 5_066_114, "0.002%", id="共済年金情報"),
    pytest.param(1_186, 56_216_466, "0.002%", id="公金受取口座情報"),
    pytest.param(4, 7_789, "0.051%", id="所得・個人住民税情報"),
    pytest.param(152, 157_763, "0.096%", id="精神通院医療"),
    pytest.param(6, 2_895, "0.207%", id="障害福祉サービス"),
    # The detail table prints 0.0119%; §2 prints 0.119%, which is right (0.1186 %).
    pytest.param(5_689, 4_798_087, "0.119%", id="障害者手帳情報-詳細表の0.0119%は誤記"),
    pytest.param(66, 37_820, "0.175%", id="難病-0.17451は切上げ"),
    pytest.param(1, 263, "0.380%", id="労災-末尾の0も書く"),
    pytest.param(8_395, 82_076_482, "0.010%", id="合計"),
    pytest.param(1, 200_000, "0.001%", id="ちょうど0.0005%は切上げ"),
    pytest.param(0, 6_089, "—", id="誤りなし"),
    pytest.param(0, 0, "—", id="対象なし"),
])
def test_rate_as_the_document_prints_it(wrong, targets, expected):
    assert format_rate(wrong, targets) == expected


# --- the document reproduced from workbooks -------------------------------------------------------------------

def test_the_document_lists_its_jimu_in_this_order():
    assert [j.name for j in DOCUMENT_JIMU] == list(JIMU_ORDER)


def test_wrong_links_table_is_the_documents(reports, tables):
    assert tables.problems == ()
    assert tables.wrong_links_text() == as_rendered(DOCUMENT_WRONG_LINKS, 2)
    assert tables.wrong_links_rows()[-2:] == [("その他（12事務）", "6,089件", "0件", "—"),
                                             ("合計", "8,208万件", "8,395件", "0.010%")]


def test_bodies_table_is_the_documents(tables):
    assert tables.bodies_text() == as_rendered(DOCUMENT_BODIES, 1)
    assert tables.bodies_rows()[0] == ("健康保険証情報", "1,313", "1,571万")
    assert tables.bodies_rows()[-1] == ("合計", "—", "8,208万")


def test_exact_sums_are_the_documents_detail_rows(tables):
    got = {t.jimu: (t.bodies, t.targets, t.wrong_links, t.viewed, t.resolved, t.month) for t in tables.totals}
    assert got == {j.name: (j.bodies, j.targets, j.wrong, j.viewed, j.resolved, "2023-11") for j in DOCUMENT_JIMU}
    assert tables.total_targets == 82_076_482
    assert tables.total_wrong_links == 8_395


def test_an_earlier_month_uses_each_bodys_report_through_it(reports):
    sep = national_from_dir(reports, month="2023-09")
    assert sep.total_targets == 82_076_482  # the rows checked do not change; the follow-up does
    assert sep.total_wrong_links == sum(w // 3 for j in DOCUMENT_JIMU for w in split(j.wrong, j.bodies))
    assert {t.month for t in sep.totals} == {"2023-09"}


def test_national_workbook_holds_both_tables_and_the_exact_sums(tables, tmp_path):
    wb = load_workbook(write_national(tables, tmp_path / "national.xlsx"))
    assert wb.sheetnames == ["紐付け誤り", "点検対象機関数", "事務別集計"]
    rows = [r for r in wb["紐付け誤り"].iter_rows(min_row=4, values_only=True)]
    assert rows[2] == ("健康保険証情報", "1,571万件", "1,142件", "0.007%")
    assert rows[-1] == ("合計", "8,208万件", "8,395件", "0.010%")
    assert [c.value for c in wb["点検対象機関数"][5]] == ["健康保険証情報", "1,313", "1,571万"]
    detail = wb["事務別集計"]
    assert [c.value for c in detail[4]][:3] == ["健康保険証情報", 1_313, "2023-11"]
    assert detail["D4"].value == 15_713_895


# --- merging rows ---------------------------------------------------------------------------------------------

def row(code: str, jimu: str, month: str, targets: int, wrong: int) -> ProgressRow:
    return ProgressRow(code, f"団体{code}", jimu, month, targets, targets - wrong, 0, wrong, 0,
                       wrong, wrong, wrong, 0, 0, wrong)


def test_a_body_counts_once_with_its_latest_month():
    rows = [row("011002", "生活保護情報", "2023-10", 100, 1), row("011002", "生活保護情報", "2023-11", 100, 3),
            row("012025", "生活保護情報", "2023-10", 50, 2)]
    (total,) = national_tables(rows).totals
    assert (total.bodies, total.targets, total.wrong_links, total.month) == (2, 150, 5, "2023-11")


def test_an_unknown_jimu_comes_after_the_documents():
    rows = [row("011002", "ア事務", "2023-11", 10, 1), row("011002", "生活保護情報", "2023-11", 10, 1)]
    assert [t.jimu for t in national_tables(rows).totals] == ["生活保護情報", "ア事務"]


def test_one_body_reporting_a_month_twice_differently_is_refused():
    rows = [row("011002", "生活保護情報", "2023-11", 100, 1), row("011002", "生活保護情報", "2023-11", 100, 2)]
    with pytest.raises(UsageError, match="011002 の 生活保護情報 2023-11"):
        national_tables(rows)
    assert national_tables(rows[:1] * 2).totals[0].bodies == 1  # an identical repeat is one report


def test_no_rows_is_a_zero_total():
    tables = national_tables([])
    assert tables.wrong_links_rows() == [("合計", "0件", "0件", "—")]
    assert tables.bodies_rows() == [("合計", "—", "0")]


@pytest.fixture
def small(tmp_path):
    folder = tmp_path / "報告"
    write_progress([row("011002", "生活保護情報", "2023-11", 1_200, 3)], "2023-11", folder / "札幌市.xlsx")
    write_progress([row("012025", "生活保護情報", "2023-11", 800, 0),
                    row("012025", "児童手当支給情報", "2023-11", 40, 0)], "2023-11", folder / "函館市.xlsx")
    Workbook().save(folder / "メモ.xlsx")
    (folder / "壊れた.xlsx").write_bytes(b"PK\x03\x04 not really")
    write_progress([row("011002", "生活保護情報", "2023-11", 1_200, 4)], "2023-11", folder / "札幌市_再送.xlsx")
    return folder


def test_files_that_are_not_progress_workbooks_are_listed_not_fatal(small):
    tables = national_from_dir(small)
    assert [p.split(":")[0] for p in tables.problems] == ["メモ.xlsx", "壊れた.xlsx", "札幌市_再送.xlsx"]
    assert "シート「報告データ」がありません" in tables.problems[0]
    assert "札幌市.xlsx と異なるため 札幌市.xlsx を採用しました" in tables.problems[2]
    assert tables.wrong_links_rows() == [("生活保護情報", "2,000件", "3件", "0.150%"),
                                         ("その他（1事務）", "40件", "0件", "—"),
                                         ("合計", "2,040件", "3件", "0.147%")]
    assert tables.bodies_rows() == [("児童手当支給情報", "1", "40"), ("生活保護情報", "2", "2,000"),
                                    ("合計", "—", "2,040")]


# --- the command ----------------------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_national_prints_both_tables_and_writes_the_workbook(reports, tmp_path):
    notes = [a for jimu, note in BODY_NOTES.items() for a in ("--note", f"{jimu}={note}")]
    result = runner.invoke(app, ["report", "national", str(reports), "--out", str(tmp_path / "集計"), *notes])
    assert result.exit_code == 0, result.output
    for text in ("総点検で判明した紐付け誤り", "1,571万件", "0.119%", "6,089件", "8,208万件", "8,395件", "0.010%",
                 "点検対象機関数", "1,313", "406（全自治体）", "5,622万"):
        assert text in result.output
    assert load_workbook(tmp_path / "集計" / "national.xlsx")["点検対象機関数"]["B7"].value == "1（全団体）"


def test_cli_national_lists_unreadable_files_and_exits_1(small, tmp_path):
    result = runner.invoke(app, ["report", "national", str(small), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "除外: メモ.xlsx: シート「報告データ」がありません" in result.output
    assert (tmp_path / "national.xlsx").exists()
    assert "読込エラー" in load_workbook(tmp_path / "national.xlsx").sheetnames


def test_cli_national_refuses_a_malformed_note(small, tmp_path):
    result = runner.invoke(app, ["report", "national", str(small), "--out", str(tmp_path), "--note", "全団体"])
    assert isinstance(result.exception, UsageError)
    assert "事務=注記" in result.exception.ja
