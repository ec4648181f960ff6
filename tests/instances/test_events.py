"""The `award` webhook event (webhooks.md), written in the award's own transaction."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from tests.factories.badges import LEVELS, create_badge
from tests.factories.containers import create_tree
from tests.factories.instances import award, event_payloads, instances_url, listen_to_events


@pytest.fixture(autouse=True)
async def tree(client: httpx.AsyncClient) -> None:
    await create_tree(client)
    await listen_to_events(client)


@pytest.mark.parametrize("level", LEVELS)
async def test_award_event_is_the_documented_message(
    client: httpx.AsyncClient, app: FastAPI, level: str
) -> None:
    await create_badge(client, level)
    instance = await award(client, level, issuedOn=1400094712)

    [event] = await event_payloads(app)
    assert event == {
        "action": "award",
        "uid": instance["slug"],
        "badge": instance["badge"],
        "email": "earner@example.org",
        "assertionUrl": instance["assertionUrl"],
        "credentialUrl": instance["assertionUrl"] + "?v=3",
        "issuedOn": 1400094712,
        "comment": None,
    }


async def test_award_event_carries_the_comment(client: httpx.AsyncClient, app: FastAPI) -> None:
    await create_badge(client)
    await award(client, comment="Congratulations!")
    [event] = await event_payloads(app, "award")
    assert event["comment"] == "Congratulations!"


async def test_failed_awards_write_no_event(client: httpx.AsyncClient, app: FastAPI) -> None:
    await create_badge(client)
    await award(client)
    failures = [
        await client.post(instances_url(), json={"email": "earner@example.org"}),
        await client.post(instances_url(), json={"email": "bad"}),
        await client.post(instances_url(), json={"email": "x@example.org", "claimCode": "no"}),
        await client.post(instances_url(badge="nope"), json={"email": "x@example.org"}),
    ]
    assert [response.status_code for response in failures] == [409, 400, 404, 404]
    assert len(await event_payloads(app)) == 1


async def test_no_webhook_no_event_but_the_award_stands(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    await create_badge(client)
    webhooks = (await client.get("/systems/chicago/webhooks")).json()["webhooks"]
    for webhook in webhooks:
        deleted = await client.delete(f"/systems/chicago/webhooks/{webhook['id']}")
        assert deleted.status_code == 200
    await award(client)
    assert await event_payloads(app) == []
    assert len((await client.get(instances_url())).json()["instances"]) == 1
