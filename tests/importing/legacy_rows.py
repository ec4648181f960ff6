"""The rows of an original database, as its users left it: every level, and each oddity
the schema document lists (zero dates, dangling ids, stored and linked images, bytes that
are no image, codes made multi-use by `multiuse: false`, badges whose ids disagree)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.factories.images import png_bytes

ZERO = "0000-00-00 00:00:00"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'
LONG_SLUG = "x" * 60
LONG_INSTANCE_SLUG = "i" * 70


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2014, 5, day, hour, 16, 1)


def _container(id_: int, slug: str, name: str, image: int | None, **more: Any) -> dict[str, Any]:
    return {
        "id": id_,
        "slug": slug,
        "name": name,
        "url": f"https://{slug}.example.org",
        "description": f"About {name}",
        "email": f"hello@{slug}.example.org",
        "imageId": image,
        **more,
    }


def _badge(
    id_: int, slug: str, image: int, system: Any, issuer: Any, program: Any, **more: Any
) -> dict[str, Any]:
    return {
        "id": id_,
        "slug": slug,
        "name": slug.replace("-", " ").title(),
        "strapline": f"The {slug} badge",
        "earnerDescription": f"You earned {slug}.",
        "consumerDescription": f"The holder earned {slug}.",
        "issuerUrl": None,
        "rubricUrl": None,
        "criteriaUrl": f"https://chicago.example.org/{slug}/criteria",
        "timeValue": 10,
        "timeUnits": "hours",
        "limit": None,
        "unique": 0,
        "archived": 0,
        "created": at(1),
        "imageId": image,
        "programId": program,
        "issuerId": issuer,
        "systemId": system,
        "type": "skill",
        "evidenceType": "URL",
        **more,
    }


def _instance(
    id_: int, slug: str, email: str, badge: int, issued: Any = None, **more: Any
) -> dict[str, Any]:
    return {
        "id": id_,
        "slug": slug,
        "email": email,
        "issuedOn": issued or at(10 + id_ % 15),
        "expires": None,
        "claimCode": None,
        "badgeId": badge,
        **more,
    }


ROWS: dict[str, list[dict[str, Any]]] = {
    "images": [
        {
            "id": 1,
            "slug": "img-chicago",
            "url": None,
            "mimetype": "image/png",
            "data": png_bytes(1, 2, 3),
        },
        {
            "id": 2,
            "slug": "img-nyc",
            "url": "https://cdn.example.org/nyc.png",
            "mimetype": None,
            "data": None,
        },
        {
            "id": 3,
            "slug": "img-library",
            "url": "https://cdn.example.org/library.png",
            "mimetype": "image/png",
            "data": b"<html>no</html>",
        },
        {
            "id": 4,
            "slug": "img-museum",
            "url": None,
            "mimetype": "image/png",
            "data": b"not an image at all",
        },
        {
            "id": 5,
            "slug": "img-python",
            "url": None,
            "mimetype": "image/png",
            "data": png_bytes(9, 9, 9),
        },
        {
            "id": 6,
            "slug": "img-explorer",
            "url": "https://cdn.example.org/explorer.png",
            "mimetype": None,
            "data": None,
        },
        {"id": 7, "slug": "img-teen", "url": None, "mimetype": "image/svg+xml", "data": SVG},
        {
            "id": 8,
            "slug": "img-unused",
            "url": "https://cdn.example.org/unused.png",
            "mimetype": None,
            "data": None,
        },
    ],
    "systems": [
        _container(1, "chicago", "Chicago Summer of Learning", 1),
        _container(2, "nyc", "New York City", 2),
        _container(3, LONG_SLUG, "Slug too long", None),
        _container(4, "pittsburgh", "Pittsburgh (legacy)", None),
    ],
    "issuers": [
        _container(1, "chicago-library", "Chicago Public Library", 3, systemId=1),
        _container(2, "chicago-museum", "Museum of Science", 4, systemId=1),
        _container(3, "orphan-issuer", "Issuer of a deleted system", None, systemId=99),
        _container(4, "nyc-parks", "NYC Parks", 1, systemId=2),
    ],
    "programs": [
        _container(1, "teen-coding", "Teen Coding", None, issuerId=1),
        _container(2, "lost-program", "Program of a deleted issuer", None, issuerId=77),
    ],
    "badges": [
        _badge(1, "python-basics", 5, 1, None, None, unique=1, limit=0),
        _badge(2, "library-explorer", 6, 1, 1, None),
        _badge(3, "teen-coder", 7, 1, 1, 1, created=ZERO),
        _badge(4, "hand-written", 99, None, None, 1),
        _badge(5, "mismatch", 99, 1, 2, 1),
        _badge(6, "lost-badge", 99, 42, None, None),
        _badge(7, "nyc-explorer", 2, 2, None, None, timeUnits=None, timeValue=None),
        _badge(8, "pgh-badge", 99, 4, None, None),
        _badge(9, "archived-one", 99, 1, None, None, archived=1),
        _badge(10, "dangling-program", 99, 1, 1, 2),
    ],
    "criteria": [
        {"id": 1, "badgeId": 1, "description": "Write a program", "note": "", "required": 1},
        {"id": 2, "badgeId": 1, "description": "Run it", "note": "In a terminal", "required": 0},
        {"id": 3, "badgeId": 6, "description": "Of a lost badge", "note": "", "required": 0},
        {"id": 4, "badgeId": 3, "description": "Code for a week", "note": "", "required": 1},
    ],
    "tags": [
        {"id": 1, "badgeId": 1, "value": "python"},
        {"id": 2, "badgeId": 1, "value": "coding"},
        {"id": 3, "badgeId": 2, "value": "reading"},
        {"id": 4, "badgeId": 66, "value": "dangling"},
    ],
    "categories": [
        {"id": 1, "badgeId": 1, "value": "science"},
        {"id": 2, "badgeId": 3, "value": "technology"},
    ],
    "alignments": [
        {
            "id": 1,
            "badgeId": 1,
            "name": "CCSS.ELA-Literacy",
            "url": "http://corestandards.org/x",
            "description": "Reading",
        },
        {
            "id": 2,
            "badgeId": 1,
            "name": "N" * 300,
            "url": "http://example.org/long",
            "description": None,
        },
    ],
    "claimCodes": [
        {
            "id": 1,
            "code": "CODE-ONE",
            "claimed": 1,
            "email": "ada.lovelace@example.org",
            "multiuse": 0,
            "badgeId": 1,
        },
        {"id": 2, "code": "MULTI", "claimed": 0, "email": None, "multiuse": 1, "badgeId": 1},
        {"id": 3, "code": "free", "claimed": 0, "email": None, "multiuse": 0, "badgeId": 2},
        {"id": 4, "code": "orphan-code", "claimed": 0, "email": None, "multiuse": 0, "badgeId": 55},
        {"id": 5, "code": "CODE-ONE", "claimed": 0, "email": None, "multiuse": 0, "badgeId": 2},
    ],
    "badgeInstances": [
        _instance(1, "a" * 32, "ada.lovelace@example.org", 1, claimCode="CODE-ONE"),
        _instance(2, "b" * 32, "Grace.Hopper@Example.ORG", 1, expires=at(30)),
        _instance(3, "c" * 32, "zero.date@example.org", 1, issued=ZERO),
        _instance(4, "d" * 32, "zero.expiry@example.org", 2, expires=ZERO),
        _instance(5, "e" * 32, "not-an-email", 2),
        _instance(6, LONG_INSTANCE_SLUG, "long.slug@example.org", 2),
        _instance(7, "taken-slug", "taken@example.org", 2),
        _instance(8, "f" * 32, "teen@example.org", 3),
        _instance(9, "g" * 32, "hand@example.org", 4),
        _instance(10, "h" * 32, "mismatch@example.org", 5),
        _instance(11, "i" * 32, "lost@example.org", 6),
        _instance(12, "j" * 32, "nyc@example.org", 7),
        _instance(13, "k" * 32, "pgh@example.org", 8),
        _instance(14, "l" * 32, "dangling@example.org", 10),
        _instance(15, "custom-slug-given-by-client", "custom@example.org", 2),
    ],
    "milestones": [
        {"id": 1, "systemId": 1, "primaryBadgeId": 3, "numberRequired": 2, "action": "issue"},
        {"id": 2, "systemId": 1, "primaryBadgeId": 2, "numberRequired": 1, "action": None},
        {"id": 3, "systemId": 1, "primaryBadgeId": 6, "numberRequired": 1, "action": "issue"},
    ],
    "milestoneBadges": [
        {"id": 1, "milestoneId": 1, "badgeId": 1},
        {"id": 2, "milestoneId": 1, "badgeId": 2},
        {"id": 3, "milestoneId": 2, "badgeId": 1},
        {"id": 4, "milestoneId": 2, "badgeId": 6},
    ],
    "applications": [
        {
            "id": 1,
            "slug": "app-one",
            "badgeId": 1,
            "learner": "Carol@Example.org",
            "created": at(2),
            "assignedTo": "reviewer@example.org",
            "assignedExpiration": ZERO,
            "processed": at(3),
            "programId": None,
            "issuerId": None,
            "systemId": 1,
        },
        {
            "id": 2,
            "slug": "app-two",
            "badgeId": 3,
            "learner": "dave@example.org",
            "created": ZERO,
            "assignedTo": None,
            "assignedExpiration": None,
            "processed": ZERO,
            "programId": 1,
            "issuerId": 1,
            "systemId": 1,
        },
        {
            "id": 3,
            "slug": "app-lost",
            "badgeId": 6,
            "learner": "erin@example.org",
            "created": at(4),
            "assignedTo": None,
            "assignedExpiration": None,
            "processed": None,
            "programId": None,
            "issuerId": None,
            "systemId": 42,
        },
        {
            "id": 4,
            "slug": "app-one",
            "badgeId": 2,
            "learner": "frank@example.org",
            "created": at(5),
            "assignedTo": None,
            "assignedExpiration": None,
            "processed": None,
            "programId": None,
            "issuerId": 1,
            "systemId": 1,
        },
    ],
    "evidence": [
        {
            "id": 1,
            "applicationId": 1,
            "url": "https://carol.example.org/program.py",
            "mediaType": "link",
            "reflection": "My first program",
        },
        {
            "id": 2,
            "applicationId": 1,
            "url": "https://carol.example.org/screen.png",
            "mediaType": "image",
            "reflection": None,
        },
        {
            "id": 3,
            "applicationId": 3,
            "url": "https://erin.example.org",
            "mediaType": "link",
            "reflection": None,
        },
    ],
    "reviews": [
        {
            "id": 1,
            "slug": "review-one",
            "applicationId": 1,
            "author": "reviewer@example.org",
            "comment": "Well done",
        },
        {
            "id": 2,
            "slug": "review-two",
            "applicationId": 2,
            "author": "reviewer@example.org",
            "comment": None,
        },
        {
            "id": 3,
            "slug": "review-lost",
            "applicationId": 3,
            "author": "x@example.org",
            "comment": None,
        },
    ],
    "reviewItems": [
        {"id": 1, "reviewId": 1, "criterionId": 1, "satisfied": 1, "comment": "Yes"},
        {"id": 2, "reviewId": 1, "criterionId": 2, "satisfied": 0, "comment": None},
        {"id": 3, "reviewId": 2, "criterionId": 999, "satisfied": 1, "comment": None},
    ],
    "webhooks": [
        {
            "id": 1,
            "url": "https://hooks.chicago.example.org/badgekit",
            "secret": "chicago-webhook-secret-of-the-original-server",
            "systemId": 1,
        },
        {"id": 2, "url": "https://hooks.gone.example.org/", "secret": "gone", "systemId": 99},
    ],
    "consumers": [
        {
            "id": 1,
            "apiKey": "chicago-key",
            "apiSecret": "chicago-consumer-secret-of-the-original-server",
            "description": "site",
            "systemId": 1,
        },
        {
            "id": 2,
            "apiKey": "lost-key",
            "apiSecret": "lost-secret",
            "description": None,
            "systemId": 42,
        },
    ],
}
