"""Errors outside any one resource: unknown routes, wrong methods, bad parameters, crashes."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import exc as sa_exc
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from badgekit_api.config import Settings
from badgekit_api.db.database import SessionDep
from badgekit_api.errors import is_transient_conflict
from badgekit_api.main import create_app
from tests.factories.containers import create_system
from tests.support import make_client

SECRET_DETAIL = "password=hunter2 at /srv/badgekit/secret.py"


@pytest.fixture(scope="module")
async def crashing_app(settings: Settings) -> AsyncIterator[FastAPI]:
    """A fresh app with throwaway routes: one that crashes, one with a typed parameter."""
    app = create_app(settings.model_copy(update={"max_body_bytes": 1024}))

    @app.get("/test-only/crash")
    async def crash() -> None:
        raise RuntimeError(SECRET_DETAIL)

    @app.get("/test-only/typed")
    async def typed(number: int) -> dict[str, int]:
        return {"number": number}

    @app.post("/test-only/rename-systems")
    async def rename_systems(session: SessionDep) -> None:
        """Wait only briefly for row locks, then touch every system."""
        if session.get_bind().dialect.name == "postgresql":
            await session.execute(text("SET LOCAL lock_timeout = '50ms'"))
        else:
            await session.execute(text("SET SESSION innodb_lock_wait_timeout = 1"))
        await session.execute(text("UPDATE systems SET name = 'renamed'"))

    app.state.first_lock_taken = asyncio.Event()
    app.state.go_on = asyncio.Event()

    @app.post("/test-only/deadlock-in-savepoint")
    async def deadlock_in_savepoint(session: SessionDep) -> None:
        """Lock system `one`, wait for the test's go, then lock `two`, inside a SAVEPOINT
        (as a made-up slug's retry or an award does)."""
        async with session.begin_nested():
            await session.execute(text("UPDATE systems SET name = 'mine' WHERE slug = 'one'"))
            app.state.first_lock_taken.set()
            await app.state.go_on.wait()
            await session.execute(text("UPDATE systems SET name = 'mine' WHERE slug = 'two'"))

    yield app
    await app.state.engine.dispose()


@pytest.fixture
async def crashing(crashing_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(crashing_app) as client:
        yield client


@pytest.mark.parametrize("path", ["/no/such/route", "/systems/chicago/nothing-here", "/public"])
async def test_an_unknown_route_is_a_404_in_the_badgekit_format(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, path: str
) -> None:
    for caller in (client, anon):
        response = await caller.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/json"
        assert response.json() == {"code": "ResourceNotFound", "message": "Not found"}


@pytest.mark.parametrize(
    ("method", "path"),
    [("PATCH", "/systems"), ("DELETE", "/systems"), ("POST", "/systems/chicago"), ("PUT", "/")],
)
async def test_a_wrong_method_is_a_405_in_the_badgekit_format(
    client: httpx.AsyncClient, method: str, path: str
) -> None:
    response = await client.request(method, path)
    assert response.status_code == 405
    assert response.json() == {"code": "MethodNotAllowed", "message": "Method not allowed"}
    assert response.headers["allow"]


async def test_an_internal_error_answers_a_generic_500_and_is_logged(
    crashing: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="badgekit_api"):
        response = await crashing.get("/test-only/crash")
    assert response.status_code == 500
    assert response.json() == {"code": "InternalError", "message": "Internal server error"}
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text
    assert any("/test-only/crash" in record.getMessage() for record in caplog.records)


async def test_a_badly_typed_parameter_is_a_validation_error(crashing: httpx.AsyncClient) -> None:
    response = await crashing.get("/test-only/typed", params={"number": "many"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "ValidationError"
    assert body["message"] == "Could not validate required fields"
    assert [(detail["field"], detail["value"]) for detail in body["details"]] == [
        ("number", "many")
    ]


async def test_a_body_over_the_limit_is_a_413(crashing: httpx.AsyncClient) -> None:
    body = {
        "slug": "big",
        "name": "Big",
        "url": "https://big.example.org",
        "description": "x" * 2000,
    }
    response = await crashing.post("/systems", json=body)
    assert response.status_code == 413
    assert response.json()["code"] == "PayloadTooLarge"
    listing = await crashing.get("/systems")
    assert listing.json() == {"systems": []}


@pytest.mark.parametrize("query", ["page=0&count=2", "page=1&count=-1", "page=x&count=2"])
async def test_a_bad_page_parameter_is_an_invalid_parameter_error(
    client: httpx.AsyncClient, query: str
) -> None:
    response = await client.get(f"/systems?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "InvalidParameter"
    assert body["parameter"] in ("page", "count")


async def test_losing_a_lock_race_is_a_503_to_retry_and_changes_nothing(
    client: httpx.AsyncClient, crashing: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite takes one writer at a time; a waiting writer is never refused")
    await create_system(client, slug="chicago", name="Chicago")
    async with engine.connect() as holder:
        # Another transaction holds the row: the request's lock wait times out.
        await holder.execute(text("UPDATE systems SET name = 'held'"))
        response = await crashing.post("/test-only/rename-systems")
        await holder.rollback()
    assert response.status_code == 503
    assert response.json()["code"] == "ServiceUnavailable"
    assert "try it again" in response.json()["message"]
    assert response.headers["retry-after"] == "1"
    async with engine.connect() as reader:
        assert await reader.scalar(select(text("name")).select_from(text("systems"))) == "Chicago"


async def test_a_deadlock_inside_a_savepoint_is_a_503_on_mariadb(
    client: httpx.AsyncClient,
    crashing: httpx.AsyncClient,
    crashing_app: FastAPI,
    engine: AsyncEngine,
) -> None:
    """InnoDB rolls the whole transaction back on a deadlock, savepoints included, so the
    ROLLBACK TO SAVEPOINT that follows fails (1305) and hides the deadlock (1213) behind it:
    the request answered 500 instead of the 503 that says to send it again."""
    if engine.dialect.name != "mysql":
        pytest.skip("only InnoDB loses the savepoint along with the deadlocked transaction")
    for slug in ("one", "two", "heavy-1", "heavy-2", "heavy-3", "heavy-4", "heavy-5"):
        await create_system(client, slug=slug, name=slug.title())
    crashing_app.state.first_lock_taken.clear()
    crashing_app.state.go_on.clear()
    async with engine.connect() as holder:
        # The holder changes more rows than the request, so InnoDB picks the request as the
        # deadlock's victim.
        await holder.execute(text("UPDATE systems SET name = 'held' WHERE slug LIKE 'heavy-%'"))
        await holder.execute(text("UPDATE systems SET name = 'held' WHERE slug = 'two'"))
        request = asyncio.create_task(crashing.post("/test-only/deadlock-in-savepoint"))
        await asyncio.wait_for(crashing_app.state.first_lock_taken.wait(), timeout=10)
        waiting = asyncio.create_task(
            holder.execute(text("UPDATE systems SET name = 'held' WHERE slug = 'one'"))
        )
        await asyncio.sleep(0.3)  # the holder now waits for `one`
        crashing_app.state.go_on.set()
        response = await request
        await waiting
        await holder.rollback()

    assert response.status_code == 503, response.text
    assert response.json()["code"] == "ServiceUnavailable"
    assert response.headers["retry-after"] == "1"
    async with engine.connect() as reader:
        rows = await reader.execute(text("SELECT name FROM systems WHERE slug IN ('one', 'two')"))
        assert sorted(rows.scalars()) == ["One", "Two"]


@pytest.mark.parametrize(
    ("cause", "conflict"),
    [
        (sqlite3.OperationalError("database is locked"), True),  # SQLite's busy timeout
        (sqlite3.OperationalError("no such table: badges"), False),  # a bug: stays a 500
        (sqlite3.IntegrityError("UNIQUE constraint failed"), False),
    ],
)
def test_only_a_lost_lock_race_counts_as_a_conflict_to_retry(
    cause: Exception, conflict: bool
) -> None:
    wrapper = (
        sa_exc.OperationalError
        if isinstance(cause, sqlite3.OperationalError)
        else sa_exc.IntegrityError
    )
    assert is_transient_conflict(wrapper("UPDATE systems SET name = ?", {}, cause)) is conflict


def test_a_missing_savepoint_is_a_conflict_only_when_a_deadlock_removed_it() -> None:
    class DriverError(Exception):
        pass

    deadlock = sa_exc.OperationalError("UPDATE systems", {}, DriverError(1213, "Deadlock"))
    missing = sa_exc.OperationalError(
        "ROLLBACK TO SAVEPOINT sa_savepoint_1", {}, DriverError(1305, "does not exist")
    )
    assert not is_transient_conflict(missing)  # on its own: a bug, a 500
    missing.__context__ = deadlock  # raised while the deadlock was being handled
    assert is_transient_conflict(missing)
