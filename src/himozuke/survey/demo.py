"""``himozuke survey demo``: the whole survey path on generated sheets — form → fill → collect → decide.

Two collectors: 神奈川県 (中国残留邦人支援給付, municipalities) and 東京労働局 (労災, labour offices). A few
sheets carry typical mistakes, one file is damaged and one is an old .xls, so the error lists and the
「nothing is dropped」 rule show.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from himozuke.survey import spec
from himozuke.survey.collect import collect, write_collection
from himozuke.survey.decide import DecidedRow, decide_collection, write_decisions
from himozuke.survey.form import fill_form, write_form
from himozuke.survey.sample import answers, with_mistake

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
    c = collect(folder)
    table = write_collection(c, out / f"{c.name}.xlsx")
    decided = decide_collection(table)
    decisions = write_decisions(decided, out / f"{c.name}_判定.xlsx")
    return DemoRun(c.name, table, decisions, len(c.sheets), sum(s.errors > 0 for s in c.sheets),
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
    tokyo = out / "回収" / "東京労働局"
    _fill(tokyo, "rousai", [(org, "労働基準監督署", m) for org, m in _TOKYO])
    return [_collect_and_decide(kanagawa, out), _collect_and_decide(tokyo, out)]
