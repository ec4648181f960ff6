"""The public documents can be read by any web page; the signed API sends no CORS headers
(issue 14)."""

from __future__ import annotations

import httpx

from tests.factories.badges import create_badge
from tests.factories.containers import create_tree

ORIGIN = {"Origin": "https://verifier.example.net"}


async def test_public_answers_allow_any_origin_errors_included(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_tree(client)
    await create_badge(client, slug="python-basics")
    for path in ("/public/badges", "/public/systems/chicago/badges/python-basics"):
        response = await anon.get(path, headers=ORIGIN)
        assert response.status_code == 200, path
        assert response.headers["access-control-allow-origin"] == "*", path
    missing = await anon.get("/public/systems/nowhere", headers=ORIGIN)
    assert missing.status_code == 404
    assert missing.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in missing.headers


async def test_a_preflight_to_a_public_document_is_answered(anon: httpx.AsyncClient) -> None:
    response = await anon.options(
        "/public/systems/chicago",
        headers={
            **ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "accept, if-none-match",
        },
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["access-control-allow-methods"] == "GET, HEAD, OPTIONS"
    assert response.headers["access-control-allow-headers"] == "accept, if-none-match"
    assert int(response.headers["access-control-max-age"]) > 0


async def test_the_signed_api_sends_no_cors_headers(client: httpx.AsyncClient) -> None:
    listing = await client.get("/systems", headers=ORIGIN)
    assert listing.status_code == 200
    preflight = await client.options(
        "/systems", headers={**ORIGIN, "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 204
    for response in (listing, preflight):
        assert not [name for name in response.headers if name.startswith("access-control-")]
