"""The simulated J-LIS answers a search (a request without a valid number) as the lookup does: the manual's
notation tolerance, and every hit of a 複数該当 (it used to match カナ + 生年月日 literally and keep the first)."""

from __future__ import annotations

import polars as pl

from himozuke.formats import columns as C
from himozuke.testing.jlis import answer
from tests.lookup.test_table import KASUMIGASEKI, PEOPLE, N


def _register() -> pl.DataFrame:
    rows = [p[:6] for p in PEOPLE]
    return pl.DataFrame({"個人番号": [N[p[0]] for p in rows], **{c: [p[i + 1] for p in rows]
                                                              for i, c in enumerate(C.ITEMS)},
                         "状態": ["消除者" if p[0] == "deleted" else "住民" for p in rows]})


def _requests(*rows: tuple) -> pl.DataFrame:
    return pl.DataFrame([(str(i + 2), *r) for i, r in enumerate(rows)], orient="row",
                        schema=dict.fromkeys(["要求通番", "照会区分", "個人番号", *C.ITEMS], pl.String))


def test_a_search_returns_every_hit_with_its_number():
    got = answer(_requests(("4情報", None, "高橋花子", "タカハシハナコ", "1970-01-01", "女", "新宿区西新宿2-8-1")),
                 _register())
    assert got[C.INQUIRY_RESULT].to_list() == ["複数該当", "複数該当"]
    assert got["要求通番"].unique().to_list() == ["2"]
    assert sorted(got[C.MY_NUMBER].to_list()) == sorted([N["hanako_old"], N["hanako"]])


def test_a_search_uses_the_manuals_tolerance():
    got = answer(_requests(
        ("4情報", None, "山崎悟", "ヤマサキ　サトル", "1985-03-03", "男", "東京都千代田区丸の内2-2-2"),  # 注13 濁点
        ("3情報", "", "山田太郎", "ﾔﾏﾀﾞ ﾀﾛｳ", "2000-05-05", None, "千代田区霞が関1-1-1"),  # half-width kana
        ("4情報", None, "田中実", "タナカミノル", "1955-05-05", "男", KASUMIGASEKI),  # deleted: not a hit
    ), _register())
    assert got.select("要求通番", C.INQUIRY_RESULT, C.MY_NUMBER).rows() == [
        ("2", "該当", N["yamasaki"]), ("3", "該当", N["taro"]), ("4", "該当なし", None)]
    assert got.row(0, named=True)[C.KANA_NAME] == "ヤマザキ　サトル"  # the register's 4情報 come back
