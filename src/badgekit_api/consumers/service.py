"""Create consumer keys; the secret is random and shown to the caller once."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.errors import NotFound
from badgekit_api.models import Consumer, System


async def create(session: AsyncSession, system_slug: str) -> Consumer:
    system = await session.scalar(select(System).where(System.slug == system_slug))
    if system is None:
        raise NotFound.for_field("system", "slug", system_slug)
    consumer = Consumer(
        key=f"{system_slug[:20]}-{secrets.token_hex(8)}",
        secret=secrets.token_urlsafe(32),
        system_id=system.id,
    )
    session.add(consumer)
    await session.flush()
    return consumer
