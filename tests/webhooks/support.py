"""Helpers for webhook tests: queue events, receive them (mocked or on a real socket),
check their signatures independently of the code under test, and read outbox rows."""

from __future__ import annotations

import asyncio
import hashlib
import random
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
import jwt
import orjson
import uvicorn
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import undefer

from badgekit_api.db.database import SessionFactory
from badgekit_api.models import System, WebhookEvent
from badgekit_api.models.base import utcnow
from badgekit_api.webhooks import events, outbox
from badgekit_api.webhooks.addresses import AddressPolicy
from badgekit_api.webhooks.claiming import claim_due
from badgekit_api.webhooks.delivery import DeliveryPolicy, by_webhook, deliver_in_order

RECEIVER = "http://receiver.test/hook"
BADGE = {"id": 11, "slug": "reader", "name": "Reader"}


def award_payload(uid: str = "abc123", email: str = "earner@example.org") -> dict[str, Any]:
    return events.award(
        uid=uid,
        badge=BADGE,
        email=email,
        assertion_url=f"http://badges.test/public/assertions/{uid}",
        issued_on=1400094712,
    )


async def add_webhook(
    client: httpx.AsyncClient, system: str = "chicago", **fields: Any
) -> dict[str, Any]:
    """Register a webhook through the API; the result includes its secret."""
    response = await client.post(f"/systems/{system}/webhooks", json={"url": RECEIVER, **fields})
    assert response.status_code == 201, response.text
    return response.json()["webhook"]  # type: ignore[no-any-return]


async def enqueue(
    app: FastAPI, payload: dict[str, Any], *, system: str = "chicago", commit: bool = True
) -> list[str]:
    """Queue an event as a producer would, in a transaction that commits or rolls back."""
    async with app.state.session_factory() as session:
        system_id = await session.scalar(select(System.id).where(System.slug == system))
        ids = await outbox.enqueue(
            session, system_id=system_id, action=payload["action"], payload=payload
        )
        if commit:
            await session.commit()
        else:
            await session.rollback()
    return ids


async def outbox_rows(app: FastAPI, webhook_id: int | None = None) -> list[WebhookEvent]:
    """Outbox rows in the order they were written (payload loaded)."""
    statement = (
        select(WebhookEvent)
        .options(undefer(WebhookEvent.payload))
        .order_by(WebhookEvent.created_at, WebhookEvent.id)
    )
    if webhook_id is not None:
        statement = statement.where(WebhookEvent.webhook_id == webhook_id)
    async with app.state.session_factory() as session:
        return list(await session.scalars(statement))


async def one_row(app: FastAPI, event_id: str) -> WebhookEvent:
    async with app.state.session_factory() as session:
        row = await session.get(WebhookEvent, event_id, options=[undefer(WebhookEvent.payload)])
        assert row is not None
        return row


def policy(**overrides: Any) -> DeliveryPolicy:
    values: dict[str, Any] = {
        "retry_schedule": (60, 300),
        "jitter": 0.0,
        "timeout_seconds": 2.0,
        "batch_size": 20,
        "addresses": AddressPolicy(allow_private=True),
    }
    values.update(overrides)
    return DeliveryPolicy(**values)


async def deliver_due(
    session_factory: SessionFactory,
    http: httpx.AsyncClient,
    policy: DeliveryPolicy,
    *,
    clock: Callable[[], datetime] = utcnow,
) -> int:
    """One worker pass, driven by a test: claim a batch, send every webhook's share of it
    (the webhooks side by side), record each outcome; return how many were claimed."""
    claimed = await claim_due(
        session_factory, now=clock(), limit=policy.batch_size, lease=policy.lease
    )
    rng = random.Random()
    await asyncio.gather(
        *(
            deliver_in_order(session_factory, http, policy, events, clock=clock, rng=rng)
            for events in by_webhook(claimed).values()
        )
    )
    return len(claimed)


async def deliver(
    app: FastAPI,
    http: httpx.AsyncClient,
    delivery_policy: DeliveryPolicy | None = None,
    *,
    at: datetime | None = None,
) -> int:
    """One worker pass, optionally at a pretended time."""
    return await deliver_due(
        app.state.session_factory,
        http,
        delivery_policy or policy(),
        **({"clock": lambda: at} if at is not None else {}),
    )


@dataclass
class Received:
    url: str
    headers: dict[str, str]
    body: bytes

    @property
    def event_id(self) -> str:
        return self.headers["x-badgekit-event-id"]

    def json(self) -> Any:
        return orjson.loads(self.body)


@dataclass
class MockReceiver:
    """An httpx transport that records each call and answers what `respond` says."""

    respond: Callable[[Received], int] = lambda _received: 200
    calls: list[Received] = field(default_factory=list)

    def client(self) -> httpx.AsyncClient:
        async def handle(request: httpx.Request) -> httpx.Response:
            received = Received(str(request.url), dict(request.headers), await request.aread())
            self.calls.append(received)
            await asyncio.sleep(0)  # let concurrent workers interleave here
            status = self.respond(received)
            return httpx.Response(status, text="receiver says no" if status >= 300 else "ok")

        return httpx.AsyncClient(transport=httpx.MockTransport(handle))


def verified_claims(received: Received, secret: str) -> dict[str, Any]:
    """Check a call the way a receiver would: JWT signature, then the body hash."""
    header = received.headers["authorization"]
    assert header.startswith('JWT token="') and header.endswith('"')
    token = header[len('JWT token="') : -1]
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    claims: dict[str, Any] = jwt.decode(token, secret, algorithms=["HS256"])
    assert claims["body"] == {"alg": "sha256", "hash": hashlib.sha256(received.body).hexdigest()}
    return claims


@dataclass
class LoopbackReceiver:
    """A real HTTP server on 127.0.0.1 (a free port) that records what it receives."""

    url: str
    calls: list[Received]
    delay_seconds: float = 0.0
    status: int = 200
    answer: bytes = b"thanks"


@asynccontextmanager
async def loopback_receiver() -> AsyncIterator[LoopbackReceiver]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    receiver = LoopbackReceiver(url=f"http://127.0.0.1:{port}/hook", calls=[])

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {name.decode(): value.decode() for name, value in scope["headers"]}
        receiver.calls.append(Received(f"{receiver.url}", headers, body))
        if receiver.delay_seconds:
            await asyncio.sleep(receiver.delay_seconds)
        await send({"type": "http.response.start", "status": receiver.status, "headers": []})
        await send({"type": "http.response.body", "body": receiver.answer})

    config = uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        yield receiver
    finally:
        server.should_exit = True
        await task
        sock.close()


async def wait_until(check: Callable[[], Awaitable[bool]], timeout: float = 15.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await check():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)
