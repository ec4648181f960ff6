"""Badge writes. The caller owns the transaction: these only flush. What a write answers
is the badge as `queries.py` reads it (`badges_by_id`), after the write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, bindparam, exists, insert, select
from sqlalchemy import delete as delete_rows
from sqlalchemy import update as update_rows
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from badgekit_api.badges.children import (
    ListChange,
    alignment,
    criterion,
    merge_by_id,
    merge_labels,
)
from badgekit_api.badges.schemas import BadgeCreate, BadgeUpdate
from badgekit_api.badges.slugs import made_up_slugs
from badgekit_api.db.insert_together import Children, Head, Together, insert_together
from badgekit_api.errors import Conflict
from badgekit_api.images.service import image_from_input, image_row
from badgekit_api.models import Alignment, Badge, BadgeCategory, BadgeTag, Criterion, Image
from badgekit_api.models.base import utcnow
from badgekit_api.scopes import Scope

_badges: Table = Badge.__table__  # type: ignore[assignment]
_images: Table = Image.__table__  # type: ignore[assignment]
_criteria: Table = Criterion.__table__  # type: ignore[assignment]
_alignments: Table = Alignment.__table__  # type: ignore[assignment]
_categories: Table = BadgeCategory.__table__  # type: ignore[assignment]
_tags: Table = BadgeTag.__table__  # type: ignore[assignment]

SCALAR_FIELDS = (
    "slug",
    "name",
    "strapline",
    "earner_description",
    "consumer_description",
    "issuer_url",
    "rubric_url",
    "criteria_url",
    "time_value",
    "time_units",
    "evidence_type",
    "limit",
    "unique",
    "type",
    "archived",
)
# Optional fields an update clears with null (or ""); the required ones keep their value.
CLEARABLE_FIELDS = frozenset(
    {"strapline", "issuer_url", "rubric_url", "time_value", "time_units", "evidence_type", "limit"}
)


def in_scope(scope: Scope) -> ColumnElement[bool]:
    """Badges of the scope's container and of the containers below it."""
    return scope.owns(Badge.system_id, Badge.issuer_id, Badge.program_id)


def public_statement() -> Select[Badge]:
    """Every badge that is not archived, with what its public URL needs."""
    containers = (
        selectinload(Badge.system),
        selectinload(Badge.issuer),
        selectinload(Badge.program),
    )
    return select(Badge).options(*containers).where(Badge.archived.is_(False)).order_by(Badge.id)


async def create(
    session: AsyncSession, scope: Scope, data: BadgeCreate, *, max_image_bytes: int
) -> tuple[int, str]:
    """A new badge in the scope's deepest container (and so in the ones above it): its id
    and slug. Core inserts: the image, the badge and its lists in one statement on
    PostgreSQL (`db/insert_together.py`), one per table elsewhere.

    Without a `slug` in `data` the server makes one up from the name, and a slug that
    another request took meanwhile is no reason to fail: the next one is tried."""
    image = await image_from_input(data.image, data.image_url, max_image_bytes)
    assert image is not None, "BadgeCreate requires `image` or `imageUrl`"
    row = {
        "system_id": scope.system.id,
        "issuer_id": scope.issuer.id if scope.issuer else None,
        "program_id": scope.program.id if scope.program else None,
        **{field: getattr(data, field) for field in SCALAR_FIELDS},
        "archived": bool(data.archived),
        "created_at": utcnow(),
    }
    stored_image = Head(_images, image_row(image), "image_id")

    def together(slug: str) -> Together:
        return Together(
            parent=_badges,
            key="slug",
            rows=[{**row, "slug": slug}],
            returning=(),
            children=_new_lists(data, slug),
            head=stored_image,
        )

    if data.slug is None:
        return await _insert_with_made_up_slug(session, together, scope.system.id, data.name)
    try:
        # A slug taken already is the unique constraint's to say: no look beforehand.
        created = await insert_together(session, together(data.slug))
    except IntegrityError:
        raise _conflict_of(data.slug, data.name) from None
    return created[data.slug].id, data.slug


def _new_lists(data: BadgeCreate, slug: str) -> tuple[Children, ...]:
    """The new badge's criteria, alignments, categories and tags, in the order given."""
    criteria = [
        {
            "parent": slug,
            "description": item.description,
            "required": bool(item.required),
            "note": item.note,
        }
        for item in data.criteria
    ]
    alignments = [
        {"parent": slug, "name": item.name, "url": item.url, "description": item.description}
        for item in data.alignments
    ]
    categories = [{"parent": slug, "value": value} for value in data.categories]
    tags = [{"parent": slug, "value": value} for value in data.tags]
    return (
        Children(_criteria, "badge_id", criteria),
        Children(_alignments, "badge_id", alignments),
        Children(_categories, "badge_id", categories),
        Children(_tags, "badge_id", tags),
    )


async def update(
    session: AsyncSession, edited: dict[str, Any], data: BadgeUpdate, *, max_image_bytes: int
) -> int:
    """Apply the fields present in `data` to the badge `edited` (as `queries.EDITED_BADGE`
    read it), with Core statements: the badge's UPDATE, then each given list's deletes,
    edits and additions. Returns the badge's id."""
    badge_id: int = edited["id"]
    given = data.model_fields_set
    values: dict[str, Any] = {}
    for name in SCALAR_FIELDS:
        value = getattr(data, name)
        if name in given and (value is not None or name in CLEARABLE_FIELDS):
            values[name] = value
    # Every list is checked before anything is written.
    changes: list[tuple[Table, ListChange]] = []
    if data.criteria is not None:
        changes.append(
            (_criteria, merge_by_id("criteria", edited["criteria"], data.criteria, criterion))
        )
    if data.alignments is not None:
        merged = merge_by_id("alignments", edited["alignments"], data.alignments, alignment)
        changes.append((_alignments, merged))
    if data.categories is not None:
        changes.append((_categories, merge_labels(edited["categories"], data.categories)))
    if data.tags is not None:
        changes.append((_tags, merge_labels(edited["tags"], data.tags)))
    image = await image_from_input(data.image, data.image_url, max_image_bytes)
    if image is not None:
        session.add(image)
        await session.flush()
        values["image_id"] = image.id
    if values:
        try:
            await session.execute(
                update_rows(_badges).where(_badges.c.id == badge_id).values(**values)
            )
        except IntegrityError:
            # Two badges of the system with one slug: the unique constraint said no.
            slug, name = values.get("slug", edited["slug"]), values.get("name", edited["name"])
            raise _conflict_of(slug, name) from None
    if image is not None and edited["imageId"] is not None:
        # Images are never shared between owners: the old one goes.
        await session.execute(delete_rows(_images).where(_images.c.id == edited["imageId"]))
    for table, change in changes:
        await _apply(session, table, badge_id, change)
    return badge_id


async def _apply(session: AsyncSession, table: Table, badge_id: int, change: ListChange) -> None:
    """One list's change: at most an UPDATE run for each edited row, an INSERT of the new
    rows (in the order given, so that they show in that order) and a DELETE. The DELETE
    comes last: SQLite would otherwise give a new row the id of the last one deleted."""
    if change.edited:
        names = [name for name in change.edited[0] if name != "id"]
        edit = (
            update_rows(table)
            .where(table.c.id == bindparam("row_id"))
            .values({name: bindparam(f"new_{name}") for name in names})
        )
        await session.execute(
            edit,
            [
                {"row_id": row["id"], **{f"new_{name}": row[name] for name in names}}
                for row in change.edited
            ],
        )
    if change.added:
        await session.execute(
            insert(table), [{"badge_id": badge_id, **row} for row in change.added]
        )
    if change.deleted:
        await session.execute(
            delete_rows(table).where(table.c.badge_id == badge_id, table.c.id.in_(change.deleted))
        )


async def delete(session: AsyncSession, badge_id: int) -> None:
    """Delete the badge with its image; the database deletes what hangs off it (its lists,
    claim codes, instances, applications, the milestones it is the reward of)."""
    image_id = select(_badges.c.image_id).where(_badges.c.id == badge_id).scalar_subquery()
    await session.execute(delete_rows(_images).where(_images.c.id == image_id))
    await session.execute(delete_rows(_badges).where(_badges.c.id == badge_id))


async def _insert_with_made_up_slug(
    session: AsyncSession, together: Callable[[str], Together], system_id: int, name: str
) -> tuple[int, str]:
    # Each try in a SAVEPOINT: a failed INSERT aborts PostgreSQL's whole transaction
    # otherwise.
    tries = 0
    async for slug in made_up_slugs(session, system_id, name):
        tries += 1
        try:
            async with session.begin_nested():
                created = await insert_together(session, together(slug))
            return created[slug].id, slug
        except IntegrityError:
            if not await _slug_taken(session, system_id, slug):
                raise _concurrent_change() from None
    raise Conflict(
        f"No free slug for a badge of this name in {tries} tries: name one with `slug`",
        details={"name": name},
    )


async def _slug_taken(
    session: AsyncSession, system_id: int, slug: str, *, but: int | None = None
) -> bool:
    clash = select(Badge.id).where(Badge.system_id == system_id, Badge.slug == slug)
    if but is not None:
        clash = clash.where(Badge.id != but)
    return bool(await session.scalar(select(exists(clash))))


def _concurrent_change() -> Conflict:
    # Not the slug: another constraint, such as the badge's container deleted meanwhile.
    return Conflict("The badge conflicts with a change made at the same time: try again")


def _conflict_of(slug: str, name: str) -> Conflict:
    return Conflict("badge with that `slug` already exists", details={"slug": slug, "name": name})
