"""The delivery worker, one pass at a time, against a mocked receiver."""

from __future__ import annotations

import random
import time
from datetime import timedelta

import httpx
import orjson
import pytest
from fastapi import FastAPI
from pydantic import ValidationError

from badgekit_api.config import DEFAULT_WEBHOOK_RETRY_SCHEDULE, Settings
from badgekit_api.models.base import utcnow
from badgekit_api.webhooks.claiming import claim_due
from badgekit_api.webhooks.delivery import DeliveryPolicy, Outcome, record
from tests.factories.containers import create_system
from tests.webhooks.support import (
    RECEIVER,
    MockReceiver,
    Received,
    add_webhook,
    award_payload,
    deliver,
    enqueue,
    one_row,
    outbox_rows,
    policy,
    verified_claims,
)


@pytest.fixture
async def webhook(client: httpx.AsyncClient) -> dict[str, object]:
    await create_system(client)
    return await add_webhook(client)


async def test_an_event_is_posted_signed_with_the_webhook_secret(
    app: FastAPI, webhook: dict[str, object]
) -> None:
    receiver = MockReceiver()
    payload = award_payload()
    [event_id] = await enqueue(app, payload)
    before = int(time.time())

    async with receiver.client() as http:
        assert await deliver(app, http) == 1

    [call] = receiver.calls
    assert call.url == RECEIVER
    assert call.headers["content-type"] == "application/json"
    assert call.headers["x-badgekit-event"] == "award"
    assert call.event_id == event_id
    assert call.json() == payload
    claims = verified_claims(call, str(webhook["secret"]))
    assert claims["jti"] == event_id
    assert before <= claims["iat"] <= int(time.time())
    assert 0 < claims["exp"] - claims["iat"] <= 600
    with pytest.raises(Exception, match="Signature verification failed"):
        verified_claims(call, "some-other-secret-of-enough-length")

    row = await one_row(app, event_id)
    assert (row.status, row.attempts, row.last_status_code) == ("delivered", 1, 200)
    assert row.delivered_at is not None
    assert (row.next_attempt_at, row.locked_until, row.claim_token, row.last_error) == (
        None,
        None,
        None,
        None,
    )


async def test_a_tampered_body_fails_the_hash_check(
    app: FastAPI, webhook: dict[str, object]
) -> None:
    receiver = MockReceiver()
    await enqueue(app, award_payload())
    async with receiver.client() as http:
        await deliver(app, http)
    [call] = receiver.calls
    tampered = Received(call.url, call.headers, call.body.replace(b"earner", b"impostor"))
    with pytest.raises(AssertionError):
        verified_claims(tampered, str(webhook["secret"]))


@pytest.mark.usefixtures("webhook")
async def test_nothing_due_means_nothing_sent(app: FastAPI) -> None:
    receiver = MockReceiver()
    async with receiver.client() as http:
        assert await deliver(app, http) == 0
    assert receiver.calls == []


@pytest.mark.parametrize("status", [200, 201, 202, 204])
@pytest.mark.usefixtures("webhook")
async def test_any_2xx_is_a_delivery(app: FastAPI, status: int) -> None:
    receiver = MockReceiver(respond=lambda _call: status)
    [event_id] = await enqueue(app, award_payload())
    async with receiver.client() as http:
        await deliver(app, http)
    row = await one_row(app, event_id)
    assert (row.status, row.last_status_code) == ("delivered", status)


@pytest.mark.parametrize("status", [301, 400, 404, 500, 503])
@pytest.mark.usefixtures("webhook")
async def test_any_other_answer_is_retried_later_with_backoff(app: FastAPI, status: int) -> None:
    receiver = MockReceiver(respond=lambda _call: status)
    [event_id] = await enqueue(app, award_payload())
    now = utcnow()
    async with receiver.client() as http:
        await deliver(app, http, at=now)
    row = await one_row(app, event_id)
    assert (row.status, row.attempts, row.last_status_code) == ("pending", 1, status)
    assert row.last_error == f"HTTP {status}: receiver says no"
    assert row.next_attempt_at == now + timedelta(seconds=60)
    assert row.claim_token is None


@pytest.mark.usefixtures("webhook")
async def test_retries_follow_the_schedule_then_succeed(app: FastAPI) -> None:
    answers = iter([500, 500, 200])
    receiver = MockReceiver(respond=lambda _call: next(answers))
    [event_id] = await enqueue(app, award_payload())
    start = utcnow()
    async with receiver.client() as http:
        assert await deliver(app, http, at=start) == 1
        # Not due before the first delay is over.
        assert await deliver(app, http, at=start + timedelta(seconds=59)) == 0
        assert await deliver(app, http, at=start + timedelta(seconds=60)) == 1
        second = await one_row(app, event_id)
        assert (second.status, second.attempts) == ("pending", 2)
        assert second.next_attempt_at == start + timedelta(seconds=60 + 300)
        assert await deliver(app, http, at=start + timedelta(seconds=359)) == 0
        assert await deliver(app, http, at=start + timedelta(seconds=360)) == 1

    row = await one_row(app, event_id)
    assert (row.status, row.attempts, row.last_status_code, row.last_error) == (
        "delivered",
        3,
        200,
        None,
    )
    assert len(receiver.calls) == 3
    assert {call.event_id for call in receiver.calls} == {event_id}


@pytest.mark.usefixtures("webhook")
async def test_timeouts_and_refused_connections_are_retried(app: FastAPI) -> None:
    failures: list[Exception] = [
        httpx.ReadTimeout("timed out"),
        httpx.ConnectError("connection refused"),
    ]

    async def handle(_request: httpx.Request) -> httpx.Response:
        if failures:
            raise failures.pop(0)
        return httpx.Response(204)

    [event_id] = await enqueue(app, award_payload())
    start = utcnow()
    async with httpx.AsyncClient(transport=httpx.MockTransport(handle)) as http:
        await deliver(app, http, at=start)
        first = await one_row(app, event_id)
        assert (first.status, first.last_status_code) == ("pending", None)
        assert first.last_error == "ReadTimeout: timed out"
        await deliver(app, http, at=start + timedelta(seconds=60))
        second = await one_row(app, event_id)
        assert second.last_error == "ConnectError: connection refused"
        await deliver(app, http, at=start + timedelta(seconds=360))
    row = await one_row(app, event_id)
    assert (row.status, row.attempts, row.last_status_code) == ("delivered", 3, 204)


@pytest.mark.usefixtures("webhook")
async def test_it_gives_up_after_the_schedule(app: FastAPI) -> None:
    receiver = MockReceiver(respond=lambda _call: 503)
    [event_id] = await enqueue(app, award_payload())
    moment = utcnow()
    short = policy(retry_schedule=(10, 20))
    async with receiver.client() as http:
        for wait in (0, 10, 20):
            moment += timedelta(seconds=wait)
            assert await deliver(app, http, short, at=moment) == 1
        assert await deliver(app, http, short, at=moment + timedelta(days=30)) == 0
    row = await one_row(app, event_id)
    assert (row.status, row.attempts, row.next_attempt_at) == ("failed", 3, None)
    assert row.last_error == "HTTP 503: receiver says no"
    assert len(receiver.calls) == 3


@pytest.mark.usefixtures("webhook")
async def test_a_long_error_is_truncated(app: FastAPI) -> None:
    async def handle(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, content=b"x" * 100_000)

    [event_id] = await enqueue(app, award_payload())
    async with httpx.AsyncClient(transport=httpx.MockTransport(handle)) as http:
        await deliver(app, http)
    row = await one_row(app, event_id)
    assert row.last_error is not None
    assert row.last_error.startswith("HTTP 500: xxx")
    assert len(row.last_error) <= 1000


def test_retry_delays_are_jittered_within_bounds() -> None:
    jittered = DeliveryPolicy(retry_schedule=(100, 1000), jitter=0.1)
    rng = random.Random(7)
    delays = [jittered.retry_delay(1, rng) for _ in range(200)]
    seconds = [delay.total_seconds() for delay in delays if delay is not None]
    assert len(seconds) == 200
    assert all(90 <= value <= 110 for value in seconds)
    assert len(set(seconds)) > 100  # actually random, not a constant
    assert jittered.retry_delay(2, rng) is not None
    assert jittered.retry_delay(3, rng) is None
    assert jittered.max_attempts == 3


def test_the_default_schedule_spans_about_a_day() -> None:
    total = sum(DEFAULT_WEBHOOK_RETRY_SCHEDULE)
    assert 20 * 3600 <= total * 1.1 <= 25 * 3600
    assert list(DEFAULT_WEBHOOK_RETRY_SCHEDULE) == sorted(DEFAULT_WEBHOOK_RETRY_SCHEDULE)


@pytest.mark.usefixtures("webhook")
async def test_first_attempts_follow_the_order_events_happened(app: FastAPI) -> None:
    receiver = MockReceiver()
    for number in range(8):
        await enqueue(app, award_payload(f"uid-{number}"))
    async with receiver.client() as http:
        assert await deliver(app, http, policy(batch_size=3)) == 3
        while await deliver(app, http, policy(batch_size=3)):
            pass
    assert [call.json()["uid"] for call in receiver.calls] == [f"uid-{n}" for n in range(8)]


@pytest.mark.usefixtures("webhook")
async def test_a_failing_event_does_not_hold_up_the_next_ones(app: FastAPI) -> None:
    receiver = MockReceiver(respond=lambda call: 500 if call.json()["uid"] == "bad" else 200)
    for uid in ("first", "bad", "third"):
        await enqueue(app, award_payload(uid))
    async with receiver.client() as http:
        assert await deliver(app, http) == 3
    statuses = {orjson.loads(row.payload)["uid"]: row.status for row in await outbox_rows(app)}
    assert statuses == {"first": "delivered", "bad": "pending", "third": "delivered"}


async def test_a_dead_receiver_does_not_hold_up_another_webhook(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await create_system(client)
    dead = await add_webhook(client, url="http://dead.test/hook")
    alive = await add_webhook(client, url="http://alive.test/hook")

    async def handle(request: httpx.Request) -> httpx.Response:
        if request.url.host == "dead.test":
            raise httpx.ConnectError("connection refused")
        return httpx.Response(200)

    for number in range(3):
        await enqueue(app, award_payload(f"u{number}"))
    async with httpx.AsyncClient(transport=httpx.MockTransport(handle)) as http:
        assert await deliver(app, http) == 6
    assert {row.status for row in await outbox_rows(app, int(alive["id"]))} == {"delivered"}
    assert {row.status for row in await outbox_rows(app, int(dead["id"]))} == {"pending"}


@pytest.mark.usefixtures("webhook")
async def test_rows_of_a_crashed_worker_are_picked_up_after_their_lease(app: FastAPI) -> None:
    receiver = MockReceiver()
    [event_id] = await enqueue(app, award_payload())
    now = utcnow()
    lease = timedelta(minutes=5)
    # A worker claims the event and dies before sending it.
    [claimed] = await claim_due(app.state.session_factory, now=now, limit=10, lease=lease)
    assert claimed.id == event_id
    stuck = await one_row(app, event_id)
    assert (stuck.status, stuck.attempts, stuck.locked_until) == ("sending", 1, now + lease)

    async with receiver.client() as http:
        assert await deliver(app, http, at=now + lease - timedelta(seconds=1)) == 0
        assert await deliver(app, http, at=now + lease) == 1
    row = await one_row(app, event_id)
    assert (row.status, row.attempts) == ("delivered", 2)
    assert [call.event_id for call in receiver.calls] == [event_id]


@pytest.mark.usefixtures("webhook")
async def test_a_worker_whose_lease_ran_out_cannot_overwrite_the_newer_outcome(
    app: FastAPI,
) -> None:
    [event_id] = await enqueue(app, award_payload())
    now = utcnow()
    lease = timedelta(seconds=30)
    [slow] = await claim_due(app.state.session_factory, now=now, limit=10, lease=lease)
    async with MockReceiver().client() as http:
        assert await deliver(app, http, at=now + lease) == 1
    # The slow worker finally hears back (a failure) and tries to record it.
    await record(
        app.state.session_factory,
        slow,
        Outcome(500, "HTTP 500: late"),
        policy(),
        now=now + lease,
        rng=random.Random(),
    )
    row = await one_row(app, event_id)
    assert (row.status, row.last_status_code, row.last_error) == ("delivered", 200, None)


async def test_an_inactive_webhook_keeps_its_events_until_reactivated(
    app: FastAPI, client: httpx.AsyncClient, webhook: dict[str, object]
) -> None:
    receiver = MockReceiver()
    [event_id] = await enqueue(app, award_payload())
    path = f"/systems/chicago/webhooks/{webhook['id']}"
    assert (await client.put(path, json={"active": False})).status_code == 200
    async with receiver.client() as http:
        assert await deliver(app, http) == 0
        parked = await one_row(app, event_id)
        assert (parked.status, parked.attempts, parked.next_attempt_at) == ("pending", 0, None)
        assert await deliver(app, http, at=utcnow() + timedelta(days=1)) == 0
        assert (await client.put(path, json={"active": True})).status_code == 200
        assert await deliver(app, http) == 1
    assert [call.event_id for call in receiver.calls] == [event_id]
    assert (await one_row(app, event_id)).attempts == 1


async def test_the_current_url_and_secret_are_used(
    app: FastAPI, client: httpx.AsyncClient, webhook: dict[str, object]
) -> None:
    receiver = MockReceiver()
    await enqueue(app, award_payload())
    new_secret = "a-brand-new-secret-0123456789-abcdefgh"
    response = await client.put(
        f"/systems/chicago/webhooks/{webhook['id']}",
        json={"url": "https://moved.test/hook", "secret": new_secret},
    )
    assert response.status_code == 200
    async with receiver.client() as http:
        await deliver(app, http)
    [call] = receiver.calls
    assert call.url == "https://moved.test/hook"
    verified_claims(call, new_secret)


async def test_deleting_a_webhook_drops_its_events(
    app: FastAPI, client: httpx.AsyncClient, webhook: dict[str, object]
) -> None:
    await enqueue(app, award_payload())
    response = await client.delete(f"/systems/chicago/webhooks/{webhook['id']}")
    assert response.status_code == 200
    assert await outbox_rows(app) == []


def test_the_schedule_and_policy_come_from_settings() -> None:
    settings = Settings(
        webhook_retry_schedule="5, 30,120",
        webhook_retry_jitter=0,
        webhook_timeout_seconds=3,
        webhook_batch_size=4,
    )
    built = DeliveryPolicy.from_settings(settings)
    assert built == DeliveryPolicy(
        retry_schedule=(5, 30, 120), jitter=0, timeout_seconds=3, batch_size=4
    )
    assert built.max_attempts == 4
    assert built.lease == timedelta(seconds=3 * 4 + 30)
    with pytest.raises(ValidationError):
        Settings(webhook_retry_schedule="60,soon")
    with pytest.raises(ValidationError):
        Settings(webhook_retry_schedule="60,-1")
