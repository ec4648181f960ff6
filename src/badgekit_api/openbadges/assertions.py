"""Assertions: one awarded badge as Open Badges 1.0 and 2.0 documents, and the body of a
revoked one.

The documents, the badge page and the baked images are written from `AssertionFacts`,
what they show of an award, read as one JSON object in the request's start statement
(`service.py`): the one read path of an assertion.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from badgekit_api.http.urls import PublicUrls
from badgekit_api.instances.links import assertion_url
from badgekit_api.openbadges.formats import CONTEXT_V2, identity_hash, unix_seconds
from badgekit_api.openbadges.links import v2
from badgekit_api.timestamps import iso_millis


@dataclass(frozen=True, slots=True)
class BadgeImage:
    """The badge's image, as baking needs it."""

    slug: str
    url: str | None  # an image hosted elsewhere (then we hold no bytes)
    mimetype: str | None
    sha256: str | None


@dataclass(frozen=True, slots=True)
class AssertionFacts:
    """What the hosted assertion documents show of one award."""

    uid: str
    email: str
    salt: str
    issued_on: datetime
    expires: datetime | None
    revoked: bool
    revocation_reason: str | None
    badge_class_url: str  # the Open Badges 1.0 badge class
    baked_image_url: str | None  # when the badge image can be baked
    evidence: tuple[tuple[str | None, str | None], ...]  # (url, narrative) in order
    revoked_at: datetime | None = None
    image: BadgeImage | None = None
    badge: dict[str, Any] | None = None  # the badge's wire object, read for the badge page
    instance_id: int | None = None  # the row's id: its status list bit (`status_lists.entries`)
    # An imported award's recipient as the original published it (`BadgeInstance`).
    published_identity: str | None = None


def assertion_v1(facts: AssertionFacts, urls: PublicUrls) -> dict[str, Any]:
    """The original's hosted assertion: unsalted recipient hash, unix-time dates."""
    document: dict[str, Any] = {
        "uid": facts.uid,
        "recipient": {
            "identity": facts.published_identity or identity_hash(facts.email),
            "type": "email",
            "hashed": True,
        },
        "badge": facts.badge_class_url,
        "verify": {"type": "hosted", "url": assertion_url(facts.uid, urls)},
        "issuedOn": unix_seconds(facts.issued_on),
    }
    if facts.baked_image_url:
        document["image"] = facts.baked_image_url
    if facts.expires is not None:
        document["expires"] = unix_seconds(facts.expires)
    # 1.0 evidence is one URL: the first piece of evidence that has one.
    evidence = next((url for url, _ in facts.evidence if url), None)
    if evidence:
        document["evidence"] = evidence
    return document


def assertion_v2(facts: AssertionFacts, urls: PublicUrls) -> dict[str, Any]:
    """The Open Badges 2.0 Assertion, its recipient hashed with the instance's own salt."""
    document: dict[str, Any] = {
        "@context": CONTEXT_V2,
        "type": "Assertion",
        "id": v2(assertion_url(facts.uid, urls)),
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": facts.salt,
            "identity": identity_hash(facts.email, facts.salt),
        },
        "badge": v2(facts.badge_class_url),
        "verification": {"type": "hosted"},
        "issuedOn": iso_millis(facts.issued_on),
    }
    if facts.baked_image_url:
        # The image with this 2.0 assertion baked in (the plain one holds only its URL).
        document["image"] = v2(facts.baked_image_url)
    if facts.expires is not None:
        document["expires"] = iso_millis(facts.expires)
    evidence = [_evidence_v2(url, narrative) for url, narrative in facts.evidence]
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


def revoked_v1(facts: AssertionFacts) -> dict[str, Any]:
    return {
        "uid": facts.uid,
        "revoked": True,
        "revocationReason": facts.revocation_reason,
    }


def revoked_v2(facts: AssertionFacts, urls: PublicUrls) -> dict[str, Any]:
    """What a revoked hosted assertion answers (with 410): only what identifies it."""
    return {
        "@context": CONTEXT_V2,
        "type": "Assertion",
        "id": v2(assertion_url(facts.uid, urls)),
        "uid": facts.uid,
        "revoked": True,
        "revocationReason": facts.revocation_reason,
    }


def document_of(facts: AssertionFacts, urls: PublicUrls, *, version_2: bool) -> dict[str, Any]:
    """The assertion (or, revoked, what stands in for it) in either version."""
    if version_2:
        return revoked_v2(facts, urls) if facts.revoked else assertion_v2(facts, urls)
    return revoked_v1(facts) if facts.revoked else assertion_v1(facts, urls)
