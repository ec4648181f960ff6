"""Writing the target: each batch in one transaction, its rows inserted a batch at a time
(multi-row INSERTs), recorded in `imported_rows` in the same transaction."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from badgekit_api.models import ImportedRow
from badgekit_api.models.base import utcnow

_imported: Table = ImportedRow.__table__  # type: ignore[assignment]


class Writer:
    def __init__(self, engine: AsyncEngine, source: str, *, dry_run: bool) -> None:
        self.engine = engine
        self.source = source
        self.dry_run = dry_run
        self._fake_ids = itertools.count(-1, -1)
        dialect = engine.dialect
        # PostgreSQL, SQLite and MariaDB answer a multi-row INSERT with every new id, in
        # the rows' order; MySQL does not (then rows go one at a time).
        self.batch_returning = bool(dialect.insert_executemany_returning_sort_by_parameter_order)

    @asynccontextmanager
    async def batch(self) -> AsyncIterator[AsyncConnection]:
        """One batch's transaction (a dry run reads the target and writes nothing)."""
        if self.dry_run:
            async with self.engine.connect() as connection:
                yield connection
                await connection.rollback()
        else:
            async with self.engine.begin() as connection:
                yield connection

    async def imported(
        self, connection: AsyncConnection, legacy_table: str, ids: Sequence[int]
    ) -> dict[int, int | None]:
        """Which of these legacy rows an earlier run wrote, and as which new rows."""
        if not ids:
            return {}
        statement = select(_imported.c.legacy_id, _imported.c.new_id).where(
            _imported.c.source == self.source,
            _imported.c.legacy_table == legacy_table,
            _imported.c.legacy_id.between(min(ids), max(ids)),
        )
        return {row[0]: row[1] for row in await connection.execute(statement)}

    async def insert(
        self, connection: AsyncConnection, table: Table, rows: list[dict[str, Any]], with_ids: bool
    ) -> list[int | None]:
        """Insert the rows; their new ids in order (None each when `with_ids` is False)."""
        if not rows:
            return []
        if self.dry_run:
            return [next(self._fake_ids) if with_ids else None for _ in rows]
        if not with_ids:
            await connection.execute(insert(table), rows)
            return [None] * len(rows)
        if self.batch_returning:
            statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            return list((await connection.execute(statement, rows)).scalars())
        ids: list[int | None] = []
        for row in rows:
            result = await connection.execute(insert(table), row)
            ids.append(result.inserted_primary_key[0] if result.inserted_primary_key else None)
        return ids

    async def record(
        self, connection: AsyncConnection, legacy_table: str, pairs: list[tuple[int, int | None]]
    ) -> None:
        if self.dry_run or not pairs:
            return
        now = utcnow()
        await connection.execute(
            insert(_imported),
            [
                {
                    "source": self.source,
                    "legacy_table": legacy_table,
                    "legacy_id": legacy_id,
                    "new_id": new_id,
                    "imported_at": now,
                }
                for legacy_id, new_id in pairs
            ],
        )
