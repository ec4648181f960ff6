"""Races against a real server process: the database decides who gets the badge."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from tests.factories.badges import create_badge
from tests.factories.containers import create_tree
from tests.factories.instances import event_payloads, instances_url, listen_to_events
from tests.support import make_live_client

pytestmark = pytest.mark.e2e

SIMULTANEOUS = 12


@pytest.fixture
async def server(live_server: str) -> AsyncIterator[httpx.AsyncClient]:
    async with make_live_client(live_server, connections=SIMULTANEOUS) as client:
        await create_tree(client)
        await listen_to_events(client)
        yield client


async def test_simultaneous_awards_to_one_earner_have_one_winner(
    server: httpx.AsyncClient, app: FastAPI
) -> None:
    await create_badge(server)
    responses = await asyncio.gather(
        *(
            server.post(instances_url(), json={"email": "earner@example.org"})
            for _ in range(SIMULTANEOUS)
        )
    )

    statuses = Counter(response.status_code for response in responses)
    assert statuses == {201: 1, 409: SIMULTANEOUS - 1}, statuses
    [winner] = [
        response.json()["instance"] for response in responses if response.status_code == 201
    ]
    for response in responses:
        if response.status_code == 409:
            assert response.json()["details"] == {"assertionUrl": winner["assertionUrl"]}
    assert len(await event_payloads(app, "award")) == 1


async def test_simultaneous_awards_respect_the_badge_limit(
    server: httpx.AsyncClient, app: FastAPI
) -> None:
    await create_badge(server, limit=3)
    responses = await asyncio.gather(
        *(
            server.post(instances_url(), json={"email": f"earner{number}@example.org"})
            for number in range(SIMULTANEOUS)
        )
    )

    statuses = Counter(response.status_code for response in responses)
    assert statuses == {201: 3, 400: SIMULTANEOUS - 3}, statuses
    listing = (await server.get(instances_url())).json()["instances"]
    assert len(listing) == 3
    assert len(await event_payloads(app, "award")) == 3


async def test_overlapping_bulk_awards_award_each_earner_once(
    server: httpx.AsyncClient, app: FastAPI
) -> None:
    await create_badge(server)
    emails = [f"earner{number}@example.org" for number in range(20)]
    batches = [emails[start : start + 10] for start in range(0, 15, 5)] * 2

    responses = await asyncio.gather(
        *(server.post(f"{instances_url()}/bulk", json={"emails": batch}) for batch in batches)
    )

    assert [response.status_code for response in responses] == [201] * len(batches)
    created = [
        instance["email"] for response in responses for instance in response.json()["instances"]
    ]
    assert sorted(created) == sorted(emails)
    for response, batch in zip(responses, batches, strict=True):
        body = response.json()
        shown = [item["email"] for item in body["instances"] + body["skipped"]]
        assert sorted(shown) == sorted(batch)
    assert sorted(event["email"] for event in await event_payloads(app, "award")) == sorted(emails)


async def test_simultaneous_awards_with_one_single_use_code_have_one_winner(
    server: httpx.AsyncClient, app: FastAPI
) -> None:
    await create_badge(server)
    code = await server.post("/systems/chicago/badges/python-basics/codes", json={"code": "once"})
    assert code.status_code == 201
    responses = await asyncio.gather(
        *(
            server.post(
                instances_url(), json={"email": f"earner{number}@example.org", "claimCode": "once"}
            )
            for number in range(SIMULTANEOUS)
        )
    )

    statuses = Counter(response.status_code for response in responses)
    assert statuses == {201: 1, 400: SIMULTANEOUS - 1}, statuses
    assert {response.json()["code"] for response in responses if response.status_code == 400} == {
        "CodeAlreadyUsed"
    }
    [winner] = [
        response.json()["instance"] for response in responses if response.status_code == 201
    ]
    assert (await server.get(instances_url())).json()["instances"] == [winner]
    assert len(await event_payloads(app, "award")) == 1
