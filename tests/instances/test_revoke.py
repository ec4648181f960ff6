"""Revoking: `DELETE .../badges/:slug/instances/:email` takes the award back but keeps it."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from tests.factories.badges import LEVELS, create_badge
from tests.factories.containers import create_tree
from tests.factories.instances import (
    award,
    event_payloads,
    instances_url,
    listen_to_events,
    stored_instances,
)


@pytest.fixture(autouse=True)
async def tree(client: httpx.AsyncClient) -> None:
    await create_tree(client)
    await listen_to_events(client)


@pytest.mark.parametrize("level", LEVELS)
async def test_revoke_answers_the_instance_and_keeps_the_record(
    client: httpx.AsyncClient, app: FastAPI, level: str
) -> None:
    await create_badge(client, level)
    instance = await award(client, level)

    response = await client.request(
        "DELETE",
        f"{instances_url(level)}/Earner@example.org",
        json={"reason": "Plagiarised evidence"},
    )
    assert response.status_code == 200
    assert response.json() == {"status": "deleted", "instance": instance}

    [row] = await stored_instances(app)
    assert row.slug == instance["slug"]
    assert row.live is None
    assert row.revoked_at is not None
    assert row.revocation_reason == "Plagiarised evidence"
    gone = await client.get(f"{instances_url(level)}/earner@example.org")
    assert gone.status_code == 404
    assert (await client.get(instances_url(level))).json() == {"instances": []}


async def test_revoked_assertion_answers_as_revoked(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_badge(client)
    instance = await award(client)
    assert (await client.delete(f"{instances_url()}/earner@example.org")).status_code == 200
    response = await anon.get(
        f"/public/assertions/{instance['slug']}", headers={"accept": "application/json"}
    )
    assert response.status_code == 410


async def test_reason_may_come_in_the_query(client: httpx.AsyncClient, app: FastAPI) -> None:
    await create_badge(client)
    await award(client)
    response = await client.delete(
        f"{instances_url()}/earner@example.org", params={"reason": "Issued by mistake"}
    )
    assert response.status_code == 200
    [row] = await stored_instances(app)
    assert row.revocation_reason == "Issued by mistake"


async def test_revoking_twice_is_a_404_the_second_time(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    await create_badge(client)
    await award(client)
    assert (await client.delete(f"{instances_url()}/earner@example.org")).status_code == 200

    response = await client.delete(f"{instances_url()}/earner@example.org")
    assert response.status_code == 404
    assert response.json() == {
        "code": "ResourceNotFound",
        "message": "Could not find badgeInstance field: `email`, value: `earner@example.org`",
    }
    assert len(await event_payloads(app, "revoke")) == 1


async def test_revoke_writes_the_documented_event(client: httpx.AsyncClient, app: FastAPI) -> None:
    await create_badge(client)
    instance = await award(client)
    await client.delete(f"{instances_url()}/earner@example.org")

    [event] = await event_payloads(app, "revoke")
    assert event == {
        "action": "revoke",
        "uid": instance["slug"],
        "badge": instance["badge"],
        "email": "earner@example.org",
    }


async def test_revoking_an_unknown_earner_writes_nothing(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    await create_badge(client)
    await award(client)
    response = await client.delete(f"{instances_url()}/someone@example.org")
    assert response.status_code == 404
    assert await event_payloads(app, "revoke") == []
    [row] = await stored_instances(app)
    assert row.live is True


async def test_revoke_through_another_badge_is_a_404(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    await create_badge(client, name="Other")
    await award(client)
    response = await client.delete(f"{instances_url(badge='other')}/earner@example.org")
    assert response.status_code == 404
