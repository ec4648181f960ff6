"""Seed the benchmark's data through the API itself, as an issuer's site would.

One system with 4 issuers and 8 programs; 200 badges spread over the three levels, each
with criteria, tags, a category and an alignment; 25 earners per badge awarded with the
bulk endpoint (5,000 instances, 1,000 earners holding 5 badges each); claim codes; and
200 applications, each with a review.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx

from badgekit_api.security.signing import sign_request

T = TypeVar("T")

SYSTEM = "bench"
ISSUERS = 4
PROGRAMS_PER_ISSUER = 2
BADGES = 200
EARNERS = 1000
EARNERS_PER_BADGE = 25
APPLICATIONS = 200
CONCURRENCY = 8
DOMAIN = "bench.example.org"


@dataclass(frozen=True, slots=True)
class SeededBadge:
    slug: str
    container: str  # `/systems/bench[/issuers/i[/programs/p]]`

    @property
    def path(self) -> str:
        return f"{self.container}/badges/{self.slug}"


@dataclass
class Seeded:
    badges: list[SeededBadge] = field(default_factory=list)
    earners: list[str] = field(default_factory=list)
    assertion_uids: list[str] = field(default_factory=list)
    # (badge, code) of every claim code, none claimed yet.
    claim_codes: list[tuple[SeededBadge, str]] = field(default_factory=list)
    applications: int = 0
    reviews: int = 0


def earner_email(index: int) -> str:
    return f"earner-{index:05d}@{DOMAIN}"


def signed_client(
    base_url: str, key: str, secret: str, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    async def sign(request: httpx.Request) -> None:
        body = await request.aread()
        has_body = request.method in ("POST", "PUT") or bool(body)
        request.headers["Authorization"] = sign_request(
            request.method,
            request.url.raw_path.decode("ascii"),
            body if has_body else None,
            key=key,
            secret=secret,
        )

    return httpx.AsyncClient(
        base_url=base_url,
        transport=transport,
        event_hooks={"request": [sign]},
        timeout=httpx.Timeout(120),
        limits=httpx.Limits(max_connections=CONCURRENCY),
    )


async def _post(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(path, json=body)
    if response.status_code != 201:
        raise RuntimeError(f"seeding: POST {path} answered {response.status_code}: {response.text}")
    answer: dict[str, Any] = response.json()
    return answer


async def _post_all(
    client: httpx.AsyncClient, requests: Sequence[tuple[str, dict[str, Any]]]
) -> list[dict[str, Any]]:
    """POST each (path, body), CONCURRENCY at a time; the answers in the same order."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(path: str, body: dict[str, Any]) -> dict[str, Any]:
        async with gate:
            return await _post(client, path, body)

    return list(await asyncio.gather(*(one(path, body) for path, body in requests)))


def _containers() -> list[str]:
    """Every container path: the system, its issuers, their programs."""
    system = f"/systems/{SYSTEM}"
    paths = [system]
    for issuer in range(1, ISSUERS + 1):
        issuer_path = f"{system}/issuers/issuer-{issuer}"
        paths.append(issuer_path)
        paths += [
            f"{issuer_path}/programs/program-{issuer}-{program}"
            for program in range(1, PROGRAMS_PER_ISSUER + 1)
        ]
    return paths


def _badge_body(index: int) -> dict[str, Any]:
    return {
        "slug": f"badge-{index:03d}",
        "name": f"Bench badge {index}",
        "strapline": "A badge to measure the server with",
        "earnerDescription": f"You did the thing number {index}.",
        "consumerDescription": f"The holder did the thing number {index}.",
        "criteriaUrl": f"https://{DOMAIN}/badges/{index}/criteria",
        "unique": False,
        "type": "skill",
        "imageUrl": f"https://{DOMAIN}/images/{index}.png",
        "criteria": [
            {"description": "Shows up", "required": True},
            {"description": "Does the work", "required": True, "note": "Checked by a mentor"},
            {"description": "Helps others", "required": False},
        ],
        "alignments": [{"name": "Standard 1", "url": f"https://{DOMAIN}/standards/1"}],
        "categories": ["science"],
        "tags": ["bench", f"tag-{index % 10}"],
    }


async def _create_containers(client: httpx.AsyncClient) -> None:
    await _post(client, "/systems", {"slug": SYSTEM, "name": "Bench", "url": f"https://{DOMAIN}"})
    for issuer in range(1, ISSUERS + 1):
        issuer_path = f"/systems/{SYSTEM}/issuers"
        await _post(
            client,
            issuer_path,
            {"slug": f"issuer-{issuer}", "name": f"Issuer {issuer}", "url": f"https://{DOMAIN}"},
        )
        for program in range(1, PROGRAMS_PER_ISSUER + 1):
            await _post(
                client,
                f"{issuer_path}/issuer-{issuer}/programs",
                {
                    "slug": f"program-{issuer}-{program}",
                    "name": f"Program {issuer}.{program}",
                    "url": f"https://{DOMAIN}",
                },
            )


async def _add_claim_codes(client: httpx.AsyncClient, seeded: Seeded, count: int) -> None:
    start = len(seeded.claim_codes)
    added = [
        (seeded.badges[index % len(seeded.badges)], f"claim-{index:06d}")
        for index in range(start, start + count)
    ]
    await _post_all(client, [(f"{badge.path}/codes", {"code": code}) for badge, code in added])
    seeded.claim_codes += added


async def add_claim_codes(
    base_url: str, seeded: Seeded, count: int, *, key: str, secret: str
) -> None:
    """`count` more unclaimed codes (the claim scenario uses up 1 per 4 requests)."""
    async with signed_client(base_url, key, secret) as client:
        await _add_claim_codes(client, seeded, count)


async def seed(
    base_url: str,
    *,
    key: str,
    secret: str,
    claim_codes: int,
    badges: int = BADGES,
    earners: int = EARNERS,
    applications: int = APPLICATIONS,
) -> Seeded:
    """Create everything through the API of the server at `base_url`."""
    seeded = Seeded(earners=[earner_email(index) for index in range(earners)])
    containers = _containers()
    async with signed_client(base_url, key, secret) as client:
        await _create_containers(client)
        seeded.badges = [
            SeededBadge(f"badge-{index:03d}", containers[index % len(containers)])
            for index in range(badges)
        ]
        created = await _post_all(
            client,
            [
                (f"{badge.container}/badges", _badge_body(index))
                for index, badge in enumerate(seeded.badges)
            ],
        )
        criteria = [[item["id"] for item in answer["badge"]["criteria"]] for answer in created]
        per_badge = min(EARNERS_PER_BADGE, earners)
        awarded = await _post_all(
            client,
            [
                (
                    f"{badge.path}/instances/bulk",
                    {
                        "emails": [
                            seeded.earners[(index * EARNERS_PER_BADGE + offset) % earners]
                            for offset in range(per_badge)
                        ]
                    },
                )
                for index, badge in enumerate(seeded.badges)
            ],
        )
        seeded.assertion_uids = [
            instance["assertionUrl"].rsplit("/", 1)[-1]
            for answer in awarded
            for instance in answer["instances"]
        ]
        await _add_claim_codes(client, seeded, claim_codes)
        applied_to = [seeded.badges[index % len(seeded.badges)] for index in range(applications)]
        submitted = await _post_all(
            client,
            [
                (
                    f"{badge.path}/applications",
                    {
                        "learner": f"applicant-{index:05d}@{DOMAIN}",
                        "evidence": [
                            {"url": f"https://{DOMAIN}/work/{index}", "mediaType": "link"}
                        ],
                    },
                )
                for index, badge in enumerate(applied_to)
            ],
        )
        seeded.applications = len(submitted)
        reviews = await _post_all(
            client,
            [
                (
                    f"{badge.path}/applications/{answer['application']['slug']}/reviews",
                    {
                        "author": f"mentor@{DOMAIN}",
                        "comment": "Good work",
                        "reviewItems": [
                            {"criterionId": criterion, "satisfied": True}
                            for criterion in criteria[index % len(seeded.badges)]
                        ],
                    },
                )
                for index, (badge, answer) in enumerate(zip(applied_to, submitted, strict=True))
            ],
        )
        seeded.reviews = len(reviews)
    return seeded
