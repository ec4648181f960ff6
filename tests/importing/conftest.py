"""The original database the import tests read: built once per run in the local MariaDB
(a database of this run's own, or LEGACY_DATABASE_URL) from our own DDL and rows."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from tests.importing.legacy_rows import ROWS
from tests.importing.legacy_schema import TABLES, statements

# A name of this process's own: CI runs the suite on PostgreSQL and on MariaDB side by
# side, and both build (and drop) the original database in the same MariaDB server.
LEGACY_NAME = f"badgekit_legacy_{os.getpid()}"
LEGACY_URL = os.environ.get(
    "LEGACY_DATABASE_URL", f"mysql+asyncmy://root@127.0.0.1:3306/{LEGACY_NAME}?charset=utf8mb4"
)


async def build_legacy_database(url: str, rows: dict[str, list[dict[str, object]]]) -> None:
    """Create the database (dropping an older copy) and fill it, in the non-strict SQL
    mode the original ran in (it lets `0000-00-00` dates in)."""
    server, _, name = url.partition("?")[0].rpartition("/")
    admin = create_async_engine(server + "/?charset=utf8mb4", poolclass=NullPool)
    async with admin.connect() as connection:
        await connection.exec_driver_sql(
            f"CREATE DATABASE IF NOT EXISTS `{name}` CHARACTER SET utf8"
        )
    await admin.dispose()
    engine = create_async_engine(url, poolclass=NullPool)
    async with engine.begin() as connection:
        await connection.exec_driver_sql("SET SESSION sql_mode = ''")
        await connection.exec_driver_sql("SET SESSION time_zone = '+00:00'")
        await connection.exec_driver_sql("SET FOREIGN_KEY_CHECKS = 0")
        for table in TABLES:
            await connection.exec_driver_sql(f"DROP TABLE IF EXISTS `{table}`")
        for statement in statements():
            await connection.exec_driver_sql(statement)
        for table, table_rows in rows.items():
            if not table_rows:
                continue
            columns = list(table_rows[0])
            listed = ", ".join(f"`{c}`" for c in columns)
            marks = ", ".join(f":{c}" for c in columns)
            await connection.execute(
                text(f"INSERT INTO `{table}` ({listed}) VALUES ({marks})"), table_rows
            )
        await connection.exec_driver_sql("SET FOREIGN_KEY_CHECKS = 1")
    await engine.dispose()


@pytest.fixture(scope="session")
async def legacy_url() -> AsyncIterator[str]:
    """The original database; the tests that read one skip, saying why, on a machine
    without MySQL or MariaDB (a fresh clone's `make test`)."""
    try:
        await build_legacy_database(LEGACY_URL, ROWS)
    except (OperationalError, OSError) as error:
        pytest.skip(f"no MySQL/MariaDB for the original database at {LEGACY_URL}: {error}")
    yield LEGACY_URL
    if "LEGACY_DATABASE_URL" not in os.environ:
        await _drop_database(LEGACY_URL)


async def _drop_database(url: str) -> None:
    server, _, name = url.partition("?")[0].rpartition("/")
    admin = create_async_engine(server + "/?charset=utf8mb4", poolclass=NullPool)
    async with admin.connect() as connection:
        await connection.exec_driver_sql(f"DROP DATABASE IF EXISTS `{name}`")
    await admin.dispose()
