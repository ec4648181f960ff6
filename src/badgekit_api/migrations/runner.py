"""Run Alembic from code: the CLI, `serve` on SQLite, and the tests all come through here."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).resolve().parent


def alembic_config(database_url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if database_url:
        config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


async def upgrade(engine: AsyncEngine, revision: str = "heads") -> None:
    """Bring the database behind `engine` up to `revision`."""
    async with engine.begin() as connection:
        await connection.run_sync(_run, "upgrade", revision)


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(_run, "downgrade", revision)


async def current_revisions(engine: AsyncEngine) -> tuple[str, ...]:
    """The revisions the database behind `engine` is at (none before its first migration)."""
    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: tuple(MigrationContext.configure(sync).get_current_heads())
        )


def head_revisions() -> tuple[str, ...]:
    """The latest revisions of the migration history."""
    return tuple(ScriptDirectory.from_config(alembic_config()).get_heads())


def _run(connection: Connection, direction: str, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    getattr(command, direction)(config, revision)
