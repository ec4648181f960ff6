"""`badgekit-api import`: an export read back, all or nothing.

Rows keep their ids as well as their slugs, so every URL (assertions, badges, images,
milestones, webhooks) and every document is the one the source served. The whole file goes
in one transaction: a bad line, or a row the target already holds, rolls everything back
and names the line. Lines are read one at a time and inserted in batches, so memory holds
a batch, plus the keys of the rows seen so far (to check that each line points only at rows
of earlier lines).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from sqlalchemy import exc as sa_exc
from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from badgekit_api.portability.records import RECORD_TYPES, SYSTEMS, RecordType
from badgekit_api.portability.validation import BadLine, Reader, check_header

BATCH_ROWS = 500
BATCH_BYTES = 8 * 1024 * 1024


class ImportFailed(Exception):
    """The import wrote nothing; the message says where and why."""


@dataclass
class _Batch:
    record_type: RecordType | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)
    first_line: int = 0
    size: int = 0


def _lines(source: BinaryIO, progress: Callable[[int], None] | None) -> Iterator[tuple[int, bytes]]:
    # Every line read counts towards the progress, the header and blank ones too: the bar
    # ends at the file's size.
    for number, raw in enumerate(source, start=1):
        if progress is not None:
            progress(len(raw))
        if raw.strip():
            yield number, raw


async def _insert(connection: AsyncConnection, batch: _Batch, last_line: int) -> None:
    if batch.record_type is None or not batch.rows:
        return
    try:
        await connection.execute(insert(batch.record_type.table), batch.rows)
    except sa_exc.IntegrityError as error:
        cause = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        where = (
            f"line {batch.first_line}"
            if batch.first_line == last_line
            else f"lines {batch.first_line}-{last_line}"
        )
        raise ImportFailed(
            f"{where} ({batch.record_type.name} records): the target database already holds "
            f"a row with one of their ids, slugs or keys ({cause}); import into a database "
            "that does not hold this system"
        ) from None
    batch.rows = []
    batch.size = 0


async def _advance_sequences(connection: AsyncConnection) -> None:
    """PostgreSQL's id sequences do not see explicit ids: move each past the largest id, so
    the next row the server creates gets a new one. (MariaDB and SQLite do this themselves.)"""
    if connection.dialect.name != "postgresql":
        return
    for record_type in RECORD_TYPES:
        table = record_type.table
        if "id" not in table.columns or not table.columns["id"].autoincrement:
            continue
        await connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"(SELECT MAX(id) FROM {table.name}))"
            )
        )


async def _write(
    connection: AsyncConnection,
    source: BinaryIO,
    counts: dict[str, int],
    progress: Callable[[int], None] | None,
) -> str:
    lines = _lines(source, progress)
    first = next(lines, None)
    if first is None:
        raise BadLine(1, "the file is empty")
    system = check_header(*first)
    taken = await connection.scalar(select(func.count()).where(SYSTEMS.c.slug == system))
    if taken:
        raise ImportFailed(f"the target database already has a system `{system}`")
    reader = Reader()
    batch = _Batch()
    number = first[0]
    for number, raw in lines:
        record_type, row = reader.record(number, raw)
        if record_type.name == "system":
            reader.check_system(number, system, row)
        if (
            batch.record_type is not record_type
            or len(batch.rows) >= BATCH_ROWS
            or (batch.size >= BATCH_BYTES)
        ):
            await _insert(connection, batch, number - 1)
            batch.record_type = record_type
            batch.first_line = number
        batch.rows.append(row)
        batch.size += len(raw)
        counts[record_type.name] += 1
    await _insert(connection, batch, number)
    if not reader.seen.get("systems"):
        raise BadLine(number, "the file holds no system record")
    await _advance_sequences(connection)
    return system


async def import_file(
    engine: AsyncEngine, source: BinaryIO, progress: Callable[[int], None] | None = None
) -> tuple[str, dict[str, int]]:
    """Import the export read from `source`; answers the system and the records per type.

    Raises BadLine (naming the line) or ImportFailed, having written nothing."""
    counts = {record_type.name: 0 for record_type in RECORD_TYPES}
    async with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # Hold SQLite's write lock from the start (see db/database.py).
            await connection.execution_options(sqlite_begin="IMMEDIATE")
        async with connection.begin():
            system = await _write(connection, source, counts, progress)
    return system, counts
