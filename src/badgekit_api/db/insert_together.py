"""Insert rows, the rows that hang off them, and unrelated rows of the same write, in as few
statements as the database allows: one on PostgreSQL, one per table elsewhere.

An award writes its instance, the instance's evidence and the webhook events that announce
it; an application writes itself and its evidence. On PostgreSQL data-modifying CTEs say
all of that in one statement: the parent rows' INSERT ... RETURNING is a CTE, each child
table's INSERT ... SELECT joins the rows it was given (a VALUES list) to the new parents by
a unique key the caller chose (a slug), and unrelated rows are CTEs of their own. SQLite and
MariaDB have no data-modifying CTEs: there the parents are inserted with RETURNING (both
have it for INSERT) and the other tables after them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, Table, cast, column, insert, select, values
from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True, slots=True)
class Children:
    """Rows of `table` that belong to a parent row: `parent_column` gets the parent's id,
    found by the parent's key value under `"parent"` in each row."""

    table: Table
    parent_column: str
    rows: Sequence[dict[str, Any]]


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


async def insert_together(session: AsyncSession, write: Together) -> dict[Any, Row[Any]]:
    """Insert everything in `write`; the `returning` columns (with `id` and the key) of each
    new parent row, by its key. Integrity errors propagate (nothing is inserted then)."""
    if session.get_bind().dialect.name == "postgresql":
        return await _in_one_statement(session, write)
    return await _one_table_at_a_time(session, write)


def _returned(write: Together) -> list[Any]:
    names = dict.fromkeys(["id", write.key, *write.returning])
    return [write.parent.c[name] for name in names]


async def _one_table_at_a_time(session: AsyncSession, write: Together) -> dict[Any, Row[Any]]:
    inserted = await session.execute(insert(write.parent).returning(*_returned(write)), write.rows)
    created = {row._mapping[write.key]: row for row in inserted}
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


async def _in_one_statement(session: AsyncSession, write: Together) -> dict[Any, Row[Any]]:
    new = insert(write.parent).values(list(write.rows)).returning(*_returned(write))
    parents = new.cte("new_rows")
    ctes = []
    for number, children in enumerate(write.children):
        if children.rows:
            ctes.append(_children_insert(children, parents, write.key).cte(f"children_{number}"))
    for number, (table, rows) in enumerate(write.others):
        if rows:
            ctes.append(insert(table).values(list(rows)).cte(f"others_{number}"))
    statement = select(*(parents.c[column.name] for column in _returned(write))).add_cte(*ctes)
    found = await session.execute(statement)
    return {row._mapping[write.key]: row for row in found}


def _children_insert(children: Children, parents: Any, key: str) -> Any:
    table = children.table
    names = [name for name in children.rows[0] if name != "parent"]
    key_type = parents.c[key].type
    given = values(
        column("parent", key_type),
        *(column(name, table.c[name].type) for name in names),
        name="given",
    ).data([(row["parent"], *(row[name] for name in names)) for row in children.rows])
    # Typed: a VALUES column of NULLs only would be text to PostgreSQL.
    chosen = select(
        parents.c.id, *(cast(given.c[name], table.c[name].type) for name in names)
    ).select_from(parents.join(given, parents.c[key] == cast(given.c.parent, key_type)))
    return insert(table).from_select([children.parent_column, *names], chosen)
