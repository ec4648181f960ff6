"""Awarding with a `claimCode`: the code is consumed in the same transaction as the award."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.factories.badges import LEVEL_PREFIXES, LEVELS, create_badge
from tests.factories.containers import create_tree
from tests.factories.instances import (
    event_payloads,
    instances_url,
    listen_to_events,
    stored_instances,
)


@pytest.fixture(autouse=True)
async def tree(client: httpx.AsyncClient) -> None:
    await create_tree(client)
    await listen_to_events(client)


async def add_code(client: httpx.AsyncClient, level: str = "system", **body: Any) -> dict[str, Any]:
    response = await client.post(f"{LEVEL_PREFIXES[level]}/badges/python-basics/codes", json=body)
    assert response.status_code == 201, response.text
    return response.json()["claimCode"]  # type: ignore[no-any-return]


async def code_as_stored(client: httpx.AsyncClient, code: str) -> dict[str, Any]:
    response = await client.get(f"/systems/chicago/badges/python-basics/codes/{code}")
    return response.json()["claimCode"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("level", LEVELS)
async def test_award_with_a_code_consumes_it(client: httpx.AsyncClient, level: str) -> None:
    await create_badge(client, level)
    await add_code(client, level, code="SUMMER-2014")
    response = await client.post(
        instances_url(level), json={"email": "Earner@example.org", "claimCode": "SUMMER-2014"}
    )
    assert response.status_code == 201, response.text
    assert response.json()["instance"]["claimCode"] == "SUMMER-2014"
    stored = await code_as_stored(client, "SUMMER-2014")
    assert stored["claimed"] is True
    assert stored["email"] == "earner@example.org"


async def test_a_used_code_is_refused_and_nothing_is_written(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    await create_badge(client)
    await add_code(client, code="once")
    first = await client.post(
        instances_url(), json={"email": "first@example.org", "claimCode": "once"}
    )
    assert first.status_code == 201

    response = await client.post(
        instances_url(), json={"email": "second@example.org", "claimCode": "once"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "CodeAlreadyUsed",
        "message": "Claim code `once` has already been claimed",
    }
    assert [row.email for row in await stored_instances(app)] == ["first@example.org"]
    assert len(await event_payloads(app, "award")) == 1
    assert (await code_as_stored(client, "once"))["email"] == "first@example.org"


async def test_an_unknown_code_is_a_404(client: httpx.AsyncClient, app: FastAPI) -> None:
    await create_badge(client)
    response = await client.post(
        instances_url(), json={"email": "earner@example.org", "claimCode": "no-such-code"}
    )
    assert response.status_code == 404
    assert response.json() == {
        "code": "ResourceNotFound",
        "message": "Could not find claimCode field: `code`, value: `no-such-code`",
    }
    assert await stored_instances(app) == []


async def test_a_code_of_another_badge_is_a_404(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    await create_badge(client, name="Other Badge")
    response = await client.post(
        "/systems/chicago/badges/other-badge/codes", json={"code": "other-code"}
    )
    assert response.status_code == 201
    response = await client.post(
        instances_url(), json={"email": "earner@example.org", "claimCode": "other-code"}
    )
    assert response.status_code == 404


async def test_a_multiuse_code_awards_many_earners(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    await add_code(client, code="open-day", multiuse=True)
    for email in ("one@example.org", "two@example.org"):
        response = await client.post(
            instances_url(), json={"email": email, "claimCode": "open-day"}
        )
        assert response.status_code == 201, response.text


async def test_a_duplicate_award_does_not_use_up_the_code(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    await add_code(client, code="once")
    first = await client.post(instances_url(), json={"email": "earner@example.org"})
    assert first.status_code == 201
    response = await client.post(
        instances_url(), json={"email": "earner@example.org", "claimCode": "once"}
    )
    assert response.status_code == 409
    assert (await code_as_stored(client, "once"))["claimed"] is False
