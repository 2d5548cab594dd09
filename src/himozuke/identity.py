"""Who ran a check, on what, under which rules: the run identity of ``run.json``, the report and the case store.

A case found months later must be traceable to the exact inputs and rules that produced it
(「総点検マニュアル」第2.1版 §7(8) 定期報告, §12 安全管理措置): the body (団体コード・団体名), the 事務, the SHA-256 of
both input files, :data:`himozuke.match.RULE_VERSION`, the home prefecture and the engine. No personal data.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from himozuke.errors import UsageError

_CODE = re.compile(r"^[0-9]{5,6}$")
_CHUNK = 1 << 20


def body_code_check_digit(code5: str) -> str:
    """The check digit of a 全国地方公共団体コード (JIS X 0402): weights 6, 5, 4, 3, 2; the last digit of 11 less
    the sum's remainder by 11.

    >>> body_code_check_digit("13101"), body_code_check_digit("01100"), body_code_check_digit("27100")
    ('6', '2', '4')
    """
    total = sum(int(d) * w for d, w in zip(code5, (6, 5, 4, 3, 2), strict=True))
    return str((11 - total % 11) % 10)


def normalize_body_code(code: str | None) -> str | None:
    """A 団体コード as given (5 digits, or 6 with its check digit) → 6 digits; a usage error when it is neither.

    >>> normalize_body_code("13101"), normalize_body_code("131016"), normalize_body_code(None)
    ('131016', '131016', None)
    """
    if code is None:
        return None
    code = code.strip()
    if not _CODE.match(code) or (len(code) == 6 and body_code_check_digit(code[:5]) != code[5]):
        raise UsageError(f"団体コード「{code}」は全国地方公共団体コード（5桁、または検査数字付きの6桁）ではありません",
                         f"body code {code!r} is not a local government code (5 digits, or 6 with the check digit)")
    return code if len(code) == 6 else code + body_code_check_digit(code)


def body_name_of(code6: str | None) -> str | None:
    """The 市区町村 or 都道府県 a 団体コード names, from the address list (None when it is not in it).

    >>> body_name_of("131016"), body_name_of("130001"), body_name_of("999990")
    ('千代田区', '東京都', None)
    """
    if code6 is None:
        return None
    from himozuke.text._address_tables import PREFECTURES
    from himozuke.text.municipality import name_by_code

    code5 = code6[:5]
    if code5.endswith("000") and 1 <= int(code5[:2]) <= len(PREFECTURES):
        return PREFECTURES[int(code5[:2]) - 1]
    return name_by_code().get(code5)


def sha256_of(path: str | os.PathLike) -> str:
    """SHA-256 of a file's bytes (hex), read in 1 MiB pieces (hashlib releases the GIL on each)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


class Digests:
    """SHA-256 of several files, computed while the caller works (the check reads the same files: they come from
    the page cache). ``result()`` waits for them. ``known``: digests the caller already has, not computed again.

    The hashing thread runs at the lowest CPU priority, so it takes only the moments the check leaves a core idle
    instead of slowing the check down; ``result()`` asks it to stop and finishes what is left in the caller's
    thread, at the caller's priority."""

    def __init__(self, paths: dict[str, Path], known: dict[str, str] | None = None) -> None:
        self._out: dict[str, str | None] = dict(known or {})
        self._todo = [(role, path) for role, path in paths.items() if role not in self._out]
        self._current: tuple[str, object, object] | None = None  # (role, hash, open file) handed over mid-file
        self._hurry = threading.Event()
        self._thread = threading.Thread(target=self._work, args=(True,), name="himozuke-sha256", daemon=True)
        self._thread.start()

    def _work(self, background: bool) -> None:
        if background:
            _lowest_priority()
        while self._current is not None or self._todo:
            if self._current is None:
                role, path = self._todo.pop(0)
                try:
                    self._current = (role, hashlib.sha256(), open(path, "rb"))  # noqa: SIM115 — closed below
                except OSError:
                    self._out[role] = None  # a URI or a file gone: the identity says so rather than fail the run
                    continue
            role, h, f = self._current
            try:
                while chunk := f.read(_CHUNK):
                    h.update(chunk)
                    if background and self._hurry.is_set():
                        return  # the caller goes on from here
            except OSError:
                h = None
            f.close()
            self._out[role] = h.hexdigest() if h is not None else None
            self._current = None

    def result(self) -> dict[str, str | None]:
        self._hurry.set()
        self._thread.join()
        self._work(background=False)
        return dict(self._out)


def _lowest_priority() -> None:
    """Lower the calling thread's CPU priority to the lowest (nice 19; Linux: per thread). Lowering one's own
    priority needs no privilege; where it is not supported the thread simply runs at the usual priority."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)


@dataclass
class Body:
    """The body and 事務 a run is for (all optional: a run without them still runs, and says so)."""

    code: str | None = None  #: 団体コード, 6 digits
    name: str | None = None  #: 団体名
    jimu: str | None = None  #: 事務 (「障害者手帳情報」 …)
    notes: list[str] = field(default_factory=list)


def body(code: str | None = None, name: str | None = None, jimu: str | None = None) -> Body:
    """The run's body from the options: the code checked, the name taken from the code when not given.

    >>> body("13101", jimu="障害者手帳情報")
    Body(code='131016', name='千代田区', jimu='障害者手帳情報', notes=[])
    """
    code6 = normalize_body_code(code)
    return Body(code6, (name or "").strip() or body_name_of(code6), (jimu or "").strip() or None)
