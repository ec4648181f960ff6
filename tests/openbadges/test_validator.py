"""The official Open Badges validator (`openbadges` from PyPI) verifies our assertions as
served by a real server process: 2.0 and the original's 1.0 valid with no error and no
warning, a baked PNG of each (the 2.0 one holding the assertion itself) too, and an
expired assertion invalid.

Baked SVGs are checked in test_baking.py only: the bakery release this validator pins
(1.2.4) returns an SVG's `verify` attribute as bytes, which the validator then fails to
recognise as a URL, for any SVG baked as the specification says.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.factories.containers import create_tree
from tests.openbadges.support import award, create_badge_with_image
from tests.openbadges.validator import validate

pytestmark = pytest.mark.e2e


def _summary(report: dict[str, Any]) -> dict[str, Any]:
    return {key: report["report"][key] for key in ("valid", "errorCount", "warningCount")}


def _failures(report: dict[str, Any]) -> list[str]:
    return [message["result"] for message in report["report"]["messages"]]


async def test_the_official_validator_accepts_our_assertions(
    client: httpx.AsyncClient, live_server: str
) -> None:
    await create_tree(client)
    updated = await client.put("/systems/chicago", json={"email": "badges@chicago.example.org"})
    assert updated.status_code == 200
    await create_badge_with_image(client, "program", slug="reader")
    fresh = await award(
        client,
        "reader",
        expires=datetime.now(UTC) + timedelta(days=365),
        evidence=(("https://work.example.org/essay", "An essay."),),
    )
    expired = await award(
        client, "reader", email="late@example.org", expires=datetime.now(UTC) - timedelta(days=1)
    )
    assertion = f"{live_server}/public/assertions"
    v2, v1, png, png_v2, old_v1, old_v2 = (
        f"{assertion}/{fresh.slug}?v=2",
        f"{assertion}/{fresh.slug}",
        f"{assertion}/{fresh.slug}.png",
        f"{assertion}/{fresh.slug}.png?v=2",
        f"{assertion}/{expired.slug}",
        f"{assertion}/{expired.slug}?v=2",
    )

    reports = validate(v2, v1, png, png_v2, old_v1, old_v2)

    for url in (v2, v1, png, png_v2):
        assert _summary(reports[url]) == {"valid": True, "errorCount": 0, "warningCount": 0}, (
            url,
            _failures(reports[url]),
        )
    assert reports[v2]["report"]["openBadgesVersion"] == "2.0"
    assert reports[v1]["report"]["openBadgesVersion"] == "1.0"
    assert [node["type"] for node in reports[v2]["graph"]] == ["Assertion", "BadgeClass", "Issuer"]
    assert reports[v2]["graph"][0]["id"] == v2
    assert reports[v1]["graph"][0]["id"] == v1
    # The baked image names the hosted assertion it was baked for.
    assert reports[png]["report"]["validationSubject"] == v1
    # The 2.0 baked image carries the 2.0 assertion itself.
    assert reports[png_v2]["report"]["validationSubject"] == v2
    assert reports[png_v2]["report"]["openBadgesVersion"] == "2.0"
    for url in (old_v1, old_v2):
        assert reports[url]["report"]["valid"] is False
        assert [
            message["name"]
            for message in reports[url]["report"]["messages"]
            if message["messageLevel"] == "ERROR"
        ] == ["ASSERTION_TIMESTAMP_CHECKS"]
