"""Baking: the assertion URL embedded in PNG and SVG badge images, checked with the
`openbadges-bakery` package from PyPI and by reading the bytes ourselves."""

from __future__ import annotations

import io
import json
import struct
import zlib

import httpx
import pytest
from openbadges_bakery import unbake

from badgekit_api.openbadges.baking import BakingError, bake_png, bake_svg, unbake_svg
from tests.factories.containers import create_tree
from tests.openbadges.images import BADGE_SVG, badge_png, png_chunk
from tests.openbadges.support import BASE, award, create_badge_with_image, revoke

URL = "https://badges.example.org/public/assertions/abc123"
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000") + b"\x00" * 32 + b"\xff\xd9"


def chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of each chunk, checking every CRC on the way."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    found, offset = [], 8
    while offset < len(png):
        (length,) = struct.unpack_from(">I", png, offset)
        kind, data = png[offset + 4 : offset + 8], png[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack_from(">I", png, offset + 8 + length)
        assert crc == zlib.crc32(kind + data) & 0xFFFFFFFF, kind
        found.append((kind, data))
        offset += 12 + length
    return found


def test_png_gets_one_uncompressed_itxt_chunk_before_iend() -> None:
    original = badge_png(8)

    baked = bake_png(original, URL)

    kinds = [kind for kind, _ in chunks(baked)]
    assert kinds == [b"IHDR", b"tEXt", b"IDAT", b"iTXt", b"IEND"]
    itxt = dict(chunks(baked))[b"iTXt"]
    assert itxt == b"openbadges\x00\x00\x00\x00\x00" + URL.encode()
    assert unbake(io.BytesIO(baked)) == URL
    # The image itself is untouched.
    assert [c for c in chunks(baked) if c[0] != b"iTXt"] == chunks(original)


def test_baking_again_replaces_earlier_open_badges_data() -> None:
    image = badge_png(8)
    ihdr_end = 8 + 12 + 13
    # Before the spec, the assertion URL was baked into a tEXt chunk.
    legacy = (
        image[:ihdr_end]
        + png_chunk(b"tEXt", b"openbadges\x00https://old.example.org/a")
        + image[ihdr_end:]
    )

    rebaked = bake_png(bake_png(legacy, "https://old.example.org/b"), URL)

    open_badges = [chunk for chunk in chunks(rebaked) if chunk[1].startswith(b"openbadges\x00")]
    assert open_badges == [(b"iTXt", b"openbadges\x00\x00\x00\x00\x00" + URL.encode())]
    assert unbake(io.BytesIO(rebaked)) == URL


def test_a_chunk_with_a_bad_crc_is_refused() -> None:
    image = bytearray(badge_png(8))
    image[image.index(b"IDAT") + 6] ^= 0xFF

    with pytest.raises(BakingError, match="bad CRC"):
        bake_png(bytes(image), URL)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a", "not a PNG"),
        (badge_png(8)[:-12], "ends before its IEND"),
        (badge_png(8)[:50], "runs past the end"),
    ],
    ids=["gif", "no-iend", "truncated-chunk"],
)
def test_broken_pngs_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(BakingError, match=message):
        bake_png(data, URL)


def test_svg_gets_the_assertion_element_first_in_the_root() -> None:
    baked = bake_svg(BADGE_SVG, URL + "?a=1&b=<2>")

    root_start = baked.index(b"<svg ")
    assert baked[:root_start] == BADGE_SVG[: BADGE_SVG.index(b"<svg ")]
    assert (
        b'xmlns:openbadges="http://openbadges.org"'
        in baked[root_start : baked.index(b">", root_start)]
    )
    assert (
        b'><openbadges:assertion verify="' + URL.encode() + b'?a=1&amp;b=&lt;2&gt;"/>\n  <circle'
        in baked
    )
    assert unbake(io.BytesIO(baked)) == URL + "?a=1&b=<2>"


@pytest.mark.parametrize(
    "svg",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg" data-x="a>b"><g/></svg>',
        b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
        b'<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" width="1"/>',
        # `]` and `>` in a literal, a comment and a PI of the internal subset do not end it.
        b'<?xml version="1.0"?>\n<!DOCTYPE svg [\n  <!ATTLIST svg data-x CDATA "]>">\n'
        b"  <!-- a ] in a comment --> <?pi ]> ?>\n]>\n"
        b'<!-- before the root --><svg xmlns="http://www.w3.org/2000/svg"><g/></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
        b'<openbadges:assertion verify="https://old.example.org/x"><![CDATA[{"a": "/>"}]]>'
        b"</openbadges:assertion><g/></svg>",
    ],
    ids=["gt-in-attribute", "doctype", "self-closing-root", "internal-subset", "already-baked"],
)
def test_svg_variants(svg: bytes) -> None:
    baked = bake_svg(svg, URL)

    assert unbake(io.BytesIO(baked)) == URL
    assert baked.count(b"<openbadges:assertion") == 1
    assert baked.count(b"xmlns:openbadges") == 1


@pytest.mark.parametrize("svg", [b"<html><svg></svg></html>", b"<svg", b"plain text"])
def test_documents_without_an_svg_root_are_refused(svg: bytes) -> None:
    with pytest.raises(BakingError):
        bake_svg(svg, URL)


@pytest.fixture
async def tree(client: httpx.AsyncClient) -> None:
    await create_tree(client)


@pytest.mark.usefixtures("tree")
async def test_the_baked_png_holds_the_exact_assertion_url(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_badge_with_image(client, "program", slug="reader")
    instance = await award(client, "reader")

    response = await anon.get(f"/public/assertions/{instance.slug}.png")

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert unbake(io.BytesIO(response.content)) == f"{BASE}/public/assertions/{instance.slug}"
    again = await anon.get(
        f"/public/assertions/{instance.slug}.png",
        headers={"If-None-Match": response.headers["etag"]},
    )
    assert again.status_code == 304


@pytest.mark.usefixtures("tree")
async def test_the_baked_svg_holds_the_exact_assertion_url(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_badge_with_image(client, "issuer", BADGE_SVG, "image/svg+xml", slug="reader")
    instance = await award(client, "reader")

    response = await anon.get(f"/public/assertions/{instance.slug}.svg")
    document = (await anon.get(f"/public/assertions/{instance.slug}")).json()

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert "script-src" not in response.headers["content-security-policy"]
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert unbake(io.BytesIO(response.content)) == f"{BASE}/public/assertions/{instance.slug}"
    assert document["image"] == f"{BASE}/public/assertions/{instance.slug}.svg"


@pytest.mark.usefixtures("tree")
async def test_asking_for_the_other_format_redirects_to_the_right_one(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_badge_with_image(client, "system", BADGE_SVG, "image/svg+xml", slug="reader")
    instance = await award(client, "reader")

    response = await anon.get(f"/public/assertions/{instance.slug}.png")

    assert response.status_code == 302
    assert response.headers["location"] == f"/public/assertions/{instance.slug}.svg"


@pytest.mark.usefixtures("tree")
async def test_an_image_given_as_a_link_cannot_be_baked(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    response = await client.post(
        "/systems/chicago/badges",
        json={
            "name": "Linked",
            "slug": "linked",
            "earnerDescription": "e",
            "consumerDescription": "c",
            "criteriaUrl": "https://example.org/criteria",
            "unique": False,
            "type": "skill",
            "imageUrl": "https://cdn.example.org/linked.png",
        },
    )
    assert response.status_code == 201
    instance = await award(client, "linked")

    baked = await anon.get(f"/public/assertions/{instance.slug}.png")
    document = (await anon.get(f"/public/assertions/{instance.slug}")).json()

    assert baked.status_code == 404
    assert baked.json() == {
        "code": "ImageNotBakeable",
        "message": "The badge image is hosted elsewhere (https://cdn.example.org/linked.png), "
        "so it cannot be baked here: give the badge an uploaded PNG or SVG image",
    }
    assert "image" not in document


@pytest.mark.usefixtures("tree")
async def test_a_jpeg_cannot_be_baked(client: httpx.AsyncClient, anon: httpx.AsyncClient) -> None:
    await create_badge_with_image(client, "system", JPEG, "image/jpeg", slug="reader")
    instance = await award(client, "reader")

    response = await anon.get(f"/public/assertions/{instance.slug}.png")

    assert response.status_code == 404
    assert response.json()["code"] == "ImageNotBakeable"
    assert "image/jpeg" in response.json()["message"]


@pytest.mark.usefixtures("tree")
async def test_revoked_and_unknown_assertions_have_no_baked_image(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_badge_with_image(client, "system", slug="reader")
    instance = await award(client, "reader")
    await revoke(client, instance, "Mistake")

    revoked = await anon.get(f"/public/assertions/{instance.slug}.png")
    unknown = await anon.get("/public/assertions/nope.svg")

    assert revoked.status_code == 410
    assert revoked.json() == {"uid": instance.slug, "revoked": True, "revocationReason": "Mistake"}
    assert unknown.status_code == 404
    assert unknown.json()["message"] == "Could not find badgeInstance field: `slug`, value: `nope`"


@pytest.mark.usefixtures("tree")
async def test_the_2_0_baked_png_holds_the_2_0_assertion_itself(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_badge_with_image(client, "program", slug="reader")
    instance = await award(client, "reader", evidence=(("https://work.example.org/a", None),))
    assertion = (await anon.get(f"/public/assertions/{instance.slug}?v=2")).json()
    plain = await anon.get(f"/public/assertions/{instance.slug}.png")

    response = await anon.get(assertion["image"])

    assert assertion["image"] == f"{BASE}/public/assertions/{instance.slug}.png?v=2"
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert json.loads(unbake(io.BytesIO(response.content))) == assertion
    assert response.headers["etag"] != plain.headers["etag"]
    again = await anon.get(assertion["image"], headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.usefixtures("tree")
async def test_the_2_0_baked_svg_holds_its_url_and_the_assertion_as_cdata(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_badge_with_image(client, "issuer", BADGE_SVG, "image/svg+xml", slug="reader")
    instance = await award(client, "reader", evidence=((None, "Wrote ]]> & <more>"),))
    assertion = (await anon.get(f"/public/assertions/{instance.slug}?v=2")).json()

    response = await anon.get(assertion["image"])

    assert assertion["image"] == f"{BASE}/public/assertions/{instance.slug}.svg?v=2"
    assert response.status_code == 200
    verify, body = unbake_svg(response.content)
    assert verify == assertion["id"]
    assert body is not None and json.loads(body) == assertion
    assert response.content.count(b"<openbadges:assertion") == 1


@pytest.mark.usefixtures("tree")
async def test_the_2_0_image_in_the_other_format_redirects_with_its_version(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_badge_with_image(client, "system", BADGE_SVG, "image/svg+xml", slug="reader")
    instance = await award(client, "reader")

    response = await anon.get(f"/public/assertions/{instance.slug}.png?v=2")

    assert response.status_code == 302
    assert response.headers["location"] == f"/public/assertions/{instance.slug}.svg?v=2"


@pytest.mark.usefixtures("tree")
async def test_an_unknown_image_version_is_refused(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_badge_with_image(client, "system", slug="reader")
    instance = await award(client, "reader")

    response = await anon.get(f"/public/assertions/{instance.slug}.png?v=9")

    assert response.status_code == 400
    assert response.json()["code"] == "InvalidParameter"
    assert "`v`" in response.json()["message"]
