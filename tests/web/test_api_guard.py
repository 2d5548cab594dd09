"""#19 part 2: the audit writes of API calls are grouped (one transaction for the calls that arrive during the
previous write), and a failed write fails every call waiting on it — no answer without its audit entry."""

from __future__ import annotations

import asyncio

import pytest

from himozuke.cases.tokens import Call
from himozuke.web.api_guard import AuditWriter


def _calls(n: int) -> list[Call]:
    return [Call("窓口", "1234 **** 9018", "A") for _ in range(n)]


def test_calls_during_a_write_share_the_next_transaction():
    async def scenario():
        batches: list[int] = []
        first_started, release = asyncio.Event(), asyncio.Event()

        async def write(calls):
            batches.append(len(calls))
            first_started.set()
            await release.wait()

        writer = AuditWriter(write)
        writer.start()
        first = asyncio.create_task(writer.record(_calls(1)[0]))
        await first_started.wait()  # the first call's transaction is being written …
        rest = [asyncio.create_task(writer.record(c)) for c in _calls(7)]  # … while seven more arrive
        await asyncio.sleep(0)
        assert not first.done()  # no answer before its entry is committed
        release.set()
        await asyncio.gather(first, *rest)
        await writer.stop()
        return batches

    assert asyncio.run(asyncio.wait_for(scenario(), 30)) == [1, 7]  # (a bound, so a broken writer fails, not hangs)


def test_a_failed_write_fails_every_waiting_call():
    async def scenario():
        async def write(_calls):
            raise OSError("disk full")

        writer = AuditWriter(write)
        writer.start()
        results = await asyncio.gather(*(writer.record(c) for c in _calls(3)), return_exceptions=True)
        await writer.stop()
        return results

    assert [type(r) for r in asyncio.run(scenario())] == [OSError] * 3


def test_nothing_is_taken_after_stop():
    async def scenario():
        async def write(_calls):
            return None

        writer = AuditWriter(write)
        writer.start()
        await writer.record(_calls(1)[0])
        await writer.stop()
        with pytest.raises(RuntimeError):
            await writer.record(_calls(1)[0])

    asyncio.run(scenario())
