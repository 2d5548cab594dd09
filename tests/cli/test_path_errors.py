"""A path given to a command that cannot be made or written — a file where a folder must be, a folder where a file
must be — ends in one line naming that path, exit code 2, never a traceback (errors.PathError through the CLI's
own handler; ``check`` names its output folder itself: test_folder_busy.py)."""

from __future__ import annotations

import pytest

from tests.cli.test_check import DATA, invoke


@pytest.fixture
def blocker(tmp_path):
    path = tmp_path / "kekka"
    path.write_text("not a folder", encoding="utf-8")
    return path


@pytest.mark.parametrize("command", [
    ["scope", str(DATA / "business.csv"), "--body-type", "市区町村", "--auto-link", "有", "--out", "{under}"],
    ["validate", str(DATA / "business.csv"), "--out", "{under}/validate.xlsx"],
    ["lookup", "batch", str(DATA / "business.csv"), str(DATA / "registry.csv"), "--out", "{under}/lookup.csv"],
    ["survey", "demo", "--out", "{under}"],
], ids=["scope", "validate", "lookup batch", "survey demo"])
def test_an_output_under_a_file_is_one_line_naming_it(blocker, command):
    res = invoke(*(part.replace("{under}", str(blocker / "out")) for part in command))
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output and "a file stands where a folder is needed" in res.output
    assert str(blocker) in res.output.replace("\n", "")
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_a_file_output_given_as_a_folder_names_the_folder_not_a_temporary(tmp_path):
    res = invoke("validate", str(DATA / "business.csv"), "--out", str(tmp_path))
    assert res.exit_code == 2 and "a folder, where a file is needed" in res.output
    assert str(tmp_path) in res.output.replace("\n", "") and ".part" not in res.output
    assert list(tmp_path.iterdir()) == []
