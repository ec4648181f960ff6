"""Per-system API keys, created through the service the CLI uses."""

from __future__ import annotations

from fastapi import FastAPI

from badgekit_api.consumers import service as consumer_service


async def create_consumer(app: FastAPI, system_slug: str) -> tuple[str, str]:
    """A new consumer key for `system_slug`: (key, secret)."""
    async with app.state.session_factory() as session, session.begin():
        consumer = await consumer_service.create(session, system_slug)
        return consumer.key, consumer.secret
