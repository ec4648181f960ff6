"""`badgekit-api export`: one system's whole content as JSON Lines, streamed.

The first line is a header naming the format, its version and the system; then every
record type in `records.RECORD_TYPES` order, each table read through a server-side cursor
in id order, so memory holds a batch of rows, never the whole system. All of it is read in
one transaction, so the lines are one consistent moment of the database even while the
server keeps writing (on SQLite, PostgreSQL and MariaDB alike: a repeatable read).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any, BinaryIO

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from badgekit_api.errors import NotFound
from badgekit_api.portability import codec
from badgekit_api.portability.records import FORMAT, RECORD_TYPES, SYSTEMS, VERSION, RecordType

# Rows fetched per round trip; images are fetched fewer at a time (each may be megabytes).
BATCH_ROWS = 500
IMAGE_BATCH_ROWS = 20

for _record_type in RECORD_TYPES:
    codec.check_codable(_record_type.table)


def header(system: str) -> dict[str, Any]:
    return {
        "type": "export",
        "format": FORMAT,
        "version": VERSION,
        "system": system,
        "exportedAt": datetime.now(UTC).isoformat(),
    }


async def _rows(
    connection: AsyncConnection, record_type: RecordType, system_id: int
) -> AsyncIterator[dict[str, Any]]:
    table = record_type.table
    order = list(table.primary_key.columns)
    statement = select(table).where(record_type.owned(system_id)).order_by(*order)
    batch = IMAGE_BATCH_ROWS if record_type.name == "image" else BATCH_ROWS
    result = await connection.stream(statement.execution_options(yield_per=batch))
    names = [str(column.name) for column in table.columns]  # orjson refuses str subclasses
    async for row in result:
        columns = {name: codec.encode(value) for name, value in zip(names, row, strict=True)}
        yield {"type": record_type.name, "row": columns}


async def records(connection: AsyncConnection, system: str) -> AsyncIterator[dict[str, Any]]:
    """The header and every record of the system `system`, in file order."""
    system_id = await connection.scalar(select(SYSTEMS.c.id).where(SYSTEMS.c.slug == system))
    if system_id is None:
        raise NotFound(f"Could not find system `{system}`")
    yield header(system)
    for record_type in RECORD_TYPES:
        async for record in _rows(connection, record_type, system_id):
            yield record


async def export_system(engine: AsyncEngine, system: str, out: BinaryIO) -> dict[str, int]:
    """Write the system's lines to `out`; answers how many records of each type it wrote."""
    counts: dict[str, int] = {record_type.name: 0 for record_type in RECORD_TYPES}
    async with engine.connect() as connection:
        await _repeatable_read(connection)
        async with connection.begin():
            async for record in records(connection, system):
                out.write(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))
                if record["type"] in counts:
                    counts[record["type"]] += 1
    return counts


async def _repeatable_read(connection: AsyncConnection) -> None:
    # SQLite's transactions are snapshots already; MariaDB's default is REPEATABLE READ.
    if connection.dialect.name == "postgresql":
        await connection.execution_options(isolation_level="REPEATABLE READ")
