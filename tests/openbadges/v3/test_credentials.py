"""`GET /public/assertions/:uid?v=3`: each award's Open Badges 3.0 credential, with its Data
Integrity proof or as a VC-JWT, from badges at every level; accepted by openbadgeslib (its
key from our DID document, its status list read) and by our verifier, and refused by both
once revoked or tampered with."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from tests.factories.containers import create_tree
from tests.keys.support import expected_did
from tests.openbadges.support import PROFILE_PATHS, award, create_badge_with_image, revoke
from tests.openbadges.v3.support import (
    VC_JWT,
    VC_LD,
    both_formats,
    credential_json,
    credential_jwt,
    openbadgeslib_accepts,
    openbadgeslib_verdicts,
    verify,
)

LEVELS = ["system", "issuer", "program"]
ALL_PASS = {
    "signature": True,
    "issuerKey": True,
    "validity": True,
    "status": True,
    "schema": True,
}


@pytest.fixture(autouse=True)
async def _tree(client: httpx.AsyncClient) -> None:
    await create_tree(client)


@pytest.mark.parametrize("level", LEVELS)
async def test_a_fresh_award_verifies_in_both_formats_until_it_is_revoked(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, level: str
) -> None:
    badge = await create_badge_with_image(client, level, slug="reader")
    awarded = await award(client, badge["slug"])
    document = await credential_json(anon, awarded)
    token = await credential_jwt(anon, awarded)
    did = expected_did(level)

    assert document["issuer"]["id"] == did
    assert document["proof"]["verificationMethod"] == f"{did}#key-1"
    assert document["credentialStatus"]["statusListCredential"].startswith(
        f"http://badges.test{PROFILE_PATHS[level]}/status/"
    )
    cases = both_formats(document, token)
    assert await openbadgeslib_accepts(anon, level, cases) == {"ldp": True, "jwt": True}
    for body, content_type in ((document, VC_LD), (token, VC_JWT)):
        report = await verify(anon, body, content_type)
        assert report["verified"], report
        assert report["byName"] == ALL_PASS

    await revoke(client, awarded)

    verdicts = await openbadgeslib_verdicts(anon, level, cases)
    for verdict in verdicts.values():
        assert not verdict["accepted"] and "revo" in verdict["error"].lower(), verdict
    for body, content_type in ((document, VC_LD), (token, VC_JWT)):
        report = await verify(anon, body, content_type)
        assert not report["verified"]
        assert report["byName"] == {**ALL_PASS, "status": False}
    gone = await anon.get(f"/public/assertions/{awarded.slug}", params={"v": "3"})
    assert gone.status_code == 410
    assert gone.json()["revoked"] is True


async def test_the_same_credential_is_served_each_time_and_by_accept(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    badge = await create_badge_with_image(client, slug="reader")
    awarded = await award(client, badge["slug"])
    path = f"/public/assertions/{awarded.slug}"

    first = await anon.get(path, params={"v": "3"})
    again = await anon.get(path, headers={"Accept": VC_LD})
    as_jwt = await anon.get(path, headers={"Accept": VC_JWT})
    etag = first.headers["etag"]
    cached = await anon.get(path, params={"v": "3"}, headers={"If-None-Match": etag})

    assert first.content == again.content
    assert again.headers["etag"] == etag
    assert as_jwt.headers["content-type"] == VC_JWT
    assert as_jwt.text == (await credential_jwt(anon, awarded))
    assert cached.status_code == 304
    # 1.0 stays the default, 2.0 where asked.
    assert (await anon.get(path)).json()["uid"] == awarded.slug
    assert (await anon.get(path, params={"v": "2"})).json()["type"] == "Assertion"


@pytest.mark.parametrize(
    ("params", "parameter"), [({"v": "4"}, "v"), ({"v": "3", "format": "cbor"}, "format")]
)
async def test_an_unknown_version_or_format_is_a_400(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, params: dict[str, str], parameter: str
) -> None:
    badge = await create_badge_with_image(client, slug="reader")
    awarded = await award(client, badge["slug"])

    response = await anon.get(f"/public/assertions/{awarded.slug}", params=params)

    assert response.status_code == 400
    assert response.json()["code"] == "InvalidParameter"
    assert response.json()["parameter"] == parameter


async def test_a_tampered_copy_is_refused_by_both(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    badge = await create_badge_with_image(client, slug="reader")
    awarded = await award(client, badge["slug"])
    document = await credential_json(anon, awarded)
    header, payload, signature = (await credential_jwt(anon, awarded)).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["name"] = "Astronaut"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    forged_token = f"{header}.{forged_payload}.{signature}"
    forged_document = {**document, "name": "Astronaut"}

    cases = both_formats(forged_document, forged_token)
    assert await openbadgeslib_accepts(anon, "system", cases) == {"ldp": False, "jwt": False}
    for body, content_type in ((forged_document, VC_LD), (forged_token, VC_JWT)):
        report = await verify(anon, body, content_type)
        assert not report["verified"]
        assert report["byName"]["signature"] is False
        assert report["credential"] is None


async def test_what_was_signed_before_a_rotation_still_verifies(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    badge = await create_badge_with_image(client, slug="reader")
    awarded = await award(client, badge["slug"])
    document = await credential_json(anon, awarded)
    token = await credential_jwt(anon, awarded)

    rotated = await client.post("/systems/chicago/keys/rotate", json={})
    assert rotated.status_code == 200, rotated.text

    cases = both_formats(document, token)
    assert await openbadgeslib_accepts(anon, "system", cases) == {"ldp": True, "jwt": True}
    for body, content_type in ((document, VC_LD), (token, VC_JWT)):
        assert (await verify(anon, body, content_type))["byName"] == ALL_PASS
    fresh = await credential_json(anon, awarded)
    assert fresh["proof"]["verificationMethod"] == f"{expected_did('system')}#key-2"
    assert (await verify(anon, fresh))["verified"]


async def test_the_award_answer_links_the_credential_it_is(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_badge_with_image(client, "issuer", slug="reader")
    response = await client.post(
        "/systems/chicago/issuers/library/badges/reader/instances",
        json={"email": "earner@example.org"},
    )
    credential_url = response.json()["instance"]["credentialUrl"]

    served = await anon.get(credential_url.removeprefix("http://badges.test"))

    assert served.headers["content-type"] == VC_LD
    assert served.json()["id"] == credential_url


async def test_an_es256_issuer_serves_its_credentials_as_vc_jwt(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    """eddsa-rdfc-2022 is an Ed25519 suite: under a P-256 key the Data Integrity form is a
    clear 406 naming the VC-JWT, which that key signs, never a 500."""
    rotated = await client.post("/systems/chicago/keys/rotate", json={"algorithm": "ES256"})
    assert rotated.status_code == 200, rotated.text
    badge = await create_badge_with_image(client, slug="reader")
    awarded = await award(client, badge["slug"])
    embedded = await anon.get(f"/public/assertions/{awarded.slug}", params={"v": "3"})
    assert embedded.status_code == 406, embedded.text
    assert embedded.json()["code"] == "NotAcceptable"
    assert "format=jwt" in embedded.json()["message"]

    token = await credential_jwt(anon, awarded)
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["alg"] == "ES256"
    assert (await verify(anon, token, VC_JWT))["byName"] == ALL_PASS
