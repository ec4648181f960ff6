"""Badge instance queries, awards and revocations. The caller owns the transaction."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from badgekit_api.badges.queries import ActingBadge
from badgekit_api.errors import NotFound, ValidationFailed
from badgekit_api.http.urls import PublicUrls
from badgekit_api.instances.awarding import Awarded, Grant, Held
from badgekit_api.instances.cascade import award_with_milestones
from badgekit_api.instances.schemas import BulkInstanceCreate, InstanceCreate
from badgekit_api.instances.serializers import badge_payload
from badgekit_api.models import Badge, BadgeInstance
from badgekit_api.models.base import utcnow
from badgekit_api.webhooks import events, outbox


def list_statement(badge: Badge) -> Select[BadgeInstance]:
    """The badge's standing awards, oldest first. `badge` must be loaded for `badge_read`:
    its instances then find it in the session instead of loading it all again."""
    return (
        select(BadgeInstance)
        .options(selectinload(BadgeInstance.badge), selectinload(BadgeInstance.evidence))
        .where(BadgeInstance.badge_id == badge.id, BadgeInstance.live.is_(True))
        .order_by(BadgeInstance.id)
    )


async def get(session: AsyncSession, badge: Badge, email: str) -> BadgeInstance:
    """The earner's standing award of the badge; 404 otherwise."""
    instance = await session.scalar(
        list_statement(badge).where(BadgeInstance.email == email.lower())
    )
    if instance is None:
        raise NotFound.for_field("badgeInstance", "email", email)
    return instance


async def issue(
    session: AsyncSession, badge: ActingBadge, data: InstanceCreate, urls: PublicUrls
) -> Held:
    """Award the badge to one earner (consuming the claim code when one is given)."""
    grant = Grant(
        email=data.email,
        slug=data.slug,
        issued_on=data.issued_on,
        expires=data.expires,
        claim_code=data.claim_code,
        comment=data.comment,
        evidence=tuple((item.url, item.narrative) for item in data.evidence),
    )
    awarded = await award_with_milestones(session, badge, [grant], urls, on_holder="conflict")
    [instance] = awarded.created
    return instance


async def issue_bulk(
    session: AsyncSession,
    badge: ActingBadge,
    data: BulkInstanceCreate,
    urls: PublicUrls,
    *,
    max_emails: int,
) -> Awarded:
    """Award the badge to every listed earner who does not hold it yet, all or nothing."""
    if len(data.emails) > max_emails:
        raise ValidationFailed.field(
            "emails", len(data.emails), f"At most {max_emails} emails can be awarded at once"
        )
    grants = [
        Grant(email=email, issued_on=data.issued_on, expires=data.expires, comment=data.comment)
        for email in data.emails
    ]
    return await award_with_milestones(session, badge, grants, urls, on_holder="skip")


async def revoke(
    session: AsyncSession, badge: Badge, email: str, reason: str | None, urls: PublicUrls
) -> BadgeInstance:
    """Take the award back. The row stays (its assertion answers "revoked"), out of every
    listing; the earner can be awarded the badge again. This update is also the award's
    revocation bit in its profile's status list (`status_lists/entries.py`), set in this
    same transaction."""
    instance = await get(session, badge, email)
    result = cast(
        CursorResult[Any],
        await session.execute(
            update(BadgeInstance)
            .where(BadgeInstance.id == instance.id, BadgeInstance.live.is_(True))
            .values(live=None, revoked_at=utcnow(), revocation_reason=reason)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        # A concurrent revocation got there first.
        raise NotFound.for_field("badgeInstance", "email", email)
    await outbox.enqueue(
        session,
        system_id=badge.system_id,
        action=events.REVOKE,
        payload=events.revoke(
            uid=instance.slug,
            badge=badge_payload(badge, urls),
            # The stored form of the email it was found by (a live award always has one).
            email=instance.email or email,
        ),
    )
    return instance
