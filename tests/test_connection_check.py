"""Pooled connections: pinged before reuse only after sitting idle, and replaced when the
database has dropped them meanwhile (a restart, a failover, an idle timeout)."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from badgekit_api.config import Settings
from badgekit_api.db.connection_check import ping_idle_connections
from badgekit_api.db.database import PING_AFTER_IDLE_SECONDS, create_engine
from tests.security.support import app_with
from tests.support import make_client

IDLE_SECONDS = 0.2


@pytest.fixture
async def small_pool(settings: Settings) -> AsyncIterator[AsyncEngine]:
    if settings.is_sqlite:
        pytest.skip("SQLite has no server to drop connections")
    engine = create_async_engine(settings.database_url, pool_size=1, max_overflow=0)
    ping_idle_connections(engine, IDLE_SECONDS)
    yield engine
    await engine.dispose()


async def _connection_id(engine: AsyncEngine) -> int:
    own_id = "pg_backend_pid()" if engine.dialect.name == "postgresql" else "connection_id()"
    async with engine.connect() as connection:
        return int((await connection.execute(text(f"SELECT {own_id}"))).scalar_one())


async def _drop(engine: AsyncEngine, connection_id: int) -> None:
    """End that server connection from another one, as a database restart would."""
    killer = create_async_engine(engine.url)
    statement = (
        f"SELECT pg_terminate_backend({connection_id})"
        if engine.dialect.name == "postgresql"
        else f"KILL {connection_id}"
    )
    async with killer.connect() as connection:
        await connection.execute(text(statement))
    await killer.dispose()


def _count_pings(engine: AsyncEngine) -> list[int]:
    pings: list[int] = []
    original = engine.dialect.do_ping

    def counting_ping(dbapi_connection: object) -> bool:
        pings.append(1)
        return original(dbapi_connection)

    engine.dialect.do_ping = counting_ping  # type: ignore[method-assign]
    return pings


async def test_a_connection_dropped_while_idle_is_replaced_before_use(
    small_pool: AsyncEngine,
) -> None:
    first = await _connection_id(small_pool)
    await _drop(small_pool, first)
    await asyncio.sleep(IDLE_SECONDS * 2)

    # The one pooled connection is dead: the ping finds out and the pool makes a new one.
    second = await _connection_id(small_pool)
    assert second != first


async def test_a_connection_just_handed_back_is_not_pinged(small_pool: AsyncEngine) -> None:
    pings = _count_pings(small_pool)
    first = await _connection_id(small_pool)
    for _ in range(5):
        assert await _connection_id(small_pool) == first
    assert pings == []

    await asyncio.sleep(IDLE_SECONDS * 2)
    assert await _connection_id(small_pool) == first
    assert pings == [1]


async def test_the_server_engine_replaces_connections_dropped_while_idle(
    settings: Settings,
) -> None:
    if settings.is_sqlite:
        pytest.skip("SQLite has no server to drop connections")
    engine = create_engine(settings)
    try:
        first = await _connection_id(engine)
        await _drop(engine, first)
        await asyncio.sleep(PING_AFTER_IDLE_SECONDS + 0.2)
        assert await _connection_id(engine) != first
    finally:
        await engine.dispose()


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_a_connection_dropped_between_requests_costs_one_503(
    settings: Settings, method: str
) -> None:
    """A read (on PostgreSQL, run on the driver: db/driver.py) or a write whose pooled
    connection the database dropped a moment ago (too soon for the idle ping) answers 503
    in the BadgeKit format, and the pool is replaced: the next request is served."""
    if settings.is_sqlite:
        pytest.skip("SQLite has no server to drop connections")
    one_connection = settings.model_copy(
        update={"database_pool_size": 1, "database_max_overflow": 0}
    )
    async with app_with(one_connection) as app, make_client(app) as client:
        new_system = {"slug": "dropped", "name": "Dropped", "url": "https://example.org"}
        assert (await client.post("/systems", json=new_system)).status_code == 201

        def request() -> Any:
            if method == "GET":
                return client.get("/systems/dropped")
            other = {
                "slug": f"other-{secrets.token_hex(3)}",
                "name": "Other",
                "url": new_system["url"],
            }
            return client.post("/systems", json=other)

        await _drop(app.state.engine, await _connection_id(app.state.engine))
        failed = await request()
        assert failed.status_code == 503, failed.text
        assert failed.json() == {
            "code": "ServiceUnavailable",
            "message": "Database is unavailable",
        }

        served = await request()
        assert served.status_code in (200, 201), served.text
        listed = (await client.get("/systems")).json()["systems"]
        assert len(listed) == (1 if method == "GET" else 2)
