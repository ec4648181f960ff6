"""Badges and their criteria, tags, categories and alignments."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import Table, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from badgekit_api.importing.source import Row
from badgekit_api.importing.tables import BadgeFacts, Context, Planned, TableMapping
from badgekit_api.importing.values import fits, is_zero_date, moment
from badgekit_api.models import Alignment, Badge, BadgeCategory, BadgeTag, Criterion
from badgekit_api.models.badges import MAX_SLUG_LENGTH

BADGE_COLUMNS = (
    "id", "slug", "name", "strapline", "earnerDescription", "consumerDescription",
    "issuerUrl", "rubricUrl", "criteriaUrl", "timeValue", "timeUnits", "limit", "unique",
    "archived", "created", "imageId", "programId", "issuerId", "systemId", "type",
    "evidenceType",
)  # fmt: skip


def _level(
    row: Row, context: Context
) -> tuple[tuple[int, int | None, int | None] | None, str | None]:
    """(system, issuer, program) of the badge, from its deepest id that names an imported
    container; and the rule applied when that is not simply the row's own ids."""
    program, issuer, system = row["programId"], row["issuerId"], row["systemId"]
    if program is not None and program in context.programs:
        p, i, s = context.programs[program]
        agrees = (issuer is None or context.issuers.get(issuer, (None, None))[0] == i) and (
            system is None or context.systems.get(system) == s
        )
        return (s, i, p), None if agrees else "levels disagree: kept at its program's"
    if issuer is not None and issuer in context.issuers:
        i, s = context.issuers[issuer]
        note = f"program {program} not imported: kept at its issuer's level" if program else None
        return (s, i, None), note
    if system is not None and system in context.systems:
        missing = program or issuer
        note = f"container {missing} not imported: kept at its system's level" if missing else None
        return (context.systems[system], None, None), note
    return None, None


class Badges(TableMapping):
    legacy = "badges"
    columns = BADGE_COLUMNS
    target: ClassVar[Table] = Badge.__table__  # type: ignore[assignment]
    key = ("system_id", "slug")
    with_images = True

    def plan(self, row: Row, context: Context) -> Planned:
        level, note = _level(row, context)
        created = moment(row["created"])
        planned = Planned(
            row["id"],
            {
                "system_id": level[0] if level else None,
                "issuer_id": level[1] if level else None,
                "program_id": level[2] if level else None,
                "slug": row["slug"],
                "name": row["name"],
                "strapline": row["strapline"],
                "earner_description": row["earnerDescription"],
                "consumer_description": row["consumerDescription"],
                "issuer_url": row["issuerUrl"],
                "rubric_url": row["rubricUrl"],
                "criteria_url": row["criteriaUrl"],
                "time_value": row["timeValue"],
                "time_units": row["timeUnits"],
                "evidence_type": row.get("evidenceType"),
                "limit": row["limit"],
                # Kept as stored: the original behaved by these values (a badge created
                # with `unique: "true"` holds 0 and was never unique there).
                "unique": bool(row["unique"]),
                "archived": bool(row["archived"]),
                "type": row["type"],
                "image_id": None,
                "created_at": created or context.now,
            },
        )
        if level is None:
            planned.skip = "no system, issuer or program of it was imported (dangling ids)"
            return planned
        if not row["slug"] or not fits(row["slug"], MAX_SLUG_LENGTH):
            planned.skip = "slug empty"
            return planned
        if note:
            planned.fallbacks.append(note)
        if is_zero_date(row["created"]):
            planned.fallbacks.append("created is 0000-00-00: the import's time")
        planned.values["_created"] = created
        planned.image_id = row["imageId"]
        planned.image_shared = context.use_image(row["imageId"])
        if row["imageId"] is None:
            planned.fallbacks.append("no imageId: badge without image")
        return planned

    async def settle(
        self, planned: list[Planned], connection: AsyncConnection, context: Context
    ) -> None:
        """Slugs are unique within a system here: a slug the target system holds already
        gets `-2`, `-3`, ... (the badge's URLs change; its assertions point at the new one)."""
        live = [p for p in planned if p.skip is None]
        if not live:
            return
        table = self.target
        keys = {(p.values["system_id"], p.values["slug"].lower()) for p in live}
        statement = select(table.c.system_id, func.lower(table.c.slug)).where(
            tuple_(table.c.system_id, func.lower(table.c.slug)).in_(keys)
        )
        taken = {("badge", (row[0], row[1])) for row in await connection.execute(statement)}
        for p in live:
            system, slug = p.values["system_id"], p.values["slug"]
            if ("badge", (system, slug.lower())) in taken | context.taken:
                new_slug = await _free_slug(connection, table, system, slug, context)
                p.fallbacks.append(f"slug exists in the target system: renamed to `{new_slug}`")
                p.values["slug"] = slug = new_slug
            context.taken.add(("badge", (system, slug.lower())))

    def remember(self, planned: Planned, new_id: int | None, context: Context) -> None:
        assert new_id is not None
        values = planned.values
        context.badges[planned.legacy_id] = BadgeFacts(
            new_id, values["system_id"], values.get("_created")
        )


async def _free_slug(
    connection: AsyncConnection, table: Table, system: int, slug: str, context: Context
) -> str:
    stem = slug[: MAX_SLUG_LENGTH - 8]
    pattern = stem.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = await connection.execute(
        select(func.lower(table.c.slug)).where(
            table.c.system_id == system, func.lower(table.c.slug).like(pattern, escape="\\")
        )
    )
    used = {row[0] for row in rows} | {
        key[1] for kind, key in context.taken if kind == "badge" and key[0] == system
    }
    number = 2
    while f"{stem}-{number}".lower() in used:
        number += 1
    return f"{stem}-{number}"


class _BadgeChild(TableMapping):
    """A row that belongs to one badge; skipped when its badge was not imported."""

    def _badge(self, row: Row, context: Context) -> tuple[int | None, str | None]:
        facts = context.badges.get(row["badgeId"])
        if facts is None:
            return None, f"its badge is missing or was not imported (badgeId {row['badgeId']})"
        return facts.id, None

    def _planned(self, row: Row, context: Context, values: dict[str, Any]) -> Planned:
        badge, why = self._badge(row, context)
        return Planned(row["id"], {"badge_id": badge, **values}, skip=why)


class Criteria(_BadgeChild):
    legacy = "criteria"
    columns = ("id", "badgeId", "description", "note", "required")
    target: ClassVar[Table] = Criterion.__table__  # type: ignore[assignment]
    needs_ids = True

    def plan(self, row: Row, context: Context) -> Planned:
        values = {
            "description": row["description"],
            "note": row["note"],
            "required": bool(row["required"]),
        }
        return self._planned(row, context, values)

    def remember(self, planned: Planned, new_id: int | None, context: Context) -> None:
        assert new_id is not None
        context.criteria[planned.legacy_id] = new_id


class Tags(_BadgeChild):
    legacy = "tags"
    columns = ("id", "badgeId", "value")
    target: ClassVar[Table] = BadgeTag.__table__  # type: ignore[assignment]

    def plan(self, row: Row, context: Context) -> Planned:
        return self._planned(row, context, {"value": row["value"]})


class Categories(_BadgeChild):
    legacy = "categories"
    columns = ("id", "badgeId", "value")
    target: ClassVar[Table] = BadgeCategory.__table__  # type: ignore[assignment]

    def plan(self, row: Row, context: Context) -> Planned:
        return self._planned(row, context, {"value": row["value"]})


class Alignments(_BadgeChild):
    legacy = "alignments"
    columns = ("id", "badgeId", "name", "url", "description")
    target: ClassVar[Table] = Alignment.__table__  # type: ignore[assignment]

    def plan(self, row: Row, context: Context) -> Planned:
        values = {"name": row["name"], "url": row["url"], "description": row["description"]}
        planned = self._planned(row, context, values)
        if planned.skip is None and not (fits(row["name"], 255) and fits(row["url"], 2048)):
            planned.skip = "name longer than 255 or url longer than 2048 characters"
        return planned
