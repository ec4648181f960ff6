"""The Open Badges 3.0 `OpenBadgeCredential` of an award, written from the same facts as
its 1.0 and 2.0 documents (`AssertionFacts` and the badge's wire object).

Unsigned: `proofs.py` secures it. The issuer's DID and the credential's status entry come
from the key store and the status lists, so they are arguments here.
"""

from __future__ import annotations

import re
from typing import Any

from badgekit_api.http.urls import PublicUrls
from badgekit_api.instances.links import assertion_url
from badgekit_api.openbadges.assertions import AssertionFacts
from badgekit_api.openbadges.badge_classes import criteria_narrative
from badgekit_api.openbadges.formats import identity_hash
from badgekit_api.openbadges.links import v3
from badgekit_api.openbadges.ob3.contexts import CREDENTIAL_CONTEXT
from badgekit_api.openbadges.profiles import organization
from badgekit_api.scopes import Scope
from badgekit_api.scopes.containers import Container
from badgekit_api.timestamps import iso_millis

CREDENTIAL_TYPE = ["VerifiableCredential", "OpenBadgeCredential"]

# OB 3.0 AchievementType vocabulary; any other badge type is an `ext:` extension term.
ACHIEVEMENT_TYPES = (
    "Achievement ApprenticeshipCertificate Assessment Assignment AssociateDegree Award Badge "
    "BachelorDegree Certificate CertificateOfCompletion Certification CommunityService "
    "Competency Course CoCurricular Degree Diploma DoctoralDegree Fieldwork GeneralEducation"
    "Development JourneymanCertificate LearningProgram License Membership "
    "ProfessionalDoctorate QualityAssuranceCredential MasterCertificate MasterDegree "
    "MicroCredential ResearchDoctorate SecondarySchoolDiploma"
).split()
_BY_LOWER = {name.lower(): name for name in ACHIEVEMENT_TYPES}
_NOT_IN_EXTENSION = re.compile(r"[^A-Za-z0-9._-]+")


def credential_url(uid: str, urls: PublicUrls) -> str:
    """The credential's `id`: where `GET` answers it (`/public/assertions/:uid?v=3`)."""
    return v3(assertion_url(uid, urls))


def open_badge_credential(
    facts: AssertionFacts,
    badge: dict[str, Any],
    urls: PublicUrls,
    *,
    issuer_did: str,
    credential_status: dict[str, Any] | None,
) -> dict[str, Any]:
    """The award as an unsigned OpenBadgeCredential.

    `badge` is the badge's wire object (`badges/queries.badge_document`, as
    `AssertionFacts.badge` holds it when read with the badge); `issuer_did` the DID of the
    profile that issues the badge (its own container); `credential_status` its
    `BitstringStatusListEntry`, or None where there is no status list.
    """
    credential: dict[str, Any] = {
        "@context": list(CREDENTIAL_CONTEXT),
        "id": credential_url(facts.uid, urls),
        "type": list(CREDENTIAL_TYPE),
        "issuer": issuer_profile(badge, issuer_did),
        "validFrom": iso_millis(facts.issued_on),
        "name": badge["name"],
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "hashed": True,
                    "identityHash": identity_hash(facts.email, facts.salt),
                    "identityType": "emailAddress",
                    "salt": facts.salt,
                }
            ],
            "achievement": achievement(badge, facts.badge_class_url),
        },
    }
    if facts.expires is not None:
        credential["validUntil"] = iso_millis(facts.expires)
    evidence = [_evidence(url, narrative) for url, narrative in facts.evidence]
    if evidence:
        credential["evidence"] = evidence
    if credential_status is not None:
        credential["credentialStatus"] = credential_status
    return credential


def issuer_profile(badge: dict[str, Any], issuer_did: str) -> dict[str, Any]:
    """The issuing `Profile`: each field from the deepest of the badge's containers that
    has one, as the 2.0 issuer profile takes it (`profiles.organization`)."""
    scope = Scope(
        system=Container.from_document(badge["system"]),
        issuer=Container.from_document(badge["issuer"]) if badge["issuer"] else None,
        program=Container.from_document(badge["program"]) if badge["program"] else None,
    )
    fields = organization(scope)
    profile: dict[str, Any] = {"id": issuer_did, "type": ["Profile"]}
    for field in ("name", "url", "description", "email"):
        if field in fields:
            profile[field] = fields[field]
    if "image" in fields:
        profile["image"] = {"id": fields["image"], "type": "Image"}
    return profile


def achievement(badge: dict[str, Any], achievement_id: str) -> dict[str, Any]:
    """The badge as an `Achievement`; its `id` is the badge's public badge class URL."""
    criteria = {"id": badge["criteriaUrl"]}
    narrative = criteria_narrative(badge["criteria"])
    if narrative:
        criteria["narrative"] = narrative
    document: dict[str, Any] = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": achievement_type(badge["type"]),
        "name": badge["name"],
        "description": badge["consumerDescription"],
        "criteria": criteria,
    }
    if badge["imageUrl"]:
        document["image"] = {"id": badge["imageUrl"], "type": "Image"}
    alignments = [_alignment(item) for item in badge["alignments"]]
    if alignments:
        document["alignment"] = alignments
    tags = [tag["value"] for tag in badge["tags"]]
    if tags:
        document["tag"] = tags
    return document


def achievement_type(badge_type: str) -> str:
    """The badge's type as an OB 3.0 AchievementType: the vocabulary term it names (in any
    case), else the extension term `ext:<type>` (`Badge` if nothing of it is left)."""
    known = _BY_LOWER.get(badge_type.strip().lower())
    if known:
        return known
    extension = _NOT_IN_EXTENSION.sub("", badge_type)
    return f"ext:{extension}" if extension else "Badge"


def _alignment(item: dict[str, Any]) -> dict[str, Any]:
    alignment = {"type": ["Alignment"], "targetName": item["name"], "targetUrl": item["url"]}
    if item["description"]:
        alignment["targetDescription"] = item["description"]
    return alignment


def _evidence(url: str | None, narrative: str | None) -> dict[str, Any]:
    evidence: dict[str, Any] = {"type": ["Evidence"]}
    if url:
        evidence["id"] = url
    if narrative:
        evidence["narrative"] = narrative
    return evidence
