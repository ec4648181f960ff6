"""Brute-force limits: failures counted per client (or per claim code) in fixed windows.

The counters live where every server process sees them: in the database (one upsert per
failure, so concurrent failures on many hosts all count) or in Redis when `REDIS_URL` is
set (INCR with an absolute expiry). Only failures are counted, and the counters are read
only once a request has failed: a request that succeeds costs them nothing, and is never
refused because others in its bucket failed (behind a proxy, every client may share one
address). Once a bucket has had its limit in the current window, each further failure in
it answers 429 with `Retry-After` instead of its own error until the window ends.
"""

from __future__ import annotations

import hashlib
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.db.database import SessionFactory, write_transaction
from badgekit_api.db.driver import fetch_rows
from badgekit_api.db.json_sql import one_of
from badgekit_api.errors import TooManyRequests
from badgekit_api.models import FailureCounter

if TYPE_CHECKING:
    from redis.asyncio import Redis

WINDOW_SECONDS = 60
PURGE_CHANCE = 0.02
Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class FailureLimit:
    """At most `per_window` failures of one kind per subject and window; 0 turns it off."""

    kind: str
    per_window: int
    message: str

    def bucket(self, subject: str) -> str:
        # Hashed: a fixed length whatever the subject, and no claim codes stored in clear.
        return f"{self.kind}:{hashlib.sha256(subject.encode()).hexdigest()[:64]}"


@dataclass(frozen=True, slots=True)
class WindowCheck:
    """One limit's bucket in the current window, ready to be compared with its count."""

    limit: FailureLimit
    bucket: str
    window: int
    seconds_left: float

    def enforce(self, failures: int) -> None:
        if failures >= self.limit.per_window:
            retry_after = max(1, math.ceil(self.seconds_left))
            raise TooManyRequests(
                f"{self.limit.message}; try again in {retry_after} seconds",
                retry_after=retry_after,
            )


class CounterStore(Protocol):
    async def counts(self, buckets: Sequence[str], window: int) -> dict[str, int]: ...

    async def add(self, buckets: Sequence[str], window: int, window_end: float) -> None: ...


# Built once: every failing request runs it, and building it costs more than running it.
# On PostgreSQL it runs on the driver (db/driver.py), in no transaction: one round trip.
_COUNTERS = FailureCounter.__table__
_COUNTS = select(_COUNTERS.c.bucket, _COUNTERS.c.failures).where(
    one_of(_COUNTERS.c.bucket, "buckets"), _COUNTERS.c.time_window == bindparam("window")
)


class DatabaseCounters:
    """Counters in the `failure_counters` table; stale windows are purged now and then."""

    def __init__(
        self,
        session_factory: SessionFactory,
        *,
        purge_chance: float = PURGE_CHANCE,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.session_factory = session_factory
        self.purge_chance = purge_chance
        self.rng = rng

    async def counts(self, buckets: Sequence[str], window: int) -> dict[str, int]:
        async with self.session_factory() as session:
            rows = await fetch_rows(session, _COUNTS, {"buckets": list(buckets), "window": window})
        return {row.bucket: row.failures for row in rows}

    async def add(self, buckets: Sequence[str], window: int, window_end: float) -> None:
        async with write_transaction(self.session_factory) as session:
            for bucket in buckets:
                await session.execute(_increment(session, bucket, window))
            if self.rng() < self.purge_chance:
                await session.execute(
                    delete(FailureCounter).where(FailureCounter.time_window < window)
                )


def _increment(session: AsyncSession, bucket: str, window: int) -> Any:
    """One atomic statement that inserts the counter at 1 or adds 1 to it."""
    values = {"bucket": bucket, "time_window": window, "failures": 1}
    plus_one = {"failures": FailureCounter.failures + 1}
    dialect = session.get_bind().dialect.name
    if dialect == "mysql":
        return mysql.insert(FailureCounter).values(**values).on_duplicate_key_update(**plus_one)
    # PostgreSQL and SQLite spell the upsert the same way.
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(FailureCounter)
        .values(**values)
        .on_conflict_do_update(
            index_elements=[FailureCounter.bucket, FailureCounter.time_window], set_=plus_one
        )
    )


class RedisCounters:
    """Counters as Redis keys that expire when their window is over."""

    def __init__(self, redis: Redis, *, prefix: str = "badgekit:failures:") -> None:
        self.redis = redis
        self.prefix = prefix

    def _key(self, bucket: str, window: int) -> str:
        return f"{self.prefix}{bucket}:{window}"

    async def counts(self, buckets: Sequence[str], window: int) -> dict[str, int]:
        values = await self.redis.mget([self._key(bucket, window) for bucket in buckets])
        return {bucket: int(value) for bucket, value in zip(buckets, values, strict=True) if value}

    async def add(self, buckets: Sequence[str], window: int, window_end: float) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            for bucket in buckets:
                key = self._key(bucket, window)
                pipe.incr(key)
                pipe.expireat(key, math.ceil(window_end) + 1)
            await pipe.execute()


class FailureLimiter:
    """Counts failures against limits, in windows of `window_seconds`."""

    def __init__(
        self, store: CounterStore, *, clock: Clock = time.time, window_seconds: int = WINDOW_SECONDS
    ) -> None:
        self.store = store
        self.clock = clock
        self.window_seconds = window_seconds

    async def count_failure(self, *failures: tuple[FailureLimit, str]) -> None:
        """Count one failure for each (limit, subject); or, when any of them has used up
        its window already, raise TooManyRequests instead and count nothing: the answer
        stays the same until the window ends, and a flood of failures costs no writes.

        Called on the failure path only, after the request has given its connection back
        (a second one taken while holding the first can exhaust the pool under load).
        Concurrent failures may each find the bucket just under its limit and all count:
        the limit slows guessing down, it does not need to be exact.
        """
        now = self.clock()  # one window for all of them
        checks = [
            check
            for check in (self._window_check(limit, subject, now) for limit, subject in failures)
            if check is not None
        ]
        if not checks:
            return
        window = checks[0].window
        counts = await self.store.counts([check.bucket for check in checks], window)
        for check in checks:
            check.enforce(counts.get(check.bucket, 0))
        await self.store.add([check.bucket for check in checks], window, self._window_end(window))

    def _window_check(self, limit: FailureLimit, subject: str, now: float) -> WindowCheck | None:
        """The check of one (limit, subject) in the window of `now`; None when the limit is
        off."""
        if not limit.per_window:
            return None
        window = self._window(now)
        return WindowCheck(limit, limit.bucket(subject), window, self._window_end(window) - now)

    def _window(self, now: float) -> int:
        return int(now // self.window_seconds)

    def _window_end(self, window: int) -> float:
        return float((window + 1) * self.window_seconds)
