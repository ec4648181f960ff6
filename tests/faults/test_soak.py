"""Soak: mixed load on a server with 2 worker processes, one of them killed (-9) midway.

Nothing acknowledged is lost (every 201 reads back afterwards, revocations included), the
supervisor replaces the dead worker, only requests in flight on it fail, and each worker's
memory stays flat. The default suite runs it for 30 s on the test database (too short to
judge memory: it checks the writes and the kill); `make soak` runs the slow variant: 10
minutes (SOAK_SECONDS) on a private PostgreSQL server, with a webhook receiver that must get
every award, and checks memory too.
"""

from __future__ import annotations

import asyncio
import os
import signal
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from badgekit_api.config import Settings
from tests.factories.containers import create_system
from tests.faults.private_databases import private_database
from tests.faults.processes import ServerProcess, rss_bytes, server_process
from tests.faults.receivers import CarefulReceiver
from tests.faults.soak_load import MixedLoad, unreadable_writes
from tests.support import make_live_client
from tests.webhooks.support import add_webhook, wait_until

pytestmark = pytest.mark.e2e

SERVER_ENV = {
    "WEBHOOK_WORKER": "true",
    "WEBHOOK_POLL_SECONDS": "0.5",
    "WEBHOOK_TIMEOUT_SECONDS": "2",
    "WEBHOOK_BATCH_SIZE": "20",
}
CLIENTS = 6
REPLACED_WITHIN = 10.0
# Requests in flight on the killed worker fail; so may those the kernel had queued for it.
FAILURE_WINDOW = (-0.5, 3.0)
MIB = 1024 * 1024
WARM_UP_SAMPLES = 10  # one a second
# Flat memory needs a long settled life to judge: the 30 s run checks writes, not memory.
MEMORY_CHECK_SECONDS = 120


@dataclass
class MemorySamples:
    """RSS of each worker pid, once a second."""

    by_pid: dict[int, list[int]] = field(default_factory=dict)

    async def sample(self, pids: Callable[[], list[int]], stop: asyncio.Event) -> None:
        while not stop.is_set():
            for pid in pids():
                if (rss := rss_bytes(pid)) is not None:
                    self.by_pid.setdefault(pid, []).append(rss)
            await asyncio.sleep(1)

    def settled(self, pid: int) -> list[int]:
        """The samples after warm-up: the first quarter of the process's life, 10 s at least."""
        samples = self.by_pid[pid]
        return samples[max(len(samples) // 4, WARM_UP_SAMPLES) :]

    def growth(self, pid: int) -> tuple[int, int]:
        """(median settled RSS in the first half, its growth by the second half)."""
        settled = self.settled(pid)
        half = len(settled) // 2
        early, late = statistics.median(settled[:half]), statistics.median(settled[half:])
        return int(early), int(late - early)


async def test_soak_30_seconds_with_a_worker_killed(settings: Settings) -> None:
    await _soak(settings.database_url, seconds=30, webhooks=False)


@pytest.mark.slow
async def test_soak_10_minutes_on_postgresql_with_a_worker_killed() -> None:
    async with private_database("postgresql") as database:
        await _soak(database.url, seconds=float(os.environ.get("SOAK_SECONDS", 600)), webhooks=True)


async def _soak(database_url: str, *, seconds: float, webhooks: bool) -> None:
    receiver = CarefulReceiver()
    await receiver.up()
    try:
        async with (
            server_process(database_url, workers=2, env=SERVER_ENV) as server,
            make_live_client(server.base_url, connections=CLIENTS + 2) as live,
        ):
            await create_system(live, slug="soak")
            if webhooks:
                receiver.secret = (await add_webhook(live, system="soak", url=receiver.url))[
                    "secret"
                ]
            load = MixedLoad(live, clients=CLIENTS)
            memory = MemorySamples()
            began = time.monotonic()
            running = asyncio.gather(load.run(), memory.sample(server.worker_pids, load.stop))
            killed, replaced_after = await _kill_a_worker_midway(server, seconds)
            await asyncio.sleep(max(seconds - (time.monotonic() - began), 0))
            load.stop.set()
            await asyncio.wait_for(running, timeout=60)

            wrong = await unreadable_writes(load, live)
            if webhooks:
                # The backlog drains; events the killed worker had claimed wait out their
                # lease (timeout x batch + 30 s) first.
                expected = {award.email for award in load.awards}
                await wait_until(lambda: _announced(receiver, expected), timeout=300)
                drained = time.monotonic() - began - seconds
    finally:
        await receiver.down()

    assert not wrong, wrong[:20]
    assert set(load.statuses) <= {200, 201, 410}, load.statuses
    stray = [f for f in load.failures if not _near(f[0], killed)]
    assert not stray, f"requests failed away from the kill: {stray[:10]}"
    if webhooks:
        _check_webhooks(load, receiver)
    if seconds >= MEMORY_CHECK_SECONDS:
        _check_memory(memory)
    _report(load, memory, seconds, replaced_after, (receiver, drained) if webhooks else None)


async def _kill_a_worker_midway(server: ServerProcess, seconds: float) -> tuple[float, float]:
    """kill -9 one worker halfway; wait for the supervisor to start another. Returns the
    kill time and how long the replacement took."""
    await asyncio.sleep(seconds / 2)
    before = server.worker_pids()
    assert len(before) == 2, before
    os.kill(before[0], signal.SIGKILL)
    killed = time.monotonic()
    while time.monotonic() - killed < REPLACED_WITHIN:
        now = server.worker_pids()
        if len(now) == 2 and before[0] not in now:
            return killed, time.monotonic() - killed
        await asyncio.sleep(0.1)
    raise AssertionError(f"no replacement worker within {REPLACED_WITHIN} s: {now}")


def _near(moment: float, kill: float) -> bool:
    return FAILURE_WINDOW[0] <= moment - kill <= FAILURE_WINDOW[1]


def _check_memory(memory: MemorySamples) -> None:
    # Flat: no more than 10 % (at least 16 MiB: allocator noise, caches filling) between
    # the two halves of a worker's settled life, if it had 20 s of it.
    long_lived = [pid for pid in memory.by_pid if len(memory.settled(pid)) >= 20]
    assert long_lived
    for pid in long_lived:
        early, growth = memory.growth(pid)
        assert growth <= max(16 * MIB, early // 10), (pid, early // MIB, growth // MIB)


async def _announced(receiver: CarefulReceiver, emails: set[str]) -> bool:
    await asyncio.sleep(0.5)
    return emails <= {email for _badge, email in receiver.awards()}


def _check_webhooks(load: MixedLoad, receiver: CarefulReceiver) -> None:
    """One award event per acknowledged award (and maybe for those whose answer the kill
    cut), one revoke event per acknowledged revocation."""
    unsure = {email for _badge, email in load.unsure}
    awarded = [email for _badge, email in receiver.awards()]
    assert len(awarded) == len(set(awarded)), "an award was announced twice"
    assert (
        {award.email for award in load.awards}
        <= set(awarded)
        <= ({award.email for award in load.awards} | unsure)
    )
    revoked = {
        call.json()["email"]
        for call in receiver.handled.values()
        if call.json()["action"] == "revoke"
    }
    assert {award.email for award in load.awards if award.revoked} <= revoked
    assert not receiver.rejected


def _report(
    load: MixedLoad,
    memory: MemorySamples,
    seconds: float,
    replaced_after: float,
    webhooks: tuple[CarefulReceiver, float] | None,
) -> None:
    lines = [
        f"\nsoak {seconds:.0f} s: {load.requests} requests ({load.requests / seconds:.0f}/s), "
        f"statuses {dict(load.statuses)}, {len(load.failures)} cut by the kill; "
        f"{len(load.badges)} badges and {len(load.awards)} awards acknowledged, all read back; "
        f"replacement worker after {replaced_after:.1f} s"
    ]
    for pid, samples in memory.by_pid.items():
        if len(memory.settled(pid)) >= 2:
            early, growth = memory.growth(pid)
            lines.append(
                f"  worker {pid}: {len(samples)} samples, RSS {early / MIB:.0f} MiB settled, "
                f"{growth / MIB:+.1f} MiB by the end"
            )
    if webhooks is not None:
        receiver, drained = webhooks
        lines.append(
            f"  webhooks: {len(receiver.handled)} events handled ({receiver.duplicates} "
            f"repeats), the last {drained:.0f} s after the load stopped"
        )
    print("\n".join(lines))  # noqa: T201 - the figures docs/reliability.md quotes
