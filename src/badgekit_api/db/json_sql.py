"""JSON built by the database: objects, ordered arrays and documents nested in each other,
with the same decoded answer on PostgreSQL, MariaDB and SQLite.

A read that needs a row and its lists can be one statement when the database assembles the
JSON: `json_object` makes an object of columns, `json_array_agg` makes the rows of a (usually
correlated) one-column select into an array, and either nests in the other. A statement
whose single column is one of them is read with `fetch_json`, which gives Python objects.
Every construct here is small, compiles once per dialect, and keeps its parts in the
statement's cache key, so statements built from them are cached and prepared like any other.

The rules, and why each database needs what it gets:

- Objects: `JSON_OBJECT` (MariaDB), `json_object` (SQLite), and on PostgreSQL
  `row_to_json` of a one-row select whose column names are the keys, `(SELECT
  row_to_json(r) FROM (SELECT v1 AS "k1", ...) AS r)`: `json_build_object` looks up the
  type of each of its arguments, keys included, on every row (PostgreSQL 15), and a page
  of badges builds thousands of pairs; named columns cost nothing per row (a key too long
  for a column name, over 63 bytes, keeps `json_build_object`). Keys are written into the
  SQL, never bound: fixed keys keep the statement text fixed. An object has at most
  `MAX_OBJECT_KEYS` keys (PostgreSQL's 100 arguments per function call; nest objects for
  more).
- Arrays: the aggregate is `json_agg(v ORDER BY ...)` on PostgreSQL and
  `JSON_ARRAYAGG(v ORDER BY ...)` on MariaDB (10.5 and later; MySQL's JSON_ARRAYAGG takes
  no ORDER BY, so it is refused rather than left unordered). SQLite before 3.44 has no
  ORDER BY inside an aggregate, and the order rows reach an aggregate is not defined, so
  SQLite uses `json_group_array(v)` as a window function over the whole ordered frame,
  whose order is defined: every row of the window carries the same full array, and a
  scalar subquery answers with its first row. An ORDER BY is required, and should end on
  a unique column so that ties cannot reorder the array.
- No rows is `[]`, never NULL: the aggregate is NULL on PostgreSQL and MariaDB, and the
  windowed select has no row at all on SQLite, so the scalar subquery is wrapped in
  `COALESCE(..., <empty array>)` on every database.
- Nesting: PostgreSQL's `json` values nest as they are. MariaDB and SQLite have no JSON
  type: a document is text that the JSON functions remember as JSON only while it flows
  straight from one function into the next; out of a subquery, a CASE or a COALESCE it may
  be plain text again (SQLite forgets it out of a UNION or a materialized CTE), and would
  then be embedded as a string holding the JSON. So every value typed `JsonDocument` that
  does not come straight from one of this module's functions (a list, which is a scalar
  subquery; a scalar subquery of an object; a `case()` whose results are objects) is
  re-marked where it is embedded: `JSON_EXTRACT(v, '$')` on MariaDB, `json(v)` on SQLite.
- Booleans: MariaDB and SQLite store 0 and 1, which JSON functions write as numbers; a
  value typed Boolean becomes the JSON literal `true` / `false` (`JSON_EXTRACT('true',
  '$')`, `json('true')`), and NULL stays null.
- Timestamps: a value typed DateTime becomes the string the API sends everywhere
  (`timestamps.iso_millis`): `2026-12-03T10:01:11.973Z`, UTC, milliseconds cut (not
  rounded) from the stored microseconds. PostgreSQL: `to_char(... 'MS')`, which cuts.
  MariaDB: the first 23 characters of `DATE_FORMAT(..., '%f')`. SQLite: the stored text
  (SQLAlchemy writes `YYYY-MM-DD HH:MM:SS.ffffff`) is cut into shape with `substr`, because
  SQLite's date functions round to the millisecond (`.973999` would show as `.974`); a
  stored value without a fraction gets `.000`.
- Other values: text and integers are passed as they are; each database escapes text
  its own way and all decode to the same string. Types without one obvious JSON form
  (binary, decimals, floats, dates, times, intervals) are refused when the statement is
  built, so no database can answer differently from the others.
- Reading: the outermost column travels as text on every database (cast to text on
  PostgreSQL, whose driver would otherwise decode it with the standard library's json)
  and is decoded with orjson.
- Size: MariaDB's JSON_ARRAYAGG is GROUP_CONCAT underneath and silently drops the rows
  that do not fit in `group_concat_max_len` (1 MiB by default); `allow_long_aggregates`
  raises it for every connection. The result still cannot exceed the server's
  `max_allowed_packet` (16 MiB by default): keep what one statement aggregates bounded
  (pages), or raise that server setting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from sqlalchemy import (
    Boolean,
    DateTime,
    Select,
    String,
    Text,
    bindparam,
    event,
    func,
    literal,
    null,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import sqltypes
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnClause, ColumnElement, Grouping
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeDecorator, TypeEngine

# PostgreSQL's FUNC_MAX_ARGS is 100: a key and a value per entry.
MAX_OBJECT_KEYS = 50
# Longer column names are cut; an object with a key that long keeps json_build_object.
_LONGEST_POSTGRESQL_NAME = 63
# No result can be longer than max_allowed_packet anyway; a larger number (2**32 - 1) would
# be clamped to MariaDB's 1 GiB ceiling with a warning on every new connection, which the
# driver prints.
_LONGEST_GROUP_CONCAT = "@@global.max_allowed_packet"
# Types a JSON document cannot hold the same way on every database.
_REFUSED_TYPES = (
    sqltypes.LargeBinary,
    sqltypes.Numeric,  # decimals and floats: each database writes its own digits
    sqltypes.Float,
    sqltypes.Date,
    sqltypes.Time,
    sqltypes.Interval,
    sqltypes.DateTime,  # with a time zone: timestamps are stored as naive UTC (UTCDateTime)
)


class JsonDocument(TypeDecorator[Any]):
    """A JSON value built by the database; as the outermost column it arrives as text
    on every database and is decoded with orjson."""

    impl = Text
    cache_ok = True

    def column_expression(self, column: ColumnElement[Any]) -> ColumnElement[Any]:
        return _AsText(column)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else orjson.loads(value)


class JsonText(JsonDocument):
    """A JSON value built by the database, read as the text the database wrote: for a
    document that goes out as it is (a response body), with no decoding and re-encoding."""

    cache_ok = True

    def column_expression(self, column: ColumnElement[Any]) -> ColumnElement[Any]:
        return _AsRawText(column)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return value


def as_text(document: ColumnElement[Any]) -> ColumnElement[Any]:
    """`document` (one of this module's constructs, or a scalar subquery of one) as an
    outermost column read as text."""
    return type_coerce(document, JsonText())


def empty_json_array() -> ColumnElement[Any]:
    """`[]`, as a value of a document."""
    return _EmptyArray()


def json_object(fields: Mapping[str, Any]) -> ColumnElement[Any]:
    """An object of `fields` (key -> column, expression, this module's constructs, or a
    Python constant), keys in the order given."""
    if len(fields) > MAX_OBJECT_KEYS:
        raise ValueError(f"a JSON object holds at most {MAX_OBJECT_KEYS} keys, not {len(fields)}")
    arguments: list[ColumnElement[Any]] = []
    for key, value in fields.items():
        arguments += [_Key(key), _json_value(value)]
    return _JsonObject(*arguments)


def json_array_agg(
    rows: Select[Any], *, order_by: ColumnElement[Any] | Sequence[ColumnElement[Any]]
) -> ColumnElement[Any]:
    """The values of the one-column select `rows`, in `order_by` order, as a JSON array:
    `[]` when it selects no row. `rows` may be correlated with the enclosing statement (a
    badge's criteria: `select(...).where(Criterion.badge_id == Badge.id)`) and carries no
    ORDER BY of its own."""
    columns = list(rows.selected_columns)
    if len(columns) != 1:
        raise ValueError(f"json_array_agg needs a select of one column, not {len(columns)}")
    ordering = list(order_by) if isinstance(order_by, Sequence) else [order_by]
    if not ordering:
        raise ValueError("json_array_agg needs an order_by: without one the order is arbitrary")
    aggregate = rows.with_only_columns(
        _ArrayAgg(_json_value(columns[0]), *ordering), maintain_column_froms=True
    )
    return func.coalesce(aggregate.scalar_subquery(), _EmptyArray(), type_=JsonDocument())


async def fetch_json(executor: AsyncConnection | AsyncSession, statement: Select[Any]) -> Any:
    """The decoded JSON value of the statement's single column in its one row: None when
    it selects no row or NULL, an error when it selects more than one row."""
    columns = list(statement.selected_columns)
    if len(columns) != 1 or not isinstance(columns[0].type, JsonDocument):
        raise TypeError("fetch_json needs a select of one column built by this module")
    result = await executor.execute(statement)
    return result.scalar_one_or_none()


def allow_long_aggregates(engine: AsyncEngine) -> None:
    """Let MariaDB's JSON_ARRAYAGG return up to `max_allowed_packet` bytes on every
    connection of `engine` instead of dropping rows past 1 MiB (a no-op elsewhere)."""
    if engine.dialect.name not in ("mysql", "mariadb"):
        return

    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"SET SESSION group_concat_max_len = {_LONGEST_GROUP_CONCAT}")
        cursor.close()


# --- what a value becomes inside a document ------------------------------------------------


def _json_value(value: Any) -> ColumnElement[Any]:
    """`value` as its JSON form: see the module's rules for each type."""
    if value is None:
        return null()
    if hasattr(value, "__clause_element__"):  # an ORM attribute: Badge.id
        value = value.__clause_element__()
    expression = value if isinstance(value, ColumnElement) else literal(value)
    if isinstance(expression, _JsonFunction):
        return expression  # straight from one JSON function into the next: still JSON
    kind = _plain_type(expression.type)
    if isinstance(expression.type, JsonDocument) or isinstance(kind, sqltypes.JSON):
        return _Embedded(expression)
    if isinstance(kind, Boolean):
        # A compound condition in parentheses: `NOT a AND NOT b` would negate `a` alone.
        plain = isinstance(expression, ColumnClause)
        return _JsonBoolean(expression if plain else Grouping(expression))
    if isinstance(kind, DateTime) and not kind.timezone:
        return _JsonTimestamp(expression)
    if isinstance(kind, _REFUSED_TYPES):
        raise TypeError(f"no JSON form is the same on every database for {kind!r}")
    return expression


def _plain_type(type_: TypeEngine[Any]) -> TypeEngine[Any]:
    """The type a TypeDecorator stores as (UTCDateTime is a DateTime)."""
    return type_.impl_instance if isinstance(type_, TypeDecorator) else type_


# --- the constructs, each compiled per dialect ---------------------------------------------


class _Key(ColumnElement[str]):
    """An object key, written into the SQL as a string literal."""

    inherit_cache = True
    _traverse_internals = [("json_key", InternalTraversal.dp_string)]
    type = String()

    def __init__(self, key: str) -> None:
        self.json_key = key


class _JsonFunction(FunctionElement[Any]):
    """A construct whose result is a JSON document."""

    type = JsonDocument()
    inherit_cache = True


class _JsonObject(_JsonFunction):
    name = "json_sql_object"
    inherit_cache = True


class _ArrayAgg(_JsonFunction):
    """The aggregate of the first argument, ordered by the others."""

    name = "json_sql_array_agg"
    inherit_cache = True


class _EmptyArray(_JsonFunction):
    name = "json_sql_empty_array"
    inherit_cache = True


class _Embedded(_JsonFunction):
    """A JSON document placed inside another."""

    name = "json_sql_embedded"
    inherit_cache = True


class _JsonBoolean(_JsonFunction):
    name = "json_sql_boolean"
    inherit_cache = True


class _JsonTimestamp(FunctionElement[str]):
    name = "json_sql_timestamp"
    type = String()
    inherit_cache = True


class _AsText(FunctionElement[Any]):
    """The outermost JSON column, as text."""

    name = "json_sql_as_text"
    type = JsonDocument()
    inherit_cache = True


class _AsRawText(FunctionElement[Any]):
    """The outermost JSON column, as text that stays text (`JsonText`)."""

    name = "json_sql_as_raw_text"
    type = JsonText()
    inherit_cache = True


def _arguments(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> list[str]:
    return [compiler.process(argument, **kw) for argument in element.clauses]


def _text(compiler: SQLCompiler, value: str) -> str:
    """A string literal, escaped for the dialect (quotes, backslashes, percent signs)."""
    return compiler.render_literal_value(value, String())


@compiles(_Key)
def _key(element: _Key, compiler: SQLCompiler, **_kw: Any) -> str:
    return _text(compiler, element.json_key)


@compiles(_JsonObject, "postgresql")
def _object_postgresql(element: _JsonObject, compiler: SQLCompiler, **kw: Any) -> str:
    # `row_to_json` of a one-row select whose column names are the keys: PostgreSQL (15)
    # looks up the type of every argument of `json_build_object` on every row, keys
    # included, so the keys written as column names cost nothing per row. Same object,
    # keys in the same order (only without the spaces json_build_object puts around ':').
    arguments = list(element.clauses)
    keys = [key.json_key for key in arguments[0::2]]
    if not keys or any(_too_long_for_a_name(key) for key in keys):
        return f"json_build_object({', '.join(_arguments(element, compiler, **kw))})"
    values = [compiler.process(value, **kw) for value in arguments[1::2]]
    columns = ", ".join(
        f"{value} AS {compiler.preparer.quote_identifier(key)}"
        for key, value in zip(keys, values, strict=True)
    )
    return f"(SELECT row_to_json(json_sql_row) FROM (SELECT {columns}) AS json_sql_row)"


def _too_long_for_a_name(key: str) -> bool:
    return len(key.encode()) > _LONGEST_POSTGRESQL_NAME


@compiles(_JsonObject, "mysql", "mariadb")
def _object_mariadb(element: _JsonObject, compiler: SQLCompiler, **kw: Any) -> str:
    return f"JSON_OBJECT({', '.join(_arguments(element, compiler, **kw))})"


@compiles(_JsonObject, "sqlite")
def _object_sqlite(element: _JsonObject, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_object({', '.join(_arguments(element, compiler, **kw))})"


def _value_and_order(element: _ArrayAgg, compiler: SQLCompiler, **kw: Any) -> tuple[str, str]:
    value, *ordering = _arguments(element, compiler, **kw)
    return value, ", ".join(ordering)


@compiles(_ArrayAgg, "postgresql")
def _array_agg_postgresql(element: _ArrayAgg, compiler: SQLCompiler, **kw: Any) -> str:
    value, ordering = _value_and_order(element, compiler, **kw)
    return f"json_agg({value} ORDER BY {ordering})"


@compiles(_ArrayAgg, "mysql", "mariadb")
def _array_agg_mariadb(element: _ArrayAgg, compiler: SQLCompiler, **kw: Any) -> str:
    _refuse_mysql(compiler.dialect)
    value, ordering = _value_and_order(element, compiler, **kw)
    return f"JSON_ARRAYAGG({value} ORDER BY {ordering})"


@compiles(_ArrayAgg, "sqlite")
def _array_agg_sqlite(element: _ArrayAgg, compiler: SQLCompiler, **kw: Any) -> str:
    value, ordering = _value_and_order(element, compiler, **kw)
    return (
        f"json_group_array({value}) OVER (ORDER BY {ordering} "
        "ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)"
    )


def _refuse_mysql(dialect: Dialect) -> None:
    # Known only once connected; a statement compiled before that is taken to be for MariaDB.
    version = dialect.server_version_info
    if version is None:
        return
    if not getattr(dialect, "is_mariadb", False):
        raise CompileError("ordered JSON arrays need MariaDB 10.5 or later, not MySQL")
    if tuple(version[:2]) < (10, 5):
        raise CompileError("ordered JSON arrays need MariaDB 10.5 or later")


@compiles(_EmptyArray, "postgresql")
def _empty_postgresql(_element: _EmptyArray, _compiler: SQLCompiler, **_kw: Any) -> str:
    return "CAST('[]' AS JSON)"


@compiles(_EmptyArray, "mysql", "mariadb")
def _empty_mariadb(_element: _EmptyArray, _compiler: SQLCompiler, **_kw: Any) -> str:
    return "JSON_ARRAY()"


@compiles(_EmptyArray, "sqlite")
def _empty_sqlite(_element: _EmptyArray, _compiler: SQLCompiler, **_kw: Any) -> str:
    return "json_array()"


def _only_argument(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    (argument,) = _arguments(element, compiler, **kw)
    return argument


@compiles(_Embedded, "postgresql")
@compiles(_AsText, "mysql", "mariadb")
@compiles(_AsText, "sqlite")
@compiles(_AsRawText, "mysql", "mariadb")
@compiles(_AsRawText, "sqlite")
def _as_it_is(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    return _only_argument(element, compiler, **kw)


@compiles(_Embedded, "mysql", "mariadb")
def _embedded_mariadb(element: _Embedded, compiler: SQLCompiler, **kw: Any) -> str:
    return f"JSON_EXTRACT({_only_argument(element, compiler, **kw)}, '$')"


@compiles(_Embedded, "sqlite")
def _embedded_sqlite(element: _Embedded, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json({_only_argument(element, compiler, **kw)})"


@compiles(_AsText, "postgresql")
@compiles(_AsRawText, "postgresql")
def _as_text_postgresql(element: _AsText | _AsRawText, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST({_only_argument(element, compiler, **kw)} AS TEXT)"


@compiles(_JsonBoolean, "postgresql")
def _boolean_postgresql(element: _JsonBoolean, compiler: SQLCompiler, **kw: Any) -> str:
    return _only_argument(element, compiler, **kw)


def _boolean_literal(element: _JsonBoolean, compiler: SQLCompiler, **kw: Any) -> str:
    value = _only_argument(element, compiler, **kw)
    return f"CASE WHEN {value} THEN 'true' WHEN NOT {value} THEN 'false' END"


@compiles(_JsonBoolean, "mysql", "mariadb")
def _boolean_mariadb(element: _JsonBoolean, compiler: SQLCompiler, **kw: Any) -> str:
    return f"JSON_EXTRACT({_boolean_literal(element, compiler, **kw)}, '$')"


@compiles(_JsonBoolean, "sqlite")
def _boolean_sqlite(element: _JsonBoolean, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json({_boolean_literal(element, compiler, **kw)})"


@compiles(_JsonTimestamp, "postgresql")
def _timestamp_postgresql(element: _JsonTimestamp, compiler: SQLCompiler, **kw: Any) -> str:
    pattern = _text(compiler, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
    return f"to_char({_only_argument(element, compiler, **kw)}, {pattern})"


@compiles(_JsonTimestamp, "mysql", "mariadb")
def _timestamp_mariadb(element: _JsonTimestamp, compiler: SQLCompiler, **kw: Any) -> str:
    pattern = _text(compiler, "%Y-%m-%dT%H:%i:%s.%f")
    value = _only_argument(element, compiler, **kw)
    return f"CONCAT(LEFT(DATE_FORMAT({value}, {pattern}), 23), 'Z')"


@compiles(_JsonTimestamp, "sqlite")
def _timestamp_sqlite(element: _JsonTimestamp, compiler: SQLCompiler, **kw: Any) -> str:
    value = _only_argument(element, compiler, **kw)
    return (
        f"substr({value}, 1, 10) || 'T' || substr({value}, 12, 8) || '.' "
        f"|| substr(substr({value}, 21) || '000', 1, 3) || 'Z'"
    )


# --- a list of ids -------------------------------------------------------------------------


class _OneOf(ColumnElement[bool]):
    """`column` is one of the values of the list parameter `name`."""

    inherit_cache = True
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("name", InternalTraversal.dp_string),
    ]
    # Not typed Boolean: where booleans are integers (SQLite, MariaDB) a Boolean term of
    # a WHERE is compared with 1, and `(id IN (...)) = 1` would not use the index.
    type = sqltypes.NullType()  # type: ignore[assignment]

    def __init__(self, column: ColumnElement[Any], name: str) -> None:
        self.column = column
        self.name = name


def one_of(column: ColumnElement[Any], name: str) -> ColumnElement[bool]:
    """`column IN (...)` for the list given as parameter `name`: `= ANY(array)` on
    PostgreSQL, whose text does not depend on the list's length (so the statement is one
    prepared statement, run on the driver: db/driver.py), an expanding IN elsewhere."""
    return _OneOf(column, name)


@compiles(_OneOf, "postgresql")
def _one_of_postgresql(element: _OneOf, compiler: SQLCompiler, **kw: Any) -> str:
    array = bindparam(element.name, type_=ARRAY(element.column.type))
    return f"{compiler.process(element.column, **kw)} = ANY({compiler.process(array, **kw)})"


@compiles(_OneOf)
def _one_of_elsewhere(element: _OneOf, compiler: SQLCompiler, **kw: Any) -> str:
    listed = element.column.in_(bindparam(element.name, expanding=True))
    return str(compiler.process(listed, **kw))
