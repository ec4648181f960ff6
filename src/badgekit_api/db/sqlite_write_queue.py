"""SQLite writers take turns in the process, first come first served.

SQLite lets one transaction write at a time. Left to itself, a writer that finds the write
lock taken sleeps in its busy handler and tries again (after 1, 2, 5 ... up to 100 ms), so
under load whoever happens to retry at the right moment wins, and an unlucky writer waits
seconds. Here a transaction takes its turn in a FIFO queue of the engine at its first
write (a `write_transaction` at its BEGIN IMMEDIATE), and keeps it until its connection
goes back to the pool: after the COMMIT or ROLLBACK, whichever way the request ended (an
error, a cancelled task, a dropped client). Until its first write a request reads beside
the writer (WAL), so what it does before (the token check, reading the body, the start
statement) never holds the turn.

A request's reads before its first write each read the latest commit, outside any
transaction (SQLite's autocommit: a DEFERRED begin says nothing), and the first write
begins the transaction, BEGIN IMMEDIATE, in the same trip to the connection's thread
(sqlite_one_call.py): as under READ COMMITTED on PostgreSQL and MariaDB, a write must not
rely on an earlier read staying true (the writes say their conditions in their own
statements). The turn is what the writers of the process are limited by, one at a time,
so it holds as few trips to the connection's thread as its statements need: under load
each trip waits for the event loop's other work and for a core.

The turn belongs to the pooled connection, so a connection that begins a second
transaction before it is given back keeps its turn rather than queueing behind itself. A
writer waits at most `wait_seconds` (the SQLite busy timeout setting) and then fails as
SQLite would, "database is locked", which the app answers with a 503 to retry. SQLite's
own busy timeout still covers the writers of other processes (the CLI, a second server).

No deadlock with the pool: a writer takes its turn when it has its connection, and the
holder of the turn never needs a second one (the auth and claim checks end the request's
transaction before they write in a short one of their own). A task that asks for a turn
on a second connection while its first holds one is a bug that would wait on itself; it
fails at once instead.
"""

from __future__ import annotations

import asyncio
import sqlite3
import weakref
from collections import deque
from typing import Any

from sqlalchemy import TextClause, event, exc
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import await_only

from badgekit_api.db.sqlite_one_call import OneCallConnection


class WriteTurns:
    """The FIFO of one engine's writers; an owner is a DBAPI connection."""

    def __init__(self, wait_seconds: float) -> None:
        self.wait_seconds = wait_seconds
        self._holder: object | None = None
        self._holder_task: asyncio.Task[Any] | None = None
        self._waiting: deque[tuple[object, asyncio.Future[None]]] = deque()

    @property
    def holder(self) -> object | None:
        """The connection whose turn it is (None: nobody writes)."""
        return self._holder

    @property
    def queued(self) -> int:
        """How many writers wait for their turn."""
        return len(self._waiting)

    async def take(self, owner: object) -> None:
        """Wait for `owner`'s turn (at once if it already has it)."""
        if self._holder is owner:
            return
        task = asyncio.current_task()
        if task is not None and task is self._holder_task:
            raise RuntimeError("this task writes on another connection already: it would wait")
        if self._holder is None and not self._waiting:
            self._grant(owner, task)
            return
        loop = asyncio.get_running_loop()
        granted: asyncio.Future[None] = loop.create_future()
        entry = (owner, granted)
        self._waiting.append(entry)
        timer = loop.call_later(self.wait_seconds, self._expire, entry)
        try:
            await granted
        except asyncio.CancelledError:
            if granted.done() and not granted.cancelled():
                self.give_back(owner)  # handed the turn, cancelled before it could use it
            else:
                self._forget(entry)
            raise
        except TimeoutError:
            raise _locked(self.wait_seconds) from None
        finally:
            timer.cancel()
        self._holder_task = task

    def give_back(self, owner: object) -> None:
        """End `owner`'s turn, if it has it, and hand it to the next writer in line."""
        if self._holder is not owner:
            return
        self._holder = self._holder_task = None
        while self._waiting:
            next_owner, granted = self._waiting.popleft()
            if not granted.done():
                self._holder = next_owner
                granted.set_result(None)
                return

    def _grant(self, owner: object, task: asyncio.Task[Any] | None) -> None:
        self._holder, self._holder_task = owner, task

    def _expire(self, entry: tuple[object, asyncio.Future[None]]) -> None:
        granted = entry[1]
        if not granted.done():
            self._forget(entry)
            granted.set_exception(TimeoutError())

    def _forget(self, entry: tuple[object, asyncio.Future[None]]) -> None:
        try:
            self._waiting.remove(entry)
        except ValueError:
            pass  # handed the turn already


def _locked(seconds: float) -> exc.OperationalError:
    # The shape SQLite's own busy timeout gives, so errors.py answers it the same way.
    cause = sqlite3.OperationalError(f"database is locked (no write turn within {seconds:g} s)")
    return exc.OperationalError("BEGIN IMMEDIATE", None, cause)


_turns: weakref.WeakKeyDictionary[Any, WriteTurns] = weakref.WeakKeyDictionary()


def turns_of(engine: AsyncEngine) -> WriteTurns | None:
    """The engine's write queue (None: not a SQLite engine)."""
    return _turns.get(engine.sync_engine)


def queue_writers(engine: AsyncEngine, wait_seconds: float) -> None:
    """Begin `engine`'s transactions as its connections' `sqlite_begin` execution option
    says: IMMEDIATE ones in turn; DEFERRED ones (the default) as readers, which take a turn
    at their first write."""
    turns = WriteTurns(wait_seconds)
    _turns[engine.sync_engine] = turns

    @event.listens_for(engine.sync_engine, "begin")
    def begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        if mode == "DEFERRED":
            # Nothing to say yet: each read before the first write reads the latest
            # commit in a transaction of its own (SQLite's autocommit), as a read does on
            # PostgreSQL, and the first write begins the transaction (before_statement).
            # A BEGIN here would be one more trip to the connection's thread, and its
            # snapshot would have to be ended again at the first write.
            return
        # In SQLAlchemy's greenlet: wait on the event loop for the turn. Kept if the BEGIN
        # fails: a cancelled BEGIN may have run all the same, and a connection whose
        # transaction failed to begin is closed, so given back, at once.
        await_only(turns.take(connection.connection.dbapi_connection))
        connection.exec_driver_sql(f"BEGIN {mode}")

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def before_statement(
        connection: Any,
        _cursor: Any,
        statement: str,
        _parameters: Any,
        context: Any,
        _executemany: bool,
    ) -> None:
        owner = connection.connection.dbapi_connection
        driver: OneCallConnection = owner.driver_connection
        if (turns.holder is owner and driver.writing) or not _writes(statement, context):
            return
        await_only(turns.take(owner))
        # The write's transaction begins here, in one trip to the connection's thread. If
        # the request had read in a transaction of its own (an explicit `sqlite_begin`),
        # that snapshot may be older than the last commit (SQLite would refuse the write:
        # SQLITE_BUSY_SNAPSHOT): the reads are done, so it ends first, as under READ
        # COMMITTED elsewhere.
        await_only(driver.begin_writing())

    # Given back with the connection, which the pool has rolled back if it was left open.
    @event.listens_for(engine.sync_engine, "checkin")
    def returned(dbapi_connection: Any, _record: Any) -> None:
        turns.give_back(dbapi_connection)

    @event.listens_for(engine.sync_engine, "invalidate")
    def broken(dbapi_connection: Any, _record: Any, _error: Any) -> None:
        turns.give_back(dbapi_connection)

    @event.listens_for(engine.sync_engine, "close")
    def closed(dbapi_connection: Any, _record: Any) -> None:
        turns.give_back(dbapi_connection)


# What a statement given as text may begin with and still only read (or end a transaction).
_READING_WORDS = frozenset(
    {"SELECT", "WITH", "VALUES", "EXPLAIN", "PRAGMA", "BEGIN", "COMMIT", "END", "ROLLBACK"}
    | {"RELEASE"}
)


def _writes(statement: str, context: Any) -> bool:
    """Whether `statement` may write, or reads for a write: an INSERT, UPDATE, DELETE or
    DDL construct, a SAVEPOINT, a SELECT ... FOR UPDATE, or a statement given as text that
    does not begin as a read."""
    if context.isinsert or context.isupdate or context.isdelete or context.isddl:
        return True
    if statement.startswith("SAVEPOINT"):
        return True  # the writes it guards come next, and the restart would release it
    compiled = context.compiled
    if compiled is not None and not isinstance(compiled.statement, TextClause):
        # SQLite cannot say FOR UPDATE: a read that would lock its rows elsewhere, so that
        # the writes after it can rely on it, takes the turn instead.
        return getattr(compiled.statement, "_for_update_arg", None) is not None
    first = statement.lstrip().split(None, 1)
    return not first or first[0].upper() not in _READING_WORDS
