"""Shapes of `/systems/:s[/issuers/:i[/programs/:p]]/keys` (master key only): public
halves only, never a private key."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from badgekit_api.keys.material import DEFAULT_ALGORITHM, Algorithm
from badgekit_api.keys.store import ProfileKeys, StoredKey
from badgekit_api.timestamps import Timestamp


class KeyRotation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    algorithm: Algorithm = DEFAULT_ALGORITHM


class KeyRead(BaseModel):
    id: str  # the DID URL of its Multikey verification method
    number: int
    algorithm: str
    current: bool
    publicKeyMultibase: str  # noqa: N815 - wire name
    publicKeyJwk: dict[str, Any]  # noqa: N815 - wire name
    created: Timestamp
    retired: Timestamp | None
    revoked: Timestamp | None

    @classmethod
    def of(cls, did: str, key: StoredKey, *, current: bool) -> KeyRead:
        return cls(
            id=f"{did}#{key.fragment}",
            number=key.number,
            algorithm=key.algorithm,
            current=current,
            publicKeyMultibase=key.public_multibase,
            publicKeyJwk=key.public_jwk,
            created=key.created_at,
            retired=key.retired_at,
            revoked=key.revoked_at,
        )


class KeyList(BaseModel):
    did: str
    didDocument: str  # noqa: N815 - wire name: where the DID resolves
    keys: list[KeyRead]

    @classmethod
    def of(cls, did: str, document_url: str, found: ProfileKeys) -> KeyList:
        current = found.current
        return cls(
            did=did,
            didDocument=document_url,
            keys=[KeyRead.of(did, key, current=key is current) for key in found.keys],
        )
