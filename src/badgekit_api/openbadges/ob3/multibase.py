"""Multibase base58btc (`z...`), as Data Integrity proof values and `did:key` identifiers
write bytes, and the did:key of an Ed25519 public key."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_VALUES = {char: value for value, char in enumerate(ALPHABET)}
# The multicodec prefixes of an Ed25519 (0xed) and a P-256 (0x1200) public key, as
# unsigned varints.
ED25519_PUB = b"\xed\x01"
P256_PUB = b"\x80\x24"


def base58btc(data: bytes) -> str:
    """`z` followed by the bitcoin-alphabet base58 of `data` (leading zero bytes as `1`)."""
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, digit = divmod(number, 58)
        digits.append(ALPHABET[digit])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "z" + "1" * zeros + "".join(reversed(digits))


def from_base58btc(text: str) -> bytes:
    """The bytes of a multibase base58btc string; ValueError if it is not one."""
    if not text.startswith("z") or len(text) < 2:
        raise ValueError("not a multibase base58btc value (it must start with 'z')")
    body = text[1:]
    number = 0
    for char in body:
        if char not in _VALUES:
            raise ValueError(f"{char!r} is not a base58btc digit")
        number = number * 58 + _VALUES[char]
    zeros = len(body) - len(body.lstrip("1"))
    return b"\0" * zeros + number.to_bytes((number.bit_length() + 7) // 8, "big")


def ed25519_multikey(public_key: Ed25519PublicKey) -> str:
    """The `publicKeyMultibase` of an Ed25519 key (a `Multikey` verification method)."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base58btc(ED25519_PUB + raw)


def ed25519_from_multikey(multikey: str) -> Ed25519PublicKey:
    data = from_base58btc(multikey)
    if not data.startswith(ED25519_PUB) or len(data) != len(ED25519_PUB) + 32:
        raise ValueError("not an Ed25519 Multikey")
    return Ed25519PublicKey.from_public_bytes(data[len(ED25519_PUB) :])


def public_key_from_multikey(multikey: str) -> Ed25519PublicKey | ec.EllipticCurvePublicKey:
    """The key a Multikey `publicKeyMultibase` names: Ed25519, or P-256 as its compressed
    point; ValueError for anything else."""
    data = from_base58btc(multikey)
    if data.startswith(P256_PUB) and len(data) == len(P256_PUB) + 33:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), data[len(P256_PUB) :])
    return ed25519_from_multikey(multikey)


def did_key(public_key: Ed25519PublicKey) -> tuple[str, str]:
    """The `did:key` of an Ed25519 key and its one verification method id."""
    multikey = ed25519_multikey(public_key)
    did = f"did:key:{multikey}"
    return did, f"{did}#{multikey}"


def did_key_public_key(did_or_method: str) -> Ed25519PublicKey:
    """The Ed25519 key a `did:key` (or one of its verification method ids) names."""
    did = did_or_method.partition("#")[0]
    if not did.startswith("did:key:"):
        raise ValueError(f"{did!r} is not a did:key")
    return ed25519_from_multikey(did.removeprefix("did:key:"))
