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

# What one trip brings back: description, the first rows, rowcount, lastrowid, and the
# sqlite3 cursor when more rows are left to fetch.
_Outcome = tuple[Any, list[Any], int, int | None, sqlite3.Cursor | None]
# Rows fetched by the statement's own trip; a longer result (a streamed export) is fetched
# in further trips as it is read, so that it is never held whole.
FIRST_ROWS = 1000


def _run(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> _Outcome:
    cursor = connection.cursor()
    left: sqlite3.Cursor | None = None
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchmany(FIRST_ROWS) if description else []
        left = cursor if len(rows) == FIRST_ROWS else None
        return description, rows, cursor.rowcount, cursor.lastrowid, left
    finally:
        if left is None:
            cursor.close()


def _fetch_more(cursor: sqlite3.Cursor, size: int | None) -> list[Any]:
    rows = cursor.fetchall() if size is None else cursor.fetchmany(size)
    if size is None or len(rows) < size:
        cursor.close()
    return rows


class OneCallCursor:
    """The part of aiosqlite's cursor SQLAlchemy's adapter uses, a statement a trip."""

    arraysize = 1

    def __init__(self, connection: OneCallConnection) -> None:
        self._connection = connection
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self._rows: list[Any] = []
        self._left: sqlite3.Cursor | None = None

    async def execute(self, operation: str, parameters: Any = None) -> OneCallCursor:
        return await self._trip(operation, parameters, many=False)

    async def executemany(self, operation: str, parameters: Sequence[Any]) -> OneCallCursor:
        return await self._trip(operation, parameters, many=True)

    async def _trip(self, operation: str, parameters: Any, *, many: bool) -> OneCallCursor:
        raw = self._connection._conn
        await self.close()
        outcome: _Outcome = await self._connection.in_thread(_run, raw, operation, parameters, many)
        self.description, self._rows, self.rowcount, self.lastrowid, self._left = outcome
        return self

    async def _more(self, size: int | None) -> None:
        """Fetch `size` more rows (all, for None) into the buffer, if any are left."""
        if self._left is not None:
            left = self._left
            more = await self._connection.in_thread(_fetch_more, left, size)
            if size is None or len(more) < size:
                self._left = None
            self._rows += more

    async def fetchall(self) -> list[Any]:
        await self._more(None)
        rows, self._rows = self._rows, []
        return rows

    async def fetchone(self) -> Any:
        if not self._rows:
            await self._more(FIRST_ROWS)
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        count = self.arraysize if size is None else size
        if len(self._rows) < count:
            await self._more(max(count - len(self._rows), FIRST_ROWS))
        rows, self._rows = self._rows[:count], self._rows[count:]
        return rows

    async def nextset(self) -> None:
        return None

    async def setinputsizes(self, *_sizes: Any) -> None:
        return None

    async def close(self) -> None:
        self._rows = []
        if self._left is not None:
            left, self._left = self._left, None
            await self._connection.in_thread(left.close)

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
