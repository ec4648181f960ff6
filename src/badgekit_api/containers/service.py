"""Create, update and delete any container level with Core statements; the caller owns the
transaction and answers through `containers/queries.py`.

A slug is unique among its siblings by a unique constraint: the database settles two
requests racing for one, and the loser gets the same 409 as a request that came late.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.containers.queries import TABLES
from badgekit_api.containers.schemas import ContainerCreate, ContainerUpdate
from badgekit_api.errors import Conflict, ValidationFailed
from badgekit_api.images.service import delete_unused_images, image_from_input
from badgekit_api.models import Image
from badgekit_api.models.base import utcnow
from badgekit_api.scopes.containers import IMAGES, LEVELS

PLAIN_FIELDS = ("slug", "name", "url", "description", "email")
REQUIRED_FIELDS = ("slug", "name", "url")
# The column of each level that names its parent (none for a system).
_PARENT_COLUMNS = (None, "system_id", "issuer_id")


async def create_container(
    session: AsyncSession,
    level: int,
    data: ContainerCreate,
    *,
    parent_id: int | None = None,
    max_image_bytes: int,
) -> int:
    """Insert a new container of `level` (in the parent `parent_id`): its id. A taken slug
    is a 409."""
    values: dict[str, Any] = {field: getattr(data, field) for field in PLAIN_FIELDS}
    parent = _PARENT_COLUMNS[level]
    if parent is not None:
        values[parent] = parent_id
    values["image_id"] = await _stored_image(
        session, await image_from_input(data.image, data.imageUrl, max_image_bytes)
    )
    values["created_at"] = utcnow()
    conflict = _conflict(level, values)
    try:
        result = cast(
            CursorResult[Any], await session.execute(insert(TABLES[level]).values(values))
        )
    except IntegrityError:
        raise conflict from None
    assert result.inserted_primary_key is not None
    row_id: int = result.inserted_primary_key[0]
    return row_id


async def update_container(
    session: AsyncSession,
    level: int,
    current: dict[str, Any],
    data: ContainerUpdate,
    *,
    max_image_bytes: int,
) -> None:
    """Apply the fields present in `data` to the container `current` (its document);
    absent fields are left as they are. A new image replaces (and drops) the old one."""
    given = data.model_fields_set
    values: dict[str, Any] = {}
    for field in PLAIN_FIELDS:
        if field not in given:
            continue
        if getattr(data, field) is None and field in REQUIRED_FIELDS:
            raise ValidationFailed.field(field, None, "Cannot be removed: this field is required")
        values[field] = getattr(data, field)
    table = TABLES[level]
    image = await image_from_input(data.image, data.imageUrl, max_image_bytes)
    if image is not None:
        # Images are never shared: the one replaced goes (the row's image_id is set anew).
        old = await session.scalar(select(table.c.image_id).where(table.c.id == current["id"]))
        if old is not None:
            await session.execute(delete(IMAGES).where(IMAGES.c.id == old))
        values["image_id"] = await _stored_image(session, image)
    if not values:
        return
    conflict = _conflict(level, {**current, **values})
    try:
        await session.execute(update(table).where(table.c.id == current["id"]).values(values))
    except IntegrityError:
        raise conflict from None


async def delete_container(session: AsyncSession, level: int, row_id: int) -> None:
    """Delete a container; the database cascades to everything in it, images excepted,
    which go next."""
    table = TABLES[level]
    await session.execute(delete(table).where(table.c.id == row_id))
    await delete_unused_images(session)


async def _stored_image(session: AsyncSession, image: Image | None) -> int | None:
    if image is None:
        return None
    session.add(image)
    await session.flush()
    return image.id


def _conflict(level: int, fields: dict[str, Any]) -> Conflict:
    return Conflict(
        f"{LEVELS[level]} with that `slug` already exists",
        details={field: fields.get(field) for field in PLAIN_FIELDS},
    )
