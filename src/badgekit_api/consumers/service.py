"""Consumer keys: create, list, rotate and revoke; a secret is shown to the caller once.

The caller owns the transaction: these only flush.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from badgekit_api.errors import Conflict, NotFound
from badgekit_api.models import Consumer, System
from badgekit_api.models.base import utcnow


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


async def create(session: AsyncSession, system_slug: str) -> Consumer:
    """A new key for the system named `system_slug`; 404 when there is no such system."""
    system = await session.scalar(select(System).where(System.slug == system_slug))
    if system is None:
        raise NotFound.for_field("system", "slug", system_slug)
    consumer = Consumer(
        key=f"{system_slug[:20]}-{secrets.token_hex(8)}",
        secret=_new_secret(),
        system_id=system.id,
        system=system,
    )
    session.add(consumer)
    await session.flush()
    return consumer


def list_statement(system_slug: str | None = None) -> Select[Consumer]:
    """Every key (revoked ones too) in creation order, optionally of one system."""
    statement = select(Consumer).options(joinedload(Consumer.system)).order_by(Consumer.id)
    if system_slug is not None:
        statement = statement.join(Consumer.system).where(System.slug == system_slug)
    return statement


def by_key(key: str) -> Select[Consumer]:
    """The consumer with this key (revoked or not), with its system."""
    return select(Consumer).options(joinedload(Consumer.system)).where(Consumer.key == key)


async def get(session: AsyncSession, key: str) -> Consumer:
    consumer = await session.scalar(by_key(key))
    if consumer is None:
        raise NotFound.for_field("consumer", "key", key)
    return consumer


async def rotate(session: AsyncSession, consumer: Consumer, overlap: timedelta) -> Consumer:
    """Give the key a new secret; the current one keeps working for `overlap` more."""
    _refuse_revoked(consumer)
    now = utcnow()
    consumer.previous_secret = consumer.secret if overlap > timedelta(0) else None
    consumer.previous_secret_expires_at = now + overlap if overlap > timedelta(0) else None
    consumer.secret = _new_secret()
    consumer.rotated_at = now
    await session.flush()
    return consumer


async def revoke(session: AsyncSession, consumer: Consumer) -> Consumer:
    """Refuse the key (and every secret of it) from now on; the record stays."""
    _refuse_revoked(consumer)
    consumer.revoked_at = utcnow()
    consumer.previous_secret = None
    consumer.previous_secret_expires_at = None
    await session.flush()
    return consumer


def valid_secrets(consumer: Consumer, now: datetime) -> list[str]:
    """The secrets a token of this key may be signed with right now."""
    if consumer.revoked_at is not None:
        return []
    valid = [consumer.secret]
    expires = consumer.previous_secret_expires_at
    if consumer.previous_secret and expires is not None and now < expires:
        valid.append(consumer.previous_secret)
    return valid


def _refuse_revoked(consumer: Consumer) -> None:
    if consumer.revoked_at is not None:
        raise Conflict("consumer key has been revoked", details={"key": consumer.key})
