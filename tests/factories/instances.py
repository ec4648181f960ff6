"""Award badges, make milestones and read back what awards wrote, through the API where
it shows it and from the database where it does not (revoked rows, applications, events)."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import undefer

from badgekit_api.models import Application, BadgeInstance, WebhookEvent
from tests.factories.badges import LEVEL_PREFIXES

RECEIVER = "https://issuer.example.org/hooks/badgekit"


def instances_url(level: str = "system", badge: str = "python-basics") -> str:
    return f"{LEVEL_PREFIXES[level]}/badges/{badge}/instances"


async def award(
    client: httpx.AsyncClient,
    level: str = "system",
    badge: str = "python-basics",
    email: str = "earner@example.org",
    **fields: Any,
) -> dict[str, Any]:
    """Award `badge` to `email` and return the instance as shown."""
    response = await client.post(instances_url(level, badge), json={"email": email, **fields})
    assert response.status_code == 201, response.text
    return response.json()["instance"]  # type: ignore[no-any-return]


async def create_milestone(
    client: httpx.AsyncClient,
    primary: dict[str, Any],
    supports: list[dict[str, Any]],
    number_required: int | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A milestone of `primary` over `supports` (badge objects as the API shows them)."""
    body = {
        "primaryBadgeId": primary["id"],
        "supportBadges": [badge["id"] for badge in supports],
        "numberRequired": number_required or len(supports),
        **fields,
    }
    response = await client.post("/systems/chicago/milestones", json=body)
    assert response.status_code == 201, response.text
    return response.json()["milestone"]  # type: ignore[no-any-return]


async def listen_to_events(client: httpx.AsyncClient, system: str = "chicago") -> None:
    """Register a webhook, so the system's events are written to the outbox."""
    response = await client.post(f"/systems/{system}/webhooks", json={"url": RECEIVER})
    assert response.status_code == 201, response.text


async def event_payloads(app: FastAPI, action: str | None = None) -> list[dict[str, Any]]:
    """The payloads queued so far, oldest first (optionally only one action's)."""
    statement = (
        select(WebhookEvent)
        .options(undefer(WebhookEvent.payload))
        .order_by(WebhookEvent.created_at, WebhookEvent.id)
    )
    if action is not None:
        statement = statement.where(WebhookEvent.action == action)
    async with app.state.session_factory() as session:
        return [orjson.loads(event.payload) for event in await session.scalars(statement)]


async def stored_instances(app: FastAPI) -> list[BadgeInstance]:
    """Every instance row, revoked ones included, oldest first."""
    async with app.state.session_factory() as session:
        return list(await session.scalars(select(BadgeInstance).order_by(BadgeInstance.id)))


async def stored_applications(app: FastAPI) -> list[Application]:
    async with app.state.session_factory() as session:
        return list(await session.scalars(select(Application).order_by(Application.id)))
