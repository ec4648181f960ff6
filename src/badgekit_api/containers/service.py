"""Create, update and delete any container level; the caller owns the transaction."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.containers.schemas import ContainerCreate, ContainerUpdate
from badgekit_api.errors import Conflict, ValidationFailed
from badgekit_api.images.service import delete_unused_images, image_from_input, replace_image
from badgekit_api.models import Issuer, Program, System

ContainerT = TypeVar("ContainerT", System, Issuer, Program)
PLAIN_FIELDS = ("slug", "name", "url", "description", "email")
REQUIRED_FIELDS = ("slug", "name", "url")


async def create(
    session: AsyncSession,
    container: ContainerT,
    data: ContainerCreate,
    *,
    kind: str,
    siblings: Any,
    max_image_bytes: int,
) -> ContainerT:
    """Fill a new container from `data` and insert it; a taken slug is a 409."""
    for field in PLAIN_FIELDS:
        setattr(container, field, getattr(data, field))
    image = await image_from_input(data.image, data.imageUrl, max_image_bytes)
    container.image = image
    if image is not None:
        session.add(image)
    await _ensure_free_slug(session, kind, container, siblings)
    session.add(container)
    await _flush_or_conflict(session, kind, container)
    return container


async def update(
    session: AsyncSession,
    container: ContainerT,
    data: ContainerUpdate,
    *,
    kind: str,
    siblings: Any,
    max_image_bytes: int,
) -> ContainerT:
    """Apply the fields present in `data`; absent fields are left as they are."""
    given = data.model_fields_set
    for field in PLAIN_FIELDS:
        if field not in given:
            continue
        if getattr(data, field) is None and field in REQUIRED_FIELDS:
            raise ValidationFailed.field(field, None, "Cannot be removed: this field is required")
        setattr(container, field, getattr(data, field))
    image = await image_from_input(data.image, data.imageUrl, max_image_bytes)
    if image is not None:
        container.image = await replace_image(session, container.image, image)
    if "slug" in given and data.slug is not None:
        await _ensure_free_slug(session, kind, container, siblings)
    await _flush_or_conflict(session, kind, container)
    return container


async def delete(session: AsyncSession, container: ContainerT) -> None:
    """Delete a container; the database cascades to everything in it, images excepted."""
    await session.delete(container)
    await session.flush()
    await delete_unused_images(session)


async def _ensure_free_slug(
    session: AsyncSession, kind: str, container: ContainerT, siblings: Any
) -> None:
    model = type(container)
    clash = select(model.id).where(siblings, model.slug == container.slug)
    if container.id is not None:
        clash = clash.where(model.id != container.id)
    if await session.scalar(select(exists(clash))):
        raise _conflict(kind, container)


async def _flush_or_conflict(session: AsyncSession, kind: str, container: ContainerT) -> None:
    # Built before flushing: a failed flush expires the row, and its fields can't be read.
    conflict = _conflict(kind, container)
    try:
        await session.flush()
    except IntegrityError:
        # Two requests raced for the same slug; the unique constraint settled it.
        raise conflict from None


def _conflict(kind: str, container: ContainerT) -> Conflict:
    return Conflict(
        f"{kind} with that `slug` already exists",
        details={field: getattr(container, field) for field in PLAIN_FIELDS},
    )
