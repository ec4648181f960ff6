"""`POST /public/verify`: check an Open Badges 3.0 credential, ours or another issuer's."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request

from badgekit_api.db.database import SessionDep
from badgekit_api.errors import PayloadTooLarge, ValidationFailed
from badgekit_api.http.urls import PublicUrlsDep
from badgekit_api.models.base import utcnow
from badgekit_api.openbadges.ob3.schema_check import schema_errors
from badgekit_api.openbadges.ob3.verification import (
    Check,
    NotACredential,
    check_presented,
    read_presented,
)
from badgekit_api.verify.resolution import Resolver
from badgekit_api.verify.schemas import CheckResult, VerificationReport
from badgekit_api.webhooks.addresses import AddressPolicyDep

router = APIRouter(prefix="/public", tags=["open badges"])

# Canonicalising JSON-LD costs CPU with its size: a credential is a few kilobytes; a baked
# image may be larger, but only the credential in it is canonicalised.
MAX_VERIFY_BYTES = 2 * 1024 * 1024
MAX_CREDENTIAL_CHARS = 128 * 1024
BINARY = {"type": "string", "format": "binary"}
BADGE_TYPES = {"OpenBadgeCredential", "AchievementCredential"}


@router.post(
    "/verify",
    response_model=VerificationReport,
    responses={
        400: {"description": "`ValidationError`: the body holds no credential we can read"},
        413: {"description": "`PayloadTooLarge`: more than 2 MiB"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "The credential: JSON with its embedded proof, a compact VC-JWT "
            "(as text, or as a JSON string), or a PNG / SVG with either baked in",
            "content": {
                "application/json": {"schema": {"type": "object", "additionalProperties": True}},
                "application/vc+ld+json": {"schema": BINARY},
                "application/vc+jwt": {"schema": BINARY},
                "text/plain": {"schema": BINARY},
                "image/png": {"schema": BINARY},
                "image/svg+xml": {"schema": BINARY},
            },
        }
    },
)
async def verify_credential(
    request: Request, session: SessionDep, urls: PublicUrlsDep, policy: AddressPolicyDep
) -> VerificationReport:
    """Check a credential: its signature, that the key is its issuer's (resolved from our
    own profiles, did:key, or did:web over HTTPS), its validity dates, and its revocation
    bit in its status list. Each check is reported; `verified` sums them up."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_VERIFY_BYTES:
            raise PayloadTooLarge("The credential is larger than the verifier reads (2 MiB)")
    data = _unquoted(bytes(body))
    try:
        presented = read_presented(data)
    except NotACredential as error:
        raise _not_a_credential(str(error)) from None
    if isinstance(presented.credential, str):
        size = len(presented.credential)
    else:
        size = len(json.dumps(presented.credential))
    if size > MAX_CREDENTIAL_CHARS:
        raise _not_a_credential("the credential is larger than 128 KiB")
    resolver = Resolver(session, urls, policy)
    public_key = await resolver.public_key(presented.verification_method)
    revoked = await resolver.revoked(presented.status_entry, presented.issuer)
    try:
        report = check_presented(presented, public_key, utcnow(), revoked=revoked)
    except (ValueError, TypeError, KeyError) as error:
        raise _not_a_credential(f"the credential cannot be checked: {error}") from None
    checks = [_unread_status(c, presented.status_entry) for c in report.checks]
    checks.append(_schema_check(presented.claimed))
    return VerificationReport(
        verified=report.verified and all(check.passed is not False for check in checks),
        format=report.format,
        checks=[CheckResult(name=c.name, passed=c.passed, detail=c.detail) for c in checks],
        credential=report.credential,
    )


def _unread_status(check: Check, entry: Any) -> Check:
    """A credential that has a status entry is not verified without reading it: a list
    that cannot be read, or is not signed by the credential's issuer, fails the check."""
    if check.name != "status" or check.passed is not None or entry is None:
        return check
    return Check(
        "status",
        False,
        "its status list could not be read, or is not the credential issuer's own",
    )


def _schema_check(credential: dict[str, Any]) -> Check:
    """1EdTech's AchievementCredential schema, for Open Badges credentials (those a VC of
    another kind need not meet)."""
    types = credential.get("type")
    if not isinstance(types, list) or not set(types) & BADGE_TYPES:
        return Check("schema", None, "not an Open Badges credential")
    # VC 2.0 allows one proof as an object; 1EdTech's schema lists proofs in an array.
    proof = credential.get("proof")
    errors = schema_errors(
        credential if proof is None or isinstance(proof, list) else {**credential, "proof": [proof]}
    )
    if errors:
        return Check("schema", False, "; ".join(errors))
    return Check("schema", True, "valid OB 3.0 AchievementCredential")


def _unquoted(data: bytes) -> bytes:
    """A VC-JWT sent as a JSON string is the JWT itself."""
    if data.lstrip()[:1] != b'"':
        return data
    try:
        value = json.loads(data)
    except ValueError:
        return data
    return value.encode() if isinstance(value, str) else data


def _not_a_credential(message: str) -> ValidationFailed:
    return ValidationFailed.field("body", None, f"Not a credential: {message}")
