"""An application's evidence rows built from a request (uploaded image files stored first),
and their removal with the files uploaded for them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.applications.queries import EVIDENCE
from badgekit_api.applications.schemas import ApplicationEvidenceInput
from badgekit_api.config import Settings
from badgekit_api.errors import ValidationFailed
from badgekit_api.images.service import image_from_upload
from badgekit_api.models import Image
from badgekit_api.scopes.containers import IMAGES


@dataclass(frozen=True, slots=True)
class EvidenceLimits:
    max_items: int
    max_image_bytes: int

    @classmethod
    def from_settings(cls, settings: Settings) -> EvidenceLimits:
        return cls(
            max_items=settings.max_application_evidence,
            max_image_bytes=settings.max_image_bytes,
        )


async def evidence_values(
    session: AsyncSession, items: Sequence[ApplicationEvidenceInput], limits: EvidenceLimits
) -> list[dict[str, Any]]:
    """The columns of new rows for `items`, in order (no `application_id`); an uploaded
    file becomes an image, checked with the others before any is stored."""
    if len(items) > limits.max_items:
        raise ValidationFailed.field(
            "evidence", len(items), f"At most {limits.max_items} evidence items are accepted"
        )
    images: dict[int, Image] = {}
    for position, item in enumerate(items):
        if item.file is not None:
            images[position] = await image_from_upload(
                item.file, limits.max_image_bytes, field=f"evidence.{position}.file"
            )
    if images:
        session.add_all(images.values())
        await session.flush()
    return [
        {
            "position": position,
            "url": item.url,
            "media_type": "image" if position in images else item.media_type,
            "reflection": item.reflection,
            "image_id": images[position].id if position in images else None,
        }
        for position, item in enumerate(items)
    ]


async def drop_evidence(session: AsyncSession, application_id: int) -> None:
    """Delete the application's evidence and the files uploaded for it (images are never
    shared)."""
    uploaded = list(
        await session.scalars(
            select(EVIDENCE.c.image_id).where(
                EVIDENCE.c.application_id == application_id, EVIDENCE.c.image_id.is_not(None)
            )
        )
    )
    await session.execute(delete(EVIDENCE).where(EVIDENCE.c.application_id == application_id))
    if uploaded:
        await session.execute(delete(IMAGES).where(IMAGES.c.id.in_(uploaded)))
