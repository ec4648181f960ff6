"""A small, known data set on the live server, so generated requests can reach real rows.

Every path parameter of the API has a known value here: the fuzzer swaps it in for most
generated cases, so operations run against existing containers, badges, codes, instances,
applications, reviews, milestones, webhooks and consumer keys rather than answering 404 to
everything.
"""

from __future__ import annotations

from typing import Any

import requests

from tests.factories.images import png_bytes
from tests.fuzz.signing import BadgeKitAuth

SYSTEM, ISSUER, PROGRAM = "fuzz-system", "fuzz-issuer", "fuzz-program"
BADGE, SUPPORT_BADGE = "fuzz-badge", "fuzz-support"
CODE, EARNER, INSTANCE = "FUZZCODE", "earner@example.org", "fuzz-instance"
# Never delivered (the live server runs no webhook worker), and on loopback in any case.
WEBHOOK_URL = "http://127.0.0.1:9/badgekit-hook"


class Seeder:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()
        self.http.auth = BadgeKitAuth()

    def _send(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self.http.request(
            method, self.base_url + path, allow_redirects=False, timeout=30, **kwargs
        )
        if response.status_code >= 300:
            raise AssertionError(f"seeding {method} {path}: {response.status_code} {response.text}")
        body: dict[str, Any] = response.json()
        return body

    def post(self, path: str, **kwargs: Any) -> dict[str, Any]:
        return self._send("POST", path, **kwargs)

    def get(self, path: str) -> dict[str, Any]:
        return self._send("GET", path)


def _badge_fields(slug: str) -> dict[str, Any]:
    return {
        "slug": slug,
        "name": f"Badge {slug}",
        "earnerDescription": "Earned by fuzzing",
        "consumerDescription": "Shows that the fuzzer was here",
        "criteriaUrl": "https://example.org/criteria",
        "unique": "true",
        "type": "skill",
        "criteria[0][description]": "Sends odd requests",
        "criteria[0][required]": "true",
        "tags[]": "fuzz",
    }


def seed(base_url: str) -> dict[str, str]:
    """Create the data set (on empty tables) and return a value for every path parameter."""
    api = Seeder(base_url)
    container = {"url": "https://example.org", "email": "owner@example.org"}
    api.post("/systems", json={"slug": SYSTEM, "name": "Fuzz system", **container})
    system = f"/systems/{SYSTEM}"
    api.post(f"{system}/issuers", json={"slug": ISSUER, "name": "Fuzz issuer", **container})
    issuer = f"{system}/issuers/{ISSUER}"
    api.post(f"{issuer}/programs", json={"slug": PROGRAM, "name": "Fuzz program", **container})
    program = f"{issuer}/programs/{PROGRAM}"

    webhook = api.post(f"{system}/webhooks", json={"url": WEBHOOK_URL})["webhook"]
    # A program-level badge is reachable from all three levels; its image is an upload.
    badge = api.post(
        f"{program}/badges",
        data=_badge_fields(BADGE),
        files={"image": ("badge.png", png_bytes(), "image/png")},
    )["badge"]
    support = api.post(
        f"{system}/badges",
        data={**_badge_fields(SUPPORT_BADGE), "imageUrl": "https://example.org/badge.png"},
    )["badge"]
    api.post(f"{program}/badges/{BADGE}/codes", json={"code": CODE, "multiuse": True})
    api.post(f"{program}/badges/{BADGE}/instances", json={"email": EARNER, "slug": INSTANCE})
    milestone = api.post(
        f"{system}/milestones",
        json={
            "primaryBadgeId": badge["id"],
            "numberRequired": 1,
            "supportBadges": [support["id"]],
        },
    )["milestone"]
    application = api.post(
        f"{program}/badges/{BADGE}/applications",
        json={"learner": "learner@example.org", "evidence": [{"url": "https://example.org/e"}]},
    )["application"]
    review = api.post(
        f"{program}/badges/{BADGE}/applications/{application['slug']}/reviews",
        json={"author": "reviewer@example.org", "comment": "Fine"},
    )["review"]
    deliveries = api.get(f"{system}/webhooks/{webhook['id']}/deliveries")["deliveries"]
    consumer = api.post("/consumers", json={"system": SYSTEM})["consumer"]
    return {
        "system_slug": SYSTEM,
        "issuer_slug": ISSUER,
        "program_slug": PROGRAM,
        "badge_slug": BADGE,
        "code": CODE,
        "email": EARNER,
        "uid": INSTANCE,
        "image_slug": badge["imageUrl"].rsplit("/", 1)[-1],
        "application_slug": application["slug"],
        "review_slug": review["slug"],
        "milestone_id": str(milestone["id"]),
        "webhook_id": str(webhook["id"]),
        "event_id": str(deliveries[0]["id"]),
        "key": consumer["key"],
    }
