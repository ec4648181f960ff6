"""Milestone writes (system level), as Core statements. The caller owns the transaction
and answers through `milestones/queries.py`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import CursorResult, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.badges.queries import BADGES
from badgekit_api.errors import ValidationFailed
from badgekit_api.milestones.actions import ISSUE
from badgekit_api.milestones.queries import MILESTONES, SUPPORTS
from badgekit_api.milestones.schemas import MilestoneCreate, MilestoneUpdate
from badgekit_api.models.base import utcnow
from badgekit_api.scopes.containers import Identified


async def create_milestone(session: AsyncSession, system: Identified, data: MilestoneCreate) -> int:
    """A new milestone of the system's badges: its id."""
    await _check_badges(session, system, data.primary_badge_id, data.support_badges)
    _check_primary_not_supporting(data.primary_badge_id, data.support_badges)
    values = {
        "system_id": system.id,
        "primary_badge_id": data.primary_badge_id,
        "number_required": data.number_required,
        "action": data.action or ISSUE,
        "created_at": utcnow(),
    }
    result = cast(CursorResult[Any], await session.execute(insert(MILESTONES).values(values)))
    assert result.inserted_primary_key is not None
    milestone_id: int = result.inserted_primary_key[0]
    await _add_supports(session, milestone_id, data.support_badges)
    return milestone_id


async def update_milestone(
    session: AsyncSession, system: Identified, current: dict[str, Any], data: MilestoneUpdate
) -> None:
    """Apply the fields given to the milestone `current` (its document); `supportBadges`,
    when given, replaces the whole set."""
    primary = current["primaryBadge"]["id"]
    supports = [badge["id"] for badge in current["supportBadges"]]
    new_primary = data.primary_badge_id if data.primary_badge_id not in (None, primary) else None
    await _check_badges(session, system, new_primary, data.support_badges or [])
    values: dict[str, Any] = {}
    if new_primary is not None:
        values["primary_badge_id"] = primary = new_primary
    if data.number_required is not None:
        values["number_required"] = data.number_required
    if data.action is not None:
        values["action"] = data.action
    if data.support_badges is not None:
        supports = data.support_badges
    _check_primary_not_supporting(primary, supports)
    if values:
        await session.execute(
            update(MILESTONES).where(MILESTONES.c.id == current["id"]).values(values)
        )
    if data.support_badges is not None:
        await session.execute(delete(SUPPORTS).where(SUPPORTS.c.milestone_id == current["id"]))
        await _add_supports(session, current["id"], supports)


async def add_badge(
    session: AsyncSession, system: Identified, current: dict[str, Any], badge_id: int
) -> None:
    """Add a support badge (adding one it already has changes nothing)."""
    await _check_badges(session, system, None, [badge_id], field="badgeId")
    if badge_id in {badge["id"] for badge in current["supportBadges"]}:
        return
    _check_primary_not_supporting(current["primaryBadge"]["id"], [badge_id])
    await _add_supports(session, current["id"], [badge_id])


async def remove_badge(session: AsyncSession, milestone_id: int, badge_id: int) -> None:
    """Drop a support badge; a badge that is not one changes nothing, as in the original."""
    await session.execute(
        delete(SUPPORTS).where(
            SUPPORTS.c.milestone_id == milestone_id, SUPPORTS.c.badge_id == badge_id
        )
    )


async def delete_milestone(session: AsyncSession, milestone_id: int) -> None:
    """Delete a milestone (its badges stay; the database cascades to its support rows)."""
    await session.execute(delete(MILESTONES).where(MILESTONES.c.id == milestone_id))


async def _add_supports(session: AsyncSession, milestone_id: int, badge_ids: Sequence[int]) -> None:
    if badge_ids:
        rows = [{"milestone_id": milestone_id, "badge_id": badge_id} for badge_id in badge_ids]
        await session.execute(insert(SUPPORTS), rows)


async def _check_badges(
    session: AsyncSession,
    system: Identified,
    primary: int | None,
    supports: Sequence[int],
    *,
    field: str = "supportBadges",
) -> None:
    """400 unless the primary badge (when given) and the support badges are the system's,
    in one statement; a wrong primary is named alone, as it is checked first."""
    wanted = ([primary] if primary is not None else []) + list(supports)
    if not wanted:
        return
    found = set(
        await session.scalars(
            select(BADGES.c.id).where(BADGES.c.system_id == system.id, BADGES.c.id.in_(wanted))
        )
    )

    def problem(name: str, badge_id: int) -> dict[str, Any]:
        message = f"No badge with this id in system `{system.slug}`"
        return {"field": name, "value": badge_id, "message": message}

    if primary is not None and primary not in found:
        raise ValidationFailed([problem("primaryBadgeId", primary)])
    missing = [
        problem(field if field != "supportBadges" else f"{field}.{index}", badge_id)
        for index, badge_id in enumerate(supports)
        if badge_id not in found
    ]
    if missing:
        raise ValidationFailed(missing)


def _check_primary_not_supporting(primary_badge_id: int, supports: Sequence[int]) -> None:
    # `numberRequired` is not checked against the support badges: the Web app sets the number
    # and adds the badges in either order, and until there are enough nobody can earn it.
    if primary_badge_id in supports:
        raise ValidationFailed.field(
            "supportBadges", primary_badge_id, "The primary badge cannot also be a support badge"
        )
