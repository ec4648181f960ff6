"""`/public/systems/:s[/issuers/:i[/programs/:p]]/status/:n`: one of the profile's status
lists, a signed BitstringStatusListCredential (compact VC-JWT).

Built and signed on every request (nothing cached here), and `max-age=60` for verifiers'
caches: a revocation shows in the list at once, and to verifiers within a minute.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from badgekit_api.db.database import SessionDep
from badgekit_api.http.urls import PublicUrlsDep
from badgekit_api.keys.signing import signing_key
from badgekit_api.models.base import utcnow
from badgekit_api.openbadges.links import profile_path
from badgekit_api.openbadges.responses import OPEN_TO_ALL
from badgekit_api.scopes import PublicScope
from badgekit_api.status_lists import bitstring
from badgekit_api.status_lists.credential import signed, status_list_credential
from badgekit_api.status_lists.entries import MAX_LIST_NUMBER, list_path
from badgekit_api.status_lists.queries import revoked_indexes

router = APIRouter(tags=["open badges"])

CACHE_CONTROL = "public, max-age=60"
VC_JWT = "application/vc+jwt"

ListNumber = Annotated[
    int, Path(ge=0, le=MAX_LIST_NUMBER, description="Which list of the profile: `id // 131072`")
]


@router.get(
    "/status/{list_number}",
    response_class=Response,
    responses={200: {"content": {VC_JWT: {}}}, 404: {"description": "No such container"}},
)
async def get_status_list(
    list_number: ListNumber, scope: PublicScope, session: SessionDep, urls: PublicUrlsDep
) -> Response:
    """The revocation status list `list_number` of this container's profile: bit
    `id % 131072` of list `id // 131072` is set once award `id` is revoked."""
    now = utcnow()
    list_url = urls.absolute(
        list_path(profile_path(scope.system, scope.issuer, scope.program), list_number)
    )
    encoded = bitstring.encode(await revoked_indexes(session, scope, list_number))
    key = await signing_key(session, scope, origin=urls.origin)
    token = signed(status_list_credential(list_url, key.did, encoded, now), key, now)
    return Response(
        token, media_type=VC_JWT, headers={**OPEN_TO_ALL, "Cache-Control": CACHE_CONTROL}
    )
