"""A database that cannot be reached is a quick 503 `ServiceUnavailable`, not a 500 or a hang.

In-process apps on databases that are not there: nothing listens on the port, a socket
accepts and never speaks, or every pooled connection is taken.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import exc as sa_exc

from badgekit_api.config import Settings
from badgekit_api.errors import is_database_unavailable
from badgekit_api.main import create_app
from tests.live_server import free_port
from tests.support import TEST_SECRET, make_client

UNAVAILABLE = {"code": "ServiceUnavailable", "message": "Database is unavailable"}
NOWHERE = {
    "postgresql": "postgresql+asyncpg://postgres@127.0.0.1:{port}/nowhere",
    "mysql": "mysql+asyncmy://root@127.0.0.1:{port}/nowhere?charset=utf8mb4",
}


async def _signed_get(app: FastAPI, path: str) -> tuple[Any, float]:
    async with make_client(app) as client:
        began = time.monotonic()
        response = await client.get(path)
        return response, time.monotonic() - began


@pytest.fixture
async def apps() -> AsyncIterator[list[FastAPI]]:
    made: list[FastAPI] = []
    yield made
    for app in made:
        await app.state.engine.dispose()


def _app(apps: list[FastAPI], url: str, **settings: Any) -> FastAPI:
    app = create_app(Settings(database_url=url, master_secret=TEST_SECRET, **settings))
    apps.append(app)
    return app


@pytest.mark.parametrize("backend", sorted(NOWHERE))
async def test_nothing_listening_is_a_quick_503(apps: list[FastAPI], backend: str) -> None:
    app = _app(apps, NOWHERE[backend].format(port=free_port()))
    for path in ("/systems", "/systems/chicago/badges"):
        response, seconds = await _signed_get(app, path)
        assert response.status_code == 503, response.text
        assert response.json() == UNAVAILABLE
        assert response.headers["retry-after"] == "5"
        assert seconds < 1


async def test_a_database_that_accepts_and_never_answers_times_out_as_a_503(
    apps: list[FastAPI],
) -> None:
    # The MySQL driver bounds only the TCP connect, not the handshake after it: PostgreSQL
    # only here (see docs/reliability.md).
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = NOWHERE["postgresql"].format(port=silent.getsockname()[1])
        app = _app(apps, url, database_connect_timeout_seconds=1)
        response, seconds = await _signed_get(app, "/systems")
    assert response.status_code == 503, response.text
    assert response.json() == UNAVAILABLE
    assert 1 <= seconds < 3


async def test_a_pool_with_no_free_connection_is_a_503_after_the_pool_timeout(
    apps: list[FastAPI], settings: Settings
) -> None:
    if settings.is_sqlite:
        pytest.skip("SQLite has no server to share connections to")
    app = _app(apps, settings.database_url, database_pool_timeout_seconds=0.5)
    engine = app.state.engine
    held = [await engine.connect() for _ in range(engine.pool.size() + engine.pool._max_overflow)]
    try:
        response, seconds = await _signed_get(app, "/systems")
    finally:
        await asyncio.gather(*(connection.close() for connection in held))
    assert response.status_code == 503, response.text
    assert response.json() == UNAVAILABLE
    assert 0.5 <= seconds < 2.5
    response, _seconds = await _signed_get(app, "/systems")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("error", "unavailable"),
    [
        (sa_exc.OperationalError(None, None, Exception("connection refused")), True),
        (sa_exc.DBAPIError(None, None, Exception("the database system is starting up")), True),
        (sa_exc.InterfaceError("SELECT 1", None, Exception("connection is closed")), True),
        (sa_exc.TimeoutError("QueuePool limit reached"), True),
        (sa_exc.DBAPIError("SELECT 1", None, Exception("lost"), connection_invalidated=True), True),
        (sa_exc.OperationalError("UPDATE", None, Exception("(1213) Deadlock found")), False),
        (sa_exc.DBAPIError("SELECT 1", None, Exception("odd")), False),
        (sa_exc.IntegrityError("INSERT", None, Exception("duplicate key")), False),
        (sa_exc.ProgrammingError("SELEC 1", None, Exception("syntax error")), False),
        (ValueError("not a database error"), False),
    ],
)
def test_which_errors_mean_the_database_is_unavailable(
    error: BaseException, unavailable: bool
) -> None:
    assert is_database_unavailable(error) is unavailable
