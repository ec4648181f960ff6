"""Erasing an earner from one system, in the request's transaction.

What the email identifies goes; what others rely on stays without it:
- each award becomes a tombstone: revoked (if it was not), its email replaced by its
  Open Badges 1.0 recipient hash, so the assertion answers 410 as revoked ones do and a
  holder of the hash can still match it;
- the earner's applications go, with their evidence (uploaded files too) and reviews;
- claimed codes stay claimed, without the email;
- where the email is a reviewer's (an assignment, a review's author), it is cleared;
- webhook events whose payload names the email are dropped, delivered or not, and the
  erasure sends none: each would carry the email out again.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.earners.schemas import ErasedCounts
from badgekit_api.models import (
    Application,
    ApplicationEvidence,
    Badge,
    BadgeInstance,
    ClaimCode,
    Image,
    Review,
    WebhookEvent,
)
from badgekit_api.models.base import utcnow
from badgekit_api.openbadges.formats import identity_hash
from badgekit_api.scopes.containers import Container

ERASED_REASON = "Erased at the earner's request"
ERASED_AUTHOR = "(erased)"


def _count(result: Any) -> int:
    return cast(CursorResult[Any], result).rowcount


async def erase(session: AsyncSession, system: Container, email: str) -> ErasedCounts:
    badges = select(Badge.id).where(Badge.system_id == system.id).scalar_subquery()
    in_system = BadgeInstance.badge_id.in_(badges)
    now = utcnow()
    # Revoke what stands, then turn every award of the email into a tombstone.
    await session.execute(
        update(BadgeInstance)
        .where(in_system, BadgeInstance.email == email, BadgeInstance.live.is_(True))
        .values(live=None, revoked_at=now, revocation_reason=ERASED_REASON)
        .execution_options(synchronize_session=False)
    )
    instances = _count(
        await session.execute(
            update(BadgeInstance)
            .where(in_system, BadgeInstance.email == email)
            .values(
                email=None,
                # An imported award keeps the identity it was published with.
                published_identity=func.coalesce(
                    BadgeInstance.published_identity, identity_hash(email)
                ),
            )
            .execution_options(synchronize_session=False)
        )
    )

    earners_applications = (Application.learner == email, Application.badge_id.in_(badges))
    applications = select(Application.id).where(*earners_applications)
    uploads = list(
        await session.scalars(
            select(ApplicationEvidence.image_id).where(
                ApplicationEvidence.application_id.in_(applications),
                ApplicationEvidence.image_id.is_not(None),
            )
        )
    )
    removed = _count(
        await session.execute(
            # Not `id IN (SELECT ... FROM applications)`: MySQL refuses a subquery on the
            # table a DELETE deletes from.
            delete(Application)
            .where(*earners_applications)
            .execution_options(synchronize_session=False)
        )
    )
    if uploads:
        await session.execute(
            delete(Image).where(Image.id.in_(uploads)).execution_options(synchronize_session=False)
        )

    claims = _count(
        await session.execute(
            update(ClaimCode)
            .where(ClaimCode.system_id == system.id, ClaimCode.email == email)
            .values(email=None)
            .execution_options(synchronize_session=False)
        )
    )
    in_system_applications = Application.badge_id.in_(badges)
    assignments = _count(
        await session.execute(
            update(Application)
            .where(in_system_applications, Application.assigned_to == email)
            .values(assigned_to=None, assigned_expiration=None)
            .execution_options(synchronize_session=False)
        )
    )
    reviews = _count(
        await session.execute(
            update(Review)
            .where(
                Review.author == email,
                Review.application_id.in_(select(Application.id).where(in_system_applications)),
            )
            .values(author=ERASED_AUTHOR)
            .execution_options(synchronize_session=False)
        )
    )
    events = _count(
        await session.execute(
            delete(WebhookEvent)
            .where(
                WebhookEvent.system_id == system.id,
                WebhookEvent.payload.contains(email, autoescape=True),
            )
            .execution_options(synchronize_session=False)
        )
    )
    return ErasedCounts(
        instances=instances,
        applications=removed,
        claim_codes=claims,
        assignments=assignments,
        reviews=reviews,
        webhook_events=events,
    )
