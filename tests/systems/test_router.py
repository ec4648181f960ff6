from __future__ import annotations

import httpx

from tests.factories.containers import create_system, create_tree


async def test_create_then_get_system(client: httpx.AsyncClient) -> None:
    created = await client.post(
        "/systems",
        json={
            "slug": "chicago",
            "name": "Chicago",
            "url": "https://chicago.org",
            "description": "City",
            "email": "admin@chicago.org",
        },
    )
    assert created.status_code == 201
    assert created.json() == {
        "status": "created",
        "system": {
            "id": created.json()["system"]["id"],
            "slug": "chicago",
            "url": "https://chicago.org",
            "name": "Chicago",
            "description": "City",
            "email": "admin@chicago.org",
            "imageUrl": None,
            "issuers": [],
        },
    }
    fetched = await client.get("/systems/chicago")
    assert fetched.json() == {"system": created.json()["system"]}


async def test_system_lists_nested_issuers_and_programs(client: httpx.AsyncClient) -> None:
    await create_tree(client)
    listing = (await client.get("/systems")).json()
    assert "pageData" not in listing
    [system] = listing["systems"]
    assert [i["slug"] for i in system["issuers"]] == ["library"]
    assert [p["slug"] for p in system["issuers"][0]["programs"]] == ["readers"]


async def test_duplicate_slug_is_409(client: httpx.AsyncClient) -> None:
    await create_system(client)
    response = await client.post(
        "/systems", json={"slug": "chicago", "name": "X", "url": "https://x.org"}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "ResourceConflict"
