"""Slug races against a real server process: one winner and clean 409s for a slug the
requests named, a distinct slug each for one the server makes up."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.factories.badges import badge_body, create_badge
from tests.factories.containers import create_tree
from tests.support import make_live_client

pytestmark = pytest.mark.e2e

SIMULTANEOUS = 20
# Issue 15 defect 4: 30 requests made 2 x 201 and 28 x 409 on PostgreSQL and MariaDB.
SIMULTANEOUS_NAMED_ONLY = 30


@pytest.fixture
async def server(live_server: str) -> AsyncIterator[httpx.AsyncClient]:
    async with make_live_client(live_server, connections=SIMULTANEOUS_NAMED_ONLY) as client:
        await create_tree(client)
        # Open the server's database connections first, so the requests below really race.
        warm_up = [client.get("/systems/chicago/badges") for _ in range(SIMULTANEOUS_NAMED_ONLY)]
        assert {response.status_code for response in await asyncio.gather(*warm_up)} == {200}
        yield client


async def slugs(client: httpx.AsyncClient) -> list[str]:
    listing = (await client.get("/systems/chicago/badges")).json()["badges"]
    return sorted(badge["slug"] for badge in listing)


async def test_simultaneous_creates_with_one_slug(server: httpx.AsyncClient) -> None:
    responses = await asyncio.gather(
        *(
            server.post("/systems/chicago/badges", json=badge_body(slug="same", name=f"B{n}"))
            for n in range(SIMULTANEOUS)
        )
    )
    assert Counter(response.status_code for response in responses) == {
        201: 1,
        409: SIMULTANEOUS - 1,
    }
    assert await slugs(server) == ["same"]


async def test_simultaneous_renames_to_one_slug(server: httpx.AsyncClient) -> None:
    for number in range(SIMULTANEOUS):
        await create_badge(server, slug=f"badge-{number}")
    responses = await asyncio.gather(
        *(
            server.put(f"/systems/chicago/badges/badge-{number}", json={"slug": "target"})
            for number in range(SIMULTANEOUS)
        )
    )
    statuses = Counter(response.status_code for response in responses)
    assert statuses == {200: 1, 409: SIMULTANEOUS - 1}, statuses
    assert all(
        response.json()["code"] == "ResourceConflict"
        for response in responses
        if response.status_code == 409
    )
    assert (await slugs(server)).count("target") == 1


async def test_simultaneous_creates_with_one_name_and_no_slug_all_succeed(
    server: httpx.AsyncClient,
) -> None:
    responses = await asyncio.gather(
        *(
            server.post("/systems/chicago/badges", json=badge_body(name="Python Basics"))
            for _ in range(SIMULTANEOUS_NAMED_ONLY)
        )
    )
    statuses = Counter(response.status_code for response in responses)
    assert statuses == {201: SIMULTANEOUS_NAMED_ONLY}, [
        response.json() for response in responses if response.status_code != 201
    ]
    # They took turns, so each read the slugs of those before it: all readable.
    numbers = range(2, SIMULTANEOUS_NAMED_ONLY + 1)
    readable = ["python-basics", *(f"python-basics-{number}" for number in numbers)]
    made_up = [response.json()["badge"]["slug"] for response in responses]
    assert sorted(made_up) == sorted(readable)
    assert await slugs(server) == sorted(readable)
