"""aiosqlite connections whose statements each cost one trip to their thread.

aiosqlite runs each connection's sqlite3 calls in a thread of its own, one call per trip,
and SQLAlchemy's adapter makes four trips of a statement that returns rows (open a cursor,
execute, fetch all, close) and three of one that does not. A trip is a hand-over to the
thread and a wake-up of the event loop with the answer, and under load each wake-up waits
behind every other request's work: an award's write turn (sqlite_write_queue.py) was 21
trips, 12 ms on average, and since the writers of a process take turns one at a time, that
was their rate. Here the cursor runs the whole statement, execute to last row, in one
trip; what SQLAlchemy then asks of it (description, rows, rowcount, lastrowid) is at hand
without another. The rows are fetched at once anyway: SQLAlchemy's adapter buffers every
result before handing it on.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import aiosqlite

# What one trip brings back: description, rows, rowcount, lastrowid.
_Outcome = tuple[Any, list[Any], int, int | None]


def _run(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> _Outcome:
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneCallCursor:
    """The part of aiosqlite's cursor SQLAlchemy's adapter uses, a statement a trip."""

    arraysize = 1

    def __init__(self, connection: OneCallConnection) -> None:
        self._connection = connection
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self._rows: list[Any] = []

    async def execute(self, operation: str, parameters: Any = None) -> OneCallCursor:
        return await self._trip(operation, parameters, many=False)

    async def executemany(self, operation: str, parameters: Sequence[Any]) -> OneCallCursor:
        return await self._trip(operation, parameters, many=True)

    async def _trip(self, operation: str, parameters: Any, *, many: bool) -> OneCallCursor:
        raw = self._connection._conn
        outcome: _Outcome = await self._connection.in_thread(_run, raw, operation, parameters, many)
        self.description, self._rows, self.rowcount, self.lastrowid = outcome
        return self

    async def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        count = self.arraysize if size is None else size
        rows, self._rows = self._rows[:count], self._rows[count:]
        return rows

    async def nextset(self) -> None:
        return None

    async def setinputsizes(self, *_sizes: Any) -> None:
        return None

    async def close(self) -> None:
        self._rows = []

    async def __aenter__(self) -> OneCallCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()


def _begin_writing(connection: sqlite3.Connection) -> None:
    if connection.in_transaction:
        # Reads of an explicit transaction: their snapshot may be older than the last
        # commit, and SQLite would refuse to write from it (SQLITE_BUSY_SNAPSHOT).
        connection.execute("COMMIT")
    connection.execute("BEGIN IMMEDIATE")


class OneCallConnection(aiosqlite.Connection):
    """An aiosqlite connection whose cursors are `OneCallCursor`s (opened without a trip),
    which makes no trip to end a transaction that is not open."""

    def cursor(self) -> OneCallCursor:  # type: ignore[override]
        return OneCallCursor(self)

    async def in_thread(self, function: Callable[..., Any], *args: Any) -> Any:
        """`function(*args)` in the connection's thread: one trip."""
        return await self._execute(function, *args)  # type: ignore[no-untyped-call]

    @property
    def writing(self) -> bool:
        """Whether a transaction is open (read without a trip: the connection is used
        by one task at a time, and sqlite3 only reads a flag of SQLite's)."""
        return self._conn.in_transaction

    async def begin_writing(self) -> None:
        """End the reads' transaction if one is open and begin an IMMEDIATE one, in one
        trip."""
        await self.in_thread(_begin_writing, self._conn)

    async def commit(self) -> None:
        if self._conn.in_transaction:
            await super().commit()

    async def rollback(self) -> None:
        if self._conn.in_transaction:
            await super().rollback()


def connect(database: str, **kwargs: Any) -> OneCallConnection:
    """What `aiosqlite.connect` does, with the one-trip cursor (SQLAlchemy's
    `async_creator_fn`)."""
    # Used from its own thread and, for `writing`, from the event loop's, never both at once.
    kwargs["check_same_thread"] = False
    connector: Callable[[], sqlite3.Connection] = partial(sqlite3.connect, database, **kwargs)
    connection = OneCallConnection(connector, iter_chunk_size=64)
    # As SQLAlchemy does for aiosqlite's own: a forgotten connection must not keep the
    # process from exiting.
    connection._thread.daemon = True
    return connection
