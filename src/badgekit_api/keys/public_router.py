"""`/public/systems/:s[/issuers/:i[/programs/:p]]/did.json`: the profile's DID document,
where did:web resolution of its DID lands (see `did.py`)."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Response

from badgekit_api.db.database import SessionDep
from badgekit_api.http.urls import PublicUrlsDep
from badgekit_api.keys.did import DID_DOCUMENT_NAME, did_document
from badgekit_api.keys.signing import did_and_methods
from badgekit_api.openbadges.responses import OPEN_TO_ALL
from badgekit_api.scopes import PublicScope

router = APIRouter(tags=["open badges"])

# A revoked key must leave verifiers' copies within a minute, like a revoked credential.
CACHE_CONTROL = "public, max-age=60"
DID_MEDIA_TYPE = "application/did+json"


@router.get(
    f"/{DID_DOCUMENT_NAME}",
    response_class=Response,
    responses={200: {"content": {DID_MEDIA_TYPE: {}}}, 404: {"description": "No such container"}},
)
async def get_did_document(
    scope: PublicScope, session: SessionDep, urls: PublicUrlsDep
) -> Response:
    """The DID document of this container's issuer profile: its public keys as Multikey
    and JsonWebKey verification methods, current key first (made on first use)."""
    did, methods = await did_and_methods(session, scope, origin=urls.origin)
    return Response(
        orjson.dumps(did_document(did, methods)),
        media_type=DID_MEDIA_TYPE,
        headers={**OPEN_TO_ALL, "Cache-Control": CACHE_CONTROL},
    )
