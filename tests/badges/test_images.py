"""Uploaded images of badges and of containers: accepted by content, served back byte for byte
with caching headers; anything else refused with nothing written."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from badgekit_api.models import Image
from tests.factories.badges import badge_body
from tests.factories.containers import create_system, create_tree
from tests.factories.images import png_bytes

MAX_IMAGE_BYTES = 2 * 1024 * 1024  # the default MAX_IMAGE_BYTES the test app runs with

JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000") + b"\x00" * 32 + b"\xff\xd9"
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'
ACCEPTED = [
    ("png", png_bytes(), "image/png"),
    ("jpg", JPEG, "image/jpeg"),
    ("gif", GIF, "image/gif"),
    ("svg", SVG, "image/svg+xml"),
]


@dataclass(frozen=True)
class Owner:
    """Something with an image: where to post it, its fields, where its list is."""

    kind: str
    collection: str
    fields: dict[str, Any]
    setup: Callable[[httpx.AsyncClient], Awaitable[Any]]

    def form(self) -> dict[str, str]:
        return {key: str(value) for key, value in self.fields.items()}


async def _nothing(_client: httpx.AsyncClient) -> None:
    return None


OWNERS = [
    Owner("badge", "/systems/chicago/badges", badge_body(imageUrl=None), create_tree),
    Owner(
        "system",
        "/systems",
        {"slug": "pittsburgh", "name": "Pittsburgh", "url": "https://pittsburgh.example.org"},
        _nothing,
    ),
]


def owner_ids(owner: Owner) -> str:
    return owner.kind


async def listed(client: httpx.AsyncClient, owner: Owner) -> list[Any]:
    body = (await client.get(owner.collection)).json()
    return [item["slug"] for item in body[f"{owner.kind}s"]]


@pytest.mark.parametrize("owner", OWNERS, ids=owner_ids)
@pytest.mark.parametrize(("extension", "data", "mimetype"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
async def test_each_accepted_type_round_trips_with_cache_headers(
    client: httpx.AsyncClient,
    anon: httpx.AsyncClient,
    owner: Owner,
    extension: str,
    data: bytes,
    mimetype: str,
) -> None:
    await owner.setup(client)
    # The declared type is ignored: the bytes decide.
    files = {"image": (f"upload.{extension}", data, "application/octet-stream")}
    response = await client.post(owner.collection, data=owner.form(), files=files)
    assert response.status_code == 201, response.text
    image_url = response.json()[owner.kind]["imageUrl"]
    assert image_url.startswith("http://badges.test/public/images/")

    served = await anon.get(image_url)
    assert served.status_code == 200
    assert served.content == data
    assert served.headers["content-type"] == mimetype
    assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert served.headers["x-content-type-options"] == "nosniff"
    etag = served.headers["etag"]
    again = await anon.get(image_url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""


@pytest.mark.parametrize("owner", OWNERS, ids=owner_ids)
@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("notes.png", b"just some text, honest", "Image must be a PNG, JPEG, GIF or SVG file"),
        (
            "page.svg",
            b"<html><body>no svg</body></html>",
            "Image must be a PNG, JPEG, GIF or SVG file",
        ),
        # XML names are case-sensitive: `<SVG>` is no SVG, and could never be baked.
        (
            "upper.svg",
            b'<SVG xmlns="http://www.w3.org/2000/svg"/>',
            "Image must be a PNG, JPEG, GIF or SVG file",
        ),
        ("empty.png", b"", "Image file is empty"),
        (
            "huge.png",
            png_bytes() + b"\x00" * (MAX_IMAGE_BYTES + 1 - len(png_bytes())),
            f"Image is larger than the limit of {MAX_IMAGE_BYTES} bytes",
        ),
    ],
    ids=["disguised text", "html as svg", "uppercase svg root", "empty", "one byte too big"],
)
async def test_other_files_are_refused_and_nothing_is_written(
    client: httpx.AsyncClient,
    engine: AsyncEngine,
    owner: Owner,
    filename: str,
    data: bytes,
    message: str,
) -> None:
    await owner.setup(client)
    before = await listed(client, owner)
    files = {"image": (filename, data, "image/png")}
    response = await client.post(owner.collection, data=owner.form(), files=files)
    assert response.status_code == 400, response.text
    assert response.json() == {
        "code": "ValidationError",
        "message": "Could not validate required fields",
        "details": [{"field": "image", "value": filename, "message": message}],
    }
    assert await listed(client, owner) == before
    async with engine.connect() as connection:
        assert (await connection.execute(select(Image.id))).all() == []


@pytest.mark.parametrize("owner", OWNERS, ids=owner_ids)
async def test_an_image_of_exactly_the_limit_is_accepted(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, owner: Owner
) -> None:
    await owner.setup(client)
    data = png_bytes() + b"\x00" * (MAX_IMAGE_BYTES - len(png_bytes()))
    files = {"image": ("big.png", data, "image/png")}
    response = await client.post(owner.collection, data=owner.form(), files=files)
    assert response.status_code == 201, response.text
    served = await anon.get(response.json()[owner.kind]["imageUrl"])
    assert served.content == data


async def test_an_image_given_by_url_redirects_permanently(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await create_tree(client)
    response = await client.post(
        "/systems/chicago/badges", json=badge_body(imageUrl="https://cdn.example.org/b.png")
    )
    assert response.json()["badge"]["imageUrl"] == "https://cdn.example.org/b.png"
    async with engine.connect() as connection:
        slug = await connection.scalar(
            select(Image.slug).where(Image.url == "https://cdn.example.org/b.png")
        )
    served = await anon.get(f"/public/images/{slug}")
    assert served.status_code == 301
    assert served.headers["location"] == "https://cdn.example.org/b.png"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://files.example.org/b.png",
        "//evil.example.org/b.png",
        "https:evil.example.org",
        "vbscript:msgbox(1)",
    ],
)
async def test_an_image_link_that_is_not_http_is_never_redirected_to(
    anon: httpx.AsyncClient, engine: AsyncEngine, url: str
) -> None:
    """Links the API would refuse today (stored by an older database, say) are not followed
    from the API's own origin: a 404, with no `Location` (issue 15, defect 12)."""
    async with engine.begin() as connection:
        await connection.execute(insert(Image).values(slug="linked", url=url))
    served = await anon.get("/public/images/linked")
    assert served.status_code == 404
    assert served.json()["code"] == "ResourceNotFound"
    assert "location" not in served.headers


async def test_replacing_and_deleting_a_badge_removes_its_old_images(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_tree(client)
    first = await client.post(
        "/systems/chicago/badges",
        data=OWNERS[0].form(),
        files={"image": ("a.png", png_bytes(255, 0, 0), "image/png")},
    )
    old_url = first.json()["badge"]["imageUrl"]
    replaced = await client.put(
        "/systems/chicago/badges/python-basics",
        files={"image": ("b.png", png_bytes(0, 0, 255), "image/png")},
    )
    new_url = replaced.json()["badge"]["imageUrl"]
    assert new_url != old_url
    assert (await anon.get(old_url)).status_code == 404
    assert (await anon.get(new_url)).content == png_bytes(0, 0, 255)
    await client.delete("/systems/chicago/badges/python-basics")
    assert (await anon.get(new_url)).status_code == 404


async def test_a_system_image_upload_is_checked_on_update_too(client: httpx.AsyncClient) -> None:
    await create_system(client)
    response = await client.put(
        "/systems/chicago", files={"image": ("x.png", b"not an image", "image/png")}
    )
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "image"
    assert (await client.get("/systems/chicago")).json()["system"]["imageUrl"] is None


@pytest.mark.parametrize("deleted", ["/systems/chicago", "/systems/chicago/issuers/library"])
async def test_deleting_a_container_removes_the_images_of_the_badges_inside(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, engine: AsyncEngine, deleted: str
) -> None:
    await create_tree(client)
    created = await client.post(
        "/systems/chicago/issuers/library/programs/readers/badges",
        data=OWNERS[0].form(),
        files={"image": ("a.png", png_bytes(9, 9, 9), "image/png")},
    )
    image_url = created.json()["badge"]["imageUrl"]
    assert (await anon.get(image_url)).status_code == 200

    assert (await client.delete(deleted)).status_code == 200

    assert (await anon.get(image_url)).status_code == 404
    async with engine.connect() as connection:
        assert (await connection.execute(select(Image.id))).all() == []
