"""Generated answer sheets and ``himozuke survey demo``: form → fill → collect → decide on made-up bodies.

The generator gives plausible answers that follow the skip logic, and injects the usual mistakes
(「中国残留邦人等支援給付関係事務におけるマイナンバー情報連携に係る実態調査について（依頼）」※1) on purpose.
The demo has two collectors: 神奈川県 (中国残留邦人支援給付 and 障害者手帳, municipalities) and 東京労働局
(労災, labour offices); a few sheets carry mistakes, one file is damaged and one is an old .xls, so the error
lists and the 「nothing is dropped」 rule show. 鎌倉市's 障害者手帳 sheet answers ① (確認書類とともに取得) and
still comes out 点検要 (総点検マニュアル §3(1)); 茅ヶ崎市 answers on a workbook laid out like the ministry's
別添3 (:func:`write_ministry_sheet`, no 設定 sheet), which the collector reads by its 一覧用 row 2.

>>> from himozuke.survey.spec import variant
>>> from himozuke.survey.validate import validate
>>> row = answers(variant("yobou"), "14神奈川県相模原市", "指定都市", seed=3)
>>> validate(variant("yobou"), row)
[]
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from himozuke.survey import spec
from himozuke.survey.collect import Collection, collect, file_name, split_by_seido, write_collection
from himozuke.survey.decide import DecidedRow, decide_collection, write_decisions
from himozuke.survey.form import FORM_SHEET, SUMMARY_SHEET, fill_form, save_atomic, write_form
from himozuke.survey.spec import MARK, Row, Variant

CAPITALS = ("札幌市", "青森市", "盛岡市", "仙台市", "秋田市", "山形市", "福島市", "水戸市", "宇都宮市", "前橋市",
            "さいたま市", "千葉市", "新宿区", "横浜市", "新潟市", "富山市", "金沢市", "福井市", "甲府市", "長野市",
            "岐阜市", "静岡市", "名古屋市", "津市", "大津市", "京都市", "大阪市", "神戸市", "奈良市", "和歌山市",
            "鳥取市", "松江市", "岡山市", "広島市", "山口市", "徳島市", "高松市", "松山市", "高知市", "福岡市",
            "佐賀市", "長崎市", "熊本市", "大分市", "宮崎市", "鹿児島市", "那覇市")
"""都道府県庁所在地 in JIS X 0401 order (東京都は新宿区)."""

_TEXT = {
    "2 記載": "2024年4月",
    "8-1 記載": "当初照会で用いなかった4情報を追加し、複数担当者で確認のうえ4情報全てで特定。手順書あり。",
    "10 記載": "転記誤りにより別人の番号を紐付け。原因を特定し、複数職員での確認を義務化した。",
    "b 記載": "住基システムから夜間バッチで連携し、差分を職員が確認している。",
    "c 記載": "検査機関から紙の結果票を受け取り、職員2名で入力・照合している。",
    "d 記載": "検診結果の情報連携のため（番号法別表に基づく）。",
}


def respondent(v: Variant, org: str, kubun: str, rng: random.Random) -> Row:
    """Valid 回答者情報 for one body."""
    section = {"労働基準監督署": "労災課"}.get(kubun, rng.choice(("健康推進課", "保健予防課", "福祉総務課")))
    return {"制度等": v.seido or "健康・医療（予防接種）", "組織区分": kubun, "属性": v.zokusei, "組織名": org,
            "担当部署名": section, "回答責任者役職": rng.choice(("課長", "部長", "所長", "署長")),
            "回答責任者氏名": rng.choice(("山田 太郎", "佐藤 花子", "髙橋 一郎")),
            "連絡先氏名": rng.choice(("鈴木 次郎", "田中 美咲")),
            "電話番号": f"0{rng.randint(10, 99)}-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
            "メールアドレス": f"mynumber{rng.randint(1, 999)}@example.lg.jp"}


def answers(v: Variant, org: str, kubun: str, *, seed: int = 0) -> Row:
    """A complete, valid sheet: walk the questions in order, answering only what the skip logic shows."""
    rng = random.Random(seed)
    row = respondent(v, org, kubun, rng)
    for q in v.questions:
        if not spec.visibility(v, row)[q.id]:
            continue
        if q.id in v.prefilled:
            row[q.column] = next(c for c in q.choices if c.startswith(v.prefilled[q.id]))
        elif q.kind == "choice":
            weights = [20, 1, 1, 1] if q.id == "10" else [3, 2, 1, 1, 1]
            row[q.column] = rng.choices(q.choices, weights=weights[: len(q.choices)])[0]
        elif q.kind == "multi":
            options = [o for o in v.questions if o.parent == q.id and o.kind == "mark"]
            for o in rng.sample(options, rng.randint(1, len(options))):
                row[o.column] = MARK
        elif q.kind in ("記述", "年月"):
            row[q.column] = _TEXT[q.column]
    return row


# (name, what goes wrong): each applies one typical mistake to a valid row.
MISTAKES: dict[str, dict[str, str]] = {
    "空白入り組織名": {"組織名": "14神奈川県 相模原市"},
    "郡名あり": {"組織名": "01北海道虻田郡倶知安町"},
    "コード違い": {"組織名": "13神奈川県相模原市"},
    "電話番号誤り": {"電話番号": "03-5253"},
    "メール全角": {"メールアドレス": "ｍｙｎｕｍｂｅｒ＠example.lg.jp"},
    "役職が課長級未満": {"回答責任者役職": "係長"},
    "未回答": {"10": ""},
    "部署名未入力": {"担当部署名": ""},
}


def with_mistake(row: Row, mistake: str) -> Row:
    """``row`` with one named mistake from :data:`MISTAKES`."""
    return row | MISTAKES[mistake]


def prefecture_collection(v: Variant, *, per_prefecture: int = 3, seed: int = 0) -> list[Row]:
    """Realistic municipal sheets for all 47 prefectures: the 都道府県 itself, its capital, and towns."""
    rows: list[Row] = []
    for code, pref in enumerate(spec.prefectures(), start=1):
        bodies = [(f"{code:02d}{pref}", "都道府県"), (f"{code:02d}{pref}{CAPITALS[code - 1]}", "市区町村")]
        bodies += [(f"{code:02d}{pref}{n}町", "市区町村") for n in ("みなみ", "きた", "ひがし", "にし")]
        for i, (org, kubun) in enumerate(bodies[:per_prefecture]):
            if kubun not in v.kubun:
                kubun = next(k for k in v.kubun if v.group_of(k) == v.group_of(kubun))
            rows.append(answers(v, org, kubun, seed=seed * 10_000 + code * 100 + i))
    return rows

def write_ministry_sheet(v: Variant, row: Row, out: Path) -> Path:
    """A filled answer sheet laid out like the ministry's 別添3 (調査票様式), as a body would return it.

    様式: 回答者情報 (label, value, note) then 項番 / 質問 / 回答; 一覧用: 別添4's headers in row 1 and in row 2
    formulas copying 様式 (saved without values, as any program writes them). No 設定 sheet.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = FORM_SHEET
    ws["A1"] = spec.title()
    ws["A2"] = "回答者情報"
    refs = {}
    for i, f in enumerate(v.respondent, start=3):
        ws.cell(i, 1, f.key)
        ws.cell(i, 2, row.get(f.key) or None)
        ws.cell(i, 3, f.note)
        refs[f.key] = f"B{i}"
    r = 3 + len(v.respondent) + 1
    ws.cell(r, 1, "調査項目への回答")
    ws.cell(r + 1, 1, "項番"), ws.cell(r + 1, 2, "質問"), ws.cell(r + 1, 3, "回答をリストから選択\n（一部自由記載）")
    r += 2
    for q in v.questions:
        if q.kind == "multi" or not q.in_table:
            if q.kind == "multi":
                ws.cell(r, 1, q.id), ws.cell(r, 2, q.text)
                r += 1
            continue
        ws.cell(r, 1, q.id if q.parent is None else None)
        ws.cell(r, 2, q.text)
        ws.cell(r, 3, row.get(q.column) or None)
        refs[q.column] = f"C{r}"
        r += 1
    summary = wb.create_sheet(SUMMARY_SHEET)
    for i, (col, head) in enumerate(zip(v.columns(), v.headers(), strict=True), start=1):
        summary.cell(1, i, head)
        ref = refs.get(col)
        summary.cell(2, i, f'=IF({FORM_SHEET}!{ref}="","",{FORM_SHEET}!{ref})' if ref else "")
    return save_atomic(wb, out)


TECHO_ANSWERS = {"2": "①定めている。", "3": "①求めている。", "4": "③本人以外（事業主等）からの届出は無い。",
                 "5": "①必ず上記方法により取得しており、確認書類が揃わないこと等によりマイナンバーを取得できない場合は"
                      "紐付けない。（Q10へ）", "10": "①事例はない。"}
"""鎌倉市's 障害者手帳 sheet: ① throughout (確認書類とともに取得) — 点検要 all the same (総点検マニュアル §3(1))."""

_KANAGAWA = (("14神奈川県", "都道府県", None), ("14神奈川県横浜市", "指定都市", None),
             ("14神奈川県相模原市", "指定都市", "空白入り組織名"), ("14神奈川県鎌倉市", "市区町村", None),
             ("14神奈川県中井町", "市区町村", None), ("14神奈川県大磯町", "市区町村", "未回答"),
             ("14神奈川県藤沢市", "市区町村", "役職が課長級未満"))
_TOKYO = (("1301中央労働基準監督署", None), ("1302上野労働基準監督署", "電話番号誤り"),
          ("1303三田労働基準監督署", None), ("1304品川労働基準監督署", None))


@dataclass(frozen=True)
class DemoRun:
    """What one collector's part of the demo produced."""

    collector: str
    table: Path
    decisions: Path
    per_seido: list[Path]
    sheets: int
    with_errors: int
    unreadable: int
    decided: list[DecidedRow]


def _fill(folder: Path, variant: str, bodies: list[tuple[str, str, str | None]]) -> None:
    v = spec.variant(variant)
    for i, (org, kubun, mistake) in enumerate(bodies):
        row = answers(v, org, kubun, seed=i + 1)
        if mistake:
            row = with_mistake(row, mistake)
        values = {k: val for k, val in row.items() if k not in (spec.ERROR_CHECK_1, spec.ERROR_CHECK_2)}
        fill_form(write_form(variant, folder / f"【{org}】マイナンバーアンケート回答.xlsx"), values)


def _collect_and_decide(folder: Path, out: Path) -> DemoRun:
    c: Collection = collect(folder)
    table = write_collection(c, out / file_name(c))
    decided = decide_collection(table)
    decisions = write_decisions(decided, out / f"{table.stem}_判定.xlsx")
    parts = split_by_seido(c)
    per_seido = [write_collection(part, out / "制度別" / seido) for seido, part in parts] if len(parts) > 1 else []
    return DemoRun(c.name, table, decisions, per_seido, len(c.sheets), sum(s.errors > 0 for s in c.sheets),
                   len(c.unreadable), decided)


def run_demo(out: Path | str) -> list[DemoRun]:
    """Write blank forms for every 制度, fill and collect two collectors' sheets, decide; return the runs."""
    out = Path(out)
    for key in spec.variant_keys():
        write_form(key, out / "様式" / f"調査票様式_{key}.xlsx")
    kanagawa = out / "回収" / "神奈川県"
    _fill(kanagawa, "zanryu", list(_KANAGAWA))
    (kanagawa / "【14神奈川県寒川町】マイナンバーアンケート回答.xlsx").write_bytes(b"PK\x03\x04 damaged")
    (kanagawa / "【14神奈川県二宮町】旧形式.xls").write_bytes(b"\xd0\xcf\x11\xe0 old excel")
    techo = spec.variant("techo")
    kamakura = respondent(techo, "14神奈川県鎌倉市", "市区町村", random.Random(7)) | {"1-1": techo.question("1-1").choices[0]}
    fill_form(write_form("techo", kanagawa / "【14神奈川県鎌倉市】障害者手帳.xlsx"), kamakura | TECHO_ANSWERS)
    zanryu = spec.variant("zanryu")
    write_ministry_sheet(zanryu, answers(zanryu, "14神奈川県茅ヶ崎市", "市区町村", seed=21),
                         kanagawa / "【14神奈川県茅ヶ崎市】マイナンバーアンケート回答（様式）.xlsx")
    tokyo = out / "回収" / "東京労働局"
    _fill(tokyo, "rousai", [(org, "労働基準監督署", m) for org, m in _TOKYO])
    return [_collect_and_decide(kanagawa, out), _collect_and_decide(tokyo, out)]
