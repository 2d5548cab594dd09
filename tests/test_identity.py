"""The run identity's input digests (run.json ``inputs_sha256``): exact whatever moment the caller asks."""

import hashlib
import os
import time

import pytest

from himozuke import identity


@pytest.fixture
def files(tmp_path):
    out = {}
    for role, size in (("business", 5 * (1 << 20) + 123), ("registry", 3 * (1 << 20)), ("empty", 0)):
        path = tmp_path / f"{role}.csv"
        path.write_bytes(os.urandom(size))
        out[role] = path
    return out


@pytest.mark.parametrize("wait", [0.0, 0.002, 0.5], ids=["asked-at-once", "asked-mid-file", "asked-after"])
def test_digests_are_the_files_sha256_when_asked_at_any_moment(files, wait):
    """The background thread hands over mid-file: the caller finishes the same hash, never restarts or skips."""
    digests = identity.Digests(files)
    time.sleep(wait)
    assert digests.result() == {role: hashlib.sha256(p.read_bytes()).hexdigest() for role, p in files.items()}


def test_a_missing_file_or_uri_has_no_digest_and_the_known_ones_are_kept(files, tmp_path):
    got = identity.Digests({"business": files["business"], "registry": tmp_path / "gone.csv"},
                           known={"business": "given"}).result()
    assert got == {"business": "given", "registry": None}
