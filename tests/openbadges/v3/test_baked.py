"""`.png?v=3` / `.svg?v=3`: the badge image with the award's signed credential baked in
(its JSON with the proof, or with `format=jwt` its VC-JWT), read back by /public/verify
and by openbadgeslib."""

from __future__ import annotations

import base64

import httpx
import pytest

from badgekit_api.openbadges.ob3.baking import unbake_credential
from tests.factories.containers import create_tree
from tests.openbadges.images import BADGE_SVG
from tests.openbadges.support import award, create_badge_with_image, revoke
from tests.openbadges.v3.support import (
    credential_json,
    credential_jwt,
    openbadgeslib_accepts,
    verify,
)

FORMATS = [("png", "image/png"), ("svg", "image/svg+xml")]


@pytest.fixture(autouse=True)
async def _tree(client: httpx.AsyncClient) -> None:
    await create_tree(client)


async def _badge(client: httpx.AsyncClient, extension: str) -> dict[str, object]:
    if extension == "svg":
        return await create_badge_with_image(
            client, slug="reader", image=BADGE_SVG, mimetype="image/svg+xml"
        )
    return await create_badge_with_image(client, slug="reader")


@pytest.mark.parametrize(("extension", "mimetype"), FORMATS)
async def test_a_baked_credential_round_trips_through_the_verifiers(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, extension: str, mimetype: str
) -> None:
    await _badge(client, extension)
    awarded = await award(client, "reader")
    path = f"/public/assertions/{awarded.slug}.{extension}"

    with_proof = await anon.get(path, params={"v": "3"})
    as_jwt = await anon.get(path, params={"v": "3", "format": "jwt"})
    plain = await anon.get(path)

    for response in (with_proof, as_jwt):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == mimetype
    assert len({with_proof.headers["etag"], as_jwt.headers["etag"], plain.headers["etag"]}) == 3
    assert unbake_credential(as_jwt.content) == await credential_jwt(anon, awarded)
    baked_json = unbake_credential(with_proof.content)
    assert baked_json is not None and '"proof"' in baked_json
    assert (await credential_json(anon, awarded))["proof"]["proofValue"] in baked_json
    for image in (with_proof, as_jwt):
        report = await verify(anon, image.content, mimetype)
        assert report["verified"], report
    cases = {
        name: {"format": extension, "credential": base64.b64encode(image.content).decode()}
        for name, image in (("ldp", with_proof), ("jwt", as_jwt))
    }
    assert await openbadgeslib_accepts(anon, "system", cases) == {"ldp": True, "jwt": True}
    cached = await anon.get(
        path, params={"v": "3"}, headers={"If-None-Match": with_proof.headers["etag"]}
    )
    assert cached.status_code == 304

    await revoke(client, awarded)

    assert (await verify(anon, with_proof.content, mimetype))["byName"]["status"] is False
    assert (await anon.get(path, params={"v": "3"})).status_code == 410


async def test_the_other_format_redirects_keeping_the_version_and_format(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await _badge(client, "png")
    awarded = await award(client, "reader")

    response = await anon.get(
        f"/public/assertions/{awarded.slug}.svg", params={"v": "3", "format": "jwt"}
    )

    assert response.status_code == 302
    assert response.headers["location"] == f"/public/assertions/{awarded.slug}.png?v=3&format=jwt"
