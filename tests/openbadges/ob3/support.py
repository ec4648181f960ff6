"""Issuer keys made in the test, and awards read back as the documents read them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from badgekit_api.http.urls import PublicUrls
from badgekit_api.openbadges.assertions import AssertionFacts
from badgekit_api.openbadges.ob3.multibase import did_key
from badgekit_api.openbadges.service import read_assertion_facts
from tests.openbadges.support import BASE

URLS = PublicUrls(BASE)
STATUS_LIST = f"{BASE}/public/systems/chicago/status/revocation"


@dataclass(frozen=True)
class GeneratedKey:
    """Has the fields of the key store's `IssuerKey` that signing reads."""

    private_key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    algorithm: str = "EdDSA"

    @property
    def did(self) -> str:
        return did_key(self.private_key.public_key())[0]

    @property
    def verification_method(self) -> str:
        return did_key(self.private_key.public_key())[1]


def status_entry(index: int) -> dict[str, Any]:
    """A BitstringStatusListEntry of the shape the status lists give."""
    return {
        "id": f"{STATUS_LIST}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": STATUS_LIST,
    }


async def facts_of(engine: AsyncEngine, uid: str) -> AssertionFacts:
    """The award as the hosted documents read it (with its badge)."""
    async with AsyncSession(engine) as session:
        return await read_assertion_facts(session, uid, URLS)
