"""Several workers on one database never send the same event twice (claims are exclusive)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from badgekit_api.config import Settings
from badgekit_api.db.database import SessionFactory, create_engine, create_session_factory
from badgekit_api.models import System, WebhookEvent
from badgekit_api.webhooks import outbox
from tests.factories.containers import create_system
from tests.webhooks.support import (
    MockReceiver,
    add_webhook,
    award_payload,
    deliver,
    deliver_due,
    outbox_rows,
    policy,
)

WORKERS = 4
EVENTS = 200


@pytest.fixture
async def worker_engines(settings: Settings) -> AsyncIterator[list[AsyncEngine]]:
    """One engine (its own connection pool) per worker, as separate processes would have."""
    engines = [create_engine(settings) for _ in range(WORKERS)]
    yield engines
    for engine in engines:
        await engine.dispose()


async def _queue_many(app: FastAPI, count: int) -> None:
    async with app.state.session_factory() as session, session.begin():
        system_id = await session.scalar(select(System.id).where(System.slug == "chicago"))
        for number in range(count):
            await outbox.enqueue(
                session, system_id=system_id, action="award", payload=award_payload(f"u{number}")
            )


async def _work_until_idle(factory: SessionFactory, http: httpx.AsyncClient) -> int:
    sent = 0
    while attempted := await deliver_due(factory, http, policy(batch_size=7)):
        sent += attempted
    return sent


async def test_concurrent_workers_deliver_each_event_exactly_once(
    app: FastAPI, client: httpx.AsyncClient, worker_engines: list[AsyncEngine]
) -> None:
    await create_system(client)
    webhooks = [await add_webhook(client, url=f"http://r{n}.test/hook") for n in range(2)]
    await _queue_many(app, EVENTS // len(webhooks))
    receiver = MockReceiver()

    async with receiver.client() as http:
        sent = await asyncio.gather(
            *(_work_until_idle(create_session_factory(engine), http) for engine in worker_engines)
        )

    received = Counter(call.event_id for call in receiver.calls)
    assert len(received) == EVENTS
    assert set(received.values()) == {1}
    assert sum(sent) == EVENTS
    # They really worked side by side: a claim does not lock out the other workers.
    assert sum(1 for count in sent if count) > 1
    rows = await outbox_rows(app)
    assert len(rows) == EVENTS
    assert {(row.status, row.attempts) for row in rows} == {("delivered", 1)}
    assert {row.webhook_id for row in rows} == {hook["id"] for hook in webhooks}


async def test_a_claim_skips_rows_another_transaction_has_locked(
    app: FastAPI, client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite has no row locks; its claims are settled by the conditional UPDATE")
    await create_system(client)
    await add_webhook(client)
    await _queue_many(app, 6)
    [*locked, _, _, _] = await outbox_rows(app)
    receiver = MockReceiver()

    async with app.state.session_factory() as holder, holder.begin():
        # Point lookups, so that only these rows are locked (an IN list may scan the table).
        for row in locked:
            await holder.execute(
                select(WebhookEvent.id).where(WebhookEvent.id == row.id).with_for_update()
            )
        async with receiver.client() as http:
            # Must not wait for the lock holder: it takes the three other events at once.
            assert await asyncio.wait_for(deliver(app, http), timeout=10) == 3
    async with receiver.client() as http:
        assert await deliver(app, http) == 3

    order = [call.json()["uid"] for call in receiver.calls]
    assert order == ["u3", "u4", "u5", "u0", "u1", "u2"]
