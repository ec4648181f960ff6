"""A throwaway database of the kind TEST_DATABASE_URL names: a new SQLite file, or a new
PostgreSQL / MariaDB database created and dropped here, never the shared test one."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from tests import support


@asynccontextmanager
async def scratch_database(tmp_path: Path) -> AsyncIterator[str]:
    """Yield the URL of an empty database that is gone afterwards."""
    url = make_url(support.test_database_url(str(tmp_path)))
    if url.get_backend_name() == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/scratch.db"
        return
    name = f"{url.database}_scratch_{secrets.token_hex(4)}"
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f"DROP DATABASE {name}"))
        await admin.dispose()
