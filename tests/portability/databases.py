"""Empty databases of another kind than the suite's, to move a system into.

A round trip runs from the suite's database (TEST_DATABASE_URL) to the next kind along
SQLite -> PostgreSQL -> MariaDB -> SQLite, so the suite on the three databases covers the
three moves. The servers are those of `make test-postgres` / `make test-mariadb` unless
TEST_POSTGRES_URL / TEST_MARIADB_URL name others; each test makes a database of its own on
them (named after the server URL's database) and drops it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

SERVERS = {
    "postgresql": os.environ.get(
        "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
    ),
    "mysql": os.environ.get(
        "TEST_MARIADB_URL", "mysql+asyncmy://root@127.0.0.1:3306/test?charset=utf8mb4"
    ),
}
NEXT_KIND = {"sqlite": "postgresql", "postgresql": "mysql", "mysql": "sqlite"}


@asynccontextmanager
async def empty_database(kind: str, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of a new, empty database of `kind`, gone afterwards."""
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/target-{secrets.token_hex(4)}.db"
        return
    server = make_url(SERVERS[kind])
    name = f"{server.database}_move_{secrets.token_hex(4)}"
    admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f"DROP DATABASE {name}"))
        await admin.dispose()
