"""A badge instance as every endpoint shows it, and the loader options that make that
query-free."""

from __future__ import annotations

from typing import Any

from badgekit_api.badges.serializers import badge_read
from badgekit_api.http.urls import PublicUrls
from badgekit_api.instances.links import assertion_url
from badgekit_api.instances.schemas import AwardEvidenceRead, InstanceRead
from badgekit_api.models import Badge, BadgeInstance
from badgekit_api.openbadges.links import v3


def instance_read(instance: BadgeInstance, urls: PublicUrls) -> InstanceRead:
    """The award with its own badge (criteria, tags and all) and its evidence."""
    return InstanceRead(
        slug=instance.slug,
        email=instance.email,
        expires=instance.expires,
        issued_on=instance.issued_on,
        claim_code=instance.claim_code,
        assertion_url=assertion_url(instance.slug, urls),
        credential_url=v3(assertion_url(instance.slug, urls)),
        badge=badge_read(instance.badge, urls),
        evidence=[
            AwardEvidenceRead(url=item.url, narrative=item.narrative) for item in instance.evidence
        ],
        comment=instance.comment,
    )


def badge_payload(badge: Badge, urls: PublicUrls) -> dict[str, Any]:
    """The full badge object, as webhook events embed it."""
    return badge_read(badge, urls).model_dump(mode="json", by_alias=True)
