"""What stands between a business system and the one-record check: its token, its rate, its audit entry.

- :class:`TokenTable`: the active tokens' hashes in memory, refreshed from the case store every
  ``refresh_seconds`` — a call is authenticated without waiting for the store's thread, and a token issued or
  revoked with ``himozuke cases token …`` (another process) takes effect at the next refresh.
- :class:`RateLimit`: a token bucket per token (``rate`` calls a second, bursts up to ``burst``): a runaway client
  cannot starve the others or the officers' UI.
- :class:`AuditWriter`: group commit. Each call waits until its audit entry is committed (an answered call is an
  audited call), but the calls that arrive while one batch is being written go together into the next transaction:
  one fsync for many calls instead of one per call, so the store's single thread does not serialise the API.

All three live on the event loop's thread (no locks): only the store work runs on the store's thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from himozuke.cases import tokens

#: Defaults of ``himozuke serve --api-rate / --api-burst``: a counter clerk's system makes a call or two a second;
#: a burst absorbs a short batch (a queue of forms entered at once).
DEFAULT_RATE = 10.0
DEFAULT_BURST = 20
DEFAULT_REFRESH_SECONDS = 1.0


@dataclass
class ApiSettings:
    rate: float = DEFAULT_RATE
    burst: int = DEFAULT_BURST
    refresh_seconds: float = DEFAULT_REFRESH_SECONDS


class TokenTable:
    def __init__(self) -> None:
        self._by_hash: dict[str, str] = {}

    def load(self, active: dict[str, str]) -> None:
        self._by_hash = dict(active)

    def name_of(self, token: str | None) -> str | None:
        """The name of an active token, or None (missing, unknown or revoked)."""
        if not token:
            return None
        return self._by_hash.get(tokens.token_hash(token))


@dataclass
class _Bucket:
    level: float
    at: float


@dataclass
class RateLimit:
    rate: float
    burst: int
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, _Bucket] = field(default_factory=dict)

    def take(self, name: str) -> float:
        """0 when ``name`` may call now (one call taken), else how many seconds until it may."""
        now = self.clock()
        b = self._buckets.get(name)
        if b is None:
            b = self._buckets[name] = _Bucket(float(self.burst), now)
        b.level = min(float(self.burst), b.level + (now - b.at) * self.rate)
        b.at = now
        if b.level >= 1.0:
            b.level -= 1.0
            return 0.0
        return (1.0 - b.level) / self.rate

    @staticmethod
    def retry_after(wait: float) -> str:
        """The ``Retry-After`` value: whole seconds, at least 1 (RFC 9110 delta-seconds)."""
        return str(max(1, math.ceil(wait)))


class AuditWriter:
    """Group commit of :class:`himozuke.cases.tokens.Call` entries through ``write(calls)`` (a coroutine that runs
    :func:`himozuke.cases.tokens.record_calls` on the store's thread)."""

    def __init__(self, write) -> None:
        self._write = write
        self._pending: list[tuple[tokens.Call, asyncio.Future]] = []
        self._wake = asyncio.Event()
        self._closing = False
        self._task: asyncio.Task | None = None
        self.batches = 0  #: how many transactions were written (the benchmark reports calls per batch)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="himozuke-api-audit")

    async def record(self, call: tokens.Call) -> None:
        """Return once ``call``'s entry is committed (raises what the write raised)."""
        if self._closing:
            raise RuntimeError("the server is shutting down")
        future = asyncio.get_running_loop().create_future()
        self._pending.append((call, future))
        self._wake.set()
        await future

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            batch, self._pending = self._pending, []
            if batch:
                try:
                    await self._write([c for c, _ in batch])
                    self.batches += 1
                except Exception as e:  # every waiting call fails with it (the caller answers 503)
                    for _, f in batch:
                        if not f.done():
                            f.set_exception(e)
                else:
                    for _, f in batch:
                        if not f.done():
                            f.set_result(None)
            if self._closing and not self._pending:
                return

    async def stop(self) -> None:
        """Write what is pending, then end."""
        self._closing = True
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
