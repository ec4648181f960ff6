"""The scenarios: which requests each one sends, built from what was seeded.

Read scenarios cycle over their requests. Write scenarios never repeat a request (each
award is to a new earner, each claim code is claimed by exactly 4 claimers), so their
plans are finite and sized for `max_rate` requests a second over the whole run.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bench.plans import CREATED, OK, Call, interleave
from bench.seed import DOMAIN, SYSTEM, Seeded, SeededBadge

CLAIMERS_PER_CODE = 4
PAGE_SIZE = 50
CLAIM_OUTCOMES = frozenset({200, 400})  # one claimer wins, the others hear CodeAlreadyUsed


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    title: str
    build: Callable[[Seeded, int], list[Call]]  # (seeded data, calls wanted) -> calls
    cyclic: bool = True


def health(_seeded: Seeded, _wanted: int) -> list[Call]:
    return [Call("GET", "/", signed=False, expect=b'"app":"BadgeKit API"')]


def badge_list(seeded: Seeded, _wanted: int) -> list[Call]:
    pages = math.ceil(len(seeded.badges) / PAGE_SIZE)
    return [
        Call(
            "GET",
            f"/systems/{SYSTEM}/badges?page={page}&count={PAGE_SIZE}",
            expect=f'"pageData":{{"page":{page},"count":{PAGE_SIZE}'.encode(),
        )
        for page in range(1, pages + 1)
    ]


def one_badge(seeded: Seeded, _wanted: int) -> list[Call]:
    return [
        Call("GET", badge.path, expect=f'"slug":"{badge.slug}"'.encode()) for badge in seeded.badges
    ]


def public_assertion(seeded: Seeded, _wanted: int) -> list[Call]:
    return [
        Call("GET", f"/public/assertions/{uid}", signed=False, expect=f'"uid":"{uid}"'.encode())
        for uid in seeded.assertion_uids
    ]


def earner_instances(seeded: Seeded, _wanted: int) -> list[Call]:
    return [
        Call(
            "GET",
            f"/systems/{SYSTEM}/instances/{email}",
            expect=f'"email":"{email}"'.encode(),
        )
        for email in seeded.earners
    ]


def award(seeded: Seeded, wanted: int, *, prefix: str = "award") -> list[Call]:
    return [
        Call(
            "POST",
            f"{seeded.badges[index % len(seeded.badges)].path}/instances",
            {"email": f"{prefix}-{index:07d}@{DOMAIN}"},
            ok=CREATED,
            expect=b'"status":"created"',
        )
        for index in range(wanted)
    ]


def claim(seeded: Seeded, wanted: int) -> list[Call]:
    # The last code is kept unclaimed: bench/queries.py counts a claim with it.
    codes = seeded.claim_codes[:-1][: math.ceil(wanted / CLAIMERS_PER_CODE)]
    return claim_calls(codes)


def claim_calls(codes: Sequence[tuple[SeededBadge, str]], first_index: int = 0) -> list[Call]:
    """4 claims of each code, one after the other (so they race), tagged with the code's
    index in `Seeded.claim_codes`."""
    return [
        Call(
            "POST",
            f"{badge.path}/codes/{code}/claim",
            {"email": f"claimer-{index}-{claimer}@{DOMAIN}"},
            ok=CLAIM_OUTCOMES,
            expect=code.encode(),
            tag=index,
            # Each claimer is someone else behind the site's proxy (the bench names loopback
            # in FORWARDED_ALLOW_IPS): the per-client limit of failed claims applies to each.
            headers=(("X-Forwarded-For", f"2001:db8::{index:x}:{claimer}"),),
        )
        for index, (badge, code) in enumerate(codes, start=first_index)
        for claimer in range(CLAIMERS_PER_CODE)
    ]


def application(seeded: Seeded, wanted: int, *, prefix: str = "learner") -> list[Call]:
    return [
        Call(
            "POST",
            f"{seeded.badges[index % len(seeded.badges)].path}/applications",
            {
                "learner": f"{prefix}-{index:07d}@{DOMAIN}",
                "evidence": [
                    {
                        "url": f"https://{DOMAIN}/work/{index}",
                        "mediaType": "link",
                        "reflection": "What I learned",
                    }
                ],
            },
            ok=CREATED,
            expect=b'"status":"created"',
        )
        for index in range(wanted)
    ]


# 8 reads for 2 writes: list, badge x2, assertion x3, earner x2; one award, one application.
MIXED_PATTERN = (0, 1, 2, 3, 4, 1, 2, 3, 2, 5)


def mixed(seeded: Seeded, wanted: int) -> list[Call]:
    writes = math.ceil(wanted / len(MIXED_PATTERN))
    groups: Sequence[list[Call]] = (
        badge_list(seeded, 0),
        one_badge(seeded, 0),
        public_assertion(seeded, 0),
        earner_instances(seeded, 0),
        award(seeded, writes, prefix="mixed-award"),
        application(seeded, writes, prefix="mixed-learner"),
    )
    calls = interleave(*groups, pattern=MIXED_PATTERN, total=wanted)
    return [
        Call(call.method, call.path, call.body, call.signed, OK | CREATED, call.expect)
        for call in calls
    ]


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("health", "`GET /` health", health),
    Scenario("badge_list", "badge list, 50 per page, fully hydrated", badge_list),
    Scenario("one_badge", "one badge", one_badge),
    Scenario("public_assertion", "public assertion", public_assertion),
    Scenario("earner_instances", "an earner's instances by email", earner_instances),
    Scenario("award", "award (POST instance)", award, cyclic=False),
    Scenario("claim", "claim a code (4 claimers per code)", claim, cyclic=False),
    Scenario("application", "submit an application", application, cyclic=False),
    Scenario("mixed", "mixed, 80 % reads / 20 % writes", mixed, cyclic=False),
)
SCENARIO_NAMES = tuple(scenario.name for scenario in SCENARIOS)
