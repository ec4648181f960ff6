"""The request's start statement on PostgreSQL, run on asyncpg directly.

SQLAlchemy's execution of one statement costs 0.15-0.3 ms of CPU here (the session's
connection, the execution context, the greenlet bridge, the result object) where asyncpg
alone costs about 0.08 ms, and a read is one statement (docs/performance.md, *Issue 16*).
The statement is still the one SQLAlchemy construct each query module builds, compiled
once for the dialect; what is skipped is the per-execution machinery. The parameters are
bound with the compiled statement's own processors, the text runs on the asyncpg
connection (whose statement cache prepares it once per connection), and the row comes back
keyed by the statement's labels, through the columns' own result processors: the values
SQLAlchemy would have given. On SQLite and MariaDB (whose drivers gain little from this)
the statement goes through the session as before.

A read outside any transaction (a PostgreSQL GET runs in autocommit, `database.py`) takes
a connection from the engine's pool just for its statement; a write request runs its
statements on the session's connection. Reads never begin its transaction (under READ
COMMITTED a statement sees the same rows either side of a `BEGIN`); writes begin it, as
SQLAlchemy would, unless the write is a request's only one (`fetch_written`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Dialect, Row
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.sql import Executable, Select
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.util import greenlet_spawn


class ResultRow(Protocol):
    """A row by label: SQLAlchemy's `Row`, or a `DriverRow`."""

    @property
    def _mapping(self) -> Mapping[Any, Any]: ...

    def __getattr__(self, name: str) -> Any: ...


class DriverRow:
    """A row read on the driver, read as SQLAlchemy's `Row` is: `row.label`, `row._mapping`."""

    __slots__ = ("_mapping",)

    def __init__(self, mapping: dict[str, Any]) -> None:
        self._mapping = mapping

    def __getattr__(self, name: str) -> Any:
        try:
            return self._mapping[name]
        except KeyError:
            raise AttributeError(name) from None


# Called with each statement's text run here, and whether it was compiled just now: the
# statement counts (tests/support.py) see these beside SQLAlchemy's `before_cursor_execute`.
StatementObserver = Callable[[str, bool], None]
observers: list[StatementObserver] = []

_Processor = Callable[[Any], Any] | None


class _Compiled:
    """One statement compiled for one dialect: its text, how to bind, how to read back."""

    __slots__ = ("sql", "_compiled", "_order", "_binds", "_keys", "_results")

    def __init__(self, statement: Executable, dialect: Dialect) -> None:
        assert isinstance(statement, ClauseElement)
        compiled = statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        self.sql = compiled.string
        self._compiled = compiled
        self._order = tuple(compiled.positiontup or ())
        self._binds: Mapping[str, Any] = compiled._bind_processors
        columns = compiled._result_columns or []
        self._keys = tuple(column.keyname for column in columns)
        self._results = tuple(
            column.type._cached_result_processor(dialect, None) for column in columns
        )

    def arguments(self, params: Mapping[str, Any]) -> list[Any]:
        values = self._compiled.construct_params(params)
        assert values is not None
        binds = self._binds
        arguments = []
        for name in self._order:
            value = values[name]
            process = binds.get(name)
            arguments.append(process(value) if process is not None else value)
        return arguments

    def row(self, record: Any) -> DriverRow:
        mapping = {}
        for key, process, value in zip(self._keys, self._results, record, strict=True):
            mapping[key] = process(value) if process is not None and value is not None else value
        return DriverRow(mapping)


# Per statement object (each is built once per shape and kept: scopes/start.py,
# insert_together.py); the statement is held beside its compiled form so that its id stays
# its own. Bounded, should a caller ever pass statements built per request.
MAX_COMPILED = 4096
_compiled: dict[int, tuple[Executable, _Compiled | None]] = {}


def _compiled_for(statement: Executable, dialect: Dialect) -> tuple[_Compiled | None, bool]:
    """The statement's compiled form (None: it needs SQLAlchemy, e.g. an expanding IN
    list), and whether it was compiled just now."""
    kept = _compiled.get(id(statement))
    if kept is not None and kept[0] is statement:
        return kept[1], False
    if len(_compiled) >= MAX_COMPILED:
        _compiled.clear()
    compiled: _Compiled | None = _Compiled(statement, dialect)
    assert compiled is not None
    if compiled._compiled.post_compile_params or compiled._compiled.literal_execute_params:
        compiled = None
    _compiled[id(statement)] = (statement, compiled)
    return compiled, True


def runs_on_driver(session: AsyncSession) -> bool:
    bind = session.bind
    return bind is not None and bind.dialect.driver == "asyncpg"


async def fetch_one(
    session: AsyncSession, statement: Select[Any], params: Mapping[str, Any]
) -> ResultRow:
    """The one row of `statement` (a SELECT of scalar subqueries always has one), run where
    the session stands: a request's start statement, before its transaction's first
    write."""
    if not runs_on_driver(session):
        row: Row[Any] = (await session.execute(statement, params)).one()
        return row
    [found] = await _run(session, statement, params, begin=False)
    return found


async def fetch_rows(
    session: AsyncSession, statement: Executable, params: Mapping[str, Any]
) -> Sequence[ResultRow]:
    """Every row of the read `statement`: in the transaction the request has begun, if it
    has (so that it sees the request's own writes), else on its own. A read never begins
    the transaction: under READ COMMITTED it would see the same rows inside one."""
    if not runs_on_driver(session):
        return list(await session.execute(statement, params))
    return await _run(session, statement, params, begin=False)


async def fetch_written(
    session: AsyncSession, statement: Executable, params: Mapping[str, Any], *, alone: bool
) -> Sequence[ResultRow]:
    """Every row of the write `statement` (with RETURNING), in the session's transaction:
    begun on the connection first, as SQLAlchemy would have begun it, unless the caller
    says the statement is `alone`: the request's only write, atomic on its own. Then, when
    no transaction is open yet, it runs without one (PostgreSQL commits it as it runs)
    and the request spares the round trips of its `BEGIN` and `COMMIT`; when one is open
    (the request locked or wrote something before), it runs in it."""
    if not runs_on_driver(session):
        return list(await session.execute(statement, params))
    return await _run(session, statement, params, begin=not alone)


async def _run(
    session: AsyncSession, statement: Executable, params: Mapping[str, Any], *, begin: bool
) -> Sequence[ResultRow]:
    dialect = session.bind.dialect  # type: ignore[union-attr]
    compiled, fresh = _compiled_for(statement, dialect)
    if compiled is None:
        return list(await session.execute(statement, params))
    arguments = compiled.arguments(params)
    for observe in observers:
        observe(compiled.sql, fresh)
    pool = session.bind.sync_engine.pool  # type: ignore[union-attr]
    if session.in_transaction() or not _autocommit(session):
        connection = await session.connection()
        pooled = await connection.get_raw_connection()
        try:
            records = await _fetch(pooled, dialect, compiled.sql, arguments, begin=begin)
        except sa_exc.DBAPIError as error:
            if error.connection_invalidated:
                # Through the session's connection, which must not go on using it; the
                # pool's connections made before it are replaced at their next checkout.
                pool._invalidate(pooled, error, _checkin=False)
                await connection.invalidate(error)
            raise
        return [compiled.row(record) for record in records]
    pooled = await _checkout(session, dialect)
    try:
        records = await _fetch(pooled, dialect, compiled.sql, arguments, begin=False)
    except sa_exc.DBAPIError as error:
        if error.connection_invalidated:
            # As SQLAlchemy does for a lost connection: the pool discards it and, at their
            # next checkout, every connection made before it (a restarted database).
            await greenlet_spawn(pool._invalidate, pooled, error)
        else:
            pooled.close()
        raise
    # Back to the pool; with no transaction begun, its reset has nothing to await.
    pooled.close()
    return [compiled.row(record) for record in records]


async def _checkout(session: AsyncSession, dialect: Dialect) -> Any:
    """A connection from the engine's pool; a failed connect raised as SQLAlchemy raises it
    from a session (a DBAPIError with no statement: `errors.py` answers 503)."""
    try:
        return await session.bind.raw_connection()  # type: ignore[union-attr]
    except dialect.loaded_dbapi.Error as error:
        raise sa_exc.DBAPIError.instance(
            None, None, error, dialect.loaded_dbapi.Error, hide_parameters=True, dialect=dialect
        ) from error


def _autocommit(session: AsyncSession) -> bool:
    bind = session.bind
    assert isinstance(bind, AsyncEngine)
    return bind.get_execution_options().get("isolation_level") == "AUTOCOMMIT"


async def _fetch(
    pooled: Any, dialect: Dialect, sql: str, arguments: list[Any], *, begin: bool
) -> list[Any]:
    """Run `sql` on the asyncpg connection (after the transaction's `BEGIN`, if `begin` and
    none is open: SQLAlchemy's adapter then commits or rolls back that transaction as its
    own); a failure raised as SQLAlchemy would raise it (`errors.py` answers a lost
    connection 503), marked when the connection is lost."""
    adapted = pooled.dbapi_connection
    try:
        if begin and adapted._transaction is None:
            await adapted._start_transaction()  # nothing under autocommit
        records: list[Any] = await pooled.driver_connection.fetch(sql, *arguments)
        return records
    except Exception as error:
        try:
            adapted._handle_exception(error)  # re-raises it as the driver adapter's DBAPI error
        except Exception as translated:
            error = translated
        lost = dialect.is_disconnect(error, adapted, None)  # type: ignore[arg-type]
        raise sa_exc.DBAPIError.instance(
            sql,
            None,
            error,
            dialect.loaded_dbapi.Error,
            hide_parameters=True,
            connection_invalidated=lost,
            dialect=dialect,
        ) from error
