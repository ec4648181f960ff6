"""A badge instance as every endpoint shows it, and the loader options that make that
query-free."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from badgekit_api.badges.lists import BadgeLists, read_lists
from badgekit_api.badges.serializers import BADGE_CONTAINER_OPTIONS, badge_read
from badgekit_api.instances.links import assertion_url
from badgekit_api.instances.schemas import EvidenceRead, InstanceRead
from badgekit_api.models import Badge, BadgeInstance
from badgekit_api.urls import PublicUrls

# For read-only listings: the badges' lists come from `shown_instances`.
INSTANCE_VIEW_OPTIONS = (
    selectinload(BadgeInstance.badge).options(*BADGE_CONTAINER_OPTIONS),
    selectinload(BadgeInstance.evidence),
)


async def shown_instances(
    session: AsyncSession, instances: Sequence[BadgeInstance], urls: PublicUrls
) -> list[InstanceRead]:
    """Instances loaded with `INSTANCE_VIEW_OPTIONS`, rendered with their badges' lists."""
    lists = await read_lists(session, {instance.badge_id for instance in instances})
    return [instance_read(instance, urls, lists[instance.badge_id]) for instance in instances]


def instance_read(
    instance: BadgeInstance, urls: PublicUrls, badge_lists: BadgeLists | None = None
) -> InstanceRead:
    """The award with its own badge (criteria, tags and all) and its evidence; the badge's
    lists as given, or else from its loaded relationships."""
    return InstanceRead(
        slug=instance.slug,
        email=instance.email,
        expires=instance.expires,
        issued_on=instance.issued_on,
        claim_code=instance.claim_code,
        assertion_url=assertion_url(instance.slug, urls),
        badge=badge_read(instance.badge, urls, badge_lists),
        evidence=[
            EvidenceRead(url=item.url, narrative=item.narrative) for item in instance.evidence
        ],
        comment=instance.comment,
    )


def badge_payload(badge: Badge, urls: PublicUrls) -> dict[str, Any]:
    """The full badge object, as webhook events embed it."""
    return badge_read(badge, urls).model_dump(mode="json", by_alias=True)
