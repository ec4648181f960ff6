"""Milestone queries and writes (system level). The caller owns the transaction."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.errors import NotFound, ValidationFailed
from badgekit_api.fields import path_id
from badgekit_api.milestones.actions import ISSUE
from badgekit_api.milestones.schemas import MilestoneCreate, MilestoneUpdate
from badgekit_api.milestones.serializers import MILESTONE_LOAD_OPTIONS
from badgekit_api.models import Badge, Milestone
from badgekit_api.scopes.containers import Identified


def list_statement(system: Identified) -> Select[Milestone]:
    return (
        select(Milestone)
        .options(*MILESTONE_LOAD_OPTIONS)
        .where(Milestone.system_id == system.id)
        .order_by(Milestone.id)
    )


async def get(session: AsyncSession, system: Identified, milestone_id: str) -> Milestone:
    """The system's milestone with this id, fully loaded; 404 otherwise."""
    wanted = path_id(milestone_id)
    milestone = None
    if wanted is not None:
        milestone = await session.scalar(list_statement(system).where(Milestone.id == wanted))
    if milestone is None:
        raise NotFound.for_field("milestone", "id", milestone_id)
    return milestone


async def create(session: AsyncSession, system: Identified, data: MilestoneCreate) -> Milestone:
    primary = await _badge(session, system, data.primary_badge_id, "primaryBadgeId")
    supports = await _badges(session, system, data.support_badges, "supportBadges")
    _check_primary_not_supporting(primary.id, supports)
    milestone = Milestone(
        system_id=system.id,
        primary_badge_id=primary.id,
        number_required=data.number_required,
        action=data.action or ISSUE,
        support_badges=supports,
    )
    session.add(milestone)
    await session.flush()
    return await _reload(session, system, milestone)


async def update(
    session: AsyncSession, system: Identified, milestone: Milestone, data: MilestoneUpdate
) -> Milestone:
    """Apply the fields given; `supportBadges`, when given, replaces the whole set."""
    if data.primary_badge_id is not None and data.primary_badge_id != milestone.primary_badge_id:
        primary = await _badge(session, system, data.primary_badge_id, "primaryBadgeId")
        # Both badges' `milestones` change: the reload must read them again.
        session.expire(milestone.primary_badge, ["milestones"])
        session.expire(primary, ["milestones"])
        milestone.primary_badge_id = primary.id
    if data.number_required is not None:
        milestone.number_required = data.number_required
    if data.action is not None:
        milestone.action = data.action
    if data.support_badges is not None:
        milestone.support_badges = await _badges(
            session, system, data.support_badges, "supportBadges"
        )
    _check_primary_not_supporting(milestone.primary_badge_id, milestone.support_badges)
    await session.flush()
    return await _reload(session, system, milestone)


async def add_badge(
    session: AsyncSession, system: Identified, milestone: Milestone, badge_id: int
) -> Milestone:
    """Add a support badge (adding one it already has changes nothing)."""
    badge = await _badge(session, system, badge_id, "badgeId")
    if badge not in milestone.support_badges:
        milestone.support_badges.append(badge)
        _check_primary_not_supporting(milestone.primary_badge_id, milestone.support_badges)
        await session.flush()
    return await _reload(session, system, milestone)


async def remove_badge(
    session: AsyncSession, system: Identified, milestone: Milestone, badge_id: int
) -> Milestone:
    """Drop a support badge; a badge that is not one changes nothing, as in the original."""
    badge = next((badge for badge in milestone.support_badges if badge.id == badge_id), None)
    if badge is not None:
        milestone.support_badges.remove(badge)
        await session.flush()
    return await _reload(session, system, milestone)


async def _reload(session: AsyncSession, system: Identified, milestone: Milestone) -> Milestone:
    """The milestone read back after a write, with everything a response shows."""
    milestone_id = milestone.id
    # Expired rather than `populate_existing`: its badges load their milestones, this one
    # among them, and a second full population would reset the badges loaded first.
    session.expire(milestone)
    return await get(session, system, str(milestone_id))


async def delete(session: AsyncSession, milestone: Milestone) -> None:
    await session.delete(milestone)
    await session.flush()


async def _badge(session: AsyncSession, system: Identified, badge_id: int, field: str) -> Badge:
    [badge] = await _badges(session, system, [badge_id], field)
    return badge


async def _badges(
    session: AsyncSession, system: Identified, badge_ids: Sequence[int], field: str
) -> list[Badge]:
    """The system's badges with these ids, in that order; 400 naming any other id."""
    found = {
        badge.id: badge
        for badge in await session.scalars(
            select(Badge).where(Badge.system_id == system.id, Badge.id.in_(badge_ids))
        )
    }
    missing = [
        {
            "field": field if field != "supportBadges" else f"{field}.{index}",
            "value": badge_id,
            "message": f"No badge with this id in system `{system.slug}`",
        }
        for index, badge_id in enumerate(badge_ids)
        if badge_id not in found
    ]
    if missing:
        raise ValidationFailed(missing)
    return [found[badge_id] for badge_id in badge_ids]


def _check_primary_not_supporting(primary_badge_id: int, supports: Sequence[Badge]) -> None:
    # `numberRequired` is not checked against the support badges: the Web app sets the number
    # and adds the badges in either order, and until there are enough nobody can earn it.
    if any(badge.id == primary_badge_id for badge in supports):
        raise ValidationFailed.field(
            "supportBadges", primary_badge_id, "The primary badge cannot also be a support badge"
        )
