"""Ids and counts beyond the 32-bit INTEGER columns: refused with a 400 (in a body) or not
found (in a path), never sent to PostgreSQL or MariaDB, which would fail the statement
(MariaDB answered 500 to a badge `timeValue` of 2**58 before; found by the fuzz run)."""

from __future__ import annotations

import httpx
import pytest

from tests.factories.badges import create_badge
from tests.factories.containers import create_system

TOO_BIG = 2**31
HUGE = 2**58


@pytest.mark.parametrize("field", ["timeValue", "limit"])
@pytest.mark.parametrize("value", [TOO_BIG, HUGE])
async def test_a_badge_count_beyond_the_column_is_a_400_and_changes_nothing(
    client: httpx.AsyncClient, field: str, value: int
) -> None:
    await create_system(client)
    await create_badge(client, "system", slug="reader", timeValue=5, limit=7)
    response = await client.put("/systems/chicago/badges/reader", json={field: value})
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "ValidationError"
    badge = (await client.get("/systems/chicago/badges/reader")).json()["badge"]
    assert (badge["timeValue"], badge["limit"]) == (5, 7)


async def test_the_largest_stored_count_is_accepted(client: httpx.AsyncClient) -> None:
    await create_system(client)
    await create_badge(client, "system", slug="reader")
    response = await client.put("/systems/chicago/badges/reader", json={"timeValue": TOO_BIG - 1})
    assert response.status_code == 200, response.text
    assert response.json()["badge"]["timeValue"] == TOO_BIG - 1


@pytest.mark.parametrize("milestone_id", [str(TOO_BIG), str(HUGE), "0", "9" * 30])
async def test_a_milestone_id_beyond_the_column_is_not_found(
    client: httpx.AsyncClient, milestone_id: str
) -> None:
    await create_system(client, slug="city")
    response = await client.get(f"/systems/city/milestones/{milestone_id}")
    assert response.status_code == 404, response.text


@pytest.mark.parametrize("webhook_id", [str(TOO_BIG), str(HUGE)])
async def test_a_webhook_id_beyond_the_column_is_not_found(
    client: httpx.AsyncClient, webhook_id: str
) -> None:
    await create_system(client, slug="city")
    for path in (
        f"/systems/city/webhooks/{webhook_id}",
        f"/systems/city/webhooks/{webhook_id}/deliveries",
    ):
        response = await client.get(path)
        assert response.status_code == 404, response.text


async def test_a_milestone_badge_id_beyond_the_column_is_a_400(client: httpx.AsyncClient) -> None:
    await create_system(client, slug="city")
    response = await client.post(
        "/systems/city/milestones",
        json={"primaryBadgeId": HUGE, "supportBadges": [1], "numberRequired": 1},
    )
    assert response.status_code == 400, response.text
    assert (await client.get("/systems/city/milestones")).json()["milestones"] == []
