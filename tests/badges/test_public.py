"""`GET /public/badges`: the badge-class catalogue, open to anyone."""

from __future__ import annotations

import httpx

from tests.factories.badges import badge_body, create_badge
from tests.factories.containers import create_system, create_tree


async def test_lists_the_badge_class_url_of_every_unarchived_badge(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_tree(client)
    await create_system(client, "pittsburgh")
    await create_badge(client, "system", slug="sys")
    await create_badge(client, "issuer", slug="lib")
    await create_badge(client, "program", slug="read")
    await create_badge(client, "program", slug="old", archived=True)
    response = await client.post("/systems/pittsburgh/badges", json=badge_body(slug="sys"))
    assert response.status_code == 201

    catalogue = await anon.get("/public/badges")
    assert catalogue.status_code == 200
    base = "http://badges.test/public/systems"
    assert catalogue.json() == {
        "badgelist": [
            {"location": f"{base}/chicago/badges/sys"},
            {"location": f"{base}/chicago/issuers/library/badges/lib"},
            {"location": f"{base}/chicago/issuers/library/programs/readers/badges/read"},
            {"location": f"{base}/pittsburgh/badges/sys"},
        ]
    }


async def test_an_empty_catalogue(anon: httpx.AsyncClient) -> None:
    response = await anon.get("/public/badges")
    assert response.status_code == 200
    assert response.json() == {"badgelist": []}
