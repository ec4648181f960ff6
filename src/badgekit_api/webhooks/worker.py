"""The delivery worker: passes of `deliver_due` in a loop, inside `serve` or on its own.

Between passes it sleeps for the poll interval, or less when this process has just
committed new events. Any number of workers may share one database (see claiming.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import httpx

from badgekit_api.config import Settings
from badgekit_api.webhooks import outbox
from badgekit_api.webhooks.claiming import SessionFactory
from badgekit_api.webhooks.delivery import DeliveryPolicy, deliver_due

logger = logging.getLogger(__name__)


class DeliveryWorker:
    def __init__(
        self,
        session_factory: SessionFactory,
        policy: DeliveryPolicy,
        *,
        poll_seconds: float,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.policy = policy
        self.poll_seconds = poll_seconds
        self._http = http
        self._wake = asyncio.Event()
        self._stopping = False

    @classmethod
    def from_settings(cls, settings: Settings, session_factory: SessionFactory) -> DeliveryWorker:
        return cls(
            session_factory,
            DeliveryPolicy.from_settings(settings),
            poll_seconds=settings.webhook_poll_seconds,
        )

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        """Finish the current pass, then return from `run`."""
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
                    if await self._pass(http) >= self.policy.batch_size:
                        continue  # a full batch: more are probably due right now
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
        finally:
            unsubscribe()

    async def _pass(self, http: httpx.AsyncClient) -> int:
        try:
            return await deliver_due(self.session_factory, http, self.policy)
        except Exception:
            # The database may be restarting; keep polling rather than dying.
            logger.exception("webhook delivery pass failed")
            return 0

    @contextlib.asynccontextmanager
    async def _client(self) -> AsyncIterator[httpx.AsyncClient]:
        if self._http is not None:
            yield self._http
            return
        async with httpx.AsyncClient(follow_redirects=False) as http:
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
