"""The database goes away under load and comes back: requests fail fast with a 503 in the
BadgeKit error format, /healthcheck says so, and the same server process recovers by
itself within seconds, with every acknowledged write kept and every award's webhook sent.

The database is a private server the test starts (never the machine's shared one): the
kind the suite runs on (PostgreSQL for SQLite runs). The slow variant keeps the database
away for 30 s, on PostgreSQL and MariaDB.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest

from tests.factories.badges import create_badge
from tests.factories.containers import create_system
from tests.faults.private_databases import PrivateDatabase, private_database
from tests.faults.processes import ServerProcess, server_process
from tests.faults.receivers import CarefulReceiver
from tests.support import make_live_client
from tests.webhooks.support import add_webhook, wait_until

pytestmark = pytest.mark.e2e

CONNECT_TIMEOUT = 2.0
BATCH_SIZE = 5
LEASE_SECONDS = 2 * BATCH_SIZE + 30
SERVER_ENV = {
    "WEBHOOK_WORKER": "true",
    "WEBHOOK_POLL_SECONDS": "0.5",
    "WEBHOOK_TIMEOUT_SECONDS": "2",
    "WEBHOOK_BATCH_SIZE": str(BATCH_SIZE),
    "WEBHOOK_RETRY_SCHEDULE": ",".join(["1"] * 60),
    "DATABASE_CONNECT_TIMEOUT_SECONDS": str(CONNECT_TIMEOUT),
    "DATABASE_POOL_TIMEOUT_SECONDS": "3",
}
CLIENTS = 6
# "Fails fast": no request waits for a connect timeout, let alone hangs.
FAST_SECONDS = CONNECT_TIMEOUT + 1.0
RECOVERY_SECONDS = 5.0
BADGE = "/systems/chicago/badges/steady"


@dataclass
class Sample:
    began: float
    ended: float
    status: int | None
    body: dict[str, object] | None
    retry_after: str | None = None
    email: str | None = None  # the earner of an award that answered 201

    @property
    def seconds(self) -> float:
        return self.ended - self.began


@dataclass
class SteadyLoad:
    """`CLIENTS` loops, each awarding the badge to a new earner then reading the badge."""

    client: httpx.AsyncClient
    samples: list[Sample] = field(default_factory=list)
    health: list[Sample] = field(default_factory=list)
    stopping: bool = False

    async def run(self) -> None:
        await asyncio.gather(*(self._loop(number) for number in range(CLIENTS)), self._watch())

    async def _loop(self, number: int) -> None:
        count = 0
        while not self.stopping:
            email = f"c{number}n{count}@outage.example.org"
            count += 1
            await self._record(self.samples, "POST", f"{BADGE}/instances", {"email": email})
            await self._record(self.samples, "GET", BADGE)

    async def _watch(self) -> None:
        while not self.stopping:
            await self._record(self.health, "GET", "/healthcheck")
            await asyncio.sleep(0.25)

    async def _record(
        self, samples: list[Sample], method: str, path: str, body: dict[str, str] | None = None
    ) -> None:
        began = time.monotonic()
        response = await self.client.request(method, path, json=body)
        sample = Sample(
            began,
            time.monotonic(),
            response.status_code,
            response.json(),
            response.headers.get("retry-after"),
        )
        if response.status_code == 201 and body is not None:
            sample.email = body["email"]
        samples.append(sample)
        await asyncio.sleep(0.02)


ON_MYSQL = os.environ.get("TEST_DATABASE_URL", "").startswith("mysql")


@pytest.fixture(params=["mariadb" if ON_MYSQL else "postgresql"])
async def database(request: pytest.FixtureRequest) -> AsyncIterator[PrivateDatabase]:
    async with private_database(request.param) as server:
        yield server


async def test_a_5_second_outage_is_fast_503s_then_recovery(database: PrivateDatabase) -> None:
    await _outage(database, seconds=5, wait_for_leases=False)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["postgresql", "mariadb"])
async def test_a_30_second_outage_is_fast_503s_then_recovery(backend: str) -> None:
    async with private_database(backend) as database:
        await _outage(database, seconds=30, wait_for_leases=True)


async def _outage(database: PrivateDatabase, *, seconds: float, wait_for_leases: bool) -> None:
    receiver = CarefulReceiver()
    await receiver.up()
    async with (
        server_process(database.url, env=SERVER_ENV) as server,
        make_live_client(server.base_url, connections=CLIENTS + 2) as live,
    ):
        await create_system(live)
        await create_badge(live, slug="steady", name="Steady")
        webhook = await add_webhook(live, url=receiver.url)
        receiver.secret = webhook["secret"]
        pids = server.worker_pids()

        load = SteadyLoad(live)
        running = asyncio.create_task(load.run())
        await asyncio.sleep(1.5)
        down = time.monotonic()
        await asyncio.to_thread(database.stop)
        stopped = time.monotonic()
        await asyncio.sleep(seconds)
        restarting = time.monotonic()
        await asyncio.to_thread(database.start)
        up = time.monotonic()
        await wait_until(lambda: _recovered(load, up), timeout=RECOVERY_SECONDS + 5)
        await asyncio.sleep(2)  # and it stays up
        load.stopping = True
        await asyncio.wait_for(running, timeout=30)

        assert server.process is not None and server.process.poll() is None
        assert server.worker_pids() == pids, "the server was restarted"
        awarded = [sample.email for sample in load.samples if sample.email]
        readable = await asyncio.gather(
            *(live.get(f"{BADGE}/instances/{email}") for email in awarded)
        )
        assert {response.status_code for response in readable} == {200}
        try:
            cut = await _check_deliveries(
                live, webhook["id"], receiver, load, up=up, wait_for_leases=wait_for_leases
            )
        finally:
            await receiver.down()
        _check_outage(load, down=down, stopped=stopped, restarting=restarting, up=up)

    _report(load, down=down, up=up, awarded=len(awarded), cut=cut, server=server)


async def _check_deliveries(
    live: httpx.AsyncClient,
    webhook_id: int,
    receiver: CarefulReceiver,
    load: SteadyLoad,
    *,
    up: float,
    wait_for_leases: bool,
) -> int:
    """Every acknowledged award has its event; the worker survived the outage (awards made
    after it arrive promptly); an event whose sending the outage cut waits for its lease to
    run out (timeout x batch + 30 s), then goes out. Returns how many were cut."""
    after = [sample.email for sample in load.samples if sample.email and sample.began > up]
    assert after

    async def arrived(emails: list[str]) -> bool:
        await asyncio.sleep(0)
        return set(emails) <= {email for _badge, email in receiver.awards()}

    await wait_until(lambda: arrived(after), timeout=15)
    awarded = [sample.email for sample in load.samples if sample.email]
    if wait_for_leases:
        await wait_until(lambda: arrived(awarded), timeout=LEASE_SECONDS + 30)
    response = await live.get(f"/systems/chicago/webhooks/{webhook_id}/deliveries")
    assert response.status_code == 200, response.text
    deliveries = response.json()["deliveries"]
    # A 503 whose commit reached the database before it went away may have an event too.
    assert len(deliveries) >= len(awarded)
    waiting = [d for d in deliveries if d["id"] not in receiver.handled]
    assert {d["status"] for d in waiting} <= {"sending"}, waiting
    assert len(waiting) <= BATCH_SIZE  # one claimed batch at most was in flight
    missing = set(awarded) - {email for _badge, email in receiver.awards()}
    assert len(missing) <= len(waiting)
    assert not receiver.rejected
    return len(waiting)


def _check_outage(
    load: SteadyLoad, *, down: float, stopped: float, restarting: float, up: float
) -> None:
    statuses = {sample.status for sample in load.samples + load.health}
    assert statuses <= {200, 201, 503}, statuses
    for sample in load.samples + load.health:
        if sample.status == 503:
            assert sample.body is not None
            assert sample.body["code"] == "ServiceUnavailable"
            assert sample.body["message"] == "Database is unavailable"
        assert sample.seconds < FAST_SECONDS, sample

    # While the database is certainly away, nothing succeeds, and the health check says so.
    away = [sample for sample in load.samples if stopped < sample.began < restarting]
    assert away and {sample.status for sample in away} == {503}
    assert all(sample.retry_after == "5" for sample in away)
    away_health = [sample for sample in load.health if stopped < sample.began < restarting]
    assert away_health and {sample.status for sample in away_health} == {503}

    # Back within seconds, and from then on every request succeeds.
    first_ok = min(s.ended for s in load.samples if s.began > up and s.status in (200, 201))
    assert first_ok - up < RECOVERY_SECONDS
    healthy = min(s.ended for s in load.health if s.began > up and s.status == 200)
    assert healthy - up < RECOVERY_SECONDS
    after = [sample for sample in load.samples if sample.began > first_ok]
    assert after and {sample.status for sample in after} <= {200, 201}
    before = [sample for sample in load.samples if sample.ended < down]
    assert before and {sample.status for sample in before} <= {200, 201}


async def _recovered(load: SteadyLoad, up: float) -> bool:
    await asyncio.sleep(0)
    return any(sample.began > up and sample.status == 201 for sample in load.samples)


def _report(
    load: SteadyLoad, *, down: float, up: float, awarded: int, cut: int, server: ServerProcess
) -> None:
    during = [s for s in load.samples if down <= s.began <= up]
    slowest = max(s.seconds for s in during)
    first_ok = min(s.ended for s in load.samples if s.began > up and s.status in (200, 201))
    print(  # noqa: T201 - the figures docs/reliability.md quotes
        f"\n{server.database_url.split(':')[0]}: outage {up - down:.1f} s, "
        f"{len(during)} requests during it ({sum(s.status == 503 for s in during)} x 503), "
        f"slowest {slowest * 1000:.0f} ms; first success {first_ok - up:.2f} s after the "
        f"database was back; {awarded} awards acknowledged and readable, their events "
        f"delivered but {cut} whose sending the outage cut (waiting for their lease)"
    )
