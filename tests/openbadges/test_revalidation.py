"""Public documents carry an ETag and must be revalidated before each use: a 304 while
they are unchanged, the new document (a revoked assertion's 410 included) once changed."""

from __future__ import annotations

import httpx
import pytest

from tests.factories.containers import create_tree
from tests.openbadges.support import award, badge_class_path, create_badge_with_image, revoke


@pytest.fixture(autouse=True)
async def tree(client: httpx.AsyncClient) -> None:
    await create_tree(client)


async def test_an_unchanged_assertion_is_a_304_without_a_body(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_badge_with_image(client, slug="reader")
    awarded = await award(client, "reader")
    path = f"/public/assertions/{awarded.slug}"
    first = await anon.get(path)
    assert first.status_code == 200
    assert first.headers["cache-control"] == "public, no-cache"
    etag = first.headers["etag"]

    again = await anon.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    # Another representation is another document, with a tag of its own.
    v2 = await anon.get(path, params={"v": "2"}, headers={"If-None-Match": etag})
    assert v2.status_code == 200
    assert v2.headers["etag"] != etag


async def test_a_revoked_assertion_is_never_answered_from_an_old_tag(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_badge_with_image(client, slug="reader")
    awarded = await award(client, "reader")
    path = f"/public/assertions/{awarded.slug}"
    etag = (await anon.get(path)).headers["etag"]
    await revoke(client, awarded)

    answer = await anon.get(path, headers={"If-None-Match": etag})
    assert answer.status_code == 410
    assert answer.json()["revoked"] is True
    assert "etag" not in answer.headers


async def test_a_changed_badge_class_gets_a_new_tag(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_badge_with_image(client, slug="reader")
    path = badge_class_path("system")
    etag = (await anon.get(path)).headers["etag"]
    assert (await anon.get(path, headers={"If-None-Match": f'W/{etag}, "x"'})).status_code == 304

    changed = await client.put("/systems/chicago/badges/reader", json={"name": "Avid reader"})
    assert changed.status_code == 200
    answer = await anon.get(path, headers={"If-None-Match": etag})
    assert answer.status_code == 200
    assert answer.json()["name"] == "Avid reader"
    assert answer.headers["etag"] != etag
