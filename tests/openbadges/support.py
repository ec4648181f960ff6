"""Badges with uploaded images and awards to publish, made through the API, for Open Badges
tests; plus the expected values computed independently of the code under test."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from tests.factories.badges import LEVEL_PREFIXES, badge_body
from tests.openbadges.images import badge_png

BASE = "http://badges.test"
EARNER = "earner@example.org"
ISSUED_ON = datetime(2024, 3, 1, 9, 30, 15, tzinfo=UTC)
V2_CONTEXT = "https://w3id.org/openbadges/v2"
# Where a badge of each level points its `issuer` (the deepest container of the badge).
PROFILE_PATHS = {
    "system": "/public/systems/chicago",
    "issuer": "/public/systems/chicago/issuers/library",
    "program": "/public/systems/chicago/issuers/library/programs/readers",
}
# 2024-03-01T09:30:15Z in unix seconds, as Open Badges 1.0 writes dates.
ISSUED_ON_UNIX = 1709285415


def badge_class_path(level: str, slug: str = "reader") -> str:
    return f"/public{LEVEL_PREFIXES[level]}/badges/{slug}"


BADGE_FIELDS: dict[str, Any] = {
    "criteria": [
        {"description": "Read five books", "required": True, "note": "Any genre counts."},
        {"description": "Write one review", "required": False},
    ],
    "alignments": [
        {
            "name": "Reading standard 3",
            "url": "https://standards.example.org/reading/3",
            "description": "Reads independently.",
        },
        {"name": "Writing standard 1", "url": "https://standards.example.org/writing/1"},
    ],
    "tags": ["reading", "library"],
}


def sha256_identity(email: str, salt: str = "") -> str:
    return "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest()


async def create_badge_with_image(
    client: httpx.AsyncClient,
    level: str = "system",
    image: bytes | None = None,
    mimetype: str = "image/png",
    **overrides: Any,
) -> dict[str, Any]:
    """A badge with criteria, alignments and tags, and an uploaded image."""
    prefix = LEVEL_PREFIXES[level]
    created = await client.post(
        f"{prefix}/badges", json=badge_body(**{**BADGE_FIELDS, **overrides})
    )
    assert created.status_code == 201, created.text
    slug = created.json()["badge"]["slug"]
    extension = mimetype.rsplit("/", 1)[-1].split("+")[0]
    upload = (f"badge.{extension}", image if image is not None else badge_png(), mimetype)
    updated = await client.put(f"{prefix}/badges/{slug}", files={"image": upload})
    assert updated.status_code == 200, updated.text
    return updated.json()["badge"]  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Award:
    """An award made through the API: its assertion uid, the earner and the badge."""

    slug: str
    email: str
    badge: str


async def award(
    client: httpx.AsyncClient,
    badge_slug: str,
    email: str = EARNER,
    *,
    slug: str | None = None,
    issued_on: datetime = ISSUED_ON,
    expires: datetime | None = None,
    evidence: tuple[tuple[str | None, str | None], ...] = (),
) -> Award:
    """Award a badge of the chicago system (at any level) through the API."""
    body: dict[str, Any] = {
        "email": email,
        "issuedOn": issued_on.isoformat(),
        "evidence": [{"url": url, "narrative": narrative} for url, narrative in evidence],
    }
    if slug is not None:
        body["slug"] = slug
    if expires is not None:
        body["expires"] = expires.isoformat()
    response = await client.post(f"/systems/chicago/badges/{badge_slug}/instances", json=body)
    assert response.status_code == 201, response.text
    return Award(response.json()["instance"]["slug"], email, badge_slug)


async def revoke(
    client: httpx.AsyncClient, awarded: Award, reason: str | None = "Awarded in error"
) -> None:
    response = await client.request(
        "DELETE",
        f"/systems/chicago/badges/{awarded.badge}/instances/{awarded.email}",
        json={"reason": reason} if reason is not None else {},
    )
    assert response.status_code == 200, response.text
