"""DV・虐待等被害者 protection, the audit chain, retention and 定期報告 figures."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from himozuke.cases import audit, retention, views
from himozuke.cases import store as store_mod
from himozuke.cases.progress import progress_rows
from himozuke.cases.workflow import Action, act, approve
from himozuke.errors import HimozukeError
from tests.cases.conftest import PLANTED_ADDRESS, identity, numbers, result_frame

DV_CASE = 4  # row 6 of the result (index 4) carries DV等支援対象 = 1


# ---- DV (§7(6) ※) ----------------------------------------------------------------------------------------------

def test_dv_address_hidden_in_list_and_show(store, people, loaded):
    listed = {v.id: v for v in views.list_cases(store, people["tanaka"])}
    assert listed[DV_CASE].dv
    assert listed[DV_CASE].items["住所"]["業務"] == views.DV_HIDDEN
    assert listed[DV_CASE].items["住所"]["住基"] == views.DV_HIDDEN
    assert listed[DV_CASE].extras["方書"] == views.DV_HIDDEN
    assert listed[1].items["住所"]["住基"] == PLANTED_ADDRESS  # others are shown
    shown = views.show_case(store, people["tanaka"], DV_CASE)
    assert PLANTED_ADDRESS not in json.dumps(shown.__dict__, ensure_ascii=False, default=str)


def test_dv_address_hidden_in_export(tmp_path, store, people, loaded):
    out = tmp_path / "export.csv"
    assert views.export_cases(store, people["tanaka"], out) == 5
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    dv_line = next(line for line in lines if line.startswith(f"{DV_CASE},"))
    assert PLANTED_ADDRESS not in dv_line and views.DV_HIDDEN in dv_line
    assert all(n not in out.read_text(encoding="utf-8-sig") for n in numbers(6))  # masked
    assert store.query("SELECT action FROM audit ORDER BY seq DESC LIMIT 1") == [("出力",)]


def test_dv_post_contact_refused(store, people, loaded):
    act(store, people["tanaka"], DV_CASE, Action.SUPPRESS, 範囲="①")
    with pytest.raises(HimozukeError, match="郵送"):
        act(store, people["tanaka"], DV_CASE, Action.CONTACT, 方法="郵送", 日付="2023-11-01", 結果="応答なし")
    act(store, people["tanaka"], DV_CASE, Action.CONTACT, 方法="訪問", 日付="2023-11-01", 結果="確認できた")
    act(store, people["tanaka"], 1, Action.SUPPRESS, 範囲="①")
    act(store, people["tanaka"], 1, Action.CONTACT, 方法="郵送", 日付="2023-11-01", 結果="応答なし")


def test_list_masks_numbers_and_reveal_is_audited(store, people, loaded):
    first = numbers(6)[1]
    v = views.list_cases(store, people["tanaka"], verdict="B")[0]
    assert v.number == f"{first[:4]} **** {first[8:]}"
    assert views.reveal_number(store, people["tanaka"], v.id) == first
    assert store.query("SELECT actor, action, case_id, details FROM audit ORDER BY seq DESC LIMIT 1") == [
        ("tanaka", "番号表示", v.id, "{}")]


# ---- audit chain -----------------------------------------------------------------------------------------------

@pytest.fixture
def busy(store, people, loaded):
    for cid in (1, 2, 3):
        act(store, people["tanaka"], cid, Action.SUPPRESS, 範囲="①")
    views.reveal_number(store, people["suzuki"], 2)
    assert audit.verify(store) == []
    store.conn.executescript("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")  # a tamperer can
    return store


def test_audit_is_append_only(store, people, loaded):
    with pytest.raises(Exception, match="append-only"):
        store.conn.execute("UPDATE audit SET actor = 'x' WHERE seq = 1")
    with pytest.raises(Exception, match="append-only"):
        store.conn.execute("DELETE FROM audit WHERE seq = 1")


def test_audit_detects_edited_entry(busy):
    busy.conn.execute("UPDATE audit SET actor = 'someone' WHERE seq = 7")
    assert [p.seq for p in audit.verify(busy)] == [7]


def test_audit_detects_removed_entry(busy):
    busy.conn.execute("DELETE FROM audit WHERE seq = 7")
    problems = audit.verify(busy)
    assert {p.seq for p in problems} == {8}
    assert "がありません" in str(problems[0])


def test_audit_detects_reordered_entries(busy):
    a = busy.query("SELECT at, actor, action, case_id, run_id, details, prev_hash, hash FROM audit WHERE seq = 7")[0]
    b = busy.query("SELECT at, actor, action, case_id, run_id, details, prev_hash, hash FROM audit WHERE seq = 8")[0]
    sql = ("UPDATE audit SET at = ?, actor = ?, action = ?, case_id = ?, run_id = ?, details = ?, prev_hash = ?,"
           " hash = ? WHERE seq = ?")
    busy.conn.execute(sql, (*b, 7))
    busy.conn.execute(sql, (*a, 8))
    assert {p.seq for p in audit.verify(busy)} >= {7}


def test_audit_holds_no_personal_data(store, people, loaded):
    act(store, people["tanaka"], 1, Action.SUPPRESS, 範囲="①")
    act(store, people["tanaka"], 1, Action.CONTACT, 方法="電話", 日付="2023-11-01", 結果="応答なし", 備考="蔵王堂さん不在")
    text = json.dumps(store.query("SELECT * FROM audit"), ensure_ascii=False)
    assert "蔵王堂" not in text and PLANTED_ADDRESS not in text
    assert not any(n in text for n in numbers(6))


# ---- retention (§12) -------------------------------------------------------------------------------------------

def test_expired_lists_runs_past_retention(store, people, loaded):
    assert retention.expired(store, date.today()) == []
    later = retention.expired(store, date(2999, 1, 1))
    assert [r.id for r in later] == [loaded]


def test_purge_deletes_cases_and_outputs(tmp_path, store, people, loaded):
    out = tmp_path / "out"
    (out / ".himozuke-work").mkdir(parents=True)
    (out / ".himozuke-work" / "b0.parquet").write_text("x")
    (out / "result.csv").write_text("x")
    single = tmp_path / "kekka.xlsx"
    single.write_text("x")
    act(store, people["tanaka"], 1, Action.SUPPRESS, 範囲="①")
    with pytest.raises(HimozukeError, match="担当者"):
        retention.purge(store, people["tanaka"], loaded)
    counts = retention.purge(store, people["admin"], loaded, outputs=[out, single])
    assert counts["cases"] == 5 and counts["files"] == 3 and counts["events"] == 6
    assert not out.exists() and not single.exists()
    assert store.query("SELECT count(*) FROM cases") == [(0,)]
    assert store.query("SELECT count(*) FROM events") == [(0,)]
    last = store.query("SELECT action, run_id, details FROM audit ORDER BY seq DESC LIMIT 1")[0]
    assert last[:2] == ("削除", loaded) and json.loads(last[2])["cases"] == 5
    assert audit.verify(store) == []
    with pytest.raises(HimozukeError, match="削除済み"):
        retention.purge(store, people["admin"], loaded)


def test_destroy_store_after_last_purge(store, people, loaded):
    with pytest.raises(HimozukeError, match="削除されていない実行"):
        retention.destroy_store(store, people["admin"])
    retention.purge(store, people["admin"], loaded)
    path = store.path
    removed = retention.destroy_store(store, people["admin"])
    assert store_mod.salt_path(path) in removed and path in removed
    assert not path.exists() and not store_mod.salt_path(path).exists()


# ---- 定期報告 (§7(8)) -------------------------------------------------------------------------------------------

def test_progress_rows_by_month(store, people):
    clock = {"now": datetime(2023, 10, 20, 10, 0, tzinfo=store_mod.JST)}
    store.clock = lambda: clock["now"]
    store_mod.import_result(store, result_frame(), identity(), actor=people["tanaka"])
    t, s = people["tanaka"], people["suzuki"]
    act(store, t, 1, Action.SUPPRESS, 範囲="①")  # October: case 1 started
    clock["now"] = datetime(2023, 11, 30, 23, 59, tzinfo=store_mod.JST)
    act(store, t, 1, Action.CONTACT, 方法="電話", 日付="2023-11-30", 結果="応答なし")
    act(store, t, 1, Action.RESULT, 確認結果="確認不能", 閲覧="有", 情報連携="無")
    act(store, t, 2, Action.SUPPRESS, 範囲="①")
    act(store, t, 2, Action.RESULT, 確認結果="別人のもの", 閲覧="無", 情報連携="有")
    clock["now"] = datetime(2023, 12, 1, 0, 0, tzinfo=store_mod.JST)  # the first instant of December
    act(store, t, 1, Action.PROPOSE, 分岐="①")
    approve(store, s, 1)
    rows = progress_rows(store, "2023-12")
    assert [r.month for r in rows] == ["2023-10", "2023-11", "2023-12"]
    oct_, nov, dec = rows
    assert (oct_.targets, oct_.a, oct_.b, oct_.c, oct_.e) == (6, 1, 2, 2, 1)
    assert (oct_.contact_started, oct_.contact_done, oct_.wrong_links) == (1, 0, 0)
    # November: 別人のもの counts as wrong at once; 確認不能 only when unlinked
    assert (nov.contact_started, nov.contact_done, nov.wrong_links, nov.viewed, nov.exchanged, nov.resolved) == (
        2, 2, 1, 0, 1, 0)
    assert (dec.wrong_links, dec.viewed, dec.exchanged, dec.resolved) == (2, 1, 1, 1)
    assert (dec.body_code, dec.body_name, dec.jimu) == ("062014", "山形市", "障害者手帳情報")


def test_progress_month_format(store):
    with pytest.raises(HimozukeError, match="YYYY-MM"):
        progress_rows(store, "2023/11")
