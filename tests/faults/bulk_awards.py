"""Bulk awards sent without pause by several clients until the server dies, and what the
database holds afterwards."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from tests.factories.badges import create_badge

SYSTEM = "chicago"
BADGES = ("crash-reader", "crash-writer")


@dataclass
class BulkRequest:
    """One bulk award as sent, and how it ended: a status code, or the error it died with."""

    badge: str
    emails: list[str]
    status: int | None = None
    error: str | None = None

    @property
    def awards(self) -> set[tuple[str, str]]:
        return {(self.badge, email) for email in self.emails}


@dataclass
class BulkLoad:
    """`senders` clients, each sending bulk awards of `size` new earners back to back."""

    client: httpx.AsyncClient
    senders: int
    size: int
    requests: list[BulkRequest] = field(default_factory=list)
    durations: list[float] = field(default_factory=list)
    _stop: bool = False

    @property
    def created(self) -> list[BulkRequest]:
        return [request for request in self.requests if request.status == 201]

    @property
    def cut(self) -> list[BulkRequest]:
        return [request for request in self.requests if request.error is not None]

    async def run_until(
        self,
        kill: Callable[[], None],
        *,
        after_created: int,
        ready: Callable[[], bool] = lambda: True,
    ) -> None:
        """Send until `after_created` requests have succeeded (and `ready()` holds), then
        call `kill` while the next ones are in flight; wait for every sender to see the
        server gone."""
        senders = [asyncio.create_task(self._send(number)) for number in range(self.senders)]
        try:
            while len(self.created) < after_created or not ready():
                for task in senders:
                    if task.done():
                        task.result()  # a sender's failed assertion, if that is what ended it
                        raise AssertionError(f"a sender stopped early: {self.requests[-3:]}")
                await asyncio.sleep(0.01)
            # Every sender has a request out now; wait part of a typical request so the
            # kill lands inside one, not between a response and the next request.
            await asyncio.sleep(sum(self.durations) / len(self.durations) / 2)
            kill()
            await asyncio.wait_for(asyncio.gather(*senders), timeout=30)
        finally:
            self._stop = True
            for task in senders:
                task.cancel()

    async def _send(self, sender: int) -> None:
        batch = 0
        while not self._stop:
            badge = BADGES[(sender + batch) % len(BADGES)]
            emails = [
                f"s{sender}b{batch}e{number}@crash.example.org" for number in range(self.size)
            ]
            request = BulkRequest(badge, emails)
            self.requests.append(request)
            batch += 1
            began = time.monotonic()
            try:
                response = await self.client.post(
                    f"/systems/{SYSTEM}/badges/{badge}/instances/bulk", json={"emails": emails}
                )
            except httpx.HTTPError as exc:
                request.error = type(exc).__name__
                return  # the server is gone
            request.status = response.status_code
            assert response.status_code == 201, response.text[:500]
            self.durations.append(time.monotonic() - began)


async def create_crash_badges(client: httpx.AsyncClient) -> None:
    for slug in BADGES:
        await create_badge(client, slug=slug, name=f"Badge {slug}")


async def held_awards(client: httpx.AsyncClient) -> set[tuple[str, str]]:
    """(badge, email) of every standing award of the crash badges, read through the API."""
    held = set()
    for badge in BADGES:
        response = await client.get(f"/systems/{SYSTEM}/badges/{badge}/instances")
        assert response.status_code == 200, response.text
        held |= {(badge, instance["email"]) for instance in response.json()["instances"]}
    return held


def assert_all_or_nothing(requests: list[BulkRequest], held: set[tuple[str, str]]) -> None:
    """Each request's earners all hold the badge or none does; a 201 means all do; and
    nobody holds it but through some request."""
    for request in requests:
        kept = request.awards & held
        assert kept in (set(), request.awards), (request, len(kept))
        if request.status == 201:
            assert kept == request.awards, request
    sent = set().union(*(request.awards for request in requests))
    assert held <= sent
