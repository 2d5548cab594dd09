"""``himozuke verify`` end to end: each row of a real ``himozuke check`` result.csv, sent through ``verify`` as
JSON on stdin, comes back with the same fields; bad input ends in one line and exit code 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict

import polars as pl
import pytest
from typer.testing import CliRunner

from himozuke import mynumber
from himozuke.cli import main
from himozuke.formats import columns as C
from himozuke.testing.perturb import business_copy
from himozuke.testing.population import DELETED, STATUS, generate_population
from himozuke.text.person import person_key
from himozuke.verification import ROW_COLUMNS

runner = CliRunner()


def verify_cli(*args: str, stdin: str | None = None) -> tuple[int, str]:
    """The real entry point in-process (as tests/cli/test_check.invoke), with ``stdin``."""
    with runner.isolation(input=stdin) as streams:
        try:
            main(["verify", *args])
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
        return code, streams[0].getvalue().decode() + streams[1].getvalue().decode()


def _twelve(value):
    n = mynumber.normalize(value)
    return n if n is not None and len(n) == 12 and n.isdigit() else None


def _person(r):
    return person_key(r.get(C.KANJI_NAME), r.get(C.KANA_NAME), r.get(C.BIRTH_DATE), r.get(C.SEX))


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    folder = tmp_path_factory.mktemp("verify")
    pop = generate_population(400, seed=19)
    business = business_copy(pop, seed=19).select(C.STANDARD)
    registry = pop.select(*C.STANDARD, pl.when(pl.col(STATUS) == DELETED).then(pl.lit(C.INQUIRY_DELETED))
                          .otherwise(pl.lit(C.INQUIRY_FOUND)).alias(C.INQUIRY_RESULT)) \
        .with_columns(pl.col(C.BIRTH_DATE).cast(pl.String))
    business.write_csv(folder / "business.csv")
    registry.write_csv(folder / "registry.csv")
    with runner.isolation():
        try:
            main(["check", str(folder / "business.csv"), str(folder / "registry.csv"), "--out", str(folder / "out"),
                  "--show-number"])
        except SystemExit as e:
            assert e.code in (0, None)
    run = json.loads((folder / "out" / "run.json").read_text(encoding="utf-8"))
    result = pl.read_csv(folder / "out" / "result.csv", infer_schema=False)
    return business.to_dicts(), registry.to_dicts(), result, run["home_prefecture"]


def test_verify_gives_each_row_of_result_csv(checked):
    records, registry, result, home = checked
    by_number = {_twelve(r[C.MY_NUMBER]): r for r in registry}
    near = defaultdict(set)
    for i, r in enumerate(records):
        for key in (("n", _twelve(r[C.MY_NUMBER])), ("p", _person(r))):
            if key[1] is not None:
                near[key].add(i)
    assert result.height == len(records)
    for i, (record, row) in enumerate(zip(records, result.iter_rows(named=True), strict=True)):
        others = sorted((near[("n", _twelve(record[C.MY_NUMBER]))] | near[("p", _person(record))]) - {i})
        request = {"business": record, "registry": by_number.get(_twelve(record[C.MY_NUMBER])),
                   "others": [records[j] for j in others], "home_prefecture": home}
        code, out = verify_cli(stdin=json.dumps(request, ensure_ascii=False))
        assert code == 0, out
        got = json.loads(out)
        as_csv = {c: None if got[c] is None else str(got[c]) for c in ROW_COLUMNS}
        assert as_csv == {c: row[c] for c in ROW_COLUMNS}, (row["行番号"], got)


def test_fields_as_options():
    code, out = verify_cli("--field", "個人番号=123456789018", "--field", "漢字氏名=山田　太郎",
                           "--registry-field", "個人番号=123456789018", "--registry-field", "漢字氏名=山田太郎")
    assert code == 0, out
    got = json.loads(out)
    assert (got["判定"], got["漢字氏名判定"], got["カナ氏名判定"]) == ("C", "表記ゆれ一致", "未登録")
    code, out = verify_cli("--field", "個人番号=123456789018")
    assert code == 0 and json.loads(out)["理由"] == "registry.not_in_file"


@pytest.mark.parametrize(("stdin", "says"), [
    ("{bad", "JSON を読めません"),
    ('{"business": {}, "extra": 1}', "知らないキー「extra」"),
    ('{"business": {"氏名": "山田"}}', "知らない項目「氏名」"),
    ('{"business": {"性別": 1}}', "文字列か null"),
    ('["x"]', "オブジェクト"),
])
def test_bad_input_is_one_line_and_exit_2_from_the_console_script(stdin, says):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(p) for p in sys.path if p])}
    done = subprocess.run([sys.executable, "-c", "from himozuke.cli import main; main()", "verify"], input=stdin,
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2, done.stderr
    assert says in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
