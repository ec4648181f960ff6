"""State every server process must share: failure counters and used token ids.

Kept in the database by default, or in Redis when `REDIS_URL` is set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from badgekit_api.config import Settings
from badgekit_api.db.database import SessionFactory
from badgekit_api.security.ratelimit import DatabaseCounters, FailureLimiter, RedisCounters
from badgekit_api.security.replay import DatabaseSeenTokens, RedisSeenTokens, SeenTokens

if TYPE_CHECKING:
    from redis.asyncio import Redis


@dataclass(slots=True)
class SharedState:
    limiter: FailureLimiter
    seen_tokens: SeenTokens
    redis: Redis | None = None

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()


def connect_redis(url: str) -> Redis:
    """A client for `url` (it connects on first use)."""
    from redis.asyncio import Redis

    client: Redis = Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
    return client


def build_shared_state(settings: Settings, session_factory: SessionFactory) -> SharedState:
    if settings.redis_url:
        redis = connect_redis(settings.redis_url)
        return SharedState(FailureLimiter(RedisCounters(redis)), RedisSeenTokens(redis), redis)
    return SharedState(
        FailureLimiter(DatabaseCounters(session_factory)), DatabaseSeenTokens(session_factory)
    )
