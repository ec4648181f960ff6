"""An award and the milestones it completes, in one place: the award, then each milestone
its badge counts towards acting for the new earners, in the same transaction.

When an award leaves an earner holding `numberRequired` of a milestone's support badges,
the milestone issues its primary badge to them (which may complete further milestones)
or files an application for it.

Races: two awards that complete one milestone for one earner (the last two support
badges, awarded at once) must see each other. Each award locks the milestones its badge
supports *before* writing its instance, so the second waits for the first to commit and
then counts with a read that sees it (see instances/locking.py). Issuing the primary goes
through the same unique constraint as every award, so it happens at most once.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.badges.queries import ActingBadge, acting_badge_by_id
from badgekit_api.http.urls import PublicUrls
from badgekit_api.instances.awarding import Awarded, Grant, OnHolder, award
from badgekit_api.milestones.actions import QUEUE_APPLICATION
from badgekit_api.models import Application, BadgeInstance, Milestone
from badgekit_api.models import milestone_support_badges as support


async def award_with_milestones(
    session: AsyncSession,
    badge: ActingBadge,
    grants: Sequence[Grant],
    urls: PublicUrls,
    *,
    on_holder: OnHolder,
    automatic: bool = False,
    chain: frozenset[int] = frozenset(),
) -> Awarded:
    """Award `badge`, then let the milestones it supports act for its new earners.

    `chain` holds the badges being awarded further up this cascade: a milestone whose
    primary badge is one of them is not followed, so cyclic milestones terminate.
    """
    # Most badges count towards no milestone: the start statement said so, and then there
    # is nothing to lock or check.
    milestones = (
        await _lock_milestones_supported_by(session, badge) if badge.supports_milestones else []
    )
    awarded = await award(session, badge, grants, urls, on_holder=on_holder, automatic=automatic)
    earners = [instance.email for instance in awarded.created]
    chain = chain | {badge.id}
    for milestone in milestones:
        if not earners or milestone.primary_badge_id in chain:
            continue
        eligible = await _completed_by(session, milestone, earners)
        if not eligible:
            continue
        primary = await acting_badge_by_id(session, milestone.primary_badge_id, urls.origin)
        if milestone.action == QUEUE_APPLICATION:
            await _queue_applications(session, primary, eligible)
        else:
            await award_with_milestones(
                session,
                primary,
                [Grant(email=email) for email in eligible],
                urls,
                on_holder="skip",
                automatic=True,
                chain=chain,
            )
    return awarded


async def _lock_milestones_supported_by(
    session: AsyncSession, badge: ActingBadge
) -> list[Milestone]:
    supported_ids = select(support.c.milestone_id).where(support.c.badge_id == badge.id)
    milestones = await session.scalars(
        select(Milestone)
        .where(Milestone.system_id == badge.system_id, Milestone.id.in_(supported_ids))
        .order_by(Milestone.id)
        .with_for_update()
    )
    return list(milestones)


async def _completed_by(
    session: AsyncSession, milestone: Milestone, earners: Sequence[str]
) -> list[str]:
    """The earners who now hold at least `numberRequired` of the milestone's badges."""
    support_ids = select(support.c.badge_id).where(support.c.milestone_id == milestone.id)
    held = await session.execute(
        select(BadgeInstance.email, func.count())
        .where(
            BadgeInstance.email.in_(earners),
            BadgeInstance.badge_id.in_(support_ids),
            BadgeInstance.live.is_(True),
        )
        .group_by(BadgeInstance.email)
    )
    counts = {email: count for email, count in held.all() if email is not None}
    return [email for email in earners if counts.get(email, 0) >= milestone.number_required]


async def _queue_applications(
    session: AsyncSession, badge: ActingBadge, learners: Sequence[str]
) -> None:
    """File an application for `badge` for each learner who neither holds it nor has one
    waiting to be processed."""
    if badge.archived:
        return
    waiting = await session.scalars(
        select(func.lower(Application.learner)).where(
            Application.badge_id == badge.id,
            func.lower(Application.learner).in_(learners),
            Application.processed.is_(None),
        )
    )
    holding = await session.scalars(
        select(BadgeInstance.email).where(
            BadgeInstance.badge_id == badge.id,
            BadgeInstance.email.in_(learners),
            BadgeInstance.live.is_(True),
        )
    )
    skip = {*waiting, *holding}
    session.add_all(
        Application(slug=secrets.token_hex(16), badge_id=badge.id, learner=learner)
        for learner in learners
        if learner not in skip
    )
    await session.flush()
