"""Send claimed events and record the outcome: delivered, retry later, or failed.

`deliver_in_order` sends one webhook's claimed events one after another; the worker
(worker.py) runs one of those per webhook, each in a task of its own. It takes the session
factory and the HTTP client as arguments, so tests can drive it step by step.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import httpx
from sqlalchemy import CursorResult, update

from badgekit_api.config import Settings
from badgekit_api.db.database import SessionFactory, write_transaction
from badgekit_api.models import DeliveryStatus, WebhookEvent
from badgekit_api.models.base import utcnow
from badgekit_api.webhooks.addresses import AddressPolicy
from badgekit_api.webhooks.claiming import ClaimedEvent
from badgekit_api.webhooks.signature import signed_headers

logger = logging.getLogger(__name__)

MAX_ERROR_CHARS = 1000
RESPONSE_EXCERPT_BYTES = 512
LEASE_MARGIN = timedelta(seconds=30)


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    """How long to wait for a receiver, and when to try again after a failure."""

    retry_schedule: tuple[int, ...]
    jitter: float = 0.1
    timeout_seconds: float = 10.0
    batch_size: int = 20
    addresses: AddressPolicy = AddressPolicy()

    @classmethod
    def from_settings(cls, settings: Settings) -> DeliveryPolicy:
        return cls(
            retry_schedule=settings.webhook_retry_schedule,
            jitter=settings.webhook_retry_jitter,
            timeout_seconds=settings.webhook_timeout_seconds,
            batch_size=settings.webhook_batch_size,
            addresses=AddressPolicy.from_settings(settings),
        )

    @property
    def max_attempts(self) -> int:
        return len(self.retry_schedule) + 1

    @property
    def lease(self) -> timedelta:
        # Events of one webhook are sent one after another, so a claim may have to wait for
        # a whole batch of timeouts; it must not run out while the worker is still alive.
        return timedelta(seconds=self.timeout_seconds * self.batch_size) + LEASE_MARGIN

    def retry_delay(self, attempt: int, rng: random.Random) -> timedelta | None:
        """The wait before the next try after failed attempt number `attempt`; None: give up."""
        if attempt > len(self.retry_schedule):
            return None
        base = self.retry_schedule[attempt - 1]
        return timedelta(seconds=base * rng.uniform(1 - self.jitter, 1 + self.jitter))


@dataclass(frozen=True, slots=True)
class Outcome:
    status_code: int | None
    error: str | None = None

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def by_webhook(claimed: list[ClaimedEvent]) -> dict[int, list[ClaimedEvent]]:
    """The claimed events grouped by webhook, each group in the order they happened."""
    groups: dict[int, list[ClaimedEvent]] = {}
    for event in claimed:
        groups.setdefault(event.webhook_id, []).append(event)
    return groups


async def deliver_in_order(
    session_factory: SessionFactory,
    http: httpx.AsyncClient,
    policy: DeliveryPolicy,
    events: list[ClaimedEvent],
    *,
    clock: Callable[[], datetime] = utcnow,
    rng: random.Random,
) -> None:
    """Send one webhook's claimed events one after another, recording each outcome."""
    for event in events:
        outcome = await send(http, event, timeout=policy.timeout_seconds)
        await record(session_factory, event, outcome, policy, now=clock(), rng=rng)


async def send(http: httpx.AsyncClient, event: ClaimedEvent, *, timeout: float) -> Outcome:
    """POST one event, signed; any 2xx answer is a delivery."""
    headers = signed_headers(
        event.body,
        secret=event.secret,
        event_id=event.id,
        action=event.action,
        issued_at=int(time.time()),
    )
    try:
        # httpx's timeout bounds each network operation; a receiver that trickles its answer
        # a byte at a time would never trip it, so the whole attempt has a deadline too.
        async with asyncio.timeout(timeout):
            # A redirect is an answer like any other non-2xx: following it could lead anywhere.
            async with http.stream(
                "POST",
                event.url,
                content=event.body,
                headers=headers,
                timeout=timeout,
                follow_redirects=False,
            ) as response:
                if 200 <= response.status_code < 300:
                    return Outcome(response.status_code)
                excerpt = await _excerpt(response)
    except TimeoutError:
        return Outcome(None, f"Timeout: no complete answer within {timeout:g} s")
    except Exception as exc:  # whatever one receiver does (or its URL is), the worker goes on
        return Outcome(None, _truncate(_describe(exc)))
    return Outcome(response.status_code, _truncate(f"HTTP {response.status_code}: {excerpt}"))


async def record(
    session_factory: SessionFactory,
    event: ClaimedEvent,
    outcome: Outcome,
    policy: DeliveryPolicy,
    *,
    now: datetime,
    rng: random.Random,
) -> None:
    """Store the outcome of one attempt, unless the claim was taken over meanwhile."""
    values: dict[str, Any] = {
        "last_status_code": outcome.status_code,
        "last_error": outcome.error,
        "locked_until": None,
        "claim_token": None,
    }
    if outcome.delivered:
        values.update(status=DeliveryStatus.DELIVERED, delivered_at=now, next_attempt_at=None)
    elif (delay := policy.retry_delay(event.attempt, rng)) is not None:
        values.update(status=DeliveryStatus.PENDING, next_attempt_at=now + delay)
    else:
        values.update(status=DeliveryStatus.FAILED, next_attempt_at=None)
    async with write_transaction(session_factory) as session:
        result = await session.execute(
            update(WebhookEvent)
            .where(
                WebhookEvent.id == event.id,
                WebhookEvent.claim_token == event.token,
                WebhookEvent.status == DeliveryStatus.SENDING,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    if cast(CursorResult[Any], result).rowcount == 0:
        logger.info("webhook event %s was claimed again meanwhile; outcome dropped", event.id)
    elif values["status"] == DeliveryStatus.DELIVERED:
        logger.debug(
            "webhook event %s (webhook %s) delivered: HTTP %s",
            event.id,
            event.webhook_id,
            outcome.status_code,
            extra={"event_id": event.id},
        )
    elif values["status"] == DeliveryStatus.PENDING:
        logger.warning(
            "webhook event %s (webhook %s): attempt %s failed, next at %s: %s",
            event.id,
            event.webhook_id,
            event.attempt,
            values["next_attempt_at"].isoformat(),
            outcome.error,
        )
    elif values["status"] == DeliveryStatus.FAILED:
        logger.error(
            "webhook event %s (webhook %s): giving up after %s attempts: %s",
            event.id,
            event.webhook_id,
            event.attempt,
            outcome.error,
        )


async def _excerpt(response: httpx.Response) -> str:
    """The start of the receiver's answer, for `last_error`; never the whole of it."""
    received = b""
    async for chunk in response.aiter_bytes():
        received += chunk
        if len(received) >= RESPONSE_EXCERPT_BYTES:
            break
    return received[:RESPONSE_EXCERPT_BYTES].decode("utf-8", "replace").strip()


def _describe(exc: Exception) -> str:
    detail = str(exc).strip()
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def _truncate(text: str) -> str:
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"
