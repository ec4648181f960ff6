"""Every absolute URL a public document publishes resolves to something we serve, and the
Open Badges 2.0 documents link only 2.0 documents whose `id` is where they were found."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.factories.badges import LEVELS
from tests.factories.containers import create_tree
from tests.openbadges.images import BADGE_SVG, badge_png
from tests.openbadges.support import BASE, V2_CONTEXT, award, create_badge_with_image

LINK = re.compile(r'(?:href|src|content)="([^"]+)"')


def _our_urls(value: Any) -> Iterator[str]:
    """Every string in a JSON document that is a URL on this server."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _our_urls(item)
    elif isinstance(value, list):
        for item in value:
            yield from _our_urls(item)
    elif isinstance(value, str) and value.startswith(f"{BASE}/"):
        yield value


async def _crawl(anon: httpx.AsyncClient, start: str) -> dict[str, httpx.Response]:
    """Fetch `start` and, transitively, every URL of ours its JSON documents name."""
    seen: dict[str, httpx.Response] = {}
    queue = [start]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        response = await anon.get(url)
        seen[url] = response
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        if response.headers["content-type"].startswith(("application/json", "application/ld")):
            queue.extend(_our_urls(response.json()))
    return seen


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("image", ["png", "svg"])
async def test_every_url_in_the_documents_resolves(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, level: str, image: str
) -> None:
    await create_tree(client)
    await client.put("/systems/chicago", files={"image": ("logo.png", badge_png(), "image/png")})
    if image == "png":
        await create_badge_with_image(client, level, slug="reader")
    else:
        await create_badge_with_image(client, level, BADGE_SVG, "image/svg+xml", slug="reader")
    instance = await award(client, "reader", evidence=(("https://work.example.org/1", None),))
    assertion = f"{BASE}/public/assertions/{instance.slug}"

    original = await _crawl(anon, assertion)
    linked_data = await _crawl(anon, f"{assertion}?v=2")

    # assertion, badge class, issuer profile, badge image, baked image and the profile's
    # image (the system logo); for 2.0 also the revocation list.
    assert len(original) == 6
    assert len(linked_data) == 7
    for url, response in original.items():
        if response.headers["content-type"] == "application/json":
            assert "@context" not in response.json(), url
    for url, response in linked_data.items():
        if response.headers["content-type"] == "application/ld+json":
            document = response.json()
            assert document["@context"] == V2_CONTEXT, url
            assert document["id"] == url
    baked = f"{assertion}.{image}"
    assert original[baked].headers["content-type"].startswith(f"image/{image}")


async def test_every_link_on_the_badge_page_resolves(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_tree(client)
    await create_badge_with_image(client, "issuer", slug="reader")
    instance = await award(client, "reader")

    page = await anon.get(f"/public/assertions/{instance.slug}", headers={"Accept": "text/html"})

    ours = [
        url
        for url in LINK.findall(page.text)
        if url.startswith(f"{BASE}/") or url.startswith("/public/")
    ]
    assert len(ours) >= 8
    for url in ours:
        response = await anon.get(url.replace("&amp;", "&"))
        assert response.status_code == 200, url
