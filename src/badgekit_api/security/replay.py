"""Replay protection: each (key, jti) of a token is accepted once until the token expires.

The seen set is shared by every server process: rows of `seen_tokens` whose primary key
refuses a second insert (so the database settles races between hosts), or Redis keys set
with NX when `REDIS_URL` is set. Expired entries are purged now and then.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, cast

from sqlalchemy import CursorResult, delete
from sqlalchemy.exc import IntegrityError

from badgekit_api.db.database import SessionFactory, write_transaction
from badgekit_api.models import SeenToken

if TYPE_CHECKING:
    from redis.asyncio import Redis

PURGE_CHANCE = 0.02
Clock = Callable[[], float]


class SeenTokens(Protocol):
    async def first_use(self, key: str, jti: str, expires_at: float) -> bool:
        """Remember (key, jti) until `expires_at`; False when it was already remembered."""
        ...


class DatabaseSeenTokens:
    def __init__(
        self,
        session_factory: SessionFactory,
        *,
        clock: Clock = time.time,
        purge_chance: float = PURGE_CHANCE,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.session_factory = session_factory
        self.clock = clock
        self.purge_chance = purge_chance
        self.rng = rng

    async def first_use(self, key: str, jti: str, expires_at: float) -> bool:
        now = _datetime(self.clock())
        try:
            async with write_transaction(self.session_factory) as session:
                if self.rng() < self.purge_chance:
                    await session.execute(delete(SeenToken).where(SeenToken.expires_at <= now))
                session.add(SeenToken(key=key, jti=jti, expires_at=_datetime(expires_at)))
                await session.flush()
            return True
        except IntegrityError:
            pass
        # Taken: by a live token (a replay), or by one that expired and was not purged yet.
        try:
            async with write_transaction(self.session_factory) as session:
                result = await session.execute(
                    delete(SeenToken).where(
                        SeenToken.key == key, SeenToken.jti == jti, SeenToken.expires_at <= now
                    )
                )
                if cast(CursorResult[Any], result).rowcount != 1:
                    return False
                session.add(SeenToken(key=key, jti=jti, expires_at=_datetime(expires_at)))
                await session.flush()
            return True
        except IntegrityError:
            return False


class RedisSeenTokens:
    def __init__(
        self, redis: Redis, *, clock: Clock = time.time, prefix: str = "badgekit:jti:"
    ) -> None:
        self.redis = redis
        self.clock = clock
        self.prefix = prefix

    async def first_use(self, key: str, jti: str, expires_at: float) -> bool:
        ttl_ms = max(1, int((expires_at - self.clock()) * 1000))
        # The key's length prefix keeps ("a:b", "c") and ("a", "b:c") apart.
        stored = await self.redis.set(f"{self.prefix}{len(key)}:{key}:{jti}", 1, nx=True, px=ttl_ms)
        return bool(stored)


def _datetime(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)
