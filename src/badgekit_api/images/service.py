"""Turn an `image` / `imageUrl` input into an Image row, and an Image into its public URL."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from sqlalchemy import delete, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile

from badgekit_api.errors import ValidationFailed
from badgekit_api.http.urls import PublicUrls
from badgekit_api.images.sniffing import sniff_image_type
from badgekit_api.models import (
    ApplicationEvidence,
    Badge,
    Image,
    Issuer,
    Program,
    System,
)
from badgekit_api.models.base import utcnow


def new_image_slug() -> str:
    return secrets.token_hex(16)


async def image_from_upload(upload: UploadFile, max_bytes: int, field: str = "image") -> Image:
    """Validate an uploaded file (type by content, size limit) and build its Image row."""
    data = await upload.read(max_bytes + 1)
    if not data:
        raise ValidationFailed.field(field, upload.filename, "Image file is empty")
    if len(data) > max_bytes:
        raise ValidationFailed.field(
            field, upload.filename, f"Image is larger than the limit of {max_bytes} bytes"
        )
    mimetype = sniff_image_type(data)
    if mimetype is None:
        raise ValidationFailed.field(
            field, upload.filename, "Image must be a PNG, JPEG, GIF or SVG file"
        )
    return Image(
        slug=new_image_slug(),
        mimetype=mimetype,
        data=data,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def image_from_url(url: str) -> Image:
    return Image(slug=new_image_slug(), url=url)


def image_row(image: Image) -> dict[str, Any]:
    """The columns of a new (not yet stored) Image, for a Core insert."""
    table = Image.__table__
    row = {column.key: getattr(image, column.key) for column in table.columns if column.key != "id"}
    row["created_at"] = utcnow()
    return row


def is_empty_upload(value: Any) -> bool:
    """A browser form with no file chosen still sends an empty, unnamed file part."""
    return isinstance(value, UploadFile) and not value.filename and not value.size


async def image_from_input(
    upload_or_url: UploadFile | str | None, image_url: str | None, max_bytes: int
) -> Image | None:
    """The Image for a request's `image` (file or URL) or `imageUrl` field, if it has one."""
    if isinstance(upload_or_url, UploadFile) and not is_empty_upload(upload_or_url):
        return await image_from_upload(upload_or_url, max_bytes)
    if isinstance(upload_or_url, str):
        return image_from_url(upload_or_url)
    if image_url:
        return image_from_url(image_url)
    return None


async def replace_image(session: AsyncSession, old: Image | None, new: Image) -> Image:
    """Store `new` and drop the image it replaces (images are never shared between owners)."""
    session.add(new)
    if old is not None:
        await session.delete(old)
    return new


def image_url(image: Image | None, urls: PublicUrls) -> str | None:
    if image is None:
        return None
    return image_link(image.url, image.slug, urls)


def image_link(url: str | None, slug: str, urls: PublicUrls) -> str:
    """Where an image is shown: its own link, or the copy we serve."""
    return url or urls.image(slug)


# Every column that can point at an image. Images are never shared between owners.
IMAGE_REFERENCES = (
    System.image_id,
    Issuer.image_id,
    Program.image_id,
    Badge.image_id,
    ApplicationEvidence.image_id,
)


async def delete_unused_images(session: AsyncSession) -> None:
    """Delete the images no row refers to any more.

    Deleting a container cascades in the database to its issuers, programs, badges and
    applications; their images would otherwise stay behind, still publicly served.
    """
    in_use = union_all(*(select(column).where(column.is_not(None)) for column in IMAGE_REFERENCES))
    await session.execute(
        delete(Image).where(Image.id.not_in(select(in_use.subquery().c[0]))),
        execution_options={"synchronize_session": False},
    )
