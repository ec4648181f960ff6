"""An application's evidence rows built from a request, uploaded image files included."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.applications.schemas import ApplicationEvidenceInput
from badgekit_api.config import Settings
from badgekit_api.errors import ValidationFailed
from badgekit_api.images.service import image_from_upload
from badgekit_api.models import ApplicationEvidence


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


async def evidence_rows(
    items: Sequence[ApplicationEvidenceInput], limits: EvidenceLimits
) -> list[ApplicationEvidence]:
    """New rows for `items`, in order; an uploaded file becomes an image of the application."""
    if len(items) > limits.max_items:
        raise ValidationFailed.field(
            "evidence", len(items), f"At most {limits.max_items} evidence items are accepted"
        )
    rows = []
    for position, item in enumerate(items):
        row = ApplicationEvidence(
            position=position,
            url=item.url,
            media_type=item.media_type,
            reflection=item.reflection,
            image=None,  # set, so that showing a new row needs no query
        )
        if item.file is not None:
            row.image = await image_from_upload(
                item.file, limits.max_image_bytes, field=f"evidence.{position}.file"
            )
            row.media_type = "image"
        rows.append(row)
    return rows


async def drop_uploads(session: AsyncSession, rows: Sequence[ApplicationEvidence]) -> None:
    """Delete the uploaded images of evidence that is going away (images are never shared)."""
    for row in rows:
        if row.image is not None:
            await session.delete(row.image)
