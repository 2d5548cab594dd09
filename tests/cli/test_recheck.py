"""``himozuke check --baseline`` end to end (issue #19 part 4): a scheduled re-check of what changed — exit codes
for a scheduler, delta.csv, the baseline in the output folder itself, a baseline that does not fit, the store."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from himozuke.mynumber import check_digit
from tests.cli.test_check import invoke

FULL_NUMBER = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")
PASSPHRASE = "台帳のパスフレーズは十二文字以上"


def _number(i: int) -> str:
    return f"{i:011d}{check_digit(f'{i:011d}')}"


PEOPLE = [  # 個人番号, 漢字氏名, カナ氏名, 生年月日, 性別, 住所
    (_number(21), "山田　太郎", "ヤマダ　タロウ", "1975-01-02", "1", "東京都千代田区霞が関1-1-1"),
    (_number(22), "佐藤　一郎", "サトウ　イチロウ", "1990-12-31", "1", "東京都千代田区丸の内2-2-2"),
    (_number(23), "鈴木　次郎", "スズキ　ジロウ", "1960-06-06", "1", "東京都千代田区大手町3-3-3"),
    (_number(24), "田中　花子", "タナカ　ハナコ", "1985-03-03", "2", "東京都千代田区神田4-4-4"),
]
COLUMNS = ("個人番号", "漢字氏名", "カナ氏名", "生年月日", "性別", "住所")


def _write(rows, path: Path) -> Path:
    pl.DataFrame([dict(zip(COLUMNS, r, strict=True)) for r in rows], schema=dict.fromkeys(COLUMNS, pl.String)
                 ).write_csv(path)
    return path


def _with(row: tuple, **changes) -> tuple:
    values = dict(zip(COLUMNS, row, strict=True)) | changes
    return tuple(values[c] for c in COLUMNS)


@pytest.fixture
def week1(tmp_path) -> tuple[Path, Path]:
    """Row 3 (佐藤) is B (another 番地 in the business file), row 4 (鈴木) C (another birth date in the registry)."""
    business = [PEOPLE[0], _with(PEOPLE[1], 住所="東京都千代田区丸の内2-2-9"), PEOPLE[2], PEOPLE[3]]
    registry = [PEOPLE[0], PEOPLE[1], _with(PEOPLE[2], 生年月日="1961-06-06"), PEOPLE[3]]
    return _write(business, tmp_path / "b1.csv"), _write(registry, tmp_path / "r1.csv")


@pytest.fixture
def week2(tmp_path) -> tuple[Path, Path]:
    """佐藤's 番地 corrected (B → A: 解消), 田中's registry birth date now differs (A → C: 新規), a new person
    inserted before 佐藤 (行番号 move by one)."""
    newcomer = (_number(25), "高橋　三郎", "タカハシ　サブロウ", "2000-01-01", "1", "東京都千代田区麹町5-5-5")
    business = [PEOPLE[0], newcomer, PEOPLE[1], PEOPLE[2], PEOPLE[3]]
    registry = [PEOPLE[0], PEOPLE[1], _with(PEOPLE[2], 生年月日="1961-06-06"),
                _with(PEOPLE[3], 生年月日="1985-03-30"), newcomer]
    return _write(business, tmp_path / "b2.csv"), _write(registry, tmp_path / "r2.csv")


def _check(files, out: Path, *extra: str):
    return invoke("check", str(files[0]), str(files[1]), "--out", str(out), "--formats", "csv,xlsx", *extra)


def test_a_scheduled_recheck_reports_what_changed_and_exits_1_on_new_followups(week1, week2, tmp_path):
    out = tmp_path / "out"
    first = _check(week1, out)
    assert first.exit_code == 0, first.output  # no --baseline: check's exit codes are unchanged
    again = _check(week1, out, "--baseline", str(out))  # nothing changed
    assert again.exit_code == 0, again.output
    assert "4 行を引き継ぎ、0 行を照合し直しました" in again.output
    assert pl.read_csv(out / "delta.csv").height == 0

    res = _check(week2, out, "--baseline", str(out))  # the baseline is the output folder itself
    assert res.exit_code == 1, res.output  # 田中 is a new C
    assert "新規 1、解消 1" in res.output
    delta = pl.read_csv(out / "delta.csv", infer_schema=False)
    assert delta.columns == ["区分", "行番号", "前回行番号", "個人番号", "前回判定", "判定", "理由", "理由説明", "優先度"]
    rows = {r["区分"]: r for r in delta.to_dicts()}
    assert set(rows) == {"新規", "解消"}
    assert (rows["新規"]["行番号"], rows["新規"]["前回行番号"], rows["新規"]["前回判定"], rows["新規"]["判定"]) == \
        ("6", "5", "A", "C")
    assert rows["新規"]["個人番号"] == f"{PEOPLE[3][0][:4]} **** {PEOPLE[3][0][8:]}"  # masked as result.csv is
    assert (rows["解消"]["行番号"], rows["解消"]["前回行番号"], rows["解消"]["前回判定"], rows["解消"]["判定"]) == \
        ("4", "3", "B", "A")
    for text in (res.output, (out / "delta.csv").read_text(encoding="utf-8-sig"),
                 (out / "run.json").read_text(encoding="utf-8")):
        assert not FULL_NUMBER.search(text)
    # every output is the full check's
    full = _check(week2, tmp_path / "full")
    assert full.exit_code == 0
    assert (out / "result.csv").read_bytes() == (tmp_path / "full" / "result.csv").read_bytes()
    assert _sheets(out / "report.xlsx") == _sheets(tmp_path / "full" / "report.xlsx")


def _sheets(path: Path) -> dict:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    skip = re.compile(r"^\d{4}-\d\d-\d\dT|秒")  # the run's start time and speed
    return {ws.title: [tuple(c for c in row if not (isinstance(c, str) and skip.search(c))) for row in ws.iter_rows(
        values_only=True)] for ws in book.worksheets if ws.title != "集計"}


def test_a_damaged_baseline_is_said_and_the_run_checks_in_full(week1, week2, tmp_path):
    out = tmp_path / "out"
    _check(week1, out)
    (out / "digests.parquet").write_bytes(b"not a parquet file")
    res = _check(week2, out, "--baseline", str(out))
    assert "前回の結果を使えないため全件を照合しました" in res.output and "壊れています" in res.output
    assert res.exit_code == 1  # nothing to compare with: every B/C is new
    assert pl.read_csv(out / "delta.csv")["区分"].to_list() == ["新規", "新規"]
    _check(week2, tmp_path / "full")
    assert (out / "result.csv").read_bytes() == (tmp_path / "full" / "result.csv").read_bytes()
    again = _check(week2, out, "--baseline", str(out))  # the full check left a good baseline behind
    assert again.exit_code == 0 and "5 行を引き継ぎ" in again.output
    (out / "run.json").write_text("{not json", encoding="utf-8")  # the damaged file is the one named
    damaged = _check(week2, out, "--baseline", str(out))
    assert "run.json が壊れています" in damaged.output and "digests.parquet" not in damaged.output


def test_a_baseline_of_other_rules_or_a_missing_one_checks_in_full(week1, week2, tmp_path, monkeypatch):
    out = tmp_path / "out"
    _check(week1, out)
    monkeypatch.setattr("himozuke.recheck.RULE_VERSION", "9.9.9")
    res = _check(week2, out, "--baseline", str(out))
    assert res.exit_code == 1 and "規則の版が違います" in res.output
    # against the old verdicts the delta is still told (the digests could be read)
    assert sorted(pl.read_csv(out / "delta.csv")["区分"].to_list()) == ["新規", "解消"]
    missing = _check(week2, tmp_path / "other", "--baseline", str(tmp_path / "nothing-here"))
    assert missing.exit_code == 1 and "digests.parquet がありません" in missing.output


@pytest.fixture
def db_path(tmp_path, monkeypatch) -> Path:
    """A case store with 管理者 yamada and 担当者 tanaka (the CLI logs in as tanaka from the environment)."""
    from himozuke.cases import store as store_mod
    from himozuke.cases import users as users_mod

    monkeypatch.setattr(store_mod, "SCRYPT_N", 2**10)
    monkeypatch.setattr(users_mod, "PASSWORD_N", 2**10)
    monkeypatch.setenv("HIMOZUKE_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("HIMOZUKE_PASSWORD", "pw-tanaka")
    path = tmp_path / "cases.db"
    with store_mod.open_store(path, PASSPHRASE, create=True) as db:
        admin = users_mod.add_user(db, None, "yamada", "管理者", "pw-admin")
        users_mod.add_user(db, admin, "tanaka", "担当者", "pw-tanaka")
    return path


def test_recheck_opens_new_cases_and_marks_the_ones_now_a(week1, week2, tmp_path, db_path):
    from himozuke.cases import store as store_mod
    from himozuke.cases.workflow import RECHECK_A

    store = ("--store", str(db_path), "--user", "tanaka", "--body-code", "13101", "--jimu", "障害者手帳情報")
    out = tmp_path / "out"
    assert _check(week1, out, *store).exit_code == 0
    res = _check(week2, out, *store, "--baseline", str(out))
    assert res.exit_code == 1, res.output
    assert "案件 1 件" in res.output and "案件 1 件に印" in res.output
    with store_mod.open_store(db_path, PASSPHRASE) as db:
        cases = db.query("SELECT run_id, my_number, verdict, state, recheck_a_at IS NOT NULL FROM cases ORDER BY id")
        assert [(c[0], c[1], c[2], c[4]) for c in cases] == [
            (1, PEOPLE[1][0], "B", True),    # 佐藤: now A, marked for the officer (state unchanged)
            (1, PEOPLE[2][0], "C", False),   # 鈴木: still C, the open case stays; no second case
            (2, PEOPLE[3][0], "C", False),   # 田中: the new C
        ]
        assert all(c[3] == "未着手" for c in cases)
        audit = db.query("SELECT action, details FROM audit WHERE action = ?", (RECHECK_A,))
        assert len(audit) == 1 and not FULL_NUMBER.search(audit[0][1])


def test_the_monthly_report_counts_a_recheck_in_its_baselines_place(week1, week2, tmp_path, db_path):
    """定期報告 (§7(8)): a weekly re-check into the store checks the same records again — its 点検対象件数 and
    A/B/C/E replace the baseline's (4 + 5 = 9 records would be reported, and more each week); the cases of both
    runs are still followed up. Two runs without a baseline (two files of one 事務) are both counted."""
    from himozuke.cases import store as store_mod
    from himozuke.cases.progress import progress_rows

    store = ("--store", str(db_path), "--user", "tanaka", "--body-code", "13101")

    def month(jimu: str):
        with store_mod.open_store(db_path, PASSPHRASE) as db:
            rows = [r for r in progress_rows(db, db.now()[:7]) if r.jimu == jimu]
        return rows[-1]

    out = tmp_path / "out"
    assert _check(week1, out, *store, "--jimu", "障害者手帳情報").exit_code == 0
    assert _check(week2, out, *store, "--jimu", "障害者手帳情報", "--baseline", str(out)).exit_code == 1
    row = month("障害者手帳情報")
    assert (row.targets, row.a, row.b, row.c, row.e) == (5, 3, 0, 2, 0)  # week 2's run alone
    assert row.contact_started == 0 and row.targets == row.a + row.b + row.c + row.e
    again = _check(week2, tmp_path / "week3", *store, "--jimu", "障害者手帳情報", "--baseline", str(out))
    assert again.exit_code == 0  # the same inputs again: the store keeps one run, nothing counted twice
    assert month("障害者手帳情報").targets == 5

    _check(week1, tmp_path / "file1", *store, "--jimu", "国民健康保険")
    _check(week2, tmp_path / "file2", *store, "--jimu", "国民健康保険")  # another file of the same 事務
    assert month("国民健康保険").targets == 4 + 5


def test_the_digest_file_holds_no_value_of_either_side(week1, tmp_path):
    """digests.parquet: digests and verdict labels only — no number (full or in part), name, date or address."""
    out = tmp_path / "out"
    _check(week1, out)
    frame = pl.read_parquet(out / "digests.parquet")
    every = " ".join(str(v) for col in frame.columns for v in frame.get_column(col).to_list())
    labels = " ".join(str(v) for col in frame.columns if not frame.schema[col].is_integer()
                      for v in frame.get_column(col).to_list())  # (a 4-digit part may occur in a digest by chance)
    for person in PEOPLE:
        assert not any(value in every for value in person if len(value) > 1)  # (not the 性別 code)
        assert person[0][:4] not in labels and person[0][8:] not in labels
    assert set(frame.columns) == {"側", "行番号", "d_row", "d_number", "d_registry", "判定", "漢字氏名判定",
                                  "カナ氏名判定", "生年月日判定", "性別判定", "住所判定", "理由", "優先度"}  # 理由説明: remade from 理由


@pytest.mark.parametrize("engine", [(), ("--buckets", "2")], ids=["in-memory", "bucketed"])
def test_another_digest_key_is_named_and_checked_in_full(week1, week2, tmp_path, engine):
    out = tmp_path / "out"
    _check(week1, out)
    res = _check(week2, out, "--baseline", str(out), "--digest-key", str(tmp_path / "another.key"), *engine)
    assert res.exit_code == 1 and "要約の鍵が違います" in res.output
    assert (tmp_path / "another.key").stat().st_mode & 0o077 == 0  # made for the owner alone
    # digests of another key cannot be paired: as with no baseline, not each of last week's B/C 削除 and again 新規
    assert pl.read_csv(out / "delta.csv")["区分"].to_list() == ["新規", "新規"]


def test_spark_refuses_a_baseline_in_one_line(week1, tmp_path):
    res = _check(week1, tmp_path / "out", "--engine", "spark", "--baseline", str(tmp_path / "out"))
    assert res.exit_code == 2 and "--baseline" in res.output and "Traceback" not in res.output


def test_a_recheck_past_the_memory_limit_says_so_and_checks_in_full(week1, week2, tmp_path):
    """A re-check holds every row (or a digest of every line) in memory whichever engine a full check would take:
    under a limit it does not fit, the officer reads what it would need against the limit, the run checks in full
    bucket by bucket, and delta.csv still tells what changed since the baseline."""
    out = tmp_path / "out"
    _check(week1, out)
    res = _check(week2, out, "--baseline", str(out), "--memory-limit", "1K")
    assert res.exit_code == 1, res.output
    assert "前回の結果を使えないため全件を照合しました" in res.output and "GiB 要り、上限 0.0 GiB を超えます" in res.output
    assert "(bucketed)" in res.output
    assert sorted(pl.read_csv(out / "delta.csv")["区分"].to_list()) == ["新規", "解消"]
    _check(week2, tmp_path / "full")
    assert (out / "result.csv").read_bytes() == (tmp_path / "full" / "result.csv").read_bytes()
