"""Key pairs and their public forms: JWK (RFC 7517/8037) and Multikey multibase."""

from __future__ import annotations

import base64
from typing import Any, Literal

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from badgekit_api.openbadges.ob3.multibase import ED25519_PUB, P256_PUB, base58btc

Algorithm = Literal["EdDSA", "ES256"]
ALGORITHMS: tuple[Algorithm, ...] = ("EdDSA", "ES256")
DEFAULT_ALGORITHM: Algorithm = "EdDSA"

PrivateKey = Ed25519PrivateKey | ec.EllipticCurvePrivateKey
PublicKey = Ed25519PublicKey | ec.EllipticCurvePublicKey


def generate(algorithm: Algorithm) -> PrivateKey:
    if algorithm == "EdDSA":
        return Ed25519PrivateKey.generate()
    return ec.generate_private_key(ec.SECP256R1())


def private_bytes(key: PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def load_private(der: bytes) -> PrivateKey:
    key = serialization.load_der_private_key(der, password=None)
    if not isinstance(key, Ed25519PrivateKey | ec.EllipticCurvePrivateKey):
        raise ValueError(f"unexpected key type {type(key).__name__}")
    return key


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def public_jwk(key: PublicKey) -> dict[str, Any]:
    if isinstance(key, Ed25519PublicKey):
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": _b64url(raw)}
    numbers = key.public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": _b64url(numbers.x.to_bytes(32, "big")),
        "y": _b64url(numbers.y.to_bytes(32, "big")),
    }


def public_multibase(key: PublicKey) -> str:
    """The Multikey `publicKeyMultibase`: `z` + base58btc(multicodec prefix + key bytes),
    the compressed point for P-256 (Controlled Identifiers 1.0, section 2.2.2)."""
    if isinstance(key, Ed25519PublicKey):
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return base58btc(ED25519_PUB + raw)
    point = key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
    )
    return base58btc(P256_PUB + point)
