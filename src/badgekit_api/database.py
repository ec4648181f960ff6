"""Engine and sessions: one transaction per request, committed before the response."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from badgekit_api.config import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def create_engine(settings: Settings) -> AsyncEngine:
    """Build the async engine for the configured database."""
    url = make_url(settings.database_url)
    options: dict[str, Any] = {"pool_pre_ping": not settings.is_sqlite}
    if url.get_backend_name() == "sqlite":
        options["connect_args"] = {"timeout": 30}
    else:
        options.update(pool_size=10, max_overflow=20, pool_recycle=1800)
    engine = create_async_engine(url, **options)
    if url.get_backend_name() == "sqlite":
        _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: AsyncEngine) -> None:
    # pysqlite's own transaction handling starts transactions late and never with IMMEDIATE;
    # take it over so a writing request holds the write lock from its first statement and
    # two writers queue on busy_timeout instead of failing with "database is locked".
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """Yield the request's session; commit when the handler succeeds, roll back otherwise."""
    factory: async_sessionmaker[AsyncSession] = request.app.state.session_factory
    async with factory() as session:
        if request.method not in SAFE_METHODS and request.app.state.settings.is_sqlite:
            await session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        await session.commit()


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
