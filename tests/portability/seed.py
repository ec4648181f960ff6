"""A system holding one of everything an export carries, made through the API, and the
URLs whose answers must be the same after the system moves to another database."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI

from tests.factories.assessment import CRITERIA, create_application, create_review
from tests.factories.badges import LEVEL_PREFIXES, badge_body, create_badge
from tests.factories.consumers import create_consumer
from tests.factories.containers import create_issuer, create_program, create_system
from tests.factories.images import png_bytes
from tests.factories.instances import award, create_milestone

EARNER = "ada@example.org"
OTHER_EARNER = "grace@example.org"


@dataclass
class Seeded:
    """What the seed made that tests look at again."""

    consumer: tuple[str, str]
    webhook_secret: str
    assertions: list[str] = field(default_factory=list)
    applications: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)


async def _upload_badge(client: httpx.AsyncClient, level: str, slug: str, **fields: Any) -> Any:
    form = {
        key: str(value).lower() if isinstance(value, bool) else str(value)
        for key, value in badge_body(imageUrl=None, slug=slug, name=slug, **fields).items()
    }
    files = {"image": ("badge.png", png_bytes(0, 128, 255), "application/octet-stream")}
    response = await client.post(f"{LEVEL_PREFIXES[level]}/badges", data=form, files=files)
    assert response.status_code == 201, response.text
    return response.json()["badge"]


async def seed(client: httpx.AsyncClient, app: FastAPI) -> Seeded:
    """chicago / library / readers with badges at each level, awards (one revoked, one
    claimed by code), a milestone, an application with an uploaded file and a review, a
    webhook and a consumer key; and a second system, zurich, that must stay behind."""
    await create_system(client, email="badges@chicago.example.org", description="City")
    await create_issuer(client, description="The public library")
    await create_program(client, imageUrl="https://cdn.example.org/readers.png")
    system_badge = await _upload_badge(client, "system", "python-basics")
    issuer_badge = await create_badge(
        client,
        "issuer",
        slug="reading",
        name="Reading",
        criteria=CRITERIA,
        tags=["books", "literacy"],
        categories=["language"],
        alignments=[
            {"name": "CCSS", "url": "https://standards.example.org/r1", "description": "R1"}
        ],
    )
    program_badge = await create_badge(client, "program", slug="summer", name="Summer reader")
    for code in ("ABC-123", "abc-123", "UNUSED"):
        response = await client.post(
            "/systems/chicago/badges/python-basics/codes", json={"code": code}
        )
        assert response.status_code == 201, response.text
    claimed = await client.post(
        "/systems/chicago/badges/python-basics/codes/ABC-123/claim", json={"email": OTHER_EARNER}
    )
    assert claimed.status_code == 200, claimed.text

    first = await award(
        client,
        badge="python-basics",
        email=EARNER,
        expires="2031-01-02T03:04:05.678Z",
        comment="Well done",
        evidence=[{"url": "https://work.example.org/1", "narrative": "A script"}],
    )
    second = await award(client, "issuer", badge="reading", email=EARNER)
    third = await award(client, "program", badge="summer", email=OTHER_EARNER)
    revoked = await client.delete(
        f"{LEVEL_PREFIXES['program']}/badges/summer/instances/{OTHER_EARNER}",
        params={"reason": "Awarded by mistake"},
    )
    assert revoked.status_code == 200, revoked.text
    await create_milestone(
        client,
        program_badge,
        [system_badge, issuer_badge],
        number_required=2,
        action="queue-application",
    )

    application = await create_application(client, "reading", "issuer", learner=EARNER)
    uploaded = await client.post(
        f"{LEVEL_PREFIXES['issuer']}/badges/reading/applications",
        data={"learner": OTHER_EARNER, "evidence[0][reflection]": "My reading log"},
        files={"evidence[0][file]": ("log.png", png_bytes(9, 9, 9), "image/png")},
    )
    assert uploaded.status_code == 201, uploaded.text
    criteria = issuer_badge["criteria"]
    review = await create_review(
        client,
        "reading",
        application["slug"],
        "issuer",
        comment="Good",
        reviewItems=[{"criterionId": criteria[0]["id"], "satisfied": True, "comment": "yes"}],
    )
    assert review["slug"]
    hook = await client.post(
        "/systems/chicago/webhooks", json={"url": "https://chicago.example.org/hook"}
    )
    assert hook.status_code == 201, hook.text

    # Another system, holding the same earner: none of it may leave with chicago.
    await create_system(client, "zurich")
    zurich = await client.post("/systems/zurich/badges", json=badge_body(slug="alpine"))
    assert zurich.status_code == 201, zurich.text
    elsewhere = await client.post("/systems/zurich/badges/alpine/instances", json={"email": EARNER})
    assert elsewhere.status_code == 201, elsewhere.text

    evidence_image = uploaded.json()["application"]["evidence"][0]["url"]
    return Seeded(
        consumer=await create_consumer(app, "chicago"),
        webhook_secret=hook.json()["webhook"]["secret"],
        assertions=[instance["slug"] for instance in (first, second, third)],
        applications=[application["slug"], uploaded.json()["application"]["slug"]],
        images=[system_badge["imageUrl"], evidence_image],
    )


def signed_urls() -> list[str]:
    """Signed reads whose answers must not change (consumer and webhook secrets are never
    shown again, so they are compared in the database)."""
    system, issuer, program = (LEVEL_PREFIXES[level] for level in ("system", "issuer", "program"))
    return [
        "/systems/chicago",
        f"{system}/issuers",
        f"{issuer}/programs",
        f"{system}/badges",
        f"{issuer}/badges",
        f"{program}/badges",
        f"{system}/badges/python-basics",
        f"{issuer}/badges/reading",
        f"{program}/badges/summer",
        f"{system}/badges/python-basics/codes",
        f"{system}/badges/python-basics/instances",
        f"{issuer}/badges/reading/instances",
        f"{system}/instances/{EARNER}",
        f"{system}/instances/{OTHER_EARNER}",
        f"{system}/milestones",
        f"{system}/applications",
        f"{system}/webhooks",
        f"{system}/codes/abc-123",
    ]


def public_urls(seeded: Seeded) -> list[str]:
    """Every public document of the system: profiles, badge classes, revocation lists,
    assertions in both versions, baked images and pages."""
    urls = []
    for level, badge in (("system", "python-basics"), ("issuer", "reading"), ("program", "summer")):
        prefix = "/public" + LEVEL_PREFIXES[level]
        for version in ("1", "2"):
            urls += [
                f"{prefix}?v={version}",
                f"{prefix}/badges/{badge}?v={version}",
                f"{prefix}/revocations?v={version}",
            ]
    for uid in seeded.assertions:
        urls += [
            f"/public/assertions/{uid}?v=1",
            f"/public/assertions/{uid}?v=2",
            f"/public/assertions/{uid}.png",
        ]
    return urls + [url.removeprefix("http://badges.test") for url in seeded.images]
