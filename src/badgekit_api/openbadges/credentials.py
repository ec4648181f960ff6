"""An award's Open Badges 3.0 credential as the `?v=3` routes serve it: signed with the
current key of the profile that issues its badge (the badge's own container), its status
entry in that profile's status lists."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.errors import NotAcceptable
from badgekit_api.http.urls import PublicUrls
from badgekit_api.keys.signing import IssuerKey, signing_key
from badgekit_api.openbadges.assertions import AssertionFacts
from badgekit_api.openbadges.links import profile_url
from badgekit_api.openbadges.ob3 import issuing
from badgekit_api.scopes import Scope
from badgekit_api.scopes.containers import Container
from badgekit_api.status_lists.entries import status_entry


def issuing_scope(badge: dict[str, Any]) -> Scope:
    """The containers of a badge's wire object; the deepest is the profile issuing it."""
    return Scope(
        system=Container.from_document(badge["system"]),
        issuer=Container.from_document(badge["issuer"]) if badge["issuer"] else None,
        program=Container.from_document(badge["program"]) if badge["program"] else None,
    )


async def served_credential(
    session: AsyncSession, facts: AssertionFacts, urls: PublicUrls, *, as_jwt: bool
) -> str | dict[str, Any]:
    """The credential as a compact VC-JWT, or as JSON with its Data Integrity proof.

    `facts` are read with the badge. The proof's `created` is fixed (the later of the
    award and the key), so the same award and key always give the same bytes and ETag.
    """
    if facts.badge is None or facts.instance_id is None:
        raise ValueError("the credential needs the facts read with their badge")
    scope = issuing_scope(facts.badge)
    key = await signing_key(session, scope, origin=urls.origin)
    status = status_entry(
        facts.instance_id, profile_url(scope.system, scope.issuer, scope.program, urls)
    )
    if as_jwt:
        return issuing.credential_jwt(facts, urls, key, status)
    if key.algorithm != "EdDSA":
        # eddsa-rdfc-2022 is an Ed25519 suite; a P-256 key signs the VC-JWT form only.
        raise NotAcceptable(
            "This issuer signs with an ES256 key, which makes no eddsa-rdfc-2022 proof: "
            "ask for the VC-JWT (format=jwt, or Accept: application/vc+jwt)"
        )
    return issuing.signed_credential(facts, urls, key, status, proof_created(facts, key))


def proof_created(facts: AssertionFacts, key: IssuerKey) -> datetime:
    moments = [_utc(facts.issued_on), _utc(key.created_at)]
    return max(moments).replace(microsecond=0)


def _utc(moment: datetime) -> datetime:
    # SQLite and MariaDB give naive datetimes; they are UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
