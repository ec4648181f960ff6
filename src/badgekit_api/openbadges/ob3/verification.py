"""Checking a presented Open Badges 3.0 credential, in two steps around the key lookup:

1. `read_presented(data)`: what was sent (a JSON credential with its embedded proof, a
   compact VC-JWT, or a PNG / SVG with either baked in) read as a `Presented` credential:
   its format, the verification method its proof names and the issuer it claims, none
   of it trusted yet;
2. the caller resolves that verification method to a public key (our own DID documents,
   did:key offline, did:web over HTTPS) and reads the revocation bit of its status entry,
   then `check_presented` judges it and reports each check.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jwt

from badgekit_api.openbadges.baking import BakingError
from badgekit_api.openbadges.ob3.baking import unbake_credential
from badgekit_api.openbadges.ob3.proofs import (
    ProofError,
    PublicKey,
    data_integrity_proof,
    validity,
    vc_jwt_header,
    verify_data_integrity_proof,
    verify_vc_jwt,
)

JWT, DATA_INTEGRITY = "vc+jwt", "data-integrity"


class NotACredential(Exception):
    """What was sent holds no credential this server can read (the message says why)."""


@dataclass(frozen=True, slots=True)
class Presented:
    format: str  # JWT or DATA_INTEGRITY
    credential: str | dict[str, Any]  # the compact JWT, or the secured JSON document
    claimed: dict[str, Any]  # the credential as it says it is, before any check
    verification_method: str  # the key its proof names (`did#fragment`)
    issuer: str | None  # the issuer id it claims

    @property
    def status_entry(self) -> Any:
        """Its `credentialStatus` (a BitstringStatusListEntry, or None), unverified."""
        return self.claimed.get("credentialStatus")


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    passed: bool | None  # None: it could not be, or need not be, checked
    detail: str


@dataclass(frozen=True, slots=True)
class Report:
    format: str
    credential: dict[str, Any] | None  # the verified credential; None if its proof fails
    checks: tuple[Check, ...]

    @property
    def verified(self) -> bool:
        """Signature and issuer key hold, and no other check failed."""
        passed = {check.name: check.passed for check in self.checks}
        return bool(passed["signature"] and passed["issuerKey"]) and False not in passed.values()


def read_presented(data: bytes) -> Presented:
    """A credential from the bytes sent: JSON, a compact JWT, or a baked PNG or SVG."""
    text = _text_of(data)
    if text.startswith("{"):
        try:
            document = json.loads(text)
        except ValueError:
            raise NotACredential("the JSON does not parse") from None
        if not isinstance(document, dict):
            raise NotACredential("the JSON is not an object")
        try:
            proof = data_integrity_proof(document)
        except ProofError as error:
            raise NotACredential(str(error)) from None
        return Presented(
            DATA_INTEGRITY, document, document, proof["verificationMethod"], _issuer(document)
        )
    try:
        header = vc_jwt_header(text)
        claimed = jwt.decode(text, options={"verify_signature": False})
    except (ProofError, jwt.InvalidTokenError) as error:
        raise NotACredential(f"neither a JSON credential nor a VC-JWT: {error}") from None
    kid = header.get("kid")
    if not isinstance(kid, str) or not isinstance(claimed, dict):
        raise NotACredential("the VC-JWT names no key (`kid`) or carries no credential")
    return Presented(JWT, text, claimed, kid, _issuer(claimed))


def check_presented(
    presented: Presented, public_key: PublicKey | None, now: datetime, *, revoked: bool | None
) -> Report:
    """Judge a credential with the key its verification method resolved to (None if it
    did not) and its revocation bit (None when it has no status entry or it is unknown)."""
    method_did = presented.verification_method.partition("#")[0]
    if method_did != presented.issuer:
        key = Check("issuerKey", False, f"the proof's key belongs to {method_did}, not the issuer")
    elif public_key is None:
        key = Check("issuerKey", False, f"{presented.verification_method} was not found")
    else:
        key = Check("issuerKey", True, f"{presented.verification_method} of the issuer")
    credential = None
    if public_key is None:
        signature = Check("signature", None, "no key to check it with")
    else:
        try:
            if presented.format == JWT:
                assert isinstance(presented.credential, str)
                credential = verify_vc_jwt(presented.credential, public_key)
            else:
                assert isinstance(presented.credential, dict)
                credential = verify_data_integrity_proof(presented.credential, public_key)
            signature = Check("signature", True, f"{presented.format} proof holds")
        except ProofError as error:
            signature = Check("signature", False, str(error))
    why_not = validity(presented.claimed, now)
    dates = Check("validity", why_not is None, why_not or "valid now")
    if revoked is None:
        status = Check("status", None, "no status entry, or its list could not be read")
    else:
        status = Check("status", not revoked, "revoked" if revoked else "not revoked")
    return Report(presented.format, credential, (signature, key, dates, status))


def _text_of(data: bytes) -> str:
    try:
        baked = unbake_credential(data) if _is_image(data) else None
    except BakingError as error:
        raise NotACredential(f"the image cannot be read: {error}") from None
    if _is_image(data) and baked is None:
        raise NotACredential("the image has no Open Badges 3.0 credential baked in")
    try:
        return (baked if baked is not None else data.decode("utf-8")).strip()
    except UnicodeDecodeError:
        raise NotACredential("not UTF-8 text, a PNG or an SVG") from None


def _is_image(data: bytes) -> bool:
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return data.startswith(b"\x89PNG") or head == b"<"


def _issuer(credential: dict[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    return issuer_id if isinstance(issuer_id, str) else None
