"""Reading keys back: DID documents through the public API, public keys from their JWKs."""

from __future__ import annotations

import base64
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tests.factories.badges import LEVEL_PREFIXES

BASE_HOST = "badges.test"


def public_prefix(level: str) -> str:
    return f"/public{LEVEL_PREFIXES[level]}"


def expected_did(level: str) -> str:
    return "did:web:" + BASE_HOST + public_prefix(level).replace("/", ":")


async def did_document(anon: httpx.AsyncClient, level: str = "system") -> dict[str, Any]:
    response = await anon.get(f"{public_prefix(level)}/did.json")
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_key(jwk: dict[str, Any]) -> Ed25519PublicKey | ec.EllipticCurvePublicKey:
    if jwk["kty"] == "OKP":
        return Ed25519PublicKey.from_public_bytes(_unb64(jwk["x"]))
    numbers = ec.EllipticCurvePublicNumbers(
        int.from_bytes(_unb64(jwk["x"]), "big"),
        int.from_bytes(_unb64(jwk["y"]), "big"),
        ec.SECP256R1(),
    )
    return numbers.public_key()


def jwk_of(document: dict[str, Any], fragment: str) -> dict[str, Any]:
    """The JsonWebKey method of key `fragment` (`key-N`) in a DID document."""
    wanted = f"{document['id']}#{fragment}-jwk"
    [method] = [m for m in document["verificationMethod"] if m["id"] == wanted]
    return method["publicKeyJwk"]  # type: ignore[no-any-return]
