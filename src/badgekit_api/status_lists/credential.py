"""A status list as a BitstringStatusListCredential, secured as a compact VC-JWT
(VC-JOSE-COSE: the credential is the JWT payload; `typ: vc+jwt`, `kid` the verification
method), signed with the current key of the profile the list belongs to, so that a
verifier can bind the list to the credentials' own issuer."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import jwt

from badgekit_api.keys.signing import IssuerKey
from badgekit_api.status_lists.entries import STATUS_PURPOSE

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
# How long one signed copy is good for: a replayed old copy (with fewer revocations) is
# refused past it. Each request signs a fresh one, so it never lapses for honest readers.
VALID_FOR = timedelta(hours=1)
# `ttl` (milliseconds): the spec's hint of how soon to read the list again.
TTL_MILLISECONDS = 60_000


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def status_list_credential(
    list_url: str, issuer_did: str, encoded_list: str, now: datetime
) -> dict[str, Any]:
    return {
        "@context": [VC_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did,
        "validFrom": _iso(now),
        "validUntil": _iso(now + VALID_FOR),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": STATUS_PURPOSE,
            "encodedList": encoded_list,
            "ttl": TTL_MILLISECONDS,
        },
    }


def signed(credential: dict[str, Any], key: IssuerKey, now: datetime) -> str:
    """The compact VC-JWT: the credential's own members, plus the registered claims
    verifiers check against them (`iss` the issuer, `sub` the subject, `jti` the id)."""
    issued = int(now.timestamp())
    payload = {
        **credential,
        "iss": credential["issuer"],
        "sub": credential["credentialSubject"]["id"],
        "jti": credential["id"],
        "iat": issued,
        "nbf": issued,
        "exp": issued + int(VALID_FOR.total_seconds()),
    }
    headers = {"kid": key.verification_method, "typ": "vc+jwt", "cty": "vc"}
    return jwt.encode(payload, key.private_key, algorithm=key.algorithm, headers=headers)
