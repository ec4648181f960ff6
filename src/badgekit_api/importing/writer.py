"""Writing the target: each batch in one transaction, its rows inserted a batch at a time
(multi-row INSERTs), recorded in `imported_rows` in the same transaction."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Table, insert, select, tuple_
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
        self.batch_returning = dialect.name != "sqlite" and bool(
            dialect.insert_executemany_returning_sort_by_parameter_order
        )

    @asynccontextmanager
    async def batch(self) -> AsyncIterator[AsyncConnection]:
        """One batch's transaction (a dry run reads the target and writes nothing)."""
        async with self.engine.connect() as connection, connection.begin() as transaction:
            if connection.dialect.name == "postgresql":
                # The tables grow from empty during the import: a plan that asyncpg's
                # prepared statements keep from the first batches (a sequential scan of
                # an empty table) would make each later batch slower than the last.
                await connection.exec_driver_sql("SET LOCAL plan_cache_mode = force_custom_plan")
            yield connection
            if self.dry_run:
                await transaction.rollback()

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
        self,
        connection: AsyncConnection,
        table: Table,
        rows: list[dict[str, Any]],
        *,
        key: tuple[str, ...] | None = None,
        with_ids: bool = False,
    ) -> list[int | None]:
        """Insert the rows in one multi-row statement; their new ids in order when the
        table has a unique `key` (read back by it) or `with_ids` is asked, else Nones."""
        if not rows:
            return []
        if self.dry_run:
            return [next(self._fake_ids) if key or with_ids else None for _ in rows]
        if key is None and with_ids:
            return await self._insert_returning(connection, table, rows)
        await connection.execute(insert(table), rows)
        if key is None:
            return [None] * len(rows)
        columns = [table.c[name] for name in key]
        wanted = [tuple(row[name] for name in key) for row in rows]
        condition = (
            columns[0].in_([values[0] for values in wanted])
            if len(columns) == 1
            else tuple_(*columns).in_(wanted)
        )
        found = {
            tuple(row[1:]): row[0]
            for row in await connection.execute(select(table.c.id, *columns).where(condition))
        }
        return [found[values] for values in wanted]

    async def _insert_returning(
        self, connection: AsyncConnection, table: Table, rows: list[dict[str, Any]]
    ) -> list[int | None]:
        # PostgreSQL and MariaDB answer a multi-row INSERT with every new id in the rows'
        # order; SQLite (whose RETURNING order is not promised) and MySQL one row at a time.
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
