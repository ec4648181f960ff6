"""Delivery over a real socket to a receiver on 127.0.0.1, and the worker loop around it."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from badgekit_api.config import Settings
from badgekit_api.models.base import utcnow
from badgekit_api.webhooks.worker import running_in_background
from tests.factories.containers import create_system
from tests.webhooks.support import (
    add_webhook,
    award_payload,
    deliver,
    enqueue,
    loopback_receiver,
    one_row,
    policy,
    verified_claims,
    wait_until,
)

pytestmark = pytest.mark.usefixtures("system")


@pytest.fixture
async def system(client: httpx.AsyncClient) -> dict[str, Any]:
    return await create_system(client)


async def test_a_real_receiver_gets_a_verifiable_call(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    async with loopback_receiver() as receiver, httpx.AsyncClient() as http:
        webhook = await add_webhook(client, url=receiver.url)
        payload = award_payload()
        [event_id] = await enqueue(app, payload)
        assert await deliver(app, http) == 1

    [call] = receiver.calls
    claims = verified_claims(call, webhook["secret"])
    assert claims["jti"] == call.headers["x-badgekit-event-id"] == event_id
    assert call.headers["x-badgekit-event"] == "award"
    assert call.headers["content-type"] == "application/json"
    assert call.json() == payload
    assert (await one_row(app, event_id)).status == "delivered"


async def test_a_slow_receiver_times_out_and_is_retried(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    impatient = policy(timeout_seconds=0.2)
    async with loopback_receiver() as receiver, httpx.AsyncClient() as http:
        await add_webhook(client, url=receiver.url)
        [event_id] = await enqueue(app, award_payload())
        receiver.delay_seconds = 1.0
        start = utcnow()
        began = time.monotonic()
        await deliver(app, http, impatient, at=start)
        assert time.monotonic() - began < 0.9
        row = await one_row(app, event_id)
        assert (row.status, row.last_status_code) == ("pending", None)
        assert row.last_error is not None and "Timeout" in row.last_error

        receiver.delay_seconds = 0
        receiver.status = 500
        await deliver(app, http, impatient, at=row.next_attempt_at)
        row = await one_row(app, event_id)
        assert (row.status, row.last_status_code, row.last_error) == (
            "pending",
            500,
            "HTTP 500: thanks",
        )

        receiver.status = 200
        await deliver(app, http, impatient, at=row.next_attempt_at)
    row = await one_row(app, event_id)
    assert (row.status, row.attempts, row.last_status_code) == ("delivered", 3, 200)
    assert len(receiver.calls) == 3


async def test_nothing_listening_is_a_retry_not_a_crash(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    async with loopback_receiver() as receiver:
        closed_url = receiver.url
    await add_webhook(client, url=closed_url)
    [event_id] = await enqueue(app, award_payload())
    async with httpx.AsyncClient() as http:
        assert await deliver(app, http) == 1
    row = await one_row(app, event_id)
    assert row.status == "pending"
    assert row.last_error is not None and row.last_error.startswith("ConnectError")


async def test_the_background_worker_wakes_up_on_commit(
    app: FastAPI, client: httpx.AsyncClient, settings: Settings
) -> None:
    # A poll interval far longer than the test: only the commit hook can explain a delivery.
    sleepy = settings.model_copy(update={"webhook_worker": True, "webhook_poll_seconds": 60.0})
    async with loopback_receiver() as receiver:
        await add_webhook(client, url=receiver.url)
        async with running_in_background(sleepy, app.state.session_factory) as worker:
            assert worker is not None
            await asyncio.sleep(0.2)  # its first pass has found nothing and it is asleep
            [event_id] = await enqueue(app, award_payload())

            async def delivered() -> bool:
                return (await one_row(app, event_id)).status == "delivered"

            await wait_until(delivered, timeout=5)
    assert [call.headers["x-badgekit-event-id"] for call in receiver.calls] == [event_id]


async def test_the_background_worker_is_off_when_disabled(app: FastAPI, settings: Settings) -> None:
    async with running_in_background(settings, app.state.session_factory) as worker:
        assert worker is None
