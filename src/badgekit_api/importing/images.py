"""The original's images, brought across with the row that shows them (a system, issuer,
program or badge), in that row's transaction."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from badgekit_api.images.service import new_image_slug
from badgekit_api.images.sniffing import sniff_image_type
from badgekit_api.importing.report import Report
from badgekit_api.importing.source import LegacySource, Row
from badgekit_api.importing.tables import Context, Planned
from badgekit_api.importing.values import fits
from badgekit_api.models import Image

IMAGE_COLUMNS = ("id", "slug", "url", "mimetype", "data")
MAX_IMAGE_SLUG = 64
IMAGES = "images"


def image_values(row: Row, context: Context) -> tuple[dict[str, Any] | None, str | None]:
    """The Image row for a legacy image, or None; and the rule applied, if any. The type
    of stored bytes is read from the bytes (as for uploads), never from `mimetype`."""
    values: dict[str, Any] = {
        "slug": row["slug"],
        "url": None,
        "mimetype": None,
        "data": None,
        "size": None,
        "sha256": None,
        "created_at": context.now,
    }
    data: bytes | None = row["data"]
    if data:
        kind = sniff_image_type(data)
        if kind is not None:
            values.update(
                mimetype=kind, data=data, size=len(data), sha256=hashlib.sha256(data).hexdigest()
            )
            return values, None
        if row["url"]:
            values["url"] = row["url"]
            return values, "stored bytes are not an image: its url kept"
        return None, "stored bytes are not a PNG, JPEG, GIF or SVG image (and no url): not imported"
    if row["url"]:
        values["url"] = row["url"]
        return values, None
    return None, "neither bytes nor a url: not imported"


async def attach_images(
    planned: list[Planned],
    source: LegacySource,
    connection: AsyncConnection,
    context: Context,
    report: Report,
    insert: Any,
    owner: str,
) -> None:
    """Write the images of the rows about to be written and point the rows at them; a row
    whose image cannot be taken is written without one (listed)."""
    wanted = [p for p in planned if p.image_id is not None and p.existing_id is None]
    if not wanted:
        return
    rows = {
        row["id"]: row
        for row in await source.rows_with_ids(
            IMAGES, IMAGE_COLUMNS, [p.image_id for p in wanted if p.image_id is not None]
        )
    }
    slugs = [
        row["slug"].lower()
        for row in rows.values()
        if row["slug"] and fits(row["slug"], MAX_IMAGE_SLUG)
    ]
    column = func.lower(Image.__table__.c.slug)
    taken = (
        set(await connection.scalars(select(column).where(column.in_(slugs)))) if slugs else set()
    )
    images: list[dict[str, Any]] = []
    owners: list[Planned] = []
    for p in wanted:
        assert p.image_id is not None
        row = rows.get(p.image_id)
        if row is None:
            p.fallbacks.append(f"image {p.image_id} missing (dangling imageId): no image")
            continue
        values, rule = image_values(row, context)
        if rule:
            report.fallback(IMAGES, row["id"], rule)
        if values is None:
            p.fallbacks.append(f"image {p.image_id} not imported: no image")
            continue
        slug = values["slug"] or ""
        if (
            p.image_shared
            or not slug
            or not fits(slug, MAX_IMAGE_SLUG)
            or slug.lower() in taken
            or ("image", slug.lower()) in context.taken
        ):
            values["slug"] = new_image_slug()
            why = (
                "shared with another owner: a copy" if p.image_shared else "slug too long or taken"
            )
            report.fallback(IMAGES, row["id"], f"{why}, under a new slug (for a {owner})")
        context.taken.add(("image", values["slug"].lower()))
        images.append(values)
        owners.append(p)
    ids = await insert(connection, Image.__table__, images, key=("slug",))
    for p, new_id in zip(owners, ids, strict=True):
        p.values["image_id"] = new_id
    report.table(IMAGES).imported += len(images)
