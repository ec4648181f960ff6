"""Which bits of one of a profile's status lists are set: its revoked instances in range."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.models import Badge, BadgeInstance
from badgekit_api.openbadges.service import issued_by
from badgekit_api.scopes import Scope
from badgekit_api.status_lists.entries import LIST_SIZE


async def revoked_indexes(session: AsyncSession, scope: Scope, list_number: int) -> list[int]:
    """Indexes in list `list_number` of the scope's profile whose awards are revoked."""
    first = list_number * LIST_SIZE
    statement = (
        select(BadgeInstance.id)
        .join(Badge, BadgeInstance.badge_id == Badge.id)
        .where(
            issued_by(scope),
            BadgeInstance.id >= first,
            # `<=` the last id, not `<` the next list's first: past the last list that id
            # (2**31) does not fit the integer column, and PostgreSQL refuses the parameter.
            BadgeInstance.id <= first + LIST_SIZE - 1,
            or_(BadgeInstance.revoked_at.is_not(None), BadgeInstance.live.is_(None)),
        )
    )
    return [ident - first for ident in (await session.scalars(statement)).all()]
