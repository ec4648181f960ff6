"""Baking an Open Badges 3.0 credential into PNG and SVG images (OB 3.0 section 5.3), and
reading it back. openbadgeslib reads what we bake in test_proofs.py."""

from __future__ import annotations

import json
import zlib

import pytest

from badgekit_api.openbadges.baking import PNG, SVG, BakingError, bake_png, bake_svg
from badgekit_api.openbadges.ob3.baking import bake_credential, unbake_credential
from tests.openbadges.images import BADGE_SVG, badge_png, png_chunk
from tests.openbadges.test_baking import chunks

TOKEN = "eyJhbGciOiJFZERTQSJ9.eyJuYW1lIjoiQSJ9.c2lnbmF0dXJl"
DOCUMENT = {"name": 'A <b> & "c"', "narrative": "ends ]]> here", "proof": {"proofValue": "z1"}}
NAMESPACE = b'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"'


def test_a_png_gets_one_uncompressed_openbadgecredential_chunk_before_iend() -> None:
    # Already baked for 2.0: that chunk stays beside the credential.
    image = bake_png(badge_png(8), "https://badges.example.org/public/assertions/a")

    baked = bake_credential(bake_credential(image, PNG, "an.earlier.token"), PNG, TOKEN)

    assert [kind for kind, _ in chunks(baked)] == [
        b"IHDR",
        b"tEXt",
        b"IDAT",
        b"iTXt",
        b"iTXt",
        b"IEND",
    ]
    credential_chunks = [body for _, body in chunks(baked) if body.startswith(b"openbadgecred")]
    assert credential_chunks == [b"openbadgecredential\x00\x00\x00\x00\x00" + TOKEN.encode()]
    assert unbake_credential(baked) == TOKEN


def test_a_json_credential_is_baked_as_its_json() -> None:
    baked = bake_credential(badge_png(8), PNG, DOCUMENT)

    text = unbake_credential(baked)

    assert text is not None and json.loads(text) == DOCUMENT


def test_a_compressed_chunk_written_by_another_baker_is_read() -> None:
    image = badge_png(8)
    ihdr_end = 8 + 12 + 13
    body = b"openbadgecredential\x00\x01\x00en\x00\x00" + zlib.compress(TOKEN.encode())
    other = image[:ihdr_end] + png_chunk(b"iTXt", body) + image[ihdr_end:]

    assert unbake_credential(other) == TOKEN


def test_a_compressed_chunk_too_large_to_inflate_is_refused() -> None:
    image = badge_png(8)
    ihdr_end = 8 + 12 + 13
    bomb = zlib.compress(b"a" * (5 * 1024 * 1024))
    body = b"openbadgecredential\x00\x01\x00\x00\x00" + bomb
    other = image[:ihdr_end] + png_chunk(b"iTXt", body) + image[ihdr_end:]

    with pytest.raises(BakingError, match="more than 4 MiB"):
        unbake_credential(other)


def test_an_svg_gets_a_vc_jwt_in_the_verify_attribute() -> None:
    baked = bake_credential(BADGE_SVG, SVG, TOKEN)

    root = baked[baked.index(b"<svg ") : baked.index(b">", baked.index(b"<svg ")) + 1]
    assert NAMESPACE in root
    assert baked[len(BADGE_SVG[: BADGE_SVG.index(b"<svg ")]) :].count(b"<openbadges:") == 1
    assert f'><openbadges:credential verify="{TOKEN}"/>'.encode() in baked
    assert unbake_credential(baked) == TOKEN


def test_an_svg_gets_a_json_credential_as_cdata() -> None:
    baked = bake_credential(BADGE_SVG, SVG, DOCUMENT)

    assert b"<openbadges:credential><![CDATA[{" in baked
    assert b"verify=" not in baked
    text = unbake_credential(baked)
    assert text is not None and json.loads(text) == DOCUMENT


def test_baking_a_credential_into_a_2_0_baked_svg_replaces_its_namespace_and_element() -> None:
    old = bake_svg(BADGE_SVG, "https://badges.example.org/a", '{"id": "a"}')

    baked = bake_credential(old, SVG, TOKEN)

    assert b"openbadges:assertion" not in baked
    assert baked.count(b"xmlns:openbadges") == 1
    assert NAMESPACE in baked
    assert unbake_credential(baked) == TOKEN


@pytest.mark.parametrize(
    "image", [badge_png(8), BADGE_SVG, b"plain text"], ids=["png", "svg", "text"]
)
def test_an_image_without_a_credential_has_none(image: bytes) -> None:
    assert unbake_credential(image) is None


def test_a_jpeg_cannot_be_baked() -> None:
    with pytest.raises(BakingError, match="image/jpeg"):
        bake_credential(b"\xff\xd8\xff", "image/jpeg", TOKEN)
