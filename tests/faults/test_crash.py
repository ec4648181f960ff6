"""kill -9 of a server: bulk awards stay whole, and every committed award's webhook arrives.

The server runs on the test database (TEST_DATABASE_URL), the webhook receiver in this
process on a loopback port. The receiver checks each call's signature and handles each
event id once, so a call repeated after a crash is counted as a duplicate, not an award.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from badgekit_api.config import Settings
from badgekit_api.models import DeliveryStatus, WebhookEvent
from tests.factories.containers import create_system
from tests.faults.bulk_awards import (
    BulkLoad,
    assert_all_or_nothing,
    create_crash_badges,
    held_awards,
)
from tests.faults.processes import server_process
from tests.faults.receivers import CarefulReceiver
from tests.support import make_live_client
from tests.webhooks.support import add_webhook, wait_until

pytestmark = pytest.mark.e2e

DELIVERING = {
    "WEBHOOK_WORKER": "true",
    "WEBHOOK_POLL_SECONDS": "0.2",
    "WEBHOOK_RETRY_JITTER": "0",
    # Long enough a schedule that nothing gives up while a test keeps the receiver away.
    "WEBHOOK_RETRY_SCHEDULE": ",".join(["1"] * 60),
}
API_ONLY = {"WEBHOOK_WORKER": "false"}
SENDERS = 4
BULK_SIZE = 40


@pytest.fixture
async def receiver(client: httpx.AsyncClient) -> AsyncIterator[CarefulReceiver]:
    """chicago with two badges and a webhook to a careful receiver (not listening yet)."""
    await create_system(client)
    await create_crash_badges(client)
    careful = CarefulReceiver()
    careful.secret = (await add_webhook(client, url=careful.url))["secret"]
    try:
        yield careful
    finally:
        await careful.down()


async def outbox(app: FastAPI) -> list[WebhookEvent]:
    async with app.state.session_factory() as session:
        return list(await session.scalars(select(WebhookEvent)))


async def test_kill_mid_bulk_keeps_each_request_whole_and_delivers_every_committed_award(
    app: FastAPI, client: httpx.AsyncClient, settings: Settings, receiver: CarefulReceiver
) -> None:
    async with server_process(settings.database_url, env=API_ONLY) as server:
        async with make_live_client(server.base_url, connections=SENDERS) as live:
            load = BulkLoad(live, senders=SENDERS, size=BULK_SIZE)
            await load.run_until(server.kill, after_created=SENDERS + 2)
        assert load.cut, "the kill landed between requests: nothing was in flight"

        held = await held_awards(client)
        assert_all_or_nothing(load.requests, held)
        # An event was written exactly for each award that was committed.
        events = await outbox(app)
        assert len(events) == len(held)

        # Back up, now delivering, with the receiver listening.
        server.env = DELIVERING
        await receiver.up()
        await server.start()
        await wait_until(lambda: _handled(receiver, len(held)), timeout=30)

    assert not receiver.rejected
    awards = Counter(receiver.awards())
    assert set(awards) == held
    assert set(awards.values()) == {1}, "an award was announced under two event ids"
    assert {event.status for event in await outbox(app)} == {DeliveryStatus.DELIVERED}
    print(  # noqa: T201 - the figures docs/reliability.md quotes
        f"\nbulk requests: {len(load.requests)} sent, {len(load.created)} answered 201, "
        f"{len(load.cut)} cut by the kill; awards committed: {len(held)}; "
        f"calls received: {len(receiver.calls)}, duplicates: {receiver.duplicates}"
    )


async def test_events_queued_while_the_receiver_is_down_survive_a_kill(
    app: FastAPI, client: httpx.AsyncClient, settings: Settings, receiver: CarefulReceiver
) -> None:
    # Issue #6: awards made while the receiver is down; the server dies; it comes back;
    # the receiver comes back: every award arrives. The first retry waits 4 s, so the kill
    # lands while every event waits to be retried (killing a worker mid-send is the slow
    # test below: that event waits out its lease).
    patient = {**DELIVERING, "WEBHOOK_RETRY_SCHEDULE": "4," + ",".join(["1"] * 60)}
    async with server_process(settings.database_url, env=patient) as server:
        async with make_live_client(server.base_url) as live:
            for number in range(5):
                response = await live.post(
                    "/systems/chicago/badges/crash-reader/instances",
                    json={"email": f"single{number}@crash.example.org"},
                )
                assert response.status_code == 201, response.text
            emails = [f"bulk{number}@crash.example.org" for number in range(20)]
            response = await live.post(
                "/systems/chicago/badges/crash-writer/instances/bulk", json={"emails": emails}
            )
            assert response.status_code == 201, response.text

        async def all_tried_once() -> bool:
            events = await outbox(app)
            return len(events) == 25 and all(
                event.attempts == 1 and event.status == DeliveryStatus.PENDING for event in events
            )

        await wait_until(all_tried_once, timeout=15)
        errors = {event.last_error.split(":")[0] for event in await outbox(app) if event.last_error}
        assert errors == {"ConnectError"}
        server.kill()

        await server.start()
        await receiver.up()
        await wait_until(lambda: _handled(receiver, 25), timeout=30)

    held = await held_awards(client)
    assert len(held) == 25
    assert Counter(receiver.awards()) == Counter(held)
    assert not receiver.rejected


@pytest.mark.slow
async def test_kill_mid_bulk_while_deliveries_are_in_flight(
    app: FastAPI, client: httpx.AsyncClient, settings: Settings, receiver: CarefulReceiver
) -> None:
    # The killed server was delivering too: events it had claimed stay claimed until their
    # lease runs out (timeout x batch + 30 s), then go out again, some for the second time.
    # The receiver sees each event id once all the same.
    leased = {**DELIVERING, "WEBHOOK_TIMEOUT_SECONDS": "2", "WEBHOOK_BATCH_SIZE": "5"}
    lease_seconds = 2 * 5 + 30
    receiver.delay_seconds = 0.05  # deliveries take a while, so some are cut by the kill
    await receiver.up()
    async with server_process(settings.database_url, env=leased) as server:
        async with make_live_client(server.base_url, connections=SENDERS) as live:
            load = BulkLoad(live, senders=SENDERS, size=BULK_SIZE)
            await load.run_until(
                server.kill, after_created=SENDERS + 2, ready=lambda: len(receiver.calls) > 10
            )
        held = await held_awards(client)
        assert_all_or_nothing(load.requests, held)
        stalled = [event for event in await outbox(app) if event.status == "sending"]
        assert stalled, "no delivery was in flight at the kill"

        await server.start()
        # One webhook's events go out one after another: allow for each, then the lease.
        patience = len(held) * (receiver.delay_seconds + 0.1) + lease_seconds + 30
        await wait_until(lambda: _handled(receiver, len(held)), timeout=patience)
        await wait_until(lambda: _all_delivered(app), timeout=30)

    awards = Counter(receiver.awards())
    assert set(awards) == held and set(awards.values()) == {1}
    assert not receiver.rejected
    print(  # noqa: T201 - the figures docs/reliability.md quotes
        f"\nawards committed: {len(held)}; events claimed at the kill: {len(stalled)}; "
        f"calls received: {len(receiver.calls)}, duplicates: {receiver.duplicates}"
    )


async def _handled(receiver: CarefulReceiver, count: int) -> bool:
    await asyncio.sleep(0)
    return len(receiver.handled) >= count


async def _all_delivered(app: FastAPI) -> bool:
    return {event.status for event in await outbox(app)} == {DeliveryStatus.DELIVERED}
