"""Readable badge slugs made from the name: `python-basics`, then `python-basics-2`, ..."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.models import Badge

MAX_BASE_LENGTH = 60
FALLBACK = "badge"
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(name: str) -> str:
    """Lower-case ASCII words joined by `-`; accents are dropped, other scripts fall back."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", ascii_name.lower()).strip("-")
    return slug[:MAX_BASE_LENGTH].rstrip("-") or FALLBACK


async def free_slug(session: AsyncSession, system_id: int, name: str) -> str:
    """The slug for `name` that no badge of the system has yet."""
    base = slugify(name)
    similar = await session.scalars(
        select(Badge.slug).where(
            Badge.system_id == system_id, or_(Badge.slug == base, Badge.slug.like(f"{base}-%"))
        )
    )
    # Compared without case: MySQL's collation would call `Maths` and `maths` the same.
    taken = {slug.lower() for slug in similar}
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"
