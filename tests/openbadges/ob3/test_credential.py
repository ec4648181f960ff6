"""The OpenBadgeCredential of awards at each level, checked against 1EdTech's JSON Schema
of the OB 3.0 AchievementCredential and against values computed here."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from badgekit_api.openbadges.ob3.credential import achievement_type, open_badge_credential
from badgekit_api.openbadges.ob3.schema_check import schema_errors
from tests.factories.badges import create_badge
from tests.factories.containers import create_tree
from tests.openbadges.ob3.support import URLS, facts_of, status_entry
from tests.openbadges.support import (
    BASE,
    EARNER,
    ISSUED_ON,
    award,
    badge_class_path,
    create_badge_with_image,
    sha256_identity,
)

EXPIRES = datetime(2030, 1, 1, tzinfo=UTC)
ISSUER_DID = "did:web:badges.test:systems:chicago"


@pytest.fixture
async def tree(client: httpx.AsyncClient) -> None:
    await create_tree(client)
    updated = await client.put("/systems/chicago", json={"email": "badges@chicago.example.org"})
    assert updated.status_code == 200, updated.text


async def credential_for(
    client: httpx.AsyncClient, engine: AsyncEngine, level: str, **award_fields: Any
) -> dict[str, Any]:
    badge = await create_badge_with_image(client, level, slug=f"reader-{level}", type="Skill")
    awarded = await award(client, badge["slug"], **award_fields)
    facts = await facts_of(engine, awarded.slug)
    assert facts.badge is not None
    return open_badge_credential(
        facts, facts.badge, URLS, issuer_did=ISSUER_DID, credential_status=status_entry(7)
    )


@pytest.mark.usefixtures("tree")
@pytest.mark.parametrize("level", ["system", "issuer", "program"])
async def test_a_credential_with_evidence_and_expiry_is_valid_at_each_level(
    client: httpx.AsyncClient, engine: AsyncEngine, level: str
) -> None:
    credential = await credential_for(
        client,
        engine,
        level,
        expires=EXPIRES,
        evidence=(("https://work.example.org/essay", "An essay."), (None, "Read aloud.")),
    )

    assert schema_errors(credential) == []
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["id"].startswith(f"{BASE}/public/assertions/")
    assert credential["id"].endswith("?v=3")
    assert credential["validFrom"] == ISSUED_ON.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert credential["validUntil"] == "2030-01-01T00:00:00.000Z"
    assert credential["evidence"] == [
        {"type": ["Evidence"], "id": "https://work.example.org/essay", "narrative": "An essay."},
        {"type": ["Evidence"], "narrative": "Read aloud."},
    ]
    assert credential["credentialStatus"] == status_entry(7)
    identifier = credential["credentialSubject"]["identifier"]
    assert identifier == [
        {
            "type": "IdentityObject",
            "hashed": True,
            "identityHash": sha256_identity(EARNER, identifier[0]["salt"]),
            "identityType": "emailAddress",
            "salt": identifier[0]["salt"],
        }
    ]
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["id"] == BASE + badge_class_path(level, f"reader-{level}")
    assert achievement["achievementType"] == "ext:Skill"
    assert achievement["criteria"]["narrative"].startswith("- Read five books (required)")
    assert achievement["image"]["type"] == "Image"
    assert achievement["image"]["id"].startswith(f"{BASE}/public/images/")
    assert achievement["tag"] == ["reading", "library"]
    assert achievement["alignment"] == [
        {
            "type": ["Alignment"],
            "targetName": "Reading standard 3",
            "targetUrl": "https://standards.example.org/reading/3",
            "targetDescription": "Reads independently.",
        },
        {
            "type": ["Alignment"],
            "targetName": "Writing standard 1",
            "targetUrl": "https://standards.example.org/writing/1",
        },
    ]


@pytest.mark.usefixtures("tree")
@pytest.mark.parametrize(
    ("level", "name", "url"),
    [
        ("system", "System chicago", "https://chicago.example.org"),
        ("issuer", "Issuer library", "https://library.example.org"),
        ("program", "Program readers", "https://readers.example.org"),
    ],
)
async def test_the_issuer_profile_takes_each_field_from_the_deepest_container(
    client: httpx.AsyncClient, engine: AsyncEngine, level: str, name: str, url: str
) -> None:
    credential = await credential_for(client, engine, level)

    assert credential["issuer"] == {
        "id": ISSUER_DID,
        "type": ["Profile"],
        "name": name,
        "url": url,
        # Only the system has an email: the deeper profiles fall back to it.
        "email": "badges@chicago.example.org",
    }


@pytest.mark.usefixtures("tree")
async def test_a_bare_credential_without_evidence_expiry_alignments_or_tags_is_valid(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await create_badge(
        client, slug="plain", type="Badge", criteriaUrl="https://chicago.example.org/plain"
    )
    awarded = await award(client, "plain")
    facts = await facts_of(engine, awarded.slug)
    assert facts.badge is not None

    credential = open_badge_credential(
        facts, facts.badge, URLS, issuer_did="did:web:badges.test", credential_status=None
    )

    assert schema_errors(credential) == []
    for absent in ("validUntil", "evidence", "credentialStatus"):
        assert absent not in credential
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Badge"
    assert achievement["criteria"] == {"id": "https://chicago.example.org/plain"}
    # A badge always has an image (here one hosted elsewhere): the achievement links it.
    assert achievement["image"] == {"id": "https://cdn.example.org/python.png", "type": "Image"}
    for absent in ("alignment", "tag"):
        assert absent not in achievement


@pytest.mark.parametrize(
    ("badge_type", "expected"),
    [
        ("badge", "Badge"),
        ("Certification", "Certification"),
        ("microcredential", "MicroCredential"),
        ("skill", "ext:skill"),
        ("soft skill!", "ext:softskill"),
        ("***", "Badge"),
    ],
)
def test_badge_types_map_to_achievement_types(badge_type: str, expected: str) -> None:
    assert achievement_type(badge_type) == expected
