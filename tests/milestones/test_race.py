"""Two awards that complete one milestone at the same moment issue its badge exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from tests.factories.badges import create_badge
from tests.factories.containers import create_tree
from tests.factories.instances import (
    award,
    create_milestone,
    event_payloads,
    instances_url,
    listen_to_events,
    stored_applications,
)
from tests.support import make_live_client

pytestmark = pytest.mark.e2e

EARNERS = 8


@pytest.fixture
async def server(live_server: str) -> AsyncIterator[httpx.AsyncClient]:
    """A live server with three support badges; every earner already holds the first."""
    async with make_live_client(live_server, connections=2 * EARNERS) as client:
        await create_tree(client)
        await listen_to_events(client)
        for name in ("One", "Two", "Three"):
            await create_badge(client, name=f"Reader {name}")
        for number in range(EARNERS):
            await award(client, badge="reader-one", email=earner(number))
        yield client


def earner(number: int) -> str:
    return f"earner{number}@example.org"


async def last_two_at_once(server: httpx.AsyncClient) -> None:
    responses = await asyncio.gather(
        *(
            server.post(instances_url(badge=badge), json={"email": earner(number)})
            for number in range(EARNERS)
            for badge in ("reader-two", "reader-three")
        )
    )
    assert [response.status_code for response in responses] == [201] * 2 * EARNERS


async def supports(server: httpx.AsyncClient) -> list[dict[str, object]]:
    return [
        (await server.get(f"/systems/chicago/badges/reader-{name}")).json()["badge"]
        for name in ("one", "two", "three")
    ]


async def test_the_primary_badge_is_issued_exactly_once(
    server: httpx.AsyncClient, app: FastAPI
) -> None:
    primary = await create_badge(server, name="Master Reader")
    await create_milestone(server, primary, await supports(server), 3)

    await last_two_at_once(server)

    holders = (await server.get(instances_url(badge="master-reader"))).json()["instances"]
    assert sorted(instance["email"] for instance in holders) == sorted(
        earner(number) for number in range(EARNERS)
    )
    primary_events = Counter(
        event["email"]
        for event in await event_payloads(app, "award")
        if event["badge"]["slug"] == "master-reader"
    )
    assert primary_events == dict.fromkeys(map(earner, range(EARNERS)), 1)


async def test_one_application_is_queued_per_earner(
    server: httpx.AsyncClient, app: FastAPI
) -> None:
    primary = await create_badge(server, name="Master Reader")
    await create_milestone(server, primary, await supports(server), 3, action="queue-application")

    await last_two_at_once(server)

    learners = Counter(application.learner for application in await stored_applications(app))
    assert learners == dict.fromkeys(map(earner, range(EARNERS)), 1)
