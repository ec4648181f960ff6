"""Races against a real server process: the database, not luck, picks one winner."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.factories.badges import create_badge
from tests.factories.containers import create_tree
from tests.support import make_live_client

pytestmark = pytest.mark.e2e

SIMULTANEOUS = 60
CODES_URL = "/systems/chicago/issuers/library/badges/python-basics/codes"


@pytest.fixture
async def server(live_server: str) -> AsyncIterator[httpx.AsyncClient]:
    """A signed client of the real server, on a tree with one issuer-level badge."""
    async with make_live_client(live_server, connections=SIMULTANEOUS) as client:
        await create_tree(client)
        await create_badge(client, "issuer")
        # Open the server's database connections first: otherwise the first request runs
        # alone while the others wait for new connections, and nothing actually races.
        warm_up = [client.get(CODES_URL) for _ in range(SIMULTANEOUS)]
        assert {response.status_code for response in await asyncio.gather(*warm_up)} == {200}
        yield client


async def test_simultaneous_claims_of_a_single_use_code_have_exactly_one_winner(
    server: httpx.AsyncClient,
) -> None:
    created = await server.post(CODES_URL, json={"code": "race"})
    assert created.status_code == 201
    emails = [f"earner{number}@example.org" for number in range(SIMULTANEOUS)]

    responses = await asyncio.gather(
        *(server.post(f"{CODES_URL}/race/claim", json={"email": email}) for email in emails)
    )

    statuses = Counter(response.status_code for response in responses)
    assert statuses == {200: 1, 400: SIMULTANEOUS - 1}, statuses
    [winner] = [response.json() for response in responses if response.status_code == 200]
    losers = [response.json() for response in responses if response.status_code == 400]
    already_used = {
        "code": "CodeAlreadyUsed",
        "message": "Claim code `race` has already been claimed",
    }
    assert all(loser == already_used for loser in losers)
    stored = (await server.get(f"{CODES_URL}/race")).json()["claimCode"]
    assert stored == winner["claimCode"]
    assert stored["claimed"] is True
    assert stored["email"] in emails


async def test_simultaneous_creates_of_one_code_give_one_201_and_clean_409s(
    server: httpx.AsyncClient,
) -> None:
    tries = 20
    responses = await asyncio.gather(
        *(server.post(CODES_URL, json={"code": "twin"}) for _ in range(tries))
    )
    statuses = Counter(response.status_code for response in responses)
    assert statuses == {201: 1, 409: tries - 1}, statuses
    listing = (await server.get(CODES_URL)).json()["claimCodes"]
    assert [code["code"] for code in listing] == ["twin"]
