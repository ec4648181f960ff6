"""A badge looks the same wherever it is shown.

The badge update renders it from its loaded relationships; the routes under a badge's URL
(an award's answer, a claim code) from the lists read in one Core query and remembered on
the loaded badge; the read paths (one badge, the badge list, an earner's instances) from
plain rows and that query (`badges/lists.py`). All must give the same object, lists in
the order they were written.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories.badges import LEVEL_PREFIXES, LEVELS, create_badge
from tests.factories.containers import create_tree
from tests.factories.instances import award, create_milestone

EARNER = "earner@example.org"


async def _full_badge(client: httpx.AsyncClient, number: int) -> dict[str, Any]:
    return await create_badge(
        client,
        LEVELS[number % 3],
        slug=f"badge-{number}",
        name=f"Badge {number}",
        criteria=[
            {"description": f"First of {number}", "required": True},
            {"description": "Second", "note": "with a note"},
            {"description": "Third"},
        ],
        alignments=[
            {"name": "B standard", "url": "https://standards.example.org/b"},
            {"name": "A standard", "url": "https://standards.example.org/a", "description": "d"},
        ],
        categories=["science", "arts"],
        tags=["zeta", "alpha", "mid"],
    )


async def test_every_read_path_shows_a_badge_as_its_write_did(
    client: httpx.AsyncClient,
) -> None:
    await create_tree(client)
    badges = [await _full_badge(client, number) for number in range(4)]
    # Badge 0 is the reward of two milestones, badge 3 has empty lists.
    await create_milestone(client, badges[0], badges[1:3])
    await create_milestone(client, badges[0], badges[2:4], 1)
    response = await client.put(
        f"{LEVEL_PREFIXES['system']}/badges/badge-3",
        json={"criteria": [], "alignments": [], "categories": [], "tags": []},
    )
    assert response.status_code == 200, response.text
    # As written (relationships): the update's answer, re-read through a write path.
    written = {}
    for number, badge in enumerate(badges):
        path = f"{LEVEL_PREFIXES[LEVELS[number % 3]]}/badges/{badge['slug']}"
        changed = await client.put(path, json={})
        assert changed.status_code == 200, changed.text
        written[badge["slug"]] = changed.json()["badge"]
    assert [item["description"] for item in written["badge-1"]["criteria"]] == [
        "First of 1",
        "Second",
        "Third",
    ]
    assert written["badge-1"]["tags"][0]["value"] == "zeta"
    assert len(written["badge-0"]["milestones"]) == 2
    assert written["badge-3"]["criteria"] == written["badge-3"]["tags"] == []

    for number, badge in enumerate(badges):
        path = f"{LEVEL_PREFIXES[LEVELS[number % 3]]}/badges/{badge['slug']}"
        one = (await client.get(path)).json()["badge"]
        assert one == written[badge["slug"]]

    listed = (await client.get("/systems/chicago/badges")).json()["badges"]
    assert {badge["slug"]: badge for badge in listed} == written

    for number, badge in enumerate(badges):
        prefix = LEVEL_PREFIXES[LEVELS[number % 3]]
        awarded = await award(client, LEVELS[number % 3], badge["slug"], EARNER)
        assert awarded["badge"] == written[badge["slug"]]
        codes = f"{prefix}/badges/{badge['slug']}/codes"
        created = await client.post(codes, json={"code": f"code-{number}"})
        assert created.status_code == 201, created.text
        assert created.json()["badge"] == written[badge["slug"]]
    held = (await client.get(f"/systems/chicago/instances/{EARNER}")).json()["instances"]
    assert {instance["badge"]["slug"]: instance["badge"] for instance in held} == written
