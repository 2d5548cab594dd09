"""``himozuke serve`` without the web extra: one line naming the extra, never a traceback."""

from __future__ import annotations

import sys

from tests.cli.test_check import invoke


def test_missing_web_extra_is_one_line(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # importing it now raises ImportError, as when not installed
    monkeypatch.setenv("HIMOZUKE_PASSPHRASE", "a long enough passphrase")
    res = invoke("serve", "--store", str(tmp_path / "s.db"), "--runs", str(tmp_path / "runs"))
    assert res.exit_code == 2 and "himozuke[web]" in res.output and "Traceback" not in res.output
