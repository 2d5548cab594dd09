"""The ministry's own files (issue 23 §3, §4): an answer sheet laid out as 別添3 without himozuke's hidden 設定
sheet, and an 一覧表 with 別添4's own headers.

「労災保険におけるマイナンバー取得に係る事務処理の実態調査について」（基保発0707第4号）別添2 調査要領 3.(1):
「各署から提出された調査票様式（別添３）の「一覧用」シートの２行目をコピーし、一覧表（別添４）の２行目以降に…
貼り付けること」. The workbooks here are built by hand from those documents, not by himozuke's form writer.
"""

from __future__ import annotations

import openpyxl
import pytest

from himozuke.survey import spec
from himozuke.survey.collect import EXTRA_SHEET, SUMMARY_READER, collect, read_collection, write_collection
from himozuke.survey.decide import decide_collection
from himozuke.survey.demo import answers
from himozuke.survey.form import fill_form, write_form

BETTEN4 = [
    "エラーチェック1", "エラーチェック2", "制度等", "組織区分", "属性", "組織名", "担当部署名", "回答責任者役職",
    "回答責任者氏名", "連絡先氏名", "電話番号", "メールアドレス", "1-1", "1-2", "2", "-", "3", "4", "5",
    "①住基ネットの利用（J-LIS照会）により確認している。", "②組織内の住基システム等により確認している。",
    "7-1", "7-2", "7-3", "①漢字氏名", "②カナ氏名", "③生年月日", "④性別", "⑤住所", "8-1", "-", "8-2", "9", "10",
]
"""別添4 一覧表's header row as the document prints it: 「エラーチェック1 エラーチェック2 制度等 組織区分 属性 組織名
担当部署名 回答責任者役職 回答責任者氏名 連絡先氏名 電話番号 メールアドレス 1-1 1-2 2 - 3 4 5 ①住基ネットの利用（J-LIS
照会）により確認している。②組織内の住基システム等により確認している。7-1 7-2 7-3 ①漢字氏名②カナ氏名③生年月日④性別
⑤住所 8-1 - 8-2 9 10」."""

RESPONDENT = ["制度等", "組織区分", "属性", "組織名", "担当部署名", "回答責任者役職", "回答責任者氏名", "連絡先氏名",
              "電話番号", "メールアドレス"]
"""別添3 「回答者情報」, rows in the order the 中国残留邦人等 別紙調査票 prints them."""

# One body's answers (別添4 order after the 回答者情報), as a person picks them from the lists.
OFFICIAL_ANSWERS = [
    "②上記機能を導入していない（業務システムを導入していない場合を含む。）。", "", "①定めている。", "", "②求めていない。（Q6へ）", "", "",
    "〇", "", "②取得していない。", "①氏名・生年月日・性別・住所の一部の情報によりマイナンバーを取得している。",
    "①決めている。", "", "〇", "〇", "", "",
    "①組織で定めた別途の方法に基づき対応している。", "4情報を追加し複数担当者で確認する（手順書あり）",
    "①必ず別途の方法で、本人として特定できた者に限り紐付けしている（特定できなかった場合については紐付けしていない）。",
    "①複数職員で確認している。", "①事例はない。",
]
WHO = ["福祉・介護（中国残留邦人支援）", "市区町村", "", "14神奈川県寒川町", "福祉課", "課長", "山田 太郎",
       "鈴木 次郎", "0465-82-1111", "fukushi@example.lg.jp"]


def ministry_workbook(path, who=WHO, answers_=OFFICIAL_ANSWERS, *, formulas=False, header=BETTEN4, status=True):
    """別添3 as a body returns it: 「様式」 (回答者情報: 項目・入力・注記; 調査項目: 項番・質問・回答) and 「一覧用」 (row 1
    別添4's headers, row 2 the answers — values as Excel saves them, or bare formulas copying 様式)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "様式"
    ws["A1"] = "マイナンバー情報連携関係実態調査　調査項目回答シート"
    ws["A2"] = "回答者情報"
    refs = ["", ""]
    for i, (key, value) in enumerate(zip(RESPONDENT, who, strict=True), start=3):
        ws.cell(i, 2, key), ws.cell(i, 3, value or None), ws.cell(i, 4, "◆入力")
        refs.append(f"C{i}")
    ws["A15"], ws["A16"], ws["B16"], ws["C16"] = "調査項目への回答", "項番", "質問", "回答をリストから選択（一部自由記載）"
    for j, value in enumerate(answers_, start=17):
        ws.cell(j, 1, header[12 + j - 17])
        ws.cell(j, 3, value or None)
        refs.append(f"C{j}")
    summary = wb.create_sheet("一覧用")
    values = ["情報入力完了", "回答完了", *who, *answers_] if status else ["", "", *who, *answers_]
    for col, (head, value, ref) in enumerate(zip(header, values, refs, strict=True), start=1):
        summary.cell(1, col, head)
        if formulas and ref:
            summary.cell(2, col, f"=IF(様式!{ref}=\"\",\"\",様式!{ref})")
        else:
            summary.cell(2, col, value or None)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def expected_row():
    keys = spec.variant("zanryu").columns()
    return dict(zip(keys[2:], [*WHO, *OFFICIAL_ANSWERS], strict=True))


@pytest.mark.parametrize("formulas", [
    pytest.param(False, id="調査要領3.(1)「一覧用」シートの２行目（Excelで保存した値）"),
    pytest.param(True, id="「一覧用」シートには手を加えない（自動転記の数式のみ・値なし）"),
])
def test_ministry_answer_sheet_is_read_by_its_ichiranyo_row_2(tmp_path, formulas):
    path = ministry_workbook(tmp_path / "in" / "【14神奈川県寒川町】マイナンバーアンケート回答.xlsx", formulas=formulas)
    assert "設定" not in openpyxl.load_workbook(path).sheetnames
    c = collect(tmp_path / "in")
    assert c.unreadable == []
    [sheet] = c.sheets
    assert (sheet.variant.key, sheet.reader) == ("zanryu", SUMMARY_READER)
    assert {k: sheet.row[k] for k in expected_row()} == expected_row()
    assert sheet.problems == []
    assert (sheet.row["エラーチェック1"], sheet.row["エラーチェック2"]) == ("情報入力完了", "回答完了")


def test_ministry_label_spelling_is_the_same_seido(tmp_path):
    who = ["福祉·介護(中国残留邦人支援)", *WHO[1:]]  # as the 中国残留邦人等 別紙調査票 prints it
    ministry_workbook(tmp_path / "in" / "a.xlsx", who=who)
    [sheet] = collect(tmp_path / "in").sheets
    assert sheet.variant.key == "zanryu" and sheet.problems == []


def test_ministry_sheet_q10_summary_goes_separately(tmp_path):
    """調査要領 2.(4): 「項番１０において、①以外を回答する場合は、…事例の概要も併せて提出すること」 — 別添4 has no
    column for it, so a sheet read from 一覧用 gets a 確認, not an error."""
    answers_ = [*OFFICIAL_ANSWERS[:-1], "②事例はある。原因も特定されており、改善されている（概要を添付してください。）。"]
    ministry_workbook(tmp_path / "in" / "a.xlsx", answers_=answers_)
    [sheet] = collect(tmp_path / "in").sheets
    assert [(p.column, p.level) for p in sheet.problems] == [("10 記載", "確認")]


@pytest.mark.parametrize(("change", "reason"), [
    pytest.param({"header": ["回答者", *BETTEN4[1:]]},
                 "「一覧用」シートの1行目が一覧表（別添4）の見出し（エラーチェック1…）ではありません（1行目）", id="見出しが別添4でない"),
    pytest.param({"who": [""] * 10, "answers_": [""] * 22, "status": False},
                 "「一覧用」シートの2行目（回答）が空です（2行目）", id="2行目が空"),
])
def test_unusable_ichiranyo_is_listed_with_reason(tmp_path, change, reason):
    ministry_workbook(tmp_path / "in" / "a.xlsx", **change)
    c = collect(tmp_path / "in")
    assert c.sheets == [] and c.unreadable == [("a.xlsx", reason)]


def test_himozuke_form_is_one_producer_among_others(tmp_path):
    v = spec.variant("zanryu")
    row = answers(v, "14神奈川県相模原市", "指定都市", seed=5)
    fill_form(write_form("zanryu", tmp_path / "in" / "ours.xlsx"), {k: x for k, x in row.items()
                                                                     if not k.startswith("エラーチェック")})
    ministry_workbook(tmp_path / "in" / "theirs.xlsx")
    c = collect(tmp_path / "in")
    assert sorted((s.file, s.reader) for s in c.sheets) == [("ours.xlsx", "様式（設定シート）"), ("theirs.xlsx", "一覧用2行目")]


# Issue 23 §4 — the 一覧表 is 別添4 exactly; himozuke's extras are on their own sheets.
def test_ichiranhyo_columns_are_betten4(tmp_path):
    v = spec.variant("zanryu")
    row = answers(v, "14神奈川県相模原市", "指定都市", seed=8) | {"10": "②事例はある。", "10 記載": "転記誤り。改善済み。"}
    fill_form(write_form("zanryu", tmp_path / "in" / "a.xlsx"), {k: x for k, x in row.items()
                                                                  if not k.startswith("エラーチェック")})
    out = write_collection(collect(tmp_path / "in"), tmp_path / "一覧表.xlsx")
    wb = openpyxl.load_workbook(out)
    table = wb.worksheets[0]
    assert [c.value for c in table[1]] == BETTEN4
    assert table.max_column == len(BETTEN4)  # no 10 記載, no 点検結果 here
    extra = {c.value: x.value for c, x in zip(wb[EXTRA_SHEET][1], wb[EXTRA_SHEET][2], strict=True)}
    assert (extra["一覧表シート"], extra["行"], extra["10 記載"], extra["点検結果"]) == (table.title, 2, "転記誤り。改善済み。",
                                                                                  extra["点検結果"])
    [(_, back, _)] = read_collection(out)
    assert back["10 記載"] == "転記誤り。改善済み。"


def test_kenshin_columns_follow_betten4():
    assert spec.variant("kenshin").headers() == (*BETTEN4, "a", "b", "-", "c", "-", "d", "-")


def test_handmade_betten4_table_decides_like_himozuke(tmp_path):
    """An 一覧表 a prefecture pasted by hand (別添4's headers, 「値と元の書式」) decides as himozuke's own."""
    v = spec.variant("zanryu")
    rows = [answers(v, f"14神奈川県{n}町", "市区町村", seed=s) for s, n in enumerate(("あ", "い", "う", "え", "お", "か"))]
    for i, r in enumerate(rows):
        fill_form(write_form("zanryu", tmp_path / "in" / f"{i}.xlsx"), {k: x for k, x in r.items()
                                                                         if not k.startswith("エラーチェック")})
    ours = decide_collection(write_collection(collect(tmp_path / "in"), tmp_path / "ours.xlsx"))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "【14神奈川県】"
    ws.append(BETTEN4)
    for r in rows:
        ws.append([r.get(k, "") or None for k in v.columns()])
    wb.save(tmp_path / "theirs.xlsx")
    theirs = decide_collection(tmp_path / "theirs.xlsx")
    assert [(d.row["組織名"], d.decision) for d in theirs] == [(d.row["組織名"], d.decision) for d in ours]
    assert "点検要（回答不備のため）" not in {d.decision.outcome.value for d in theirs}
