"""Assertions: one awarded badge as Open Badges 1.0 and 2.0 documents, and the body of a
revoked one."""

from __future__ import annotations

from typing import Any

from badgekit_api.badges.links import badge_class_url
from badgekit_api.instances.links import assertion_url
from badgekit_api.models import BadgeInstance
from badgekit_api.openbadges.baking import bakeable_extension
from badgekit_api.openbadges.formats import CONTEXT_V2, identity_hash, unix_seconds
from badgekit_api.openbadges.links import baked_image_url, v2
from badgekit_api.timestamps import iso_millis
from badgekit_api.urls import PublicUrls


def is_revoked(instance: BadgeInstance) -> bool:
    return instance.revoked_at is not None or not instance.live


def baked_url(instance: BadgeInstance, urls: PublicUrls) -> str | None:
    """The baked badge image, when the badge image can be baked."""
    extension = bakeable_extension(instance.badge.image)
    return baked_image_url(instance.slug, extension, urls) if extension else None


def assertion_v1(instance: BadgeInstance, urls: PublicUrls) -> dict[str, Any]:
    """The original's hosted assertion: unsalted recipient hash, unix-time dates."""
    document: dict[str, Any] = {
        "uid": instance.slug,
        "recipient": {"identity": identity_hash(instance.email), "type": "email", "hashed": True},
        "badge": badge_class_url(instance.badge, urls),
        "verify": {"type": "hosted", "url": assertion_url(instance.slug, urls)},
        "issuedOn": unix_seconds(instance.issued_on),
    }
    image = baked_url(instance, urls)
    if image:
        document["image"] = image
    if instance.expires is not None:
        document["expires"] = unix_seconds(instance.expires)
    # 1.0 evidence is one URL: the first piece of evidence that has one.
    evidence = next((item.url for item in instance.evidence if item.url), None)
    if evidence:
        document["evidence"] = evidence
    return document


def assertion_v2(instance: BadgeInstance, urls: PublicUrls) -> dict[str, Any]:
    """The Open Badges 2.0 Assertion, its recipient hashed with the instance's own salt."""
    document: dict[str, Any] = {
        "@context": CONTEXT_V2,
        "type": "Assertion",
        "id": v2(assertion_url(instance.slug, urls)),
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": instance.salt,
            "identity": identity_hash(instance.email, instance.salt),
        },
        "badge": v2(badge_class_url(instance.badge, urls)),
        "verification": {"type": "hosted"},
        "issuedOn": iso_millis(instance.issued_on),
    }
    image = baked_url(instance, urls)
    if image:
        document["image"] = image
    if instance.expires is not None:
        document["expires"] = iso_millis(instance.expires)
    evidence = [_evidence_v2(item.url, item.narrative) for item in instance.evidence]
    if evidence:
        document["evidence"] = evidence
    return document


def _evidence_v2(url: str | None, narrative: str | None) -> dict[str, str]:
    evidence = {"type": "Evidence"}
    if url:
        evidence["id"] = url
    if narrative:
        evidence["narrative"] = narrative
    return evidence


def revoked_v1(instance: BadgeInstance) -> dict[str, Any]:
    return {
        "uid": instance.slug,
        "revoked": True,
        "revocationReason": instance.revocation_reason,
    }


def revoked_v2(instance: BadgeInstance, urls: PublicUrls) -> dict[str, Any]:
    """What a revoked hosted assertion answers (with 410): only what identifies it."""
    return {
        "@context": CONTEXT_V2,
        "type": "Assertion",
        "id": v2(assertion_url(instance.slug, urls)),
        "uid": instance.slug,
        "revoked": True,
        "revocationReason": instance.revocation_reason,
    }
