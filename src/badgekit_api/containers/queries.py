"""Systems, issuers and programs as their own endpoints show them, written by the database:
the one read path for containers.

A program is its fields (`ProgramRead`); an issuer adds its programs, a system its issuers
with theirs (`IssuerRead`, `SystemRead`), in the order they were created. (A badge embeds
its containers without their children: `scopes/containers.container_document`.)
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Table, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.db.json_sql import as_text, json_array_agg, json_object
from badgekit_api.db.listing import PagedReading, listed_documents
from badgekit_api.scopes.containers import (
    ISSUERS,
    PROGRAMS,
    SYSTEMS,
    container_fields,
    container_id,
)
from badgekit_api.scopes.start import Reading

# The table of each level, outermost first (`scopes.containers.LEVELS`).
TABLES: tuple[Table, Table, Table] = (SYSTEMS, ISSUERS, PROGRAMS)


def shown_container(row: Any) -> str:
    """The JSON text of the URL's innermost container as the start statement read it (under
    `shown`; the scope has answered its 404 already when there is none)."""
    assert row is not None and row.shown is not None
    shown: str = row.shown
    return shown


def program_document(programs: Any = PROGRAMS) -> ColumnElement[Any]:
    return json_object(container_fields(programs))


def issuer_document(issuers: Any = ISSUERS) -> ColumnElement[Any]:
    programs = PROGRAMS.alias()
    fields = container_fields(issuers)
    fields["programs"] = json_array_agg(
        select(program_document(programs)).where(programs.c.issuer_id == issuers.c.id),
        order_by=programs.c.id,
    )
    return json_object(fields)


def system_document(systems: Any = SYSTEMS) -> ColumnElement[Any]:
    issuers = ISSUERS.alias()
    fields = container_fields(systems)
    fields["issuers"] = json_array_agg(
        select(issuer_document(issuers)).where(issuers.c.system_id == systems.c.id),
        order_by=issuers.c.id,
    )
    return json_object(fields)


DOCUMENTS = (system_document, issuer_document, program_document)


class OneSystem(Reading):
    """The system `{system_slug}` (a route outside any scope): `system`, NULL if none."""

    def columns(self, depth: int, variant: Any) -> list[ColumnElement[Any]]:
        found = select(system_document()).where(SYSTEMS.c.slug == bindparam("system_slug"))
        return [as_text(found.scalar_subquery()).label("system")]


class NamedContainer(Reading):
    """The deepest container the URL names (its scope resolved it, so it is there) with
    its children: `shown` (the scope's own column of it has none)."""

    def __init__(self, level: int) -> None:
        self.level = level

    def columns(self, depth: int, variant: Any) -> list[ColumnElement[Any]]:
        table = TABLES[self.level]
        found = select(DOCUMENTS[self.level]()).where(table.c.id == container_id(self.level))
        return [as_text(found.scalar_subquery()).label("shown")]


class Children(PagedReading):
    """The containers of `level` directly in the one the URL names (all systems for level
    0), in creation order: their plural, and `total` when paged."""

    def __init__(self, level: int) -> None:
        self.level = level

    def columns(self, depth: int, variant: Any) -> list[ColumnElement[Any]]:
        table = TABLES[self.level]
        conditions = []
        if self.level == 1:
            conditions.append(table.c.system_id == container_id(0))
        elif self.level == 2:
            conditions.append(table.c.issuer_id == container_id(1))
        label = ("systems", "issuers", "programs")[self.level]
        return listed_documents(
            table, conditions, DOCUMENTS[self.level], label=label, paged=variant[0]
        )


ONE_SYSTEM = OneSystem()
ONE_ISSUER = NamedContainer(1)
ONE_PROGRAM = NamedContainer(2)
SYSTEM_PAGE = Children(0)
ISSUER_PAGE = Children(1)
PROGRAM_PAGE = Children(2)

_BY_ID = tuple(
    select(as_text(document())).where(table.c.id == bindparam("id"))
    for table, document in zip(TABLES, DOCUMENTS, strict=True)
)


async def container_by_id(session: AsyncSession, level: int, row_id: int, origin: str) -> str:
    """The JSON text of the container of `level` with this id (after a write)."""
    shown: str = (
        await session.execute(_BY_ID[level], {"id": row_id, "origin": origin})
    ).scalar_one()
    return shown
