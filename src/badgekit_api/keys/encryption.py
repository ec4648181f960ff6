"""Private keys at rest: AES-256-GCM under KEY_ENCRYPTION_KEY, each bound to its row.

The associated data is the key's owner and number, so a private key copied onto another
row (another profile's, or another number) fails to decrypt instead of signing for it.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12


class KeyEncryptionError(ValueError):
    """KEY_ENCRYPTION_KEY is malformed, or no key of it decrypts a stored private key."""


def new_key_encryption_key() -> str:
    """A fresh KEY_ENCRYPTION_KEY value: 32 random bytes, base64url."""
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode().rstrip("=")


def _decode(value: str) -> bytes:
    text = value.strip()
    try:
        raw = base64.urlsafe_b64decode(
            text.replace("+", "-").replace("/", "_") + "=" * (-len(text) % 4)
        )
    except (binascii.Error, ValueError):
        raise KeyEncryptionError("each key must be base64 of 32 bytes") from None
    if len(raw) != KEY_BYTES:
        raise KeyEncryptionError(f"each key must be base64 of 32 bytes, not {len(raw)}")
    return raw


@dataclass(frozen=True, slots=True)
class KeyEncryption:
    """The keys of KEY_ENCRYPTION_KEY: the first encrypts, any of them decrypts."""

    keys: tuple[AESGCM, ...]

    @classmethod
    def from_setting(cls, value: str) -> KeyEncryption:
        parts = [part for part in value.split(",") if part.strip()]
        if not parts:
            raise KeyEncryptionError("it names no key")
        return cls(tuple(AESGCM(_decode(part)) for part in parts))

    def encrypt(self, plaintext: bytes, bound_to: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self.keys[0].encrypt(nonce, plaintext, bound_to.encode())

    def decrypt(self, stored: bytes, bound_to: str) -> bytes:
        nonce, ciphertext = stored[:NONCE_BYTES], stored[NONCE_BYTES:]
        for key in self.keys:
            try:
                return key.decrypt(nonce, ciphertext, bound_to.encode())
            except InvalidTag:
                continue
        raise KeyEncryptionError(
            f"no key of KEY_ENCRYPTION_KEY decrypts the private key of {bound_to}"
        )
