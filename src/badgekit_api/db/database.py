"""Engine and sessions: one transaction per request, committed before the response."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import event, text
from sqlalchemy.engine import URL, Dialect, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from badgekit_api.config import Settings
from badgekit_api.db import sqlite_one_call
from badgekit_api.db.connection_check import ping_idle_connections
from badgekit_api.db.json_sql import allow_long_aggregates
from badgekit_api.db.sqlite_write_queue import queue_writers

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# A pooled connection unused for this long is pinged before it is handed out again.
PING_AFTER_IDLE_SECONDS = 1.0


def create_engine(settings: Settings) -> AsyncEngine:
    """Build the async engine for the configured database."""
    url = make_url(settings.database_url)
    # Errors (and so tracebacks in the logs) must not quote SQL parameters: emails, secrets.
    options: dict[str, Any] = {"hide_parameters": True, "query_cache_size": COMPILED_STATEMENTS}
    if url.get_backend_name() == "sqlite":
        options["connect_args"] = {"timeout": settings.sqlite_busy_timeout_seconds}
    else:
        options.update(
            pool_size=settings.database_pool_size,
            max_overflow=settings.database_max_overflow,
            pool_recycle=1800,
            pool_timeout=settings.database_pool_timeout_seconds,
            connect_args=_connect_timeout(url, settings.database_connect_timeout_seconds),
        )
    if url.get_backend_name() == "mysql":
        # InnoDB's default REPEATABLE READ gap-locks every index range a statement reads, so
        # two awards of different badges deadlock on the gap between their instances, and a
        # transaction keeps reading the snapshot of its first statement. READ COMMITTED
        # behaves as PostgreSQL does: no gap locks, each statement sees the latest commits.
        options["isolation_level"] = "READ COMMITTED"
    engine = create_async_engine(url, **options)
    if url.get_backend_name() == "sqlite":
        _configure_sqlite(engine, settings.sqlite_busy_timeout_seconds)
    else:
        _report_failed_connects_as_operational_errors(engine)
        ping_idle_connections(engine, PING_AFTER_IDLE_SECONDS)
        allow_long_aggregates(engine)
    return engine


# Statements kept prepared per asyncpg connection: every start statement shape (three scope
# depths, master or consumer key, each route's reading and its variants) and the writes'
# statements stay prepared, where asyncpg's default of 100 would evict and re-prepare them.
PREPARED_STATEMENTS_PER_CONNECTION = 1024
# SQLAlchemy's cache of compiled statements (500 by default), for the same reason.
COMPILED_STATEMENTS = 2048


def _connect_timeout(url: URL, seconds: float) -> dict[str, Any]:
    # asyncpg's default is 60 s: a database host that drops packets would hang every request.
    if url.get_driver_name() == "asyncpg":
        return {
            "timeout": seconds,
            "prepared_statement_cache_size": PREPARED_STATEMENTS_PER_CONNECTION,
            # asyncpg's own cache, which the statements run on the driver use (db/driver.py).
            "statement_cache_size": PREPARED_STATEMENTS_PER_CONNECTION,
        }
    return {"connect_timeout": max(1, round(seconds))}


def _report_failed_connects_as_operational_errors(engine: AsyncEngine) -> None:
    # asyncpg fails to connect with OSError or TimeoutError, which SQLAlchemy passes on
    # unwrapped, or with its own errors ("the database system is starting up"), which it
    # wraps as a plain DBAPIError; the MySQL drivers raise their OperationalError. Give
    # every failed connect that one shape, so errors.py can answer 503 whatever the driver.
    @event.listens_for(engine.sync_engine, "do_connect")
    def connect(dialect: Dialect, _record: Any, cargs: Any, cparams: Any) -> Any:
        try:
            return dialect.connect(*cargs, **cparams)
        except dialect.loaded_dbapi.OperationalError:
            raise
        except Exception as exc:
            message = f"could not connect: {type(exc).__name__}: {exc}"
            raise dialect.loaded_dbapi.OperationalError(message) from exc


def _configure_sqlite(engine: AsyncEngine, busy_timeout_seconds: float) -> None:
    # pysqlite's own transaction handling starts transactions late and never with IMMEDIATE;
    # take it over so that a writer holds the write lock from its first write to its end,
    # and writers take turns for it (sqlite_write_queue.py) instead of failing with
    # "database is locked" or retrying in SQLite's busy handler.
    busy_timeout_ms = round(busy_timeout_seconds * 1000)

    @event.listens_for(engine.sync_engine, "do_connect")
    def one_call_cursors(_dialect: Dialect, _record: Any, _cargs: Any, cparams: Any) -> None:
        # Each statement one trip to the connection's thread (sqlite_one_call.py).
        cparams["async_creator_fn"] = sqlite_one_call.connect

    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Still waited out in SQLite's busy handler: the writers of other processes.
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    queue_writers(engine, busy_timeout_seconds)


SessionFactory = async_sessionmaker[AsyncSession]


def create_session_factory(
    engine: AsyncEngine, settings: Settings | None = None, *, autocommit: bool = False
) -> SessionFactory:
    """Sessions on `engine`; with `autocommit`, sessions whose statements each commit on
    their own (PostgreSQL's reads, `get_session`), on the same pool."""
    # Code that signs (keys/) reads the settings from its session: `keys/context.py`.
    info = {"settings": settings} if settings is not None else None
    if autocommit:
        engine = engine.execution_options(isolation_level="AUTOCOMMIT")
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False, info=info)


@asynccontextmanager
async def write_transaction(session_factory: SessionFactory) -> AsyncIterator[AsyncSession]:
    """A short committed transaction of its own, outside any request's (webhook claims and
    outcomes, failure counts, used token ids)."""
    async with session_factory() as session, session.begin():
        if session.get_bind().dialect.name == "sqlite":
            # Take the write turn and SQLite's write lock up front (sqlite_write_queue.py).
            await session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        yield session


async def plan_each_execution(session: AsyncSession) -> None:
    """On PostgreSQL, have the transaction's statements planned for their own values (a
    CSV award's batches, `instances/service.py`).

    A prepared statement run a sixth time may get a generic plan, made without its values
    and with the statistics of the table as it was before this transaction filled it: the
    earners' `IN` list of 1,000 parameters was then tested row by row against the badge's
    whole list (0.5-1 s a batch, 50 s for 50,000 rows, where planning each batch costs
    milliseconds). `SET LOCAL` ends with the transaction.
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """Yield the request's session; commit when the handler succeeds, roll back otherwise."""
    factory: async_sessionmaker[AsyncSession] = request.app.state.session_factory
    if request.method in SAFE_METHODS and request.app.state.settings.is_postgresql:
        # A read needs no transaction on PostgreSQL: under READ COMMITTED each statement
        # reads its own snapshot anyway, so BEGIN and COMMIT are two round trips for
        # nothing. Its session takes no connection until it runs a statement, and its
        # start statement none of the session's (db/driver.py).
        factory = request.app.state.read_session_factory
    # On SQLite the request reads beside the writers and takes the write turn at its first
    # write (sqlite_write_queue.py), so the auth check that runs first can still write its
    # own short transactions (failure counts, used token ids).
    session = factory()
    if not request.app.state.settings.public_url:
        # The origin DIDs are made from when PUBLIC_URL is unset (keys/context.py).
        session.info["origin"] = f"{request.url.scheme}://{request.url.netloc}"
    try:
        yield session
        if session.in_transaction():
            await session.commit()
    except BaseException:
        # Rolls back what the request began and gives its connection back.
        await session.close()
        raise
    # A committed session, or one that never ran a statement (most reads on PostgreSQL),
    # holds no connection: there is nothing left to close.


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
