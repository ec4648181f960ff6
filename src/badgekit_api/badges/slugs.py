"""Readable badge slugs made from the name: `python-basics`, then `python-basics-2`, ...

Which of them is free is only a guess until the row is inserted: requests creating badges
of one name at once would all read the same free slug, and the unique constraint would
let one of them have it. So the requests of a system that make up slugs take turns (a
lock on the system's row), and a guess that still loses (to a request that named that
slug) is followed by the next one, a bounded number of times.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import AsyncIterator

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.models import Badge, System

MAX_BASE_LENGTH = 60
FALLBACK = "badge"
# Readable guesses, each read afresh after a lost race; should writers that name their
# slugs keep taking them, random tails take over.
READABLE_TRIES = 3
# `python-basics-3fa91c`: 24 random bits, so another request guessing the same tail is a
# one in millions chance; five of them losing would take millions of badges of one name.
RANDOM_TRIES = 5
RANDOM_TAIL_BYTES = 3
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


async def made_up_slugs(session: AsyncSession, system_id: int, name: str) -> AsyncIterator[str]:
    """Slugs to try in turn for a badge named `name` until one is inserted: the free
    readable one as the database shows it at each try, then the name with a random tail.

    The first one waits for the system's other requests making up slugs to commit."""
    await _take_turns(session, system_id)
    for _ in range(READABLE_TRIES):
        yield await free_slug(session, system_id, name)
    base = slugify(name)
    for _ in range(RANDOM_TRIES):
        yield f"{base}-{secrets.token_hex(RANDOM_TAIL_BYTES)}"


async def _take_turns(session: AsyncSession, system_id: int) -> None:
    # Held until commit. Without it, 30 creations of one name made 28 losers, and on
    # MariaDB the shared index locks each loser keeps deadlocked their next guesses.
    # NO KEY UPDATE on PostgreSQL: inserts of other rows of the system need not wait.
    await session.execute(
        select(System.id).where(System.id == system_id).with_for_update(key_share=True)
    )
