"""`{badge_slug}` resolved in the current scope, and the `archived` listing filter."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query

from badgekit_api.badges import service as badge_service
from badgekit_api.database import SessionDep
from badgekit_api.errors import InvalidParameter
from badgekit_api.models import Badge
from badgekit_api.scopes import CurrentScope

BadgeSlug = Annotated[str, Path(description="The badge's slug")]

ARCHIVED_VALUES: dict[str, bool | None] = {
    "true": True,
    "1": True,
    "false": False,
    "0": False,
    "any": None,
    # The original read an empty `archived=` as "any".
    "": None,
}


async def badge_in_scope(badge_slug: BadgeSlug, scope: CurrentScope, session: SessionDep) -> Badge:
    """The badge named in the URL, in the URL's container or below it; 404 otherwise."""
    return await badge_service.get(session, scope, badge_slug)


BadgeDep = Annotated[Badge, Depends(badge_in_scope)]


async def badge_to_show(badge_slug: BadgeSlug, scope: CurrentScope, session: SessionDep) -> Badge:
    """The badge named in the URL with its containers only, for `serializers.shown_badges`."""
    return await badge_service.get(session, scope, badge_slug, lists=False)


BadgeToShowDep = Annotated[Badge, Depends(badge_to_show)]


async def archived_filter(  # async: no thread hop (see urls.py)
    archived: Annotated[
        str, Query(description="`true` (or `1`), `false` (or `0`, the default) or `any`")
    ] = "false",
) -> bool | None:
    """Which badges a listing shows: archived (True), not archived (False) or both (None)."""
    if archived.lower() not in ARCHIVED_VALUES:
        raise InvalidParameter(
            "archived", "Invalid `archived` parameter: use `true`, `false` or `any`"
        )
    return ARCHIVED_VALUES[archived.lower()]


ArchivedFilter = Annotated[bool | None, Depends(archived_filter)]
