"""`X-Content-Type-Options: nosniff` on every answer, whatever route or error gave it
(issue 15, defect 12: `/public/badges` had none)."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi import FastAPI
from starlette.routing import Route

from badgekit_api.config import Settings
from tests.factories.containers import create_tree
from tests.openbadges.support import award, create_badge_with_image
from tests.security.support import app_with, client_of


def assert_nosniff(response: httpx.Response) -> None:
    assert response.headers.get("x-content-type-options") == "nosniff", (
        response.request.method,
        response.request.url,
        response.status_code,
    )


async def test_the_public_documents_and_images_are_nosniff(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_tree(client)
    badge = await create_badge_with_image(client, "program", slug="reader")
    instance = await award(client, "reader")
    paths = [
        "/public/badges",
        "/public/badges?system=chicago",
        "/public/systems/chicago/issuers/library/programs/readers/badges/reader",
        "/public/systems/chicago",
        f"/public/assertions/{instance.slug}",
        f"/public/assertions/{instance.slug}.png",
        badge["imageUrl"].removeprefix("http://testserver"),
        "/",
        "/healthcheck",
        "/openapi.json",
        "/docs",
    ]
    for path in paths:
        response = await anon.get(path)
        assert response.status_code == 200, (path, response.text)
        assert_nosniff(response)
    page = await anon.get(f"/public/assertions/{instance.slug}", headers={"Accept": "text/html"})
    assert page.headers["content-type"].startswith("text/html")
    assert_nosniff(page)


async def test_every_route_answers_nosniff(
    app: FastAPI, client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    """Each method of each route, signed and not, with path parameters that find nothing."""
    routes = [route for route in app.routes if isinstance(route, Route)]
    assert len(routes) > 50
    for route in routes:
        path = re.sub(r"\{[^}]+\}", "nothing", route.path)
        for method in sorted(route.methods or ()):
            for caller in (client, anon):
                assert_nosniff(await caller.request(method, path))


async def test_errors_answered_before_or_around_the_routes_are_nosniff(
    settings: Settings,
) -> None:
    async with app_with(settings, max_body_bytes=100) as app:

        @app.get("/test-only/crash")
        async def crash() -> None:
            raise RuntimeError("crashed")

        async with client_of(app) as anon:
            answers = [
                await anon.post("/systems", content=b"x" * 500),  # the body limit
                await anon.get("/systems/a%00b"),  # the NUL guard
                await anon.get("/no/such/route"),
                await anon.delete("/healthcheck"),
                await anon.get("/test-only/crash"),
            ]
    assert [answer.status_code for answer in answers] == [413, 400, 404, 405, 500]
    for answer in answers:
        assert_nosniff(answer)


@pytest.mark.parametrize("status", [200, 304])
async def test_the_header_is_sent_once(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, status: int
) -> None:
    await create_tree(client)
    badge = await create_badge_with_image(client, "system")
    path = badge["imageUrl"].removeprefix("http://testserver")
    served = await anon.get(path)
    if status == 304:
        served = await anon.get(path, headers={"If-None-Match": served.headers["etag"]})
    assert served.status_code == status
    assert served.headers.get_list("x-content-type-options") == ["nosniff"]
