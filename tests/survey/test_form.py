"""The texts the documents print beside the questions appear on the form where they put them (issue 23 §6)."""

from __future__ import annotations

import openpyxl
import pytest

from himozuke.survey.form import write_form


def _rows(path):
    ws = openpyxl.load_workbook(path)["様式"]
    return [(ws.cell(r, 1).value, ws.cell(r, 2).value) for r in range(1, ws.max_row + 1)]


def _note_after(rows, item, text):
    """The first note row (column A text, no 項番) after the row of 項番 ``item`` that contains ``text``."""
    start = next(i for i, (a, _) in enumerate(rows) if a == item)
    for a, b in rows[start + 1:]:
        if a and b is None and not str(a)[:1].isdigit():
            if text in a:
                return True
        elif a and str(a)[:1].isdigit():
            return False
    return False


@pytest.mark.parametrize(("variant", "item", "text"), [
    pytest.param("zanryu", "8-1", "例１ 当初のマイナンバー照会の際には用いなかった本人確認４情報を追加的に用い",
                 id="別添1 Q8-1の後「（※）「別途の方法」の例 例１…」"),
    pytest.param("zanryu", "8-1", "例２ 住所として表示された場所にマイナンバーを照会する文書を送付し、マイナンバーを確認 等",
                 id="別添1 Q8-1の後「例２ 住所として表示された場所に…」"),
    pytest.param("kenshin", "2", "以降の調査項目では、マニュアルの規定内容を回答するのではなく、業務の実態をご回答ください",
                 id="別添1 Q2の後「※ 以降の調査項目では…業務の実態をご回答ください」"),
    pytest.param("rousai", "3", "項番３については、時期にかかわらず、マイナンバーの記載や提示を求めている場合は、その旨回答すること",
                 id="調査要領2.(2)「項番３については、時期にかかわらず…その旨回答すること」"),
])
def test_note_after_question(tmp_path, variant, item, text):
    assert _note_after(_rows(write_form(variant, tmp_path / "f.xlsx")), item, text)


def test_rousai_q3_note_only_on_rousai(tmp_path):
    rows = _rows(write_form("nanbyo", tmp_path / "f.xlsx"))
    assert not any(a and "項番３については" in str(a) for a, _ in rows)


@pytest.mark.parametrize("variant", ["rousai", "kenshin", "techo"])
def test_digital_agency_guidance_heads_the_answers(tmp_path, variant):
    """デジタル庁「個人情報とマイナンバー（個人番号）の紐付けに係る実態調査について（共有）」1.: 「回答の選択に迷う場合や
    一部で対応できていない紐付け事務がある場合には、…より慎重な選択肢を選択するようお願いいたします」."""
    rows = _rows(write_form(variant, tmp_path / "f.xlsx"))
    head = next(i for i, (a, _) in enumerate(rows) if a == "項番")
    guidance, first = rows[head + 1], rows[head + 2]
    assert "より慎重な選択肢を選択するようお願いいたします" in guidance[0]
    assert "回答の選択に迷う場合や一部で対応できていない紐付け事務がある場合" in guidance[0]
    assert first[0] in ("1-1", "1-2")
