"""Fixtures of the case store tests: a store with cheap KDF costs, users of every role, a small result."""

from __future__ import annotations

import random

import pytest

from himozuke import mynumber
from himozuke.cases import store as store_mod
from himozuke.cases import users as users_mod

PASSPHRASE = "correct horse battery staple"
PASSWORD = "pass-word-1"
PLANTED_NAME = "蔵王堂　紐子"
PLANTED_KANA = "ザオウドウ　ヒモコ"
PLANTED_ADDRESS = "山形県山形市蔵王温泉９９９番地"


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch):
    """The production scrypt costs make every open ≈ 0.1 s; the tests only need the same code path."""
    monkeypatch.setattr(store_mod, "SCRYPT_N", 2**10)
    monkeypatch.setattr(users_mod, "PASSWORD_N", 2**10)


def numbers(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [mynumber.generate(rng) for _ in range(n)]


def result_rows(verdicts: str = "ABCEBC", *, seed: int = 7, dv_rows: tuple[int, ...] = ()) -> list[dict]:
    """Result rows as the check produces them (full numbers), plus 宛名番号 / 方書 / DV等支援対象."""
    from himozuke.match.engine import RESULT_COLUMNS

    rows = []
    for i, (verdict, number) in enumerate(zip(verdicts, numbers(len(verdicts), seed), strict=True)):
        row = {c: None for c in RESULT_COLUMNS}
        row |= {"行番号": i + 2, "個人番号": number, "判定": verdict, "理由": "R1" if verdict != "A" else None,
                "理由説明": "説明", "優先度": {"A": None, "B": 2, "C": 1, "E": 3}[verdict],
                "漢字氏名_業務": PLANTED_NAME, "漢字氏名_住基": PLANTED_NAME, "カナ氏名_業務": PLANTED_KANA,
                "住所_業務": PLANTED_ADDRESS, "住所_住基": PLANTED_ADDRESS, "生年月日_業務": "1990-01-01",
                "宛名番号": f"A{i:05d}", "方書": "ひもづけ荘101", "DV等支援対象": "1" if i in dv_rows else ""}
        rows.append(row)
    return rows


def result_frame(verdicts: str = "ABCEBC", **kw):
    import polars as pl

    from himozuke.match.engine import RESULT_SCHEMA

    rows = result_rows(verdicts, **kw)
    schema = RESULT_SCHEMA | {"宛名番号": pl.String, "方書": pl.String, "DV等支援対象": pl.String}
    return pl.DataFrame(rows, schema=schema)


def identity(sha: str = "a" * 64, **kw) -> dict:
    return {"body_code": "062014", "body_name": "山形市", "jimu": "障害者手帳情報", "inputs_sha256": sha,
            "rule_version": "0.1.0", "home_prefecture": "山形県", "engine": "in-memory"} | kw


@pytest.fixture
def store(tmp_path):
    s = store_mod.open_store(tmp_path / "cases.db", PASSPHRASE, create=True)
    yield s
    s.close()


@pytest.fixture
def people(store):
    """管理者 admin, 担当者 tanaka, 確認者 suzuki / sato, 上長 boss — logged in."""
    users_mod.add_user(store, None, "admin", "管理者", PASSWORD)
    admin = store.login("admin", PASSWORD)
    for name, role in (("tanaka", "担当者"), ("suzuki", "確認者"), ("sato", "確認者"), ("boss", "上長")):
        users_mod.add_user(store, admin, name, role, PASSWORD)
    return {name: store.login(name, PASSWORD) for name in ("admin", "tanaka", "suzuki", "sato", "boss")}


@pytest.fixture
def loaded(store, people):
    """The store with one run of six rows: B, C, E, B, C become cases 1–5 (row 4 = case 3 … see ids)."""
    run_id = store_mod.import_result(store, result_frame(dv_rows=(4,)), identity(), actor=people["tanaka"])
    return run_id
