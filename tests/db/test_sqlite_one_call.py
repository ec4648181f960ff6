"""SQLite's one-trip cursor (db/sqlite_one_call.py): a result longer than the statement's
own trip is fetched in further trips as it is read, whole and in order, streamed or not."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from badgekit_api.config import Settings
from badgekit_api.db import sqlite_one_call
from badgekit_api.db.database import create_engine

ROWS = sqlite_one_call.FIRST_ROWS * 2 + 7
NUMBERS = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
    f" WHERE i < {ROWS}) SELECT i FROM n"
)


@pytest.fixture
async def sqlite_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/trips.db"))
    yield engine
    await engine.dispose()


async def test_a_long_result_arrives_whole(sqlite_engine: AsyncEngine) -> None:
    async with sqlite_engine.connect() as connection:
        rows = (await connection.execute(text(NUMBERS))).scalars().all()
    assert rows == list(range(1, ROWS + 1))


async def test_a_streamed_result_is_fetched_a_batch_at_a_time(
    sqlite_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[int | None] = []
    fetch_more = sqlite_one_call._fetch_more

    def counted(cursor: Any, size: int | None) -> list[Any]:
        asked.append(size)
        return fetch_more(cursor, size)

    monkeypatch.setattr(sqlite_one_call, "_fetch_more", counted)
    async with sqlite_engine.connect() as connection:
        streamed = await connection.stream(text(NUMBERS).execution_options(yield_per=300))
        batches = [[row[0] for row in batch] async for batch in streamed.partitions(300)]
    assert [number for batch in batches for number in batch] == list(range(1, ROWS + 1))
    # Never the whole rest at once: a long export is not held in memory.
    assert asked and None not in asked


async def test_a_result_closed_half_read_ends_its_statement(sqlite_engine: AsyncEngine) -> None:
    # A statement still open on its rows keeps the read snapshot it began with, and no
    # checkpoint can copy the commits made since into the database file (the WAL grows for
    # as long as the statement stays open, on a pooled connection for the server's life).
    async with sqlite_engine.begin() as setup:
        await setup.execute(text("CREATE TABLE numbers (i INTEGER PRIMARY KEY)"))
        await setup.execute(text("INSERT INTO numbers " + NUMBERS))
    checkpoint = text("PRAGMA wal_checkpoint(PASSIVE)")  # (busy, frames in the log, copied)
    async with sqlite_engine.connect() as reader, sqlite_engine.connect() as writer:
        streamed = await reader.stream(
            text("SELECT i FROM numbers ORDER BY i").execution_options(yield_per=10)
        )
        first = await streamed.fetchmany(10)
        assert [row[0] for row in first] == list(range(1, 11))
        await writer.execute(text("INSERT INTO numbers VALUES (-1)"))
        await writer.commit()
        _, logged, copied = (await writer.execute(checkpoint)).one()
        assert copied < logged  # the half-read statement holds its snapshot
        await streamed.close()
        _, logged, copied = (await writer.execute(checkpoint)).one()
        assert copied == logged  # nothing reads an older snapshot any more
        count = (await reader.execute(text("SELECT count(*) FROM numbers"))).scalar_one()
        assert count == ROWS + 1
