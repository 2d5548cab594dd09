"""Shared test set-up: every run keeps digests (:mod:`himozuke.recheck`) keyed by a key file; tests use one in a
temporary folder, never the user's configuration folder (subprocesses inherit the variable)."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _digest_key(tmp_path_factory):
    os.environ.setdefault("HIMOZUKE_DIGEST_KEY", str(tmp_path_factory.mktemp("digest-key") / "digest.key"))
    yield
