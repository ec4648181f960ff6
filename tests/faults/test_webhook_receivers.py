"""Receivers that hang, reset, crawl, redirect or answer endlessly delay neither the API nor
the webhooks of other systems.

One real server process delivers (the worker inside `serve`, as deployed by default). The
`bad` system's webhooks point at misbehaving receivers; the `good` system's at a careful one.
Timings are compared with a baseline taken in the same test, with generous margins.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from badgekit_api.config import Settings
from badgekit_api.models import DeliveryStatus, System, Webhook, WebhookEvent
from tests.factories.badges import badge_body
from tests.factories.containers import create_system
from tests.faults.processes import ServerProcess, server_process
from tests.faults.receivers import CarefulReceiver, MisbehavingReceiver, receivers_up
from tests.support import make_live_client
from tests.webhooks.support import add_webhook, wait_until

pytestmark = pytest.mark.e2e

TIMEOUT_SECONDS = 2.0
SERVER_ENV = {
    "WEBHOOK_WORKER": "true",
    "WEBHOOK_POLL_SECONDS": "0.2",
    "WEBHOOK_TIMEOUT_SECONDS": str(TIMEOUT_SECONDS),
    "WEBHOOK_RETRY_JITTER": "0",
    "WEBHOOK_RETRY_SCHEDULE": ",".join(["1"] * 60),
}
BAD_AWARDS = 8
PROMPT_SECONDS = 3.0
# Receivers that fail at once, and receivers that tie up the sender for a long while
# (the timeout or nearly, or for ever when an answer trickles in a byte at a time).
FAILING = ("reset", "redirect", "huge")
STALLING = ("hang", "slow", "trickle")


@pytest.fixture
async def good(client: httpx.AsyncClient) -> AsyncIterator[CarefulReceiver]:
    for system in ("good", "bad"):
        await create_system(client, slug=system)
        response = await client.post(f"/systems/{system}/badges", json=badge_body(slug="badge"))
        assert response.status_code == 201, response.text
    receiver = CarefulReceiver()
    receiver.secret = (await add_webhook(client, system="good", url=receiver.url))["secret"]
    async with receivers_up(receiver):
        yield receiver


@pytest.fixture
async def server(settings: Settings) -> AsyncIterator[ServerProcess]:
    async with server_process(settings.database_url, env=SERVER_ENV) as running:
        yield running


async def _award(live: httpx.AsyncClient, system: str, email: str) -> float:
    began = time.monotonic()
    response = await live.post(f"/systems/{system}/badges/badge/instances", json={"email": email})
    assert response.status_code == 201, response.text
    return time.monotonic() - began


async def _api_round(live: httpx.AsyncClient, label: str) -> list[float]:
    """The same mix of reads and writes each time; the duration of each request."""
    durations = []
    for number in range(10):
        began = time.monotonic()
        response = await live.get("/systems/good/badges")
        assert response.status_code == 200
        durations.append(time.monotonic() - began)
        durations.append(await _award(live, "good", f"{label}{number}@good.example.org"))
    return durations


async def _delivered_in(
    receiver: CarefulReceiver, live: httpx.AsyncClient, email: str, *, within: float
) -> float:
    """Seconds from an award's 201 to its arrival at the good receiver (at most `within`)."""
    await _award(live, "good", email)
    acknowledged = time.monotonic()

    async def arrived() -> bool:
        return any(call.json()["email"] == email for call in receiver.handled.values())

    try:
        await wait_until(arrived, timeout=within)
    except AssertionError:
        raise AssertionError(f"the good receiver waited more than {within:.1f} s") from None
    [arrival] = [call.at for call in receiver.handled.values() if call.json()["email"] == email]
    return arrival - acknowledged


async def _jam(live: httpx.AsyncClient, *receivers: MisbehavingReceiver) -> None:
    """Award the bad system's badge to `BAD_AWARDS` earners at once (a bulk award: their
    events are due together) and wait until each bad receiver has been called."""
    emails = [f"jam{number}@bad.example.org" for number in range(BAD_AWARDS)]
    response = await live.post("/systems/bad/badges/badge/instances/bulk", json={"emails": emails})
    assert response.status_code == 201, response.text

    async def all_reached() -> bool:
        return all(receiver.calls for receiver in receivers)

    await wait_until(all_reached, timeout=10)


@pytest.mark.usefixtures("good")
async def test_stuck_deliveries_do_not_slow_the_api(
    client: httpx.AsyncClient, server: ServerProcess
) -> None:
    bad = [MisbehavingReceiver(kind) for kind in MisbehavingReceiver.KINDS]
    async with receivers_up(*bad), make_live_client(server.base_url) as live:
        for receiver in bad:
            await add_webhook(client, system="bad", url=receiver.url)
        baseline = await _api_round(live, "calm")

        await _jam(live, *bad)
        jammed = await _api_round(live, "jammed")

    # Generous: several times the baseline, and never near a delivery timeout.
    assert statistics.median(jammed) < 3 * statistics.median(baseline) + 0.05, (baseline, jammed)
    assert max(jammed) < max(3 * max(baseline), 0.5 * TIMEOUT_SECONDS), (baseline, jammed)
    print(  # noqa: T201 - the figures docs/reliability.md quotes
        f"\nAPI while 6 receivers misbehave: median {statistics.median(jammed) * 1000:.0f} ms, "
        f"max {max(jammed) * 1000:.0f} ms (baseline median "
        f"{statistics.median(baseline) * 1000:.0f} ms, max {max(baseline) * 1000:.0f} ms)"
    )


async def test_failing_receivers_hold_back_no_one(
    app: FastAPI, client: httpx.AsyncClient, good: CarefulReceiver, server: ServerProcess
) -> None:
    bad = [MisbehavingReceiver(kind, redirect_to=good.url) for kind in FAILING]
    async with receivers_up(*bad), make_live_client(server.base_url) as live:
        for receiver in bad:
            await add_webhook(client, system="bad", url=receiver.url)
        baseline = await _delivered_in(good, live, "calm@good.example.org", within=10)
        await _jam(live, *bad)
        bound = max(PROMPT_SECONDS, 3 * baseline)
        jammed = await _delivered_in(good, live, "jammed@good.example.org", within=bound)

        async def all_attempted() -> bool:
            return all(event.last_error for _url, event in await _bad_events(app))

        await wait_until(all_attempted, timeout=10)
        outcomes = {url.rsplit("/", 1)[1]: event for url, event in await _bad_events(app)}

    for kind, event in outcomes.items():
        assert event.status in (DeliveryStatus.PENDING, DeliveryStatus.SENDING), kind
        assert event.last_error is not None and len(event.last_error) <= 1000, kind
    assert outcomes["redirect"].last_status_code == 307  # not followed
    assert outcomes["huge"].last_status_code == 500
    assert outcomes["huge"].last_error == "HTTP 500: " + "z" * 512  # read no further
    assert outcomes["reset"].last_status_code is None
    assert not good.rejected, "a redirect was followed to another system's receiver"
    print(f"\ngood receiver: {baseline:.2f} s calm, {jammed:.2f} s jammed")  # noqa: T201


async def test_stalling_receivers_hold_back_no_one(
    client: httpx.AsyncClient, good: CarefulReceiver, server: ServerProcess
) -> None:
    bad = [MisbehavingReceiver(kind) for kind in STALLING]
    async with receivers_up(*bad), make_live_client(server.base_url) as live:
        for receiver in bad:
            await add_webhook(client, system="bad", url=receiver.url)
        baseline = await _delivered_in(good, live, "calm@good.example.org", within=10)
        await _jam(live, *bad)
        bound = max(PROMPT_SECONDS, 3 * baseline)
        await _delivered_in(good, live, "jammed@good.example.org", within=bound)


async def _bad_events(app: FastAPI) -> list[tuple[str, WebhookEvent]]:
    """The bad system's events, each with its webhook's URL."""
    async with app.state.session_factory() as session:
        rows = await session.execute(
            select(Webhook.url, WebhookEvent)
            .join(Webhook, WebhookEvent.webhook_id == Webhook.id)
            .join(System, Webhook.system_id == System.id)
            .where(System.slug == "bad")
        )
        return [(url, event) for url, event in rows]
