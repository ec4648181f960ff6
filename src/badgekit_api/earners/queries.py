"""Everything one system holds about one email, read in a fixed number of statements."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from badgekit_api.applications.serializers import APPLICATION_LOAD_OPTIONS, application_read
from badgekit_api.badges.serializers import BADGE_LOAD_OPTIONS
from badgekit_api.earners.schemas import (
    EarnerApplication,
    EarnerAward,
    EarnerClaim,
    EarnerData,
)
from badgekit_api.http.urls import PublicUrls
from badgekit_api.instances.serializers import instance_read
from badgekit_api.models import Application, Badge, BadgeInstance, ClaimCode, Review
from badgekit_api.reviews.serializers import review_read
from badgekit_api.scopes.containers import Container


def _system_badges(system: Container) -> Select[int]:
    return select(Badge.id).where(Badge.system_id == system.id)


async def earner_data(
    session: AsyncSession, system: Container, email: str, urls: PublicUrls
) -> EarnerData:
    """Awards (revoked ones too), applications with their reviews, and claimed codes."""
    instances = await session.scalars(
        select(BadgeInstance)
        .where(BadgeInstance.email == email, BadgeInstance.badge_id.in_(_system_badges(system)))
        .options(
            selectinload(BadgeInstance.badge).options(*BADGE_LOAD_OPTIONS),
            selectinload(BadgeInstance.evidence),
        )
        .order_by(BadgeInstance.issued_on, BadgeInstance.id)
    )
    applications = await session.scalars(
        select(Application)
        .where(Application.learner == email, Application.badge_id.in_(_system_badges(system)))
        .options(
            *APPLICATION_LOAD_OPTIONS,
            selectinload(Application.reviews).selectinload(Review.items),
        )
        .order_by(Application.created_at, Application.id)
    )
    claims = await session.execute(
        select(ClaimCode.code, Badge.slug, ClaimCode.claimed, ClaimCode.multiuse)
        .join(Badge, Badge.id == ClaimCode.badge_id)
        .where(ClaimCode.system_id == system.id, ClaimCode.email == email)
        .order_by(ClaimCode.id)
    )
    return EarnerData(
        email=email,
        instances=[
            EarnerAward(
                **instance_read(instance, urls).model_dump(),
                revoked=instance.live is not True,
                revoked_at=instance.revoked_at,
                revocation_reason=instance.revocation_reason,
            )
            for instance in instances
        ],
        applications=[
            EarnerApplication(
                **application_read(application, urls).model_dump(),
                reviews=[review_read(review) for review in application.reviews],
            )
            for application in applications
        ],
        claim_codes=[
            EarnerClaim(code=code, badge=badge, claimed=claimed, multiuse=multiuse)
            for code, badge, claimed, multiuse in claims
        ],
    )
