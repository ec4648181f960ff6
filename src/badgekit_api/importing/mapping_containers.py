"""Systems, issuers and programs. A container whose slug the target already holds at the
same place is merged into that one (its badges and the rest go there), and listed."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import Table, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from badgekit_api.importing.source import Row
from badgekit_api.importing.tables import Context, Planned, TableMapping
from badgekit_api.importing.values import fits
from badgekit_api.models import Issuer, Program, System

MAX_CONTAINER_SLUG = 50
CONTAINER_COLUMNS = ("id", "slug", "name", "url", "description", "email", "imageId")
MERGED = (
    "slug exists in the target at the same place: merged into that {kind} (its own fields kept)"
)


def _container_values(row: Row, context: Context) -> dict[str, Any]:
    return {
        "slug": row["slug"],
        "name": row["name"],
        "url": row["url"],
        "description": row["description"],
        "email": row["email"],
        "image_id": None,
        "created_at": context.now,
    }


def _plan(row: Row, context: Context, extra: dict[str, Any]) -> Planned:
    planned = Planned(row["id"], {**_container_values(row, context), **extra})
    if not row["slug"] or not fits(row["slug"], MAX_CONTAINER_SLUG):
        planned.skip = f"slug empty or longer than {MAX_CONTAINER_SLUG} characters"
        return planned
    planned.image_id = row["imageId"]
    planned.image_shared = context.use_image(row["imageId"])
    return planned


async def _merge(
    planned: list[Planned],
    connection: AsyncConnection,
    context: Context,
    table: Table,
    parent: str | None,
    kind: str,
) -> None:
    """Rows whose (parent, slug) the target holds become merges into those rows."""

    def key(p: Planned) -> tuple[Any, str]:
        return (p.values[parent] if parent else None, p.values["slug"].lower())

    live = [p for p in planned if p.skip is None]
    if not live:
        return
    slug = func.lower(table.c.slug)
    if parent:
        condition = tuple_(table.c[parent], slug).in_([key(p) for p in live])
        columns = [table.c.id, table.c[parent], slug]
    else:
        condition = slug.in_([key(p)[1] for p in live])
        columns = [table.c.id, slug]
    found: dict[tuple[Any, str], int] = {}
    for row in await connection.execute(select(*columns).where(condition)):
        found[(row[1], row[2]) if parent else (None, row[1])] = row[0]
    for p in live:
        existing = found.get(key(p))
        if existing is None and (kind, key(p)) in context.taken:
            p.skip = f"another {kind} of this import has the same slug"
            continue
        context.taken.add((kind, key(p)))
        if existing is not None:
            p.existing_id = existing
            p.image_id = None
            p.fallbacks.append(MERGED.format(kind=kind))


class Systems(TableMapping):
    legacy = "systems"
    columns = CONTAINER_COLUMNS
    target: ClassVar[Table] = System.__table__  # type: ignore[assignment]
    key = ("slug",)
    with_images = True

    def plan(self, row: Row, context: Context) -> Planned:
        return _plan(row, context, {})

    async def settle(
        self, planned: list[Planned], connection: AsyncConnection, context: Context
    ) -> None:
        await _merge(planned, connection, context, self.target, None, "system")

    def remember(self, planned: Planned, new_id: int | None, context: Context) -> None:
        assert new_id is not None
        context.systems[planned.legacy_id] = new_id


class Issuers(TableMapping):
    legacy = "issuers"
    columns = (*CONTAINER_COLUMNS, "systemId")
    target: ClassVar[Table] = Issuer.__table__  # type: ignore[assignment]
    key = ("system_id", "slug")
    with_images = True

    def plan(self, row: Row, context: Context) -> Planned:
        system = context.systems.get(row["systemId"]) if row["systemId"] is not None else None
        planned = _plan(row, context, {"system_id": system})
        if system is None and planned.skip is None:
            planned.skip = "its system is missing or was not imported (systemId {})".format(
                row["systemId"]
            )
        return planned

    async def settle(
        self, planned: list[Planned], connection: AsyncConnection, context: Context
    ) -> None:
        await _merge(planned, connection, context, self.target, "system_id", "issuer")

    def remember(self, planned: Planned, new_id: int | None, context: Context) -> None:
        assert new_id is not None
        context.issuers[planned.legacy_id] = (new_id, planned.values["system_id"])


class Programs(TableMapping):
    legacy = "programs"
    columns = (*CONTAINER_COLUMNS, "issuerId")
    target: ClassVar[Table] = Program.__table__  # type: ignore[assignment]
    key = ("issuer_id", "slug")
    with_images = True

    def plan(self, row: Row, context: Context) -> Planned:
        issuer = context.issuers.get(row["issuerId"]) if row["issuerId"] is not None else None
        planned = _plan(row, context, {"issuer_id": issuer[0] if issuer else None})
        planned.values["_system_id"] = issuer[1] if issuer else None
        if issuer is None and planned.skip is None:
            planned.skip = "its issuer is missing or was not imported (issuerId {})".format(
                row["issuerId"]
            )
        return planned

    async def settle(
        self, planned: list[Planned], connection: AsyncConnection, context: Context
    ) -> None:
        await _merge(planned, connection, context, self.target, "issuer_id", "program")

    def remember(self, planned: Planned, new_id: int | None, context: Context) -> None:
        assert new_id is not None
        values = planned.values
        context.programs[planned.legacy_id] = (new_id, values["issuer_id"], values["_system_id"])
