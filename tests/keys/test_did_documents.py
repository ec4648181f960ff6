"""Each profile's did:web DID document: where it resolves, what it lists, made once."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from badgekit_api.keys.did import did_web
from badgekit_api.models import SigningKey
from tests.factories.badges import LEVELS
from tests.factories.containers import create_tree
from tests.keys.support import did_document, expected_did, public_key, public_prefix


@pytest.fixture(autouse=True)
async def _tree(client: httpx.AsyncClient) -> None:
    await create_tree(client)


def resolved_path(did: str) -> str:
    """Where the did:web spec says a DID with a path is read from."""
    _, _, host, *segments = did.split(":")
    assert host == "badges.test"
    return "/" + "/".join(segments) + "/did.json"


@pytest.mark.parametrize("level", LEVELS)
async def test_a_profile_did_resolves_to_its_served_document(
    anon: httpx.AsyncClient, level: str
) -> None:
    response = await anon.get(f"{public_prefix(level)}/did.json")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/did+json"
    assert response.headers["cache-control"] == "public, max-age=60"
    document = response.json()
    did = document["id"]
    assert did == expected_did(level)
    assert resolved_path(did) == f"{public_prefix(level)}/did.json"
    assert document["@context"][0] == "https://www.w3.org/ns/did/v1"
    multikey, jwk = document["verificationMethod"]
    assert multikey == {
        "id": f"{did}#key-1",
        "type": "Multikey",
        "controller": did,
        "publicKeyMultibase": multikey["publicKeyMultibase"],
    }
    assert multikey["publicKeyMultibase"].startswith("z6Mk")  # Ed25519
    assert jwk["id"] == f"{did}#key-1-jwk" and jwk["type"] == "JsonWebKey"
    assert set(jwk["publicKeyJwk"]) == {"kty", "crv", "x"}  # no private "d"
    public_key(jwk["publicKeyJwk"])
    ids = [f"{did}#key-1", f"{did}#key-1-jwk"]
    assert document["assertionMethod"] == ids and document["authentication"] == ids


def test_a_port_and_a_path_in_the_origin_follow_the_did_web_rules() -> None:
    assert (
        did_web("https://Example.org:8443/badges", "/public/systems/a b")
        == "did:web:example.org%3A8443:badges:public:systems:a%20b"
    )


async def test_every_profile_has_keys_of_its_own(anon: httpx.AsyncClient) -> None:
    keys = {
        (await did_document(anon, level))["verificationMethod"][0]["publicKeyMultibase"]
        for level in LEVELS
    }
    assert len(keys) == 3


async def test_concurrent_first_uses_make_one_key(anon: httpx.AsyncClient, app: FastAPI) -> None:
    documents = await asyncio.gather(*(did_document(anon, "issuer") for _ in range(8)))
    assert len({str(document["verificationMethod"]) for document in documents}) == 1
    async with app.state.session_factory() as session:
        count = await session.scalar(select(func.count()).select_from(SigningKey))
    assert count == 1


@pytest.mark.parametrize(
    "path",
    ["/public/systems/nowhere/did.json", "/public/systems/chicago/issuers/nobody/did.json"],
)
async def test_a_missing_profile_has_no_document(anon: httpx.AsyncClient, path: str) -> None:
    response = await anon.get(path)
    assert response.status_code == 404
    assert response.json()["code"] == "ResourceNotFound"
