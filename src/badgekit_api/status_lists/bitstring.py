"""The `encodedList` of a Bitstring Status List v1.0: the bitstring (bit 0 is the most
significant bit of byte 0), GZIP-compressed, as multibase base64url without padding (`u`)."""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterable

from badgekit_api.status_lists.entries import LIST_SIZE


def encode(set_indexes: Iterable[int], size: int = LIST_SIZE) -> str:
    bits = bytearray(size // 8)
    for index in set_indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    # mtime=0: the same list always encodes to the same bytes (ETags, signatures' input).
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def decode(encoded: str) -> bytes:
    """The bitstring of an `encodedList` (tests and the verifier read lists with it)."""
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url (`u` prefix)")
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def is_set(bitstring: bytes, index: int) -> bool:
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))
