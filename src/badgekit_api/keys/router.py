"""A profile's signing keys, for the master key only: list, rotate, revoke a retired one.

Written once and mounted (by `api.py`) under each container level, like every scoped route.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from badgekit_api.db.database import SessionDep
from badgekit_api.errors import NotAuthorized
from badgekit_api.http.body import Body
from badgekit_api.http.urls import PublicUrlsDep
from badgekit_api.keys import store
from badgekit_api.keys.context import encryption_of
from badgekit_api.keys.did import DID_DOCUMENT_NAME, did_web
from badgekit_api.keys.profiles import profile_ref
from badgekit_api.keys.schemas import KeyList, KeyRotation
from badgekit_api.scopes import CurrentScope
from badgekit_api.scopes.start import StartedDep


async def require_master(started: StartedDep) -> None:
    """A consumer key may award its system's badges, never change who signs them."""
    if started.caller is None or not started.caller.is_master:
        raise NotAuthorized("Only the master key may manage signing keys")


router = APIRouter(prefix="/keys", tags=["keys"], dependencies=[Depends(require_master)])

KeyNumber = Annotated[
    int, Path(ge=1, le=2_147_483_647, description="The key's number N (`#key-N`)")
]


def _listing(found: store.ProfileKeys, urls: PublicUrlsDep) -> KeyList:
    did = did_web(urls.origin, found.path)
    return KeyList.of(did, urls.absolute(f"{found.path}/{DID_DOCUMENT_NAME}"), found)


@router.get("", response_model=KeyList)
async def list_keys(scope: CurrentScope, session: SessionDep, urls: PublicUrlsDep) -> KeyList:
    """The profile's keys, newest first (its first one is made now if it has none): the
    public halves only."""
    found = await store.ensure_key(session, profile_ref(scope), encryption_of(session))
    return _listing(found, urls)


@router.post(
    "/rotate", response_model=KeyList, responses={409: {"description": "A rotation raced"}}
)
async def rotate_keys(
    scope: CurrentScope,
    session: SessionDep,
    urls: PublicUrlsDep,
    data: KeyRotation = Body(KeyRotation),
) -> KeyList:
    """A new current key (`algorithm`: `EdDSA`, the default, or `ES256`). The old public
    keys stay in the DID document, so what they signed still verifies."""
    found = await store.rotate(session, profile_ref(scope), encryption_of(session), data.algorithm)
    return _listing(found, urls)


@router.delete(
    "/{number}",
    response_model=KeyList,
    responses={404: {"description": "No such key"}, 409: {"description": "The current key"}},
)
async def revoke_key(
    number: KeyNumber, scope: CurrentScope, session: SessionDep, urls: PublicUrlsDep
) -> KeyList:
    """Revoke a retired key: it leaves the DID document, and every credential it signed
    stops verifying. The current key cannot be revoked; rotate first."""
    found = await store.revoke(session, profile_ref(scope), number)
    return _listing(found, urls)
