"""Insert rows, the rows that hang off them, and unrelated rows of the same write, in as few
statements as the database allows: one on PostgreSQL, one per table elsewhere.

An award writes its instance, the instance's evidence and the webhook events that announce
it; an application writes itself and its evidence. On PostgreSQL data-modifying CTEs say
all of that in one statement: the parent rows' INSERT ... RETURNING is a CTE, each child
table's INSERT ... SELECT joins the rows it was given (unnested arrays) to the new parents by
a unique key the caller chose (a slug), and unrelated rows are CTEs of their own. SQLite and
MariaDB have no data-modifying CTEs: there the parents are inserted with RETURNING (both
have it for INSERT) and the other tables after them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, Table, bindparam, column, func, insert, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.db.driver import ResultRow, fetch_written

# The position of each unnested row, counted by `unnest ... WITH ORDINALITY`.
ORDINAL = "ordinal"


@dataclass(frozen=True, slots=True)
class Children:
    """Rows of `table` that belong to a parent row: `parent_column` gets the parent's id,
    found by the parent's key value under `"parent"` in each row."""

    table: Table
    parent_column: str
    rows: Sequence[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Head:
    """One row of `table` inserted first, whose new id every parent row takes in
    `parent_column` (a new badge's image)."""

    table: Table
    row: dict[str, Any]
    parent_column: str


@dataclass(frozen=True, slots=True)
class Together:
    """What one write inserts: `rows` into `parent` (each with its `key` column set), their
    `children`, and `others` (rows of other tables, written in the same step)."""

    parent: Table
    key: str
    rows: Sequence[dict[str, Any]]
    returning: Sequence[str]
    children: Sequence[Children] = field(default_factory=tuple)
    others: Sequence[tuple[Table, Sequence[dict[str, Any]]]] = field(default_factory=tuple)
    head: Head | None = None


async def insert_together(
    session: AsyncSession, write: Together, *, alone: bool = False
) -> dict[Any, ResultRow]:
    """Insert everything in `write`; the `returning` columns (with `id` and the key) of each
    new parent row, by its key. Integrity errors propagate (nothing is inserted then).

    `alone`: nothing else the request writes must commit with this (it writes nothing
    after it, and whatever it wrote before began its transaction). On PostgreSQL, where
    this is one statement, it then needs no transaction of its own (`driver.fetch_written`)."""
    if session.get_bind().dialect.name == "postgresql":
        return await _in_one_statement(session, write, alone=alone)
    return await _one_table_at_a_time(session, write)


def _returned(write: Together) -> list[Any]:
    names = dict.fromkeys(["id", write.key, *write.returning])
    return [write.parent.c[name] for name in names]


async def _one_table_at_a_time(session: AsyncSession, write: Together) -> dict[Any, ResultRow]:
    rows = write.rows
    if write.head is not None:
        head = write.head
        new = insert(head.table).values(**head.row).returning(head.table.c.id)
        head_id = (await session.execute(new)).scalar_one()
        rows = [{**row, head.parent_column: head_id} for row in rows]
    inserted = await session.execute(insert(write.parent).returning(*_returned(write)), rows)
    created: dict[Any, ResultRow] = {row._mapping[write.key]: row for row in inserted}
    for children in write.children:
        if children.rows:
            await session.execute(
                insert(children.table),
                [
                    {
                        **{name: value for name, value in row.items() if name != "parent"},
                        children.parent_column: created[row["parent"]].id,
                    }
                    for row in children.rows
                ],
            )
    for table, rows in write.others:
        if rows:
            await session.execute(insert(table), rows)
    return created


async def _in_one_statement(
    session: AsyncSession, write: Together, *, alone: bool
) -> dict[Any, ResultRow]:
    # Each table's rows arrive as one array parameter per column, unnested in the database:
    # the statement's text depends on which tables have rows, never on how many, so it is
    # built once per shape (`_shape`), compiled once and stays one prepared statement (a
    # multi-row VALUES is neither), run on the driver (db/driver.py).
    shape = _shape(write)
    statement = _statements.get(shape)
    if statement is None:
        statement = _statements[shape] = _statement(write)
    found = await fetch_written(session, statement, _parameters(write), alone=alone)
    return {row._mapping[write.key]: row for row in found}


# The tables' names and columns a write fills, and what it returns: the statement's shape.
Shape = tuple[Any, ...]
_statements: dict[Shape, Any] = {}


def _shape(write: Together) -> Shape:
    head = write.head
    return (
        write.parent.name,
        write.key,
        tuple(write.returning),
        tuple(_column_names(write.rows)),
        None if head is None else (head.table.name, tuple(head.row), head.parent_column),
        tuple(
            (number, children.table.name, children.parent_column, *_column_names(children.rows))
            for number, children in enumerate(write.children)
            if children.rows
        ),
        tuple(
            (number, table.name, *_column_names(rows))
            for number, (table, rows) in enumerate(write.others)
            if rows
        ),
    )


def _parameters(write: Together) -> dict[str, Any]:
    """The values of one write, by the names its statement's parameters have."""
    values = _arrays(write.rows, "new", _column_names(write.rows))
    if write.head is not None:
        values.update({f"head_{name}": value for name, value in write.head.row.items()})
    for number, children in enumerate(write.children):
        if children.rows:
            names = [*_column_names(children.rows), "parent"]
            values.update(_arrays(children.rows, f"children_{number}", names))
    for number, (_table, rows) in enumerate(write.others):
        if rows:
            values.update(_arrays(rows, f"others_{number}", _column_names(rows)))
    return values


def _arrays(rows: Sequence[dict[str, Any]], prefix: str, names: Sequence[str]) -> dict[str, Any]:
    return {f"{prefix}_{name}": [row[name] for row in rows] for name in names}


def _statement(write: Together) -> Any:
    """The one statement of writes of this one's shape, its values left as parameters."""
    names = _column_names(write.rows)
    chosen = _unnested(write.parent, names, "new")
    if write.head is not None:
        # The head's INSERT ... RETURNING is a CTE of its own; every parent row takes its id.
        head = write.head
        values = {
            name: bindparam(f"head_{name}", type_=head.table.c[name].type) for name in head.row
        }
        first = insert(head.table).values(values).returning(head.table.c.id).cte("head_row")
        names = [*names, head.parent_column]
        chosen = chosen.add_columns(select(first.c.id).scalar_subquery())
    new = insert(write.parent).from_select(names, chosen).returning(*_returned(write))
    parents = new.cte("new_rows")
    ctes = []
    for number, children in enumerate(write.children):
        if children.rows:
            ctes.append(
                _children_insert(children, parents, write.key, f"children_{number}").cte(
                    f"children_{number}"
                )
            )
    for number, (table, rows) in enumerate(write.others):
        if rows:
            prefix = f"others_{number}"
            other_names = _column_names(rows)
            chosen = _unnested(table, other_names, prefix)
            ctes.append(insert(table).from_select(other_names, chosen).cte(prefix))
    return select(*(parents.c[column.name] for column in _returned(write))).add_cte(*ctes)


def _column_names(rows: Sequence[dict[str, Any]]) -> list[str]:
    return [name for name in rows[0] if name != "parent"]


def _unnested(
    table: Table,
    names: Sequence[str],
    prefix: str,
    extra: Sequence[tuple[str, Any]] = (),
    *,
    numbered: bool = False,
) -> Select[Any]:
    """A SELECT of `unnest` over one typed array parameter per column, `{prefix}_{name}`
    (`extra`: more (name, type) columns read from the rows, not inserted)."""
    typed = [(name, table.c[name].type) for name in names] + list(extra)
    arrays = [bindparam(f"{prefix}_{name}", type_=ARRAY(kind)) for name, kind in typed]
    unnested = (
        func.unnest(*arrays)
        .table_valued(
            *(column(name, kind) for name, kind in typed),
            with_ordinality=ORDINAL if numbered else None,
        )
        .render_derived(name=prefix)
    )
    ordinal = [unnested.c[ORDINAL]] if numbered else []
    return select(*(unnested.c[name] for name, _ in typed), *ordinal)


def _children_insert(children: Children, parents: Any, key: str, prefix: str) -> Any:
    table = children.table
    names = _column_names(children.rows)
    key_type = parents.c[key].type
    given = _unnested(table, names, prefix, extra=[("parent", key_type)], numbered=True).subquery()
    # In the order given: the join may reorder the rows, and ids follow the insert's order
    # (a badge shows its criteria in id order).
    chosen = (
        select(parents.c.id, *(given.c[name] for name in names))
        .select_from(parents.join(given, parents.c[key] == given.c.parent))
        .order_by(given.c[ORDINAL])
    )
    return insert(table).from_select([children.parent_column, *names], chosen)
