"""The database side of the admin commands: settings, one transaction, and one line on
stderr (no traceback) when the database cannot be used.

Imported by a command only when it runs: this is the server's stack (pydantic,
SQLAlchemy), which `token` and `request` never load.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError
from sqlalchemy import exc as sa_exc
from sqlalchemy import inspect
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from badgekit_api.cli.output import detail_lines, fail
from badgekit_api.config import Settings
from badgekit_api.db.database import create_engine, create_session_factory
from badgekit_api.errors import BadgeKitError

T = TypeVar("T")

MIGRATE_FIRST = "run `badgekit-api migrate` first, or set DATABASE_URL to the database to use"


def load_settings(**overrides: Any) -> Settings:
    """Settings, or one line naming the variables whose values are wrong."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc']).upper() or 'settings'}: "
            f"{problem['msg']}"
            for problem in error.errors()
        )
        raise fail(f"Bad setting: {problems}.") from None


def described(database_url: str) -> str:
    """The database as a person finds it: a SQLite file's full path, else the URL without
    its password."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return str(Path(url.database or "").resolve())
    return url.render_as_string(hide_password=True)


def _sqlite_file_missing(database_url: str) -> bool:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return False
    return not Path(url.database or "").exists()


def run(work: Callable[[], Coroutine[Any, Any, T]], settings: Settings) -> T:
    """Run `work` in an event loop; a refused input or an unusable database ends the
    command with one line saying so."""
    try:
        return asyncio.run(work())
    except BadgeKitError as error:
        raise fail(f"{error.code}: {error.message}", *detail_lines(error.details)) from None
    except (sa_exc.OperationalError, sa_exc.InterfaceError, OSError) as error:
        where = described(settings.database_url)
        raise fail(f"Cannot use the database {where}: {_reason(error)}") from None


def _reason(error: Exception) -> str:
    cause = getattr(error, "orig", None) or error
    arguments: tuple[Any, ...] = getattr(cause, "args", ())
    # The MySQL drivers' errors are (code, message).
    if len(arguments) == 2 and isinstance(arguments[0], int):
        text = str(arguments[1])
    else:
        text = str(cause) or type(cause).__name__
    return text.strip().splitlines()[0] if text.strip() else type(cause).__name__


def in_transaction(
    work: Callable[[AsyncSession], Awaitable[T]], settings: Settings | None = None
) -> T:
    """Run `work` in one committed transaction, as a request would, on a database that has
    the schema: a missing SQLite file is not created, an empty database is refused."""
    settings = settings or load_settings()
    if _sqlite_file_missing(settings.database_url):
        raise fail(f"No database at {described(settings.database_url)}: {MIGRATE_FIRST}.")

    async def main() -> T:
        engine = create_engine(settings)
        try:
            await require_schema(engine, settings)
            async with create_session_factory(engine, settings)() as session, session.begin():
                return await work(session)
        finally:
            await engine.dispose()

    return run(main, settings)


async def require_schema(engine: AsyncEngine, settings: Settings) -> None:
    async with engine.connect() as connection:
        migrated = await connection.run_sync(
            lambda sync: inspect(sync).has_table("alembic_version")
        )
    if not migrated:
        raise fail(
            f"The database {described(settings.database_url)} has no schema: {MIGRATE_FIRST}."
        )


def on_engine(work: Callable[[AsyncEngine], Awaitable[T]], settings: Settings) -> T:
    """Run `work` with an engine of its own (migrations make what is missing)."""

    async def main() -> T:
        engine = create_engine(settings)
        try:
            return await work(engine)
        finally:
            await engine.dispose()

    return run(main, settings)
