"""Create systems, issuers and programs through the API."""

from __future__ import annotations

from typing import Any

import httpx


async def create_system(
    client: httpx.AsyncClient, slug: str = "chicago", **fields: Any
) -> dict[str, Any]:
    body = {"slug": slug, "name": f"System {slug}", "url": f"https://{slug}.example.org", **fields}
    response = await client.post("/systems", json=body)
    assert response.status_code == 201, response.text
    return response.json()["system"]  # type: ignore[no-any-return]


async def create_issuer(
    client: httpx.AsyncClient, system: str = "chicago", slug: str = "library", **fields: Any
) -> dict[str, Any]:
    body = {"slug": slug, "name": f"Issuer {slug}", "url": f"https://{slug}.example.org", **fields}
    response = await client.post(f"/systems/{system}/issuers", json=body)
    assert response.status_code == 201, response.text
    return response.json()["issuer"]  # type: ignore[no-any-return]


async def create_program(
    client: httpx.AsyncClient,
    system: str = "chicago",
    issuer: str = "library",
    slug: str = "readers",
    **fields: Any,
) -> dict[str, Any]:
    body = {"slug": slug, "name": f"Program {slug}", "url": f"https://{slug}.example.org", **fields}
    response = await client.post(f"/systems/{system}/issuers/{issuer}/programs", json=body)
    assert response.status_code == 201, response.text
    return response.json()["program"]  # type: ignore[no-any-return]


async def create_tree(client: httpx.AsyncClient) -> None:
    """chicago / library / readers: one container at each level."""
    await create_system(client)
    await create_issuer(client)
    await create_program(client)
