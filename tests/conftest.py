"""Fixtures: one app and schema per run on the database TEST_DATABASE_URL names (SQLite by
default), emptied after every test, and clients that sign their requests."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import MetaData, delete, text
from sqlalchemy.ext.asyncio import AsyncEngine

from badgekit_api.config import Settings
from badgekit_api.main import create_app
from badgekit_api.migrations.runner import upgrade
from badgekit_api.models import Base
from tests.live_server import TEST_SETTINGS, running_server
from tests.support import TEST_KEY_ENCRYPTION_KEY, TEST_SECRET, make_client, test_database_url


@pytest.fixture(scope="session")
def tmp_dir() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="badgekit-tests-") as path:
        yield path


@pytest.fixture(scope="session")
def settings(tmp_dir: str) -> Settings:
    return Settings(
        database_url=test_database_url(tmp_dir),
        master_secret=TEST_SECRET,
        key_encryption_key=TEST_KEY_ENCRYPTION_KEY,
        webhook_worker=False,
        **TEST_SETTINGS,
    )


async def _drop_everything(engine: AsyncEngine) -> None:
    """Start from an empty schema even when the database is shared with an older run."""

    def drop(connection: object) -> None:
        existing = MetaData()
        existing.reflect(bind=connection)  # type: ignore[arg-type]
        existing.drop_all(bind=connection)  # type: ignore[arg-type]

    async with engine.begin() as connection:
        await connection.run_sync(drop)


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    engine: AsyncEngine = application.state.engine
    await _drop_everything(engine)
    await upgrade(engine)
    yield application
    await engine.dispose()


@pytest.fixture(scope="session")
def engine(app: FastAPI) -> AsyncEngine:
    return app.state.engine  # type: ignore[no-any-return]


@pytest.fixture(autouse=True)
async def _empty_tables(engine: AsyncEngine) -> AsyncIterator[None]:
    yield
    async with engine.begin() as connection:
        if engine.dialect.name == "mysql":
            await connection.execute(text("SET FOREIGN_KEY_CHECKS=0"))
        for table in reversed(Base.metadata.sorted_tables):
            await connection.execute(delete(table))
        if engine.dialect.name == "mysql":
            await connection.execute(text("SET FOREIGN_KEY_CHECKS=1"))


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Signs every request with the master key."""
    async with make_client(app) as signed:
        yield signed


@pytest.fixture
async def anon(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Sends requests without any Authorization header."""
    async with make_client(app, key=None) as unsigned:
        yield unsigned


@pytest.fixture(scope="session")
def live_server(app: FastAPI, settings: Settings) -> Iterator[str]:  # noqa: ARG001 - app migrates
    """Base URL of a real server process on the test database (one per test session)."""
    # Webhook tests drive delivery pass by pass; a worker in this shared server would race them.
    with running_server(settings.database_url, extra_env={"WEBHOOK_WORKER": "false"}) as base_url:
        yield base_url


# Folders whose every test drives real processes (servers killed, databases stopped, fuzzing
# a live server, generated clients in side virtualenvs): `make test-e2e` runs them.
_END_TO_END_FOLDERS = ("faults", "fuzz", "e2e")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark as `e2e` every test that starts a server process: those in the end-to-end folders
    and every test that asks for `live_server`, so `make test` (which leaves them out) stays
    fast without each such test having to remember its marker."""
    tests_root = config.rootpath / "tests"
    for item in items:
        folder = (
            item.path.relative_to(tests_root).parts[0]
            if item.path.is_relative_to(tests_root)
            else ""
        )
        if folder in _END_TO_END_FOLDERS or "live_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.e2e)
