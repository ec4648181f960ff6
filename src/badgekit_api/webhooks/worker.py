"""The delivery worker: claims due events in a loop, inside `serve` or on its own.

Each webhook's claimed events are sent by a task of their own, and the loop goes on
claiming while they run: a receiver that hangs until the timeout holds up only its own
webhook's events (they are not claimed again while its task runs), never anyone else's.
Between claims the loop sleeps for the poll interval, or less when this process has just
committed new events or a webhook's task has finished. Any number of workers may share
one database (see claiming.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import random
from collections.abc import AsyncIterator

import httpx

from badgekit_api.config import Settings
from badgekit_api.db.database import SessionFactory
from badgekit_api.models.base import utcnow
from badgekit_api.webhooks import outbox
from badgekit_api.webhooks.claiming import ClaimedEvent, claim_due
from badgekit_api.webhooks.delivery import DeliveryPolicy, by_webhook, deliver_in_order

logger = logging.getLogger(__name__)


class DeliveryWorker:
    def __init__(
        self,
        session_factory: SessionFactory,
        policy: DeliveryPolicy,
        *,
        poll_seconds: float,
        max_webhooks_in_flight: int = 100,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.policy = policy
        self.poll_seconds = poll_seconds
        self.max_webhooks_in_flight = max_webhooks_in_flight
        self._http = http
        self._wake = asyncio.Event()
        self._stopping = False
        self._rng = random.Random()
        # webhook id -> the task sending its claimed events
        self._in_flight: dict[int, asyncio.Task[None]] = {}

    @classmethod
    def from_settings(cls, settings: Settings, session_factory: SessionFactory) -> DeliveryWorker:
        return cls(
            session_factory,
            DeliveryPolicy.from_settings(settings),
            poll_seconds=settings.webhook_poll_seconds,
            max_webhooks_in_flight=settings.webhook_concurrency,
        )

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        """Stop claiming; `run` returns once the deliveries in flight have finished."""
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()

        def on_events_committed() -> None:
            loop.call_soon_threadsafe(self._wake.set)

        unsubscribe = outbox.on_commit(on_events_committed)
        try:
            async with self._client() as http:
                while not self._stopping:
                    self._wake.clear()
                    room = len(self._in_flight) < self.max_webhooks_in_flight
                    if room and await self._claim_and_send(http) >= self.policy.batch_size:
                        continue  # a full batch: more are probably due right now
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
                await self._finish_in_flight()
        finally:
            unsubscribe()
            for task in list(self._in_flight.values()):
                task.cancel()  # cancelled deliveries are retried once their lease runs out

    async def _claim_and_send(self, http: httpx.AsyncClient) -> int:
        """Claim due events of webhooks not already being served and start sending them."""
        try:
            claimed = await claim_due(
                self.session_factory,
                now=utcnow(),
                limit=self.policy.batch_size,
                lease=self.policy.lease,
                skip_webhooks=list(self._in_flight),
            )
        except Exception:
            # The database may be restarting; keep polling rather than dying.
            logger.exception("claiming webhook events failed")
            return 0
        for webhook_id, events in by_webhook(claimed).items():
            task = asyncio.create_task(self._send(http, events), name=f"webhook-{webhook_id}")
            self._in_flight[webhook_id] = task
            task.add_done_callback(functools.partial(self._done, webhook_id))
        return len(claimed)

    async def _send(self, http: httpx.AsyncClient, events: list[ClaimedEvent]) -> None:
        try:
            await deliver_in_order(self.session_factory, http, self.policy, events, rng=self._rng)
        except Exception:
            # Recording an outcome failed (database lost): the events left claimed become
            # due again when their lease runs out.
            logger.exception("webhook delivery failed")

    def _done(self, webhook_id: int, _task: asyncio.Task[None]) -> None:
        self._in_flight.pop(webhook_id, None)
        self._wake.set()  # its later events (and a free slot) are waiting

    async def _finish_in_flight(self) -> None:
        if self._in_flight:
            await asyncio.wait(list(self._in_flight.values()))

    @contextlib.asynccontextmanager
    async def _client(self) -> AsyncIterator[httpx.AsyncClient]:
        if self._http is not None:
            yield self._http
            return
        addresses = self.policy.addresses
        # Proxies from the environment would bypass the transport's address check.
        async with httpx.AsyncClient(
            transport=addresses.transport(),
            follow_redirects=False,
            trust_env=addresses.allow_private,
        ) as http:
            yield http


@contextlib.asynccontextmanager
async def running_in_background(
    settings: Settings, session_factory: SessionFactory
) -> AsyncIterator[DeliveryWorker | None]:
    """Run a worker beside the app while the block runs (unless `WEBHOOK_WORKER` is off)."""
    if not settings.webhook_worker:
        yield None
        return
    worker = DeliveryWorker.from_settings(settings, session_factory)
    task = asyncio.create_task(worker.run(), name="webhook-delivery")
    try:
        yield worker
    finally:
        worker.stop()
        # Give in-flight deliveries time to finish; a cancelled one is retried after its lease.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(task, settings.webhook_timeout_seconds + 5)
