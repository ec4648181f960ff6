"""Rotation and revocation of a profile's keys, over the master-only API at every level,
and what each does to the DID document and to what the keys signed."""

from __future__ import annotations

import asyncio
import base64

import httpx
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from sqlalchemy import select

from badgekit_api.keys.signing import IssuerKey, signing_key
from badgekit_api.models import Issuer, SigningKey, System
from tests.factories.badges import LEVEL_PREFIXES, LEVELS
from tests.factories.consumers import create_consumer
from tests.factories.containers import create_tree
from tests.keys.support import did_document, jwk_of, public_key
from tests.support import make_client


@pytest.fixture(autouse=True)
async def _tree(client: httpx.AsyncClient) -> None:
    await create_tree(client)


async def sign_as_system(app: FastAPI, message: bytes) -> tuple[IssuerKey, bytes]:
    async with app.state.session_factory() as session, session.begin():
        system = await session.scalar(select(System).where(System.slug == "chicago"))
        assert system is not None
        key = await signing_key(session, system, origin="http://badges.test")
    assert isinstance(key.private_key, Ed25519PrivateKey)
    return key, key.private_key.sign(message)


def verifies(jwk: dict[str, str], signature: bytes, message: bytes) -> bool:
    key = public_key(jwk)
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            raise AssertionError("Ed25519 expected")
        key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


async def test_signing_key_names_the_method_its_document_lists(
    app: FastAPI, anon: httpx.AsyncClient
) -> None:
    key, signature = await sign_as_system(app, b"hello")
    document = await did_document(anon)
    assert key.did == document["id"]
    assert key.verification_method == f"{document['id']}#key-1"
    assert key.algorithm == "EdDSA"
    assert key.public_multibase == document["verificationMethod"][0]["publicKeyMultibase"]
    assert verifies(jwk_of(document, "key-1"), signature, b"hello")
    assert "private" not in repr(key).lower() and "d=" not in repr(key)


@pytest.mark.parametrize("level", LEVELS)
async def test_rotation_keeps_the_old_public_key_and_signs_with_the_new(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, level: str
) -> None:
    before = await client.get(f"{LEVEL_PREFIXES[level]}/keys")
    assert before.status_code == 200, before.text
    assert [key["number"] for key in before.json()["keys"]] == [1]
    rotated = await client.post(f"{LEVEL_PREFIXES[level]}/keys/rotate", json={})
    assert rotated.status_code == 200, rotated.text
    keys = rotated.json()["keys"]
    assert [(key["number"], key["current"]) for key in keys] == [(2, True), (1, False)]
    assert keys[1]["retired"] is not None and keys[1]["revoked"] is None
    document = await did_document(anon, level)
    assert rotated.json()["did"] == document["id"]
    ids = [method["id"].split("#")[1] for method in document["verificationMethod"]]
    assert ids == ["key-2", "key-1", "key-2-jwk", "key-1-jwk"]  # current first


async def test_what_a_retired_key_signed_still_verifies_until_it_is_revoked(
    app: FastAPI, client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    old_key, signature = await sign_as_system(app, b"credential")
    assert (await client.post("/systems/chicago/keys/rotate", json={})).status_code == 200
    new_key, _ = await sign_as_system(app, b"credential")
    assert new_key.verification_method.endswith("#key-2")
    assert verifies(jwk_of(await did_document(anon), "key-1"), signature, b"credential")

    revoked = await client.delete("/systems/chicago/keys/1")
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["keys"][1]["revoked"] is not None
    document = await did_document(anon)
    assert all("#key-1" not in method["id"] for method in document["verificationMethod"])
    assert old_key.public_multibase not in str(document)


async def test_the_current_key_cannot_be_revoked(client: httpx.AsyncClient) -> None:
    await client.get("/systems/chicago/keys")
    response = await client.delete("/systems/chicago/keys/1")
    assert response.status_code == 409
    assert response.json()["code"] == "ResourceConflict"


@pytest.mark.parametrize(
    ("call", "status"),
    [
        (("DELETE", "/systems/chicago/keys/7"), 404),
        (("DELETE", "/systems/chicago/keys/0"), 400),
        (("DELETE", "/systems/chicago/keys/one"), 400),
        (("DELETE", "/systems/chicago/keys/99999999999999"), 400),
        (("POST", "/systems/chicago/keys/rotate", {"algorithm": "RS256"}), 400),
        (("POST", "/systems/chicago/keys/rotate", {"colour": "red"}), 400),
        (("GET", "/systems/elsewhere/keys"), 404),
    ],
)
async def test_bad_requests_are_refused_and_change_nothing(
    client: httpx.AsyncClient, app: FastAPI, call: tuple[object, ...], status: int
) -> None:
    await client.get("/systems/chicago/keys")
    method, path, *body = call
    response = await client.request(str(method), str(path), json=body[0] if body else None)
    assert response.status_code == status, response.text
    assert set(response.json()) >= {"code", "message"}
    async with app.state.session_factory() as session:
        numbers = list(await session.scalars(select(SigningKey.number)))
    assert numbers == [1]


async def test_an_es256_key_on_request(client: httpx.AsyncClient, anon: httpx.AsyncClient) -> None:
    response = await client.post("/systems/chicago/keys/rotate", json={"algorithm": "ES256"})
    assert response.status_code == 200, response.text
    current = response.json()["keys"][0]
    assert current["algorithm"] == "ES256" and current["publicKeyJwk"]["crv"] == "P-256"
    assert current["publicKeyMultibase"].startswith("zDn")  # P-256 Multikey
    assert isinstance(public_key(current["publicKeyJwk"]), ec.EllipticCurvePublicKey)
    document = await did_document(anon)
    assert document["verificationMethod"][0]["publicKeyMultibase"] == current["publicKeyMultibase"]


async def test_a_consumer_key_cannot_manage_keys(app: FastAPI) -> None:
    key, secret = await create_consumer(app, "chicago")
    async with make_client(app, key=key, secret=secret) as consumer:
        for method, path in [
            ("GET", "/systems/chicago/keys"),
            ("POST", "/systems/chicago/keys/rotate"),
        ]:
            response = await consumer.request(method, path, json={} if method == "POST" else None)
            assert response.status_code == 403, response.text


async def test_private_keys_are_stored_encrypted_and_never_answered(
    app: FastAPI, client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    key, _ = await sign_as_system(app, b"x")
    assert isinstance(key.private_key, Ed25519PrivateKey)
    raw = key.private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    der = key.private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    shown = [
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
        base64.b64encode(raw).decode().rstrip("="),
        raw.hex(),
    ]
    answers = [
        await client.get("/systems/chicago/keys"),
        await anon.get("/public/systems/chicago/did.json"),
        await anon.get("/public/systems/chicago/status/0"),
        await client.post("/systems/chicago/keys/rotate", json={}),
    ]
    for answer in answers:
        assert answer.status_code == 200, answer.text
        assert not any(secret in answer.text for secret in shown)
        assert '"d"' not in answer.text
    async with app.state.session_factory() as session:
        stored = list(await session.scalars(select(SigningKey.encrypted_private_key)))
    assert all(raw not in (value or b"") and der not in (value or b"") for value in stored)
    # The retired key's private half is erased: it never signs again.
    assert sorted(value is None for value in stored) == [False, True]


async def test_a_deleted_profile_takes_its_keys_along(
    app: FastAPI, client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await did_document(anon, "issuer")
    assert (await client.delete("/systems/chicago/issuers/library")).status_code == 200
    async with app.state.session_factory() as session:
        assert await session.scalar(select(Issuer.id)) is None
        assert list(await session.scalars(select(SigningKey.owner))) == []


async def test_rotations_at_once_leave_one_current_key(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, app: FastAPI
) -> None:
    await did_document(anon)
    answers = await asyncio.gather(
        *(client.post("/systems/chicago/keys/rotate", json={}) for _ in range(4))
    )
    assert {answer.status_code for answer in answers} <= {200, 409}
    assert 200 in {answer.status_code for answer in answers}
    async with app.state.session_factory() as session:
        rows = list(await session.scalars(select(SigningKey).order_by(SigningKey.number)))
    assert [row.number for row in rows] == list(range(1, len(rows) + 1))
    assert len(rows) == 1 + sum(answer.status_code == 200 for answer in answers)
    assert [row.retired_at is None for row in rows] == [False] * (len(rows) - 1) + [True]
    assert [row.encrypted_private_key is None for row in rows] == [True] * (len(rows) - 1) + [False]
