"""`{badge_slug}` resolved in the current scope, and the `archived` listing filter."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query

from badgekit_api.badges import queries
from badgekit_api.badges.queries import ActingBadge
from badgekit_api.http.query_flags import either_flag
from badgekit_api.scopes.start import StartedDep

BadgeSlug = Annotated[str, Path(description="The badge's slug")]


async def acting_badge(badge_slug: BadgeSlug, started: StartedDep) -> ActingBadge:
    """The badge named in the URL, to act on (award, claim, apply for), as the request's
    start statement read it: the route declares `@reads(queries.BADGE_IN_URL)`."""
    return queries.acting_badge_of(started.row, badge_slug)


ActingBadgeDep = Annotated[ActingBadge, Depends(acting_badge)]


async def archived_filter(  # async: no thread hop (see urls.py)
    archived: Annotated[
        str, Query(description="`true` (or `1`), `false` (or `0`, the default) or `any`")
    ] = "false",
) -> bool | None:
    """Which badges a listing shows: archived (True), not archived (False) or both (None)."""
    return either_flag("archived", archived)


ArchivedFilter = Annotated[bool | None, Depends(archived_filter)]
