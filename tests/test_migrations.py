"""One Alembic history for all three databases: up from nothing, down to nothing, up again.

Runs on a throwaway database (tests/scratch_database.py), never on the shared test one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, insert, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from badgekit_api.config import Settings
from badgekit_api.db.database import create_engine
from badgekit_api.migrations.runner import downgrade, upgrade
from badgekit_api.models import Base
from tests.scratch_database import scratch_database

MODEL_TABLES = set(Base.metadata.tables)


@pytest.fixture
async def scratch(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async with scratch_database(tmp_path) as url:
        engine = create_engine(Settings(database_url=url))
        try:
            yield engine
        finally:
            await engine.dispose()


async def tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    return set(names) - {"alembic_version"}


async def drift(engine: AsyncEngine) -> list[object]:
    """What Alembic's autogenerate would still change to make the schema match the models."""

    def compare(connection: Connection) -> list[object]:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        return list(compare_metadata(context, Base.metadata))

    async with engine.connect() as connection:
        return await connection.run_sync(compare)


async def test_upgrade_downgrade_and_upgrade_again(scratch: AsyncEngine) -> None:
    assert await tables(scratch) == set()

    await upgrade(scratch)
    assert await tables(scratch) == MODEL_TABLES

    await downgrade(scratch, "base")
    assert await tables(scratch) == set()

    await upgrade(scratch)
    assert await tables(scratch) == MODEL_TABLES


async def test_the_migrated_schema_matches_the_models(scratch: AsyncEngine) -> None:
    await upgrade(scratch)
    assert await drift(scratch) == []


async def test_upgrading_twice_changes_nothing(scratch: AsyncEngine) -> None:
    await upgrade(scratch)
    await upgrade(scratch)
    assert await tables(scratch) == MODEL_TABLES


async def test_claim_codes_move_from_unique_per_system_to_unique_per_badge(
    scratch: AsyncEngine,
) -> None:
    await upgrade(scratch, "0005")
    # Rows written at 0005 through the models: these tables have had the same columns since.
    systems, badges, codes = (
        Base.metadata.tables[name] for name in ("systems", "badges", "claim_codes")
    )
    badge = {
        "system_id": 1,
        "name": "Reader",
        "earner_description": "Read.",
        "consumer_description": "Has read.",
        "criteria_url": "https://example.org/criteria",
        "type": "skill",
    }
    async with scratch.begin() as connection:
        await connection.execute(
            insert(systems), [{"slug": "chicago", "name": "Chicago", "url": "https://x.org"}]
        )
        await connection.execute(
            insert(badges), [{**badge, "slug": "one"}, {**badge, "slug": "two"}]
        )
        await connection.execute(insert(codes), [{"system_id": 1, "badge_id": 1, "code": "kept"}])

    await upgrade(scratch)
    async with scratch.begin() as connection:
        await connection.execute(insert(codes), [{"system_id": 1, "badge_id": 2, "code": "kept"}])
        with pytest.raises(IntegrityError):
            async with connection.begin_nested():
                await connection.execute(
                    insert(codes), [{"system_id": 1, "badge_id": 2, "code": "kept"}]
                )
        rows = await connection.execute(select(codes.c.badge_id, codes.c.code).order_by("id"))
        assert rows.all() == [(1, "kept"), (2, "kept")]
