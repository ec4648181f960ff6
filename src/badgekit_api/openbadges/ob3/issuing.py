"""An award's Open Badges 3.0 credential in each form it is served in, from its facts and
its issuer's key: what the `?v=3` routes answer.

`facts` must be read with the badge (`service.ASSERTION_FACTS` in its PAGE variant, or
`service.read_assertion_facts`), since the credential embeds the achievement.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from badgekit_api.http.urls import PublicUrls
from badgekit_api.openbadges.assertions import AssertionFacts
from badgekit_api.openbadges.ob3.baking import bake_credential
from badgekit_api.openbadges.ob3.credential import open_badge_credential
from badgekit_api.openbadges.ob3.proofs import SigningKey, add_data_integrity_proof, sign_vc_jwt


class IssuingKey(SigningKey, Protocol):
    """An issuer key that also names its DID (the key store's `IssuerKey` does)."""

    @property
    def did(self) -> str: ...


def unsigned_credential(
    facts: AssertionFacts, urls: PublicUrls, key: IssuingKey, status: dict[str, Any] | None
) -> dict[str, Any]:
    if facts.badge is None:
        raise ValueError("the credential needs the facts read with their badge")
    return open_badge_credential(
        facts, facts.badge, urls, issuer_did=key.did, credential_status=status
    )


def signed_credential(
    facts: AssertionFacts,
    urls: PublicUrls,
    key: IssuingKey,
    status: dict[str, Any] | None,
    created: datetime,
) -> dict[str, Any]:
    """The credential with its embedded `eddsa-rdfc-2022` proof (`application/vc+ld+json`).

    Ed25519 signatures are deterministic, so the same `created` gives the same bytes: a
    fixed one (the key's creation, say) lets the answer carry a stable ETag.
    """
    return add_data_integrity_proof(unsigned_credential(facts, urls, key, status), key, created)


def credential_jwt(
    facts: AssertionFacts, urls: PublicUrls, key: IssuingKey, status: dict[str, Any] | None
) -> str:
    """The credential as a compact VC-JWT (`application/vc+jwt`)."""
    return sign_vc_jwt(unsigned_credential(facts, urls, key, status), key)


def baked_credential_image(image: bytes, mimetype: str, credential: str | dict[str, Any]) -> bytes:
    """The badge image (PNG or SVG) with a signed credential (`signed_credential` or
    `credential_jwt`) baked in; `BakingError` if the stored image cannot be baked."""
    return bake_credential(image, mimetype, credential)
