"""What ``check`` hands over to the follow-up (issue #17): the business system's own columns carried through to
the result, a DV等支援対象 record's addresses hidden in every output, and the run identity in run.json and the
report."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from himozuke.match import RULE_VERSION
from himozuke.mynumber import check_digit
from tests.cli.test_check import invoke

HIDDEN = "（DV等支援対象のため非表示）"
REFUGE = "避難先町9-9-9"


def _number(i: int) -> str:
    return f"{i:011d}{check_digit(f'{i:011d}')}"


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> tuple[Path, Path, Path]:
    d = tmp_path_factory.mktemp("handover")
    people = [
        ("山田　太郎", "ヤマダ　タロウ", "1975-01-02", "1", "東京都千代田区霞が関1-1-1"),
        ("山田　花子", "ヤマダ　ハナコ", "1980-04-01", "2", f"東京都千代田区{REFUGE}"),
        ("佐藤　一郎", "サトウ　イチロウ", "1990-12-31", "1", "東京都千代田区丸の内2-2-2"),
        ("鈴木　次郎", "スズキ　ジロウ", "1960-06-06", "1", "東京都千代田区大手町3-3-3"),
    ]
    numbers = [_number(i + 10) for i in range(len(people))]
    business = pl.DataFrame({
        "個人番号": numbers,
        "漢字氏名": [p[0] for p in people],
        "カナ氏名": [p[1] for p in people],
        "生年月日": [p[2] for p in people],
        "性別": [p[3] for p in people],
        # row 3: another address (B); row 4: another birth date on the registry side (C)
        "住所": [people[0][4], people[1][4], "東京都千代田区丸の内9-9-9", people[3][4]],
        "宛名番号": ["0000000001", "0000000002", "0000000003", "0000000004"],
        "方書": [None, "メゾン避難101", None, None],
        "DV等支援対象": ["0", "1", None, ""],
        "受給者番号": ["J-1", "J-2", "J-3", "J-4"],
    })
    registry = business.select("個人番号", "漢字氏名", "カナ氏名", "生年月日", "性別", "住所").with_columns(
        pl.Series("住所", [p[4] for p in people]),
        pl.Series("生年月日", ["1975-01-02", "1980-04-01", "1990-12-31", "1961-06-06"]))
    # row 2 differs in カナ so that the DV row is a C and reaches every sheet
    registry = registry.with_columns(pl.when(pl.int_range(pl.len()) == 1).then(pl.lit("ヤマダ　ハルコ"))
                                     .otherwise(pl.col("カナ氏名")).alias("カナ氏名"))
    b, r = d / "business.csv", d / "registry.csv"
    business.write_csv(b)
    registry.write_csv(r)
    profile = d / "with-key.toml"
    fields = "".join(f'[[fields]]\ncolumn = "{c}"\n' for c in ("個人番号", "漢字氏名", "カナ氏名", "生年月日", "性別",
                                                                 "住所", "宛名番号", "方書", "DV等支援対象"))
    profile.write_text('name = "with-key"\ndescription = "test"\nformat = "csv"\nencoding = "utf-8"\nrole = "business"\n'
                       + fields + '[[fields]]\ncolumn = "受給者番号"\npassthrough = true\n', encoding="utf-8")
    return b, r, profile


def _run(files, out: Path, *extra: str):
    b, r, profile = files
    res = invoke("check", str(b), str(r), "--out", str(out), "--business-profile", str(profile),
                 "--formats", "csv,xlsx,parquet", "--body-code", "13101", "--jimu", "障害者手帳情報", *extra)
    assert res.exit_code == 0, res.output
    return res


def test_carried_columns_reach_every_output_and_dv_addresses_never_do(files, tmp_path):
    res = _run(files, tmp_path)
    csv = pl.read_csv(tmp_path / "result.csv", infer_schema=False)
    assert csv.columns[-4:] == ["宛名番号", "方書", "DV等支援対象", "受給者番号"]
    assert csv["受給者番号"].to_list() == ["J-1", "J-2", "J-3", "J-4"]
    dv = csv.row(1, named=True)
    assert (dv["住所_業務"], dv["住所_住基"], dv["方書"]) == (HIDDEN, HIDDEN, HIDDEN)
    assert csv.row(0, named=True)["住所_業務"] == "東京都千代田区霞が関1-1-1"  # 「0」 is not flagged
    parquet = pl.read_parquet(tmp_path / "result.parquet")
    assert parquet.row(1, named=True)["住所_住基"] == HIDDEN
    texts = [str(v) for ws in openpyxl.load_workbook(tmp_path / "report.xlsx", read_only=True).worksheets
             for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert not any(REFUGE in t or "メゾン避難" in t for t in texts)
    assert "J-2" in texts and HIDDEN in texts  # the C sheet shows the system's key and hides the address
    assert REFUGE not in res.output


def test_run_identity_in_run_json_and_on_the_summary_sheet(files, tmp_path):
    b, r, _ = files
    _run(files, tmp_path)
    run = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert (run["body_code"], run["body_name"], run["jimu"]) == ("131016", "千代田区", "障害者手帳情報")
    assert run["inputs_sha256"] == {"business": hashlib.sha256(b.read_bytes()).hexdigest(),
                                    "registry": hashlib.sha256(r.read_bytes()).hexdigest()}
    assert run["rule_version"] == RULE_VERSION and run["engine"] == "in-memory"
    assert run["carried"] == ["宛名番号", "方書", "DV等支援対象", "受給者番号"]
    ws = openpyxl.load_workbook(tmp_path / "report.xlsx", read_only=True)["集計"]
    cells = [v for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert "131016 千代田区" in cells and hashlib.sha256(b.read_bytes()).hexdigest() in cells


def test_bucketed_run_carries_the_same_columns_byte_for_byte(files, tmp_path):
    _run(files, tmp_path / "memory")
    _run(files, tmp_path / "buckets", "--buckets", "2")
    assert (tmp_path / "buckets" / "result.csv").read_bytes() == (tmp_path / "memory" / "result.csv").read_bytes()


@pytest.mark.parametrize(("code", "message"), [
    ("131017", "全国地方公共団体コード"),
    ("12ab5", "全国地方公共団体コード"),
])
def test_a_wrong_body_code_is_a_one_line_usage_error(files, tmp_path, code, message):
    b, r, _ = files
    res = invoke("check", str(b), str(r), "--out", str(tmp_path), "--body-code", code)
    assert res.exit_code == 2 and message in res.output and "Traceback" not in res.output


def test_a_column_a_profile_does_not_know_must_be_declared_passthrough(files, tmp_path):
    b, r, _ = files
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\ndescription = "t"\nformat = "csv"\nencoding = "utf-8"\nrole = "business"\n'
                   '[[fields]]\ncolumn = "個人番号"\n[[fields]]\ncolumn = "受給者番号"\n', encoding="utf-8")
    res = invoke("check", str(b), str(r), "--out", str(tmp_path / "o"), "--business-profile", str(bad))
    assert res.exit_code == 2 and "passthrough = true" in res.output
    clash = tmp_path / "clash.toml"
    clash.write_text(bad.read_text(encoding="utf-8").replace('"受給者番号"\n', '"判定"\npassthrough = true\n'),
                     encoding="utf-8")
    res = invoke("check", str(b), str(r), "--out", str(tmp_path / "o"), "--business-profile", str(clash))
    assert res.exit_code == 2 and "passthrough" in res.output


@pytest.fixture
def store(tmp_path, monkeypatch):
    """A case store with one 担当者 (cheap KDF costs: the same code path, faster)."""
    from himozuke.cases import store as store_mod
    from himozuke.cases import users as users_mod

    monkeypatch.setattr(store_mod, "SCRYPT_N", 2**10)
    monkeypatch.setattr(users_mod, "PASSWORD_N", 2**10)
    monkeypatch.setenv("HIMOZUKE_PASSPHRASE", "台帳のパスフレーズは十二文字以上")
    monkeypatch.setenv("HIMOZUKE_PASSWORD", "pw-tanaka")
    path = tmp_path / "cases.db"
    with store_mod.open_store(path, "台帳のパスフレーズは十二文字以上", create=True) as db:
        admin = users_mod.add_user(db, None, "yamada", "管理者", "pw-admin")
        users_mod.add_user(db, admin, "tanaka", "担当者", "pw-tanaka")
    return path


def test_check_hands_its_cases_to_the_store_without_a_file_between(files, tmp_path, store):
    from himozuke.cases.store import open_store
    from himozuke.cases.views import list_cases

    res = _run(files, tmp_path / "out", "--store", str(store), "--user", "tanaka", "--buckets", "2")
    assert "案件 3 件" in res.output  # B, C, C of the four rows; the A is no case
    with open_store(store, "台帳のパスフレーズは十二文字以上") as db:
        cases = list_cases(db, db.login("tanaka", "pw-tanaka"))
        assert len(cases) == 3
        runs = db.query("SELECT body_code, jimu, rule_version FROM runs")
        assert runs == [("131016", "障害者手帳情報", RULE_VERSION)]
    again = _run(files, tmp_path / "out", "--store", str(store), "--user", "tanaka")
    assert "実行 1、" in again.output  # the same inputs and rules: the same run, no second set of cases
    with open_store(store, "台帳のパスフレーズは十二文字以上") as db:
        assert db.query("SELECT count(*) FROM runs") == [(1,)] and db.query("SELECT count(*) FROM cases") == [(3,)]
    assert not list((tmp_path / "out").glob(".himozuke-work*"))


def test_a_wrong_password_stops_before_the_check(files, tmp_path, store, monkeypatch):
    monkeypatch.setenv("HIMOZUKE_PASSWORD", "wrong")
    b, r, _ = files
    res = invoke("check", str(b), str(r), "--out", str(tmp_path / "out"), "--body-code", "13101", "--jimu", "x",
                 "--store", str(store), "--user", "tanaka")
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert not (tmp_path / "out" / "result.csv").exists()


def test_report_progress_from_the_store_end_to_end(files, tmp_path, store):
    from himozuke.cases.store import open_store
    from himozuke.report.progress import read_progress

    _run(files, tmp_path / "out", "--store", str(store), "--user", "tanaka")
    with open_store(store, "台帳のパスフレーズは十二文字以上") as db:
        month = db.now()[:7]  # the store's month (JST)
    res = invoke("report", "progress", "--store", str(store), "--month", month, "--out", str(tmp_path / "報告"))
    assert res.exit_code == 0, res.output
    (path,) = (tmp_path / "報告").glob("*.xlsx")
    (row,) = read_progress(path)
    assert (row.body_code, row.jimu, row.targets, row.b + row.c + row.e, row.contact_started) == (
        "131016", "障害者手帳情報", 4, 3, 0)
