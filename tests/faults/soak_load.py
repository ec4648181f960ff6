"""A mixed, seeded load for the soak: badges, single and bulk awards, revocations, listings
and public assertions, keeping track of every write the server acknowledged."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx

from tests.factories.badges import badge_body

SYSTEM = "/systems/soak"


@dataclass
class Award:
    badge: str
    email: str
    slug: str
    revoked: bool = False


@dataclass
class MixedLoad:
    """`clients` loops choosing operations at random (seeded) until `stop` is set."""

    client: httpx.AsyncClient
    clients: int
    seed: int = 8
    badges: list[str] = field(default_factory=list)
    awards: list[Award] = field(default_factory=list)
    # (badge, email) of awards and revocations whose request died unanswered (the kill):
    # whether they happened is unknown, so the checks leave them out.
    unsure: set[tuple[str, str]] = field(default_factory=set)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[tuple[float, str]] = field(default_factory=list)  # (when, error type)
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    _sequence: int = 0

    async def run(self) -> None:
        await asyncio.gather(
            *(self._loop(random.Random(self.seed + n)) for n in range(self.clients))
        )

    @property
    def requests(self) -> int:
        return sum(self.statuses.values()) + len(self.failures)

    async def _loop(self, rng: random.Random) -> None:
        operations = [
            (self._create_badge, 1),
            (self._award, 4),
            (self._bulk_award, 1),
            (self._revoke, 1),
            (self._list_instances, 2),
            (self._read_badge, 2),
            (self._read_assertion, 2),
        ]
        actions, weights = zip(*operations, strict=True)
        while not self.stop.is_set():
            action = rng.choices(actions, weights)[0] if self.badges else self._create_badge
            try:
                await action(rng)
            except httpx.TransportError as exc:
                self.failures.append((time.monotonic(), type(exc).__name__))
                await asyncio.sleep(0.05)

    def _next(self) -> int:
        self._sequence += 1
        return self._sequence

    async def _request(self, method: str, path: str, body: object = None) -> httpx.Response:
        response = await self.client.request(method, path, json=body)
        self.statuses[response.status_code] += 1
        return response

    async def _unsure_of(
        self, awards: list[tuple[str, str]], method: str, path: str, body: object = None
    ) -> httpx.Response:
        """A request changing `awards`; when it dies unanswered, their state is unknown."""
        try:
            return await self._request(method, path, body)
        except httpx.TransportError:
            self.unsure.update(awards)
            raise

    async def _create_badge(self, _rng: random.Random) -> None:
        slug = f"soak-{self._next()}"
        response = await self._request("POST", f"{SYSTEM}/badges", badge_body(slug=slug))
        if response.status_code == 201:
            self.badges.append(slug)

    async def _award(self, rng: random.Random) -> None:
        badge = rng.choice(self.badges)
        email = f"e{self._next()}@soak.example.org"
        response = await self._unsure_of(
            [(badge, email)], "POST", f"{SYSTEM}/badges/{badge}/instances", {"email": email}
        )
        if response.status_code == 201:
            self.awards.append(Award(badge, email, response.json()["instance"]["slug"]))

    async def _bulk_award(self, rng: random.Random) -> None:
        badge = rng.choice(self.badges)
        emails = [f"e{self._next()}@soak.example.org" for _ in range(5)]
        response = await self._unsure_of(
            [(badge, email) for email in emails],
            "POST",
            f"{SYSTEM}/badges/{badge}/instances/bulk",
            {"emails": emails},
        )
        if response.status_code == 201:
            for instance in response.json()["instances"]:
                self.awards.append(Award(badge, instance["email"], instance["slug"]))

    async def _revoke(self, rng: random.Random) -> None:
        standing = [award for award in self.awards[-200:] if not award.revoked]
        if not standing:
            return
        award = rng.choice(standing)
        award.revoked = True  # no other loop picks it meanwhile
        response = await self._unsure_of(
            [(award.badge, award.email)],
            "DELETE",
            f"{SYSTEM}/badges/{award.badge}/instances/{award.email}",
        )
        award.revoked = response.status_code == 200

    async def _list_instances(self, rng: random.Random) -> None:
        await self._request("GET", f"{SYSTEM}/badges/{rng.choice(self.badges)}/instances")

    async def _read_badge(self, rng: random.Random) -> None:
        await self._request("GET", f"{SYSTEM}/badges/{rng.choice(self.badges)}")

    async def _read_assertion(self, rng: random.Random) -> None:
        if self.awards:
            await self._request("GET", f"/public/assertions/{rng.choice(self.awards).slug}")


async def unreadable_writes(load: MixedLoad, client: httpx.AsyncClient) -> list[str]:
    """Every acknowledged write read back through the listings: what is missing or extra."""
    response = await client.get(f"{SYSTEM}/badges")
    assert response.status_code == 200, response.text
    wrong = [f"badge {slug} is missing" for slug in set(load.badges) - _slugs(response)]
    expected: dict[str, set[str]] = {badge: set() for badge in load.badges}
    for award in load.awards:
        if (award.badge, award.email) not in load.unsure and not award.revoked:
            expected[award.badge].add(award.email)
    gate = asyncio.Semaphore(8)

    async def check(badge: str) -> None:
        async with gate:
            listing = await client.get(f"{SYSTEM}/badges/{badge}/instances")
        assert listing.status_code == 200, listing.text
        held = {instance["email"] for instance in listing.json()["instances"]}
        unsure = {email for other, email in load.unsure if other == badge}
        wrong.extend(f"{badge}: {email} lost" for email in expected[badge] - held)
        revoked = held - expected[badge] - unsure
        wrong.extend(f"{badge}: {email} revoked or never awarded, yet listed" for email in revoked)

    await asyncio.gather(*(check(badge) for badge in load.badges))
    return wrong


def _slugs(response: httpx.Response) -> set[str]:
    return {badge["slug"] for badge in response.json()["badges"]}
