"""Reading the original database: SELECTs only, in one read-only snapshot, in id order."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import exc, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from badgekit_api.config import with_async_driver

Row = dict[str, Any]


def source_url(url: str | None, environment: dict[str, str]) -> str:
    """The source database: `url`, or the original's `DB_HOST`/`DB_PORT`/`DB_NAME`/
    `DB_USER`/`DB_PASSWORD` variables (its own defaults: localhost, root, `badgekit`)."""
    if url:
        return with_async_driver(url)
    if not (environment.get("DB_HOST") or environment.get("DB_NAME")):
        raise ValueError("Give SOURCE_URL, or the original's DB_HOST and DB_NAME variables.")
    from urllib.parse import quote

    user = quote(environment.get("DB_USER") or "root", safe="")
    password = environment.get("DB_PASSWORD")
    secret = f":{quote(password, safe='')}" if password else ""
    port = f":{environment['DB_PORT']}" if environment.get("DB_PORT") else ""
    host = environment.get("DB_HOST") or "127.0.0.1"
    name = environment.get("DB_NAME") or "badgekit"
    return f"mysql+asyncmy://{user}{secret}@{host}{port}/{name}?charset=utf8mb4"


def database_name(url: str) -> str:
    return make_url(url).database or "badgekit"


def quoted(name: str) -> str:
    """A MySQL identifier (the original has columns named `limit` and `unique`)."""
    return "`" + name.replace("`", "``") + "`"


class SourceUnavailable(Exception):
    """The original database cannot be read (refused connection, wrong password, no such
    database): the message says which, without the password."""


class LegacySource:
    """One connection to the original database, in a read-only transaction with a
    consistent snapshot: a live original keeps serving while it is read, and every table
    is read as of one moment (no award without its badge)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: AsyncEngine = create_async_engine(url, poolclass=NullPool)
        self._connection: AsyncConnection | None = None

    async def __aenter__(self) -> LegacySource:
        try:
            self._connection = await self._engine.connect()
        except (exc.OperationalError, exc.InterfaceError, OSError) as error:
            await self._engine.dispose()
            where = make_url(self.url).render_as_string(hide_password=True)
            reason = _reason(error)
            message = f"Cannot read the original database {where}: {reason}"
            raise SourceUnavailable(message) from None
        connection = await self._connection.execution_options(isolation_level="REPEATABLE READ")
        # TIMESTAMP columns are stored in UTC; read them in UTC whatever the server's zone.
        await connection.exec_driver_sql("SET SESSION time_zone = '+00:00'")
        await connection.exec_driver_sql("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._connection is not None:
            await self._connection.exec_driver_sql("ROLLBACK")
            await self._connection.close()
        await self._engine.dispose()

    @property
    def connection(self) -> AsyncConnection:
        assert self._connection is not None, "use LegacySource in `async with`"
        return self._connection

    async def tables(self) -> set[str]:
        result = await self.connection.exec_driver_sql("SHOW TABLES")
        return {row[0] for row in result}

    async def columns(self, table: str) -> set[str]:
        result = await self.connection.exec_driver_sql(f"SHOW COLUMNS FROM {quoted(table)}")
        return {row[0] for row in result}

    async def count(self, table: str) -> int:
        result = await self.connection.exec_driver_sql(f"SELECT COUNT(*) FROM {quoted(table)}")
        return int(result.scalar_one())

    async def batches(
        self, table: str, columns: Sequence[str], size: int
    ) -> AsyncIterator[list[Row]]:
        """The table's rows in id order, `size` at a time (keyset pages: each is one
        indexed range read, whatever the table's size)."""
        listed = ", ".join(quoted(column) for column in columns)
        statement = text(
            f"SELECT {listed} FROM {quoted(table)} WHERE id > :after ORDER BY id LIMIT :size"
        )
        after = 0
        while True:
            result = await self.connection.execute(statement, {"after": after, "size": size})
            rows = [dict(row) for row in result.mappings()]
            if not rows:
                return
            yield rows
            after = rows[-1]["id"]

    async def rows_with_ids(
        self, table: str, columns: Sequence[str], ids: Sequence[int]
    ) -> list[Row]:
        if not ids:
            return []
        listed = ", ".join(quoted(column) for column in columns)
        marks = ", ".join(str(int(i)) for i in ids)
        result = await self.connection.exec_driver_sql(
            f"SELECT {listed} FROM {quoted(table)} WHERE id IN ({marks})"
        )
        return [dict(row) for row in result.mappings()]

    async def scalars(self, sql: str) -> list[Any]:
        result = await self.connection.exec_driver_sql(sql)
        return [row[0] for row in result]


def _reason(error: Exception) -> str:
    cause = getattr(error, "orig", None) or error
    arguments: tuple[Any, ...] = getattr(cause, "args", ())
    # The MySQL drivers' errors are (code, message).
    if len(arguments) == 2 and isinstance(arguments[0], int):
        return str(arguments[1])
    return str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
